package reimbursement

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/volume"
)

const (
	componentBase  = "base"
	componentStart = "start"
)

// sortedVisits returns the decision's approved visits in order of
// (start, id), rules §5. They are sorted as plain integers, the start
// (from a day before the period's first) above the visit's index, and
// then each run of one start, if any, by id.
func (s *Settler) sortedVisits(ds *decState) []int32 {
	v := ds.visits
	if len(v) < 2 {
		return v
	}
	const idxBits = 24
	base := (s.period.First().UnixDays() - 1) * 1440 // a visit of the period starts after it
	keys := s.visitKeys[:0]
	for i, ri := range v {
		d := s.recs.at(ri).start - base
		if uint64(d) >= 1<<(63-idxBits) || len(v) >= 1<<idxBits { // not so: a sort by comparison
			slices.SortFunc(v, s.compareVisits)
			return v
		}
		keys = append(keys, uint64(d)<<idxBits|uint64(i))
	}
	slices.Sort(keys)
	tmp := slices.Grow(s.visitTmp[:0], len(v))
	ties, prev := false, uint64(math.MaxUint64)
	for _, k := range keys {
		tmp = append(tmp, v[k&(1<<idxBits-1)])
		ties = ties || k>>idxBits == prev
		prev = k >> idxBits
	}
	copy(v, tmp)
	s.visitKeys, s.visitTmp = keys, tmp
	for i := 0; ties && i < len(v); {
		j := i + 1
		for j < len(v) && keys[j]>>idxBits == keys[i]>>idxBits {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(v[i:j], s.compareVisits)
		}
		i = j
	}
	return v
}

// compareVisits orders visits by start, then id.
func (s *Settler) compareVisits(a, b int32) int {
	x, y := s.recs.at(a), s.recs.at(b)
	if c := cmp.Compare(x.start, y.start); c != 0 {
		return c
	}
	if c := cmp.Compare(s.keyOf(x), s.keyOf(y)); c != 0 {
		return c
	}
	return strings.Compare(s.id(a), s.id(b))
}

// settleHours settles decision di of an hour service (rules §5).
func (s *Settler) settleHours(b *builder, di int) {
	ds := &s.decisions[di]
	svc := ds.svc
	if svc.Start.Minutes > 0 {
		s.settleStart(b, di) // outside the cap, whatever the basis
	}
	if svc.Basis == Granted {
		s.settleGranted(b, di)
		return
	}
	absent := s.absenceDays(b, di) // pays absence lines; visits are paid as usual
	h := hourDecision{ds: ds, di: di, capLeft: math.MaxInt64, capped: svc.Basis == Capped}
	if h.capped {
		// The cap is of the dates on which no absence rule applies (step
		// 4): a day paid by the absence rule does not widen it too.
		days := 0
		for i, in := range ds.slice {
			if in && (absent == nil || !absent[i]) {
				days++
			}
		}
		h.capLeft = capMinutes(s.grantedMinutes(ds.d, days), svc.CapPercent)
	}
	nb := len(s.bandMin)
	h.base = visitPay{component: componentBase, key: "100", percent: hundred, hints: s.lineHint[:nb]}
	if svc.DeclinedPercent.Valid {
		h.declined = visitPay{component: "declined", key: percentKey(svc.DeclinedPercent.Decimal),
			percent: svc.DeclinedPercent.Decimal, hints: s.lineHint[nb:]}
	}
	keptEnd := int64(math.MinInt64)
	for i := range s.lineHint {
		s.lineHint[i] = lineHint{rate: -3} // no line yet
	}
	h.rates, h.width = s.rateRows(ds, componentBase)
	if h.width > 0 {
		h.days = len(h.rates) / h.width
	}
	h.lengths = s.countedLengths(svc)
	granted := int64(ds.d.Staff)
	ds.performed = 0
	for _, ri := range s.sortedVisits(ds) {
		x := s.recs.at(ri)
		// A visit settled here resolved and is at most a day long: its
		// end is start + length (recEndApart is never set).
		end := x.start + int64(x.length)
		rs := int64(x.staff)
		raw := end - x.start
		l := h.counted(raw)
		if l != raw && x.flags&recShared != 0 {
			l = raw // a part of a shared visit is not rounded again
		}
		if l == 0 {
			b.unpaidReport(ds.prov, di, x, 0, Minute, ReasonZeroLength)
			continue
		}
		if x.start < keptEnd {
			b.unpaidReport(ds.prov, di, x, l*rs, Minute, ReasonOverlap)
			continue
		}
		keptEnd = max(keptEnd, end)
		if x.kind == volume.Visit {
			ds.performed += l * min(rs, granted)
		}
		// Most visits lie in one band, with a rate row, their staff
		// granted and within the cap: settleVisit's steps for them, taken
		// here without its bands of many.
		if x.kind == volume.Visit && rs <= granted && h.fits(l*rs) {
			if band, ok := s.split.Within(x.start, x.start+l); ok {
				row := h.row(s.dayIndex(x.date))
				r := cachedRate(row, band) // visitRate, without a call when found before
				if r == -2 {
					r = s.visitRate(&h, row, band, x.date)
				}
				if r >= 0 {
					h.fill(l * rs)
					b.addReport(h.base.line(b, band, int32(r)), l*rs, x)
					continue
				}
			}
		}
		s.settleVisit(b, &h, ri, x, l, rs, min(rs, granted))
	}
}

// cachedRate returns the rate row of band that row holds, found before, or
// -2 when it is not there yet: rateIn's first look, inlined where rateIn
// is not.
func cachedRate(row []int32, band int) int {
	if uint(band+1) < uint(len(row)) {
		return int(row[band+1])
	}
	return -2
}

// hourDecision is what settleHours keeps of the decision it settles.
type hourDecision struct {
	ds       *decState
	di       int
	rates    []int32 // the decision's rate rows and their width (rateRows)
	width    int
	days     int     // of rates
	lengths  []int64 // the counted length of each raw length up to a day (countedLengths)
	capLeft  int64   // minutes of the cap not yet filled
	capped   bool
	base     visitPay // how a visit is paid
	declined visitPay // how a declined visit is paid, when it is (component "" when not)
}

// A visitPay is how a kind of visit is paid: the component and percent of
// its lines, and the line each band at a rate row goes to, once found.
type visitPay struct {
	component string
	key       string // percent as a line key
	percent   decimal.Decimal
	hints     []lineHint // by band
}

// fits reports whether q staff-minutes fit in what is left of the cap
// (rules §5 step 4); always, when the decision is not capped.
func (h *hourDecision) fits(q int64) bool { return !h.capped || q <= h.capLeft }

// fill takes q staff-minutes, which fit, from the cap.
func (h *hourDecision) fill(q int64) {
	if h.capped {
		h.capLeft -= q
	}
}

// visitRate returns the rate row of band on date (rules §8), of the
// date's rates row (h.row): the one found before, else rateIn's; a
// negative number when there is none.
func (s *Settler) visitRate(h *hourDecision, row []int32, band int, date volume.Date) int {
	if r := cachedRate(row, band); r != -2 {
		return r
	}
	return s.rateIn(row, h.ds, componentBase, band, date)
}

// line returns the line that minutes of a visit of this kind in band at
// rate row are paid to (rules §9), found once for each band and rate.
func (pay *visitPay) line(b *builder, band int, rate int32) int {
	if hint := pay.hints[band]; hint.rate == rate {
		return int(hint.line)
	}
	return b.lineFor(pay, band, rate)
}

// lineFor finds the line of a visit's kind for band at rate row, and
// keeps it as the band's hint.
func (b *builder) lineFor(pay *visitPay, band int, rate int32) int {
	line := b.line(lineKey{component: pay.component, band: int16(band), rate: rate, percent: pay.key, unit: Minute, divisor: 60}, pay.percent)
	pay.hints[band] = lineHint{rate: rate, line: int32(line)}
	return line
}

// row returns the rates of day di, as dayRow does but without dividing:
// a division takes as long as a dozen other instructions, and this is
// asked for every visit.
func (h *hourDecision) row(di int) []int32 {
	if uint(di) >= uint(h.days) {
		return nil
	}
	return h.rates[di*h.width : (di+1)*h.width]
}

// counted returns countedLength of a visit of raw minutes.
func (h *hourDecision) counted(raw int64) int64 {
	if uint64(raw) < uint64(len(h.lengths)) {
		return h.lengths[raw]
	}
	return countedLength(h.ds.svc, raw)
}

// settleVisit settles visit ri, x, of h's decision the whole way: l its
// counted length, rs its staff and k the staff paid.
func (s *Settler) settleVisit(b *builder, h *hourDecision, ri int32, x *rec, l, rs, k int64) {
	ds, di := h.ds, h.di
	pay := &h.base
	if x.kind == volume.Declined {
		if h.declined.component == "" {
			b.unpaidReport(ds.prov, di, x, l*rs, Minute, ReasonDeclinedNotPaid)
			return
		}
		pay = &h.declined
	}
	// Every band of the visit needs a rate row of its start date.
	s.splitBands(x.start, x.start+l)
	missing := false
	row := h.row(s.dayIndex(x.date)) // the date's rates, found once
	for _, band := range s.touched {
		r := s.visitRate(h, row, band, x.date)
		s.bandRate[band] = int32(r)
		if r < 0 {
			s.gapAt(s.id(ri), x.date, s.describeRate(ds, componentBase, band))
			missing = true
		}
	}
	if missing {
		b.unpaidReport(ds.prov, di, x, l*rs, Minute, ReasonNoRate)
		return
	}
	if k < rs {
		b.unpaidReport(ds.prov, di, x, l*(rs-k), Minute, ReasonStaffNotGranted)
	}
	if x.kind != volume.Declined { // a declined visit is outside the cap
		if h.fits(l * k) {
			h.fill(l * k)
		} else {
			paid := h.capLeft / k // whole minutes of all k staff
			b.unpaidReport(ds.prov, di, x, l*k-paid*k, Minute, ReasonOverGranted)
			h.capLeft = 0 // full: what is left is less than a minute of k staff
			if paid == 0 {
				return
			}
			s.splitBands(x.start, x.start+paid)
		}
	}
	// The bands of the part paid are among those whose rates were found.
	for _, band := range s.touched {
		if qty := s.bandMin[band] * k; qty > 0 {
			b.addReport(pay.line(b, band, s.bandRate[band]), qty, x)
		}
	}
}

// A lineHint is the line of the current decision that a band of visits
// at a rate row goes to, found once.
type lineHint struct {
	rate int32 // the rate row; -3 when none is known
	line int32 // in builder.acc
}

// settleGranted pays granted_minutes(S) in the default band, per part of S
// with one rate row; the approved visits are listed in the lines' reports.
// Dates on which an absence rule applies are paid by the absence rule
// instead, so that a hospital day is not paid twice.
func (s *Settler) settleGranted(b *builder, di int) {
	ds := &s.decisions[di]
	absent := s.absenceDays(b, di)
	def := s.t.defaultBandIndex
	type part struct {
		rate int
		days int
	}
	var parts []part
	rateOf := make([]int, len(ds.slice))
	for i, in := range ds.slice {
		rateOf[i] = -2
		if !in || (absent != nil && absent[i]) {
			continue
		}
		d := s.period.First().AddDays(i)
		r := s.rateAt(ds, componentBase, def, d)
		rateOf[i] = r
		if r < 0 {
			s.gapAt(ds.d.ID, d, s.describeRate(ds, componentBase, def))
			continue
		}
		found := false
		for j := range parts {
			if parts[j].rate == r {
				parts[j].days++
				found = true
			}
		}
		if !found {
			parts = append(parts, part{rate: r, days: 1})
		}
	}
	full := decimal.NewFromInt(100)
	for _, p := range parts {
		b.add(componentBase, def, p.rate, full, Minute, 60, s.grantedMinutes(ds.d, p.days), "")
	}
	performed := keptVisits{staff: int64(ds.d.Staff)}
	for _, ri := range s.sortedVisits(ds) {
		x := s.recs.at(ri)
		performed.add(x, s.visitLength(ds.svc, ri, x), s.end(ri, x))
		id := s.id(ri)
		i := s.dayIndex(x.date)
		attached := false
		if r := rateOf[i]; r >= 0 {
			attached = b.attach(componentBase, def, r, full, Minute, 60, id)
		}
		for j := 0; !attached && j < len(parts); j++ {
			attached = b.attach(componentBase, def, parts[j].rate, full, Minute, 60, id)
		}
		if !attached {
			l := s.visitLength(ds.svc, ri, x)
			reason := ReasonOverGranted
			if rateOf[i] == -1 {
				reason = ReasonNoRate
			}
			b.unpaid(ds.prov, di, Unpaid{ID: id, Quantity: l * int64(x.staff), Unit: Minute, Reason: reason,
				Detail: "nothing is granted on the visit's date"})
		}
	}
	ds.performed = performed.minutes
}

// keptVisits measures the performed time of a decision whose visits do
// not pay (granted basis), as steps 1–3 of rules §5 count it for a
// decision whose visits pay: visits in order of (start, id), one of
// counted length 0 or that overlaps one kept not kept, a declined one
// kept but not performed, staff paid up to the staff granted.
type keptVisits struct {
	staff, keptEnd, minutes int64
	started                 bool
}

func (k *keptVisits) add(x *rec, counted, end int64) {
	if counted == 0 || (k.started && x.start < k.keptEnd) {
		return
	}
	k.keptEnd, k.started = max(k.keptEnd, end), true
	if x.kind == volume.Visit {
		k.minutes += counted * min(int64(x.staff), k.staff)
	}
}

// countedLengths returns countedLength of svc for each raw length of a
// day or less, made once a settler: looked up, a visit's length needs no
// division.
func (s *Settler) countedLengths(svc *Service) []int64 {
	if t, ok := s.lengths[svc]; ok {
		return t
	}
	t := make([]int64, 24*60+1)
	for raw := range t {
		t[raw] = countedLength(svc, int64(raw))
	}
	if s.lengths == nil {
		s.lengths = map[*Service][]int64{}
	}
	s.lengths[svc] = t
	return t
}

// countedLength applies step 1 of rules §5 to a visit of raw minutes.
func countedLength(svc *Service, raw int64) int64 {
	if svc == nil || svc.Unit != Hour {
		return raw
	}
	if svc.FixedMinutes > 0 {
		return int64(svc.FixedMinutes)
	}
	l := raw
	if st := int64(svc.Rounding.Step); st > 1 {
		switch svc.Rounding.Mode {
		case RoundUp:
			l = (l + st - 1) / st * st
		case RoundDown:
			l = l / st * st
		case RoundNearest:
			l = (l + st/2) / st * st // halves up: 2*rem >= st
		}
	}
	if m := int64(svc.MinMinutes); l < m {
		l = m
	}
	return l
}

// grantedMinutes is granted_minutes for days dates (rules §5 step 4),
// rounded half up to whole minutes.
func (s *Settler) grantedMinutes(d *Decision, days int) int64 {
	if days == 0 || d.GrantedPer == NotGranted {
		return 0
	}
	var div int64 = 1
	switch d.GrantedPer {
	case PerWeek:
		div = 7
	case PerMonth:
		div = int64(s.period.Days())
	}
	return grantedMinutesOf(d.GrantedHours, int64(days), div)
}

// grantedMinutesOf is hours × 60 × days / div rounded half away from
// zero, hours not negative: in integers when hours is c × 10^exp with c
// of at most 15 digits and exp at least -9 (every grant of whole, half or
// quarter hours), else in decimals.
func grantedMinutesOf(hours decimal.Decimal, days, div int64) int64 {
	if h := ore.Split(hours); h.OK && h.C >= 0 && h.Digits <= 15 && h.Exp >= -9 && days <= 31 {
		// c × 60 × 31 < 2^63, and div × 10^9 too.
		n, den := h.C*60*days, div*ore.Pow10(-h.Exp)
		q, r := n/den, n%den
		if 2*r >= den {
			q++
		}
		return q
	}
	return hours.Mul(decimal.NewFromInt(60*days)).DivRound(decimal.NewFromInt(div), 0).IntPart()
}

// capMinutes is the cap of a capped service: floor(granted × percent /
// 100) minutes, percent more than 0 (Tariff checks it). In integers when
// percent has at most six decimals and nine digits, else in decimals.
func capMinutes(granted int64, percent decimal.Decimal) int64 {
	if p := ore.Split(percent); p.OK && p.C > 0 && p.Digits <= 9 && p.Exp >= -6 && granted >= 0 && granted < 1e9 {
		return granted * p.C / (100 * ore.Pow10(-p.Exp)) // both below 10^18
	}
	// QuoRem to 0 decimals: the quotient truncated, the floor of a
	// quotient not negative.
	q, _ := decimal.NewFromInt(granted).Mul(percent).QuoRem(hundred, 0)
	return q.IntPart()
}

// splitBands splits [from, to) into bands: s.bandMin holds the minutes of
// each band in s.touched, in order of first appearance.
func (s *Settler) splitBands(from, to int64) {
	for _, b := range s.touched {
		s.bandMin[b] = 0
	}
	s.touched = s.touched[:0]
	if band, ok := s.split.Within(from, to); ok { // most visits
		s.touched = append(s.touched, band)
		s.bandMin[band] = to - from
		return
	}
	s.split.Split(from, to, func(band int, m int64) {
		if s.bandMin[band] == 0 {
			s.touched = append(s.touched, band)
		}
		s.bandMin[band] += m
	})
}

// settleStart pays the start payment of decision di (rules §5 step 7):
// the service's minutes, once, for a decision whose from date lies in the
// period and in no decision conflict, unless startBlocked. The line is in
// the default band at the base rate row of the from date, factor 1, not
// times staff, outside the cap, and names the decision. Without a rate
// row the minutes are not paid (no-rate, under the decision) and the gap
// is an issue.
func (s *Settler) settleStart(b *builder, di int) {
	ds := &s.decisions[di]
	start, from := ds.svc.Start, ds.d.From
	if start.Minutes == 0 || !s.period.Contains(from) || !ds.slice[s.dayIndex(from)] || s.startBlocked(di) {
		return
	}
	def := s.t.defaultBandIndex
	rate := s.rateAt(ds, componentBase, def, from)
	if rate < 0 {
		s.gapAt(ds.d.ID, from, s.describeRate(ds, componentBase, def))
		b.unpaid(ds.prov, di, Unpaid{ID: ds.d.ID, Quantity: int64(start.Minutes), Unit: Minute, Reason: ReasonNoRate,
			Detail: "start payment without a rate row"})
		return
	}
	b.add(componentStart, def, rate, hundred, Minute, 60, int64(start.Minutes), ds.d.ID)
}

// startBlocked reports whether the recipient of decision di had another
// decision of the same service with the same provider that ended 1 to
// gap_days days before di's from date: its care continues, and is not
// new. An open decision, or one that ends on or after that date, does not
// block.
func (s *Settler) startBlocked(di int) bool {
	ds := &s.decisions[di]
	d := ds.d
	lo, hi := s.recipientDecisions(di)
	for j := lo; j < hi; j++ {
		e := &s.decisions[j]
		if j == di || e.d.Service != d.Service || e.prov != ds.prov || e.d.To.IsZero() {
			continue
		}
		if gap := d.From.DaysSince(e.d.To); gap >= 1 && gap <= ds.svc.Start.GapDays {
			return true
		}
	}
	return false
}

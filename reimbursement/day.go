package reimbursement

import (
	"cmp"
	"errors"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// absDay is what an absence does to one date of a decision's slice.
type absDay struct {
	id      string // the absence; "" when none
	rule    bool   // the service has a rule for the absence's reason
	percent decimal.Decimal
}

// absenceMap returns, per date of the period, the absence that applies to
// decision ds on that date within its slice (rules §7).
func (s *Settler) absenceMap(ds *decState) []absDay {
	if len(ds.absences) == 0 {
		return nil
	}
	m := make([]absDay, len(ds.slice))
	for _, ai := range ds.absences {
		a := &s.abs[ai].a
		rule, ok := ds.svc.absenceRule(a.Reason)
		for i, in := range ds.slice {
			d := s.period.First().AddDays(i)
			if !in || d.Before(a.From) || (!a.To.IsZero() && d.After(a.To)) {
				continue
			}
			m[i] = absDay{id: a.ID, rule: ok}
			if ok {
				m[i].percent = rule.percent(d.DaysSince(a.From) + 1)
			}
		}
	}
	return m
}

// A dayRun is a run of stay days of one component of a day service
// (settleDays): its rate rows, and the days of one rate row, percent and
// absence so far.
type dayRun struct {
	rows     []int32 // the component's rate rows (rateRows)
	ndays    int     // of rows
	rate     int
	percent  decimal.Decimal
	pkey, id string
	days     int64
}

// absenceDays pays an hour service's absence lines (rules §5 step 7): each
// absence date of the slice pays the daily granted minutes in the default
// band at the step's percent. It returns the dates an absence rule covers,
// nil when the decision has no absences.
func (s *Settler) absenceDays(b *builder, di int) []bool {
	ds := &s.decisions[di]
	m := s.absenceMap(ds)
	if m == nil {
		return nil
	}
	covered := make([]bool, len(ds.slice))
	def := s.t.defaultBand
	for i, a := range m {
		if !a.rule {
			continue
		}
		covered[i] = true
		minutes := s.grantedMinutes(ds.d, 1)
		if a.percent.Sign() == 0 || minutes == 0 {
			continue
		}
		d := s.period.First().AddDays(i)
		rate := s.rateAt(ds, componentBase, def, d)
		if rate < 0 {
			s.gapAt(a.id, d, s.describeRate(ds, componentBase, def))
			b.unpaid(ds.prov, di, Unpaid{ID: a.id, Quantity: minutes, Unit: Minute, Reason: ReasonNoRate})
			continue
		}
		b.add("absence", def, rate, a.percent, Minute, 60, minutes, a.id)
	}
	return covered
}

// assignAbsences lists absences that are not used and gives the used ones
// to their decisions.
func (s *Settler) assignAbsences(b *builder) {
	order := make([]int, len(s.abs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := &s.abs[x].a, &s.abs[y].a
		return cmp.Or(cmp.Compare(a.Recipient, b.Recipient), cmp.Compare(a.Service, b.Service),
			a.From.Compare(b.From), cmp.Compare(a.ID, b.ID))
	})
	s.markOverlaps(order)
	// The copies of a duplicate id go to one place (see reports).
	dupOwner := map[string]int{}
	for _, i := range order {
		x := &s.abs[i]
		if !x.dup {
			continue
		}
		owner := -1
		if decs := s.absenceDecisions(&x.a); len(decs) > 0 {
			owner = s.decisions[decs[0]].prov
		} else if !x.invalid {
			continue
		}
		if o, ok := dupOwner[x.a.ID]; ok && o != owner {
			dupOwner[x.a.ID] = -1
		} else if !ok {
			dupOwner[x.a.ID] = owner
		}
	}
	for _, i := range order {
		x := &s.abs[i]
		a := &x.a
		decs := s.absenceDecisions(a)
		owner, dec := -1, -1
		if len(decs) > 0 {
			dec = decs[0]
			owner = s.decisions[dec].prov
		}
		relevant := len(decs) > 0 || (x.invalid && a.ID != "" && (a.From.IsZero() || s.overlapsPeriod(a.From, a.To)))
		if !relevant {
			continue
		}
		switch {
		case x.dup:
			b.unpaid(dupOwner[a.ID], -1, Unpaid{ID: a.ID, Reason: ReasonDuplicateID})
			continue
		case x.invalid:
			if a.ID != "" {
				b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonInvalidInput, Detail: x.detail})
			}
			continue
		case a.Status == volume.Pending:
			b.pending(owner, a.ID)
			continue
		case a.Status == volume.Rejected:
			b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonNotApproved})
			continue
		}
		if x.unused {
			b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonOverlap, Detail: "the absence overlaps an earlier one"})
			continue
		}
		for _, d := range decs {
			s.decisions[d].absences = append(s.decisions[d].absences, int32(i))
		}
	}
}

// markOverlaps marks the absences that are not used because they overlap
// one in use (rules §7): among all approved absences of a recipient and
// service, of any period and whether or not they touch a decision, in
// order of (from, id), one that overlaps an absence in use is not used.
// order is the absences in order of (recipient, service, from, id).
func (s *Settler) markOverlaps(order []int) {
	var last *volume.Absence // the absence in use that starts last, of the key looked at
	for _, i := range order {
		x := &s.abs[i]
		a := &x.a
		if x.dup || x.invalid || a.Status != volume.Approved {
			continue
		}
		if last != nil && (last.Recipient != a.Recipient || last.Service != a.Service) {
			last = nil
		}
		// The absences in use of a key do not overlap and come in order
		// of their start, so only the last can overlap this one, which
		// starts no earlier.
		if last != nil && (last.To.IsZero() || !a.From.After(last.To)) {
			x.unused = true
			continue
		}
		last = a
	}
}

func (s *Settler) overlapsPeriod(from, to volume.Date) bool {
	return !from.After(s.period.Last()) && (to.IsZero() || !to.Before(s.period.First()))
}

// absenceDecisions returns the decisions whose slice an absence touches,
// in order of their start.
func (s *Settler) absenceDecisions(a *volume.Absence) []int {
	if a.From.IsZero() {
		return nil
	}
	var out []int
	k, ok := s.key(a.Recipient, a.Service)
	if !ok {
		return nil
	}
	kd := s.decisionsOf(k)
	if kd == nil {
		return nil
	}
	if days := kd.days; days != nil {
		// A date of a slice is its decision's alone, and a decision's
		// dates come before those of the decisions that start later.
		lo, hi := max(a.From.DaysSince(s.period.First()), 0), len(days)-1
		if !a.To.IsZero() {
			hi = min(hi, a.To.DaysSince(s.period.First()))
		}
		for j := lo; j <= hi; j++ {
			if i := int(days[j]); i >= 0 && (len(out) == 0 || out[len(out)-1] != i) {
				out = append(out, i)
			}
		}
		return out
	}
	for _, i := range kd.list {
		ds := &s.decisions[i]
		for j, in := range ds.slice {
			d := s.period.First().AddDays(j)
			if in && !d.Before(a.From) && (a.To.IsZero() || !d.After(a.To)) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// AddPresence takes a presence day.
func (s *Settler) AddPresence(p volume.Presence) {
	s.count(p.Source.File, inputPresence)
	switch {
	case p.ID == "":
		p.ID = s.ref(p.Source, inputPresence)
		p.Invalid = cmp.Or(p.Invalid, errors.New("id not given"))
	case p.Invalid == nil && !p.Status.IsValid():
		p.Invalid = errors.New("status not given")
	}
	if s.ledger != nil {
		s.ledger.AddPresence(p)
	}
	x := presRec{p: p, invalid: p.Invalid != nil, prov: -1, dec: -1}
	if p.Invalid != nil {
		x.detail = p.Invalid.Error()
	}
	x.p.Invalid, x.p.Source = nil, volume.Source{} // copies are compared by content
	if i, ok := s.presSeen[p.ID]; ok {
		if s.pres[i].p == x.p && s.pres[i].invalid == x.invalid {
			return
		}
		// The copies kept are the first and those that differ from it,
		// each marked when it came: only the first is left to mark.
		s.pres[i].dup, x.dup = true, true
	} else {
		s.presSeen[p.ID] = len(s.pres)
	}
	if pi, ok := s.provIdx[p.Provider]; ok {
		x.prov = pi
	}
	x.inPeriod = p.Date.IsZero() || s.period.Contains(p.Date)
	switch {
	case x.invalid:
		x.reason = ReasonInvalidInput
	case x.prov < 0:
		x.reason = ReasonUnknownProvider
	case p.Status == volume.Pending:
		x.reason = reasonPending
	case p.Status == volume.Rejected:
		x.reason = ReasonNotApproved
	}
	if x.reason == "" {
		d, why := s.match(p.Recipient, p.Service, p.Date)
		switch {
		case d < 0:
			x.reason = why
		case s.decisions[d].d.Provider != p.Provider:
			x.reason, x.dec = ReasonWrongProvider, d
		case s.decisions[d].svc == nil:
			x.reason, x.dec = ReasonNoRate, d
		case s.decisions[d].svc.Unit != Day || s.decisions[d].svc.Basis != Presence:
			x.reason, x.dec = ReasonNotBillable, d
		default:
			x.dec = d
		}
	}
	s.pres = append(s.pres, x)
}

// assignPresence lists the presence that is not paid and gives the rest to
// their decisions.
func (s *Settler) assignPresence(b *builder) {
	dupOwner := map[string]int{}
	for i := range s.pres {
		x := &s.pres[i]
		if !x.dup || !x.inPeriod {
			continue
		}
		if o, ok := dupOwner[x.p.ID]; ok && o != x.prov {
			dupOwner[x.p.ID] = -1
		} else if !ok {
			dupOwner[x.p.ID] = x.prov
		}
	}
	for i := range s.pres {
		x := &s.pres[i]
		if !x.inPeriod || x.p.ID == "" {
			continue
		}
		u := Unpaid{ID: x.p.ID, Reason: x.reason, Quantity: 1, Unit: Day}
		owner := x.prov
		switch {
		case x.dup:
			u.Reason, u.Quantity, u.Unit = ReasonDuplicateID, 0, NoUnit
			owner, x.dec = dupOwner[x.p.ID], -1
		case x.reason == reasonPending:
			b.pending(x.prov, x.p.ID)
			continue
		case x.reason == ReasonInvalidInput:
			if x.p.ID == "" {
				continue
			}
			u.Quantity, u.Unit, u.Detail = 0, NoUnit, x.detail
		case x.reason == ReasonNoDecision:
			owner = -1
		case x.reason == "":
			s.decisions[x.dec].presence = append(s.decisions[x.dec].presence, int32(i))
			continue
		}
		if x.reason == ReasonNoRate {
			s.gap(x.p.ID, "service %s is not in the tariff", x.p.Service)
		}
		b.unpaid(owner, x.dec, u)
	}
}

// settleDays settles a day service (rules §6, §7).
func (s *Settler) settleDays(b *builder, di int) {
	ds := &s.decisions[di]
	svc := ds.svc
	full := hundred
	pay := func(d volume.Date, stay bool, percent decimal.Decimal, extent, id string) bool {
		ok := true
		pkey := "100" // the key of full, most days' percent
		if percent != full {
			pkey = percentKey(percent)
		}
		for _, c := range svc.Components {
			if (stay && !c.Stay) || (!stay && !c.AfterEnd) {
				continue
			}
			rate := s.rateFor(ds, c.Code, -1, d, extent)
			if rate < 0 {
				s.gapAt(cmp.Or(id, ds.d.ID), d, s.describeRate(ds, c.Code, -1))
				ok = false
				continue
			}
			b.addKeyed(c.Code, -1, rate, percent, pkey, Day, 1, 1, id)
		}
		return ok
	}
	if svc.Basis == Presence {
		seen := map[volume.Date]bool{}
		list := ds.presence
		slices.SortFunc(list, func(a, c int32) int { return cmp.Compare(s.pres[a].p.ID, s.pres[c].p.ID) })
		for _, pi := range list {
			p := &s.pres[pi].p
			if seen[p.Date] || !ds.slice[s.dayIndex(p.Date)] {
				reason := ReasonDuplicateDate
				if !seen[p.Date] {
					reason = ReasonDecisionConfl
				}
				b.unpaid(ds.prov, di, Unpaid{ID: p.ID, Quantity: 1, Unit: Day, Reason: reason})
				continue
			}
			seen[p.Date] = true
			extent := cmp.Or(p.Extent, ds.d.Extent)
			if !pay(p.Date, true, full, extent, p.ID) {
				b.unpaid(ds.prov, di, Unpaid{ID: p.ID, Quantity: 1, Unit: Day, Reason: ReasonNoRate})
			}
		}
		return
	}
	// Days without a rate row are not paid (rules §8): one entry for the
	// decision, counting them.
	noRate := 0
	defer func() {
		if noRate > 0 {
			b.unpaid(ds.prov, di, Unpaid{ID: ds.d.ID, Quantity: int64(noRate), Unit: Day, Reason: ReasonNoRate,
				Detail: "days of the decision without a rate row"})
		}
	}()
	// The stay days: each component's rate rows found once, and its days
	// of one rate row, percent and absence added in runs.
	runs := slices.Grow(s.dayRuns[:0], len(svc.Components))[:len(svc.Components)]
	clear(runs)
	s.dayRuns = runs
	width := 0
	for ci, c := range svc.Components {
		runs[ci].rows, width = s.rateRows(ds, c.Code)
		if width > 0 {
			runs[ci].ndays = len(runs[ci].rows) / width
		}
	}
	addRun := func(ci int) {
		if r := &runs[ci]; r.days > 0 {
			b.addKeyed(svc.Components[ci].Code, -1, r.rate, r.percent, r.pkey, Day, 1, r.days, r.id)
			r.days = 0
		}
	}
	absences := s.absenceMap(ds)
	for i, in := range ds.slice {
		if !in {
			continue
		}
		d := s.period.First().AddDays(i)
		if !svc.CountLastDay && d == ds.d.To {
			continue
		}
		percent, pkey, id := full, "100", ""
		if absences != nil && absences[i].rule && !absences[i].percent.Equal(full) {
			percent, id = absences[i].percent, absences[i].id
			pkey = percentKey(percent)
		}
		if percent != full && percent.Sign() == 0 {
			continue
		}
		ok := true
		for ci, c := range svc.Components {
			if !c.Stay {
				continue
			}
			rate := dayRate(runs[ci].rows, width, runs[ci].ndays, i)
			if rate == -2 {
				rate = s.rateIn(dayRow(runs[ci].rows, width, i), ds, c.Code, -1, d)
			}
			if rate < 0 {
				s.gapAt(cmp.Or(id, ds.d.ID), d, s.describeRate(ds, c.Code, -1))
				ok = false
				continue
			}
			if r := &runs[ci]; r.days == 0 || r.rate != rate || r.pkey != pkey || r.id != id {
				addRun(ci)
				r.rate, r.percent, r.pkey, r.id = rate, percent, pkey, id
			}
			runs[ci].days++
		}
		if !ok {
			noRate++
		}
	}
	for ci := range runs {
		addRun(ci)
	}
	// After end: the days after the last stay day, in whatever month.
	if ds.d.To.IsZero() || svc.AfterEnd.Days == 0 || !slices.Contains(svc.AfterEnd.Reasons, ds.d.EndReason) {
		return
	}
	last := ds.d.To
	if !svc.CountLastDay {
		last = last.AddDays(-1)
	}
	for n := 1; n <= svc.AfterEnd.Days; n++ {
		d := last.AddDays(n)
		if s.period.Contains(d) && !pay(d, false, full, ds.d.Extent, "") {
			noRate++
		}
	}
}

// rateFor is rateAt with the extent of a presence.
func (s *Settler) rateFor(ds *decState, component string, band int, date volume.Date, extent string) int {
	if extent == ds.d.Extent {
		return s.rateAt(ds, component, band, date)
	}
	q := rateQuery{service: ds.d.Service, component: component, level: ds.d.Level,
		extent: extent, area: ds.d.Area, regime: s.providers[ds.prov].Regime}
	return s.t.rate(q, date)
}

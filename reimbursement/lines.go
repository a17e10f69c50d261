package reimbursement

import (
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
)

// lineAmount is the amount of a line (rules §9): quantity × price ×
// factor / divisor, rounded once, to whole öre, half away from zero. The
// factor is given as the percent it is written in (factor = percent /
// 100), so that the division is one.
//
// This is the rule. The settlement takes the same amount in whole öre
// with ore.Amount wherever it fits an int64 (nearly always), and this
// way otherwise; ore's tests hold the two to the same answer.
func lineAmount(q, price, percent decimal.Decimal, divisor int64) decimal.Decimal {
	return q.Mul(price).Mul(percent).DivRound(decimal.NewFromInt(divisor*100), 2)
}

// lineKey is what a line aggregates over within one decision (rules §9).
type lineKey struct {
	component string
	band      int16 // -1: no band
	rate      int32 // -1: no rate row (markups, adjustments)
	percent   string
	unit      Unit
	divisor   int64
}

// lineAcc accumulates one line in integers: minutes, days, visits.
type lineAcc struct {
	qty     int64
	percent decimal.Decimal
	ids     []string // ids of records that are not reports
	nrecs   int32    // reports, in builder.lineRecs: no strings while settling
	last    uint32   // the id offset of the last report added, when nrecs > 0
}

// A factor is a line's percent as its factor and as oreOf takes it.
type factor struct {
	factor  decimal.Decimal
	percent ore.Coefficient
}

// lineRec says that a report feeds a line of the current decision (it is
// in that line's list of builder.lineRecs): its id, in Settler.idStr, and
// the first eight bytes of it.
type lineRec struct {
	key          uint64
	idOff, idLen uint32
}

type accEntry struct {
	key lineKey
	acc lineAcc
}

// price returns the price of rate row r as oreOf takes it.
func (b *builder) price(r int) ore.Coefficient {
	if b.prices == nil {
		b.prices = make([]ore.Coefficient, len(b.s.t.rates))
		for i := range b.s.t.rates {
			b.prices[i] = ore.Split(b.s.t.rates[i].Price)
		}
	}
	return b.prices[r]
}

// quantity returns qty as a decimal: those below quantityCache made
// once each, since lines' quantities repeat (minutes of a month, days).
func (b *builder) quantity(qty int64) decimal.Decimal {
	if qty <= 0 || qty >= quantityCache {
		return decimal.NewFromInt(qty)
	}
	if qty >= int64(len(b.quantities)) { // grown as needed: a Quote has few lines
		b.quantities = slices.Grow(b.quantities, int(min(max(2*qty, 64), quantityCache))-len(b.quantities))
		b.quantities = b.quantities[:cap(b.quantities)]
	}
	q := &b.quantities[qty]
	if *q == (decimal.Decimal{}) { // not made yet (a test of the value would read its big.Int)
		*q = decimal.NewFromInt(qty)
	}
	return *q
}

// quantityCache is the length of builder.quantities.
const quantityCache = 1 << 12

// percentKey returns the key of a percent, without allocating for the
// common ones.
func percentKey(p decimal.Decimal) string {
	switch {
	case p.Equal(hundred):
		return "100"
	case p.Equal(fifty):
		return "50"
	}
	return p.String()
}

var fifty = decimal.NewFromInt(50)

func (b *builder) find(k lineKey) *lineAcc {
	for i := range b.acc {
		if b.acc[i].key == k {
			return &b.acc[i].acc
		}
	}
	return nil
}

// add counts qty in the line of the current decision with these keys,
// fed by record id (none when empty).
func (b *builder) add(component string, band, rate int, percent decimal.Decimal, unit Unit, divisor int64, qty int64, id string) {
	b.addKeyed(component, band, rate, percent, percentKey(percent), unit, divisor, qty, id)
}

// addReport counts qty of report v in the current decision's line
// acc[line]: the hot path.
func (b *builder) addReport(line int, qty int64, v *rec) {
	a := &b.acc[line].acc
	a.qty += qty
	if a.nrecs == 0 || a.last != v.idOff {
		a.last = v.idOff
		a.nrecs++
		r := lineRec{key: b.s.keyOf(v), idOff: v.idOff, idLen: v.idLen}
		recs := &b.lineRecs[line]
		if n := len(*recs); n < cap(*recs) {
			// In its room, without storing the slice's pointer again:
			// while the collector marks, that store costs a write
			// barrier, and this is done for every report.
			*recs = (*recs)[:n+1]
			(*recs)[n] = r
		} else {
			*recs = append(*recs, r)
		}
	}
}

// line returns the index in acc of the current decision's line k.
func (b *builder) line(k lineKey, percent decimal.Decimal) int {
	for i := range b.acc {
		if b.acc[i].key == k {
			return i
		}
	}
	b.acc = append(b.acc, accEntry{key: k, acc: lineAcc{percent: percent}})
	if len(b.lineRecs) < len(b.acc) {
		b.lineRecs = append(b.lineRecs, nil)
	}
	b.lineRecs[len(b.acc)-1] = b.lineRecs[len(b.acc)-1][:0]
	return len(b.acc) - 1
}

// addKeyed is add with the percent's key already made: the hot path.
func (b *builder) addKeyed(component string, band, rate int, percent decimal.Decimal, pkey string, unit Unit, divisor int64, qty int64, id string) {
	if qty == 0 {
		return
	}
	k := lineKey{component: component, band: int16(band), rate: int32(rate), percent: pkey, unit: unit, divisor: divisor}
	a := &b.acc[b.line(k, percent)].acc
	a.qty += qty
	if id != "" && (len(a.ids) == 0 || a.ids[len(a.ids)-1] != id) {
		a.ids = append(a.ids, id)
	}
}

// attach names record id in an existing line of the current decision
// with these keys; it reports whether there was one.
func (b *builder) attach(component string, band, rate int, percent decimal.Decimal, unit Unit, divisor int64, id string) bool {
	k := lineKey{component: component, band: int16(band), rate: int32(rate), percent: percentKey(percent), unit: unit, divisor: divisor}

	a := b.find(k)
	if a == nil {
		return false
	}
	a.ids = append(a.ids, id)
	return true
}

// flush turns the current decision's accumulated lines into decimal lines.
func (b *builder) flush(dec int) {
	if len(b.acc) == 0 {
		return
	}
	ds := &b.s.decisions[dec]
	out := &b.prov[ds.prov]
	if b.s.inPart {
		for i := range b.acc {
			// Its reports are written when the line is.
			b.span = append(b.span, lineSpan{recs: b.lineRecs[i], ids: b.acc[i].acc.ids})
			b.lines = append(b.lines, Line{})
			b.makeLine(&b.lines[len(b.lines)-1], ds, i, false)
		}
		b.writeLines(out)
		clear(b.lines)
		b.lines = b.lines[:0]
	} else {
		// In order, each made where it is kept: a line is large to move,
		// and while the collector marks, each of its pointers moved costs
		// a write barrier.
		serviceSum := out.sums.of(ds.d.Service)
		for n, i := range b.sortedAcc() {
			var prev *Line
			if n == 0 && out.lines.Len() > 0 && !out.unordered {
				prev = out.lines.Last()
			}
			l := out.lines.Next()
			amount, ok := b.makeLine(l, ds, int(i), true)
			if prev != nil {
				out.unordered = compareLinesAt(prev, l) > 0
			}
			if ok {
				serviceSum.AddOre(amount)
				out.sums.total.AddOre(amount)
			} else {
				serviceSum.Add(l.Amount)
				out.sums.total.Add(l.Amount)
			}
		}
	}
	clear(b.acc)
	b.acc = b.acc[:0]
}

// makeLine makes in l, a zero Line, the line of acc[i], of decision ds,
// with its reports when withReports; amount is its amount in öre when ok.
// Its fields are written one by one where it is kept: a Line is large,
// and a literal would be made aside and copied.
func (b *builder) makeLine(l *Line, ds *decState, i int, withReports bool) (amount int64, ok bool) {
	k, a := b.acc[i].key, &b.acc[i].acc
	divisor, found := b.divisors[k.divisor]
	if !found {
		divisor = decimal.NewFromInt(k.divisor)
		b.divisors[k.divisor] = divisor
	}
	f, found := b.factors[k.percent]
	if !found {
		f = factor{factor: a.percent.Shift(-2), percent: ore.Split(a.percent)}
		b.factors[k.percent] = f
	}
	r := &b.s.t.rates[k.rate]
	d := ds.d
	l.Recipient, l.Decision, l.Service = d.Recipient, d.ID, d.Service
	l.Component, l.Band, l.Unit = k.component, b.bandCode(k.band), k.unit
	l.Quantity, l.Price, l.Factor, l.Divisor = b.quantity(a.qty), r.Price, f.factor, divisor
	l.RateFrom, l.RateTo = r.From, r.To
	if withReports {
		l.Reports = b.reports(b.lineRecs[i], a.ids)
	}
	if amount, ok = ore.Amount(ore.Whole(a.qty), b.price(int(k.rate)), f.percent, k.divisor); ok {
		l.Amount = decimal.New(amount, -2)
	} else {
		l.Amount = lineAmount(l.Quantity, l.Price, a.percent, k.divisor)
	}
	return amount, ok
}

// bandCode returns the code of band, or "" for none (-1).
func (b *builder) bandCode(band int16) string {
	if band < 0 {
		return ""
	}
	return b.s.t.bandSet.Code(int(band))
}

// markups returns provider p's markup lines (rules §9): per markup and
// service, percent of the sum of that service's line amounts, adjustments
// excluded.
func (s *Settler) markups(p Provider, lines []Line) []Line {
	if len(s.t.markups) == 0 {
		return nil
	}
	sums := map[string]*ore.Sum{}
	var services []string
	for i := range lines {
		l := &lines[i]
		if l.Component == componentAdjustment {
			continue
		}
		sum := sums[l.Service]
		if sum == nil {
			sum = &ore.Sum{}
			sums[l.Service] = sum
			services = append(services, l.Service)
		}
		sum.Add(l.Amount)
	}
	slices.Sort(services)
	var out []Line
	for _, m := range s.t.markups {
		for _, svc := range services {
			if !m.applies(p.Regime, svc) {
				continue
			}
			q := sums[svc].Total()
			out = append(out, Line{
				Service: svc, Component: "markup:" + m.Code, Unit: SEK,
				Quantity: q, Price: oneDec, Factor: m.Percent.Shift(-2), Divisor: oneDec,
				Amount:  lineAmount(q, oneDec, m.Percent, 1),
				Reports: []string{},
			})
		}
	}
	return out
}

const componentAdjustment = "adjustment"

// settleAdjustments adds the adjustments of the period (rules §9).
func (s *Settler) settleAdjustments(b *builder) {
	type key struct {
		prov                         int
		recipient, service, decision string
	}
	seen := map[string]Adjustment{}
	dup := map[string]bool{}
	for _, a := range s.adjs {
		if prev, ok := seen[a.ID]; ok && a.ID != "" {
			if !(prev.Provider == a.Provider && prev.Period == a.Period && prev.Amount.Equal(a.Amount) &&
				prev.Reason == a.Reason && prev.Recipient == a.Recipient && prev.Service == a.Service &&
				(prev.Invalid == nil) == (a.Invalid == nil)) {
				dup[a.ID] = true
			}
			continue
		}
		seen[a.ID] = a
	}
	dupOwner := map[string]int{}
	for _, a := range s.adjs {
		if !dup[a.ID] || (a.Invalid == nil && a.Period != s.period) {
			continue
		}
		prov, known := s.provIdx[a.Provider]
		if !known {
			prov = -1
		}
		if o, ok := dupOwner[a.ID]; ok && o != prov {
			dupOwner[a.ID] = -1
		} else if !ok {
			dupOwner[a.ID] = prov
		}
	}
	sums := map[key]*Line{}
	var keys []key
	emitted := map[string]bool{}
	for _, a := range s.adjs {
		if a.Invalid == nil && a.Period != s.period {
			continue
		}
		prov, known := s.provIdx[a.Provider]
		if !known {
			prov = -1
		}
		switch {
		case dup[a.ID]:
			b.unpaid(dupOwner[a.ID], -1, Unpaid{ID: a.ID, Reason: ReasonDuplicateID})
			continue
		case emitted[a.ID]:
			continue
		case a.Invalid != nil:
			if a.ID != "" {
				b.unpaid(prov, -1, Unpaid{ID: a.ID, Reason: ReasonInvalidInput, Detail: a.Invalid.Error()})
			}
			continue
		case !known:
			b.unpaid(-1, -1, Unpaid{ID: a.ID, Reason: ReasonUnknownProvider})
			continue
		}
		emitted[a.ID] = true
		k := key{prov: prov, recipient: a.Recipient, service: a.Service}
		l := sums[k]
		if l == nil {
			l = &Line{Recipient: a.Recipient, Service: a.Service, Component: componentAdjustment, Unit: SEK,
				Quantity: decimal.Zero, Price: oneDec, Factor: oneDec, Divisor: oneDec}
			sums[k] = l
			keys = append(keys, k)
		}
		l.Quantity = l.Quantity.Add(a.Amount)
		l.Reports = append(l.Reports, a.ID)
	}
	for _, k := range keys {
		l := sums[k]
		l.Amount = l.Quantity.Round(2)
		l.Reports = sortIDs(l.Reports)
		b.prov[k.prov].lines.Add(*l)
		b.prov[k.prov].unordered = true
		b.prov[k.prov].sums.total.Add(l.Amount) // not a base of markups
	}
}

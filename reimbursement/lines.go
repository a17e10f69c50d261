package reimbursement

import (
	"cmp"
	"maps"
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

// flush gives the current decision's accumulated lines to the sink.
func (b *builder) flush(dec int) {
	if len(b.acc) == 0 {
		return
	}
	ds := &b.s.decisions[dec]
	b.s.sink.lines(b, &b.prov[ds.prov], ds)
	clear(b.acc)
	b.acc = b.acc[:0]
}

// keepLines makes the current decision's accumulated lines decimal lines
// of out, in order, each made where it is kept: a line is large to move,
// and while the collector marks, each of its pointers moved costs a
// write barrier.
func (b *builder) keepLines(out *provOut, ds *decState) {
	sums := out.sums.decision(ds.d.Service, ds.d.Area)
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
		e := &b.acc[i]
		sums.add(l, e.acc.qty, e.key.divisor, amount, ok)
	}
	sums.done()
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

// lineSums are the sums of a provider's lines as they are added, so that
// finishing a provider (or merging its parts) does not read its lines
// again: of all its lines, and what its markups are of (rules §9): each
// service's line amounts, adjustments excluded, and the paid quantity of
// each service's base lines by decision area, unit and divisor.
type lineSums struct {
	total    ore.Sum
	services []serviceSum   // few: a list
	base     []baseQuantity // few: a list
}

type serviceSum struct {
	service string
	sum     ore.Sum
}

// A baseQuantity is the paid quantity of a service's base lines of the
// decisions of one area, in one unit and divisor.
type baseQuantity struct {
	service, area string
	unit          Unit
	divisor       int64
	qty           int64
}

// of returns the sum of service.
func (l *lineSums) of(service string) *ore.Sum {
	for i := range l.services {
		if l.services[i].service == service {
			return &l.services[i].sum
		}
	}
	l.services = append(l.services, serviceSum{service: service})
	return &l.services[len(l.services)-1].sum
}

// decision returns the sums of the lines of one decision, of service and
// area, to be added to l (done): a decision's lines share a service, and
// its base lines a unit and divisor, so that they are summed apart first.
func (l *lineSums) decision(service, area string) decisionSums {
	return decisionSums{to: l, service: l.of(service), base: baseQuantity{service: service, area: area}}
}

// decisionSums are the sums of one decision's lines (lineSums.decision).
type decisionSums struct {
	to      *lineSums
	service *ore.Sum
	base    baseQuantity
}

// add adds line ln: its amount, in öre when inOre (then amount), and when
// it is a base line its quantity, qty of its unit per divisor (the line's,
// as integers).
func (d *decisionSums) add(ln *Line, qty, divisor, amount int64, inOre bool) {
	if inOre {
		d.service.AddOre(amount)
		d.to.total.AddOre(amount)
	} else {
		d.service.Add(ln.Amount)
		d.to.total.Add(ln.Amount)
	}
	if ln.Component != componentBase {
		return
	}
	if d.base.qty != 0 && (d.base.unit != ln.Unit || d.base.divisor != divisor) {
		d.to.addBase(d.base)
		d.base.qty = 0
	}
	d.base.unit, d.base.divisor, d.base.qty = ln.Unit, divisor, d.base.qty+qty
}

// done adds the decision's base quantity to the provider's sums.
func (d *decisionSums) done() {
	if d.base.qty != 0 {
		d.to.addBase(d.base)
	}
}

// addBase adds q to the base quantity of its service, area, unit and
// divisor.
func (l *lineSums) addBase(q baseQuantity) {
	for i := range l.base {
		if b := &l.base[i]; b.service == q.service && b.area == q.area && b.unit == q.unit && b.divisor == q.divisor {
			b.qty += q.qty
			return
		}
	}
	l.base = append(l.base, q)
}

// merge adds the sums o.
func (l *lineSums) merge(o *lineSums) {
	l.total.Merge(&o.total)
	for i := range o.services {
		l.of(o.services[i].service).Merge(&o.services[i].sum)
	}
	for _, q := range o.base {
		l.addBase(q)
	}
}

// markups returns provider p's markup lines (rules §9), of its sums: per
// markup and service, a percent markup's percent of the sum of that
// service's line amounts; a per-unit markup's price per unit of that
// service's paid base quantity (of the decisions of its area, when it
// names one), in the base lines' unit and divisor. A quantity of 0 makes
// no line; per-unit markups of one code, service and price make one line.
func (s *Settler) markups(p Provider, sums *lineSums) []Line {
	if len(s.t.markups) == 0 {
		return nil
	}
	services := make([]string, 0, len(sums.services))
	amounts := map[string]decimal.Decimal{}
	for i := range sums.services {
		services = append(services, sums.services[i].service)
		amounts[sums.services[i].service] = sums.services[i].sum.Total()
	}
	slices.Sort(services)
	var out []Line
	for mi := range s.t.markups {
		m := &s.t.markups[mi]
		for _, svc := range services {
			if !m.applies(p.Regime, svc) {
				continue
			}
			if m.PerUnit.Valid {
				out = appendPerUnit(out, m, svc, sums.base)
				continue
			}
			q := amounts[svc]
			out = append(out, Line{
				Service: svc, Component: "markup:" + m.Code, Unit: SEK,
				Quantity: q, Price: oneDec, Factor: m.Percent.Shift(-2), Divisor: oneDec,
				Amount:  lineAmount(q, oneDec, m.Percent, 1),
				Reports: []string{},
			})
		}
	}
	return mergePerUnit(out)
}

// appendPerUnit appends per-unit markup m's lines of service svc: one for
// each unit and divisor of its base quantities of m's area.
func appendPerUnit(out []Line, m *Markup, svc string, base []baseQuantity) []Line {
	qty := map[[2]int64]int64{} // unit, divisor → quantity
	for _, b := range base {
		if b.service == svc && (m.Area == "" || b.area == m.Area) {
			qty[[2]int64{int64(b.unit), b.divisor}] += b.qty
		}
	}
	keys := slices.SortedFunc(maps.Keys(qty), func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	for _, k := range keys {
		q := qty[k]
		if q == 0 {
			continue
		}
		out = append(out, Line{
			Service: svc, Component: "markup:" + m.Code, Unit: Unit(k[0]),
			Quantity: decimal.NewFromInt(q), Price: m.PerUnit.Decimal, Factor: oneDec, Divisor: decimal.NewFromInt(k[1]),
			Reports: []string{},
		})
	}
	return out
}

// mergePerUnit makes the per-unit markup lines of one code, service,
// price, unit and divisor one line, and gives them their amounts.
func mergePerUnit(lines []Line) []Line {
	out := lines[:0]
	for _, l := range lines {
		if l.Unit == SEK {
			out = append(out, l)
			continue
		}
		merged := false
		for i := range out {
			o := &out[i]
			if o.Unit == l.Unit && o.Service == l.Service && o.Component == l.Component && o.Price.Equal(l.Price) && o.Divisor.Equal(l.Divisor) {
				o.Quantity, merged = o.Quantity.Add(l.Quantity), true
				break
			}
		}
		if !merged {
			out = append(out, l)
		}
	}
	for i := range out {
		if l := &out[i]; l.Unit != SEK {
			l.Amount = lineAmount(l.Quantity, l.Price, hundred, l.Divisor.IntPart())
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

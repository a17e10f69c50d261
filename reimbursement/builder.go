package reimbursement

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/radix"
)

var (
	hundred   = decimal.NewFromInt(100)
	oneDec    = decimal.NewFromInt(1)
	zeroMoney = decimal.Zero
)

// reasonPending marks a report that is listed as pending.
const reasonPending Reason = "pending"

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

type provOut struct {
	lines chunks[Line]
	// unordered: the lines may not be in order (compareLines), as they
	// are when decisions are settled in order, one after another.
	unordered bool
	sums      lineSums // of lines
	unpaid    []Unpaid
	reports   chunks[reportUnpaid] // unpaid reports, kept small while settling
	pending   []string
	part      partProv // the lines written, when Settler.writeLines
}

// lineSums are the sums of a provider's lines as they are added: of all,
// and of each service's but adjustments (what its markups are of), so
// that finishing a provider does not read its lines again.
type lineSums struct {
	total    ore.Sum
	services []serviceSum // few: a list
}

type serviceSum struct {
	service string
	sum     ore.Sum
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

// merge adds the sums o.
func (l *lineSums) merge(o *lineSums) {
	l.total.Merge(&o.total)
	for i := range o.services {
		l.of(o.services[i].service).Merge(&o.services[i].sum)
	}
}

// A partProv is what a part's settler (Settler.unpaidLater) leaves of a
// provider to be written: its unpaid entries in order, and when
// Settler.writeLines its lines written (as partWriter.lines writes them,
// for JSON), how many, and their sums.
type partProv struct {
	unpaid unpaidList
	lines  [][]byte // the lines written, a piece a decision, in order
	nlines int
	sums   map[string]*ore.Sum // line amounts by service
	total  ore.Sum
}

// byteStore keeps pieces of bytes end to end in blocks that are never
// copied or grown. Its zero value is an empty store.
type byteStore struct {
	block []byte
	full  [][]byte // the blocks before block
	spare [][]byte // empty blocks to use before making new ones
}

// add returns a copy of p in the store.
func (s *byteStore) add(p []byte) []byte {
	if len(p) > cap(s.block)-len(s.block) {
		if s.block != nil {
			s.full = append(s.full, s.block)
		}
		if k := len(s.spare); k > 0 && cap(s.spare[k-1]) >= len(p) {
			s.block, s.spare = s.spare[k-1][:0], s.spare[:k-1]
		} else {
			s.block = make([]byte, 0, max(1<<20, len(p)))
		}
	}
	n := len(s.block)
	s.block = append(s.block, p...)
	return s.block[n:len(s.block):len(s.block)]
}

// recycle empties the store, its pieces being no longer read, and
// returns its blocks and spares, empty.
func (s *byteStore) recycle() [][]byte {
	all := append(s.spare, s.full...)
	if s.block != nil {
		all = append(all, s.block)
	}
	*s = byteStore{}
	return all
}

// chunks is a list that grows by adding chunks rather than by copying:
// a provider's lines and unpaid reports of a big month are appended to
// hundreds of thousands of times, and a slice would copy them again and
// again. Its zero value is an empty list.
type chunks[T any] struct {
	c [][]T
	n int
}

// maxChunkBytes is the size of the largest chunk: 32 KiB, the largest
// the allocator hands out from its caches, so that a chunk is zeroed and
// filled while it is in the core's cache (see recChunk). The first chunks
// are shorter, so that the lists of small providers stay small.
const maxChunkBytes = 32 << 10

// add appends x.
func (c *chunks[T]) add(x T) { *c.next() = x }

// next returns the place of a new item at the end, its zero value.
func (c *chunks[T]) next() *T {
	if k := len(c.c); k == 0 || len(c.c[k-1]) == cap(c.c[k-1]) {
		var zero T
		c.c = append(c.c, make([]T, 0, min(max(16, c.n), max(16, maxChunkBytes/int(unsafe.Sizeof(zero))))))
	}
	last := &c.c[len(c.c)-1]
	n := len(*last)
	*last = (*last)[:n+1] // in its room (a chunk never grows): no write barrier
	c.n++
	return &(*last)[n]
}

// last returns the last item; there must be one.
func (c *chunks[T]) last() *T {
	ch := c.c[len(c.c)-1]
	return &ch[len(ch)-1]
}

// addAll appends the items of o, taking its chunks as they are.
func (c *chunks[T]) addAll(o *chunks[T]) {
	c.c = append(c.c, o.c...)
	c.n += o.n
}

// appendTo appends the items in order to dst.
func (c *chunks[T]) appendTo(dst []T) []T {
	dst = slices.Grow(dst, c.n)
	for _, ch := range c.c {
		dst = append(dst, ch...)
	}
	return dst
}

// reportUnpaid is an Unpaid of a report, from its pipeline or from
// Settlement: no strings, so that millions of them cost the collector
// nothing until the settlement is made.
type reportUnpaid struct {
	qty          int64
	key          uint64 // the first eight bytes of the id
	idOff, idLen uint32 // the id, in Settler.idStr
	dec          int32  // decision index, -1 when none
	unit         Unit
	reason       reasonCode
}

// builder gathers a settlement: the lines of the decision being settled
// in integers, then each line once in decimals.
type builder struct {
	s                *Settler
	prov             []provOut
	unmatched        []Unpaid
	unmatchedReports chunks[reportUnpaid]
	issues           []Issue     // the settlement's: the decisions' and its tariff gaps
	acc              []accEntry  // the current decision's lines; few, so a slice
	lineRecs         [][]lineRec // the reports of each line of acc, lists kept for the next decision

	// Scratch of flush, kept for the next decision.
	lines   []Line // the decision's lines, sorted before they are added
	span    []lineSpan
	lineIdx []int32
	lineBuf partWriter // a decision's lines written, before they go to the settler's lineStore
	idBlock []string   // lines' reports are cut from it (idSlice)

	// The divisors and factors of lines made so far, by divisor and
	// percent key: most lines share a few, and a decimal made once is one
	// allocation fewer for every line.
	divisors map[int64]decimal.Decimal
	factors  map[string]factor
	prices   []ore.Coefficient // of the tariff's rate rows, for oreOf; made by price when first asked
	// Line quantities below quantityCache, made when first asked (quantity).
	quantities []decimal.Decimal
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

func newBuilder(s *Settler) *builder {
	return &builder{s: s, prov: make([]provOut, len(s.providers)),
		divisors: map[int64]decimal.Decimal{}, factors: map[string]factor{}}
}

// price returns the price of rate row r as oreOf takes it.
func (b *builder) price(r int) ore.Coefficient {
	if b.prices == nil {
		b.prices = make([]ore.Coefficient, len(b.s.t.Rates))
		for i := range b.s.t.Rates {
			b.prices[i] = ore.Split(b.s.t.Rates[i].Price)
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
	if b.s.writeLines {
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
			if n == 0 && out.lines.n > 0 && !out.unordered {
				prev = out.lines.last()
			}
			l := out.lines.next()
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
	r := &b.s.t.Rates[k.rate]
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
	return b.s.t.bands.Code(int(band))
}

// sortedAcc returns the indices of acc in the order of their lines
// (compareLines), compared without making them: the lines of one
// decision share its recipient, id and service.
func (b *builder) sortedAcc() []int32 {
	idx := b.lineIdx[:0]
	for i := range b.acc {
		idx = append(idx, int32(i))
	}
	b.lineIdx = idx
	if len(idx) < 2 {
		return idx
	}
	slices.SortFunc(idx, func(x, y int32) int {
		kx, ky := &b.acc[x].key, &b.acc[y].key
		if c := strings.Compare(kx.component, ky.component); c != 0 {
			return c
		}
		if c := strings.Compare(b.bandCode(kx.band), b.bandCode(ky.band)); c != 0 {
			return c
		}
		rx, ry := &b.s.t.Rates[kx.rate], &b.s.t.Rates[ky.rate]
		if c := rx.From.Compare(ry.From); c != 0 {
			return c
		}
		// The factor is the percent over 100.
		if c := b.acc[x].acc.percent.Cmp(b.acc[y].acc.percent); c != 0 {
			return c
		}
		if c := rx.Price.Cmp(ry.Price); c != 0 {
			return c
		}
		return cmp.Compare(kx.divisor, ky.divisor)
	})
	return idx
}

// reports returns the sorted ids of the records that fed a line: the
// reports recs and the other records ids.
func (b *builder) reports(recs []lineRec, ids []string) []string {
	if len(recs) == 0 {
		return sortIDs(ids)
	}
	if len(ids) > 0 {
		out := make([]string, 0, len(recs)+len(ids))
		for i := range recs {
			out = append(out, b.recID(&recs[i]))
		}
		return sortIDs(append(out, ids...))
	}
	recs = b.sortRecs(recs)
	out := b.idSlice(len(recs))
	for i := range recs {
		out[i] = b.recID(&recs[i])
	}
	return out
}

// idSlice returns a slice of n strings, its capacity n, cut from a block
// the builder keeps: a line's reports are one allocation of a block's
// thousands, not one of their own.
func (b *builder) idSlice(n int) []string {
	if len(b.idBlock)+n > cap(b.idBlock) {
		if n > idBlockLen/4 {
			return make([]string, n)
		}
		b.idBlock = make([]string, 0, idBlockLen)
	}
	k := len(b.idBlock)
	b.idBlock = b.idBlock[:k+n]
	return b.idBlock[k : k+n : k+n]
}

// idBlockLen is the length of builder.idBlock: 32 KiB of strings.
const idBlockLen = 2048

func (b *builder) recID(r *lineRec) string { return b.s.idStr[r.idOff : r.idOff+r.idLen] }

// sortRecs sorts the reports of a line by id (by the first eight bytes of
// their ids, as numbers, and by the rest only on a tie) and returns them
// each id once.
func (b *builder) sortRecs(recs []lineRec) []lineRec {
	sorted, keysRepeat := b.insertRecs(recs)
	if !sorted {
		slices.SortFunc(recs, func(x, y lineRec) int {
			if x.key != y.key {
				return cmp.Compare(x.key, y.key)
			}
			return strings.Compare(b.recID(&x), b.recID(&y))
		})
	}
	if sorted && !keysRepeat {
		return recs
	}
	// A report feeds a line once, so that there is rarely anything to
	// drop: only ids of one key are compared.
	for i := 1; i < len(recs); i++ {
		if recs[i].key == recs[i-1].key && b.recID(&recs[i]) == b.recID(&recs[i-1]) {
			return slices.CompactFunc(recs, func(x, y lineRec) bool { return x.key == y.key && b.recID(&x) == b.recID(&y) })
		}
	}
	return recs
}

// insertRecs sorts recs as sortRecs does, by insertion, when they are in
// order or nearly: a line's reports come in order of time, and ids are
// most often given in that order too. It gives up when that is not so,
// having moved the reports 2n + 16 places in all, and reports false; recs
// then holds them in some other order. keysRepeat is false when no two
// of them have one key (and so no two one id).
func (b *builder) insertRecs(recs []lineRec) (sorted, keysRepeat bool) {
	budget := 2*len(recs) + 16
	for i := 1; i < len(recs); i++ {
		if recs[i].key > recs[i-1].key {
			continue // in place
		}
		x := recs[i]
		j := i
		for ; j > 0 && x.key <= recs[j-1].key; j-- {
			if x.key == recs[j-1].key {
				keysRepeat = true
				if b.recID(&x) >= b.recID(&recs[j-1]) {
					break
				}
			}
			recs[j] = recs[j-1]
			if budget--; budget < 0 {
				recs[j-1] = x
				return false, true
			}
		}
		recs[j] = x
	}
	return true, keysRepeat
}

// sortedLines returns the indices of b.lines in order of compareLines.
func (b *builder) sortedLines() []int32 {
	idx := b.lineIdx[:0]
	for i := range b.lines {
		idx = append(idx, int32(i))
	}
	slices.SortFunc(idx, func(x, y int32) int { return compareLinesAt(&b.lines[x], &b.lines[y]) })
	b.lineIdx = idx
	return idx
}

// A lineSpan is where the reports of one of b.lines are in order (from,
// to), and its other records' ids, when the line is written as made.
type lineSpan struct {
	recs []lineRec
	ids  []string
}

// writeLines writes the current decision's lines (b.lines, their reports
// in b.span) to the provider's part, in order, as
// partWriter.lines does for JSON. The decisions are settled in the order
// of their lines, on one builder, so a provider's lines come in order.
func (b *builder) writeLines(out *provOut) {
	idx := b.sortedLines()
	p := &out.part
	if p.sums == nil {
		p.sums = map[string]*ore.Sum{}
	}
	pw := &b.lineBuf // without a writer: it holds what it is given
	pw.format, pw.b = FormatJSON, pw.b[:0]
	for _, i := range idx {
		l, sp := &b.lines[i], b.span[i]
		pw.lineFields(l)
		if recs := sp.recs; len(sp.ids) == 0 {
			recs = b.sortRecs(recs)
			pw.uvarint(uint64(len(recs)))
			for k := range recs {
				pw.str(b.recID(&recs[k]))
			}
		} else {
			ids := b.reports(recs, sp.ids)
			pw.uvarint(uint64(len(ids)))
			for _, id := range ids {
				pw.str(id)
			}
		}
		p.nlines++
		sum := p.sums[l.Service]
		if sum == nil {
			sum = &ore.Sum{}
			p.sums[l.Service] = sum
		}
		sum.Add(l.Amount)
		p.total.Add(l.Amount)
	}
	p.lines = append(p.lines, b.s.lineStore.add(pw.b))
	clear(b.span)
	b.span = b.span[:0]
}

// unpaidReport notes that qty of report ri, of decision dec, is not paid.
func (b *builder) unpaidReport(prov, dec int, v *rec, qty int64, unit Unit, reason Reason) {
	b.prov[prov].reports.add(reportUnpaid{qty: qty, key: b.s.keyOf(v), idOff: v.idOff, idLen: v.idLen,
		dec: int32(dec), unit: unit, reason: codeOfUnpaid(reason)})
}

func (b *builder) unpaid(prov, dec int, u Unpaid) {
	if dec >= 0 && u.Decision == "" {
		u.Decision = b.s.decisions[dec].d.ID
	}
	if prov < 0 {
		b.unmatched = append(b.unmatched, u)
		return
	}
	b.prov[prov].unpaid = append(b.prov[prov].unpaid, u)
}

func (b *builder) pending(prov int, id string) {
	if prov < 0 {
		b.unmatched = append(b.unmatched, Unpaid{ID: id, Reason: ReasonUnknownProvider})
		return
	}
	b.prov[prov].pending = append(b.prov[prov].pending, id)
}

// compareUnpaid orders unpaid entries by id, then reason and the rest. It
// returns as soon as it knows: cmp.Or would compare every field.
func compareUnpaid(a, b Unpaid) int {
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Reason), string(b.Reason)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Decision, b.Decision); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Quantity, b.Quantity); c != 0 {
		return c
	}
	return strings.Compare(a.Detail, b.Detail)
}

// sortUnpaid sorts unpaid entries by id, then reason, and drops repeats.
func sortUnpaid(list []Unpaid) []Unpaid {
	entry := func(i int) Unpaid { return list[i] }
	return unpaidList{order: uniqueUnpaid(len(list), func(i int) string { return list[i].ID }, entry), entry: entry}.list()
}

// uniqueUnpaid returns the indices of n entries, read through id and
// entry, in the order of the entries, each entry once.
func uniqueUnpaid(n int, id func(i int) string, entry func(i int) Unpaid) []int32 {
	order := orderByID(n, id, func(a, b int) int { return compareUnpaid(entry(a), entry(b)) })
	out := order[:0]
	for _, i := range order {
		// In order by id: only entries of one id can be the same, and
		// only those are made to be compared.
		if m := len(out); m > 0 && id(int(out[m-1])) == id(int(i)) && compareUnpaid(entry(int(out[m-1])), entry(int(i))) == 0 {
			continue
		}
		out = append(out, i)
	}
	return out
}

// An unpaidList is unpaid entries in order, made when they are read:
// entry(order[0]), entry(order[1]) …
type unpaidList struct {
	order []int32
	entry func(i int) Unpaid
}

// list makes the entries, or returns nil when there are none.
func (l unpaidList) list() []Unpaid {
	if len(l.order) == 0 {
		return nil
	}
	out := make([]Unpaid, len(l.order))
	for k, i := range l.order {
		out[k] = l.entry(int(i))
	}
	return out
}

// orderByID returns the indices 0 … n-1 in the order of id(i), then of
// tie(a, b) between equal ids. It sorts by eight bytes of the ids at a
// time, by their digits (radix), and compares ids only within runs that
// are alike in their first bytes: ids are many and mostly short.
func orderByID(n int, id func(i int) string, tie func(a, b int) int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	byID := func(a, b int32) int {
		if c := strings.Compare(id(int(a)), id(int(b))); c != 0 {
			return c
		}
		return tie(int(a), int(b))
	}
	var o idOrder
	o.sort(idx, 0, id, byID)
	return idx
}

// idOrder holds the scratch space of orderByID's radix sorts.
type idOrder struct {
	scratch radix.Scratch
}

// smallRun is the length of a run sorted by comparison.
const smallRun = 48

// sort orders idx, whose ids are alike in their first off bytes.
func (o *idOrder) sort(idx []int32, off int, id func(i int) string, byID func(a, b int32) int) {
	if len(idx) <= smallRun || off >= 64 {
		slices.SortFunc(idx, byID)
		return
	}
	keys := make([]uint64, len(idx))
	for k, i := range idx {
		keys[k] = radix.Key(id(int(i)), off)
	}
	radix.SortWith(keys, idx, &o.scratch)
	// Runs of equal keys: their ids are alike in eight more bytes.
	for s := 0; s < len(idx); {
		e := s + 1
		for e < len(idx) && keys[e] == keys[s] {
			e++
		}
		if e-s > 1 {
			o.sort(idx[s:e], off+8, id, byID)
		}
		s = e
	}
}

// sortLines sorts lines by compareLines, moving indices rather than the
// large lines while sorting. Lines made decision by decision come in a
// few sorted runs (one per worker, and the markups): those are merged.
func sortLines(lines []Line) []Line {
	if len(lines) < 64 {
		slices.SortFunc(lines, compareLines)
		return lines
	}
	runs := []int{0} // where each run starts
	for i := 1; i < len(lines); i++ {
		if compareLinesAt(&lines[i-1], &lines[i]) > 0 {
			if runs = append(runs, i); len(runs) > maxRuns {
				break
			}
		}
	}
	if len(runs) == 1 {
		return lines
	}
	idx := make([]int32, len(lines))
	for i := range idx {
		idx[i] = int32(i)
	}
	less := func(a, b int32) int { return compareLinesAt(&lines[a], &lines[b]) }
	if len(runs) > maxRuns {
		slices.SortFunc(idx, less)
	} else {
		mergeRuns(idx, append(runs, len(lines)), less)
	}
	permute(lines, idx)
	return lines
}

// permute puts lines in the order idx gives (lines[idx[0]] first) in
// place, a cycle of the permutation at a time; it changes idx.
func permute(lines []Line, idx []int32) {
	for i := range idx {
		if idx[i] == int32(i) {
			continue
		}
		tmp := lines[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = int32(j)
			if k == i {
				lines[j] = tmp
				break
			}
			lines[j] = lines[k]
			j = k
		}
	}
}

// linesBefore reports whether lines are in order and all before l.
func linesBefore(lines []Line, l *Line) bool {
	for i := range lines {
		if compareLinesAt(&lines[i], l) >= 0 || i > 0 && compareLinesAt(&lines[i-1], &lines[i]) > 0 {
			return false
		}
	}
	return true
}

// maxRuns is the most sorted runs sortLines merges rather than sorts.
const maxRuns = 64

// mergeRuns sorts idx, which is sorted within the runs idx[bounds[k]:
// bounds[k+1]], by merging the runs two by two; equal items keep their
// order (a stable merge).
func mergeRuns(idx []int32, bounds []int, cmp func(a, b int32) int) {
	tmp := make([]int32, len(idx))
	src, dst := idx, tmp
	for len(bounds) > 2 {
		next := bounds[:0:0]
		for k := 0; k+1 < len(bounds); k += 2 {
			lo, mid, hi := bounds[k], bounds[k+1], bounds[len(bounds)-1]
			if k+2 < len(bounds) {
				hi = bounds[k+2]
			}
			i, j, o := lo, mid, lo
			for i < mid && j < hi {
				if cmp(src[j], src[i]) < 0 {
					dst[o], j = src[j], j+1
				} else {
					dst[o], i = src[i], i+1
				}
				o++
			}
			o += copy(dst[o:], src[i:mid])
			copy(dst[o:], src[j:hi])
			next = append(next, lo)
		}
		bounds = append(next, len(idx))
		src, dst = dst, src
	}
	if &src[0] != &idx[0] {
		copy(idx, src)
	}
}

// compareLines orders lines as formats.md says: recipient, decision,
// service, component, band, rate_from, factor (then price and divisor, so
// that the order is total). Decimals are compared only on a tie.
func compareLines(a, b Line) int { return compareLinesAt(&a, &b) }

// compareLinesAt is compareLines without copying the lines.
func compareLinesAt(a, b *Line) int {
	if r := strings.Compare(a.Recipient, b.Recipient); r != 0 {
		return r
	}
	if r := strings.Compare(a.Decision, b.Decision); r != 0 {
		return r
	}
	if r := strings.Compare(a.Service, b.Service); r != 0 {
		return r
	}
	if r := strings.Compare(a.Component, b.Component); r != 0 {
		return r
	}
	if r := strings.Compare(a.Band, b.Band); r != 0 {
		return r
	}
	if c := a.RateFrom.Compare(b.RateFrom); c != 0 {
		return c
	}
	if c := a.Factor.Cmp(b.Factor); c != 0 {
		return c
	}
	if c := a.Price.Cmp(b.Price); c != 0 {
		return c
	}
	return a.Divisor.Cmp(b.Divisor)
}

// finishProvider makes provider i's settlement, or nil when it has none.
func (b *builder) finishProvider(i int) *ProviderSettlement {
	s := b.s
	p, out := s.providers[i], &b.prov[i]
	if out.lines.n == 0 && len(out.unpaid) == 0 && out.reports.n == 0 && len(out.pending) == 0 && out.part.nlines == 0 {
		return nil
	}
	part := out.part
	out.part = partProv{}
	// Room for the markup lines: at most one a markup and service.
	room := out.lines.n
	if !s.partial {
		room += len(s.t.Markups) * len(s.t.Services)
	}
	sum := part.total // of the lines written, if any
	sum.Merge(&out.sums.total)
	var markups []Line
	if !s.partial {
		// The markups, of each service's sum: as the merge of parts
		// makes them (writeProvider).
		synth := make([]Line, len(out.sums.services))
		for i, v := range out.sums.services {
			synth[i] = Line{Service: v.service, Amount: v.sum.Total()}
		}
		markups = s.markups(p, synth)
		for _, l := range markups {
			sum.Add(l.Amount)
		}
	}
	out.sums = lineSums{}
	// The markups where they sort, most often before all the others
	// (they name no recipient): the lines, in order as the decisions were
	// settled one after another, are then not moved again by sortLines.
	lines := make([]Line, 0, room)
	front := out.lines.n == 0 || linesBefore(markups, &out.lines.c[0][0])
	if front {
		lines = append(lines, markups...)
	}
	lines = out.lines.appendTo(lines)
	if !front {
		lines = append(lines, markups...)
	}
	if !front || out.unordered || out.lines.n == 0 {
		lines = sortLines(lines)
	}
	out.lines, out.unordered = chunks[Line]{}, false
	ps := &ProviderSettlement{Provider: p.ID, Name: p.Name, Regime: p.Regime, Lines: lines, Total: zeroMoney}
	unpaid := b.orderUnpaid(out.unpaid, &out.reports)
	if s.unpaidLater {
		part.unpaid = unpaid
		s.partOf[i] = part // each provider's own place
	} else {
		ps.Unpaid = unpaid.list()
	}
	out.unpaid, out.reports = nil, chunks[reportUnpaid]{}
	ps.Pending = sortIDs(out.pending)
	ps.Total = sum.Total()
	return ps
}

// finish adds markups, sorts everything and sums the totals.
func (b *builder) finish() *Settlement {
	s := b.s
	st := &Settlement{Period: s.period, Tariff: s.t.Name, Total: zeroMoney}
	// Providers are finished at once, on all cores: each sorts its own.
	done := make([]*ProviderSettlement, len(s.providers))
	if s.unpaidLater {
		s.partOf = make([]partProv, len(s.providers))
	}
	parallel.ForEach(min(runtime.GOMAXPROCS(0), 8), len(s.providers), func(_, i int) { done[i] = b.finishProvider(i) })
	for _, ps := range done {
		if ps != nil {
			st.Total = st.Total.Add(ps.Total)
			st.Providers = append(st.Providers, *ps)
		}
	}
	unmatched := b.orderUnpaid(b.unmatched, &b.unmatchedReports)
	if s.unpaidLater {
		s.unmatchedLater = unmatched
	} else {
		st.Unmatched = unmatched.list()
	}
	st.Issues = sortIssues(b.issues)
	return st
}

// orderUnpaid returns unpaid entries others and reports in order, each
// once. The reports, most of them, are put in order by their own keys
// and fields; the others as sortUnpaid does; then the two are merged.
func (b *builder) orderUnpaid(others []Unpaid, list *chunks[reportUnpaid]) unpaidList {
	s := b.s
	reports := list.appendTo(nil)
	reportID := func(r *reportUnpaid) string { return s.idStr[r.idOff : r.idOff+r.idLen] }
	entry := func(i int) Unpaid {
		if i < len(others) {
			return others[i]
		}
		r := &reports[i-len(others)]
		u := Unpaid{ID: reportID(r), Quantity: r.qty, Unit: r.unit, Reason: r.reason.reason()}
		if r.dec >= 0 {
			u.Decision = s.decisions[r.dec].d.ID
		}
		return u
	}
	byReports := b.orderReports(reports)
	if len(others) == 0 {
		return unpaidList{order: byReports, entry: entry}
	}
	byOthers := uniqueUnpaid(len(others), func(i int) string { return others[i].ID }, entry)
	// Merged, dropping an entry of the reports that is one of the others.
	order := make([]int32, 0, len(byOthers)+len(byReports))
	j := 0
	for _, i := range byOthers {
		u := others[i]
		for ; j < len(byReports); j++ {
			c := compareUnpaid(entry(len(others)+int(byReports[j])), u)
			if c > 0 {
				break
			}
			if c < 0 {
				order = append(order, int32(len(others))+byReports[j])
			}
		}
		order = append(order, i)
	}
	for _, r := range byReports[j:] {
		order = append(order, int32(len(others))+r)
	}
	return unpaidList{order: order, entry: entry}
}

// orderReports returns the indices of the unpaid reports in the order of
// their entries, each entry once: by the ids' first eight bytes (a radix
// sort), the rest of them, the reason, the decision and the quantity, as
// compareUnpaid orders the entries they make (whose Detail is empty).
func (b *builder) orderReports(reports []reportUnpaid) []int32 {
	s := b.s
	n := len(reports)
	if n == 0 {
		return nil
	}
	id := func(r *reportUnpaid) string { return s.idStr[r.idOff : r.idOff+r.idLen] }
	decision := func(r *reportUnpaid) string {
		if r.dec < 0 {
			return ""
		}
		return s.decisions[r.dec].d.ID
	}
	// compare orders two of one key.
	compare := func(i, j int32) int {
		x, y := &reports[i], &reports[j]
		if x.idOff != y.idOff || x.idLen != y.idLen {
			if c := strings.Compare(id(x), id(y)); c != 0 {
				return c
			}
		}
		if x.reason != y.reason {
			if c := strings.Compare(string(x.reason.reason()), string(y.reason.reason())); c != 0 {
				return c
			}
		}
		if x.dec != y.dec {
			if c := strings.Compare(decision(x), decision(y)); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.qty, y.qty)
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	if n <= smallRun {
		slices.SortFunc(idx, func(i, j int32) int {
			if c := cmp.Compare(reports[i].key, reports[j].key); c != 0 {
				return c
			}
			return compare(i, j)
		})
	} else {
		keys := make([]uint64, n)
		for i := range reports {
			keys[i] = reports[i].key
		}
		var o idOrder
		radix.SortWith(keys, idx, &o.scratch)
		// Runs of one key are ordered by the rest: long runs (ids alike
		// in their first bytes) by the next bytes first, as orderByID
		// does.
		for from := 0; from < n; {
			to := from + 1
			for to < n && keys[to] == keys[from] {
				to++
			}
			switch {
			case to-from > smallRun:
				o.sort(idx[from:to], 8, func(i int) string { return id(&reports[i]) }, compare)
			case to-from > 1:
				slices.SortFunc(idx[from:to], compare)
			}
			from = to
		}
	}
	out := idx[:1]
	for k := 1; k < n; k++ {
		if reports[idx[k]].key != reports[idx[k-1]].key || compare(idx[k-1], idx[k]) != 0 {
			out = append(out, idx[k])
		}
	}
	return out
}

// sortIssues sorts issues by kind, ids and message, and drops repeats.
func sortIssues(list []Issue) []Issue {
	slices.SortFunc(list, func(a, b Issue) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), slices.Compare(a.IDs, b.IDs), cmp.Compare(a.Message, b.Message))
	})
	return slices.CompactFunc(list, func(a, b Issue) bool {
		return a.Kind == b.Kind && slices.Equal(a.IDs, b.IDs) && a.Message == b.Message
	})
}

// markups returns provider p's markup lines (rules §9): per markup and
// service, percent of the sum of that service's line amounts, adjustments
// excluded.
func (s *Settler) markups(p Provider, lines []Line) []Line {
	if len(s.t.Markups) == 0 {
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
	for _, m := range s.t.Markups {
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
		b.prov[k.prov].lines.add(*l)
		b.prov[k.prov].unordered = true
		b.prov[k.prov].sums.total.Add(l.Amount) // not a base of markups
	}
}

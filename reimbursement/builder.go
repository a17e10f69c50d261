package reimbursement

import (
	"runtime"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/store"
)

var (
	hundred   = decimal.NewFromInt(100)
	oneDec    = decimal.NewFromInt(1)
	zeroMoney = decimal.Zero
)

// reasonPending marks a report that is listed as pending.
const reasonPending Reason = "pending"

type provOut struct {
	lines store.Chunks[Line]
	// unordered: the lines may not be in order (compareLines), as they
	// are when decisions are settled in order, one after another.
	unordered bool
	sums      lineSums // of lines
	unpaid    []Unpaid
	reports   store.Chunks[reportUnpaid] // unpaid reports, kept small while settling
	pending   []string
	part      partProv // the lines written, by a partSink
}

// A partProv is what a part's settler (partSink) leaves of a
// provider to be written: its unpaid entries in order, and its lines
// written (as partWriter.lines writes them), how many, and their sums.
type partProv struct {
	unpaid unpaidList
	lines  [][]byte // the lines written, a piece a decision, in order
	nlines int
	sums   lineSums // of the lines written
}

// builder gathers a settlement: the lines of the decision being settled
// in integers, then each line once in decimals.
type builder struct {
	s                *Settler
	prov             []provOut
	unmatched        []Unpaid
	unmatchedReports store.Chunks[reportUnpaid]
	issues           []Issue     // the settlement's: the decisions' and its tariff gaps
	acc              []accEntry  // the current decision's lines; few, so a slice
	lineRecs         [][]lineRec // the reports of each line of acc, lists kept for the next decision

	// Scratch of flush, kept for the next decision.
	lines   []Line // the decision's lines, sorted before they are added
	span    []lineSpan
	lineIdx []int32
	lineBuf partWriter // a decision's lines written, before they go to the part sink's lineStore
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

func newBuilder(s *Settler) *builder {
	return &builder{s: s, prov: make([]provOut, len(s.providers)),
		divisors: map[int64]decimal.Decimal{}, factors: map[string]factor{}}
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

// A lineSpan is where the reports of one of b.lines are in order (from,
// to), and its other records' ids, when the line is written as made.
type lineSpan struct {
	recs []lineRec
	ids  []string
}

// writeLines writes the current decision's accumulated lines to the
// provider's part, in order, as partWriter.lines does for JSON, keeping
// the bytes in store. The decisions are settled in the order of their
// lines, on one builder, so a provider's lines come in order.
func (b *builder) writeLines(out *provOut, ds *decState, store *store.Bytes) {
	for i := range b.acc {
		// Its reports are written when the line is.
		b.span = append(b.span, lineSpan{recs: b.lineRecs[i], ids: b.acc[i].acc.ids})
		b.lines = append(b.lines, Line{})
		b.makeLine(&b.lines[len(b.lines)-1], ds, i, false)
	}
	defer func() {
		clear(b.lines)
		b.lines = b.lines[:0]
	}()
	idx := b.sortedLines()
	p := &out.part
	pw := &b.lineBuf // without a writer: it holds what it is given
	pw.b = pw.b[:0]
	sums := p.sums.decision(ds.d.Service, ds.d.Area)
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
		e := &b.acc[i]
		sums.add(l, e.acc.qty, e.key.divisor, 0, false)
	}
	sums.done()
	p.lines = append(p.lines, store.Add(pw.b))
	clear(b.span)
	b.span = b.span[:0]
}

// finishProvider makes provider i's settlement, or nil when it has none.
func (b *builder) finishProvider(i int) *ProviderSettlement {
	s := b.s
	p, out := s.providers[i], &b.prov[i]
	if out.lines.Len() == 0 && len(out.unpaid) == 0 && out.reports.Len() == 0 && len(out.pending) == 0 && out.part.nlines == 0 {
		return nil
	}
	part := out.part
	out.part = partProv{}
	// Room for the markup lines: at most one a markup and service.
	sum := part.sums.total // of the lines written, if any
	sum.Merge(&out.sums.total)
	// The markups, of each service's sum: as the merge of parts makes
	// them (writeProvider).
	markups := s.sink.markups(s, p, &out.sums)
	for _, l := range markups {
		sum.Add(l.Amount)
	}
	room := out.lines.Len() + len(markups)
	out.sums = lineSums{}
	// The markups where they sort, most often before all the others
	// (they name no recipient): the lines, in order as the decisions were
	// settled one after another, are then not moved again by sortLines.
	lines := make([]Line, 0, room)
	front := out.lines.Len() == 0 || linesBefore(markups, &*out.lines.First())
	if front {
		lines = append(lines, markups...)
	}
	lines = out.lines.AppendTo(lines)
	if !front {
		lines = append(lines, markups...)
	}
	if !front || out.unordered || out.lines.Len() == 0 {
		lines = sortLines(lines)
	}
	out.lines, out.unordered = store.Chunks[Line]{}, false
	ps := &ProviderSettlement{Provider: p.ID, Name: p.Name, Regime: p.Regime, Lines: lines, Total: zeroMoney}
	s.sink.unpaid(i, ps, b.orderUnpaid(out.unpaid, &out.reports), part)
	out.unpaid, out.reports = nil, store.Chunks[reportUnpaid]{}
	ps.Pending = sortIDs(out.pending)
	ps.Total = sum.Total()
	return ps
}

// finish adds markups, sorts everything and sums the totals.
func (b *builder) finish() *Settlement {
	s := b.s
	st := &Settlement{Period: s.period, Tariff: s.t.name, Total: zeroMoney}
	// Providers are finished at once, on all cores: each sorts its own.
	done := make([]*ProviderSettlement, len(s.providers))
	parallel.ForEach(min(runtime.GOMAXPROCS(0), 8), len(s.providers), func(_, i int) { done[i] = b.finishProvider(i) })
	for _, ps := range done {
		if ps != nil {
			st.Total = st.Total.Add(ps.Total)
			st.Providers = append(st.Providers, *ps)
		}
	}
	s.sink.unmatched(st, b.orderUnpaid(b.unmatched, &b.unmatchedReports))
	st.Issues = sortIssues(b.issues)
	return st
}

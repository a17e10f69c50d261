package reimbursement

import "github.com/exempelby/ersattning/reimbursement/internal/store"

// A resultSink is the seam between the rules and where their results go.
// The settler makes each decision's lines, then each provider's unpaid
// entries in order, then the unmatched entries, in the same way for a
// month settled whole and for a part of a month; the sink decides what
// becomes of them. monthSink keeps them for the Settlement. partSink, for
// WriteSettlementFS, writes each decision's lines in the part's form as
// they are made and keeps the unpaid entries in order to be written
// after them; it leaves the markups, the tariff gaps and the input's
// files, which are the whole month's, to the merge of the parts.
type resultSink interface {
	// inOrder reports whether the decisions must be settled one after
	// another on one builder, so that their lines come in order.
	inOrder() bool
	// lines takes the lines of decision ds, made in b.acc, for out.
	lines(b *builder, out *provOut, ds *decState)
	// markups returns provider p's markup lines, of the sums of its lines.
	markups(s *Settler, p Provider, sums *lineSums) []Line
	// unpaid takes provider i's unpaid entries, in order, and its lines
	// written, for its settlement ps.
	unpaid(i int, ps *ProviderSettlement, unpaid unpaidList, written partProv)
	// unmatched takes the unmatched entries, in order, for st.
	unmatched(st *Settlement, unmatched unpaidList)
	// monthIssues returns the issues that are the whole month's: its
	// tariff gaps and the problems of its files.
	monthIssues(s *Settler) []Issue
}

// monthSink keeps a settlement whole, in memory.
type monthSink struct{}

func (monthSink) inOrder() bool { return false }

func (monthSink) lines(b *builder, out *provOut, ds *decState) { b.keepLines(out, ds) }

func (monthSink) markups(s *Settler, p Provider, sums *lineSums) []Line { return s.markups(p, sums) }

func (monthSink) unpaid(_ int, ps *ProviderSettlement, unpaid unpaidList, _ partProv) {
	ps.Unpaid = unpaid.list()
}

func (monthSink) unmatched(st *Settlement, unmatched unpaidList) { st.Unmatched = unmatched.list() }

func (monthSink) monthIssues(s *Settler) []Issue {
	issues := gapIssues(s.gaps, s.gapDates)
	if s.files != nil {
		issues = append(issues, s.files.issues()...)
	}
	return issues
}

// partSink writes a part of a month ahead for WriteSettlementFS: what it
// keeps is read by settlePart once the part is settled.
type partSink struct {
	lineStore      store.Bytes // the lines written
	partOf         []partProv  // by provider index: its lines written and unpaid entries
	unmatchedLater unpaidList  // the unmatched entries, in order
}

func newPartSink(providers int) *partSink { return &partSink{partOf: make([]partProv, providers)} }

func (*partSink) inOrder() bool { return true }

func (ps *partSink) lines(b *builder, out *provOut, ds *decState) {
	b.writeLines(out, ds, &ps.lineStore)
}

func (*partSink) markups(*Settler, Provider, *lineSums) []Line { return nil }

func (ps *partSink) unpaid(i int, _ *ProviderSettlement, unpaid unpaidList, written partProv) {
	written.unpaid = unpaid
	ps.partOf[i] = written // each provider's own place
}

func (ps *partSink) unmatched(_ *Settlement, unmatched unpaidList) { ps.unmatchedLater = unmatched }

func (*partSink) monthIssues(*Settler) []Issue { return nil }

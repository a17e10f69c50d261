package reimbursement

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// A Run is a settlement run for a period (rules §12): the settlement of
// the period, the corrections of the earlier periods still open, and what
// the locked periods before those would have been corrected by, unpaid.
//
// Its total per provider is its settlement of Period plus its
// corrections; Issued is what the next run starts from.
type Run struct {
	Period     volume.Period
	Settlement *Settlement
	// Corrections are the corrections (rules §10) of the issued periods
	// inside the tariff's CorrectionMonths, in period order; a period
	// whose settlement again is what was issued has none.
	Corrections []*Settlement
	// Locked are the issued periods before the window whose settlement
	// again differs from what was issued, in period order. Their
	// differences are not paid.
	Locked []LockedPeriod
	// Providers are the providers with a settlement or a correction that
	// is not zero, by id.
	Providers []RunProvider
	// Total is Settlement.Total plus the corrections' totals.
	Total decimal.Decimal
	// Issued is the settlements issued after the run, one per period in
	// period order: the issued settlements given, each corrected one
	// replaced by its settlement again (which pays, line key by line key,
	// what the issued one with the correction applied pays, and names the
	// records as they are now), and the settlement of Period.
	Issued []*Settlement
}

// A LockedPeriod is an issued period before the correction window whose
// settlement again differs from what was issued: what would have been
// corrected, per provider, and the records that caused it, so that a
// late report is never silently lost.
type LockedPeriod struct {
	Period    volume.Period
	Providers []LockedProvider // by id
	// Unmatched are the ids of records tied to no provider whose
	// accounting changed, sorted.
	Unmatched []string
	Total     decimal.Decimal // the sum of the providers' amounts
}

// A LockedProvider is one provider's would-be correction of a locked
// period.
type LockedProvider struct {
	Provider string
	Name     string          // as the settlement again names it; empty when it has no lines there
	Amount   decimal.Decimal // what the correction would have paid, not paid
	// IDs are the records whose accounting changed: they moved between
	// lines, unpaid and pending, appeared or went; or, when a line
	// changed and none of its records moved (a record's times or the
	// rate changed), the line's records. Sorted.
	IDs []string
}

// A RunProvider is what a run pays one provider.
type RunProvider struct {
	Provider    string
	Name        string          // as the settlement or the last correction names it
	Settlement  decimal.Decimal // of the run's period
	Corrections decimal.Decimal // of the open earlier periods, summed
	Total       decimal.Decimal // Settlement + Corrections
}

// SettleRun makes the run for period from in (rules §12), given the
// settlements issued so far, one per earlier period, each what was paid
// for that period in all. Every issued period is settled again from in,
// whose records may be of any period: those inside t's CorrectionMonths
// before period get a correction, those before are locked. With no
// issued settlements the run is the settlement of period.
//
// It fails when an issued settlement does not hold its own sums, is a
// correction, is of period or later, or when two are of one period.
func SettleRun(t *Tariff, period volume.Period, in Input, issued []*Settlement, opt Options) (*Run, error) {
	return makeRun(t, period, issued, func(periods []volume.Period) ([]*Settlement, error) {
		sts := make([]*Settlement, len(periods))
		for i, p := range periods {
			st, err := Settle(t, p, in, opt)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			sts[i] = st
		}
		return sts, nil
	})
}

// makeRun makes the run for period from the settlements issued before,
// settling the periods with settle: the run's first, then the issued
// ones in period order.
func makeRun(t *Tariff, period volume.Period, issued []*Settlement, settle func([]volume.Period) ([]*Settlement, error)) (*Run, error) {
	if t == nil {
		return nil, errorf("SettleRun: no tariff")
	}
	issued, err := sortIssued(issued, period)
	if err != nil {
		return nil, err
	}
	periods := []volume.Period{period}
	for _, st := range issued {
		periods = append(periods, st.Period)
	}
	sts, err := settle(periods)
	if err != nil {
		return nil, err
	}
	run := &Run{Period: period, Settlement: sts[0]}
	for i, old := range issued {
		state, err := run.settleAgain(old, sts[i+1], correctable(t, period, old.Period))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", old.Period, err)
		}
		run.Issued = append(run.Issued, state)
	}
	run.Issued = append(run.Issued, run.Settlement)
	run.sumProviders()
	return run, nil
}

// correctable reports whether the issued period p may still be corrected by the
// run for period: it is one of the tariff's CorrectionMonths before it.
func correctable(t *Tariff, period, p volume.Period) bool {
	first := period
	for range t.CorrectionMonths() {
		first = first.Prev()
	}
	return !p.First().Before(first.First())
}

// sortIssued checks the issued settlements and returns them in period
// order: each a settlement whose sums hold, of a period before period,
// one per period.
func sortIssued(issued []*Settlement, period volume.Period) ([]*Settlement, error) {
	out := slices.Clone(issued)
	for i, st := range out {
		if err := CheckIssued(st, volume.Period{}); err != nil {
			return nil, fmt.Errorf("issued settlement %d: %w", i+1, err)
		}
		if !st.Period.First().Before(period.First()) {
			return nil, errorf("the issued settlement of %s is not of a period before the run's, %s", st.Period, period)
		}
	}
	slices.SortFunc(out, func(a, b *Settlement) int { return a.Period.First().Compare(b.Period.First()) })
	for i := 1; i < len(out); i++ {
		if out[i].Period == out[i-1].Period {
			return nil, errorf("two settlements issued of %s: give one, what was paid for it in all", out[i].Period)
		}
	}
	return out, nil
}

// settleAgain compares the settlement cur of an issued period again with
// what was issued, old: an open period gets its correction when anything
// changed, a locked one is listed. It returns the period's issued state
// after the run.
func (run *Run) settleAgain(old, cur *Settlement, open bool) (*Settlement, error) {
	corr, lines, err := correct(old, cur, true) // old checked by sortIssued, cur settled for its period
	if err != nil {
		return nil, err
	}
	changes := recordChanges(old, cur, lines)
	if !open {
		if locked, ok := lockedPeriod(old.Period, corr, changes); ok {
			run.Locked = append(run.Locked, locked)
		}
		return old, nil
	}
	if !hasLines(corr) && changes.empty() {
		return old, nil
	}
	run.Corrections = append(run.Corrections, corr)
	return cur, nil // what old with corr applied pays, line key by line key
}

// hasLines reports whether a correction changes any line.
func hasLines(corr *Settlement) bool {
	for _, p := range corr.Providers {
		if len(p.Lines) > 0 {
			return true
		}
	}
	return false
}

// lockedPeriod returns the would-be correction corr of a locked period
// with the records that changed; ok is false when nothing did.
func lockedPeriod(period volume.Period, corr *Settlement, changes changedRecords) (LockedPeriod, bool) {
	amounts, names := map[string]decimal.Decimal{}, map[string]string{}
	for _, p := range corr.Providers {
		amounts[p.Provider], names[p.Provider] = p.Total, p.Name
	}
	ids := make([]string, 0, len(amounts)+len(changes.byProvider))
	for id := range amounts {
		ids = append(ids, id)
	}
	for id := range changes.byProvider {
		if _, ok := amounts[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := LockedPeriod{Period: period, Unmatched: changes.unmatched, Total: decimal.Zero}
	for _, id := range ids {
		amount := amounts[id] // the zero Decimal when the provider has no correction
		if amount.IsZero() && len(changes.byProvider[id]) == 0 {
			continue
		}
		out.Providers = append(out.Providers, LockedProvider{Provider: id, Name: names[id], Amount: amount, IDs: changes.byProvider[id]})
		out.Total = out.Total.Add(amount)
	}
	return out, len(out.Providers) > 0 || len(out.Unmatched) > 0
}

// sumProviders lists what the run pays each provider and sums the run.
func (run *Run) sumProviders() {
	type sums struct {
		name                    string
		settlement, corrections decimal.Decimal
	}
	by := map[string]*sums{}
	at := func(id string) *sums {
		s := by[id]
		if s == nil {
			s = &sums{settlement: decimal.Zero, corrections: decimal.Zero}
			by[id] = s
		}
		return s
	}
	run.Total = run.Settlement.Total
	for _, p := range run.Settlement.Providers {
		if !p.Total.IsZero() {
			at(p.Provider).settlement = p.Total
			by[p.Provider].name = p.Name
		}
	}
	for _, c := range run.Corrections {
		run.Total = run.Total.Add(c.Total)
		for _, p := range c.Providers {
			if !p.Total.IsZero() {
				s := at(p.Provider)
				s.corrections = s.corrections.Add(p.Total)
				s.name = cmp.Or(s.name, p.Name)
			}
		}
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	sum := decimal.Zero
	run.Providers = make([]RunProvider, 0, len(ids))
	for _, id := range ids {
		s := by[id]
		total := s.settlement.Add(s.corrections)
		run.Providers = append(run.Providers, RunProvider{Provider: id, Name: s.name, Settlement: s.settlement, Corrections: s.corrections, Total: total})
		sum = sum.Add(total)
	}
	if !sum.Equal(run.Total) { // the providers left out are those of zero
		panic("reimbursement: a run's providers do not sum to its total")
	}
}

// changedRecords are the records whose accounting differs between two
// settlements of a period, by provider, and those tied to no provider.
type changedRecords struct {
	byProvider map[string][]string // sorted ids
	unmatched  []string            // sorted ids
}

func (c changedRecords) empty() bool { return len(c.byProvider) == 0 && len(c.unmatched) == 0 }

// recordChanges returns the records whose accounting differs between old
// and cur, the settlements of a period before and now, whose lines by key
// are lines: a record changed when it is in a line, an unpaid entry, a
// pending list or an unmatched entry in one and not the other. A line
// that changed while none of its records moved (a record's times or the
// line's rate changed) names all of them. A record is named under the
// provider that accounts for it now, or did before when it is gone.
func recordChanges(old, cur *Settlement, lines pairedLines) changedRecords {
	c := changeSet{}
	for k, pair := range lines.byKey {
		moved := c.differ(pair.old.Reports, pair.cur.Reports, k.Provider, k.Provider)
		if _, changed := pair.difference(); changed && !moved {
			c.differ(nil, pair.cur.Reports, k.Provider, k.Provider)
		}
	}
	before := map[string]*ProviderSettlement{}
	for i := range old.Providers {
		before[old.Providers[i].Provider] = &old.Providers[i]
	}
	for i := range cur.Providers {
		p := &cur.Providers[i]
		q := before[p.Provider]
		if q == nil {
			q = &ProviderSettlement{}
		}
		delete(before, p.Provider)
		c.differ(unpaidKeys(q.Unpaid), unpaidKeys(p.Unpaid), p.Provider, p.Provider)
		c.differ(q.Pending, p.Pending, p.Provider, p.Provider)
	}
	for id, q := range before { // providers only in old
		c.differ(unpaidKeys(q.Unpaid), nil, id, "")
		c.differ(q.Pending, nil, id, "")
	}
	c.differ(unpaidKeys(old.Unmatched), unpaidKeys(cur.Unmatched), "", "")
	return c.records()
}

// A changeSet collects changed records: id → the provider that accounts
// for it now, or did before.
type changeSet map[string]struct {
	provider string
	now      bool
}

// differ adds to c the entries in one of the lists before and after and
// not in the other, of the providers they are of, and reports whether
// there were any. An entry is an id, or an id and what more is said of
// it after a NUL (unpaidKeys).
func (c changeSet) differ(before, after []string, providerBefore, providerAfter string) bool {
	before, after = sortedStrings(before), sortedStrings(after)
	found := false
	add := func(entry, provider string, now bool) {
		found = true
		id, _, _ := strings.Cut(entry, "\x00")
		if e, ok := c[id]; !ok || (now && !e.now) {
			c[id] = struct {
				provider string
				now      bool
			}{provider, now}
		}
	}
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i] < after[j]):
			add(before[i], providerBefore, false)
			i++
		case i == len(before) || after[j] < before[i]:
			add(after[j], providerAfter, true)
			j++
		default:
			i, j = i+1, j+1
		}
	}
	return found
}

// records returns the changed records by provider, each list sorted.
func (c changeSet) records() changedRecords {
	out := changedRecords{byProvider: map[string][]string{}}
	for id, e := range c {
		if e.provider == "" {
			out.unmatched = append(out.unmatched, id)
		} else {
			out.byProvider[e.provider] = append(out.byProvider[e.provider], id)
		}
	}
	for _, ids := range out.byProvider {
		slices.Sort(ids)
	}
	slices.Sort(out.unmatched)
	return out
}

// sortedStrings returns list sorted: itself when it is, else a sorted copy.
func sortedStrings(list []string) []string {
	if slices.IsSorted(list) {
		return list
	}
	list = slices.Clone(list)
	slices.Sort(list)
	return list
}

// unpaidKeys writes each unpaid entry as its id and, after a NUL, all that
// is said of it, so that two entries are equal when their keys are.
func unpaidKeys(list []Unpaid) []string {
	out := make([]string, len(list))
	for i, u := range list {
		out[i] = strings.Join([]string{u.ID, string(u.Reason), strconv.FormatInt(u.Quantity, 10), u.Unit.String(), u.Decision}, "\x00")
	}
	return out
}

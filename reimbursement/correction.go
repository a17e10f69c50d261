package reimbursement

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// A LineKey identifies a line across two runs of a period (rules §10):
// provider, recipient, decision, service, component, band, price, factor
// and divisor. Quantities and amounts of lines with one key add up.
type LineKey struct {
	Provider, Recipient, Decision, Service, Component, Band string
	Price, Factor, Divisor                                  string // canonical decimal strings
}

// Key returns the line's key in the settlement of provider.
func (l Line) Key(provider string) LineKey {
	return LineKey{Provider: provider, Recipient: l.Recipient, Decision: l.Decision, Service: l.Service,
		Component: l.Component, Band: l.Band, Price: decimalString(l.Price), Factor: decimalString(l.Factor), Divisor: decimalString(l.Divisor)}
}

// CheckIssued checks a settlement issued before, as Correct needs it: a
// settlement (not a correction) of period whose sums hold
// (CheckArithmetic). A zero period is not checked. The error says what is
// wrong; a period of its own wraps ErrPeriodMismatch.
func CheckIssued(issued *Settlement, period volume.Period) error {
	switch {
	case issued == nil:
		return errorf("no settlement issued before (nil)")
	case issued.CorrectionOf != nil:
		return errorf("the settlement issued before is a correction (of %s), not a settlement", issued.CorrectionOf.Period)
	case !period.IsZero() && issued.Period != period:
		return fmt.Errorf("%w: the settlement issued before is of %s, not %s", ErrPeriodMismatch, issued.Period, period)
	}
	if err := CheckArithmetic(issued); err != nil {
		return errorf("the settlement issued before does not hold its own sums: %w", err)
	}
	return nil
}

// periodOr returns s's period, or the zero Period for a nil s.
func (s *Settlement) periodOr() volume.Period {
	if s == nil {
		return volume.Period{}
	}
	return s.Period
}

// ErrPeriodMismatch is returned by Correct when the two settlements are of
// different periods.
var ErrPeriodMismatch = fmt.Errorf("reimbursement: the settlements are of different periods")

// Correct returns the correction (rättelse) that takes the previously
// issued settlement previous to current, a re-run of the same period
// (rules §10): per line key the difference in quantity and amount; keys
// whose quantity and amount are unchanged are left out, keys only in
// previous appear negated. Markup and adjustment lines are corrected the
// same way. The correction carries current's unpaid, pending, unmatched
// and issues, and CorrectionOf names previous's period and total, so that
// current.Total − previous.Total = correction.Total exactly.
//
// A correction line's Amount is the difference of the issued amounts, not
// a new rounding of the quantity difference: that is what makes applying
// the correction to the old settlement give the new one to the öre.
//
// Both must be settlements, not corrections, and previous, which may have
// been read from a file, must hold its own sums (CheckArithmetic):
// otherwise the difference would not be what was paid and what is owed.
func Correct(previous, current *Settlement) (*Settlement, error) {
	corr, _, err := correct(previous, current, false)
	return corr, err
}

// A linePair is what two settlements of a period, before and now, pay
// under one line key: their lines of the key summed (aggregate).
type linePair struct {
	old, cur     Line
	inOld, inCur bool
}

// pairedLines are the line keys of two settlements with what each pays
// under them: the keys of the current one in its order, then those only in
// the previous one in its order.
type pairedLines struct {
	byKey map[LineKey]*linePair
	order []LineKey
}

// pairLines sums the lines of previous and current by key.
func pairLines(previous, current *Settlement) pairedLines {
	out := pairedLines{byKey: map[LineKey]*linePair{}}
	var oldOnly []LineKey
	for _, side := range []struct {
		st  *Settlement
		cur bool
	}{{current, true}, {previous, false}} {
		for _, p := range side.st.Providers {
			for _, l := range p.Lines {
				k := l.Key(p.Provider)
				pair := out.byKey[k]
				if pair == nil {
					pair = &linePair{}
					out.byKey[k] = pair
					if side.cur {
						out.order = append(out.order, k)
					} else {
						oldOnly = append(oldOnly, k)
					}
				}
				if side.cur {
					pair.cur, pair.inCur = addLine(pair.cur, pair.inCur, l), true
				} else {
					pair.old, pair.inOld = addLine(pair.old, pair.inOld, l), true
				}
			}
		}
	}
	out.order = append(out.order, oldOnly...)
	return out
}

// addLine adds l to the sum of a key's lines, sum when had: quantities
// and amounts add up, the first line's evidence is kept and the reports
// are the union. The sum shares the first line's reports until another
// comes.
func addLine(sum Line, had bool, l Line) Line {
	if !had {
		return l
	}
	sum.Quantity = sum.Quantity.Add(l.Quantity)
	sum.Amount = sum.Amount.Add(l.Amount)
	sum.Reports = sortIDs(append(slices.Clip(sum.Reports), l.Reports...))
	return sum
}

// correct is Correct, giving the lines it compared too; checked says
// that previous was checked (CheckIssued) for current's period already,
// which for a national month is worth not doing twice.
func correct(previous, current *Settlement, checked bool) (*Settlement, pairedLines, error) {
	if !checked {
		if err := CheckIssued(previous, current.periodOr()); err != nil {
			return nil, pairedLines{}, err
		}
	}
	if current == nil || current.CorrectionOf != nil {
		return nil, pairedLines{}, errorf("Correct: the current settlement must be a settlement, not nil or a correction")
	}
	lines := pairLines(previous, current)
	heads := providerHeads(previous, current)
	byProvider := map[string]*ProviderSettlement{}
	out := &Settlement{Period: current.Period, Tariff: current.Tariff, Total: decimal.Zero,
		CorrectionOf: &CorrectionOf{Period: previous.Period, Total: previous.Total},
		Unmatched:    current.Unmatched, Issues: current.Issues, Files: current.Files}
	provider := func(id string) *ProviderSettlement {
		p := byProvider[id]
		if p == nil {
			h := heads[id]
			p = &h
			byProvider[id] = p
		}
		return p
	}
	for _, k := range lines.order {
		d, changed := lines.byKey[k].difference()
		if changed {
			d.Reports = slices.Clone(d.Reports) // the correction's own, not a settlement's
			p := provider(k.Provider)
			p.Lines = append(p.Lines, d)
			p.Total = p.Total.Add(d.Amount)
		}
	}
	for _, p := range current.Providers {
		q := provider(p.Provider)
		q.Unpaid, q.Pending = p.Unpaid, p.Pending
	}
	addProviders(out, byProvider)
	return out, lines, nil
}

// difference returns the correction line of a key: the current line less
// the previous, the current line when the key is new, the previous one
// negated when it is gone; changed is false when quantity and amount are
// the same.
func (p *linePair) difference() (d Line, changed bool) {
	switch {
	case !p.inOld:
		return p.cur, true
	case !p.inCur:
		d = p.old
		d.Quantity, d.Amount = d.Quantity.Neg(), d.Amount.Neg()
		return d, true
	case p.cur.Quantity.Equal(p.old.Quantity) && p.cur.Amount.Equal(p.old.Amount):
		return Line{}, false
	}
	d = p.cur
	d.Quantity = p.cur.Quantity.Sub(p.old.Quantity)
	d.Amount = p.cur.Amount.Sub(p.old.Amount)
	return d, true
}

// aggregate sums the lines of a settlement by key (addLine).
func aggregate(st *Settlement) (map[LineKey]Line, []LineKey) {
	out := map[LineKey]Line{}
	var order []LineKey
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			k := l.Key(p.Provider)
			a, ok := out[k]
			if !ok {
				order = append(order, k)
			}
			out[k] = addLine(a, ok, l)
		}
	}
	return out, order
}

// ApplyCorrection returns the settlement that previous becomes with the
// correction applied: line quantities and amounts add up per key (lines of
// one key are merged), and unpaid, pending, unmatched and issues are the
// correction's. It is the inverse of Correct: ApplyCorrection(old,
// Correct(old, new)) has the lines, amounts and totals of new.
func ApplyCorrection(previous, correction *Settlement) (*Settlement, error) {
	if previous == nil || correction == nil {
		return nil, errorf("ApplyCorrection: a settlement is nil")
	}
	if correction.CorrectionOf == nil {
		return nil, errorf("ApplyCorrection: the second settlement is not a correction")
	}
	if correction.CorrectionOf.Period != previous.Period || !correction.CorrectionOf.Total.Equal(previous.Total) {
		return nil, errorf("ApplyCorrection: the correction is of %s with total %s, not of %s with total %s",
			correction.CorrectionOf.Period, correction.CorrectionOf.Total.StringFixed(2), previous.Period, previous.Total.StringFixed(2))
	}
	lines, order := aggregate(previous)
	heads := providerHeads(previous, correction)
	for _, p := range correction.Providers {
		for _, l := range p.Lines {
			k := l.Key(p.Provider)
			a, ok := lines[k]
			if !ok {
				lines[k] = l
				order = append(order, k)
				continue
			}
			a.Quantity = a.Quantity.Add(l.Quantity)
			a.Amount = a.Amount.Add(l.Amount)
			if len(l.Reports) > 0 {
				a.Reports = l.Reports
			}
			lines[k] = a
		}
	}
	byProvider := map[string]*ProviderSettlement{}
	out := &Settlement{Period: previous.Period, Tariff: correction.Tariff, Total: decimal.Zero,
		Unmatched: correction.Unmatched, Issues: correction.Issues, Files: correction.Files}
	for _, k := range order {
		l := lines[k]
		if l.Quantity.IsZero() && l.Amount.IsZero() {
			continue
		}
		p := byProvider[k.Provider]
		if p == nil {
			h := heads[k.Provider]
			p = &h
			byProvider[k.Provider] = p
		}
		p.Lines = append(p.Lines, l)
		p.Total = p.Total.Add(l.Amount)
	}
	for _, p := range correction.Providers {
		q := byProvider[p.Provider]
		if q == nil {
			q = &ProviderSettlement{Provider: p.Provider, Regime: p.Regime, Total: decimal.Zero}
			byProvider[p.Provider] = q
		}
		q.Unpaid, q.Pending = p.Unpaid, p.Pending
	}
	addProviders(out, byProvider)
	return out, nil
}

// addProviders puts the providers that have anything to show into out in
// id order, their lines sorted, and sums the total.
func addProviders(out *Settlement, byProvider map[string]*ProviderSettlement) {
	ids := make([]string, 0, len(byProvider))
	for id := range byProvider {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := byProvider[id]
		if len(p.Lines) == 0 && len(p.Unpaid) == 0 && len(p.Pending) == 0 {
			continue
		}
		slices.SortFunc(p.Lines, compareLines)
		out.Total = out.Total.Add(p.Total)
		out.Providers = append(out.Providers, *p)
	}
}

// providerHeads returns the providers of the settlements, each with its
// name and regime (the last settlement's where they differ), no lines and
// a zero total.
func providerHeads(sts ...*Settlement) map[string]ProviderSettlement {
	heads := map[string]ProviderSettlement{}
	for _, st := range sts {
		for _, p := range st.Providers {
			heads[p.Provider] = ProviderSettlement{Provider: p.Provider, Name: p.Name, Regime: p.Regime, Total: decimal.Zero}
		}
	}
	return heads
}

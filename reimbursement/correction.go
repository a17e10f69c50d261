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
	if err := CheckIssued(previous, current.periodOr()); err != nil {
		return nil, err
	}
	if current == nil || current.CorrectionOf != nil {
		return nil, errorf("Correct: the current settlement must be a settlement, not nil or a correction")
	}
	old, oldOrder := aggregate(previous)
	cur, curOrder := aggregate(current)
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
	emit := func(k LineKey, l Line) {
		p := provider(k.Provider)
		p.Lines = append(p.Lines, l)
		p.Total = p.Total.Add(l.Amount)
	}
	for _, k := range curOrder {
		n := cur[k]
		o, had := old[k]
		if !had {
			emit(k, n)
			continue
		}
		if n.Quantity.Equal(o.Quantity) && n.Amount.Equal(o.Amount) {
			continue
		}
		d := n
		d.Quantity = n.Quantity.Sub(o.Quantity)
		d.Amount = n.Amount.Sub(o.Amount)
		emit(k, d)
	}
	for _, k := range oldOrder {
		if _, ok := cur[k]; ok {
			continue
		}
		o := old[k]
		o.Quantity, o.Amount = o.Quantity.Neg(), o.Amount.Neg()
		emit(k, o)
	}
	for _, p := range current.Providers {
		q := provider(p.Provider)
		q.Unpaid, q.Pending = p.Unpaid, p.Pending
	}
	addProviders(out, byProvider)
	return out, nil
}

// aggregate sums the lines of a settlement by key, keeping the first
// line's evidence and the union of the reports.
func aggregate(st *Settlement) (map[LineKey]Line, []LineKey) {
	out := map[LineKey]Line{}
	var order []LineKey
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			k := l.Key(p.Provider)
			a, ok := out[k]
			if !ok {
				l.Reports = slices.Clone(l.Reports)
				out[k] = l
				order = append(order, k)
				continue
			}
			a.Quantity = a.Quantity.Add(l.Quantity)
			a.Amount = a.Amount.Add(l.Amount)
			a.Reports = sortIDs(append(a.Reports, l.Reports...))
			out[k] = a
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

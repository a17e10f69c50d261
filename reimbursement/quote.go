package reimbursement

import (
	"cmp"

	"github.com/exempelby/ersattning/volume"
)

// A QuoteRequest asks what one decision earns from a few records: one
// visit, a day, a month.
type QuoteRequest struct {
	// Regime of the provider; the rates and markups depend on it.
	Regime Regime
	// Decision to price. An empty Provider is filled in with "quote".
	Decision Decision
	// Period to settle; the zero Period means the month of the first
	// report or presence, else of the decision's first day.
	Period volume.Period
	// Records of the decision. Empty providers, recipients and services
	// are filled in from the decision; a record's zero Status is taken as
	// Approved, a report's zero Kind as Visit and its zero Staff as 1, as
	// an empty cell of a file is: a quote asks what a record would pay.
	Reports  []volume.Report
	Absences []volume.Absence
	Presence []volume.Presence
}

// Quote prices one decision under t and returns the provider's part of the
// settlement: the lines that explain the amount, what was not paid and
// why, and the total. It is the one-call way to check a tariff in a unit
// test: "a Tuesday evening visit of two hours for a private provider pays
// 1 380.00 kr".
func Quote(t *Tariff, q QuoteRequest, opt Options) (ProviderSettlement, error) {
	if t == nil {
		return ProviderSettlement{}, errorf("Quote: no tariff: load one with LoadTariff or ParseTariff")
	}
	d := q.Decision
	if d.ID == "" {
		d.ID = "quote"
	}
	if d.Recipient == "" {
		d.Recipient = "quote"
	}
	if d.Provider == "" {
		d.Provider = "quote"
	}
	in := Input{Providers: []Provider{{ID: d.Provider, Regime: q.Regime}}, Decisions: []Decision{d}}
	period := q.Period
	for _, r := range q.Reports {
		r.Provider = orDefault(r.Provider, d.Provider)
		r.Recipient = orDefault(r.Recipient, d.Recipient)
		r.Service = orDefault(r.Service, d.Service)
		if r.ID == "" {
			r.ID = "visit"
		}
		r.Status, r.Kind = cmp.Or(r.Status, volume.Approved), cmp.Or(r.Kind, volume.Visit)
		r.Staff = cmp.Or(r.Staff, 1)
		if period.IsZero() && !r.Start.IsZero() {
			period = volume.PeriodOf(r.Start.Date())
		}
		in.Reports = append(in.Reports, r)
	}
	for _, a := range q.Absences {
		a.Recipient = orDefault(a.Recipient, d.Recipient)
		a.Service = orDefault(a.Service, d.Service)
		a.Status = cmp.Or(a.Status, volume.Approved)
		in.Absences = append(in.Absences, a)
	}
	for _, p := range q.Presence {
		p.Provider = orDefault(p.Provider, d.Provider)
		p.Recipient = orDefault(p.Recipient, d.Recipient)
		p.Service = orDefault(p.Service, d.Service)
		p.Status = cmp.Or(p.Status, volume.Approved)
		if period.IsZero() && !p.Date.IsZero() {
			period = volume.PeriodOf(p.Date)
		}
		in.Presence = append(in.Presence, p)
	}
	if period.IsZero() && !d.From.IsZero() {
		period = volume.PeriodOf(d.From)
	}
	st, err := Settle(t, period, in, opt)
	if err != nil {
		return ProviderSettlement{}, err
	}
	if p, ok := st.Provider(d.Provider); ok {
		p.Unpaid = append(p.Unpaid, st.Unmatched...)
		return *p, nil
	}
	return ProviderSettlement{Provider: d.Provider, Regime: q.Regime, Unpaid: st.Unmatched, Total: zeroMoney}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

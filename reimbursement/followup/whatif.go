package followup

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// A Comparison is the budget impact of a tariff change: what the same
// records paid under today's tariff and would pay under the proposed one,
// per provider and service and in total, exact to the öre.
type Comparison struct {
	Periods         []volume.Period
	Today, Proposed string // the tariffs' names
	// Rows compare each provider and service (adjustments are service
	// ""), by provider and service; Providers each provider; Total the
	// municipality.
	Rows, Providers []Row
	Total           Row
}

// A Row is one provider's, service's or the municipality's amounts.
type Row struct {
	Provider, Name, Service string
	// Difference is New − Today.
	Today, New, Difference decimal.Decimal
}

// Compare compares settlements of the same records under two tariffs:
// today[i] and proposed[i] settle the same period. Their amounts are sums
// of their lines, so the comparison is exact to the öre.
func Compare(today, proposed []*reimbursement.Settlement) (*Comparison, error) {
	if len(today) != len(proposed) || len(today) == 0 {
		return nil, fmt.Errorf("followup: Compare: %d settlements under today's tariff, %d under the proposed", len(today), len(proposed))
	}
	c := &Comparison{Today: today[0].Tariff, Proposed: proposed[0].Tariff}
	rows := map[[2]string]*Row{}
	add := func(st *reimbursement.Settlement, set func(r *Row, amount decimal.Decimal)) {
		for _, p := range st.Providers {
			for _, l := range p.Lines {
				k := [2]string{p.Provider, l.Service}
				r := rows[k]
				if r == nil {
					r = &Row{Provider: p.Provider, Name: p.Name, Service: l.Service}
					rows[k] = r
				}
				set(r, l.Amount)
			}
		}
	}
	for i := range today {
		if today[i] == nil || proposed[i] == nil || today[i].Period != proposed[i].Period {
			return nil, fmt.Errorf("followup: Compare: settlement %d is not of one period under both tariffs", i)
		}
		c.Periods = append(c.Periods, today[i].Period)
		add(today[i], func(r *Row, a decimal.Decimal) { r.Today = r.Today.Add(a) })
		add(proposed[i], func(r *Row, a decimal.Decimal) { r.New = r.New.Add(a) })
	}
	c.sum(rows)
	return c, nil
}

// sum orders the rows and sums them per provider and in total.
func (c *Comparison) sum(rows map[[2]string]*Row) {
	byProvider := map[string]*Row{}
	for _, r := range rows {
		r.Difference = r.New.Sub(r.Today)
		c.Rows = append(c.Rows, *r)
		p := byProvider[r.Provider]
		if p == nil {
			p = &Row{Provider: r.Provider, Name: r.Name}
			byProvider[r.Provider] = p
		}
		p.Today, p.New = p.Today.Add(r.Today), p.New.Add(r.New)
		c.Total.Today, c.Total.New = c.Total.Today.Add(r.Today), c.Total.New.Add(r.New)
	}
	slices.SortFunc(c.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Service, b.Service))
	})
	for _, p := range byProvider {
		p.Difference = p.New.Sub(p.Today)
		c.Providers = append(c.Providers, *p)
	}
	slices.SortFunc(c.Providers, func(a, b Row) int { return cmp.Compare(a.Provider, b.Provider) })
	c.Total.Difference = c.Total.New.Sub(c.Total.Today)
}

// WhatIf settles each period of the bundle in fsys under today's tariff
// and the proposed one, and compares: twice the work of settling the
// periods, no more.
func WhatIf(fsys fs.FS, today, proposed *reimbursement.Tariff, periods []volume.Period, opt reimbursement.Options) (*Comparison, error) {
	if fsys == nil || today == nil || proposed == nil {
		return nil, errNil
	}
	in, _, err := reimbursement.ReadInputFS(fsys)
	if err != nil {
		return nil, err
	}
	var a, b []*reimbursement.Settlement
	for _, p := range periods {
		st, err := reimbursement.Settle(today, p, in, opt)
		if err != nil {
			return nil, err
		}
		alt, err := reimbursement.Settle(proposed, p, in, opt)
		if err != nil {
			return nil, fmt.Errorf("under the proposed tariff: %w", err)
		}
		a, b = append(a, st), append(b, alt)
	}
	return Compare(a, b)
}

// WriteText writes the comparison: per provider and service, today's
// amount, the new one and the difference (new − today), each provider's
// sums and the total, in Swedish (English with statement.English).
func (c *Comparison) WriteText(w io.Writer, l statement.Lang) error {
	t := whatIfLabels(l)
	periods := make([]string, len(c.Periods))
	for i, p := range c.Periods {
		periods[i] = p.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n%s: %s\n%s: %s\n%s\n", t.title, strings.Join(periods, ", "), t.today, c.Today,
		t.proposed, c.Proposed, strings.Repeat("=", 72))
	rows := [][]string{{t.provider, t.service, t.todayAmount, t.newAmount, t.difference}}
	money := func(d decimal.Decimal) string { return statement.Money(d, l) }
	for _, p := range c.Providers {
		for _, r := range c.Rows {
			if r.Provider == p.Provider {
				rows = append(rows, []string{r.Provider, cmp.Or(r.Service, t.adjustments), money(r.Today), money(r.New), money(r.Difference)})
			}
		}
		rows = append(rows, []string{strings.TrimSpace(p.Provider + " " + p.Name), t.sum, money(p.Today), money(p.New), money(p.Difference)})
	}
	rows = append(rows, []string{t.total, "", money(c.Total.Today), money(c.Total.New), money(c.Total.Difference)})
	writeTable(&b, rows)
	_, err := io.WriteString(w, strings.ReplaceAll(b.String(), "\u00a0", " "))
	return err
}

// WriteJSON writes the comparison as indented JSON, amounts as decimal
// strings with two decimals.
func (c *Comparison) WriteJSON(w io.Writer) error {
	type row struct {
		Provider   string `json:"provider"`
		Name       string `json:"name,omitempty"`
		Service    string `json:"service,omitempty"`
		Today      string `json:"today"`
		New        string `json:"new"`
		Difference string `json:"difference"`
	}
	conv := func(r Row) row {
		return row{r.Provider, r.Name, r.Service, r.Today.StringFixed(2), r.New.StringFixed(2), r.Difference.StringFixed(2)}
	}
	out := struct {
		Periods   []string `json:"periods"`
		Today     string   `json:"today_tariff"`
		Proposed  string   `json:"proposed_tariff"`
		Rows      []row    `json:"rows"`
		Providers []row    `json:"providers"`
		Total     row      `json:"total"`
	}{Today: c.Today, Proposed: c.Proposed, Total: conv(c.Total), Rows: []row{}, Providers: []row{}}
	for _, p := range c.Periods {
		out.Periods = append(out.Periods, p.String())
	}
	for _, r := range c.Rows {
		out.Rows = append(out.Rows, conv(r))
	}
	for _, r := range c.Providers {
		out.Providers = append(out.Providers, conv(r))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

type whatIfText struct {
	title, today, proposed, provider, service, todayAmount, newAmount, difference, sum, total, adjustments string
}

func whatIfLabels(l statement.Lang) whatIfText {
	if l == statement.English {
		return whatIfText{"Tariff what-if", "Today's tariff", "Proposed tariff", "Provider", "Service", "Today", "New",
			"Difference", "sum", "Total", "adjustments"}
	}
	return whatIfText{"Jämförelse av ersättningsmodeller", "Dagens modell", "Föreslagen modell", "Utförare", "Insats", "I dag",
		"Nytt", "Skillnad", "summa", "Summa", "justeringar"}
}

package bonus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

type jsonOutcome struct {
	Model     string         `json:"model"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	Kind      string         `json:"kind"`
	Providers []jsonProvider `json:"providers"`
	Total     string         `json:"total"`
}

type jsonProvider struct {
	Provider      string          `json:"provider"`
	Participating bool            `json:"participating"`
	Months        []string        `json:"months"`
	Indicators    []jsonIndicator `json:"indicators"`
	Points        int             `json:"points"`
	Level         string          `json:"level"`
	Basis         jsonBasis       `json:"basis"`
	Amount        string          `json:"amount"`
	Scaled        bool            `json:"scaled"`
}

type jsonIndicator struct {
	Code    string `json:"code"`
	Value   string `json:"value"`
	Target  string `json:"target"`
	Met     bool   `json:"met"`
	Points  int    `json:"points"`
	Missing bool   `json:"missing,omitempty"`
}

type jsonBasis struct {
	Quantity string `json:"quantity"`
	Unit     string `json:"unit"`
}

// MarshalJSON writes the outcome in the JSON of formats.md.
func (o *Outcome) MarshalJSON() ([]byte, error) {
	j := jsonOutcome{Model: o.Model, From: o.From.String(), To: o.To.String(), Kind: o.Kind.String(),
		Providers: []jsonProvider{}, Total: o.Total.StringFixed(2)}
	for _, p := range o.Providers {
		jp := jsonProvider{Provider: p.Provider, Participating: p.Participating, Months: []string{},
			Indicators: []jsonIndicator{}, Points: p.Points, Level: p.Level,
			Basis:  jsonBasis{Quantity: decimalString(p.Basis), Unit: p.BasisUnit},
			Amount: p.Amount.StringFixed(2), Scaled: p.Scaled}
		if p.BasisUnit == "SEK" {
			jp.Basis.Quantity = p.Basis.StringFixed(2)
		}
		for _, m := range p.Months {
			jp.Months = append(jp.Months, m.String())
		}
		for _, i := range p.Indicators {
			ji := jsonIndicator{Code: i.Code, Target: decimalString(i.Target), Met: i.Met, Points: i.Points, Missing: i.Missing}
			if i.Value.Valid {
				ji.Value = decimalString(i.Value.Decimal)
			}
			jp.Indicators = append(jp.Indicators, ji)
		}
		j.Providers = append(j.Providers, jp)
	}
	return json.Marshal(j)
}

// WriteJSON writes the outcome as indented JSON.
func (o *Outcome) WriteJSON(w io.Writer) error {
	b, err := o.MarshalJSON()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	json.Indent(&buf, b, "", "  ")
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteText writes the outcome as a table for people: per provider the
// indicators, points, level, basis and amount.
func (o *Outcome) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Quality bonus %s, %s to %s (%s)\n", o.Model, o.From, o.To, o.Kind)
	fmt.Fprintf(&b, "%s\n", strings.Repeat("=", 72))
	for _, p := range o.Providers {
		fmt.Fprintf(&b, "\n%s", p.Provider)
		if !p.Participating {
			fmt.Fprintf(&b, ": did not take part — 0.00\n")
			continue
		}
		fmt.Fprintf(&b, ": %d months (%s to %s)\n", len(p.Months), p.Months[0], p.Months[len(p.Months)-1])
		for _, i := range p.Indicators {
			value, verdict := "missing", "not met (no result)"
			if i.Value.Valid {
				value = decimalString(i.Value.Decimal)
				verdict = "not met"
				if i.Met {
					verdict = fmt.Sprintf("met, %d %s", i.Points, plural(i.Points, "point", "points"))
				}
			}
			fmt.Fprintf(&b, "  %-12s %10s  target %-8s %s\n", i.Code, value, i.Target, verdict)
		}
		level := p.Level
		if level == "" {
			level = "none"
		}
		basis := decimalString(p.Basis)
		if p.BasisUnit == "SEK" {
			basis = p.Basis.StringFixed(2)
		}
		fmt.Fprintf(&b, "  points %d, level %s, basis %s %s\n", p.Points, level, basis, p.BasisUnit)
		scaled := ""
		if p.Scaled {
			scaled = " (cut to the budget)"
		}
		fmt.Fprintf(&b, "  bonus %s SEK%s\n", p.Amount.StringFixed(2), scaled)
	}
	fmt.Fprintf(&b, "\nTotal %s SEK\n", o.Total.StringFixed(2))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// decimalString is what decimal.Decimal.String gives with that package's
// defaults (no exponent, no trailing zeros after the point), whatever its
// package variables are set to.
func decimalString(d decimal.Decimal) string {
	s := d.StringFixed(max(0, -d.Exponent()))
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

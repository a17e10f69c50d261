package invoicecheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/statement"
)

// The JSON of a report.
type jsonReport struct {
	Period     string         `json:"period"`
	Providers  []jsonProvider `json:"providers"`
	Settled    string         `json:"settled"`
	Invoiced   string         `json:"invoiced"`
	Difference string         `json:"difference"`
	Verdicts   map[string]int `json:"verdicts"`
}

type jsonProvider struct {
	Provider   string        `json:"provider"`
	Name       string        `json:"name"`
	Verdict    Verdict       `json:"verdict"`
	Settled    string        `json:"settled"`
	Invoiced   string        `json:"invoiced"`
	Difference string        `json:"difference"`
	Services   []jsonService `json:"services,omitempty"`
	Invoices   []jsonInvoice `json:"invoices"`
	Notes      []string      `json:"notes,omitempty"`
}

type jsonService struct {
	Service    string `json:"service"`
	Settled    string `json:"settled"`
	Invoiced   string `json:"invoiced"`
	Difference string `json:"difference"`
}

type jsonInvoice struct {
	File   string `json:"file"`
	ID     string `json:"id,omitempty"`
	Credit bool   `json:"credit,omitempty"`
	Amount string `json:"amount,omitempty"`
}

// WriteJSON writes the report as indented JSON: the verdicts as their
// codes, amounts as decimal strings with two decimals.
func (r *Report) WriteJSON(w io.Writer) error {
	j := jsonReport{Period: r.Period.String(), Settled: money(r.Settled), Invoiced: money(r.Invoiced),
		Difference: money(r.Difference), Verdicts: map[string]int{}, Providers: []jsonProvider{}}
	for _, p := range r.Providers {
		jp := jsonProvider{Provider: p.Provider, Name: p.Name, Verdict: p.Verdict, Settled: money(p.Settled),
			Invoiced: money(p.Invoiced), Difference: money(p.Difference), Notes: p.Notes, Invoices: []jsonInvoice{}}
		for _, s := range p.Services {
			jp.Services = append(jp.Services, jsonService{s.Service, money(s.Settled), money(s.Invoiced), money(s.Difference)})
		}
		for _, i := range p.Invoices {
			ji := jsonInvoice{File: i.File, ID: i.ID, Credit: i.Credit}
			if i.ID != "" {
				ji.Amount = money(i.Amount)
			}
			jp.Invoices = append(jp.Invoices, ji)
		}
		j.Providers = append(j.Providers, jp)
		j.Verdicts[string(p.Verdict)]++
	}
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes the report for the controller, in Swedish: per
// provider what was settled, what was invoiced and the difference
// (invoiced − settled), the verdict in words beside its code, per service
// when the invoices name them, and the notes.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Fakturakontroll %s\n%s\n", r.Period, strings.Repeat("=", 72))
	for _, p := range r.Providers {
		who := strings.TrimSpace(p.Provider + " " + p.Name)
		if who == "" {
			who = "(okänd avsändare)"
		}
		fmt.Fprintf(bw, "\n%s: %s (%s)\n", who, p.Verdict.Text(), p.Verdict)
		if p.Verdict != Unreadable && p.Verdict != OtherPeriod {
			fmt.Fprintf(bw, "  underlag %s kr, fakturerat %s kr, skillnad %s kr\n", kr(p.Settled), kr(p.Invoiced), kr(p.Difference))
		}
		for _, s := range p.Services {
			svc := s.Service
			if svc == "" {
				svc = "(annat)"
			}
			fmt.Fprintf(bw, "    %-8s underlag %s kr, fakturerat %s kr, skillnad %s kr\n", svc, kr(s.Settled), kr(s.Invoiced), kr(s.Difference))
		}
		for _, i := range p.Invoices {
			if i.ID == "" {
				fmt.Fprintf(bw, "  fil %s\n", i.File)
				continue
			}
			kind := "faktura"
			if i.Credit {
				kind = "kreditfaktura"
			}
			fmt.Fprintf(bw, "  %s %s (%s): %s kr\n", kind, i.ID, i.File, kr(i.Amount))
		}
		for _, n := range p.Notes {
			fmt.Fprintf(bw, "  ! %s\n", n)
		}
	}
	fmt.Fprintf(bw, "\nSumma: underlag %s kr, fakturerat %s kr, skillnad %s kr\n", kr(r.Settled), kr(r.Invoiced), kr(r.Difference))
	return bw.Flush()
}

func money(d decimal.Decimal) string { return d.StringFixed(2) }

// kr returns an amount in Swedish form: "1 234,56".
func kr(d decimal.Decimal) string { return statement.Money(d, statement.Swedish) }

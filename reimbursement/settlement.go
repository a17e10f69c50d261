package reimbursement

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/volume"
)

// A Settlement (ersättningsunderlag) is what a period pays each provider,
// with what was not paid and why. Amounts are exact: every line's amount is
// rounded once, and totals are sums of lines.
type Settlement struct {
	Period       volume.Period
	Tariff       string // the tariff's name
	CorrectionOf *CorrectionOf
	Providers    []ProviderSettlement // by provider id
	Unmatched    []Unpaid             // records tied to no provider, by id
	Issues       []Issue
	Files        []FileCount // the input's reconciliation, by file name
	Total        decimal.Decimal
}

// CorrectionOf names the settlement a correction corrects (rules §10).
type CorrectionOf struct {
	Period volume.Period
	Total  decimal.Decimal
}

// A ProviderSettlement is one provider's part of a settlement.
type ProviderSettlement struct {
	Provider string
	Name     string // the provider's name, as providers.csv gives it
	Regime   Regime
	Lines    []Line
	Unpaid   []Unpaid // by id, then reason
	Pending  []string // ids of records awaiting approval, sorted
	Total    decimal.Decimal
}

// A Line is one decision's quantity of one service, component, band, rate
// row and factor in the period, with what it pays and the evidence:
//
//	Amount = round(Quantity × Price × Factor / Divisor)
//
// rounded half away from zero to whole öre. Reports lists the ids of the
// records that fed the line (visits, absences, presence, adjustments).
type Line struct {
	Recipient string
	Decision  string
	Service   string
	Component string // base, declined, absence, a day component, markup:<code>, adjustment
	Band      string // empty on day, month, markup and adjustment lines
	Unit      Unit   // Minute, Day, Visit, Month or SEK
	Quantity  decimal.Decimal
	Price     decimal.Decimal
	Factor    decimal.Decimal
	Divisor   decimal.Decimal
	Amount    decimal.Decimal
	RateFrom  volume.Date // validity of the rate row; zero on markup and adjustment lines
	RateTo    volume.Date // zero when open
	Reports   []string
}

// An Unpaid entry says what of a record was not paid and why. Quantity is
// what was not paid, in Unit; Unit is NoUnit when no quantity can be known.
type Unpaid struct {
	ID       string
	Quantity int64
	Unit     Unit
	Reason   Reason
	Decision string // the decision the record was tied to, if any
	Detail   string // for the reader: what exactly was wrong
}

// An Issue is a problem with the data or the tariff that the run went past.
// IDs names the records or decisions concerned: a tariff-gap issue at most
// MaxIssueIDs of its records, the first by id, its message saying when
// there are more.
type Issue struct {
	Kind    string
	IDs     []string
	Message string
}

// Provider returns the settlement of provider id.
func (s *Settlement) Provider(id string) (*ProviderSettlement, bool) {
	if s == nil {
		return nil, false
	}
	for i := range s.Providers {
		if s.Providers[i].Provider == id {
			return &s.Providers[i], true
		}
	}
	return nil, false
}

// JSON form (formats.md).

type jsonSettlement struct {
	Period       string            `json:"period"`
	Tariff       string            `json:"tariff"`
	CorrectionOf *jsonCorrectionOf `json:"correction_of"`
	Providers    []jsonProvider    `json:"providers"`
	Unmatched    []jsonUnpaid      `json:"unmatched"`
	Issues       []jsonIssue       `json:"issues"`
	Files        []jsonFile        `json:"files"`
	Total        string            `json:"total"`
}

type jsonFile struct {
	File      string `json:"file"`
	Rows      int    `json:"rows"`
	Accounted int    `json:"accounted"`
	Encoding  string `json:"encoding,omitempty"`
}

type jsonCorrectionOf struct {
	Period string `json:"period"`
	Total  string `json:"total"`
}

type jsonProvider struct {
	Provider string       `json:"provider"`
	Name     string       `json:"name"`
	Regime   string       `json:"regime"`
	Lines    []jsonLine   `json:"lines"`
	Unpaid   []jsonUnpaid `json:"unpaid"`
	Pending  []string     `json:"pending"`
	Total    string       `json:"total"`
}

type jsonLine struct {
	Recipient string   `json:"recipient"`
	Decision  string   `json:"decision"`
	Service   string   `json:"service"`
	Component string   `json:"component"`
	Band      string   `json:"band"`
	Unit      string   `json:"unit"`
	Quantity  string   `json:"quantity"`
	Price     string   `json:"price"`
	Factor    string   `json:"factor"`
	Divisor   string   `json:"divisor"`
	Amount    string   `json:"amount"`
	RateFrom  string   `json:"rate_from,omitempty"`
	RateTo    string   `json:"rate_to,omitempty"`
	Reports   []string `json:"reports"`
}

type jsonUnpaid struct {
	ID       string `json:"id"`
	Quantity string `json:"quantity,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Reason   string `json:"reason"`
	Decision string `json:"decision,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

type jsonIssue struct {
	Kind    string   `json:"kind"`
	IDs     []string `json:"ids"`
	Message string   `json:"message,omitempty"`
}

// money formats an amount with two decimals.
func money(d decimal.Decimal) string { return string(ore.AppendDecimal(nil, d, 2)) }

// decimalString is what decimal.Decimal.String gives with that package's
// defaults (no exponent, no trailing zeros after the point), whatever its
// package variables are set to.
func decimalString(d decimal.Decimal) string { return string(ore.AppendDecimal(nil, d, -1)) }

// price formats a price with at least two decimals.
func priceString(d decimal.Decimal) string {
	return string(ore.AppendDecimal(nil, d, max(2, -int(d.Exponent()))))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (u Unpaid) json() jsonUnpaid {
	j := jsonUnpaid{ID: u.ID, Reason: string(u.Reason), Decision: u.Decision, Detail: u.Detail}
	if u.Unit != NoUnit {
		j.Quantity, j.Unit = fmt.Sprint(u.Quantity), u.Unit.String()
	}
	return j
}

func (l Line) json() jsonLine {
	j := jsonLine{
		Recipient: l.Recipient, Decision: l.Decision, Service: l.Service, Component: l.Component,
		Band: l.Band, Unit: l.Unit.String(), Quantity: decimalString(l.Quantity), Price: priceString(l.Price),
		Factor: decimalString(l.Factor), Divisor: decimalString(l.Divisor), Amount: money(l.Amount),
		RateFrom: l.RateFrom.String(), RateTo: l.RateTo.String(), Reports: nonNil(l.Reports),
	}
	if l.Unit == SEK {
		j.Quantity = money(l.Quantity)
	}
	return j
}

// MarshalJSON writes the settlement in the JSON of formats.md.
func (s *Settlement) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	j := jsonSettlement{Period: s.Period.String(), Tariff: s.Tariff, Total: money(s.Total),
		Providers: []jsonProvider{}, Unmatched: []jsonUnpaid{}, Issues: []jsonIssue{}}
	if s.CorrectionOf != nil {
		j.CorrectionOf = &jsonCorrectionOf{Period: s.CorrectionOf.Period.String(), Total: money(s.CorrectionOf.Total)}
	}
	for _, p := range s.Providers {
		jp := jsonProvider{Provider: p.Provider, Name: p.Name, Regime: p.Regime.String(), Total: money(p.Total),
			Lines: []jsonLine{}, Unpaid: []jsonUnpaid{}, Pending: nonNil(p.Pending)}
		for _, l := range p.Lines {
			jp.Lines = append(jp.Lines, l.json())
		}
		for _, u := range p.Unpaid {
			jp.Unpaid = append(jp.Unpaid, u.json())
		}
		j.Providers = append(j.Providers, jp)
	}
	for _, u := range s.Unmatched {
		j.Unmatched = append(j.Unmatched, u.json())
	}
	for _, i := range s.Issues {
		j.Issues = append(j.Issues, jsonIssue{Kind: i.Kind, IDs: nonNil(i.IDs), Message: i.Message})
	}
	j.Files = []jsonFile{}
	for _, f := range s.Files {
		j.Files = append(j.Files, jsonFile(f))
	}
	return json.Marshal(j)
}

// CSVColumns are the columns of the CSV form of a settlement's lines.
var CSVColumns = []string{"provider", "regime", "recipient", "decision", "service", "component", "band",
	"unit", "quantity", "price", "factor", "divisor", "amount", "rate_from", "rate_to", "reports"}

// CSVColumnsSwedish are the columns of the Swedish CSV form, in the order
// of CSVColumns.
var CSVColumnsSwedish = []string{"utförare", "driftform", "brukare", "beslut", "insats", "komponent", "tidsband",
	"enhet", "antal", "pris", "faktor", "delare", "belopp", "pris_från", "pris_till", "underlag"}

// newLinesCSV returns a writer of a settlement's lines as CSV: "," and
// line feeds, or for Swedish Excel ";" and CR LF.
func newLinesCSV(w io.Writer, swedish bool) *csv.Writer {
	cw := csv.NewWriter(w)
	if swedish {
		cw.Comma, cw.UseCRLF = ';', true
	}
	return cw
}

// writeCSVHeader writes the header row of the lines: in the Swedish form
// after a byte order mark, by which Swedish Excel reads the file as UTF-8
// (kväll, not kvÃ¤ll), with Swedish names.
func writeCSVHeader(w io.Writer, swedish bool) error {
	if !swedish {
		cw := newLinesCSV(w, false)
		cw.Write(CSVColumns)
		cw.Flush()
		return cw.Error()
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := newLinesCSV(w, true)
	cw.Write(CSVColumnsSwedish)
	cw.Flush()
	return cw.Error()
}

// WriteCSV writes one row per line, provider first (formats.md). With
// swedish set it writes what Swedish Excel reads: a byte order mark,
// Swedish column names, ";", decimal commas and CR LF.
func (s *Settlement) WriteCSV(w io.Writer, swedish bool) error {
	if s == nil {
		return errorf("WriteCSV of a nil *Settlement")
	}
	if err := writeCSVHeader(w, swedish); err != nil {
		return err
	}
	cw := newLinesCSV(w, swedish)
	for _, p := range s.Providers {
		for _, l := range p.Lines {
			if err := cw.Write(csvRow(p.Provider, p.Regime, l, swedish)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvRow is line l of provider as a row of CSVColumns.
func csvRow(provider string, regime Regime, l Line, swedish bool) []string {
	num := func(v string) string { return v }
	if swedish {
		num = func(v string) string { return strings.Replace(v, ".", ",", 1) }
	}
	j := l.json()
	return []string{provider, regime.String(), j.Recipient, j.Decision, j.Service, j.Component, j.Band,
		j.Unit, num(j.Quantity), num(j.Price), num(j.Factor), num(j.Divisor), num(j.Amount),
		j.RateFrom, j.RateTo, strings.Join(j.Reports, " ")}
}

// ParseSettlement reads a settlement from its JSON (formats.md), such as a
// previously issued one. Missing optional fields take their defaults
// (factor and divisor 1); every number must be a decimal string.
func ParseSettlement(data []byte) (*Settlement, error) {
	var providers []ProviderSettlement
	st, err := ScanSettlement(bytes.NewReader(data), func(p *ProviderSettlement) error {
		providers = append(providers, *p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.Providers = providers
	return st, nil
}

// ScanSettlement reads a settlement from its JSON as ParseSettlement
// does, but one provider at a time: each provider's settlement is given to
// provider as it is read (and not kept), so that a document of a national
// month is made with memory for one provider. It returns the rest of the
// settlement: its providers with their names, regimes and totals but no
// lines, unpaid entries or pending ids, and its unmatched entries, issues,
// files and total. An error of provider stops the scan and is returned.
func ScanSettlement(r io.Reader, provider func(*ProviderSettlement) error) (*Settlement, error) {
	d := json.NewDecoder(r)
	var j jsonSettlement
	w := &walker{}
	var heads []ProviderSettlement
	err := scanObject(d, func(key string) error {
		if key != "providers" {
			return d.Decode(j.field(key))
		}
		return scanArray(d, func(i int) error {
			var jp jsonProvider
			if err := d.Decode(&jp); err != nil {
				return err
			}
			p := convertProvider(w, index("providers", i), jp)
			if len(w.problems) > 0 {
				return &DocumentError{File: "settlement JSON", Problems: w.finish()}
			}
			heads = append(heads, ProviderSettlement{Provider: p.Provider, Name: p.Name, Regime: p.Regime, Total: p.Total})
			return provider(&p)
		})
	})
	if err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			return nil, err
		}
		return nil, errorf("settlement JSON: %w", err)
	}
	st := convertHead(w, j)
	st.Providers = heads
	if len(w.problems) > 0 {
		return nil, &DocumentError{File: "settlement JSON", Problems: w.finish()}
	}
	return st, nil
}

// field returns where the value of key goes; a key the format does not
// have is read and dropped.
func (j *jsonSettlement) field(key string) any {
	switch key {
	case "period":
		return &j.Period
	case "tariff":
		return &j.Tariff
	case "correction_of":
		return &j.CorrectionOf
	case "unmatched":
		return &j.Unmatched
	case "issues":
		return &j.Issues
	case "files":
		return &j.Files
	case "total":
		return &j.Total
	}
	return new(json.RawMessage)
}

// scanObject reads a JSON object from d, calling value for each key with
// d before the key's value, which value must read.
func scanObject(d *json.Decoder, value func(key string) error) error {
	if err := expectDelim(d, '{'); err != nil {
		return err
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("a key is %v", t)
		}
		if err := value(key); err != nil {
			return err
		}
	}
	return expectDelim(d, '}')
}

// scanArray reads a JSON array (or null) from d, calling item for each
// element with d before it, which item must read.
func scanArray(d *json.Decoder, item func(i int) error) error {
	t, err := d.Token()
	if err != nil || t == nil {
		return err
	}
	if t != json.Delim('[') {
		return fmt.Errorf("want [, have %v", t)
	}
	for i := 0; d.More(); i++ {
		if err := item(i); err != nil {
			return err
		}
	}
	return expectDelim(d, ']')
}

func expectDelim(d *json.Decoder, want json.Delim) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t != want {
		return fmt.Errorf("want %v, have %v", want, t)
	}
	return nil
}

// settlementDecoder turns a settlement's JSON values into Go values,
// noting problems in w.
type settlementDecoder struct{ w *walker }

func (c settlementDecoder) dec(path, s, def string) decimal.Decimal {
	if s == "" {
		s = def
	}
	d, err := parseDecimal(s)
	if err != nil {
		c.w.fail(path, "%s is not a decimal", volume.Quote(s))
	}
	return d
}

func (c settlementDecoder) unit(path, s string) Unit {
	for i, n := range unitNames {
		if n == s {
			return Unit(i)
		}
	}
	c.w.fail(path, "%s is not a unit", volume.Quote(s))
	return NoUnit
}

func (c settlementDecoder) date(path, s string) volume.Date {
	if s == "" {
		return volume.Date{}
	}
	d, err := volume.ParseDate(s)
	if err != nil {
		c.w.fail(path, "%s is not a date", volume.Quote(s))
	}
	return d
}

func (c settlementDecoder) unpaid(path string, u jsonUnpaid) Unpaid {
	out := Unpaid{ID: u.ID, Reason: Reason(u.Reason), Decision: u.Decision, Detail: u.Detail}
	if u.Quantity != "" {
		q := c.dec(join(path, "quantity"), u.Quantity, "")
		out.Quantity = q.IntPart()
		out.Unit = c.unit(join(path, "unit"), u.Unit)
	}
	return out
}

// convertProvider turns one provider's JSON into its settlement.
func convertProvider(w *walker, path string, jp jsonProvider) ProviderSettlement {
	c := settlementDecoder{w}
	p := ProviderSettlement{Provider: jp.Provider, Name: jp.Name, Total: c.dec(join(path, "total"), jp.Total, "0"), Pending: jp.Pending}
	if jp.Regime != "" {
		var err error
		if p.Regime, err = ParseRegime(jp.Regime); err != nil {
			w.fail(join(path, "regime"), "%s is not municipal or private", volume.Quote(jp.Regime))
		}
	}
	for k, jl := range jp.Lines {
		lp := index(join(path, "lines"), k)
		p.Lines = append(p.Lines, Line{
			Recipient: jl.Recipient, Decision: jl.Decision, Service: jl.Service, Component: jl.Component,
			Band: jl.Band, Unit: c.unit(join(lp, "unit"), jl.Unit),
			Quantity: c.dec(join(lp, "quantity"), jl.Quantity, ""), Price: c.dec(join(lp, "price"), jl.Price, ""),
			Factor: c.dec(join(lp, "factor"), jl.Factor, "1"), Divisor: c.dec(join(lp, "divisor"), jl.Divisor, "1"),
			Amount:   c.dec(join(lp, "amount"), jl.Amount, ""),
			RateFrom: c.date(join(lp, "rate_from"), jl.RateFrom), RateTo: c.date(join(lp, "rate_to"), jl.RateTo),
			Reports: jl.Reports,
		})
	}
	for k, ju := range jp.Unpaid {
		p.Unpaid = append(p.Unpaid, c.unpaid(index(join(path, "unpaid"), k), ju))
	}
	return p
}

// convertHead turns the JSON of a settlement, its providers apart, into
// the settlement.
func convertHead(w *walker, j jsonSettlement) *Settlement {
	c := settlementDecoder{w}
	st := &Settlement{Tariff: j.Tariff, Total: c.dec("total", j.Total, "0")}
	if p, err := volume.ParsePeriod(j.Period); err == nil {
		st.Period = p
	} else {
		w.fail("period", "%s is not a period YYYY-MM", volume.Quote(j.Period))
	}
	if j.CorrectionOf != nil {
		co := &CorrectionOf{Total: c.dec("correction_of.total", j.CorrectionOf.Total, "0")}
		co.Period, _ = volume.ParsePeriod(j.CorrectionOf.Period)
		st.CorrectionOf = co
	}
	for k, ju := range j.Unmatched {
		st.Unmatched = append(st.Unmatched, c.unpaid(index("unmatched", k), ju))
	}
	for _, ji := range j.Issues {
		st.Issues = append(st.Issues, Issue{Kind: ji.Kind, IDs: ji.IDs, Message: ji.Message})
	}
	for _, jf := range j.Files {
		st.Files = append(st.Files, FileCount(jf))
	}
	return st
}

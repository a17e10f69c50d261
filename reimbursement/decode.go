package reimbursement

import (
	"errors"
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// The columns of the files read here (formats.md), required and optional.
var (
	providerColumns   = []string{"id", "name", "regime", "orgnr"}
	adjustmentColumns = []string{"id", "provider", "period", "amount", "reason", "recipient", "service"}
	// freeText are the columns whose quoted values may hold line breaks.
	freeText = []string{"name", "reason"}
)

// newReader returns a CSVReader of a file with the given columns.
func newReader(r io.Reader, file string, columns []string) *volume.CSVReader {
	c := volume.NewCSVReader(r, file)
	c.Columns, c.FreeText = columns, freeText
	return c
}

// nextRow reads the next row of c: io.EOF at the end; a *ParseError
// (kept as the row's problem) for a malformed row; any other error stops
// the file.
func nextRow(c *volume.CSVReader) (problem error, err error) {
	err = c.Next()
	var pe *volume.ParseError
	if err == nil || errors.As(err, &pe) {
		return err, nil
	}
	return nil, err
}

// ReadProviders reads providers.csv (id,name,regime): every row, a row
// that cannot be read with Invalid set to its problems (the settlement
// lists it as an invalid-provider issue). The error is for a file that
// cannot be read at all.
func ReadProviders(r io.Reader, file string) ([]Provider, error) {
	pr := NewProviderReader(r, file)
	var out []Provider
	for {
		p, err := pr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
}

// A ProviderReader decodes providers.csv (formats.md).
type ProviderReader struct {
	c      *volume.CSVReader
	header bool
}

// NewProviderReader returns a reader of the providers in r.
func NewProviderReader(r io.Reader, file string) *ProviderReader {
	return &ProviderReader{c: newReader(r, file, providerColumns)}
}

// CSV returns the underlying CSVReader.
func (r *ProviderReader) CSV() *volume.CSVReader { return r.c }

// Read returns the next provider, or io.EOF. A row that cannot be read is
// returned with Invalid set to all its problems.
func (r *ProviderReader) Read() (Provider, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "regime"); err != nil {
			return Provider{}, err
		}
		r.header = true
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Provider{}, err
	}
	row := r.c.Row(problem)
	p := Provider{ID: row.Required("id"), Name: r.c.Field("name"), OrgNr: r.c.Field("orgnr"),
		Source: volume.Source{File: r.c.File, Line: r.c.Line()}}
	if reg := row.Required("regime"); reg != "" {
		var perr error
		if p.Regime, perr = ParseRegime(reg); perr != nil {
			row.Fail("regime", volume.ErrValue, "%s is not municipal or private", volume.Quote(reg))
		}
	}
	p.Invalid = row.Err()
	return p, nil
}

// A DecisionReader decodes decisions.csv (formats.md).
type DecisionReader struct {
	c      *volume.CSVReader
	header bool
}

// decisionColumns are the columns of decisions.csv.
var decisionColumns = [...]string{"id", "recipient", "provider", "service", "from", "to", "level", "extent", "area",
	"staff", "end_reason", "granted_hours", "granted_per"}

// CSV returns the underlying CSVReader.
func (r *DecisionReader) CSV() *volume.CSVReader { return r.c }

// NewDecisionReader returns a reader of the decisions in r.
func NewDecisionReader(r io.Reader, file string) *DecisionReader {
	return &DecisionReader{c: newReader(r, file, decisionColumns[:])}
}

// Read returns the next decision, or io.EOF. A row that cannot be read is
// returned with Invalid set to all its problems.
func (r *DecisionReader) Read() (Decision, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "recipient", "provider", "service", "from"); err != nil {
			return Decision{}, err
		}
		r.header = true
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Decision{}, err
	}
	row := r.c.Row(problem)
	d := Decision{
		ID:        row.Required("id"),
		Recipient: row.Required("recipient"),
		Provider:  r.c.Field("provider"),
		Service:   row.Required("service"),
		From:      row.Date("from", true),
		To:        row.Date("to", false),
		Level:     r.c.Field("level"),
		Extent:    r.c.Field("extent"),
		Area:      r.c.Field("area"),
		Staff:     row.Count("staff", 1),
		EndReason: r.c.Field("end_reason"),
		Source:    volume.Source{File: r.c.File, Line: r.c.Line()},
	}
	if !d.To.IsZero() && d.To.Before(d.From) {
		row.Fail("to", volume.ErrValue, "%s is before from %s", d.To, d.From)
	}
	if s := r.c.Decimal("granted_hours"); s != "" {
		h, perr := parseDecimal(s)
		if perr != nil || h.Sign() < 0 || h.GreaterThan(maxGrantedHours) {
			row.Fail("granted_hours", volume.ErrValue, "%s is not a number of hours from 0 to %s", volume.Quote(s), maxGrantedHours)
		}
		d.GrantedHours = h
		per, perr := ParsePer(r.c.Field("granted_per"))
		if perr != nil || per == NotGranted {
			row.Fail("granted_per", volume.ErrValue, "%s is not day, week or month", volume.Quote(r.c.Field("granted_per")))
		}
		d.GrantedPer = per
	}
	switch d.EndReason {
	case "", EndDeceased, EndMoved, EndOther:
	default:
		row.Fail("end_reason", volume.ErrValue, "%s is not deceased, moved or other", volume.Quote(d.EndReason))
	}
	d.Invalid = row.Err()
	return d, nil
}

// ReadDecisions reads all of decisions.csv. Rows that cannot be read are
// returned with Invalid set; the error is only for a file that cannot be
// read at all.
func ReadDecisions(r io.Reader, file string) ([]Decision, error) {
	return readDecisions(r, file, 0)
}

// readDecisions is ReadDecisions with room for about n decisions made
// first, so that a big file's decisions are not copied as they come.
func readDecisions(r io.Reader, file string, n int) ([]Decision, error) {
	dr := NewDecisionReader(r, file)
	out := make([]Decision, 0, n)
	for {
		d, err := dr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
}

// An AdjustmentReader decodes adjustments.csv (formats.md).
type AdjustmentReader struct {
	c      *volume.CSVReader
	header bool
}

// NewAdjustmentReader returns a reader of the adjustments in r.
func NewAdjustmentReader(r io.Reader, file string) *AdjustmentReader {
	return &AdjustmentReader{c: newReader(r, file, adjustmentColumns)}
}

// CSV returns the underlying CSVReader.
func (r *AdjustmentReader) CSV() *volume.CSVReader { return r.c }

// Read returns the next adjustment, or io.EOF. A row that cannot be read
// is returned with Invalid set to all its problems.
func (r *AdjustmentReader) Read() (Adjustment, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "provider", "period", "amount"); err != nil {
			return Adjustment{}, err
		}
		r.header = true
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Adjustment{}, err
	}
	row := r.c.Row(problem)
	a := Adjustment{
		ID:        row.Required("id"),
		Provider:  row.Required("provider"),
		Reason:    r.c.Field("reason"),
		Recipient: r.c.Field("recipient"),
		Service:   r.c.Field("service"),
		Source:    volume.Source{File: r.c.File, Line: r.c.Line()},
	}
	if s := row.Required("period"); s != "" {
		p, perr := volume.ParsePeriod(s)
		if perr != nil {
			row.Fail("period", volume.ErrValue, "%s is not a period YYYY-MM", volume.Quote(s))
		}
		a.Period = p
	}
	if s := r.c.Decimal("amount"); s != "" {
		amt, perr := parseDecimal(s)
		if perr != nil {
			row.Fail("amount", volume.ErrValue, "%s is not an amount", volume.Quote(s))
		} else if amt.Abs().GreaterThan(maxAdjustment) {
			row.Fail("amount", volume.ErrValue, "%s is more than %s kr either way", volume.Quote(s), maxAdjustment)
		} else if amt.Exponent() < -2 {
			row.Fail("amount", volume.ErrValue, "%s has more than two decimals", volume.Quote(s))
		}
		a.Amount = amt
	} else {
		row.Required("amount")
	}
	a.Invalid = row.Err()
	return a, nil
}

// maxGrantedHours bounds granted hours, and maxStaff the staff of a
// decision or visit, so that no count of minutes can overflow.
var maxGrantedHours = decimal.NewFromInt(100000)

// maxAdjustment bounds an adjustment's amount: a thousand million kronor
// either way is far beyond any provider's month, and keeps sums exact in
// whole öre.
var maxAdjustment = decimal.NewFromInt(1_000_000_000)

const maxStaff = 1000

func errorf(format string, args ...any) error {
	return fmt.Errorf("reimbursement: "+format, args...)
}

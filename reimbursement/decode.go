package reimbursement

import (
	"fmt"
	"io"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// ReadProviders reads providers.csv (id,name,regime). Every bad row is
// reported in the error, which is then a join of *volume.ParseError; the
// good rows are returned all the same.
func ReadProviders(r io.Reader, file string) ([]Provider, error) {
	return volume.ReadRows(r, file, []string{"id", "regime"}, func(c *volume.CSVReader, row *volume.Row) Provider {
		p := Provider{ID: row.Required("id"), Name: c.Field("name")}
		if reg := row.Required("regime"); reg != "" {
			var perr error
			if p.Regime, perr = ParseRegime(reg); perr != nil {
				row.Fail("regime", volume.ErrValue, "%q is not municipal or private", reg)
			}
		}
		return p
	})
}

// A DecisionReader decodes decisions.csv (formats.md).
type DecisionReader struct {
	c      *volume.CSVReader
	header bool
	col    [len(decisionColumns)]int // of decisionColumns, -1 when missing
}

// decisionColumns are the columns of decisions.csv, in the order of
// DecisionReader.col.
var decisionColumns = [...]string{"id", "recipient", "provider", "service", "from", "to", "level", "extent", "area",
	"staff", "end_reason", "granted_hours", "granted_per"}

// NewDecisionReader returns a reader of the decisions in r.
func NewDecisionReader(r io.Reader, file string) *DecisionReader {
	return &DecisionReader{c: volume.NewCSVReader(r, file)}
}

// Read returns the next decision, or io.EOF. A row that cannot be read is
// returned with Invalid set to all its problems.
func (r *DecisionReader) Read() (Decision, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "recipient", "provider", "service", "from"); err != nil {
			return Decision{}, err
		}
		r.header = true
		for k, name := range decisionColumns {
			r.col[k] = r.c.Index(name)
		}
	}
	err := r.c.Next()
	if err == io.EOF {
		return Decision{}, io.EOF
	}
	row := r.c.Row(err)
	c := &r.col
	d := Decision{
		ID:        row.RequiredAt(c[0], "id"),
		Recipient: row.RequiredAt(c[1], "recipient"),
		Provider:  r.c.At(c[2]),
		Service:   row.RequiredAt(c[3], "service"),
		From:      row.DateAt(c[4], "from", true),
		To:        row.DateAt(c[5], "to", false),
		Level:     r.c.At(c[6]),
		Extent:    r.c.At(c[7]),
		Area:      r.c.At(c[8]),
		Staff:     row.CountAt(c[9], "staff", 1),
		EndReason: r.c.At(c[10]),
	}
	if !d.To.IsZero() && d.To.Before(d.From) {
		row.Fail("to", volume.ErrValue, "%s is before from %s", d.To, d.From)
	}
	if s := r.c.DecimalAt(c[11]); s != "" {
		h, perr := parseDecimal(s)
		if perr != nil || h.Sign() < 0 || h.GreaterThan(maxGrantedHours) {
			row.Fail("granted_hours", volume.ErrValue, "%q is not a number of hours from 0 to %s", s, maxGrantedHours)
		}
		d.GrantedHours = h
		per, perr := ParsePer(r.c.At(c[12]))
		if perr != nil || per == NotGranted {
			row.Fail("granted_per", volume.ErrValue, "%q is not day, week or month", r.c.At(c[12]))
		}
		d.GrantedPer = per
	}
	switch d.EndReason {
	case "", EndDeceased, EndMoved, EndOther:
	default:
		row.Fail("end_reason", volume.ErrValue, "%q is not deceased, moved or other", d.EndReason)
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
	return &AdjustmentReader{c: volume.NewCSVReader(r, file)}
}

// Read returns the next adjustment, or io.EOF.
func (r *AdjustmentReader) Read() (Adjustment, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "provider", "period", "amount"); err != nil {
			return Adjustment{}, err
		}
		r.header = true
	}
	err := r.c.Next()
	if err == io.EOF {
		return Adjustment{}, io.EOF
	}
	row := r.c.Row(err)
	a := Adjustment{
		ID:        row.Required("id"),
		Provider:  row.Required("provider"),
		Reason:    r.c.Field("reason"),
		Recipient: r.c.Field("recipient"),
		Service:   r.c.Field("service"),
	}
	if s := row.Required("period"); s != "" {
		p, perr := volume.ParsePeriod(s)
		if perr != nil {
			row.Fail("period", volume.ErrValue, "%q is not a period YYYY-MM", s)
		}
		a.Period = p
	}
	if s := r.c.Decimal("amount"); s != "" {
		amt, perr := parseDecimal(s)
		if perr != nil {
			row.Fail("amount", volume.ErrValue, "%q is not an amount", s)
		} else if amt.Exponent() < -2 {
			row.Fail("amount", volume.ErrValue, "%q has more than two decimals", s)
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

const maxStaff = 1000

func errorf(format string, args ...any) error {
	return fmt.Errorf("reimbursement: "+format, args...)
}

package volume

import (
	"errors"
	"fmt"
	"io"
)

// The columns of the record files (formats.md): every column a file may
// have, required and optional. Any other is an unknown column.
var (
	absenceColumns  = []string{"id", "recipient", "service", "from", "to", "reason", "status"}
	presenceColumns = []string{"id", "recipient", "provider", "service", "date", "extent", "status"}
	// freeText are the columns whose quoted values may hold line breaks.
	freeText = []string{"name", "reason"}
)

// nextRow reads the next row of c: io.EOF at the end; a *ParseError
// (kept in the row's problems) for a malformed row; any other error stops
// the file.
func nextRow(c *CSVReader) (problem error, err error) {
	err = c.Next()
	var pe *ParseError
	if err == nil || errors.As(err, &pe) {
		return err, nil
	}
	return nil, err
}

// newReader returns a CSVReader of a record file with its columns.
func newReader(r io.Reader, file string, columns []string) *CSVReader {
	c := NewCSVReader(r, file)
	c.Columns, c.FreeText = columns, freeText
	return c
}

// A ReportReader decodes reports.csv (formats.md) one report at a time.
type ReportReader struct {
	c      *CSVReader
	header bool
	col    [10]int // of ReportColumns: id, recipient, provider, service, start, end, staff, kind, status, shared
	// inOrder: the columns are the file's first, in the order of col.
	inOrder bool
}

// NewReportReader returns a reader of the time reports in r, naming file in
// its errors.
func NewReportReader(r io.Reader, file string) *ReportReader {
	return &ReportReader{c: newReader(r, file, ReportColumns)}
}

// CSV returns the underlying CSVReader, to set Comma before the first Read.
func (r *ReportReader) CSV() *CSVReader { return r.c }

// ReadHeader reads the header row, if it has not been read.
func (r *ReportReader) ReadHeader() error {
	if r.header {
		return nil
	}
	if err := r.c.ReadHeader("id", "recipient", "provider", "service", "start", "end"); err != nil {
		return err
	}
	r.inOrder = true
	for i, name := range ReportColumns {
		r.col[i] = r.c.index(name)
		r.inOrder = r.inOrder && r.col[i] == i
	}
	r.header = true
	return nil
}

// Read returns the next report, or io.EOF after the last. A file without
// the required columns gives a *ParseError naming every missing one, and no
// report. A row that cannot be read is still returned, with what could be
// read and Invalid holding every problem of the row (each a *ParseError), so
// that it can be accounted for; its Source says where it is. Any other
// error means the file cannot be read on.
func (r *ReportReader) Read() (Report, error) {
	if err := r.ReadHeader(); err != nil {
		return Report{}, err
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Report{}, err
	}
	return r.parse(problem), nil
}

// readReportBatch appends up to n reports to dst and returns it; io.EOF comes
// with an empty batch after the last. It reads as Read does, but many rows
// at once, with one string for all their bytes: the fast way through a
// file of millions of reports.
func (r *ReportReader) readReportBatch(dst []Report, n int) ([]Report, error) {
	if err := r.ReadHeader(); err != nil {
		return dst, err
	}
	rows, err := r.c.readBatch(n)
	for i := range rows {
		dst = append(dst, r.parse(r.c.useRow(&rows[i])))
	}
	return dst, err
}

// readRawRows reads up to n rows into b without parsing them, for a
// reportParser to parse, perhaps on another goroutine. It returns io.EOF
// when no row was left.
func (r *ReportReader) readRawRows(b *rawBatch, n int) error {
	if err := r.ReadHeader(); err != nil {
		return err
	}
	return r.c.readRaw(b, n)
}

// A reportParser parses the raw batches of one ReportReader. Each
// goroutine needs its own; newParser makes them.
type reportParser struct {
	r ReportReader
}

// newParser returns a parser of r's raw batches. Call it after the first
// readRawRows, when the header is known.
func (r *ReportReader) newParser() *reportParser {
	c := &CSVReader{File: r.c.File, Comma: r.c.Comma, header: r.c.header, cols: r.c.cols}
	return &reportParser{r: ReportReader{c: c, header: true, col: r.col, inOrder: r.inOrder}}
}

// Parse appends the reports of b to dst, as Read would have read them.
func (p *reportParser) Parse(b *rawBatch, dst []Report) []Report {
	p.r.c.useBatch(b)
	for i := range b.rows {
		dst = append(dst, p.r.parse(p.r.c.useRow(&b.rows[i])))
	}
	return dst
}

// parse makes a report of the current row, whose error (if any) is err.
func (r *ReportReader) parse(err error) Report {
	row := Row{c: r.c}
	if err != nil {
		row.errs = append(row.errs, err)
	}
	var f [len(r.col)]string
	if !r.inOrder || !r.c.fieldsInOrder(f[:]) {
		r.c.fieldsAt(r.col[:], f[:])
	}
	rep := Report{
		ID:        row.required(f[0], "id"),
		Recipient: row.required(f[1], "recipient"),
		Provider:  row.required(f[2], "provider"),
		Service:   row.required(f[3], "service"),
		Start:     row.timestamp(f[4], "start"),
		End:       row.timestamp(f[5], "end"),
		Staff:     1,
		Kind:      Visit,
		Status:    Approved,
		Shared:    f[9],
		Source:    Source{r.c.File, r.c.line},
	}
	switch s := f[6]; s {
	case "", "1":
	default:
		rep.Staff = row.count(s, "staff", 1)
	}
	switch s := f[7]; s {
	case "", "visit":
	case "declined":
		rep.Kind = Declined
	default:
		row.Fail("kind", ErrValue, "%s is not visit or declined", Quote(s))
	}
	switch s := f[8]; s {
	case "", "approved":
	default:
		rep.Status = row.status(s, "status")
	}
	if len(row.errs) > 0 {
		rep.Invalid = row.Err()
	}
	return rep
}

// An AbsenceReader decodes absences.csv (formats.md).
type AbsenceReader struct {
	c      *CSVReader
	header bool
}

// NewAbsenceReader returns a reader of the absences in r.
func NewAbsenceReader(r io.Reader, file string) *AbsenceReader {
	return &AbsenceReader{c: newReader(r, file, absenceColumns)}
}

// CSV returns the underlying CSVReader.
func (r *AbsenceReader) CSV() *CSVReader { return r.c }

// Read returns the next absence, or io.EOF; see ReportReader.Read.
func (r *AbsenceReader) Read() (Absence, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "recipient", "service", "from", "to", "reason"); err != nil {
			return Absence{}, err
		}
		r.header = true
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Absence{}, err
	}
	row := r.c.Row(problem)
	a := Absence{
		ID:        row.Required("id"),
		Recipient: row.Required("recipient"),
		Service:   row.Required("service"),
		From:      row.Date("from", true),
		To:        row.Date("to", false),
		Reason:    row.Required("reason"),
		Status:    row.Status("status"),
		Source:    Source{r.c.File, r.c.line},
	}
	if !a.From.IsZero() && !a.To.IsZero() && a.To.Before(a.From) {
		row.Fail("to", ErrValue, "%s is before from %s", a.To, a.From)
	}
	a.Invalid = row.Err()
	return a, nil
}

// A PresenceReader decodes presence.csv (formats.md).
type PresenceReader struct {
	c      *CSVReader
	header bool
}

// NewPresenceReader returns a reader of the presence days in r.
func NewPresenceReader(r io.Reader, file string) *PresenceReader {
	return &PresenceReader{c: newReader(r, file, presenceColumns)}
}

// CSV returns the underlying CSVReader.
func (r *PresenceReader) CSV() *CSVReader { return r.c }

// Read returns the next presence, or io.EOF; see ReportReader.Read.
func (r *PresenceReader) Read() (Presence, error) {
	if !r.header {
		if err := r.c.ReadHeader("id", "recipient", "provider", "service", "date"); err != nil {
			return Presence{}, err
		}
		r.header = true
	}
	problem, err := nextRow(r.c)
	if err != nil {
		return Presence{}, err
	}
	row := r.c.Row(problem)
	p := Presence{
		ID:        row.Required("id"),
		Recipient: row.Required("recipient"),
		Provider:  row.Required("provider"),
		Service:   row.Required("service"),
		Date:      row.Date("date", true),
		Extent:    r.c.Field("extent"),
		Status:    row.Status("status"),
		Source:    Source{r.c.File, r.c.line},
	}
	p.Invalid = row.Err()
	return p, nil
}

// String describes a report for messages.
func (r Report) String() string {
	return fmt.Sprintf("%s %s %s %s %s–%s", r.ID, r.Recipient, r.Provider, r.Service, r.Start, r.End)
}

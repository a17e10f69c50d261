package volume

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Sentinel errors wrapped by ParseError.
var (
	ErrMissingColumn = errors.New("missing column")
	ErrMissingField  = errors.New("missing value")
	ErrFieldCount    = errors.New("wrong number of fields")
	ErrUTF8          = errors.New("invalid UTF-8")
	ErrValue         = errors.New("invalid value")
)

// A ParseError is a problem with one place of an input file. Line and
// Column are 1-based; Column counts fields, and 0 means the whole line.
type ParseError struct {
	File   string // the file's name, as given to the reader
	Line   int
	Column int
	Field  string // the column's header name, when known
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// A CSVReader reads the rows of a CSV file with a header row, finding
// columns by header name (rules of formats.md): UTF-8 with an optional BOM,
// any column order, unknown columns ignored, delimiter "," or ";" (found
// from the header unless Comma is set), "\r\n" or "\n" line ends.
//
// With ";" as delimiter decimal commas are accepted (Decimal turns "12,5"
// into "12.5"). A CSVReader streams: it holds one row at a time.
type CSVReader struct {
	// File names the file in errors.
	File string
	// Comma is the field delimiter. Zero means: ";" when the header row
	// holds a ";" and no ",", else ",".
	Comma rune

	br     *bufio.Reader
	r      *csv.Reader
	header []string
	cols   map[string]int
	row    []string
	line   int
}

// NewCSVReader returns a reader of r that names file in its errors.
func NewCSVReader(r io.Reader, file string) *CSVReader {
	return &CSVReader{File: file, br: bufio.NewReaderSize(r, 64<<10)}
}

func (c *CSVReader) errorf(line, col int, field string, err error, format string, args ...any) *ParseError {
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
	}
	return &ParseError{File: c.File, Line: line, Column: col, Field: field, Err: err}
}

// ReadHeader reads the header row and checks that the required columns are
// there. Every missing column is named in the error.
func (c *CSVReader) ReadHeader(required ...string) error {
	if b, err := c.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		c.br.Discard(3)
	}
	if c.Comma == 0 {
		c.Comma = ','
		peek, _ := c.br.Peek(c.br.Size())
		if i := bytes.IndexByte(peek, '\n'); i >= 0 {
			peek = peek[:i]
		}
		if bytes.IndexByte(peek, ';') >= 0 && bytes.IndexByte(peek, ',') < 0 {
			c.Comma = ';'
		}
	}
	c.r = csv.NewReader(c.br)
	c.r.Comma = c.Comma
	c.r.FieldsPerRecord = -1
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err == io.EOF {
		return c.errorf(1, 0, "", io.ErrUnexpectedEOF, "no header row")
	}
	if err != nil {
		return c.wrapCSV(err)
	}
	c.header = make([]string, len(header))
	c.cols = make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		c.header[i] = h
		if _, dup := c.cols[h]; !dup && h != "" {
			c.cols[h] = i
		}
	}
	var errs []error
	for _, name := range required {
		if _, ok := c.cols[name]; !ok {
			errs = append(errs, c.errorf(1, 0, name, ErrMissingColumn, "%q (the header is %q)", name, strings.Join(c.header, string(c.Comma))))
		}
	}
	return errors.Join(errs...)
}

func (c *CSVReader) wrapCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return c.errorf(pe.Line, pe.Column, "", pe.Err, "")
	}
	return c.errorf(c.line, 0, "", err, "")
}

// Next reads the next row. It returns io.EOF at the end; a row that breaks
// the CSV syntax or holds invalid UTF-8 is returned as a *ParseError, after
// which Next can be called again. A row with more or fewer fields than the
// header is returned with a *ParseError too, and its fields stay readable.
func (c *CSVReader) Next() error {
	row, err := c.r.Read()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		c.row = nil
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.line = pe.StartLine
		}
		return c.wrapCSV(err)
	}
	c.line, _ = c.r.FieldPos(0)
	c.row = row
	for i, f := range row {
		if !utf8.ValidString(f) {
			return c.errorf(c.line, i+1, c.headerName(i), ErrUTF8, "")
		}
	}
	if len(row) != len(c.header) {
		return c.errorf(c.line, 0, "", ErrFieldCount, "%d fields, the header has %d", len(row), len(c.header))
	}
	return nil
}

func (c *CSVReader) headerName(i int) string {
	if i < len(c.header) {
		return c.header[i]
	}
	return ""
}

// Line returns the line the current row starts on.
func (c *CSVReader) Line() int { return c.line }

// Has reports whether the file has column name.
func (c *CSVReader) Has(name string) bool { _, ok := c.cols[name]; return ok }

// Field returns the current row's value of column name, trimmed of spaces;
// "" when the column or the field is missing.
func (c *CSVReader) Field(name string) string {
	i, ok := c.cols[name]
	if !ok || i >= len(c.row) {
		return ""
	}
	return strings.TrimSpace(c.row[i])
}

// Errorf returns a *ParseError at the current row's field name, wrapping err.
func (c *CSVReader) Errorf(name string, err error, format string, args ...any) *ParseError {
	col := 0
	if i, ok := c.cols[name]; ok {
		col = i + 1
	}
	return c.errorf(c.line, col, name, err, format, args...)
}

// Decimal returns the value of column name as a decimal string: with ";" as
// delimiter a decimal comma becomes a point.
func (c *CSVReader) Decimal(name string) string {
	s := c.Field(name)
	if c.Comma == ';' {
		s = strings.Replace(s, ",", ".", 1)
	}
	return s
}

// Row is a helper for decoders: it gathers the problems of one row.
type Row struct {
	c    *CSVReader
	errs []error
}

// Row starts collecting the problems of the current row, with err (the
// error of Next, may be nil) as the first.
func (c *CSVReader) Row(err error) *Row {
	r := &Row{c: c}
	if err != nil {
		r.errs = append(r.errs, err)
	}
	return r
}

// Required returns the field name and records ErrMissingField when empty.
func (r *Row) Required(name string) string {
	s := r.c.Field(name)
	if s == "" && r.c.row != nil {
		r.errs = append(r.errs, r.c.Errorf(name, ErrMissingField, ""))
	}
	return s
}

// Fail records a problem with field name.
func (r *Row) Fail(name string, err error, format string, args ...any) {
	r.errs = append(r.errs, r.c.Errorf(name, err, format, args...))
}

// Date reads a date field; empty gives the zero Date unless required.
func (r *Row) Date(name string, required bool) Date {
	s := r.c.Field(name)
	if s == "" {
		if required {
			r.Required(name)
		}
		return Date{}
	}
	d, ok := parseDate(s)
	if !ok {
		r.Fail(name, ErrValue, "%q is not a date YYYY-MM-DD", s)
	}
	return d
}

// Timestamp reads a required timestamp field.
func (r *Row) Timestamp(name string) Timestamp {
	s := r.Required(name)
	if s == "" {
		return Timestamp{}
	}
	t, ok := parseTimestamp(s)
	if !ok {
		r.Fail(name, ErrValue, "%q is not a timestamp YYYY-MM-DDTHH:MM", s)
	}
	return t
}

// Count reads a positive whole number; empty gives def.
func (r *Row) Count(name string, def int) int {
	s := r.c.Field(name)
	if s == "" {
		return def
	}
	n, ok := digits(s)
	if !ok || n < 1 || len(s) > 6 {
		r.Fail(name, ErrValue, "%q is not a whole number from 1", s)
		return def
	}
	return n
}

// Status reads a status field.
func (r *Row) Status(name string) Status {
	s, err := ParseStatus(r.c.Field(name))
	if err != nil {
		r.Fail(name, ErrValue, "%q is not approved, pending or rejected", r.c.Field(name))
	}
	return s
}

// Err returns the problems of the row, joined, or nil.
func (r *Row) Err() error { return errors.Join(r.errs...) }

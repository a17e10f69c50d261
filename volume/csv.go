package volume

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
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

// Error returns "file:line:column (field): problem".
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
	header []string
	cols   map[string]int
	row    []string // the current row's fields, unless plain
	fields []string // backing array of row
	// A plain row of a batch is split when it becomes the current row,
	// while its bytes are at hand, and not made into strings until a field
	// is read: its fields are all[from:ends[0]], then from each end + 1 to
	// the next, nf of them. Moving from row to row stores numbers only,
	// which the garbage collector need not see.
	plain      bool
	all        string
	ends       []int
	quotedRows []quotedRow
	from       int
	nf         int
	line       int // the line the current row starts on
	next       int // the number of the next physical line
	lineBuf    []byte
	quoted     []byte
	bounds     []int
	eof        bool
	valid      bool     // the last record read was valid UTF-8 as a whole
	dates      dateMemo // the date of the last timestamp read

	batch []batchRow
}

// NewCSVReader returns a reader of r that names file in its errors.
func NewCSVReader(r io.Reader, file string) *CSVReader {
	return &CSVReader{File: file, br: bufio.NewReaderSize(r, 256<<10)}
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
	c.next = 1
	header, line, err := c.readRecord()
	if err == io.EOF {
		return c.errorf(1, 0, "", io.ErrUnexpectedEOF, "no header row")
	}
	if err != nil {
		return c.errorf(line, 0, "", err, "")
	}
	header = append([]string(nil), header...)
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

// Next reads the next row. It returns io.EOF at the end; a row that breaks
// the CSV syntax (a stray or unclosed quote) or holds invalid UTF-8 is
// returned as a *ParseError, after which Next can be called again. A row
// with more or fewer fields than the header is returned with a
// *ParseError too, and its fields stay readable.
func (c *CSVReader) Next() error {
	row, line, err := c.readRecord()
	c.line = line
	if err == io.EOF {
		return io.EOF
	}
	c.plain = false
	if err != nil {
		c.row = nil
		var pe *ParseError
		if errors.As(err, &pe) {
			return pe
		}
		return c.errorf(line, 0, "", err, "")
	}
	c.row = row
	return c.checkRow()
}

// checkRow checks the current row's encoding and field count.
func (c *CSVReader) checkRow() error {
	n := c.fieldCount()
	if !c.valid {
		for i := range n {
			if !utf8.ValidString(c.rawField(i)) {
				return c.errorf(c.line, i+1, c.headerName(i), ErrUTF8, "")
			}
		}
	}
	if n != len(c.header) {
		return c.errorf(c.line, 0, "", ErrFieldCount, "%d fields, the header has %d", n, len(c.header))
	}
	return nil
}

// fieldCount returns the number of fields of the current row.
func (c *CSVReader) fieldCount() int {
	if c.plain {
		return c.nf
	}
	return len(c.row)
}

// rawField returns field i of the current row as it is, 0 <= i <
// fieldCount().
func (c *CSVReader) rawField(i int) string {
	if !c.plain {
		return c.row[i]
	}
	ends := c.ends[:c.nf] // made by useRow in the capacity of ends
	from := c.from
	if i > 0 {
		from = ends[i-1] + 1
	}
	return c.all[from:ends[i]]
}

// hasRow reports whether the current row could be read (as fields).
func (c *CSVReader) hasRow() bool { return c.plain || c.row != nil }

// A batchRow is one row of a batch: its line and where its bytes and
// fields are, or, for a row with quotes, which of the batch's quoted rows
// it is. It holds no pointers: millions are written without the
// collector's write barrier, and a batch's rows are not scanned.
type batchRow struct {
	line   int
	from   int // bytes of the row in the batch's string
	to     int
	quoted int // 1 + its index in the batch's quoted rows, or 0
	valid  bool
}

// A quotedRow is a row with quotes, read on its own: its fields, or its
// error.
type quotedRow struct {
	fields []string
	err    error
}

// readBatch reads up to max rows at once, making one string of all their
// bytes rather than one a row: for files of millions of rows this saves
// the garbage collector most of its work. The rows' fields are substrings
// of that string; a row with quotes, or one the read-ahead holds only part
// of, is read on its own.
func (c *CSVReader) readBatch(max int) ([]batchRow, error) {
	b := RawBatch{rows: c.batch}
	err := c.readRaw(&b, max)
	c.batch = b.rows
	c.useBatch(&b)
	return b.rows, err
}

// A RawBatch is rows of a CSV file read but not yet split into fields:
// reading must go in order, splitting and parsing need not, so a big file
// can be read on one goroutine and parsed on others. The zero RawBatch is
// ready for use; reuse one to save allocations.
type RawBatch struct {
	rows   []batchRow
	quoted []quotedRow
	all    string // the bytes of its plain rows, end to end
}

// Len returns the number of rows in b.
func (b *RawBatch) Len() int { return len(b.rows) }

// readRaw reads up to max rows into b: the whole lines read ahead, as one
// string made from the reader's buffer (see readPlain), and rows read on
// their own (a row with quotes, or one the buffer holds only part of) as
// their fields. It returns io.EOF when no row was left.
func (c *CSVReader) readRaw(b *RawBatch, max int) error {
	clear(b.quoted)
	b.rows, b.quoted, b.all = b.rows[:0], b.quoted[:0], ""
	var err error
	for len(b.rows) < max {
		if c.readPlain(b, max) {
			break // one string a batch
		}
		start := c.next
		var line []byte
		line, err = c.readLine()
		if err != nil {
			break
		}
		if len(line) == 0 {
			continue
		}
		var q quotedRow
		var l int
		if bytes.IndexByte(line, '"') >= 0 {
			var f []string
			f, l, q.err = c.readQuoted(line, start)
			q.fields = append([]string(nil), f...)
		} else {
			l, c.valid = start, utf8.Valid(line)
			rec := string(line)
			c.bounds = splitFields(rec, 0, byte(c.Comma), c.bounds[:0])
			q.fields = appendFields(nil, rec, c.bounds)
		}
		b.quoted = append(b.quoted, q)
		b.rows = append(b.rows, batchRow{line: l, quoted: len(b.quoted), valid: c.valid})
	}
	if err == io.EOF {
		err = nil
		if len(b.rows) == 0 {
			err = io.EOF
		}
	}
	return err
}

// readPlain takes the whole lines already read ahead, up to the first that
// holds a quote, as rows of b (up to max rows in all), checking them for
// quotes and UTF-8 and making them b's string at once, straight from the
// reader's buffer, rather than a line at a time. It reports whether it
// took any line; the others are readRaw's, a line at a time.
func (c *CSVReader) readPlain(b *RawBatch, max int) bool {
	n := c.br.Buffered()
	if n == 0 || c.eof {
		return false
	}
	data, err := c.br.Peek(n)
	if err != nil {
		return false
	}
	block := data[:bytes.LastIndexByte(data, '\n')+1]
	if q := bytes.IndexByte(block, '"'); q >= 0 {
		block = block[:bytes.LastIndexByte(block[:q], '\n')+1]
	}
	if len(block) == 0 {
		return false
	}
	valid := utf8.Valid(block)
	used := 0
	for used < len(block) && len(b.rows) < max {
		j := bytes.IndexByte(block[used:], '\n')
		line, from := block[used:used+j], used
		used += j + 1
		c.next++
		if k := len(line); k > 0 && line[k-1] == '\r' {
			line = line[:k-1]
		}
		if len(line) == 0 {
			continue
		}
		b.rows = append(b.rows, batchRow{line: c.next - 1, from: from, to: from + len(line), valid: valid || utf8.Valid(line)})
	}
	b.all = string(block[:used])
	c.br.Discard(used)
	return true
}

// splitFields appends where the fields of rec[from:], separated by comma,
// end to ends: each field is from its start (from, then the end before
// it + 1) to its end. It looks at eight bytes at a time: x = w XOR comma×8
// has a zero byte where w has a comma, and ^((x&0x7f…+0x7f…)|x|0x7f…) sets
// the high bit of exactly those bytes (no carry crosses a byte).
func splitFields(rec string, from int, comma byte, ends []int) []int {
	const ones, low7 = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	pat := ones * uint64(comma)
	i := from
	for ; i+8 <= len(rec); i += 8 {
		w := rec[i : i+8]
		x := (uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56) ^ pat
		for m := ^(((x & low7) + low7) | x | low7); m != 0; m &= m - 1 {
			ends = append(ends, i+bits.TrailingZeros64(m)>>3)
		}
	}
	for ; i < len(rec); i++ {
		if rec[i] == comma {
			ends = append(ends, i)
		}
	}
	return append(ends, len(rec))
}

// appendFields appends to dst the fields of rec that end at ends (as
// splitFields gives them).
func appendFields(dst []string, rec string, ends []int) []string {
	from := 0
	for _, end := range ends {
		dst = append(dst, rec[from:end])
		from = end + 1
	}
	return dst
}

// useBatch makes the rows of b the ones useRow takes.
func (c *CSVReader) useBatch(b *RawBatch) {
	c.all, c.quotedRows = b.all, b.quoted
	if c.ends == nil {
		c.ends = make([]int, 0, 32)
	}
}

// useRow makes a row of the batch of the last useBatch the current row,
// returning its error.
func (c *CSVReader) useRow(r *batchRow) error {
	c.line, c.valid = r.line, r.valid
	if r.quoted == 0 {
		ends := splitFields(c.all[:r.to], r.from, byte(c.Comma), c.ends[:0])
		if cap(ends) != cap(c.ends) {
			c.ends = ends[:0] // grown: a row of many fields
		}
		c.plain, c.from, c.nf = true, r.from, len(ends)
		if c.row != nil {
			c.row = nil
		}
		return c.checkRow()
	}
	q := &c.quotedRows[r.quoted-1]
	c.plain, c.row = false, q.fields
	if q.err != nil {
		c.row = nil
		return q.err
	}
	return c.checkRow()
}

// readLine returns the next physical line without its line end; the slice
// is valid until the next read. It returns io.EOF when no bytes are left.
func (c *CSVReader) readLine() ([]byte, error) {
	if c.eof {
		return nil, io.EOF
	}
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.lineBuf = append(c.lineBuf[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = c.br.ReadSlice('\n')
			c.lineBuf = append(c.lineBuf, line...)
		}
		line = c.lineBuf
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if err == io.EOF {
		c.eof = true
		if len(line) == 0 {
			return nil, io.EOF
		}
	}
	c.next++
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	}
	return line[:n], nil
}

// readRecord reads one record, skipping empty lines: its fields (all
// substrings of one string) and the line it starts on.
func (c *CSVReader) readRecord() ([]string, int, error) {
	comma := byte(c.Comma)
	for {
		start := c.next
		line, err := c.readLine()
		if err != nil {
			return nil, start, err
		}
		if len(line) == 0 {
			continue
		}
		c.valid = utf8.Valid(line)
		if bytes.IndexByte(line, '"') >= 0 {
			return c.readQuoted(line, start)
		}
		rec := string(line)
		c.bounds = splitFields(rec, 0, comma, c.bounds[:0])
		c.fields = appendFields(c.fields[:0], rec, c.bounds)
		return c.fields, start, nil
	}
}

// readQuoted parses a record with quotes (RFC 4180): a quoted field may
// hold the delimiter, doubled quotes and line ends.
func (c *CSVReader) readQuoted(first []byte, start int) ([]string, int, error) {
	comma := byte(c.Comma)
	out := c.quoted[:0]
	bounds := c.bounds[:0]
	line := append([]byte(nil), first...) // the bytes must outlive the next read
	field := 1
	fail := func(err error) ([]string, int, error) {
		c.quoted, c.bounds = out, bounds
		return nil, start, c.errorf(start, field, c.headerName(field-1), err, "")
	}
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					out = append(out, line[pos:]...)
					out = append(out, '\n')
					more, err := c.readLine()
					if err != nil {
						return fail(csv.ErrQuote)
					}
					line, pos = append(line[:0], more...), 0
					continue
				}
				out = append(out, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					out = append(out, '"')
					pos++
					continue
				}
				break
			}
			if pos < len(line) && line[pos] != comma {
				return fail(csv.ErrQuote)
			}
		} else {
			end := len(line)
			if i := bytes.IndexByte(line[pos:], comma); i >= 0 {
				end = pos + i
			}
			if bytes.IndexByte(line[pos:end], '"') >= 0 {
				return fail(csv.ErrBareQuote)
			}
			out = append(out, line[pos:end]...)
			pos = end
		}
		bounds = append(bounds, len(out))
		if pos >= len(line) {
			break
		}
		pos++ // the delimiter
		field++
		if pos == len(line) {
			bounds = append(bounds, len(out)) // a last empty field
			break
		}
	}
	c.quoted, c.bounds = out, bounds
	c.valid = utf8.Valid(out)
	rec := string(out)
	f := c.fields[:0]
	from := 0
	for _, b := range bounds {
		f = append(f, rec[from:b])
		from = b
	}
	c.fields = f
	return f, start, nil
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
	if !ok {
		return ""
	}
	return c.At(i)
}

// Index returns the column number of name, or -1 when the file lacks it.
// Decoders of big files look columns up once and read fields with At.
func (c *CSVReader) Index(name string) int {
	if i, ok := c.cols[name]; ok {
		return i
	}
	return -1
}

// At returns the current row's field in column i, trimmed of spaces; ""
// when i is -1 or the row is short.
func (c *CSVReader) At(i int) string {
	if i < 0 || i >= c.fieldCount() {
		return ""
	}
	return trimField(c.rawField(i))
}

// trimField returns f trimmed of spaces when it begins or ends with a
// space or a tab.
func trimField(f string) string {
	if len(f) > 0 && (f[0] == ' ' || f[len(f)-1] == ' ' || f[0] == '\t' || f[len(f)-1] == '\t') {
		return strings.TrimSpace(f)
	}
	return f
}

// fieldsAt sets out[k] to At(cols[k]) for each k: the fields of a row in
// one call, for the decoders of big files.
func (c *CSVReader) fieldsAt(cols []int, out []string) {
	if !c.plain {
		for k, i := range cols {
			out[k] = c.At(i)
		}
		return
	}
	ends, all := c.ends[:c.nf], c.all
	for k, i := range cols[:len(out)] {
		if uint(i) >= uint(len(ends)) {
			out[k] = ""
			continue
		}
		from := c.from
		if i > 0 {
			from = ends[i-1] + 1
		}
		f := all[from:ends[i]]
		if len(f) > 0 && (f[0] <= ' ' || f[len(f)-1] <= ' ') {
			f = trimField(f)
		}
		out[k] = f
	}
}

// fieldsInOrder sets out[k] to At(k) for each k, as fieldsAt with the
// columns 0, 1, 2 … does, and reports true; or does nothing and reports
// false when the row is quoted or has fewer fields than out (fieldsAt
// then gives them).
func (c *CSVReader) fieldsInOrder(out []string) bool {
	if !c.plain || c.nf < len(out) {
		return false
	}
	from, all, ends := c.from, c.all, c.ends[:len(out)]
	for k, end := range ends {
		f := all[from:end]
		if len(f) > 0 && (f[0] <= ' ' || f[len(f)-1] <= ' ') {
			f = trimField(f)
		}
		out[k] = f
		from = end + 1
	}
	return true
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
func (c *CSVReader) Decimal(name string) string { return c.decimal(c.Field(name)) }

// DecimalAt is Decimal for column i.
func (c *CSVReader) DecimalAt(i int) string { return c.decimal(c.At(i)) }

func (c *CSVReader) decimal(s string) string {
	if c.Comma == ';' {
		s = strings.Replace(s, ",", ".", 1)
	}
	return s
}

// ReadRows reads a small CSV file whole: it checks the header for the
// required columns, then calls parse for each row with the reader (for
// its fields) and the row (for its problems). Rows without problems give
// records; the problems of the others are returned joined, each a
// *ParseError. A file that cannot be read at all gives no records.
func ReadRows[T any](r io.Reader, file string, required []string, parse func(c *CSVReader, row *Row) T) ([]T, error) {
	c := NewCSVReader(r, file)
	if err := c.ReadHeader(required...); err != nil {
		return nil, err
	}
	var out []T
	var errs []error
	for {
		err := c.Next()
		if err == io.EOF {
			break
		}
		row := c.Row(err)
		v := parse(c, row)
		if e := row.Err(); e != nil {
			errs = append(errs, e)
			continue
		}
		out = append(out, v)
	}
	return out, errors.Join(errs...)
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
func (r *Row) Required(name string) string { return r.required(r.c.Field(name), name) }

// RequiredAt is Required for column i, named name.
func (r *Row) RequiredAt(i int, name string) string { return r.required(r.c.At(i), name) }

// required returns s, the field name, and records ErrMissingField when
// it is empty.
func (r *Row) required(s, name string) string {
	if s == "" {
		r.missing(name)
	}
	return s
}

// missing records ErrMissingField for field name of a row that could be
// read.
func (r *Row) missing(name string) {
	if r.c.hasRow() {
		r.errs = append(r.errs, r.c.Errorf(name, ErrMissingField, ""))
	}
}

// TimestampAt is Timestamp for column i, named name.
func (r *Row) TimestampAt(i int, name string) Timestamp { return r.timestamp(r.c.At(i), name) }

// timestamp is TimestampAt for the field s.
func (r *Row) timestamp(s, name string) Timestamp {
	s = r.required(s, name)
	if s == "" {
		return Timestamp{}
	}
	t, ok := parseTimestamp(s, &r.c.dates)
	if !ok {
		r.Fail(name, ErrValue, "%q is not a timestamp YYYY-MM-DDTHH:MM", s)
	}
	return t
}

// Fail records a problem with field name.
func (r *Row) Fail(name string, err error, format string, args ...any) {
	r.errs = append(r.errs, r.c.Errorf(name, err, format, args...))
}

// Date reads a date field; empty gives the zero Date unless required.
func (r *Row) Date(name string, required bool) Date { return r.date(r.c.Field(name), name, required) }

// DateAt is Date for column i, named name.
func (r *Row) DateAt(i int, name string, required bool) Date {
	return r.date(r.c.At(i), name, required)
}

// date is Date for the field s.
func (r *Row) date(s, name string, required bool) Date {
	if s == "" {
		if required {
			r.required(s, name)
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
	t, ok := parseTimestamp(s, &r.c.dates)
	if !ok {
		r.Fail(name, ErrValue, "%q is not a timestamp YYYY-MM-DDTHH:MM", s)
	}
	return t
}

// Count reads a positive whole number; empty gives def.
func (r *Row) Count(name string, def int) int { return r.count(r.c.Field(name), name, def) }

// CountAt is Count for column i, named name.
func (r *Row) CountAt(i int, name string, def int) int { return r.count(r.c.At(i), name, def) }

// count is Count for the field s.
func (r *Row) count(s, name string, def int) int {
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
func (r *Row) Status(name string) Status { return r.status(r.c.Field(name), name) }

// status is Status for the field s.
func (r *Row) status(s, name string) Status {
	st, err := ParseStatus(s)
	if err != nil {
		r.Fail(name, ErrValue, "%q is not approved, pending or rejected", s)
	}
	return st
}

// Err returns the problems of the row, joined, or nil.
func (r *Row) Err() error { return errors.Join(r.errs...) }

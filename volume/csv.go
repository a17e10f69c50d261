package volume

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// Sentinel errors wrapped by ParseError.
var (
	ErrMissingColumn  = errors.New("missing column")
	ErrRepeatedColumn = errors.New("repeated column")
	ErrMissingField   = errors.New("missing value")
	ErrFieldCount     = errors.New("wrong number of fields")
	ErrUTF8           = errors.New("invalid UTF-8")
	ErrNUL            = errors.New("a NUL byte")
	ErrValue          = errors.New("invalid value")
	ErrTooLong        = errors.New("too long")
)

// Limits of a CSV file, so that no file can make a reader take memory
// out of proportion to a real row, and no message repeat a huge field.
const (
	// MaxRowBytes bounds a row, with the lines a quoted field spans. A
	// longer row is invalid (ErrTooLong) and reading goes on at the next
	// line; the header row must fit it too.
	MaxRowBytes = 1 << 20
	// MaxFieldBytes bounds one field; a row with a longer one is invalid.
	MaxFieldBytes = 64 << 10
	// MaxColumns bounds the columns of a header.
	MaxColumns = 256
	// maxSkipBytes bounds the bytes of a line too long to be a row that
	// are skipped to find the next line: past it the file is not CSV
	// (a device, a binary), and it cannot be read at all.
	maxSkipBytes = 256 << 20
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

// quoteMax is how many bytes of a value Quote shows.
const quoteMax = 40

// Quote returns s quoted as %q quotes it, cut to its first 40 bytes (and
// an ellipsis) when longer: messages name a bad value without repeating a
// huge field or a whole stray file.
func Quote(s string) string {
	if len(s) <= quoteMax {
		return fmt.Sprintf("%q", s)
	}
	cut := quoteMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", s[:cut])
}

// Encodings a CSVReader reads.
const (
	EncodingUTF8        = "UTF-8"
	EncodingWindows1252 = "Windows-1252"
)

// A CSVReader reads the rows of a CSV file with a header row, finding
// columns by header name (formats.md): UTF-8 with an optional BOM, or
// Windows-1252 (what Swedish Excel saves); any column order; delimiter ","
// or ";" (found from the header unless Comma is set); "\r\n" or "\n" line
// ends.
//
// A malformed row harms only itself: it is returned with a *ParseError
// and reading goes on at the next line. A quoted field may hold a line
// break only in the FreeText columns; a quote that opens in another
// column and is not closed on its line makes that line a malformed row,
// and a record over several lines that does not come out whole (a stray
// quote in a free-text column) is taken back to its first line, so that
// the lines after it are read as rows of their own. No row is lost: every
// line after the header is a row, part of one, or empty.
//
// With ";" as delimiter decimal commas and spaces between thousands are
// accepted (Decimal turns "-1 500,00" into "-1500.00"). A CSVReader
// streams: it holds one row at a time.
type CSVReader struct {
	// File names the file in errors.
	File string
	// Comma is the field delimiter. Zero means: ";" when the header row
	// holds a ";" and no ",", else ",".
	Comma rune
	// Columns are the columns a file of this kind may have, required and
	// optional. Others are listed by UnknownColumns; nil lists none.
	Columns []string
	// FreeText are the columns whose quoted values may hold line breaks
	// (names and reasons); none when nil.
	FreeText []string

	br       *bufio.Reader
	encoding string
	header   []string
	cols     map[string]int
	freeText []bool   // by column
	unknown  []string // columns not in Columns
	row      []string // the current row's fields, unless plain
	fields   []string // backing array of row
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
	spanned    [][]byte // lines after the first of the record being read
	unread     [][]byte // lines taken back, to be read again first; nil for one too long
	eof        bool
	valid      bool     // the last record read was valid UTF-8 without NUL as a whole
	dates      dateMemo // the date of the last timestamp read
	tally      lineTally

	batch []batchRow
}

// A lineTally counts what the physical lines of a file became, so that
// the reader can show at its end that none was lost.
type lineTally struct {
	header, rows, rowLines, empty int
}

// NewCSVReader returns a reader of r that names file in its errors.
func NewCSVReader(r io.Reader, file string) *CSVReader {
	return &CSVReader{File: file, br: bufio.NewReaderSize(r, 256<<10), encoding: EncodingUTF8}
}

func (c *CSVReader) errorf(line, col int, field string, err error, format string, args ...any) *ParseError {
	if format != "" {
		err = fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
	}
	return &ParseError{File: c.File, Line: line, Column: col, Field: field, Err: err}
}

// Encoding returns the encoding the file is read in: EncodingUTF8, or
// EncodingWindows1252 for a file that is not UTF-8 but reads as
// Windows-1252 (judged from its first 256 KiB when the header is read).
func (c *CSVReader) Encoding() string { return c.encoding }

// UnknownColumns returns the header's columns that are not in Columns, in
// the header's order, as the header writes them.
func (c *CSVReader) UnknownColumns() []string { return c.unknown }

// Rows returns the number of rows read so far: every row Next or a batch
// returned, malformed ones included, not counting the header and empty
// lines.
func (c *CSVReader) Rows() int { return c.tally.rows }

// ReadHeader reads the header row and checks it: every required column
// there, none named twice, at most MaxColumns. Every such problem is in
// the error, each a *ParseError naming the column.
func (c *CSVReader) ReadHeader(required ...string) error {
	if b, err := c.br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		c.br.Discard(3)
	} else {
		c.sniffEncoding()
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
	header, line, err := c.readHeaderRecord()
	if err != nil {
		return err
	}
	c.tally.header = 1 // on one line; empty lines before it are counted as such
	return c.useHeader(header, line, required)
}

// readHeaderRecord reads the header row, which must fit MaxRowBytes and
// lie on one line.
func (c *CSVReader) readHeaderRecord() ([]string, int, error) {
	header, line, err := c.readRecord()
	switch {
	case err == io.EOF:
		return nil, 1, c.errorf(1, 0, "", io.ErrUnexpectedEOF, "no header row")
	case errors.Is(err, errLineTooLong):
		return nil, line, c.errorf(line, 0, "", ErrTooLong, "the header row is longer than %d bytes", MaxRowBytes)
	case err != nil:
		return nil, line, c.rowError(line, err)
	case len(header) > MaxColumns:
		return nil, line, c.errorf(line, 0, "", ErrTooLong, "%d columns, at most %d", len(header), MaxColumns)
	}
	return slices.Clone(header), line, nil
}

// useHeader takes the columns of the header row, on line.
func (c *CSVReader) useHeader(header []string, line int, required []string) error {
	c.header = make([]string, len(header))
	c.cols = make(map[string]int, len(header))
	c.freeText = make([]bool, len(header))
	var errs []error
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		c.header[i] = h
		if j, dup := c.cols[h]; dup {
			errs = append(errs, c.errorf(line, i+1, h, ErrRepeatedColumn, "%s is columns %d and %d", Quote(h), j+1, i+1))
			continue
		}
		c.cols[h] = i
		c.freeText[i] = slices.Contains(c.FreeText, h)
		if c.Columns != nil && !slices.Contains(c.Columns, h) {
			c.unknown = append(c.unknown, h)
		}
	}
	for _, name := range required {
		if _, ok := c.cols[name]; !ok {
			errs = append(errs, c.errorf(line, 0, name, ErrMissingColumn, "%s", Quote(name)))
		}
	}
	return errors.Join(errs...)
}

// sniffEncoding reads the file as Windows-1252 from here on when its
// first bytes (what the buffer holds, up to 256 KiB) are Windows-1252
// text and not UTF-8 (see isWindows1252).
func (c *CSVReader) sniffEncoding() {
	peek, _ := c.br.Peek(c.br.Size())
	if len(peek) == c.br.Size() {
		// A full buffer may end inside a character: judge whole lines.
		peek = peek[:bytes.LastIndexByte(peek, '\n')+1]
	}
	if !isWindows1252(peek) {
		return
	}
	rest, _ := c.br.Peek(c.br.Buffered())
	buffered := slices.Clone(rest)
	c.br.Discard(len(buffered))
	src := io.MultiReader(bytes.NewReader(buffered), c.br)
	c.br = bufio.NewReaderSize(transform.NewReader(src, charmap.Windows1252.NewDecoder()), c.br.Size())
	c.encoding = EncodingWindows1252
}

// isWindows1252 reports whether b reads as Windows-1252 and not as
// UTF-8: it has bytes that are not UTF-8, no character that is (a UTF-8
// file with a broken byte stays UTF-8, its broken rows invalid), no NUL,
// and none of the five bytes that code page leaves undefined.
func isWindows1252(b []byte) bool {
	bad := false
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			if b[i] == 0 {
				return false
			}
			i++
			continue
		}
		switch b[i] {
		case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
			return false
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError {
			return false // a UTF-8 character
		}
		bad = true
		i += n
	}
	return bad
}

// Next reads the next row. It returns io.EOF at the end. A malformed row
// (a stray or unclosed quote, too long, invalid UTF-8 or a NUL byte, more
// or fewer fields than the header) is returned with a *ParseError, and
// Next can be called again: its fields stay readable, as well as they can
// be told apart. Any other error means the file cannot be read on.
func (c *CSVReader) Next() error {
	row, line, err := c.readRecord()
	c.line = line
	if err == io.EOF {
		return c.atEOF()
	}
	if err != nil && !rowProblem(err) {
		return err
	}
	c.countRow()
	c.plain = false
	c.row = row
	if err != nil {
		return c.rowError(line, err)
	}
	return c.checkRow()
}

// rowProblem reports whether err, from readRecord, is a problem of one
// row rather than of the file.
func rowProblem(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe) || errors.Is(err, errLineTooLong)
}

// atEOF checks, at the end of the file, that every physical line was
// read as the header, a row or part of one, or an empty line, and returns
// io.EOF, or the error of a reader that lost a line.
func (c *CSVReader) atEOF() error {
	t := c.tally
	if lines := c.next - 1; lines != t.header+t.rowLines+t.empty {
		return fmt.Errorf("volume: %s: %w: %d lines read, %d accounted for (header %d, rows %d, empty %d)",
			c.File, errLinesLost, lines, t.header+t.rowLines+t.empty, t.header, t.rowLines, t.empty)
	}
	return io.EOF
}

// errLinesLost is the error of a reader whose lines do not add up: a bug
// of the reader, not of the file.
var errLinesLost = errors.New("the reader lost lines")

// errLineTooLong is readLine's error for a line longer than MaxRowBytes,
// which it skipped.
var errLineTooLong = errors.New("line too long")

// checkRow checks the current row's encoding, field sizes and count.
func (c *CSVReader) checkRow() error {
	n := c.fieldCount()
	if !c.valid || c.rowBytes() > MaxFieldBytes {
		for i := range n {
			f := c.rawField(i)
			switch {
			case len(f) > MaxFieldBytes:
				return c.errorf(c.line, i+1, c.headerName(i), ErrTooLong, "a field of %d bytes, at most %d", len(f), MaxFieldBytes)
			case strings.IndexByte(f, 0) >= 0:
				return c.errorf(c.line, i+1, c.headerName(i), ErrNUL, "")
			case !utf8.ValidString(f):
				return c.errorf(c.line, i+1, c.headerName(i), ErrUTF8, "")
			case c.encoding == EncodingWindows1252 && strings.ContainsRune(f, utf8.RuneError):
				return c.errorf(c.line, i+1, c.headerName(i), ErrUTF8, "a byte that is not Windows-1252")
			}
		}
	}
	if n != len(c.header) {
		return c.errorf(c.line, 0, "", ErrFieldCount, "%d fields, the header has %d", n, len(c.header))
	}
	return nil
}

// rowBytes returns the bytes of the current row's fields.
func (c *CSVReader) rowBytes() int {
	if c.plain {
		return c.ends[:c.nf][c.nf-1] - c.from
	}
	n := 0
	for _, f := range c.row {
		n += len(f)
	}
	return n
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

// textOK reports whether line is valid UTF-8 without NUL, and, in a
// Windows-1252 file, without the replacement of a byte that code page
// leaves undefined.
func (c *CSVReader) textOK(line []byte) bool {
	return utf8.Valid(line) && bytes.IndexByte(line, 0) < 0 &&
		(c.encoding != EncodingWindows1252 || !bytes.Contains(line, []byte("\uFFFD")))
}

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
	b := rawBatch{rows: c.batch}
	err := c.readRaw(&b, max)
	c.batch = b.rows
	c.useBatch(&b)
	return b.rows, err
}

// A rawBatch is rows of a CSV file read but not yet split into fields:
// reading must go in order, splitting and parsing need not, so a big file
// can be read on one goroutine and parsed on others. The zero rawBatch is
// ready for use; reuse one to save allocations.
type rawBatch struct {
	rows   []batchRow
	quoted []quotedRow
	all    string // the bytes of its plain rows, end to end
}

// Len returns the number of rows in b.
func (b *rawBatch) Len() int { return len(b.rows) }

// readRaw reads up to max rows into b: the whole lines read ahead, as one
// string made from the reader's buffer (see readPlain), and rows read on
// their own (a row with quotes, one the buffer holds only part of, or
// one taken back) as their fields. It returns io.EOF when no row was
// left.
func (c *CSVReader) readRaw(b *rawBatch, max int) error {
	clear(b.quoted)
	b.rows, b.quoted, b.all = b.rows[:0], b.quoted[:0], ""
	var err error
	for len(b.rows) < max {
		if len(c.unread) == 0 && c.readPlain(b, max) {
			break // one string a batch
		}
		var f []string
		var l int
		f, l, err = c.readRecord()
		if err == io.EOF {
			err = c.atEOF()
			break
		}
		if err != nil && !rowProblem(err) {
			break
		}
		c.countRow()
		q := quotedRow{fields: slices.Clone(f)}
		if err != nil {
			q.err = c.rowError(l, err)
			err = nil
		}
		b.quoted = append(b.quoted, q)
		b.rows = append(b.rows, batchRow{line: l, quoted: len(b.quoted), valid: c.valid})
	}
	if err == io.EOF && len(b.rows) > 0 {
		err = nil
	}
	return err
}

// readPlain takes the whole lines already read ahead, up to the first that
// holds a quote, as rows of b (up to max rows in all), checking them for
// quotes and UTF-8 and making them b's string at once, straight from the
// reader's buffer, rather than a line at a time. It reports whether it
// took any line; the others are readRaw's, a line at a time.
func (c *CSVReader) readPlain(b *rawBatch, max int) bool {
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
	valid := c.textOK(block)
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
			c.tally.empty++
			continue
		}
		c.tally.rows++
		c.tally.rowLines++
		b.rows = append(b.rows, batchRow{line: c.next - 1, from: from, to: from + len(line), valid: valid || c.textOK(line)})
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
func (c *CSVReader) useBatch(b *rawBatch) {
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
		return q.err
	}
	return c.checkRow()
}

// readLine returns the next physical line without its line end: a line
// taken back first, else one of the file. The slice is valid until the
// next read. It returns io.EOF when no bytes are left, and errLineTooLong
// for a line longer than MaxRowBytes, which it skips (keeping none of
// it), or an error for one so long that the file is not CSV.
func (c *CSVReader) readLine() ([]byte, error) {
	if n := len(c.unread); n > 0 {
		line := c.unread[0]
		c.unread = c.unread[1:]
		c.next++
		if line == nil {
			return nil, errLineTooLong // taken back as such
		}
		return line, nil
	}
	if c.eof {
		return nil, io.EOF
	}
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		if line, err = c.longLine(line); err == errLineTooLong {
			c.next++
			return nil, err
		}
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

// longLine reads the rest of a line longer than the reader's buffer, of
// which it has first. It keeps at most MaxRowBytes: past that it skips to
// the line's end and returns errLineTooLong.
func (c *CSVReader) longLine(first []byte) ([]byte, error) {
	c.lineBuf = append(c.lineBuf[:0], first...)
	skipped := 0
	for {
		line, err := c.br.ReadSlice('\n')
		if len(c.lineBuf)+len(line) <= MaxRowBytes {
			c.lineBuf = append(c.lineBuf, line...)
		} else {
			skipped += len(line)
		}
		switch {
		case skipped > maxSkipBytes:
			return nil, fmt.Errorf("volume: %s:%d: a line of more than %d bytes: not a CSV file", c.File, c.next, maxSkipBytes)
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, err
		case skipped > 0:
			c.eof = err == io.EOF
			return nil, errLineTooLong
		}
		return c.lineBuf, err
	}
}

// readRecord reads one record, skipping empty lines: its fields (all
// substrings of one string) and the line it starts on. A malformed record
// comes with its error and the fields that can be told apart (see
// looseFields), nil for a line too long to keep.
func (c *CSVReader) readRecord() ([]string, int, error) {
	comma := byte(c.Comma)
	for {
		start := c.next
		c.spanned = c.spanned[:0]
		line, err := c.readLine()
		if err != nil {
			c.valid = false
			return nil, start, err
		}
		if len(line) == 0 {
			c.tally.empty++
			continue
		}
		c.valid = c.textOK(line)
		if bytes.IndexByte(line, '"') >= 0 {
			return c.readQuoted(line, start)
		}
		rec := string(line)
		c.bounds = splitFields(rec, 0, comma, c.bounds[:0])
		c.fields = appendFields(c.fields[:0], rec, c.bounds)
		return c.fields, start, nil
	}
}

// countRow counts the record readRecord returned last as a row.
func (c *CSVReader) countRow() {
	c.tally.rows++
	c.tally.rowLines += 1 + len(c.spanned)
}

// rowError returns the *ParseError of a malformed row that starts on
// line, for readRecord's error err.
func (c *CSVReader) rowError(line int, err error) error {
	var pe *ParseError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, errLineTooLong):
		return c.errorf(line, 0, "", ErrTooLong, "the row is longer than %d bytes", MaxRowBytes)
	}
	return c.errorf(line, 0, "", err, "")
}

// readQuoted parses a record with quotes (RFC 4180): a quoted field may
// hold the delimiter and doubled quotes, and line breaks in a FreeText
// column. A record that spans lines but does not come out whole (a quote
// not closed before the file ends, a bare quote, a wrong number of
// fields) is taken back: its first line alone is a malformed row, and its
// other lines are read again as rows of their own, so that a stray quote
// harms one row only.
func (c *CSVReader) readQuoted(first []byte, start int) ([]string, int, error) {
	first = slices.Clone(first) // the bytes must outlive the next read
	f, err := c.parseQuoted(first, start)
	if len(c.spanned) > 0 && (err != nil || len(f) != len(c.header)) {
		c.unread = append(c.spanned, c.unread...)
		c.next -= len(c.spanned)
		c.spanned = nil // now c.unread's
		err = c.errorf(start, 0, "", csv.ErrQuote, "a quote opened on this line does not close a field that ends where a field ends")
		f = nil
	}
	if err != nil {
		return c.looseFields(first), start, err
	}
	return f, start, nil
}

// looseFields returns the fields of a malformed line as well as they can
// be told apart: split at every delimiter, quotes removed, when that gives
// as many fields as the header has (a stray quote in a row otherwise
// whole); nil otherwise, when no field can be told for sure. They are
// what a malformed row keeps (its id, most often) to be listed by.
func (c *CSVReader) looseFields(line []byte) []string {
	rec := strings.ReplaceAll(string(line), `"`, "")
	c.bounds = splitFields(rec, 0, byte(c.Comma), c.bounds[:0])
	if len(c.bounds) != len(c.header) {
		return nil
	}
	c.fields = appendFields(c.fields[:0], rec, c.bounds)
	return c.fields
}

// parseQuoted parses the record that starts with the line first (its
// own copy), reading the lines a quoted free-text field spans into
// c.spanned.
func (c *CSVReader) parseQuoted(first []byte, start int) ([]string, error) {
	comma := byte(c.Comma)
	out := c.quoted[:0]
	bounds := c.bounds[:0]
	line := first
	size := len(line)
	field := 1
	fail := func(err error, format string) ([]string, error) {
		c.quoted, c.bounds = out, bounds
		return nil, c.errorf(start, field, c.headerName(field-1), err, format)
	}
	pos := 0
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i >= 0 {
					out = append(out, line[pos:pos+i]...)
					pos += i + 1
					if pos < len(line) && line[pos] == '"' {
						out = append(out, '"')
						pos++
						continue
					}
					break
				}
				if !c.mayBreak(field - 1) {
					return fail(csv.ErrQuote, "a quote is not closed on its line")
				}
				out = append(out, line[pos:]...)
				out = append(out, '\n')
				more, err := c.readLine()
				if err == errLineTooLong {
					c.spanned = append(c.spanned, nil) // taken back as a line too long
				}
				if err != nil {
					return fail(csv.ErrQuote, "a quote is not closed before the file ends")
				}
				if size += len(more) + 1; size > MaxRowBytes {
					return fail(ErrTooLong, "a quoted field runs over more than MaxRowBytes")
				}
				line, pos = slices.Clone(more), 0
				c.spanned = append(c.spanned, line)
			}
			if pos < len(line) && line[pos] != comma {
				return fail(csv.ErrQuote, "")
			}
		} else {
			end := len(line)
			if i := bytes.IndexByte(line[pos:], comma); i >= 0 {
				end = pos + i
			}
			if bytes.IndexByte(line[pos:end], '"') >= 0 {
				return fail(csv.ErrBareQuote, "")
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
	c.valid = c.textOK(out)
	rec := string(out)
	f := c.fields[:0]
	from := 0
	for _, b := range bounds {
		f = append(f, rec[from:b])
		from = b
	}
	c.fields = f
	return f, nil
}

// mayBreak reports whether the field in column i may hold a line break:
// a FreeText column of a file whose header is read.
func (c *CSVReader) mayBreak(i int) bool {
	return i >= 0 && i < len(c.freeText) && c.freeText[i]
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
	return c.at(i)
}

// index returns the column number of name, or -1 when the file lacks it.
// Decoders of big files look columns up once and read fields with at.
func (c *CSVReader) index(name string) int {
	if i, ok := c.cols[name]; ok {
		return i
	}
	return -1
}

// at returns the current row's field in column i, trimmed of spaces; ""
// when i is -1 or the row is short.
func (c *CSVReader) at(i int) string {
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
			out[k] = c.at(i)
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
// delimiter (what Swedish Excel writes) a decimal comma becomes a point
// and spaces between thousands go ("-1 500,00" is "-1500.00"); a space,
// a no-break space or a narrow no-break space may stand between them.
func (c *CSVReader) Decimal(name string) string { return c.decimal(c.Field(name)) }

func (c *CSVReader) decimal(s string) string {
	if c.Comma != ';' {
		return s
	}
	if strings.ContainsAny(s, " \u00a0\u202f") {
		s = thousands.Replace(s)
	}
	return strings.Replace(s, ",", ".", 1)
}

// thousands removes the spaces Swedish Excel writes between thousands.
var thousands = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// ReadRows reads a small CSV file whole: it checks the header for the
// required columns, then calls parse for each row with the reader (for
// its fields) and the row (for its problems). Rows without problems give
// records; the others are left out and their problems returned, one
// error a row (each a *ParseError or a join of them), so that the caller
// can say which. err is for a file that cannot be read at all (a missing
// or repeated column among them), which gives no records.
func ReadRows[T any](r io.Reader, file string, required []string, parse func(c *CSVReader, row *Row) T) (records []T, problems []error, err error) {
	c := NewCSVReader(r, file)
	if err := c.ReadHeader(required...); err != nil {
		return nil, nil, err
	}
	for {
		err := c.Next()
		if err == io.EOF {
			return records, problems, nil
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			return nil, nil, err
		}
		row := c.Row(err)
		v := parse(c, row)
		if e := row.Err(); e != nil {
			problems = append(problems, e)
			continue
		}
		records = append(records, v)
	}
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

// timestamp is Timestamp for the field s.
func (r *Row) timestamp(s, name string) Timestamp {
	s = r.required(s, name)
	if s == "" {
		return Timestamp{}
	}
	t, ok := parseTimestamp(s, &r.c.dates)
	if !ok {
		r.Fail(name, ErrValue, "%s is not a timestamp YYYY-MM-DDTHH:MM", Quote(s))
	}
	return t
}

// Fail records a problem with field name.
func (r *Row) Fail(name string, err error, format string, args ...any) {
	r.errs = append(r.errs, r.c.Errorf(name, err, format, args...))
}

// Date reads a date field; empty gives the zero Date unless required.
func (r *Row) Date(name string, required bool) Date { return r.date(r.c.Field(name), name, required) }

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
		r.Fail(name, ErrValue, "%s is not a date YYYY-MM-DD", Quote(s))
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
		r.Fail(name, ErrValue, "%s is not a timestamp YYYY-MM-DDTHH:MM", Quote(s))
	}
	return t
}

// Count reads a positive whole number; empty gives def.
func (r *Row) Count(name string, def int) int { return r.count(r.c.Field(name), name, def) }

// count is Count for the field s.
func (r *Row) count(s, name string, def int) int {
	if s == "" {
		return def
	}
	n, ok := digits(s)
	if !ok || n < 1 || len(s) > 6 {
		r.Fail(name, ErrValue, "%s is not a whole number from 1", Quote(s))
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
		r.Fail(name, ErrValue, "%s is not approved, pending or rejected", Quote(s))
	}
	return st
}

// Err returns the problems of the row, joined, or nil.
func (r *Row) Err() error { return errors.Join(r.errs...) }

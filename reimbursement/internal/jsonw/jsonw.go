// Package jsonw writes indented JSON as json.Indent(…, "", "  ") lays out
// what json.Marshal writes, but streaming, so that a document of millions
// of values is never held in memory twice. It knows nothing of
// settlements; its tests compare it with encoding/json.
package jsonw

import (
	"io"
	"strings"
	"unicode/utf8"
)

// A ByteWriter is what a Writer writes to: a *bufio.Writer, or a
// *bytes.Buffer when a piece of a document is written ahead.
type ByteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// A Writer writes one JSON document, value by value. Errors of the
// underlying writer are the caller's to see (a *bufio.Writer keeps the
// first); the Writer itself never fails.
type Writer struct {
	w     ByteWriter
	first []bool // per open container: nothing written in it yet
	buf   []byte
}

// New returns a Writer at the top of a document.
func New(w ByteWriter) *Writer { return &Writer{w: w} }

// Inside returns a Writer that writes into containers another Writer
// opened, one per element of empty, outermost first: whether nothing has
// been written in it yet. It continues a document written in pieces.
func Inside(w ByteWriter, empty ...bool) *Writer {
	return &Writer{w: w, first: append([]bool(nil), empty...)}
}

// Depth is the number of open containers.
func (j *Writer) Depth() int { return len(j.first) }

// Target is the writer the document goes to.
func (j *Writer) Target() ByteWriter { return j.w }

// indent is a line end and enough indentation for most documents.
const indent = "\n                                "

// Newline returns a line end and the indentation of depth.
func Newline(depth int) string {
	if n := 1 + 2*depth; n <= len(indent) {
		return indent[:n]
	}
	return "\n" + strings.Repeat("  ", depth)
}

// Item starts a value in the open container: a comma after the one
// before, and a new line.
func (j *Writer) Item() {
	if n := len(j.first); n > 0 {
		if !j.first[n-1] {
			j.w.WriteByte(',')
		}
		j.first[n-1] = false
		j.w.WriteString(Newline(n))
	}
}

// Open opens a container: c is '{' or '['.
func (j *Writer) Open(c byte) {
	j.w.WriteByte(c)
	j.first = append(j.first, true)
}

// Close closes the open container: c is '}' or ']'.
func (j *Writer) Close(c byte) {
	n := len(j.first)
	if n == 0 {
		panic("jsonw: Close with no container open")
	}
	empty := j.first[n-1]
	j.first = j.first[:n-1]
	if !empty {
		j.w.WriteString(Newline(n - 1))
	}
	j.w.WriteByte(c)
}

// Key starts a member of the open object.
func (j *Writer) Key(k string) {
	j.Item()
	j.String(k)
	j.w.WriteString(": ")
}

// Field writes a member whose value is a string.
func (j *Writer) Field(k, v string) {
	j.Key(k)
	j.String(v)
}

// FieldOmit writes a member whose value is a string, unless it is empty.
func (j *Writer) FieldOmit(k, v string) {
	if v != "" {
		j.Field(k, v)
	}
}

// Strings writes an array of strings.
func (j *Writer) Strings(list []string) {
	j.Open('[')
	for _, s := range list {
		j.Item()
		j.String(s)
	}
	j.Close(']')
}

// String writes a string escaped as encoding/json does, HTML characters
// included.
func (j *Writer) String(s string) {
	j.buf = AppendString(j.buf[:0], s)
	j.w.Write(j.buf)
}

// StringBytes writes the string in b, as String does.
func (j *Writer) StringBytes(b []byte) {
	j.buf = AppendString(j.buf[:0], b)
	j.w.Write(j.buf)
}

// Raw writes b as it is: a value or a run of members the caller made,
// for instance with AppendString and Newline at Depth.
func (j *Writer) Raw(b []byte) { j.w.Write(b) }

// RawString writes s as it is, as Raw does.
func (j *Writer) RawString(s string) { j.w.WriteString(s) }

// Scratch returns the Writer's buffer, empty, for a caller to build a
// piece in; Keep gives it back (grown) for the next piece.
func (j *Writer) Scratch() []byte { return j.buf[:0] }

// Keep keeps b as the buffer Scratch returns next.
func (j *Writer) Keep(b []byte) { j.buf = b }

// Opened records that the caller wrote, with Raw, the opening of an
// object and its first members: the next member takes a comma.
func (j *Writer) Opened() { j.first = append(j.first, false) }

// Filled records that the caller wrote, with Raw, items into the open
// container: the next item takes a comma, and Close a new line.
func (j *Writer) Filled() {
	if n := len(j.first); n > 0 {
		j.first[n-1] = false
	}
}

// plain is 1 for the bytes a JSON string takes as they are: not control
// bytes, quotes, backslashes or HTML's <, > and &, and ASCII (others are
// checked for UTF-8). It is never written after it is made.
var plain = func() (t [256]uint8) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		if c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			t[c] = 1
		}
	}
	return t
}()

const hexDigit = "0123456789abcdef"

// AppendString appends s to b as a JSON string, escaped as encoding/json
// does (invalid UTF-8 as U+FFFD); most strings need no escaping and are
// appended at once.
func AppendString[T string | []byte](b []byte, s T) []byte {
	if isPlain(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return appendEscaped(append(b, '"'), s)
}

// isPlain reports whether s takes no escaping, eight bytes at a time.
func isPlain[T string | []byte](s T) bool {
	p := uint8(1)
	i := 0
	for ; i+8 <= len(s) && p == 1; i += 8 {
		w := s[i : i+8]
		p = plain[w[0]] & plain[w[1]] & plain[w[2]] & plain[w[3]] &
			plain[w[4]] & plain[w[5]] & plain[w[6]] & plain[w[7]]
	}
	for ; i < len(s) && p == 1; i++ {
		p = plain[s[i]]
	}
	return p == 1
}

// appendEscaped appends s escaped, and the closing quote.
func appendEscaped[T string | []byte](b []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] == 1 {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigit[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

package reimbursement

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jw writes indented JSON as json.Indent(…, "", "  ") would lay out what
// json.Marshal writes, but streaming, so that a settlement of millions of
// report ids is never held in memory twice.
type jw struct {
	w     byteWriter
	depth int
	first []bool // per open container: nothing written in it yet
	buf   []byte
}

// A byteWriter is what jw writes to: a *bufio.Writer, or a *bytes.Buffer
// when a part of a settlement is written ahead (see WriteSettlementFS).
type byteWriter interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
}

// indent is a line end and enough indentation for any settlement.
const indent = "\n                                "

func (j *jw) newline() {
	n := 1 + 2*j.depth
	if n <= len(indent) {
		j.w.WriteString(indent[:n])
		return
	}
	j.w.WriteByte('\n')
	for i := 0; i < j.depth; i++ {
		j.w.WriteString("  ")
	}
}

// item starts a value in the open container.
func (j *jw) item() {
	if n := len(j.first); n > 0 {
		if !j.first[n-1] {
			j.w.WriteByte(',')
		}
		j.first[n-1] = false
		j.newline()
	}
}

func (j *jw) open(c byte) {
	j.w.WriteByte(c)
	j.depth++
	j.first = append(j.first, true)
}

func (j *jw) close(c byte) {
	empty := j.first[len(j.first)-1]
	j.first = j.first[:len(j.first)-1]
	j.depth--
	if !empty {
		j.newline()
	}
	j.w.WriteByte(c)
}

func (j *jw) key(k string) {
	j.item()
	j.str(k)
	j.w.WriteString(": ")
}

func (j *jw) field(k, v string) {
	j.key(k)
	j.str(v)
}

func (j *jw) fieldOmit(k, v string) {
	if v != "" {
		j.field(k, v)
	}
}

func (j *jw) strs(list []string) {
	j.open('[')
	for _, s := range list {
		j.item()
		j.str(s)
	}
	j.close(']')
}

// str writes a JSON string escaped as encoding/json does, HTML characters
// included.
func (j *jw) str(s string) { writeStr(j, s) }

func writeStr[T string | []byte](j *jw, s T) {
	j.buf = appendStr(j.buf[:0], s)
	j.w.Write(j.buf)
}

// jsonPlain is 1 for the bytes a JSON string takes as they are: not
// control bytes, quotes, backslashes or HTML's <, > and &, and ASCII
// (others are checked for UTF-8). It is never written after it is made.
var jsonPlain = func() (t [256]uint8) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		if c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			t[c] = 1
		}
	}
	return t
}()

// appendStr appends s to b as a JSON string, escaped as encoding/json
// does; most strings need no escaping and are appended at once.
func appendStr[T string | []byte](b []byte, s T) []byte {
	plain := uint8(1)
	i := 0
	for ; i+8 <= len(s) && plain == 1; i += 8 {
		w := s[i : i+8]
		plain = jsonPlain[w[0]] & jsonPlain[w[1]] & jsonPlain[w[2]] & jsonPlain[w[3]] &
			jsonPlain[w[4]] & jsonPlain[w[5]] & jsonPlain[w[6]] & jsonPlain[w[7]]
	}
	if i+4 <= len(s) && plain == 1 {
		w := s[i : i+4]
		plain = jsonPlain[w[0]] & jsonPlain[w[1]] & jsonPlain[w[2]] & jsonPlain[w[3]]
		i += 4
	}
	for ; i < len(s) && plain == 1; i++ {
		plain = jsonPlain[s[i]]
	}
	b = append(b, '"')
	if plain == 1 {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] == 1 {
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
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigit[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// newlineAt returns a line end and the indentation of depth.
func newlineAt(depth int) string {
	if n := 1 + 2*depth; n <= len(indent) {
		return indent[:n]
	}
	return "\n" + strings.Repeat("  ", depth)
}

const hexDigit = "0123456789abcdef"

func (j *jw) unpaid(list []Unpaid) {
	j.open('[')
	for _, u := range list {
		j.item()
		j.unpaidEntry(u)
	}
	j.close(']')
}

// unpaidEntry writes one unpaid entry as an object.
func (j *jw) unpaidEntry(u Unpaid) {
	j.buf = appendUnpaid(j.buf[:0], j.depth, u.ID, string(u.Reason), u.Decision, u.Detail, u.Quantity, u.Unit)
	j.w.Write(j.buf)
}

// appendUnpaid appends an unpaid entry as an object in a container at
// depth, in one piece.
func appendUnpaid[T string | []byte](b []byte, depth int, id, reason, decision, detail T, qty int64, unit Unit) []byte {
	nl := newlineAt(depth + 1)
	b = append(b, '{')
	b = append(append(b, nl...), `"id": `...)
	b = appendStr(b, id)
	if unit != NoUnit {
		b = append(append(append(b, ','), nl...), `"quantity": "`...)
		b = append(strconv.AppendInt(b, qty, 10), '"', ',')
		b = append(append(b, nl...), `"unit": `...)
		b = appendStr(b, unit.String())
	}
	b = append(append(append(b, ','), nl...), `"reason": `...)
	b = appendStr(b, reason)
	if len(decision) > 0 {
		b = append(append(append(b, ','), nl...), `"decision": `...)
		b = appendStr(b, decision)
	}
	if len(detail) > 0 {
		b = append(append(append(b, ','), nl...), `"detail": `...)
		b = appendStr(b, detail)
	}
	return append(append(b, newlineAt(depth)...), '}')
}

// line writes one line as an object.
func (j *jw) line(l Line) {
	jl := l.json()
	lineHead(j, [...]string{jl.Recipient, jl.Decision, jl.Service, jl.Component, jl.Band, jl.Unit,
		jl.Quantity, jl.Price, jl.Factor, jl.Divisor, jl.Amount, jl.RateFrom, jl.RateTo})
	j.strs(l.Reports)
	j.close('}')
}

// lineKeys are the keys of a line's fields, in the order of formats.md.
var lineKeys = [...]string{`"recipient": `, `"decision": `, `"service": `, `"component": `, `"band": `, `"unit": `,
	`"quantity": `, `"price": `, `"factor": `, `"divisor": `, `"amount": `, `"rate_from": `, `"rate_to": `}

// lineHead writes a line object's fields, in one piece, up to the key of
// its report ids, and leaves the object open for them. rate_from and
// rate_to are left out when empty.
func lineHead[T string | []byte](j *jw, fields [len(lineKeys)]T) {
	nl := newlineAt(j.depth + 1)
	b := append(j.buf[:0], '{')
	for i, k := range lineKeys {
		if i < 11 || len(fields[i]) > 0 {
			b = appendStr(append(append(b, nl...), k...), fields[i])
			b = append(b, ',')
		}
	}
	b = append(append(b, nl...), `"reports": `...)
	j.buf = b
	j.w.Write(b)
	j.depth++ // as j.open('{') and the fields would have left it
	j.first = append(j.first, false)
}

// issues writes the issues array.
func (j *jw) issues(list []Issue) {
	j.open('[')
	for _, i := range list {
		j.item()
		j.open('{')
		j.field("kind", i.Kind)
		j.key("ids")
		j.strs(i.IDs)
		j.fieldOmit("message", i.Message)
		j.close('}')
	}
	j.close(']')
}

// files writes the files array: the reconciliation of the input.
func (j *jw) files(list []FileCount) {
	j.open('[')
	for _, f := range list {
		j.item()
		j.open('{')
		j.field("file", f.File)
		j.key("rows")
		j.w.WriteString(strconv.Itoa(f.Rows))
		j.key("accounted")
		j.w.WriteString(strconv.Itoa(f.Accounted))
		j.fieldOmit("encoding", f.Encoding)
		j.close('}')
	}
	j.close(']')
}

// WriteJSON writes the settlement as indented JSON (formats.md) with a
// final newline, streaming.
func (s *Settlement) WriteJSON(w io.Writer) error {
	if s == nil {
		return errorf("WriteJSON of a nil *Settlement")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	j := &jw{w: bw}
	j.open('{')
	j.field("period", s.Period.String())
	j.field("tariff", s.Tariff)
	j.key("correction_of")
	if s.CorrectionOf == nil {
		bw.WriteString("null")
	} else {
		j.open('{')
		j.field("period", s.CorrectionOf.Period.String())
		j.field("total", money(s.CorrectionOf.Total))
		j.close('}')
	}
	j.key("providers")
	j.open('[')
	for _, p := range s.Providers {
		j.item()
		j.open('{')
		j.field("provider", p.Provider)
		j.field("name", p.Name)
		j.field("regime", p.Regime.String())
		j.key("lines")
		j.open('[')
		for _, l := range p.Lines {
			j.item()
			j.line(l)
		}
		j.close(']')
		j.key("unpaid")
		j.unpaid(p.Unpaid)
		j.key("pending")
		j.strs(p.Pending)
		j.field("total", money(p.Total))
		j.close('}')
	}
	j.close(']')
	j.key("unmatched")
	j.unpaid(s.Unmatched)
	j.key("issues")
	j.issues(s.Issues)
	j.key("files")
	j.files(s.Files)
	j.field("total", money(s.Total))
	j.close('}')
	bw.WriteByte('\n')
	return bw.Flush()
}

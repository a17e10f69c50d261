package reimbursement

import (
	"bufio"
	"io"
	"strconv"

	"github.com/exempelby/ersattning/reimbursement/internal/jsonw"
)

// writeUnpaidList writes a list of unpaid entries.
func writeUnpaidList(j *jsonw.Writer, list []Unpaid) {
	j.Open('[')
	for _, u := range list {
		j.Item()
		writeUnpaidEntry(j, u)
	}
	j.Close(']')
}

// writeUnpaidEntry writes one unpaid entry as an object.
func writeUnpaidEntry(j *jsonw.Writer, u Unpaid) {
	b := appendUnpaid(j.Scratch(), j.Depth(), u.ID, string(u.Reason), u.Decision, u.Detail, u.Quantity, u.Unit)
	j.Raw(b)
	j.Keep(b)
}

// appendUnpaid appends an unpaid entry as an object in a container at
// depth, in one piece.
func appendUnpaid[T string | []byte](b []byte, depth int, id, reason, decision, detail T, qty int64, unit Unit) []byte {
	nl := jsonw.Newline(depth + 1)
	b = append(b, '{')
	b = append(append(b, nl...), `"id": `...)
	b = jsonw.AppendString(b, id)
	if unit != NoUnit {
		b = append(append(append(b, ','), nl...), `"quantity": "`...)
		b = append(strconv.AppendInt(b, qty, 10), '"', ',')
		b = append(append(b, nl...), `"unit": `...)
		b = jsonw.AppendString(b, unit.String())
	}
	b = append(append(append(b, ','), nl...), `"reason": `...)
	b = jsonw.AppendString(b, reason)
	if len(decision) > 0 {
		b = append(append(append(b, ','), nl...), `"decision": `...)
		b = jsonw.AppendString(b, decision)
	}
	if len(detail) > 0 {
		b = append(append(append(b, ','), nl...), `"detail": `...)
		b = jsonw.AppendString(b, detail)
	}
	return append(append(b, jsonw.Newline(depth)...), '}')
}

// writeLine writes one line as an object.
func writeLine(j *jsonw.Writer, l Line) {
	jl := l.json()
	lineHead(j, [...]string{jl.Recipient, jl.Decision, jl.Service, jl.Component, jl.Band, jl.Unit,
		jl.Quantity, jl.Price, jl.Factor, jl.Divisor, jl.Amount, jl.RateFrom, jl.RateTo})
	j.Strings(l.Reports)
	j.Close('}')
}

// lineKeys are the keys of a line's fields, in the order of formats.md.
var lineKeys = [...]string{`"recipient": `, `"decision": `, `"service": `, `"component": `, `"band": `, `"unit": `,
	`"quantity": `, `"price": `, `"factor": `, `"divisor": `, `"amount": `, `"rate_from": `, `"rate_to": `}

// lineHead writes a line object's fields, in one piece, up to the key of
// its report ids, and leaves the object open for them. rate_from and
// rate_to are left out when empty.
func lineHead[T string | []byte](j *jsonw.Writer, fields [len(lineKeys)]T) {
	nl := jsonw.Newline(j.Depth() + 1)
	b := append(j.Scratch(), '{')
	for i, k := range lineKeys {
		if i < 11 || len(fields[i]) > 0 {
			b = jsonw.AppendString(append(append(b, nl...), k...), fields[i])
			b = append(b, ',')
		}
	}
	b = append(append(b, nl...), `"reports": `...)
	j.Keep(b)
	j.Raw(b)
	j.Opened() // as j.Open('{') and the fields would have left it
}

// writeIssues writes the issues array.
func writeIssues(j *jsonw.Writer, list []Issue) {
	j.Open('[')
	for _, i := range list {
		j.Item()
		j.Open('{')
		j.Field("kind", i.Kind)
		j.Key("ids")
		j.Strings(i.IDs)
		j.FieldOmit("message", i.Message)
		j.Close('}')
	}
	j.Close(']')
}

// writeFiles writes the files array: the reconciliation of the input.
func writeFiles(j *jsonw.Writer, list []FileCount) {
	j.Open('[')
	for _, f := range list {
		j.Item()
		j.Open('{')
		j.Field("file", f.File)
		j.Key("rows")
		j.RawString(strconv.Itoa(f.Rows))
		j.Key("accounted")
		j.RawString(strconv.Itoa(f.Accounted))
		j.FieldOmit("encoding", f.Encoding)
		j.Close('}')
	}
	j.Close(']')
}

// WriteJSON writes the settlement as indented JSON (formats.md) with a
// final newline, streaming.
func (s *Settlement) WriteJSON(w io.Writer) error {
	if s == nil {
		return errorf("WriteJSON of a nil *Settlement")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	s.writeJSON(jsonw.New(bw))
	bw.WriteByte('\n')
	return bw.Flush()
}

// writeJSON writes the settlement as a JSON object where j stands, so
// that a run can hold settlements.
func (s *Settlement) writeJSON(j *jsonw.Writer) {
	j.Open('{')
	j.Field("period", s.Period.String())
	j.Field("tariff", s.Tariff)
	j.Key("correction_of")
	if s.CorrectionOf == nil {
		j.RawString("null")
	} else {
		j.Open('{')
		j.Field("period", s.CorrectionOf.Period.String())
		j.Field("total", money(s.CorrectionOf.Total))
		j.Close('}')
	}
	j.Key("providers")
	j.Open('[')
	for _, p := range s.Providers {
		j.Item()
		j.Open('{')
		j.Field("provider", p.Provider)
		j.Field("name", p.Name)
		j.Field("regime", p.Regime.String())
		j.Key("lines")
		j.Open('[')
		for _, l := range p.Lines {
			j.Item()
			writeLine(j, l)
		}
		j.Close(']')
		j.Key("unpaid")
		writeUnpaidList(j, p.Unpaid)
		j.Key("pending")
		j.Strings(p.Pending)
		j.Field("total", money(p.Total))
		j.Close('}')
	}
	j.Close(']')
	j.Key("unmatched")
	writeUnpaidList(j, s.Unmatched)
	j.Key("issues")
	writeIssues(j, s.Issues)
	j.Key("files")
	writeFiles(j, s.Files)
	j.Field("total", money(s.Total))
	j.Close('}')
}

// WriteJSON writes the run as indented JSON (formats.md, "A run") with a
// final newline: the settlement of its period, the corrections and the
// locked periods in period order, and what it pays each provider.
func (r *Run) WriteJSON(w io.Writer) error {
	if r == nil || r.Settlement == nil {
		return errorf("WriteJSON of a nil *Run or a run without a settlement")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	j := jsonw.New(bw)
	j.Open('{')
	j.Field("run", r.Period.String())
	j.Key("settlement")
	r.Settlement.writeJSON(j)
	j.Key("corrections")
	j.Open('[')
	for _, c := range r.Corrections {
		j.Item()
		c.writeJSON(j)
	}
	j.Close(']')
	j.Key("locked")
	j.Open('[')
	for _, l := range r.Locked {
		j.Item()
		writeLocked(j, l)
	}
	j.Close(']')
	j.Key("providers")
	j.Open('[')
	for _, p := range r.Providers {
		j.Item()
		j.Open('{')
		j.Field("provider", p.Provider)
		j.Field("settlement", money(p.Settlement))
		j.Field("corrections", money(p.Corrections))
		j.Field("total", money(p.Total))
		j.Close('}')
	}
	j.Close(']')
	j.Field("total", money(r.Total))
	j.Close('}')
	bw.WriteByte('\n')
	return bw.Flush()
}

// writeLocked writes a locked period as an object.
func writeLocked(j *jsonw.Writer, l LockedPeriod) {
	j.Open('{')
	j.Field("period", l.Period.String())
	j.Key("providers")
	j.Open('[')
	for _, p := range l.Providers {
		j.Item()
		j.Open('{')
		j.Field("provider", p.Provider)
		j.Field("amount", money(p.Amount))
		j.Key("ids")
		j.Strings(p.IDs)
		j.Close('}')
	}
	j.Close(']')
	j.Key("unmatched")
	j.Strings(l.Unmatched)
	j.Field("total", money(l.Total))
	j.Close('}')
}

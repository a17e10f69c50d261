package reimbursement

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"slices"

	"github.com/exempelby/ersattning/volume"
)

// A merger writes the settlement of a month from its parts, in the order
// formats.md gives: the parts hold ranges of recipients in order, so a
// provider's lines are the parts' lines one part after the other (with
// the markup and adjustment lines put in their places); unpaid entries,
// pending ids and unmatched entries are merged by id.
type merger struct {
	global  *Settler
	adj     *Settlement // the adjustments of the month
	results []*partResult
	format  Format
}

// A partReader reads a part's file, as settlePart wrote it, in order.
type partReader struct {
	src      io.Reader
	buf      []byte // read ahead from src: buf[pos:end]
	pos, end int
	eof      bool
	close    func() error
	provs    []partProvider
	pi       int // index in provs of the provider read next
	err      error
}

// An entry is one record of a part's file: a line's or an unpaid entry's
// key fields and its text, or a pending id.
type entry struct {
	buf    []byte
	off    [13]int // ends of the fields in buf
	n      int
	qty    int64
	unit   Unit
	source int // the stream it came from, for a stable merge
}

func (e *entry) field(i int) []byte {
	from := 0
	if i > 0 {
		from = e.off[i-1]
	}
	return e.buf[from:e.off[i]]
}

func (p *partReader) fail(err error) {
	if p.err == nil {
		p.err = errorf("reading a part of the settlement: %w", err)
	}
	p.pos, p.end, p.eof = 0, 0, true
}

// fill makes n bytes ready at buf[pos:], reading ahead, or fails.
func (p *partReader) fill(n int) bool {
	if p.end-p.pos >= n {
		return true
	}
	if p.err != nil {
		return false
	}
	p.end = copy(p.buf, p.buf[p.pos:p.end])
	p.pos = 0
	for p.end < n && !p.eof {
		if p.end == len(p.buf) {
			// A long field: the buffer grows as the bytes come, so
			// that a length that is not true costs no memory.
			p.buf = append(p.buf, make([]byte, min(n, 2*len(p.buf)+16)-len(p.buf))...)
		}
		k, err := p.src.Read(p.buf[p.end:])
		p.end += k
		if err == io.EOF {
			p.eof = true
		} else if err != nil {
			p.fail(err)
			return false
		}
	}
	if p.end < n {
		p.fail(io.ErrUnexpectedEOF)
		return false
	}
	return true
}

func (p *partReader) uvarint() uint64 {
	var x uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if p.pos == p.end && !p.fill(1) {
			return 0
		}
		c := p.buf[p.pos]
		p.pos++
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return x
		}
	}
	p.fail(errors.New("a number is too long"))
	return 0
}

func (p *partReader) varint() int64 {
	u := p.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// next returns the next n bytes, valid until the next read.
func (p *partReader) next(n int) []byte {
	if n < 0 || !p.fill(n) {
		return nil
	}
	b := p.buf[p.pos : p.pos+n]
	p.pos += n
	return b
}

// readField appends a length-prefixed field to e.
func (p *partReader) readField(e *entry) {
	n := p.uvarint()
	if n > 1<<30 {
		p.fail(errors.New("a field is too long"))
		n = 0
	}
	e.buf = append(e.buf, p.next(int(n))...)
	e.off[e.n] = len(e.buf)
	e.n++
}

// readLineKey reads a line up to its report ids (JSON) or its row (CSV):
// its first four fields are its key.
func (p *partReader) readLineKey(e *entry, format Format) {
	e.buf, e.n = e.buf[:0], 0
	n := 5
	if format == FormatJSON {
		n = 13
	}
	for range n {
		p.readField(e)
	}
}

// writeLine writes the line read into e, and for JSON reads its report
// ids and writes them as it goes.
func (p *partReader) writeLine(e *entry, j *jw, format Format) {
	if format != FormatJSON {
		j.w.Write(e.field(4))
		return
	}
	// The line as jw.line writes it.
	j.item()
	var fields [len(lineKeys)][]byte
	for i := range fields {
		fields[i] = e.field(i)
	}
	lineHead(j, fields)
	j.open('[')
	// The ids, in pieces of many.
	nl := newlineAt(j.depth)
	b := j.buf[:0]
	n := p.uvarint()
	for k := uint64(0); k < n && p.err == nil; k++ {
		id := p.next(int(min(p.uvarint(), 1<<30)))
		if k > 0 {
			b = append(b, ',')
		}
		b = appendStr(append(b, nl...), id)
		if len(b) > 1<<14 {
			j.w.Write(b)
			b = b[:0]
		}
	}
	j.w.Write(b)
	j.buf = b
	if n > 0 {
		j.first[len(j.first)-1] = false
	}
	j.close(']')
	j.close('}')
}

// readUnpaid reads an unpaid entry: id, reason, decision, quantity,
// detail, unit.
func (p *partReader) readUnpaid(e *entry) {
	e.buf, e.n = e.buf[:0], 0
	p.readField(e)
	p.readField(e)
	p.readField(e)
	e.qty = p.varint()
	p.readField(e)
	e.unit = Unit(p.uvarint())
}

// writeUnpaid writes the unpaid entry read into e, as jw.unpaidEntry
// would.
func writeUnpaid(j *jw, e *entry) {
	j.item()
	j.buf = appendUnpaid(j.buf[:0], j.depth, e.field(0), e.field(1), e.field(2), e.field(3), e.qty, e.unit)
	j.w.Write(j.buf)
}

// readPending reads a pending id.
func (p *partReader) readPending(e *entry) {
	e.buf, e.n = e.buf[:0], 0
	p.readField(e)
}

func compareUnpaidEntries(a, b *entry) int {
	for i := range 3 {
		if c := bytes.Compare(a.field(i), b.field(i)); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.qty, b.qty); c != 0 {
		return c
	}
	return bytes.Compare(a.field(3), b.field(3))
}

func comparePendingEntries(a, b *entry) int { return bytes.Compare(a.field(0), b.field(0)) }

// A stream is count records of one reader still to merge.
type stream struct {
	p    *partReader
	left int
	read func(*partReader, *entry)
	e    entry
}

// mergeStreams calls emit with the records of all streams in order,
// dropping repeats (as sortUnpaid and sortIDs do), and returns how many
// it emitted.
func mergeStreams(streams []*stream, compare func(a, b *entry) int, emit func(e *entry)) int {
	var heap []*stream
	less := func(i, j int) bool {
		c := compare(&heap[i].e, &heap[j].e)
		return c < 0 || (c == 0 && heap[i].e.source < heap[j].e.source)
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(heap) {
				return
			}
			m := l
			if r := l + 1; r < len(heap) && less(r, l) {
				m = r
			}
			if !less(m, i) {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	for k, s := range streams {
		if s.left > 0 {
			s.read(s.p, &s.e)
			s.e.source = k
			s.left--
			heap = append(heap, s)
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var last entry
	n := 0
	for len(heap) > 0 {
		s := heap[0]
		if n == 0 || compare(&last, &s.e) != 0 {
			emit(&s.e)
			n++
			last.buf = append(last.buf[:0], s.e.buf...)
			last.off, last.n, last.qty, last.unit = s.e.off, s.e.n, s.e.qty, s.e.unit
		}
		if s.left > 0 && s.p.err == nil {
			k := s.e.source
			s.read(s.p, &s.e)
			s.e.source = k
			s.left--
		} else {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(0)
	}
	return n
}

// write writes the settlement to w and fills sum.
func (m *merger) write(w io.Writer, sum *StreamSummary) (err error) {
	var readers []*partReader
	defer func() {
		for _, r := range readers {
			if cerr := r.close(); err == nil && cerr != nil {
				err = errorf("%w", cerr)
			}
		}
	}()
	for _, res := range m.results {
		f, err := os.Open(res.file)
		if err != nil {
			return errorf("%w", err)
		}
		readers = append(readers, &partReader{src: f, buf: make([]byte, 1<<16), close: f.Close, provs: res.provs})
	}
	// The adjustments are one more part, whose lines are merged in by key.
	var abuf bytes.Buffer
	adjReader := &partReader{close: func() error { return nil }}
	{
		bw := bufio.NewWriter(&abuf)
		pw := partWriter{w: bw, format: m.format}
		for _, ps := range m.adj.Providers {
			pp := partProvider{prov: m.global.provIdx[ps.Provider], unpaid: len(ps.Unpaid), pending: len(ps.Pending)}
			adjReader.provs = append(adjReader.provs, pp)
			pw.uvarint(uint64(pp.prov) + 1)
			pw.uvarint(0)
			pw.unpaid(ps.Unpaid)
			pw.uvarint(uint64(len(ps.Pending)))
			for _, id := range ps.Pending {
				pw.str(id)
			}
		}
		pw.uvarint(0)
		pw.unpaid(m.adj.Unmatched)
		pw.flush()
		bw.Flush()
		adjReader.src, adjReader.buf = &abuf, make([]byte, 1<<12)
	}
	adjLines := map[int][]Line{}
	for _, ps := range m.adj.Providers {
		adjLines[m.global.provIdx[ps.Provider]] = ps.Lines
	}
	all := append(slices.Clip(readers), adjReader)
	for _, r := range all {
		r.nextProvider()
	}

	bw := newAsyncWriter(w)
	j := &jw{w: bw}
	var cw *csv.Writer
	if m.format == FormatJSON {
		j.open('{')
		j.field("period", m.global.period.String())
		j.field("tariff", m.global.t.Name)
		j.key("correction_of")
		bw.WriteString("null")
		j.key("providers")
		j.open('[')
	} else {
		cw = csv.NewWriter(bw)
		if m.format == FormatSwedishCSV {
			cw.Comma = ';'
		}
		cw.Write(CSVColumns)
		cw.Flush()
	}
	sum.Total = zeroMoney
	var e entry
	for p, prov := range m.global.providers {
		var parts []*partReader
		for _, r := range all {
			if r.pi < len(r.provs) && r.provs[r.pi].prov == p {
				parts = append(parts, r)
			}
		}
		if len(parts) == 0 {
			continue
		}
		// Markups from the parts' sums, then adjustments: the lines that
		// are not in a part.
		var synth []Line
		total := zeroMoney
		lines := 0
		for _, r := range parts {
			pp := &r.provs[r.pi]
			for svc, a := range pp.sums {
				synth = append(synth, Line{Service: svc, Amount: a})
			}
			total = total.Add(pp.total)
			lines += pp.lines
		}
		extra := append(m.global.markups(prov, synth), adjLines[p]...)
		extra = sortLines(extra)
		for _, l := range extra {
			total = total.Add(l.Amount)
		}
		lines += len(extra)
		ps := ProviderSummary{Provider: prov.ID, Regime: prov.Regime, Lines: lines, Total: total}

		writeExtra := func(l Line) {
			if cw != nil {
				cw.Write(csvRow(prov.ID, prov.Regime, l, m.format == FormatSwedishCSV))
				cw.Flush()
				return
			}
			j.item()
			j.line(l)
		}
		if cw == nil {
			j.item()
			j.open('{')
			j.field("provider", prov.ID)
			j.field("regime", prov.Regime.String())
			j.key("lines")
			j.open('[')
		}
		ei := 0
		for _, r := range parts {
			r.count(r.provs[r.pi].lines)
			for range r.provs[r.pi].lines {
				r.readLineKey(&e, m.format)
				for ei < len(extra) && lineBefore(extra[ei], &e) {
					writeExtra(extra[ei])
					ei++
				}
				r.writeLine(&e, j, m.format)
			}
			r.count(r.provs[r.pi].unpaid)
		}
		for ; ei < len(extra); ei++ {
			writeExtra(extra[ei])
		}
		var streams []*stream
		for _, r := range parts {
			streams = append(streams, &stream{p: r, left: r.provs[r.pi].unpaid, read: (*partReader).readUnpaid})
		}
		if cw == nil {
			j.close(']')
			j.key("unpaid")
			j.open('[')
		}
		ps.Unpaid = mergeStreams(streams, compareUnpaidEntries, func(e *entry) {
			if cw == nil {
				writeUnpaid(j, e)
			}
		})
		streams = streams[:0]
		for _, r := range parts {
			r.count(r.provs[r.pi].pending)
			streams = append(streams, &stream{p: r, left: r.provs[r.pi].pending, read: (*partReader).readPending})
		}
		if cw == nil {
			j.close(']')
			j.key("pending")
			j.open('[')
		}
		ps.Pending = mergeStreams(streams, comparePendingEntries, func(e *entry) {
			if cw == nil {
				j.item()
				writeStr(j, e.field(0))
			}
		})
		if cw == nil {
			j.close(']')
			j.field("total", money(total))
			j.close('}')
		}
		sum.Providers = append(sum.Providers, ps)
		sum.Lines += lines
		sum.Total = sum.Total.Add(total)
		for _, r := range parts {
			r.pi++
			r.nextProvider()
		}
	}
	// Every reader now stands at its unmatched entries.
	var streams []*stream
	for _, r := range all {
		if r.pi != len(r.provs) && r.err == nil {
			r.err = errorf("a part of the settlement has providers out of order")
		}
		streams = append(streams, &stream{p: r, left: int(r.uvarint()), read: (*partReader).readUnpaid})
	}
	if cw == nil {
		j.close(']')
		j.key("unmatched")
		j.open('[')
	}
	sum.Unmatched = mergeStreams(streams, compareUnpaidEntries, func(e *entry) {
		if cw == nil {
			writeUnpaid(j, e)
		}
	})
	issues := m.issues()
	sum.Issues = len(issues)
	if cw == nil {
		j.close(']')
		j.key("issues")
		j.issues(issues)
		j.field("total", money(sum.Total))
		j.close('}')
		bw.WriteByte('\n')
	}
	var errs []error
	for _, r := range all {
		errs = append(errs, r.err)
	}
	if cw != nil {
		errs = append(errs, cw.Error())
	}
	errs = append(errs, bw.Close())
	return errors.Join(errs...)
}

// count reads the count before a list of records and checks it.
func (p *partReader) count(want int) {
	if v := p.uvarint(); v != uint64(want) && p.err == nil {
		p.err = errorf("a part of the settlement is not as it was written")
	}
}

// An asyncWriter writes to w on a goroutine of its own, in pieces of a
// megabyte, so that writing a big settlement to a file goes on while the
// next piece is made. Close writes the rest and returns the first error.
type asyncWriter struct {
	cur  []byte
	full chan []byte
	free chan []byte
	done chan error
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{full: make(chan []byte, 2), free: make(chan []byte, 3), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range a.full {
			if err == nil {
				_, err = w.Write(b)
			}
			select {
			case a.free <- b[:0]:
			default:
			}
		}
		a.done <- err
	}()
	return a
}

const asyncPiece = 1 << 20

func (a *asyncWriter) send() {
	a.full <- a.cur
	select {
	case a.cur = <-a.free:
	default:
		a.cur = make([]byte, 0, asyncPiece+asyncPiece/4)
	}
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	a.cur = append(a.cur, p...)
	if len(a.cur) >= asyncPiece {
		a.send()
	}
	return len(p), nil
}

func (a *asyncWriter) WriteString(s string) (int, error) {
	a.cur = append(a.cur, s...)
	if len(a.cur) >= asyncPiece {
		a.send()
	}
	return len(s), nil
}

func (a *asyncWriter) WriteByte(c byte) error {
	a.cur = append(a.cur, c)
	return nil
}

// Close writes what is left and waits for the writes to end.
func (a *asyncWriter) Close() error {
	if len(a.cur) > 0 {
		a.full <- a.cur
		a.cur = nil
	}
	close(a.full)
	return <-a.done
}

// nextProvider reads the mark before a provider's records (its index + 1)
// or before the unmatched entries (0), and checks it against provs.
func (p *partReader) nextProvider() {
	v := p.uvarint()
	want := uint64(0)
	if p.pi < len(p.provs) {
		want = uint64(p.provs[p.pi].prov) + 1
	}
	if v != want && p.err == nil {
		p.err = errorf("a part of the settlement is not as it was written")
	}
}

// lineBefore reports whether line l comes before the line read into e
// (formats.md's order). Lines of parts and the others (markups,
// adjustments) differ in their component, so the first four keys decide.
func lineBefore(l Line, e *entry) bool {
	for i, k := range [...]string{l.Recipient, l.Decision, l.Service, l.Component} {
		if c := compareStringBytes(k, e.field(i)); c != 0 {
			return c < 0
		}
	}
	return false
}

// compareStringBytes compares a string with bytes, as strings.Compare would.
func compareStringBytes(a string, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(a[i], b[i])
		}
	}
	return cmp.Compare(len(a), len(b))
}

// issues returns the month's issues: the decisions', the parts' and the
// tariff gaps of all parts, each gap once with all its records and dates.
func (m *merger) issues() []Issue {
	list := slices.Clone(m.global.issues)
	gaps := map[string][]string{}
	dates := map[string][2]volume.Date{}
	for _, r := range m.results {
		list = append(list, r.issues...)
		for msg, ids := range r.gaps {
			gaps[msg] = append(gaps[msg], ids...)
		}
		for msg, d := range r.gapDates {
			cur, ok := dates[msg]
			if !ok {
				dates[msg] = d
				continue
			}
			if d[0].Before(cur[0]) {
				cur[0] = d[0]
			}
			if d[1].After(cur[1]) {
				cur[1] = d[1]
			}
			dates[msg] = cur
		}
	}
	return sortIssues(append(list, gapIssues(gaps, dates)...))
}

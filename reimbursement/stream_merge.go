package reimbursement

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/exempelby/ersattning/reimbursement/internal/jsonw"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/radix"
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
	workers int // goroutines that make the output
	tune    mergeTuning
}

// mergeTuning is the size of the pieces a task's text comes in (chunk
// bytes), and how many pieces a worker may have made that are not yet
// written (ahead, and the one it is making): a worker gets that far ahead
// of the writer, and no farther.
type mergeTuning struct {
	chunk, ahead int
	made         *atomic.Int64 // if not nil, counts the pieces made (for tests)
}

// A partReader reads a part's file, as settlePart wrote it, in order.
type partReader struct {
	src      io.Reader
	buf      []byte // read ahead from src: buf[pos:end]
	pos, end int
	eof      bool
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
	key    uint64 // of an unpaid entry or pending id: radix.Key of its id
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
	if p.pos < p.end { // most are one byte, read ahead
		if c := p.buf[p.pos]; c < 0x80 {
			p.pos++
			return uint64(c)
		}
	}
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

func (p *partReader) varint() int64 { return unzigzag(p.uvarint()) }

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

// readReason appends a reason, as partWriter.reason wrote it, to e as a
// field of its text.
func (p *partReader) readReason(e *entry) {
	c := p.uvarint()
	switch {
	case c == 0:
		p.readField(e)
		return
	case c <= uint64(len(reasonCodes)):
		e.buf = append(e.buf, reasonCodes[c-1]...)
	default:
		p.fail(errors.New("a reason is not known"))
	}
	e.off[e.n] = len(e.buf)
	e.n++
}

// readLineKey reads a line's fields (as partWriter.lineFields wrote
// them), up to its report ids.
func (p *partReader) readLineKey(e *entry) {
	e.buf, e.n = e.buf[:0], 0
	for range len(lineKeys) {
		p.readField(e)
	}
}

// A lineOut is where the merge writes a provider's lines: JSON, or CSV
// rows of the provider.
type lineOut struct {
	j        *jsonw.Writer
	csv      *csv.Writer // nil for JSON
	provider string
	regime   Regime
	swedish  bool
	row      []string // scratch of a CSV row
	ids      []byte   // scratch of its report ids
}

// writeLine writes the line read into e, reading its report ids and
// writing them as it goes.
func (p *partReader) writeLine(e *entry, out *lineOut) {
	if out.csv != nil {
		p.writeLineCSV(e, out)
		return
	}
	j := out.j
	// The line as writeLine writes it.
	j.Item()
	var fields [len(lineKeys)][]byte
	for i := range fields {
		fields[i] = e.field(i)
	}
	lineHead(j, fields)
	j.Open('[')
	// The ids, in pieces of many: made in the output's piece itself when
	// the output is a chunkWriter.
	nl := jsonw.Newline(j.Depth())
	cw, direct := j.Target().(*chunkWriter)
	b := j.Scratch()
	if direct {
		b = cw.cur
	}
	flush := func() {
		if direct {
			cw.cur = b
			cw.check()
			b = cw.cur
			return
		}
		j.Raw(b)
		b = b[:0]
	}
	n := p.uvarint()
	for k := uint64(0); k < n && p.err == nil; k++ {
		id := p.next(int(min(p.uvarint(), 1<<30)))
		if k > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendString(append(b, nl...), id)
		if len(b) > 1<<14 {
			flush()
		}
	}
	flush()
	if !direct {
		j.Keep(b)
	}
	if n > 0 {
		j.Filled()
	}
	j.Close(']')
	j.Close('}')
}

// writeLineCSV writes the line read into e as a CSV row, as csvRow makes
// it, reading its report ids.
func (p *partReader) writeLineCSV(e *entry, out *lineOut) {
	out.ids = out.ids[:0]
	n := p.uvarint()
	for k := uint64(0); k < n && p.err == nil; k++ {
		if k > 0 {
			out.ids = append(out.ids, ' ')
		}
		out.ids = append(out.ids, p.next(int(min(p.uvarint(), 1<<30)))...)
	}
	row := append(out.row[:0], out.provider, out.regime.String())
	for i := range len(lineKeys) {
		f := string(e.field(i))
		if out.swedish && i >= 6 && i <= 10 { // quantity, price, factor, divisor, amount
			f = strings.Replace(f, ".", ",", 1)
		}
		row = append(row, f)
	}
	out.row = append(row, string(out.ids))
	out.csv.Write(out.row)
	out.csv.Flush()
}

// readUnpaid reads an unpaid entry: id, reason, decision, quantity,
// detail, unit.
func (p *partReader) readUnpaid(e *entry) {
	e.buf, e.n = e.buf[:0], 0
	p.readField(e)
	e.key = radix.Key(e.field(0), 0)
	p.readReason(e)
	p.readField(e)
	e.qty = p.varint()
	p.readField(e)
	e.unit = Unit(p.uvarint())
}

// writeUnpaid writes the unpaid entry read into e, as writeUnpaidEntry
// would.
func writeUnpaid(j *jsonw.Writer, e *entry) {
	j.Item()
	if cw, ok := j.Target().(*chunkWriter); ok {
		// Made in the piece itself.
		cw.cur = appendUnpaid(cw.cur, j.Depth(), e.field(0), e.field(1), e.field(2), e.field(3), e.qty, e.unit)
		cw.check()
		return
	}
	b := appendUnpaid(j.Scratch(), j.Depth(), e.field(0), e.field(1), e.field(2), e.field(3), e.qty, e.unit)
	j.Raw(b)
	j.Keep(b)
}

// readPending reads a pending id.
func (p *partReader) readPending(e *entry) {
	e.buf, e.n = e.buf[:0], 0
	p.readField(e)
	e.key = radix.Key(e.field(0), 0)
}

// compareUnpaidEntries orders unpaid entries as compareUnpaid does: by
// their ids' first eight bytes, and by the fields only on a tie.
func compareUnpaidEntries(a, b *entry) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
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

func comparePendingEntries(a, b *entry) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
	return bytes.Compare(a.field(0), b.field(0))
}

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
			buf := append(last.buf[:0], s.e.buf...)
			last = s.e
			last.buf = buf // its own, as s.e's is read into again
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

// A mergeTask is one piece of the output made on a worker: a provider's
// settlement, or the unmatched entries. Its text comes in chunks on out,
// in order; sum and err are set before out is closed.
type mergeTask struct {
	prov  int          // provider index, or -1 for the unmatched entries
	parts []partSource // the parts that have records of it
	out   chan []byte
	pool  *piecePool // of the worker that makes it: its pieces go back there
	sum   ProviderSummary
	n     int // unmatched entries written
	err   error
}

// A partSource is where a part's records of one task are: bytes off to
// end of src.
type partSource struct {
	src      io.ReaderAt
	pp       *partProvider // nil for the unmatched entries
	off, end int64
}

// The merge's tuning: a worker may be 2 MiB × 32 ahead of the writer.
const (
	mergeChunk = 1 << 21
	mergeAhead = 32
)

// A piecePool holds a worker's pieces: it makes up to limit of them, and
// then waits for the writer to give one back. A worker's tasks are made
// in order and written in order, so the pieces it waits for are those of
// the task the writer is writing or of one before it: the writer frees
// them whatever the other workers do.
type piecePool struct {
	free  chan []byte // capacity limit: giving back never waits
	made  int
	limit int
	size  int // of a piece
	count *atomic.Int64
}

func newPiecePool(tune mergeTuning) *piecePool {
	limit := max(1, tune.ahead) + 1
	return &piecePool{free: make(chan []byte, limit), limit: limit, size: tune.chunk, count: tune.made}
}

// get returns an empty piece.
func (p *piecePool) get() []byte {
	select {
	case b := <-p.free:
		return b
	default:
	}
	if p.made < p.limit {
		p.made++
		if p.count != nil {
			p.count.Add(1)
		}
		return make([]byte, 0, p.size+p.size/4)
	}
	return <-p.free
}

// put gives a piece back.
func (p *piecePool) put(b []byte) { p.free <- b[:0] }

// A chunkWriter is where a task's text is made: the pieces go to the
// task's channel as they fill.
type chunkWriter struct {
	cur  []byte
	size int // of a piece
	out  chan []byte
	pool *piecePool
}

func (c *chunkWriter) send() {
	c.out <- c.cur
	c.get()
}

// get takes an empty piece to write in.
func (c *chunkWriter) get() { c.cur = c.pool.get() }

// check sends the piece when it is full.
func (c *chunkWriter) check() {
	if len(c.cur) >= c.size {
		c.send()
	}
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.cur = append(c.cur, p...)
	c.check()
	return len(p), nil
}

func (c *chunkWriter) WriteString(s string) (int, error) {
	c.cur = append(c.cur, s...)
	c.check()
	return len(s), nil
}

func (c *chunkWriter) WriteByte(b byte) error {
	c.cur = append(c.cur, b)
	return nil
}

// finish sends what is left and closes the task's channel.
func (c *chunkWriter) finish() {
	if len(c.cur) > 0 {
		c.out <- c.cur
	} else {
		c.pool.put(c.cur)
	}
	c.cur = nil
	close(c.out)
}

// write writes the settlement to w and fills sum. The providers'
// settlements and the unmatched entries are made on m.workers goroutines,
// each task from its parts' files (read at the offsets settlePart noted),
// and written in order as they come: a worker is at most m.tune.ahead
// chunks ahead of the writer.
func (m *merger) write(w io.Writer, sum *StreamSummary) (err error) {
	var srcs []io.ReaderAt
	var files []*os.File
	defer func() {
		for _, f := range files {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = errorf("%w", cerr)
			}
		}
	}()
	results := slices.Clip(m.results)
	for _, res := range results {
		f, err := os.Open(res.file)
		if err != nil {
			return errorf("%w", err)
		}
		files = append(files, f)
		srcs = append(srcs, f)
	}
	// The adjustments are one more part, whose lines are merged in by key.
	adjRes, adjData := m.adjustmentPart()
	results = append(results, adjRes)
	srcs = append(srcs, bytes.NewReader(adjData))
	adjLines := map[int][]Line{}
	for _, ps := range m.adj.Providers {
		adjLines[m.global.provIdx[ps.Provider]] = ps.Lines
	}
	tasks, err := m.tasks(results, srcs)
	if err != nil {
		return err
	}
	m.start(tasks, adjLines)
	return m.writeTasks(w, tasks, sum)
}

// tasks returns the merge's tasks in the order of the output: each
// provider's parts of the results (read from srcs), then the unmatched
// entries of all of them.
func (m *merger) tasks(results []*partResult, srcs []io.ReaderAt) ([]*mergeTask, error) {
	var tasks []*mergeTask
	next := make([]int, len(results)) // per part: its provider looked at next
	for p := range m.global.providers {
		t := &mergeTask{prov: p}
		for k, res := range results {
			if i := next[k]; i < len(res.provs) && res.provs[i].prov == p {
				end := res.unmatched
				if i+1 < len(res.provs) {
					end = res.provs[i+1].off
				}
				t.parts = append(t.parts, partSource{src: srcs[k], pp: &res.provs[i], off: res.provs[i].off, end: end})
				next[k]++
			}
		}
		if len(t.parts) > 0 {
			tasks = append(tasks, t)
		}
	}
	for k, res := range results {
		if next[k] != len(res.provs) {
			return nil, errorf("a part of the settlement has providers out of order")
		}
	}
	unmatched := &mergeTask{prov: -1}
	for k, res := range results {
		unmatched.parts = append(unmatched.parts, partSource{src: srcs[k], off: res.unmatched, end: math.MaxInt64})
	}
	tasks = append(tasks, unmatched)
	for _, t := range tasks {
		t.out = make(chan []byte, m.tune.ahead)
	}
	return tasks, nil
}

// start makes the tasks' text on the merger's workers. The workers take
// the tasks in order, so the first task not yet written always has a
// worker, and the writer never waits for nothing. Each worker makes its
// tasks' text in pieces of its own pool: one that runs ahead of the
// writer waits when its pieces are all made and not yet written.
func (m *merger) start(tasks []*mergeTask, adjLines map[int][]Line) {
	pools := make([]readerPool, max(1, m.workers))
	pieces := make([]*piecePool, len(pools))
	for w := range pieces {
		pieces[w] = newPiecePool(m.tune)
	}
	go parallel.ForEach(len(pools), len(tasks), func(w, i int) {
		t := tasks[i]
		cw := &chunkWriter{size: m.tune.chunk, out: t.out, pool: pieces[w]}
		t.pool = cw.pool // before its first piece is sent
		cw.get()
		if t.prov < 0 {
			m.writeUnmatched(t, cw, &pools[w])
		} else {
			m.writeProvider(t, cw, &pools[w], adjLines[t.prov])
		}
		cw.finish()
	})
}

// writeTasks writes the settlement to w: its head, the tasks' text as it
// is made, in order, and its issues, files and total, which it sums.
func (m *merger) writeTasks(w io.Writer, tasks []*mergeTask, sum *StreamSummary) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	j := jsonw.New(bw)
	if m.format == FormatJSON {
		j.Open('{')
		j.Field("period", m.global.period.String())
		j.Field("tariff", m.global.t.name)
		j.Key("correction_of")
		bw.WriteString("null")
		j.Key("providers")
		j.Open('[')
	} else {
		writeCSVHeader(bw, m.format == FormatSwedishCSV)
	}
	sum.Total = zeroMoney
	var errs []error
	for _, t := range tasks {
		if m.format == FormatJSON {
			if t.prov < 0 {
				j.Close(']')
				j.Key("unmatched")
				j.Open('[')
			} else {
				j.Item()
			}
		}
		for c := range t.out {
			bw.Write(c)
			t.pool.put(c)
		}
		errs = append(errs, t.err)
		if t.prov < 0 {
			sum.Unmatched = t.n
			if t.n > 0 && m.format == FormatJSON {
				j.Filled()
			}
			continue
		}
		sum.Providers = append(sum.Providers, t.sum)
		sum.Lines += t.sum.Lines
		sum.Total = sum.Total.Add(t.sum.Total)
	}
	issues := m.issues()
	sum.Issues = len(issues)
	sum.UnknownColumns = m.global.files.issues()
	sum.Files = m.files()
	if m.format == FormatJSON {
		j.Close(']')
		j.Key("issues")
		writeIssues(j, issues)
		j.Key("files")
		writeFiles(j, sum.Files)
		j.Field("total", money(sum.Total))
		j.Close('}')
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		errs = append(errs, errorf("%w", err))
	}
	return errors.Join(errs...)
}

// adjustmentPart writes the month's adjustments (unpaid entries, pending
// ids and unmatched entries; their lines are merged in by key) as a part.
func (m *merger) adjustmentPart() (*partResult, []byte) {
	var buf bytes.Buffer
	res := &partResult{}
	pw := partWriter{w: &buf}
	for _, ps := range m.adj.Providers {
		pp := partProvider{prov: m.global.provIdx[ps.Provider], off: pw.pos(), unpaid: len(ps.Unpaid), pending: len(ps.Pending)}
		res.provs = append(res.provs, pp)
		pw.uvarint(uint64(pp.prov) + 1)
		pw.uvarint(0)
		pw.unpaid(ps.Unpaid)
		pw.uvarint(uint64(len(ps.Pending)))
		for _, id := range ps.Pending {
			pw.str(id)
		}
	}
	res.unmatched = pw.pos()
	pw.uvarint(0)
	pw.unpaid(m.adj.Unmatched)
	pw.flush()
	return res, buf.Bytes()
}

// A readerPool keeps a worker's part readers and their buffers from one
// task to the next.
type readerPool struct{ list []*partReader }

// open returns n readers, the k-th reading parts[k] from its offset.
func (rp *readerPool) open(parts []partSource) []*partReader {
	for len(rp.list) < len(parts) {
		rp.list = append(rp.list, &partReader{buf: make([]byte, 1<<16)})
	}
	out := rp.list[:len(parts)]
	for k, ps := range parts {
		r := out[k]
		*r = partReader{src: io.NewSectionReader(ps.src, ps.off, max(0, ps.end-ps.off)), buf: r.buf[:cap(r.buf)]}
		if ps.pp != nil {
			r.provs = []partProvider{*ps.pp}
		}
		r.nextProvider()
	}
	return out
}

// taskJSON returns the JSON writer of a task: inside the providers list,
// or the unmatched list, of the settlement.
func taskJSON(w jsonw.ByteWriter, inList bool) *jsonw.Writer {
	return jsonw.Inside(w, false, !inList)
}

// extraLines returns a provider's lines that are in no part, in order:
// its markups, from the parts' sums (rules §9), and its adjustments adj;
// and sums up its summary with them in t.
func (m *merger) extraLines(t *mergeTask, prov Provider, adj []Line) []Line {
	var sums lineSums
	total := zeroMoney
	lines := 0
	for _, ps := range t.parts {
		sums.merge(&ps.pp.sums)
		total = total.Add(ps.pp.total)
		lines += ps.pp.lines
	}
	extra := sortLines(append(m.global.markups(prov, &sums), adj...))
	for _, l := range extra {
		total = total.Add(l.Amount)
	}
	t.sum = ProviderSummary{Provider: prov.ID, Regime: prov.Regime, Lines: lines + len(extra), Total: total}
	return extra
}

// writeProvider makes the settlement of provider t.prov from its parts:
// their lines one part after the other with the markup and adjustment
// lines (adj) put in their places, their unpaid entries and pending ids
// merged by id.
func (m *merger) writeProvider(t *mergeTask, cw *chunkWriter, readers *readerPool, adj []Line) {
	prov := m.global.providers[t.prov]
	parts := readers.open(t.parts)
	extra := m.extraLines(t, prov, adj)
	total := t.sum.Total

	j := taskJSON(cw, true)
	var csvw *csv.Writer
	if m.format != FormatJSON {
		csvw = newLinesCSV(cw, m.format == FormatSwedishCSV)
	}
	out := &lineOut{j: j, csv: csvw, provider: prov.ID, regime: prov.Regime, swedish: m.format == FormatSwedishCSV}
	writeExtra := func(l Line) {
		if csvw != nil {
			csvw.Write(csvRow(prov.ID, prov.Regime, l, m.format == FormatSwedishCSV))
			csvw.Flush()
			return
		}
		j.Item()
		writeLine(j, l)
	}
	if csvw == nil {
		j.Open('{')
		j.Field("provider", prov.ID)
		j.Field("name", prov.Name)
		j.Field("regime", prov.Regime.String())
		j.Key("lines")
		j.Open('[')
	}
	var e entry
	ei := 0
	for k, r := range parts {
		pp := t.parts[k].pp
		r.count(pp.lines)
		for range pp.lines {
			r.readLineKey(&e)
			for ei < len(extra) && lineBefore(extra[ei], &e) {
				writeExtra(extra[ei])
				ei++
			}
			r.writeLine(&e, out)
		}
		r.count(pp.unpaid)
	}
	for ; ei < len(extra); ei++ {
		writeExtra(extra[ei])
	}
	// next ends the JSON list before and opens the one of key.
	next := func(key string) {
		if csvw == nil {
			j.Close(']')
			j.Key(key)
			j.Open('[')
		}
	}
	var streams []*stream
	for k, r := range parts {
		streams = append(streams, &stream{p: r, left: t.parts[k].pp.unpaid, read: (*partReader).readUnpaid})
	}
	next("unpaid")
	t.sum.Unpaid = mergeStreams(streams, compareUnpaidEntries, func(e *entry) {
		if csvw == nil {
			writeUnpaid(j, e)
		}
	})
	streams = streams[:0]
	for k, r := range parts {
		pp := t.parts[k].pp
		r.count(pp.pending)
		streams = append(streams, &stream{p: r, left: pp.pending, read: (*partReader).readPending})
	}
	next("pending")
	t.sum.Pending = mergeStreams(streams, comparePendingEntries, func(e *entry) {
		if csvw == nil {
			j.Item()
			j.StringBytes(e.field(0))
		}
	})
	if csvw == nil {
		j.Close(']')
		j.Field("total", money(total))
		j.Close('}')
	}
	var errs []error
	for _, r := range parts {
		errs = append(errs, r.err)
	}
	if csvw != nil {
		errs = append(errs, csvw.Error())
	}
	t.err = errors.Join(errs...)
}

// writeUnmatched makes the month's unmatched entries, merged by id from
// all parts (JSON only: CSV has no unmatched entries).
func (m *merger) writeUnmatched(t *mergeTask, cw *chunkWriter, readers *readerPool) {
	parts := readers.open(t.parts)
	var streams []*stream
	for _, r := range parts {
		streams = append(streams, &stream{p: r, left: int(min(r.uvarint(), 1<<40)), read: (*partReader).readUnpaid})
	}
	j := taskJSON(cw, false)
	t.n = mergeStreams(streams, compareUnpaidEntries, func(e *entry) {
		if m.format == FormatJSON {
			writeUnpaid(j, e)
		}
	})
	var errs []error
	for _, r := range parts {
		errs = append(errs, r.err)
	}
	t.err = errors.Join(errs...)
}

// count reads the count before a list of records and checks it.
func (p *partReader) count(want int) {
	if v := p.uvarint(); v != uint64(want) && p.err == nil {
		p.err = errorf("a part of the settlement is not as it was written")
	}
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

// files returns the month's reconciliation of its input: the rows the
// readers read, and the records the month's settler (providers,
// decisions, adjustments) and the parts' (reports, absences, presence)
// took.
func (m *merger) files() []FileCount {
	taken := m.global.takenCounts()
	for _, r := range m.results {
		for f, n := range r.taken {
			taken[f] += n
		}
	}
	return fileCounts(m.global.files, taken)
}

// issues returns the month's issues: the decisions', the parts' and the
// tariff gaps of all parts, each gap once with its records (at most
// MaxIssueIDs) and dates.
func (m *merger) issues() []Issue {
	list := slices.Clone(m.global.issues)
	list = append(list, m.global.files.issues()...)
	gaps := map[string]*idSample{}
	dates := map[string][2]volume.Date{}
	for _, r := range m.results {
		list = append(list, r.issues...)
		for msg, g := range r.gaps {
			if gaps[msg] == nil {
				gaps[msg] = &idSample{}
			}
			gaps[msg].merge(g)
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

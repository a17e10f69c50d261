package reimbursement

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/reimbursement/internal/repeats"
	"github.com/exempelby/ersattning/volume"
)

// A Format is a form in which WriteSettlementFS writes a settlement.
type Format uint8

// The forms of a settlement (formats.md).
const (
	FormatJSON       Format = iota // indented JSON, as Settlement.WriteJSON writes it
	FormatCSV                      // the lines, as Settlement.WriteCSV writes them
	FormatSwedishCSV               // the lines with ";" and decimal commas
)

// StreamOptions configure WriteSettlementFS.
type StreamOptions struct {
	Options
	// Format is the form of the output; the zero value is FormatJSON.
	Format Format
	// TempDir is where the reports are kept between the two passes, in a
	// directory of their own that is removed at the end; "" means
	// os.TempDir(). It needs room for about 25 bytes a report (a national
	// month of 15 million: under 400 MB).
	TempDir string
	// PartReports is about how many reports one part of the month holds:
	// the reports in memory at once are this many per worker (Workers, or
	// one per core). A month with no more reports than that is settled
	// whole, as SettleFSWith does. 0 means 1<<18.
	PartReports int
}

// A StreamSummary says what WriteSettlementFS wrote.
type StreamSummary struct {
	Parts     int // parts the month was settled in
	Providers []ProviderSummary
	Lines     int // lines of all providers
	Unmatched int
	Issues    int
	// UnknownColumns are the unknown-column issues among them, for the
	// caller to warn of.
	UnknownColumns []Issue
	Files          []FileCount // the input's reconciliation, as Settlement.Files
	Total          decimal.Decimal
}

// A ProviderSummary is one provider's part of a StreamSummary.
type ProviderSummary struct {
	Provider string
	Regime   Regime
	Lines    int
	Unpaid   int
	Pending  int
	Total    decimal.Decimal
}

// WriteSettlementFS settles period from the bundle in fsys, as SettleFSWith
// does, and writes the settlement to w in opt.Format, holding in memory the
// decisions and, per core, a part of the reports at a time rather than the
// month.
//
// It reads the reports once, keeping each in a file of its part of the
// recipients (under opt.TempDir), then settles the parts on all cores and
// merges them into one settlement: the same bytes Settlement.WriteJSON or
// WriteCSV would write for the settlement SettleFSWith returns. Recipients
// are split into parts by id; two parts that share a record id (copies of
// one report naming different recipients) are settled as one, so that the
// copies are found as they would be in one settlement.
//
// Problems and errors are as SettleFSWith's. With opt.Audit each part is
// settled and written as without it, and then its file is read back, as
// the merge reads it, and audited against the records the part was given;
// the adjustments are audited against theirs. Nothing is written to w
// unless every part was settled (and passed its audit).
//
// The bound on memory holds for real months, and for months whose rows
// cannot be read (their problems are listed up to MaxFileProblems a
// file). Parts are ranges of the recipients the decisions name, or of
// recipients sampled from the report files when the reports would crowd
// into a few of those ranges (reports that came with other pseudonyms
// than the decisions, X1… for R1…); the sample needs files that can be
// read at an offset (io.ReaderAt, as os.DirFS's can). Input that defeats
// that still settles exactly, but may need more: a month of one recipient
// is one part, copies of ids or shared visits across all recipients join
// all parts into one, and crowded reports in files that cannot be sampled
// go to the part their names sort into.
func WriteSettlementFS(w io.Writer, fsys fs.FS, t *Tariff, period volume.Period, opt StreamOptions) (StreamSummary, []error, error) {
	return writeSettlementFS(w, fsys, t, period, opt, mergeTuning{chunk: mergeChunk, ahead: mergeAhead})
}

// writeSettlementFS is WriteSettlementFS with the merge's chunks as tune
// has them (tests make them small).
func writeSettlementFS(w io.Writer, fsys fs.FS, t *Tariff, period volume.Period, opt StreamOptions, tune mergeTuning) (sum StreamSummary, problems []error, err error) {
	switch {
	case w == nil:
		return sum, nil, errorf("WriteSettlementFS: no writer")
	case fsys == nil:
		return sum, nil, errorf("WriteSettlementFS: no file system")
	case t == nil:
		return sum, nil, errorf("WriteSettlementFS: no tariff: load one with LoadTariff or ParseTariff")
	}
	if opt.Format > FormatSwedishCSV {
		return sum, nil, errorf("StreamOptions.Format %d: want FormatJSON, FormatCSV or FormatSwedishCSV", opt.Format)
	}
	files, err := kindFiles(fsys, FileReports)
	if err != nil {
		return sum, nil, err
	}
	size := filesSize(fsys, files)
	perPart := opt.PartReports
	if perPart <= 0 {
		perPart = defaultPartReports
	}
	workers := min(runtime.GOMAXPROCS(0), 8)
	if opt.Workers > 0 {
		workers = opt.Workers
	}
	if size/reportRowBytes <= int64(perPart)*int64(workers) {
		// As many reports as the parts settled at once would hold: the
		// month is settled whole.
		return writeWhole(w, fsys, t, period, opt)
	}
	var pl problemList
	defer func() { problems = pl.errors() }()
	log := newFileLog()
	providers, decisions, err := readParties(fsys, &pl, log)
	if err != nil {
		return sum, nil, err
	}
	// The whole month's decisions, checked once: the parts get those that
	// can be settled, and the issues of the rest are this settler's, with
	// the providers, markups and adjustments.
	global, err := NewSettler(t, period, providers, nil, Options{Location: opt.Location})
	if err != nil {
		return sum, problems, err
	}
	global.files = log
	unread := unreadRecipients(decisions)
	kept, err := global.checkDecisions(decisions, decisionsOwned)
	if err != nil {
		return sum, problems, err
	}
	decisions = nil
	tmp, err := os.MkdirTemp(opt.TempDir, "settlement-*")
	if err != nil {
		return sum, problems, errorf("%w", err)
	}
	defer os.RemoveAll(tmp)

	sp := newSplit(newDecisionStore(kept), unread, sampleRecipients(fsys, files, splitSample), size, perPart, tmp, opt.Location)
	others, units, err := sp.spill(fsys, log, &pl, global)
	if err != nil {
		return sum, problems, err
	}
	absences, presence := others.absences, others.presence
	sum.Parts = len(units)

	// Second pass: the parts, on all cores, each written ahead to a file.
	workers = min(workers, len(units))
	results, err := settleUnits(t, period, providers, sp, units, absences, presence, opt.Options, workers, tmp)
	if err != nil {
		return sum, problems, err
	}
	adj, err := monthAdjustments(global, t, period, opt.Options)
	if err != nil {
		return sum, problems, err
	}
	m := &merger{global: global, adj: adj, results: results, format: opt.Format, workers: workers, tune: tune}
	if err := m.write(w, &sum); err != nil {
		return sum, problems, err
	}
	return sum, problems, nil
}

// writeWhole settles the month in memory and writes it.
func writeWhole(w io.Writer, fsys fs.FS, t *Tariff, period volume.Period, opt StreamOptions) (StreamSummary, []error, error) {
	sum := StreamSummary{Parts: 1}
	st, problems, err := SettleFSWith(fsys, t, period, opt.Options)
	if err != nil {
		return sum, problems, err
	}
	switch opt.Format {
	case FormatJSON:
		err = st.WriteJSON(w)
	default:
		err = st.WriteCSV(w, opt.Format == FormatSwedishCSV)
	}
	if err != nil {
		return sum, problems, errorf("%w", err)
	}
	for _, p := range st.Providers {
		sum.Providers = append(sum.Providers, ProviderSummary{Provider: p.Provider, Regime: p.Regime,
			Lines: len(p.Lines), Unpaid: len(p.Unpaid), Pending: len(p.Pending), Total: p.Total})
		sum.Lines += len(p.Lines)
	}
	sum.Unmatched, sum.Issues, sum.Total = len(st.Unmatched), len(st.Issues), st.Total
	sum.Files = st.Files
	for _, i := range st.Issues {
		if i.Kind == IssueUnknownColumn {
			sum.UnknownColumns = append(sum.UnknownColumns, i)
		}
	}
	return sum, problems, nil
}

// defaultPartReports is StreamOptions.PartReports when it is 0.
const defaultPartReports = 1 << 18

// reportRowBytes is about the size of a row of reports.csv, for guessing
// how many reports a file holds.
const reportRowBytes = 75

// A split sends the reports of the first pass to the files of their
// parts: recipients in ranges of their ids, about as many decisions in
// each.
type split struct {
	dir       string
	bounds    []string // first recipient of each part but the first
	boundKeys []uint64 // their first eight bytes (radix.Key), to compare first
	parts     []spillFile
	hashes    [hashBuckets]spillFile // (id hash, part) of every report, by hash
	seed      maphash.Seed
	last      string // the last recipient and its part
	lastP     int
	decisions *decisionStore // the month's, those that can be settled
	decs      [][]int32      // per part: its decisions
	copies    []bool         // per part: whether an id of its reports may be used twice
	absPart   []int          // the part of each absence, of each presence day
	presPart  []int
	zone      *volume.Zone // of wall-clock times, for the rows of shared visits
	// Every row of a shared visit, until giveShadows: written to a file
	// of its own, each row on its own (appendReport), at its offset, with
	// its part and the hash of its visit's id.
	shared     spillFile
	sharedSize int64
	sharedOff  []int64
	sharedPart []int32
	sharedKey  []uint64
	err        error // the first write that failed
}

const hashBuckets = 64

// maxParts bounds the parts: a part number fits in a byte of a hash entry.
const maxParts = 256

// A spillFile is a file written through a buffer of its own.
type spillFile struct {
	prev spillPrev // of the last report written, see appendReport
	path string
	f    *os.File
	buf  []byte
	n    int // records written
}

// spillBuffer is how many bytes a spillFile holds before it writes them.
const spillBuffer = 1 << 18

// wrote counts a record just appended to f.buf, and writes the buffer
// out when it is full. The buffer is made whole at the first record
// (rather than grown to its size by appends).
func (f *spillFile) wrote() error {
	f.n++
	if len(f.buf) >= spillBuffer {
		return f.flush()
	}
	if f.n == 1 {
		f.buf = append(make([]byte, 0, spillBuffer+64), f.buf...)
	}
	return nil
}

func (f *spillFile) flush() error {
	if len(f.buf) == 0 {
		return nil
	}
	if f.f == nil {
		var err error
		if f.f, err = os.Create(f.path); err != nil {
			return errorf("%w", err)
		}
	}
	_, err := f.f.Write(f.buf)
	f.buf = f.buf[:0]
	if err != nil {
		return errorf("%w", err)
	}
	return nil
}

func (f *spillFile) close() error {
	err := f.flush()
	if f.f != nil {
		if cerr := f.f.Close(); err == nil && cerr != nil {
			err = errorf("%w", cerr)
		}
		f.f = nil
	}
	f.buf = nil
	return err
}

// read returns what was written to the file, as one string (its reports'
// strings are substrings of it).
func (f *spillFile) read() (string, error) {
	if f.n == 0 {
		return "", nil
	}
	file, err := os.Open(f.path)
	if err != nil {
		return "", errorf("%w", err)
	}
	defer file.Close()
	var b strings.Builder
	if info, err := file.Stat(); err == nil {
		b.Grow(int(info.Size()))
	}
	if _, err := io.Copy(&b, file); err != nil {
		return "", errorf("%w", err)
	}
	return b.String(), nil
}

// newSplit makes the parts of a month, about perPart reports each of the
// size bytes: ranges of the recipients of the decisions and of more, or,
// when there are none or the recipients sampled from the reports would
// crowd into a few of those ranges, ranges of the sample.
func newSplit(decisions *decisionStore, more, sample []string, size int64, perPart int, dir string, loc *time.Location) *split {
	recipients := make([]string, 0, decisions.len()+len(more))
	recipients = append(recipients, more...)
	for i := range decisions.len() {
		recipients = append(recipients, decisions.recipient(i))
	}
	slices.Sort(recipients)
	n := int((size/reportRowBytes + int64(perPart) - 1) / int64(perPart))
	n = max(1, min(n, maxParts))
	sp := &split{dir: dir, decisions: decisions, seed: maphash.MakeSeed(), lastP: -1, zone: volume.NewZone(loc)}
	sp.bounds = rangeBounds(slices.Compact(recipients), n)
	if n > 1 && (len(sp.bounds) == 0 || crowded(sp.bounds, sample)) {
		slices.Sort(sample) // copies stay: they weigh a recipient by its reports
		sp.bounds = rangeBounds(sample, n)
	}
	for _, b := range sp.bounds {
		sp.boundKeys = append(sp.boundKeys, radix.Key(b, 0))
	}
	sp.parts = make([]spillFile, len(sp.bounds)+1)
	for k := range sp.parts {
		sp.parts[k].path = filepath.Join(dir, fmt.Sprintf("part-%d", k))
	}
	for k := range sp.hashes {
		sp.hashes[k].path = filepath.Join(dir, fmt.Sprintf("ids-%d", k))
	}
	sp.shared.path = filepath.Join(dir, "shared")
	sp.decs = make([][]int32, len(sp.parts))
	for i := range decisions.len() {
		p := sp.partOf(decisions.recipient(i))
		sp.decs[p] = append(sp.decs[p], int32(i))
	}
	return sp
}

// partOf returns the part of a recipient.
// rangeBounds returns the bounds of at most n ranges of about as many of
// the sorted names each: a range holds the names from its bound (or the
// first) up to the next bound.
func rangeBounds(names []string, n int) []string {
	var bounds []string
	for k := 1; k < min(n, len(names)); k++ {
		b := names[k*len(names)/min(n, len(names))]
		if len(bounds) == 0 || bounds[len(bounds)-1] != b {
			bounds = append(bounds, b)
		}
	}
	return bounds
}

// splitSample is how many report rows sampleRecipients reads.
const splitSample = 512

// crowded reports whether the ranges of bounds would get the sampled
// recipients so unevenly that one range holds more than three times its
// share: the reports name recipients that the decisions do not (other
// pseudonyms, say), so that ranges of the decisions' recipients would put
// them all in one part.
func crowded(bounds, sample []string) bool {
	if len(bounds) == 0 || len(sample) < 4*(len(bounds)+1) {
		return false
	}
	count := make([]int, len(bounds)+1)
	for _, r := range sample {
		count[sort.Search(len(bounds), func(i int) bool { return bounds[i] > r })]++
	}
	return slices.Max(count) > 3*len(sample)/len(count)+8
}

// sampleRecipients reads the recipients of about n report rows at even
// offsets of the files that can be read at an offset (io.ReaderAt, as
// os.DirFS's can), for newSplit to see how the reports spread over
// recipients. A row that cannot be read is left out; rows in a quoted
// field that holds line ends may be misread, which only makes the parts
// less even.
func sampleRecipients(fsys fs.FS, files []string, n int) []string {
	type sized struct {
		name string
		size int64
	}
	var list []sized
	var total int64
	for _, f := range files {
		if info, err := fs.Stat(fsys, f); err == nil && info.Size() > 0 {
			list = append(list, sized{f, info.Size()})
			total += info.Size()
		}
	}
	var out []string
	buf := make([]byte, 4096)
	for _, f := range list {
		k := int(int64(n) * f.size / max(total, 1))
		if k == 0 {
			continue
		}
		file, err := fsys.Open(f.name)
		if err != nil {
			continue
		}
		ra, ok := file.(io.ReaderAt)
		if !ok {
			file.Close()
			continue
		}
		// The header, then a whole row after each offset, read as one file.
		head, _, _ := bytes.Cut(buf[:readAt(ra, buf, 0)], []byte("\n"))
		rows := append(append([]byte(nil), head...), '\n')
		for j := 1; j <= k; j++ {
			_, rest, ok := bytes.Cut(buf[:readAt(ra, buf, f.size*int64(j)/int64(k+1))], []byte("\n"))
			if line, _, whole := bytes.Cut(rest, []byte("\n")); ok && whole && len(line) > 0 {
				rows = append(append(rows, line...), '\n')
			}
		}
		file.Close()
		rr := volume.NewReportReader(bytes.NewReader(rows), f.name)
		for {
			r, err := rr.Read()
			if err != nil {
				break
			}
			if r.Recipient != "" {
				out = append(out, r.Recipient)
			}
		}
	}
	return out
}

// readAt reads what it can of len(buf) bytes at off, and returns how many.
func readAt(ra io.ReaderAt, buf []byte, off int64) int {
	n, _ := ra.ReadAt(buf, off)
	return n
}

// partOf returns the part of a recipient: the number of bounds not
// after it. Names are compared by their first eight bytes as numbers
// (which order them as strings do, unless equal), and whole only on a tie:
// a month in order of time changes recipient at nearly every report.
func (sp *split) partOf(recipient string) int {
	if recipient == sp.last && sp.lastP >= 0 {
		return sp.lastP
	}
	k := radix.Key(recipient, 0)
	lo, hi := 0, len(sp.bounds)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bk := sp.boundKeys[m]; bk > k || bk == k && sp.bounds[m] > recipient {
			hi = m
		} else {
			lo = m + 1
		}
	}
	sp.last, sp.lastP = recipient, lo
	return lo
}

// add writes a report to its part's file, and its id's hash to the
// hash file of that id.
//
// A report without an id is spilled under its reference (its Source), as
// the settler would name it: the spill keeps no line numbers.
func (sp *split) add(r *volume.Report) {
	p := sp.partOf(r.Recipient)
	f := &sp.parts[p]
	hasID := r.ID != ""
	if !hasID {
		named := *r
		named.ID = r.Source.String()
		r = &named
	}
	f.buf = appendReport(f.buf, r, &f.prev)
	if err := f.wrote(); err != nil && sp.err == nil {
		sp.err = err
	}
	if hasID {
		sp.addHash(maphash.String(sp.seed, r.ID), p)
	}
	if r.Shared != "" {
		// Kept small: most shared visits are of recipients of one part,
		// and only the rows of those that span parts are read again.
		n := len(sp.shared.buf)
		sp.shared.buf = appendReport(sp.shared.buf, r, &spillPrev{})
		sp.sharedOff = append(sp.sharedOff, sp.sharedSize)
		sp.sharedPart = append(sp.sharedPart, int32(p))
		sp.sharedKey = append(sp.sharedKey, maphash.String(sp.seed, r.Shared))
		sp.sharedSize += int64(len(sp.shared.buf) - n)
		if err := sp.shared.wrote(); err != nil && sp.err == nil {
			sp.err = err
		}
	}
}

// addHash notes that part p has a record whose id (or shared visit) hashes
// to h: parts that share a hash are settled as one.
func (sp *split) addHash(h uint64, p int) {
	hf := &sp.hashes[h>>58]
	hf.buf = binary.LittleEndian.AppendUint64(hf.buf, h>>8<<8|uint64(p))
	if err := hf.wrote(); err != nil && sp.err == nil {
		sp.err = err
	}
}

func (sp *split) close() error {
	errs := []error{sp.err}
	for k := range sp.parts {
		errs = append(errs, sp.parts[k].close())
	}
	for k := range sp.hashes {
		errs = append(errs, sp.hashes[k].close())
	}
	errs = append(errs, sp.shared.close())
	return errors.Join(errs...)
}

// A unit is a run of parts settled together: one part, or several that
// share record ids.
// A unit is the parts first to last, settled together. Its shadows are
// the rows of shared visits of its recipients that are settled in other
// units: they take their places when the visits are split
// (Settler.splitShared), so that a unit splits a shared visit as the
// whole month does without settling the other recipients' rows.
type unit struct {
	first, last int
	shadows     []sharedRow
}

// A spilledShared is a row of a shared visit as the first pass saw it:
// what splitting the visit needs of it (sharedRow), its part, and the
// rest of what tells an identical copy of it (rules §2: one row).
type spilledShared struct {
	row     sharedRow
	part    int32
	staff   int
	kind    volume.Kind
	status  volume.Status
	invalid bool
}

// spilledRow returns the row of a shared visit at off in data, the file
// of them, as splitting the visit needs it in another part, with what
// tells an identical copy of it. Its strings are its own, not data's.
func (sp *split) spilledRow(data string, off int64, part int32) spilledShared {
	var r volume.Report
	rd := spillReader{s: data[off:]}
	rd.report(&r)
	row := sharedRow{visit: strings.Clone(r.Shared), rec: -1, recipient: strings.Clone(r.Recipient), id: strings.Clone(r.ID),
		provider: strings.Clone(r.Provider), service: strings.Clone(r.Service)}
	row.start, row.end, row.read = sharedTimes(sp.zone, &r)
	return spilledShared{row: row, part: part, staff: r.Staff, kind: r.Kind, status: r.Status, invalid: r.Invalid != nil}
}

// compareSpilledShared orders the rows of shared visits as splitShared
// does, and identical copies next to each other.
func compareSpilledShared(a, b spilledShared) int {
	return cmp.Or(compareSharedRows(a.row, b.row), cmp.Compare(a.row.start, b.row.start), cmp.Compare(a.row.end, b.row.end),
		strings.Compare(a.row.provider, b.row.provider), strings.Compare(a.row.service, b.row.service),
		cmp.Compare(a.staff, b.staff), cmp.Compare(a.kind, b.kind), cmp.Compare(a.status, b.status),
		boolCompare(a.row.read, b.row.read), boolCompare(a.invalid, b.invalid), cmp.Compare(a.part, b.part))
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// spanning returns the kept rows of shared visits whose rows are in more
// than one part (or whose id hashes as such a visit's), read again, and
// lets go of the rest.
func (sp *split) spanning() ([]spilledShared, error) {
	keys, order := sp.sharedKey, make([]int32, len(sp.sharedKey))
	for i := range order {
		order[i] = int32(i)
	}
	radix.SortWith(keys, order, nil)
	var data string
	var out []spilledShared
	for len(order) > 0 {
		n, span := 1, false
		for n < len(order) && keys[n] == keys[0] {
			span = span || sp.sharedPart[order[n]] != sp.sharedPart[order[0]]
			n++
		}
		if span && data == "" {
			var err error
			if data, err = sp.shared.read(); err != nil {
				return nil, err
			}
		}
		for _, i := range order[:n] {
			if span {
				out = append(out, sp.spilledRow(data, sp.sharedOff[i], sp.sharedPart[i]))
			}
		}
		order, keys = order[n:], keys[n:]
	}
	sp.sharedKey, sp.sharedOff, sp.sharedPart = nil, nil, nil
	os.Remove(sp.shared.path)
	return out, nil
}

// giveShadows gives each unit the rows of its shared visits that are
// settled in other units. An identical copy of a row (the same id and
// content) is one row, as in the whole month; copies of an id are in
// one unit.
func (sp *split) giveShadows(units []unit) error {
	unitOf := make([]int, len(sp.parts))
	for u, un := range units {
		for p := un.first; p <= un.last; p++ {
			unitOf[p] = u
		}
	}
	rows, err := sp.spanning()
	if err != nil {
		return err
	}
	slices.SortFunc(rows, compareSpilledShared)
	rows = slices.CompactFunc(rows, func(a, b spilledShared) bool {
		a.part, b.part = 0, 0
		return compareSpilledShared(a, b) == 0
	})
	for len(rows) > 0 {
		n := 1
		for n < len(rows) && rows[n].row.visit == rows[0].row.visit {
			n++
		}
		group := rows[:n]
		rows = rows[n:]
		var in []int // the units of the group, each once
		for _, r := range group {
			if u := unitOf[r.part]; !slices.Contains(in, u) {
				in = append(in, u)
			}
		}
		if len(in) == 1 {
			continue // settled whole in its unit
		}
		for _, u := range in {
			for _, r := range group {
				if unitOf[r.part] != u {
					units[u].shadows = append(units[u].shadows, r.row)
				}
			}
		}
	}
	return nil
}

// units groups the parts into units, and the absences and presence into
// the parts of their recipients.
func (sp *split) units(absences []volume.Absence, presence []volume.Presence) ([]unit, error) {
	n := len(sp.parts)
	cover := make([]int, n+1)
	sp.copies = make([]bool, n)
	join := func(a, b int) {
		if a > b {
			a, b = b, a
		}
		if a != b {
			cover[a]++
			cover[b]--
		}
	}
	// The hash files, on all cores: each finds the ids its reports share
	// and the parts they are in.
	type found struct {
		pairs  [][2]int // parts to join
		copies []int    // parts with an id twice
		err    error
	}
	results := make([]found, len(sp.hashes))
	workers := min(runtime.GOMAXPROCS(0), 8)
	keys := make([][]uint64, workers)
	tables := make([]repeats.Table, workers)
	parallel.ForEach(workers, len(sp.hashes), func(w, k int) {
		data, err := sp.hashes[k].read()
		if err != nil {
			results[k].err = err
			return
		}
		results[k].pairs, results[k].copies = sharedIDs(data, &keys[w], &tables[w])
	})
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		for _, p := range r.pairs {
			join(p[0], p[1])
		}
		for _, p := range r.copies {
			sp.copies[p] = true
		}
	}
	// Absences and presence days whose id is used in two parts join them
	// too, each kind of record on its own.
	partsOf := func(n int, record func(i int) (id, recipient string)) []int {
		parts, first := make([]int, n), map[string]int{}
		for i := range parts {
			id, recipient := record(i)
			parts[i] = sp.partOf(recipient)
			if q, ok := first[id]; ok && id != "" {
				join(parts[i], q)
			} else {
				first[id] = parts[i]
			}
		}
		return parts
	}
	sp.absPart = partsOf(len(absences), func(i int) (string, string) { return absences[i].ID, absences[i].Recipient })
	sp.presPart = partsOf(len(presence), func(i int) (string, string) { return presence[i].ID, presence[i].Recipient })
	var units []unit
	run := 0
	for k := 0; k < n; k++ {
		if len(units) == 0 || run == 0 {
			units = append(units, unit{first: k, last: k})
		} else {
			units[len(units)-1].last = k
		}
		run += cover[k]
	}
	return units, nil
}

// sharedIDs finds the ids of a hash file (entries of eight bytes: an id's
// hash above its part, see split.add) that are there more than once: it
// returns pairs of parts that share an id, and the parts of every copy.
// keys and table are kept for the next file.
func sharedIDs(data string, keys *[]uint64, table *repeats.Table) (pairs [][2]int, copies []int) {
	n := len(data) / 8
	ks := slices.Grow((*keys)[:0], n)[:n]
	*keys = ks
	part := func(i int) int { return int(data[8*i]) } // the low byte, little-endian
	for i := range ks {
		ks[i] = binary.LittleEndian.Uint64([]byte(data[8*i:8*i+8])) >> 8
	}
	repeats.Find(ks, table, func(first, i int) {
		// The part of the first stands for the copies before this one,
		// which joins them.
		pairs = append(pairs, [2]int{part(first), part(i)})
		copies = append(copies, part(first), part(i))
	})
	return pairs, copies
}

// spillPrev is what a spilled report is written against: the report
// before it in its file. Its names are copies in buffers of their own
// (not retaining the reader's batch), made without allocating: a month
// in order of time changes recipient at nearly every report.
type spillPrev struct {
	names [3][]byte // recipient, provider and service
	day   int64     // the start's date, in days since 1970-01-01
	file  string    // the file it was read from (a reader's File, kept as it is)
}

// spillRead is what spillReader.report reads a report against: the
// report before it.
type spillRead struct {
	names [3]string // recipient, provider and service
	day   int64
	file  string
}

// appendReport appends r in the spill form spillReader.report reads:
// a byte of flags, one of kind and status, the file it was read from
// unless that of the report before, the id, the recipient,
// provider and service unless they are those of the report before (prev,
// which it updates), the start and end (see appendTimestamp), the staff
// unless 1, the problems of a row that could not be read, and its shared
// visit id, if any.
func appendReport(b []byte, r *volume.Report, prev *spillPrev) []byte {
	var flags byte
	if r.Recipient == string(prev.names[0]) {
		flags |= sameRecipient
	}
	if r.Provider == string(prev.names[1]) {
		flags |= sameProvider
	}
	if r.Service == string(prev.names[2]) {
		flags |= sameService
	}
	if r.Staff != 1 {
		flags |= spillStaff
	}
	if r.Invalid != nil {
		flags |= spillInvalid
	}
	if r.Source.File != prev.file {
		flags |= spillSource
	}
	if r.Shared != "" {
		flags |= spillShared
	}
	b = append(b, flags, byte(r.Kind)|byte(r.Status)<<4)
	if flags&spillSource != 0 {
		b = appendString(b, r.Source.File)
		prev.file = r.Source.File
	}
	b = appendString(b, r.ID)
	if flags&(sameRecipient|sameProvider|sameService) != sameRecipient|sameProvider|sameService {
		for i, n := range [3]string{r.Recipient, r.Provider, r.Service} {
			if flags&(1<<i) == 0 {
				b = appendString(b, n)
				prev.names[i] = append(prev.names[i][:0], n...)
			}
		}
	}
	b = appendTimestamp(b, r.Start, prev.day)
	prev.day = r.Start.Date().UnixDays()
	b = appendTimestamp(b, r.End, prev.day)
	if flags&spillStaff != 0 {
		b = binary.AppendVarint(b, int64(r.Staff))
	}
	if flags&spillInvalid != 0 {
		b = appendString(b, r.Invalid.Error())
	}
	if flags&spillShared != 0 {
		b = appendString(b, r.Shared)
	}
	return b
}

// appendTimestamp appends a timestamp in a few bytes: its date as the
// days from day (mostly 0), its minute of the day and whether it has an
// offset (two bytes, little-endian), and the offset if it has one. A
// visit's start and end take 6 bytes, and one or two more for each offset.
func appendTimestamp(b []byte, t volume.Timestamp, day int64) []byte {
	b = binary.AppendVarint(b, t.Date().UnixDays()-day)
	h, m := t.Clock()
	off, has := t.Offset()
	v := uint16(h*60+m) << 1 // below 2880
	if has {
		v |= 1
	}
	b = append(b, byte(v), byte(v>>8))
	if has {
		b = binary.AppendVarint(b, int64(off))
	}
	return b
}

// Flags of a spilled report, after the three of its names.
const (
	spillStaff   = 1 << 3
	spillInvalid = 1 << 4
	spillSource  = 1 << 5
	spillShared  = 1 << 6
)

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// A spillReader reads what appendReport wrote. Its strings are substrings
// of one string of the whole data, s, read from pos on (an index, not a
// shorter string: reading moves no pointer the garbage collector would
// have to see).
type spillReader struct {
	s    string
	pos  int
	prev spillRead // of the last report read
	day  int64     // the date of the last timestamp read
	read bool      // whether a report was read
	err  error
}

// more reports whether bytes are left to read.
func (r *spillReader) more() bool { return r.pos < len(r.s) }

func (r *spillReader) uvarint() uint64 {
	if p := r.pos; p < len(r.s) && r.s[p] < 0x80 { // most are one byte
		r.pos = p + 1
		return uint64(r.s[p])
	}
	return r.longUvarint()
}

func (r *spillReader) longUvarint() uint64 {
	var x uint64
	for i := 0; r.pos+i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[r.pos+i]
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.pos += i + 1
			return x
		}
	}
	r.fail()
	return 0
}

func (r *spillReader) varint() int64 { return unzigzag(r.uvarint()) }

// unzigzag undoes the zig-zag form binary.AppendVarint writes.
func unzigzag(u uint64) int64 {
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *spillReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.pos) {
		return r.short()
	}
	return r.bytes(int(n))
}

func (r *spillReader) bytes(n int) string {
	p := r.pos
	if n > len(r.s)-p {
		return r.short()
	}
	r.pos = p + n
	return r.s[p : p+n]
}

// short fails for want of bytes, and returns "".
func (r *spillReader) short() string {
	r.fail()
	return ""
}

func (r *spillReader) fail() {
	if r.err == nil {
		r.err = errorf("a spilled record is cut short")
	}
	r.pos = len(r.s)
}

// timestamp reads a timestamp as appendTimestamp wrote it against day,
// and leaves its date in r.day.
func (r *spillReader) timestamp(day int64) volume.Timestamp {
	d := day + r.varint()
	p := r.pos
	if len(r.s)-p < 2 {
		r.fail()
		return volume.Timestamp{}
	}
	v := uint(r.s[p]) | uint(r.s[p+1])<<8
	r.pos = p + 2
	minute := int(v >> 1)
	if d < -1<<30 || d > 1<<30 || minute >= 1440 {
		r.fail()
		return volume.Timestamp{}
	}
	r.day = d
	date := volume.DateFromUnixDays(d)
	if v&1 == 0 {
		return volume.LocalTimestamp(date, minute/60, minute%60)
	}
	off := r.varint()
	if off <= -1440 || off >= 1440 || date.IsZero() {
		r.fail()
		return volume.Timestamp{}
	}
	y, mo, dd := date.Civil()
	return volume.TimestampOf(time.Date(y, mo, dd, minute/60, minute%60, 0, 0, time.FixedZone("", int(off)*60)))
}

// report reads one report as appendReport wrote it, and returns which of
// its names (sameRecipient, sameProvider, sameService) are those of the
// report it read before.
func (r *spillReader) report(x *volume.Report) (same uint8) {
	head := r.bytes(2)
	if len(head) < 2 {
		*x = volume.Report{}
		return 0
	}
	flags := head[0]
	if r.read {
		same = flags & (sameRecipient | sameProvider | sameService)
	}
	r.read = true
	if flags&spillSource != 0 {
		// A copy: the settler keeps the name, which must not keep the
		// part's whole data alive.
		r.prev.file = strings.Clone(r.str())
	}
	*x = volume.Report{ID: r.str(), Kind: volume.Kind(head[1] & 0xf), Status: volume.Status(head[1] >> 4), Staff: 1,
		Source: volume.Source{File: r.prev.file}}
	for i := range r.prev.names {
		if flags&(1<<i) == 0 {
			r.prev.names[i] = r.str()
		}
	}
	x.Recipient, x.Provider, x.Service = r.prev.names[0], r.prev.names[1], r.prev.names[2]
	x.Start = r.timestamp(r.prev.day)
	r.prev.day = r.day
	x.End = r.timestamp(r.prev.day)
	if flags&spillStaff != 0 {
		x.Staff = int(r.varint())
	}
	if flags&spillInvalid != 0 {
		x.Invalid = errors.New(r.str())
	}
	if flags&spillShared != 0 {
		x.Shared = r.str()
	}
	return same
}

// A partResult is a settled unit: its settlement written ahead to a file,
// and what the merge needs to know without reading it.
type partResult struct {
	file      string
	provs     []partProvider // by provider index
	unmatched int64          // where the unmatched entries start in file
	issues    []Issue
	gaps      map[string]*idSample
	gapDates  map[string][2]volume.Date
	taken     map[string]int // records taken, by file
	err       error
}

// partProvider is what a part has of one provider.
type partProvider struct {
	prov                   int
	off                    int64 // where its records start in the part's file
	lines, unpaid, pending int
	total                  decimal.Decimal
	sums                   lineSums // of its lines, for markups
}

// settlePart settles the parts of unit u and writes their settlement to
// file: per provider in order its lines, unpaid entries and pending ids,
// then the unmatched entries (see partWriter): each with the fields the
// merge orders them by and the output shows, and report ids as they are.
func settlePart(t *Tariff, period volume.Period, providers []Provider, sp *split, u unit,
	absences []volume.Absence, presence []volume.Presence, opt Options, file string, sc *partScratch) *partResult {
	res := &partResult{file: file}
	n := 0
	for p := u.first; p <= u.last; p++ {
		n += len(sp.decs[p])
	}
	decisions := make([]Decision, 0, n)
	for p := u.first; p <= u.last; p++ {
		for _, i := range sp.decs[p] {
			decisions = append(decisions, sp.decisions.decision(int(i)))
		}
	}
	s, err := newSettler(t, period, providers, decisions, opt, decisionsChecked) // checked with the month's
	if err != nil {
		res.err = err
		return res
	}
	// Unpaid entries are written as they are made, and lines as the
	// decisions are settled.
	sink := newPartSink(len(s.providers))
	s.sink = sink
	s.recs.spare, s.visitBuf = sc.chunks, sc.visits
	sink.lineStore.Reuse(sc.blocks)
	defer func() {
		// The settler is done with: its reports, visits and lines
		// written, which hold no pointers, serve the next part of this
		// worker.
		sc.chunks, sc.visits, sc.blocks = s.recs.recycle(), s.visitBuf, sink.lineStore.Recycle()
	}()
	if err := s.readUnit(sp, u, absences, presence); err != nil {
		res.err = err
		return res
	}
	st := s.Settlement()
	res.issues, res.gaps, res.gapDates, res.taken = st.Issues, s.gaps, s.gapDates, s.takenCounts()
	// Only decisions make a part's lines, and they are all written as
	// made: a line kept besides them would have no place in their order.
	for _, ps := range st.Providers {
		if len(ps.Lines) > 0 {
			res.err = errorf("provider %s: a part has lines both written and kept (a bug of the settler)", ps.Provider)
			return res
		}
	}
	f, err := os.Create(file)
	if err != nil {
		res.err = errorf("%w", err)
		return res
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	pw := partWriter{w: bw}
	for i := range st.Providers {
		ps := &st.Providers[i]
		prov := s.provIdx[ps.Provider]
		part := sink.partOf[prov]
		pp := partProvider{prov: prov, off: pw.pos(), lines: part.nlines, unpaid: len(part.unpaid.order),
			pending: len(ps.Pending), total: ps.Total, sums: part.sums}
		res.provs = append(res.provs, pp)
		pw.uvarint(uint64(pp.prov) + 1)
		// The lines as they were written when made.
		pw.uvarint(uint64(part.nlines))
		for _, piece := range part.lines {
			pw.b = append(pw.b, piece...)
			pw.room()
		}
		pw.unpaidOf(part.unpaid) // made one at a time, not into a list
		pw.uvarint(uint64(len(ps.Pending)))
		for _, id := range ps.Pending {
			pw.str(id)
			pw.room()
		}
	}
	res.unmatched = pw.pos()
	pw.uvarint(0)
	pw.unpaidOf(sink.unmatchedLater)
	pw.flush()
	res.err = errors.Join(bw.Flush(), f.Close())
	if res.err == nil && opt.Audit {
		res.err = auditPart(s, st, res)
	}
	return res
}

// filesSize returns the size of files in fsys, those that can be asked.
func filesSize(fsys fs.FS, files []string) int64 {
	var size int64
	for _, f := range files {
		if info, err := fs.Stat(fsys, f); err == nil {
			size += info.Size()
		}
	}
	return size
}

// unreadRecipients returns the recipients of decision rows that cannot be
// read. They bound the parts too: a month whose decisions all came in a
// format that cannot be read is still settled in parts, not as one.
func unreadRecipients(decisions []Decision) []string {
	var unread []string
	for i := range decisions {
		if d := &decisions[i]; d.Invalid != nil && d.Recipient != "" {
			unread = append(unread, d.Recipient)
		}
	}
	return unread
}

// The records of a month in parts other than reports, which are read
// whole: each part takes those of its recipients.
type otherRecords struct {
	absences []volume.Absence
	presence []volume.Presence
}

// spill is the first pass of a month in parts: the reports of the bundle
// in fsys to the files of their parts, the absences and presence kept,
// the adjustments to global; then the parts grouped into units, each
// given the rows of its shared visits that others hold. Problems of rows
// go to pl.
func (sp *split) spill(fsys fs.FS, log *fileLog, pl *problemList, global *Settler) (otherRecords, []unit, error) {
	err := streamFiles(fsys, FileReports, func(f io.Reader, file string) error {
		return decodeReports(f, file, true, log, func(batch []volume.Report) {
			for i := range batch {
				r := &batch[i]
				if r.Invalid != nil {
					pl.add(r.Invalid)
				}
				sp.add(r)
			}
		})
	})
	var others otherRecords
	if err == nil {
		err = readOthers(fsys, pl, log,
			func(a volume.Absence) { others.absences = append(others.absences, a) },
			func(p volume.Presence) { others.presence = append(others.presence, p) },
			global.AddAdjustment)
	}
	if err == nil {
		err = sp.close()
	}
	if err != nil {
		return others, nil, err
	}
	units, err := sp.units(others.absences, others.presence)
	if err == nil {
		err = sp.giveShadows(units)
	}
	return others, units, err
}

// settleUnits settles the units of the month in parts on workers
// goroutines, each written ahead to a file in tmp.
func settleUnits(t *Tariff, period volume.Period, providers []Provider, sp *split, units []unit,
	absences []volume.Absence, presence []volume.Presence, opt Options, workers int, tmp string) ([]*partResult, error) {
	if workers > 1 {
		opt.Workers = 1 // a unit a core
	}
	results := make([]*partResult, len(units))
	scratch := make([]partScratch, workers)
	parallel.ForEach(workers, len(units), func(w, u int) {
		results[u] = settlePart(t, period, providers, sp, units[u], absences, presence, opt,
			filepath.Join(tmp, fmt.Sprintf("out-%d", u)), &scratch[w])
	})
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return results, errors.Join(errs...)
}

// monthAdjustments settles the month's adjustments, which are no part's,
// on the settler of the whole month, and audits them when opt says.
func monthAdjustments(global *Settler, t *Tariff, period volume.Period, opt Options) (*Settlement, error) {
	ab := newBuilder(global)
	global.settleAdjustments(ab)
	adj := &Settlement{Period: period, Tariff: t.name, Total: zeroMoney}
	for p := range global.providers {
		out := &ab.prov[p]
		if out.lines.Len() == 0 && len(out.unpaid) == 0 && len(out.pending) == 0 {
			continue
		}
		adj.Providers = append(adj.Providers, ProviderSettlement{Provider: global.providers[p].ID, Regime: global.providers[p].Regime,
			Lines: sortLines(out.lines.AppendTo(nil)), Unpaid: sortUnpaid(out.unpaid), Pending: sortIDs(out.pending), Total: zeroMoney})
	}
	adj.Unmatched = sortUnpaid(ab.unmatched)
	if !opt.Audit {
		return adj, nil
	}
	l, _ := NewLedger(period, opt)
	for _, a := range global.adjs {
		l.AddAdjustment(a)
	}
	for i := range adj.Providers {
		for _, ln := range adj.Providers[i].Lines {
			adj.Providers[i].Total = adj.Providers[i].Total.Add(ln.Amount)
		}
		adj.Total = adj.Total.Add(adj.Providers[i].Total)
	}
	return adj, l.Check(adj)
}

// readUnit gives s the records of unit u: the reports of its parts' files
// (each removed once read), the rows of its shared visits that other
// units hold, and its recipients' absences and presence.
func (s *Settler) readUnit(sp *split, u unit, absences []volume.Absence, presence []volume.Presence) error {
	s.noCopies = true
	for p := u.first; p <= u.last; p++ {
		s.noCopies = s.noCopies && !sp.copies[p]
	}
	for p := u.first; p <= u.last; p++ {
		data, err := sp.parts[p].read()
		if err != nil {
			return err
		}
		os.Remove(sp.parts[p].path) // read: its disk is free again
		s.reserve(sp.parts[p].n)
		r := spillReader{s: data}
		var rep volume.Report
		for r.more() && r.err == nil {
			s.addReport(&rep, r.report(&rep))
		}
		if r.err != nil {
			return r.err
		}
	}
	s.shadows = u.shadows
	in := func(p int) bool { return p >= u.first && p <= u.last }
	for i, a := range absences {
		if in(sp.absPart[i]) {
			s.AddAbsence(a)
		}
	}
	for i, x := range presence {
		if in(sp.presPart[i]) {
			s.AddPresence(x)
		}
	}
	return nil
}

// A partWriter writes a part's settlement ahead for the merge, through a
// buffer of its own (call flush at the end).
type partWriter struct {
	w   io.Writer
	b   []byte
	off int64 // bytes written to w
	sc  []byte
}

// pos returns where the next record starts in what pw writes.
func (pw *partWriter) pos() int64 { return pw.off + int64(len(pw.b)) }

// room writes the buffer out when it is full (unless pw has no writer:
// then the buffer holds all).
func (pw *partWriter) room() {
	if len(pw.b) >= 1<<15 && pw.w != nil {
		pw.flush()
	}
}

func (pw *partWriter) flush() {
	pw.w.Write(pw.b)
	pw.off += int64(len(pw.b))
	pw.b = pw.b[:0]
}

func (pw *partWriter) uvarint(v uint64) { pw.b = binary.AppendUvarint(pw.b, v) }

func (pw *partWriter) varint(v int64) { pw.b = binary.AppendVarint(pw.b, v) }

// dec writes a decimal as appendDecimal does with places.
func (pw *partWriter) dec(d decimal.Decimal, places int) {
	pw.sc = ore.AppendDecimal(pw.sc[:0], d, places)
	pw.b = append(binary.AppendUvarint(pw.b, uint64(len(pw.sc))), pw.sc...)
}

// date writes a date as its String would be written.
func (pw *partWriter) date(d volume.Date) {
	pw.sc, _ = d.AppendText(pw.sc[:0])
	pw.b = append(binary.AppendUvarint(pw.b, uint64(len(pw.sc))), pw.sc...)
}

func (pw *partWriter) str(s string) {
	pw.b = append(binary.AppendUvarint(pw.b, uint64(len(s))), s...)
}

// lines writes a count, then each line: its fields as the output has them
// (the numbers as JSON writes them) and its report ids.
func (pw *partWriter) lines(lines []Line) {
	pw.uvarint(uint64(len(lines)))
	for i := range lines {
		l := &lines[i]
		pw.lineFields(l)
		pw.uvarint(uint64(len(l.Reports)))
		for _, id := range l.Reports {
			pw.str(id)
			pw.room()
		}
	}
}

// lineFields writes a line's fields as Line.json has them, made in place,
// but for its report ids.
func (pw *partWriter) lineFields(l *Line) {
	for _, f := range [...]string{l.Recipient, l.Decision, l.Service, l.Component, l.Band, l.Unit.String()} {
		pw.str(f)
	}
	qty := -1
	if l.Unit == SEK {
		qty = 2
	}
	pw.dec(l.Quantity, qty)
	pw.dec(l.Price, max(2, -int(l.Price.Exponent())))
	pw.dec(l.Factor, -1)
	pw.dec(l.Divisor, -1)
	pw.dec(l.Amount, 2)
	pw.date(l.RateFrom)
	pw.date(l.RateTo)
}

// reason writes a reason as the number of its reasonCode + 1, or as 0 and
// its text when it has none.
func (pw *partWriter) reason(r Reason) {
	if r == ReasonOverGranted {
		pw.uvarint(uint64(len(reasonCodes))) // the most common
		return
	}
	for i, c := range reasonCodes {
		if c == r && c != "" {
			pw.uvarint(uint64(i) + 1)
			return
		}
	}
	pw.uvarint(0)
	pw.str(string(r))
}

// unpaid writes a count, then each entry.
func (pw *partWriter) unpaid(list []Unpaid) {
	pw.uvarint(uint64(len(list)))
	for i := range list {
		pw.unpaidEntry(&list[i])
	}
}

// unpaidOf writes a count, then each entry, as unpaid does.
func (pw *partWriter) unpaidOf(l unpaidList) {
	pw.uvarint(uint64(len(l.order)))
	for _, i := range l.order {
		u := l.entry(int(i))
		pw.unpaidEntry(&u)
	}
}

// unpaidEntry writes an entry: id, reason, decision, quantity, detail,
// unit (as partReader.readUnpaid reads them).
func (pw *partWriter) unpaidEntry(u *Unpaid) {
	pw.str(u.ID)
	pw.reason(u.Reason)
	pw.str(u.Decision)
	pw.varint(u.Quantity)
	pw.str(u.Detail)
	pw.uvarint(uint64(u.Unit))
	pw.room()
}

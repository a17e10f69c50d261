package reimbursement

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

// The file names of a bundle (formats.md).
const (
	FileTariff      = "tariff.json"
	FileProviders   = "providers.csv"
	FileDecisions   = "decisions.csv"
	FileReports     = "reports.csv"
	FileAbsences    = "absences.csv"
	FilePresence    = "presence.csv"
	FileAdjustments = "adjustments.csv"
)

// LoadTariffFS reads and checks tariff.json of a bundle.
func LoadTariffFS(fsys fs.FS) (*Tariff, error) {
	if fsys == nil {
		return nil, errorf("LoadTariffFS: no file system")
	}
	data, err := fs.ReadFile(fsys, FileTariff)
	if err != nil {
		return nil, errorf("%w", err)
	}
	return ParseTariff(data, FileTariff)
}

// SettleFS settles period from the bundle in fsys (formats.md), streaming
// the record files into a Settler. Records of one kind may be split over
// several files whose names start alike (reports.csv, reports-2.csv). A file that cannot be read at all, a
// tariff that does not validate or a bad provider list stops the run with
// err. Rows that cannot be read do not: their problems are returned in
// problems (as *volume.ParseError, file, line and column, in that order; at
// most MaxFileProblems of a file, then a *MoreProblems counting the rest),
// and the record, when it has an id, is in the settlement as not paid,
// reason invalid-input, with its problem as the detail.
func SettleFS(fsys fs.FS, period volume.Period, opt Options) (st *Settlement, problems []error, err error) {
	if fsys == nil {
		return nil, nil, errorf("SettleFS: no file system")
	}
	t, err := LoadTariffFS(fsys)
	if err != nil {
		return nil, nil, err
	}
	return SettleFSWith(fsys, t, period, opt)
}

// SettleFSWith is SettleFS with a tariff already loaded.
func SettleFSWith(fsys fs.FS, t *Tariff, period volume.Period, opt Options) (st *Settlement, problems []error, err error) {
	sts, problems, err := settleFSPeriods(fsys, t, []volume.Period{period}, opt)
	if err != nil {
		return nil, problems, err
	}
	return sts[0], problems, nil
}

// settleFSPeriods settles each of periods from the bundle in fsys, read
// once: every record goes to the settler of each period, which takes
// those of its period and counts the others as of another period.
func settleFSPeriods(fsys fs.FS, t *Tariff, periods []volume.Period, opt Options) (sts []*Settlement, problems []error, err error) {
	if fsys == nil {
		return nil, nil, errorf("SettleFS: no file system")
	}
	var pl problemList
	defer func() { problems = pl.errors() }()
	log := newFileLog()
	providers, decisions, err := readParties(fsys, &pl, log)
	if err != nil {
		return nil, nil, err
	}
	mode := decisionsOwned // read here: ours to change, when one settler has them
	if len(periods) > 1 {
		mode = decisionsLent
	}
	settlers := make([]*Settler, len(periods))
	for i, period := range periods {
		if settlers[i], err = newSettler(t, period, providers, decisions, opt, mode); err != nil {
			return nil, problems, err
		}
		settlers[i].files = log
	}
	err = streamFiles(fsys, FileReports, func(f io.Reader, file string) error {
		reserve(f, settlers)
		return decodeReports(f, file, false, log, func(batch []volume.Report) {
			for i := range batch {
				r := &batch[i]
				if r.Invalid != nil {
					pl.add(r.Invalid)
				}
				var same uint8
				if i > 0 {
					same = sameNames(r, &batch[i-1])
				}
				for _, s := range settlers {
					s.addReport(r, same)
				}
			}
		})
	})
	if err == nil {
		err = readOthers(fsys, &pl, log,
			func(a volume.Absence) { eachSettler(settlers, func(s *Settler) { s.AddAbsence(a) }) },
			func(p volume.Presence) { eachSettler(settlers, func(s *Settler) { s.AddPresence(p) }) },
			func(a Adjustment) { eachSettler(settlers, func(s *Settler) { s.AddAdjustment(a) }) })
	}
	if err != nil {
		return nil, nil, err
	}
	for _, s := range settlers {
		st := s.Settlement()
		if err := s.Audit(st); err != nil {
			return nil, nil, err
		}
		sts = append(sts, st)
	}
	return sts, nil, nil
}

// eachSettler calls add with each settler.
func eachSettler(settlers []*Settler, add func(*Settler)) {
	for _, s := range settlers {
		add(s)
	}
}

// reserve makes room in the settlers for the reports of the file f, when
// its size is known: a 64-byte row per report, shared among the periods.
func reserve(f io.Reader, settlers []*Settler) {
	st, ok := f.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return
	}
	if info, err := st.Stat(); err == nil {
		for _, s := range settlers {
			s.reserve(int(min(info.Size(), maxReserve) / 64 / int64(len(settlers))))
		}
	}
}

// maxReserve bounds the size of a report file that room is made for at
// once: a device or a huge file gets room as it is read.
const maxReserve = 4 << 30

// ReadInputFS reads the records of the bundle in fsys (formats.md) into an
// Input, in the order of their files and rows, as SettleFS reads them: a
// row that cannot be read is there all the same (a report, absence … with
// Invalid set) and its problems are returned in problems, in the order
// SettleFS returns them; err is for a file that cannot be read at all.
// Settle of the Input gives the settlement SettleFS gives, its
// reconciliation of the files included: reading first suits a program
// that looks at the records or settles them more than once, SettleFS one
// that settles a big month once.
func ReadInputFS(fsys fs.FS) (in Input, problems []error, err error) {
	if fsys == nil {
		return Input{}, nil, errorf("ReadInputFS: no file system")
	}
	var pl problemList
	defer func() { problems = pl.errors() }()
	log := newFileLog()
	in.Providers, in.Decisions, err = readParties(fsys, &pl, log)
	if err != nil {
		return Input{}, nil, err
	}
	err = streamFiles(fsys, FileReports, func(f io.Reader, file string) error {
		var reports []volume.Report // as the batches came
		var batches []batchAt
		err := decodeReports(f, file, true, log, func(batch []volume.Report) {
			for i := range batch {
				if batch[i].Invalid != nil {
					pl.add(batch[i].Invalid)
				}
			}
			if len(batch) > 0 {
				batches = append(batches, batchAt{line: batch[0].Source.Line, from: len(reports), n: len(batch)})
				reports = append(reports, batch...)
			}
		})
		in.Reports = appendInOrder(in.Reports, reports, batches)
		return err
	})
	if err == nil {
		err = readOthers(fsys, &pl, log,
			func(a volume.Absence) { in.Absences = append(in.Absences, a) },
			func(p volume.Presence) { in.Presence = append(in.Presence, p) },
			func(a Adjustment) { in.Adjustments = append(in.Adjustments, a) })
	}
	if err != nil {
		return Input{}, nil, err
	}
	in.files = log
	return in, nil, nil
}

// A batchAt is where a batch of a file's reports is kept: its first
// line, and its place in the file's reports as they came.
type batchAt struct{ line, from, n int }

// appendInOrder appends to dst a file's reports, kept as their batches
// came (in no fixed order, each in the order of its rows), in the order
// of the file's rows: the batches are put in order, not the reports.
func appendInOrder(dst, reports []volume.Report, batches []batchAt) []volume.Report {
	slices.SortFunc(batches, func(a, b batchAt) int { return cmp.Compare(a.line, b.line) })
	dst = slices.Grow(dst, len(reports))
	for _, b := range batches {
		dst = append(dst, reports[b.from:b.from+b.n]...)
	}
	return dst
}

// readParties reads the providers and decisions of a bundle. Rows that
// cannot be read are returned too (the settler lists them as issues),
// their problems added to pl.
func readParties(fsys fs.FS, pl *problemList, log *fileLog) (providers []Provider, decisions []Decision, err error) {
	pf, err := fsys.Open(FileProviders)
	if err != nil {
		return nil, nil, errorf("%w", err)
	}
	pr := NewProviderReader(pf, FileProviders)
	err = drain(pr.Read, func(p Provider) { providers = append(providers, p) }, func(p Provider) error { return p.Invalid }, pl)
	log.read(FileProviders, pr.CSV())
	pf.Close()
	if err != nil {
		return nil, nil, err
	}
	// The rows are counted first, so that the decisions are made in place
	// (a national month has half a million: growing the slice would copy
	// them again and again).
	n, err := countLines(fsys, FileDecisions)
	if err != nil {
		return nil, nil, err
	}
	df, err := fsys.Open(FileDecisions)
	if err != nil {
		return nil, nil, errorf("%w", err)
	}
	decisions = make([]Decision, 0, n)
	dr := NewDecisionReader(df, FileDecisions)
	err = drain(dr.Read, func(d Decision) { decisions = append(decisions, d) }, func(d Decision) error { return d.Invalid }, pl)
	log.read(FileDecisions, dr.CSV())
	df.Close()
	if err != nil {
		return nil, nil, err
	}
	return providers, decisions, nil
}

// countLines returns the number of lines of a file (line ends, and a last
// line without one).
func countLines(fsys fs.FS, name string) (int, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return 0, errorf("%w", err)
	}
	defer f.Close()
	buf := make([]byte, 1<<16)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, errorf("%w", err)
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

// readOthers reads the absences, presence and adjustments of a bundle,
// after its reports, noting the problems of rows that cannot be read.
func readOthers(fsys fs.FS, problems *problemList, log *fileLog, absence func(volume.Absence), presence func(volume.Presence), adjustment func(Adjustment)) error {
	err := streamFiles(fsys, FileAbsences, func(f io.Reader, file string) error {
		ar := volume.NewAbsenceReader(f, file)
		defer log.read(file, ar.CSV())
		return drain(ar.Read, absence, func(a volume.Absence) error { return a.Invalid }, problems)
	})
	if err == nil {
		err = streamFiles(fsys, FilePresence, func(f io.Reader, file string) error {
			pr := volume.NewPresenceReader(f, file)
			defer log.read(file, pr.CSV())
			return drain(pr.Read, presence, func(p volume.Presence) error { return p.Invalid }, problems)
		})
	}
	if err == nil {
		err = streamFiles(fsys, FileAdjustments, func(f io.Reader, file string) error {
			ar := NewAdjustmentReader(f, file)
			defer log.read(file, ar.CSV())
			return drain(ar.Read, adjustment, func(a Adjustment) error { return a.Invalid }, problems)
		})
	}
	return err
}

// streamFiles calls read on each file of one kind of record. Each kind may
// be split over several files: reports.csv, reports-2.csv,
// reports-norr.csv … are read in name order.
func streamFiles(fsys fs.FS, name string, read func(r io.Reader, file string) error) error {
	files, err := kindFiles(fsys, name)
	if err != nil {
		return err
	}
	for _, file := range files {
		f, err := fsys.Open(file)
		if err != nil {
			return errorf("%w", err)
		}
		err = read(f, file)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// kindFiles returns the files of one kind of record, in name order.
func kindFiles(fsys fs.FS, name string) ([]string, error) {
	files, err := fs.Glob(fsys, strings.TrimSuffix(name, ".csv")+"*.csv")
	if err != nil {
		return nil, errorf("%w", err)
	}
	return files, nil
}

// decodeReports decodes a report file in stages: one goroutine reads raw
// rows in order, others parse them into reports, and take gets each batch
// on the calling goroutine (batches in no particular order; a batch is
// reused after take returns). A light take (writing the reports to a
// spill) leaves room for two parsers even on two cores: lightTake; on one
// core a second parser would only take turns with the first.
//
// The reader's rows are noted in log when the file is read.
func decodeReports(f io.Reader, file string, lightTake bool, log *fileLog, take func([]volume.Report)) error {
	var opt volume.ParallelOptions              // a heavy take: one parser fewer than the cores
	if lightTake && runtime.GOMAXPROCS(0) > 1 { // on one core, one parser
		opt.Parsers = max(2, min(runtime.GOMAXPROCS(0)-1, 3))
	}
	rr := volume.NewReportReader(f, file)
	err := rr.ReadParallel(opt, take)
	log.read(file, rr.CSV())
	return err
}

// drain reads records until io.EOF, giving each to add and noting the
// problems of those that could not be read.
func drain[T any](read func() (T, error), add func(T), invalid func(T) error, problems *problemList) error {
	for {
		v, err := read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if e := invalid(v); e != nil {
			problems.add(e)
		}
		add(v)
	}
}

// MaxFileProblems is how many problems of one file SettleFS, ReadInputFS
// and WriteSettlementFS list: those of its first rows. A file with more
// (a month whose timestamps all came in another format, say) has a
// *MoreProblems after them that counts the rest, so that its problems take
// little memory however many rows it has.
const MaxFileProblems = 1000

// A MoreProblems error ends the problems listed of a file that has more
// than MaxFileProblems: N more, after those listed by line and column.
// Each row of them that has an id is in the settlement all the same, not
// paid (invalid-input), with its problem as the detail.
type MoreProblems struct {
	File string
	N    int
}

func (e *MoreProblems) Error() string {
	return fmt.Sprintf("%s: %d more problems", e.File, e.N)
}

// CountProblems returns the number of problems in a list that SettleFS,
// ReadInputFS or WriteSettlementFS returned: those listed, and the N of
// each *MoreProblems.
func CountProblems(problems []error) int {
	n := 0
	for _, p := range problems {
		if m, ok := p.(*MoreProblems); ok {
			n += m.N
		} else {
			n++
		}
	}
	return n
}

// A problemList keeps the problems of rows that cannot be read: at most
// MaxFileProblems of each file, the first by line and column, whatever
// order the rows are decoded in; the others it counts.
type problemList struct {
	list []error
	more map[string]int
	next int // the length at which to trim again
}

func (l *problemList) add(err error) {
	l.list = append(l.list, unjoin(err)...)
	if len(l.list) >= max(l.next, 4*MaxFileProblems) {
		l.trim()
		l.next = 2 * len(l.list)
	}
}

// trim sorts the problems and leaves at most MaxFileProblems of a file.
func (l *problemList) trim() {
	slices.SortStableFunc(l.list, compareProblems)
	kept, run := l.list[:0], 0
	for i, p := range l.list {
		file, _, _ := problemAt(p)
		if i > 0 {
			if prev, _, _ := problemAt(l.list[i-1]); prev != file {
				run = 0
			}
		}
		run++
		if file != "" && run > MaxFileProblems {
			if l.more == nil {
				l.more = map[string]int{}
			}
			l.more[file]++
			continue
		}
		kept = append(kept, p)
	}
	clear(l.list[len(kept):])
	l.list = kept
}

// errors returns the problems in order, each file's counted rest after
// those listed.
func (l *problemList) errors() []error {
	l.trim()
	for file, n := range l.more {
		l.list = append(l.list, &MoreProblems{File: file, N: n})
	}
	slices.SortStableFunc(l.list, compareProblems)
	if len(l.list) == 0 {
		return nil
	}
	return l.list
}

// problemAt returns where a problem is: its file, line and column, the
// line of a *MoreProblems after all of its file's; "" when not known.
func problemAt(err error) (file string, line, column int) {
	if m, ok := err.(*MoreProblems); ok {
		return m.File, math.MaxInt, 0
	}
	var p *volume.ParseError
	if errors.As(err, &p) {
		return p.File, p.Line, p.Column
	}
	return "", 0, 0
}

// compareProblems orders input problems by file, line and column, so that
// they read the same whatever order the files were decoded in; problems
// without a place come last.
func compareProblems(a, b error) int {
	fa, la, ca := problemAt(a)
	fb, lb, cb := problemAt(b)
	switch {
	case fa != "" && fb != "":
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(la, lb), cmp.Compare(ca, cb))
	case fa != "":
		return -1
	case fb != "":
		return 1
	}
	return 0
}

// unjoin splits a joined error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

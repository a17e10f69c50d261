package reimbursement

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

// Nothing that comes in is lost (rules §1, §2, formats.md): every row of
// every input file becomes a record, every record is taken by the
// settlement, and the settlement counts both per file in Files, which the
// audit checks. A record without an id is named by where it came from.

// A FileCount reconciles one input file: the rows its reader read (the
// header and empty lines apart; a malformed row is a row) and the records
// of them the settlement accounted for — in lines, unpaid, pending,
// unmatched or issues, or as records of another period, copies of
// another record or absences that changed nothing. The two are equal;
// the audit fails a settlement where they are not.
//
// Records given in Go rather than read from a file are counted under the
// name of their list in Input ("Input.Reports").
type FileCount struct {
	File      string
	Rows      int
	Accounted int
	// Encoding is volume.EncodingWindows1252 for a file read as
	// Windows-1252 (what Swedish Excel saves), "" for UTF-8.
	Encoding string
}

// An inputKind is a kind of record, for counting and naming those made in
// Go (Input.Reports …).
type inputKind uint8

// The kinds of input record.
const (
	inputProviders inputKind = iota
	inputDecisions
	inputReports
	inputAbsences
	inputPresence
	inputAdjustments
	numInputKinds
)

// inputNames are the names records made in Go are counted and named under.
var inputNames = [numInputKinds]string{"Input.Providers", "Input.Decisions", "Input.Reports",
	"Input.Absences", "Input.Presence", "Input.Adjustments"}

// count counts a record read from file (one of kind, when made in Go) as
// taken, and notes its place among the records of its kind. Records of
// one file mostly come one after another, so the file's count is kept at
// hand.
func (s *Settler) count(file string, kind inputKind) {
	if file == "" {
		file = inputNames[kind]
	}
	if s.lastTaken == nil || file != s.lastFile {
		p := s.taken[file]
		if p == nil {
			p = new(int)
			s.taken[file] = p
		}
		s.lastFile, s.lastTaken = file, p
	}
	*s.lastTaken++
	s.given[kind]++
}

// ref returns the reference of a record without an id that count has
// just counted: "FILE:LINE" where it was read, or its list and place in
// it ("Input.Reports:3", the third report given) when made in Go.
func (s *Settler) ref(src volume.Source, kind inputKind) string {
	if !src.IsZero() {
		return src.String()
	}
	return inputNames[kind] + ":" + strconv.Itoa(s.given[kind])
}

// A fileLog is what the readers of a bundle found out about its files:
// the rows read, the encoding, the columns not known.
type fileLog struct {
	rows     map[string]int
	encoding map[string]string
	unknown  []unknownColumn
}

// An unknownColumn is a column of a file that no rule reads.
type unknownColumn struct {
	file, column, nearest string
}

func newFileLog() *fileLog {
	return &fileLog{rows: map[string]int{}, encoding: map[string]string{}}
}

// read notes what reader c found in file: its rows, its encoding and its
// unknown columns, the nearest known name beside each.
func (l *fileLog) read(file string, c *volume.CSVReader) {
	l.rows[file] += c.Rows()
	if c.Encoding() != volume.EncodingUTF8 {
		l.encoding[file] = c.Encoding()
	}
	for _, col := range c.UnknownColumns() {
		l.unknown = append(l.unknown, unknownColumn{file: file, column: col, nearest: nearestName(col, c.Columns)})
	}
}

// givenRows returns the rows of an Input made in Go: its records, counted
// by the file they name as their Source, or by their list.
func givenRows(in Input) *fileLog {
	l := newFileLog()
	tally := func(src volume.Source, kind inputKind) {
		file := src.File
		if file == "" {
			file = inputNames[kind]
		}
		l.rows[file]++
	}
	for i := range in.Providers {
		tally(in.Providers[i].Source, inputProviders)
	}
	for i := range in.Decisions {
		tally(in.Decisions[i].Source, inputDecisions)
	}
	for i := range in.Reports {
		tally(in.Reports[i].Source, inputReports)
	}
	for i := range in.Absences {
		tally(in.Absences[i].Source, inputAbsences)
	}
	for i := range in.Presence {
		tally(in.Presence[i].Source, inputPresence)
	}
	for i := range in.Adjustments {
		tally(in.Adjustments[i].Source, inputAdjustments)
	}
	return l
}

// issues returns an unknown-column issue for each column no rule reads,
// so that a misspelt optional column (endreason) is seen, not silently
// left unread.
func (l *fileLog) issues() []Issue {
	var out []Issue
	for _, u := range l.unknown {
		out = append(out, Issue{Kind: IssueUnknownColumn, IDs: []string{u.file}, Message: u.message()})
	}
	return out
}

func (u unknownColumn) message() string {
	msg := fmt.Sprintf("%s: column %s is not a column of this file and is not read", u.file, volume.Quote(u.column))
	if u.nearest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", u.nearest)
	}
	return msg
}

// nearestName returns the name in known nearest to name, when it is near
// enough to be a misspelling of it (at most two edits, and fewer than
// half the name), else "".
func nearestName(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		d := editDistance(strings.ReplaceAll(name, " ", "_"), k)
		if d < bestD && 2*d < len(k) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance of a and b, in bytes,
// for names of at most a header's length.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// fileCounts returns the reconciliation of the input: per file, in name
// order, the rows read (when the edge gave them, else the records taken)
// and the records taken.
func fileCounts(log *fileLog, taken map[string]int) []FileCount {
	names := map[string]bool{}
	for f := range taken {
		names[f] = true
	}
	if log != nil {
		for f := range log.rows {
			names[f] = true
		}
	}
	out := make([]FileCount, 0, len(names))
	for f := range names {
		c := FileCount{File: f, Rows: taken[f], Accounted: taken[f]}
		if log != nil {
			c.Rows, c.Encoding = log.rows[f], log.encoding[f]
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b FileCount) int { return cmp.Compare(a.File, b.File) })
	return out
}

// takenCounts returns the settler's counts of records taken, by file.
func (s *Settler) takenCounts() map[string]int {
	out := make(map[string]int, len(s.taken))
	for f, n := range s.taken {
		out[f] = *n
	}
	return out
}

// checkFiles checks the reconciliation of a settlement: every file's rows
// accounted for.
func checkFiles(st *Settlement, a *auditProblems) {
	for _, f := range st.Files {
		if f.Rows != f.Accounted {
			a.fail("%s: %d rows read, %d accounted for", f.File, f.Rows, f.Accounted)
		}
	}
}

package reimbursement

import (
	"cmp"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

// A sharedRow is a time report that names a shared visit: its instants,
// when they resolve (read), end after start.
type sharedRow struct {
	visit      string // the shared visit's id
	rec        int32
	start, end int64
	read       bool
}

// addShared notes report r, record i, as a row of its shared visit.
func (s *Settler) addShared(r *volume.Report, i int32) {
	row := sharedRow{visit: strings.Clone(r.Shared), rec: i}
	if !r.Start.IsZero() && !r.End.IsZero() {
		var errStart, errEnd error
		row.start, errStart = s.zone.Resolve(r.Start)
		row.end, errEnd = s.zone.Resolve(r.End)
		row.read = errStart == nil && errEnd == nil && row.end > row.start
	}
	s.sharedRows = append(s.sharedRows, row)
}

// splitShared makes each shared visit one visit given to several
// recipients together (rules §5 step 1): the report rows with one shared
// id, of an hour service, are its rows. When they agree on provider,
// service, start and end, the visit's counted length L is found once and
// split into consecutive parts, one per row in order of (recipient, id):
// part k of n is [start + floor(k·L/n), start + floor((k+1)·L/n)). Each
// row is then a visit of its own part for every later step, counted
// already. Rows that do not agree, a row whose times cannot be read
// agreeing with none, are not paid (shared-mismatch) unless a reason of
// rules §2 came first. Every row counts in n, whatever its status; a copy
// of a row (the same id and content) is one row.
func (s *Settler) splitShared() {
	rows := slices.DeleteFunc(s.sharedRows, func(r sharedRow) bool {
		x := s.recs.at(r.rec)
		svc, ok := s.t.service(s.nameList[s.recNames[x.names].service])
		return x.flags&recDropped != 0 || !ok || svc.Unit != Hour // only hour services share visits
	})
	slices.SortFunc(rows, func(a, b sharedRow) int {
		x, y := s.recs.at(a.rec), s.recs.at(b.rec)
		return cmp.Or(strings.Compare(a.visit, b.visit),
			strings.Compare(s.nameList[s.recNames[x.names].recipient], s.nameList[s.recNames[y.names].recipient]),
			strings.Compare(s.id(a.rec), s.id(b.rec)), cmp.Compare(a.rec, b.rec))
	})
	for len(rows) > 0 {
		n := 1
		for n < len(rows) && rows[n].visit == rows[0].visit {
			n++
		}
		s.splitVisit(rows[:n])
		rows = rows[n:]
	}
}

// splitVisit splits one shared visit among its rows (splitShared).
func (s *Settler) splitVisit(group []sharedRow) {
	first := group[0]
	names := s.recNames[s.recs.at(first.rec).names]
	agree := true
	for _, row := range group {
		n := s.recNames[s.recs.at(row.rec).names]
		agree = agree && row.read && n.provider == names.provider && n.service == names.service &&
			row.start == first.start && row.end == first.end
	}
	if !agree {
		for _, row := range group {
			if x := s.recs.at(row.rec); x.reason == 0 {
				x.reason = codeSharedMismatch
			}
		}
		return
	}
	svc, _ := s.t.service(s.nameList[names.service])
	total, n := countedLength(svc, first.end-first.start), int64(len(group))
	for k, row := range group {
		x := s.recs.at(row.rec)
		from, to := first.start+int64(k)*total/n, first.start+int64(k+1)*total/n
		// The part's own band and rate: of its start, its local date; its
		// decision and period stay those of the reported start.
		x.start, x.date = from, s.zone.LocalDate(from)
		x.flags = x.flags&^recEndApart | recShared
		s.setEnd(row.rec, x, to)
	}
}

package reimbursement

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/volume"
)

// A sharedRow is a time report that names a shared visit: its instants,
// when they resolve (read), end after start.
type sharedRow struct {
	visit      string // the shared visit's id
	rec        int32  // the record; -1 for a row settled in another part of the month
	start, end int64
	read       bool
	// The row's names, which its group is ordered and checked by: taken
	// from the record by splitShared, given with a row of another part.
	recipient, id, provider, service string
}

// An ownShared is a report of the settler's that names a shared visit,
// kept without pointers (the visit's id beside the report ids) until
// splitShared makes it a sharedRow.
type ownShared struct {
	rec                int32
	visitOff, visitLen uint32
	start, end         int64
	read               bool
}

// addShared notes report r, record i, as a row of its shared visit.
func (s *Settler) addShared(r *volume.Report, i int32) {
	row := ownShared{rec: i, visitOff: s.ids.add(r.Shared), visitLen: uint32(len(r.Shared))}
	row.start, row.end, row.read = sharedTimes(s.zone, r)
	s.sharedOwn = append(s.sharedOwn, row)
}

// sharedTimes returns the instants of a row of a shared visit, and
// whether they can be read: both given and resolved, end after start.
func sharedTimes(zone *volume.Zone, r *volume.Report) (start, end int64, read bool) {
	if r.Start.IsZero() || r.End.IsZero() {
		return 0, 0, false
	}
	start, errStart := zone.Resolve(r.Start)
	end, errEnd := zone.Resolve(r.End)
	return start, end, errStart == nil && errEnd == nil && end > start
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
	rows := make([]sharedRow, 0, len(s.sharedOwn)+len(s.shadows))
	for _, own := range s.sharedOwn {
		x := s.recs.at(own.rec)
		if x.flags&recDropped != 0 {
			continue
		}
		n := s.recNames[x.names]
		rows = append(rows, sharedRow{visit: s.idStr[own.visitOff : own.visitOff+own.visitLen], rec: own.rec,
			start: own.start, end: own.end, read: own.read, recipient: s.nameList[n.recipient], id: s.id(own.rec),
			provider: s.nameList[n.provider], service: s.nameList[n.service]})
	}
	rows = append(rows, s.shadows...)
	var hashes []uint64 // of the visits' ids: the rows of one visit hash alike
	rows = slices.DeleteFunc(rows, func(row sharedRow) bool {
		svc, ok := s.t.service(row.service)
		return !ok || svc.Unit != Hour // only hour services share visits
	})
	for _, row := range rows {
		hashes = append(hashes, maphash.String(s.seed, row.visit))
	}
	// The visits one after another (by hash, which is quicker to sort
	// than the ids), then each visit's rows in order.
	order := make([]int32, len(rows))
	for i := range order {
		order[i] = int32(i)
	}
	radix.SortWith(hashes, order, nil)
	var group []sharedRow
	for len(order) > 0 {
		n := 1
		for n < len(order) && hashes[n] == hashes[0] {
			n++
		}
		group = group[:0]
		for _, i := range order[:n] {
			group = append(group, rows[i])
		}
		slices.SortFunc(group, compareSharedRows)
		for len(group) > 0 { // visits whose ids hash alike, one by one
			k := 1
			for k < len(group) && group[k].visit == group[0].visit {
				k++
			}
			s.splitVisit(group[:k])
			group = group[k:]
		}
		order, hashes = order[n:], hashes[n:]
	}
}

// compareSharedRows orders the rows of shared visits by visit, then in
// the order the visit is split in: recipient and id (copies of an id in
// the order they were read).
func compareSharedRows(a, b sharedRow) int {
	return cmp.Or(strings.Compare(a.visit, b.visit), strings.Compare(a.recipient, b.recipient),
		strings.Compare(a.id, b.id), cmp.Compare(a.rec, b.rec))
}

// splitVisit splits one shared visit among its rows (splitShared). Rows
// of other parts of the month take their places in the split; only the
// settler's own are changed.
func (s *Settler) splitVisit(group []sharedRow) {
	first := group[0]
	agree := true
	for _, row := range group {
		agree = agree && row.read && row.provider == first.provider && row.service == first.service &&
			row.start == first.start && row.end == first.end
	}
	if !agree {
		for _, row := range group {
			if row.rec < 0 {
				continue
			}
			if x := s.recs.at(row.rec); x.reason == 0 {
				x.reason = codeSharedMismatch
			}
		}
		return
	}
	svc, _ := s.t.service(first.service)
	total, n := countedLength(svc, first.end-first.start), int64(len(group))
	for k, row := range group {
		if row.rec < 0 {
			continue
		}
		x := s.recs.at(row.rec)
		from, to := first.start+int64(k)*total/n, first.start+int64(k+1)*total/n
		// The part's own band and rate: of its start, its local date; its
		// decision and period stay those of the reported start.
		x.start, x.date = from, s.zone.LocalDate(from)
		x.flags = x.flags&^recEndApart | recShared
		s.setEnd(row.rec, x, to)
	}
}

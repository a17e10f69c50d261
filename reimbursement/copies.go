package reimbursement

import (
	"hash/maphash"
	"runtime"

	"github.com/exempelby/ersattning/reimbursement/internal/dedup"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/repeats"
)

// same reports whether reports i and j have the same content.
// Two copies with the same instants are the same, however their offsets
// were written.
func (s *Settler) same(i, j int32) bool {
	x, y := s.recs.at(i), s.recs.at(j)
	return x.start == y.start && s.end(i, x) == s.end(j, y) && x.names == y.names && x.staff == y.staff && x.kind == y.kind && x.status == y.status &&
		x.flags&(recInvalid|recTimeOK) == y.flags&(recInvalid|recTimeOK)
}

// id returns the id of report i; Settlement must have made idStr.
func (s *Settler) id(i int32) string {
	x := s.recs.at(i)
	return s.idStr[x.idOff : x.idOff+x.idLen]
}

// markCopies finds reports with the same id (rules §2): copies with the
// same content count once (all but the first are dropped), copies with
// different content are all marked recDup; it reports whether it marked
// any so. Reports whose ids hash alike are the candidates, each group
// then compared id by id (markGroup). Hashing the ids at the end keeps
// this off the path of every report.
func (s *Settler) markCopies() (dups bool) {
	if s.noCopies {
		return false
	}
	workers := min(runtime.GOMAXPROCS(0), 8)
	if s.workers > 0 {
		workers = s.workers
	}
	for _, group := range dedup.Repeats(s.idHashes(workers), workers) {
		dups = s.markGroup(group) || dups
	}
	return dups
}

// idHashes returns the hashes of the reports' ids, made on up to workers
// goroutines: 0 for a report without one, else never 0. An id of up to
// eight bytes is hashed from its key, without reading it again.
func (s *Settler) idHashes(workers int) []uint64 {
	hashes := make([]uint64, s.recs.n)
	n := max(1, min(workers, len(hashes)/(1<<16)))
	parallel.ForEach(n, n, func(_, k int) {
		for i := k * len(hashes) / n; i < (k+1)*len(hashes)/n; i++ {
			x := s.recs.at(int32(i))
			switch {
			case x.idLen == 0:
			case x.idLen <= 8:
				hashes[i] = max(repeats.ShortHash(s.keyOf(x), x.idLen, s.shortSeed), 1)
			default:
				hashes[i] = max(maphash.String(s.seed, s.idStr[x.idOff:x.idOff+x.idLen]), 1)
			}
		}
	})
	return hashes
}

// markGroup marks the copies among reports whose ids hash alike.
func (s *Settler) markGroup(group []int32) (dups bool) {
	// One hash may stand for several ids; take them one id at a time.
	done := make([]bool, len(group))
	for a := range group {
		if done[a] {
			continue
		}
		first := group[a]
		id := s.id(first)
		same := true
		var members []int32
		for b := a; b < len(group); b++ {
			if done[b] || s.id(group[b]) != id {
				continue
			}
			done[b] = true
			members = append(members, group[b])
			same = same && s.same(group[b], first)
		}
		// Same content: keep one, the same one whatever order the copies
		// came in (copies of an invalid row differ in the place their
		// problem names: keep the one whose text sorts first).
		keep := members[0]
		for _, i := range members[1:] {
			if d, k := s.details[i], s.details[keep]; d != "" && d < k {
				keep = i
			}
		}
		for _, i := range members {
			switch {
			case !same:
				s.recs.at(i).flags |= recDup
				dups = true
			case i != keep:
				s.recs.at(i).flags |= recDropped
			}
		}
	}
	return dups
}

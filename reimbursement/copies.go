package reimbursement

import (
	"hash/maphash"
	"runtime"
	"slices"

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
// any so. Hashing the ids at the end keeps this off the path of every
// report.
func (s *Settler) markCopies() (dups bool) {
	if s.noCopies {
		return false
	}
	// The ids' hashes, made on all cores in pieces of the reports, then
	// put in 256 buckets by their top byte (each piece's hashes in its own
	// place of each bucket), and each bucket searched for repeats on its
	// own (repeats.Find): all on all cores.
	hashes := make([]uint64, s.recs.n)
	n := min(runtime.GOMAXPROCS(0), 8)
	if s.workers > 0 {
		n = s.workers
	}
	n = max(1, min(n, s.recs.n/(1<<16)))
	piece := func(k int) (int, int) { return k * len(hashes) / n, (k + 1) * len(hashes) / n }
	counts := make([][256]int, n)
	parallel.ForEach(n, n, func(_, k int) {
		from, to := piece(k)
		for i := from; i < to; i++ {
			if x := s.recs.at(int32(i)); x.idLen > 0 {
				var h uint64 // idHash, in line
				if x.idLen <= 8 {
					h = repeats.ShortHash(s.keyOf(x), x.idLen, s.shortSeed)
				} else {
					h = maphash.String(s.seed, s.idStr[x.idOff:x.idOff+x.idLen])
				}
				h = max(h, 1) // 0 is no id
				hashes[i] = h
				counts[k][h>>56]++
			}
		}
	})
	if n == 1 {
		return s.markCopiesInPlace(hashes, &counts[0])
	}
	var bounds [257]int // bucket b is sorted[bounds[b]:bounds[b+1]]
	at := make([][256]int, n)
	pos := 0
	for b := range 256 {
		bounds[b] = pos
		for k := range n {
			at[k][b] = pos
			pos += counts[k][b]
		}
	}
	bounds[256] = pos
	byBucket := make([]uint64, pos)
	parallel.ForEach(n, n, func(_, k int) {
		from, to := piece(k)
		for i := from; i < to; i++ {
			if h := hashes[i]; h != 0 {
				byBucket[at[k][h>>56]] = h
				at[k][h>>56]++
			}
		}
	})
	found := make([][]uint64, n)
	tables := make([]repeats.Table, n)
	parallel.ForEach(n, 256, func(w, b int) {
		bucket := byBucket[bounds[b]:bounds[b+1]]
		repeats.Find(bucket, &tables[w], func(_, i int) { found[w] = append(found[w], bucket[i]) })
	})
	repeated := map[uint64][]hashIndex{}
	for _, list := range found {
		for _, h := range list {
			repeated[h] = nil
		}
	}
	if len(repeated) == 0 {
		return false
	}
	for i, h := range hashes {
		if g, ok := repeated[h]; ok {
			repeated[h] = append(g, hashIndex{h, int32(i)})
		}
	}
	return s.markRepeated(repeated)
}

// idHash returns the hash markCopies gives the id of x, which has one;
// never 0, which stands for no id.
func (s *Settler) idHash(x *rec) uint64 {
	var h uint64
	if x.idLen <= 8 {
		h = repeats.ShortHash(s.keyOf(x), x.idLen, s.shortSeed)
	} else {
		h = maphash.String(s.seed, s.idStr[x.idOff:x.idOff+x.idLen])
	}
	return max(h, 1)
}

// markCopiesInPlace is markCopies on one core, given the reports' hashes
// (0: no id) and their counts by top byte: the hashes are put in their
// buckets in place, rather than in a list as large made for it, and a
// hash found repeated is made again for every report to find its reports.
func (s *Settler) markCopiesInPlace(hashes []uint64, counts *[256]int) bool {
	w := 0
	for _, h := range hashes {
		if h != 0 {
			hashes[w] = h
			w++
		}
	}
	keys := hashes[:w]
	var start, next [257]int // bucket b is keys[start[b]:start[b+1]]
	for b := range 256 {
		start[b+1] = start[b] + counts[b]
		next[b] = start[b]
	}
	for b := range 256 {
		for next[b] < start[b+1] {
			h := keys[next[b]]
			if t := int(h >> 56); t != b {
				keys[next[b]], keys[next[t]] = keys[next[t]], h
				next[t]++
				continue
			}
			next[b]++
		}
	}
	repeated := map[uint64][]hashIndex{}
	var table repeats.Table
	for b := range 256 {
		bucket := keys[start[b]:start[b+1]]
		repeats.Find(bucket, &table, func(_, i int) { repeated[bucket[i]] = nil })
	}
	if len(repeated) == 0 {
		return false
	}
	for i, x := range s.recs.all {
		if x.idLen > 0 {
			h := s.idHash(x)
			if g, ok := repeated[h]; ok {
				repeated[h] = append(g, hashIndex{h, i})
			}
		}
	}
	return s.markRepeated(repeated)
}

// markRepeated marks the copies among the reports of each repeated hash,
// in order of hash.
func (s *Settler) markRepeated(repeated map[uint64][]hashIndex) (dups bool) {
	hs := make([]uint64, 0, len(repeated))
	for h := range repeated {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	for _, h := range hs {
		dups = s.markGroup(repeated[h]) || dups
	}
	return dups
}

type hashIndex struct {
	h uint64
	i int32
}

func (s *Settler) markGroup(group []hashIndex) (dups bool) {
	// One hash may stand for several ids; take them one id at a time.
	done := make([]bool, len(group))
	for a := range group {
		if done[a] {
			continue
		}
		first := group[a].i
		id := s.id(first)
		same := true
		var members []int32
		for b := a; b < len(group); b++ {
			if done[b] || s.id(group[b].i) != id {
				continue
			}
			done[b] = true
			members = append(members, group[b].i)
			same = same && s.same(group[b].i, first)
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

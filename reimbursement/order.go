package reimbursement

import (
	"cmp"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
)

// sortedAcc returns the indices of acc in the order of their lines
// (compareLines), compared without making them: the lines of one
// decision share its recipient, id and service.
func (b *builder) sortedAcc() []int32 {
	idx := b.lineIdx[:0]
	for i := range b.acc {
		idx = append(idx, int32(i))
	}
	b.lineIdx = idx
	if len(idx) < 2 {
		return idx
	}
	slices.SortFunc(idx, func(x, y int32) int {
		kx, ky := &b.acc[x].key, &b.acc[y].key
		if c := strings.Compare(kx.component, ky.component); c != 0 {
			return c
		}
		if c := strings.Compare(b.bandCode(kx.band), b.bandCode(ky.band)); c != 0 {
			return c
		}
		rx, ry := &b.s.t.rates[kx.rate], &b.s.t.rates[ky.rate]
		if c := rx.From.Compare(ry.From); c != 0 {
			return c
		}
		// The factor is the percent over 100.
		if c := b.acc[x].acc.percent.Cmp(b.acc[y].acc.percent); c != 0 {
			return c
		}
		if c := rx.Price.Cmp(ry.Price); c != 0 {
			return c
		}
		return cmp.Compare(kx.divisor, ky.divisor)
	})
	return idx
}

// sortRecs sorts the reports of a line by id (by the first eight bytes of
// their ids, as numbers, and by the rest only on a tie) and returns them
// each id once.
func (b *builder) sortRecs(recs []lineRec) []lineRec {
	sorted, keysRepeat := b.insertRecs(recs)
	if !sorted {
		slices.SortFunc(recs, func(x, y lineRec) int {
			if x.key != y.key {
				return cmp.Compare(x.key, y.key)
			}
			return strings.Compare(b.recID(&x), b.recID(&y))
		})
	}
	if sorted && !keysRepeat {
		return recs
	}
	// A report feeds a line once, so that there is rarely anything to
	// drop: only ids of one key are compared.
	for i := 1; i < len(recs); i++ {
		if recs[i].key == recs[i-1].key && b.recID(&recs[i]) == b.recID(&recs[i-1]) {
			return slices.CompactFunc(recs, func(x, y lineRec) bool { return x.key == y.key && b.recID(&x) == b.recID(&y) })
		}
	}
	return recs
}

// insertRecs sorts recs as sortRecs does, by insertion, when they are in
// order or nearly: a line's reports come in order of time, and ids are
// most often given in that order too. It gives up when that is not so,
// having moved the reports 2n + 16 places in all, and reports false; recs
// then holds them in some other order. keysRepeat is false when no two
// of them have one key (and so no two one id).
func (b *builder) insertRecs(recs []lineRec) (sorted, keysRepeat bool) {
	budget := 2*len(recs) + 16
	for i := 1; i < len(recs); i++ {
		if recs[i].key > recs[i-1].key {
			continue // in place
		}
		x := recs[i]
		j := i
		for ; j > 0 && x.key <= recs[j-1].key; j-- {
			if x.key == recs[j-1].key {
				keysRepeat = true
				if b.recID(&x) >= b.recID(&recs[j-1]) {
					break
				}
			}
			recs[j] = recs[j-1]
			if budget--; budget < 0 {
				recs[j-1] = x
				return false, true
			}
		}
		recs[j] = x
	}
	return true, keysRepeat
}

// sortedLines returns the indices of b.lines in order of compareLines.
func (b *builder) sortedLines() []int32 {
	idx := b.lineIdx[:0]
	for i := range b.lines {
		idx = append(idx, int32(i))
	}
	slices.SortFunc(idx, func(x, y int32) int { return compareLinesAt(&b.lines[x], &b.lines[y]) })
	b.lineIdx = idx
	return idx
}

// orderByID returns the indices 0 … n-1 in the order of id(i), then of
// tie(a, b) between equal ids. It sorts by eight bytes of the ids at a
// time, by their digits (radix), and compares ids only within runs that
// are alike in their first bytes: ids are many and mostly short.
func orderByID(n int, id func(i int) string, tie func(a, b int) int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	byID := func(a, b int32) int {
		if c := strings.Compare(id(int(a)), id(int(b))); c != 0 {
			return c
		}
		return tie(int(a), int(b))
	}
	var o idOrder
	o.sort(idx, 0, id, byID)
	return idx
}

// idOrder holds the scratch space of orderByID's radix sorts.
type idOrder struct {
	scratch radix.Scratch
}

// smallRun is the length of a run sorted by comparison.
const smallRun = 48

// sort orders idx, whose ids are alike in their first off bytes.
func (o *idOrder) sort(idx []int32, off int, id func(i int) string, byID func(a, b int32) int) {
	if len(idx) <= smallRun || off >= 64 {
		slices.SortFunc(idx, byID)
		return
	}
	keys := make([]uint64, len(idx))
	for k, i := range idx {
		keys[k] = radix.Key(id(int(i)), off)
	}
	radix.SortWith(keys, idx, &o.scratch)
	// Runs of equal keys: their ids are alike in eight more bytes.
	for s := 0; s < len(idx); {
		e := s + 1
		for e < len(idx) && keys[e] == keys[s] {
			e++
		}
		if e-s > 1 {
			o.sort(idx[s:e], off+8, id, byID)
		}
		s = e
	}
}

// sortLines sorts lines by compareLines, moving indices rather than the
// large lines while sorting. Lines made decision by decision come in a
// few sorted runs (one per worker, and the markups): those are merged.
func sortLines(lines []Line) []Line {
	if len(lines) < 64 {
		slices.SortFunc(lines, compareLines)
		return lines
	}
	runs := []int{0} // where each run starts
	for i := 1; i < len(lines); i++ {
		if compareLinesAt(&lines[i-1], &lines[i]) > 0 {
			if runs = append(runs, i); len(runs) > maxRuns {
				break
			}
		}
	}
	if len(runs) == 1 {
		return lines
	}
	idx := make([]int32, len(lines))
	for i := range idx {
		idx[i] = int32(i)
	}
	less := func(a, b int32) int { return compareLinesAt(&lines[a], &lines[b]) }
	if len(runs) > maxRuns {
		slices.SortFunc(idx, less)
	} else {
		mergeRuns(idx, append(runs, len(lines)), less)
	}
	permute(lines, idx)
	return lines
}

// permute puts lines in the order idx gives (lines[idx[0]] first) in
// place, a cycle of the permutation at a time; it changes idx.
func permute(lines []Line, idx []int32) {
	for i := range idx {
		if idx[i] == int32(i) {
			continue
		}
		tmp := lines[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = int32(j)
			if k == i {
				lines[j] = tmp
				break
			}
			lines[j] = lines[k]
			j = k
		}
	}
}

// linesBefore reports whether lines are in order and all before l.
func linesBefore(lines []Line, l *Line) bool {
	for i := range lines {
		if compareLinesAt(&lines[i], l) >= 0 || i > 0 && compareLinesAt(&lines[i-1], &lines[i]) > 0 {
			return false
		}
	}
	return true
}

// maxRuns is the most sorted runs sortLines merges rather than sorts.
const maxRuns = 64

// mergeRuns sorts idx, which is sorted within the runs idx[bounds[k]:
// bounds[k+1]], by merging the runs two by two; equal items keep their
// order (a stable merge).
func mergeRuns(idx []int32, bounds []int, cmp func(a, b int32) int) {
	tmp := make([]int32, len(idx))
	src, dst := idx, tmp
	for len(bounds) > 2 {
		next := bounds[:0:0]
		for k := 0; k+1 < len(bounds); k += 2 {
			lo, mid, hi := bounds[k], bounds[k+1], bounds[len(bounds)-1]
			if k+2 < len(bounds) {
				hi = bounds[k+2]
			}
			i, j, o := lo, mid, lo
			for i < mid && j < hi {
				if cmp(src[j], src[i]) < 0 {
					dst[o], j = src[j], j+1
				} else {
					dst[o], i = src[i], i+1
				}
				o++
			}
			o += copy(dst[o:], src[i:mid])
			copy(dst[o:], src[j:hi])
			next = append(next, lo)
		}
		bounds = append(next, len(idx))
		src, dst = dst, src
	}
	if &src[0] != &idx[0] {
		copy(idx, src)
	}
}

// compareLines orders lines as formats.md says: recipient, decision,
// service, component, band, rate_from, factor (then price and divisor, so
// that the order is total). Decimals are compared only on a tie.
func compareLines(a, b Line) int { return compareLinesAt(&a, &b) }

// compareLinesAt is compareLines without copying the lines.
func compareLinesAt(a, b *Line) int {
	if r := strings.Compare(a.Recipient, b.Recipient); r != 0 {
		return r
	}
	if r := strings.Compare(a.Decision, b.Decision); r != 0 {
		return r
	}
	if r := strings.Compare(a.Service, b.Service); r != 0 {
		return r
	}
	if r := strings.Compare(a.Component, b.Component); r != 0 {
		return r
	}
	if r := strings.Compare(a.Band, b.Band); r != 0 {
		return r
	}
	if c := a.RateFrom.Compare(b.RateFrom); c != 0 {
		return c
	}
	if c := a.Factor.Cmp(b.Factor); c != 0 {
		return c
	}
	if c := a.Price.Cmp(b.Price); c != 0 {
		return c
	}
	return a.Divisor.Cmp(b.Divisor)
}

// sortIssues sorts issues by kind, ids and message, and drops repeats.
func sortIssues(list []Issue) []Issue {
	slices.SortFunc(list, func(a, b Issue) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), slices.Compare(a.IDs, b.IDs), cmp.Compare(a.Message, b.Message))
	})
	return slices.CompactFunc(list, func(a, b Issue) bool {
		return a.Kind == b.Kind && slices.Equal(a.IDs, b.IDs) && a.Message == b.Message
	})
}

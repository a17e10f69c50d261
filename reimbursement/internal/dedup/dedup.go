// Package dedup finds the items of a large list that share a hash: the
// candidates for copies of one record id. It knows nothing of records or
// ids; its tests compare it with a map from hash to places.
package dedup

import (
	"slices"

	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/repeats"
)

// minPiece is the fewest hashes a worker takes: fewer are not worth a
// goroutine.
const minPiece = 1 << 16

// Repeats returns the groups of places in hashes that share a hash, two
// or more places each, places ascending, groups in order of hash. A hash
// of 0 stands for no key and is never grouped. Up to workers goroutines
// share the work.
//
// The hashes are put in 256 buckets by their top byte, each piece of the
// list on a goroutine of its own, and each bucket is searched for repeats
// on its own: no table as large as the list is made, and the buckets are
// searched on all cores.
func Repeats(hashes []uint64, workers int) [][]int32 {
	n := max(1, min(workers, len(hashes)/minPiece))
	piece := func(k int) (int, int) { return k * len(hashes) / n, (k + 1) * len(hashes) / n }
	counts := make([][256]int, n)
	parallel.ForEach(n, n, func(_, k int) {
		from, to := piece(k)
		for _, h := range hashes[from:to] {
			if h != 0 {
				counts[k][h>>56]++
			}
		}
	})
	var bounds [257]int // bucket b is byBucket[bounds[b]:bounds[b+1]]
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
		for _, h := range hashes[from:to] {
			if h != 0 {
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
	return groups(hashes, found)
}

// groups returns the places of the hashes found repeated, grouped by hash,
// in order of hash.
func groups(hashes []uint64, found [][]uint64) [][]int32 {
	repeated := map[uint64][]int32{}
	for _, list := range found {
		for _, h := range list {
			repeated[h] = nil
		}
	}
	if len(repeated) == 0 {
		return nil
	}
	for i, h := range hashes {
		if g, ok := repeated[h]; ok {
			repeated[h] = append(g, int32(i))
		}
	}
	keys := make([]uint64, 0, len(repeated))
	for h := range repeated {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	out := make([][]int32, len(keys))
	for i, h := range keys {
		out[i] = repeated[h]
	}
	return out
}

package dedup

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repeatsSlow is what Repeats replaces: a map from hash to places.
func repeatsSlow(hashes []uint64) [][]int32 {
	places := map[uint64][]int32{}
	for i, h := range hashes {
		if h != 0 {
			places[h] = append(places[h], int32(i))
		}
	}
	var keys []uint64
	for h, p := range places {
		if len(p) > 1 {
			keys = append(keys, h)
		}
	}
	slices.Sort(keys)
	var out [][]int32
	for _, h := range keys {
		out = append(out, places[h])
	}
	return out
}

// TestRepeats: the groups are the map's, for lists with no repeats, with
// many, with hashes of 0 (no key), with hashes alike in their top byte
// (one bucket) or in their low bits (one place of a bucket's table), on
// one worker and on several, for lists long enough to be split.
func TestRepeats(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	tests := []struct {
		name string
		n    int
		hash func(i int) uint64
	}{
		{"empty", 0, nil},
		{"no repeats", 1000, func(i int) uint64 { return rng.Uint64() | 1 }},
		{"all zero", 1000, func(i int) uint64 { return 0 }},
		{"all alike", 1000, func(i int) uint64 { return 42 }},
		{"one bucket", 5000, func(i int) uint64 { return 7<<56 | uint64(rng.Intn(3000)) }},
		{"alike low bits", 5000, func(i int) uint64 { return uint64(rng.Intn(4000))<<40 | 1 }},
		{"some repeats, some zero", 300000, func(i int) uint64 {
			switch rng.Intn(10) {
			case 0:
				return 0
			case 1:
				return uint64(rng.Intn(1000)) * 0x9e3779b97f4a7c15
			}
			return rng.Uint64()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hashes := make([]uint64, tt.n)
			for i := range hashes {
				hashes[i] = tt.hash(i)
			}
			want := repeatsSlow(hashes)
			for _, workers := range []int{1, 2, 8} {
				before := slices.Clone(hashes)
				got := Repeats(hashes, workers)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("%d workers (-want +got):\n%s", workers, d)
				}
				if !slices.Equal(before, hashes) {
					t.Fatalf("%d workers: the hashes were changed", workers)
				}
			}
		})
	}
}

package repeats

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
)

// TestFind: every key that was there before is found, with where it was
// first, for keys that are 0, that share their low bits (their place in
// the table), or that come many times; and no other. The plain behaviour
// it replaces is a map from key to first place.
func TestFind(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	var table Table
	for round := 0; round < 300; round++ {
		keys := make([]uint64, rng.Intn(2000))
		for i := range keys {
			switch rng.Intn(6) {
			case 0:
				keys[i] = 0
			case 1:
				keys[i] = uint64(rng.Intn(8)) << 40 // alike in their low bits
			case 2:
				if i > 0 {
					keys[i] = keys[rng.Intn(i)]
					break
				}
				fallthrough
			default:
				keys[i] = rng.Uint64()
			}
		}
		type hit struct{ first, i int }
		var got, want []hit
		Find(keys, &table, func(first, i int) { got = append(got, hit{first, i}) })
		firstOf := map[uint64]int{}
		for i, k := range keys {
			if f, ok := firstOf[k]; ok {
				want = append(want, hit{f, i})
			} else {
				firstOf[k] = i
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: %v, want %v", round, got, want)
		}
	}
}

// TestShortHash: ids of at most eight bytes that differ, if only by a
// trailing zero byte, hash apart; the same id hashes the same. (Ids of
// eight bytes and of fewer may share a hash: "ABCDEFG\x0f" and "ABCDEFG"
// do; the caller compares the ids of a hash.)
func TestShortHash(t *testing.T) {
	ids := []string{"", "A", "A\x00", "A\x00\x00", "B", "V1", "V10", "V100", "V1000000", "V1000001",
		"\x00", "\x00\x00", "ABCDEFG", "ABCDEFG\x00", "ABCDEFG\x07", "\xff\xff\xff\xff\xff\xff\xff\xff"}
	for _, seed := range []uint64{0, 0x9e3779b97f4a7c15, 1 << 63} {
		seen := map[uint64]string{}
		for _, id := range ids {
			h := ShortHash(radix.Key(id, 0), uint32(len(id)), seed)
			if other, ok := seen[h]; ok {
				t.Errorf("seed %#x: %q and %q hash alike", seed, id, other)
			}
			seen[h] = id
			if again := ShortHash(radix.Key(strings.Clone(id), 0), uint32(len(id)), seed); again != h {
				t.Errorf("seed %#x: %q hashes two ways", seed, id)
			}
		}
	}
}

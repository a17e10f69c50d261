// Package repeats finds keys seen before, and hashes short ids to such
// keys. It knows nothing of settlements; its tests compare it with a map.
package repeats

// Find calls found(first, i) for every i whose key is one before it,
// keys[first] being its first: each key is looked up once in an
// open-addressing table instead of sorting them all. The keys are
// hashes, or parts of hashes: their low bits place them. table is the
// space the lookups use, kept for the next call; its zero value is ready.
func Find(keys []uint64, table *Table, found func(first, i int)) {
	size := 16
	for size < 2*len(keys) {
		size *= 2
	}
	if cap(table.slots) < size {
		table.slots = make([]slot, size)
	}
	t := table.slots[:size]
	clear(t)
	mask := uint64(size - 1)
	for i, k := range keys {
		for j := k & mask; ; j = (j + 1) & mask {
			x := &t[j]
			if x.at == 0 {
				*x = slot{key: k, at: int32(i) + 1}
				break
			}
			if x.key == k {
				found(int(x.at-1), i)
				break
			}
		}
	}
}

// A Table is the space Find looks keys up in. Its zero value is ready to
// use; one table serves one goroutine at a time.
type Table struct{ slots []slot }

// A slot of the table holds a key and where it was first (+ 1: 0 is an
// empty slot).
type slot struct {
	key uint64
	at  int32
}

// ShortHash is the hash of an id of at most eight bytes, from its first
// eight bytes as a big-endian number (key) and its length n, without
// reading it again. The two are the id; key ^ length ^ seed is mixed by a
// bijection (murmur3's finalizer), so ids of one length never share a
// hash, and ids of different lengths only when one has eight bytes, at
// most eight ids a hash. A repeated hash is a candidate only: the caller
// compares the ids. The seed, random, keeps ids chosen to crowd a table
// from doing so.
func ShortHash(key uint64, n uint32, seed uint64) uint64 {
	x := key ^ uint64(n) ^ seed
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

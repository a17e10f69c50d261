// Package radix sorts 64-bit keys a byte at a time: for millions of keys
// (hashes, id prefixes) several times faster than a comparison sort. It
// knows nothing of settlements; its tests compare it with slices.Sort.
package radix

import "encoding/binary"

// Sort sorts a in place.
func Sort(a []uint64) { SortWith(a, nil, nil) }

// SortWith sorts keys, and idx (when not nil, of the same length) along
// with them, a byte at a time from the last, skipping bytes that all keys
// share; scratch, when not nil, is the space the passes use, kept for the
// next sort. The counts of all eight bytes are made in one reading of the
// keys. The sort is stable: equal keys keep the order of their indices.
func SortWith(keys []uint64, idx []int32, scratch *Scratch) {
	n := len(keys)
	if n < 2 {
		return
	}
	if idx != nil && len(idx) != n {
		panic("radix: keys and indices of different lengths")
	}
	if scratch == nil {
		scratch = &Scratch{}
	}
	if cap(scratch.keys) < n {
		scratch.keys = make([]uint64, n)
	}
	if idx != nil && cap(scratch.idx) < n {
		scratch.idx = make([]int32, n)
	}
	count := &scratch.count
	*count = [8][256]int{}
	for _, v := range keys {
		count[0][uint8(v)]++
		count[1][uint8(v>>8)]++
		count[2][uint8(v>>16)]++
		count[3][uint8(v>>24)]++
		count[4][uint8(v>>32)]++
		count[5][uint8(v>>40)]++
		count[6][uint8(v>>48)]++
		count[7][uint8(v>>56)]++
	}
	src, dst := keys, scratch.keys[:n]
	var isrc, idst []int32
	if idx != nil {
		isrc, idst = idx, scratch.idx[:n]
	}
	for b := range 8 {
		shift := 8 * b
		c := &count[b]
		if c[uint8(keys[0]>>shift)] == n {
			continue // a byte all keys share
		}
		pos := 0
		for d, k := range c {
			c[d] = pos
			pos += k
		}
		if idx == nil {
			for _, v := range src {
				d := uint8(v >> shift)
				dst[c[d]] = v
				c[d]++
			}
		} else {
			for j, v := range src {
				d := uint8(v >> shift)
				dst[c[d]] = v
				idst[c[d]] = isrc[j]
				c[d]++
			}
		}
		src, dst, isrc, idst = dst, src, idst, isrc
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
		copy(idx, isrc)
	}
}

// Scratch is the space SortWith sorts through, kept for the next sort.
// Its zero value is ready to use.
type Scratch struct {
	keys  []uint64
	idx   []int32
	count [8][256]int // of each byte
}

// Key returns the eight bytes of s from off as a big-endian number, with
// zeros past its end: keys order as the strings do in those bytes, and
// equal keys are strings alike in those bytes (or differing only in
// trailing zero bytes, which the caller tells apart by length).
func Key[T ~string | ~[]byte](s T, off int) uint64 {
	if off+8 <= len(s) {
		x := s[off : off+8]
		return uint64(x[7]) | uint64(x[6])<<8 | uint64(x[5])<<16 | uint64(x[4])<<24 |
			uint64(x[3])<<32 | uint64(x[2])<<40 | uint64(x[1])<<48 | uint64(x[0])<<56
	}
	var b [8]byte
	if off < len(s) {
		copy(b[:], s[off:])
	}
	return binary.BigEndian.Uint64(b[:])
}

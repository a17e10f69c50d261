// Package store keeps many small things without copying them as they
// grow: a list that grows by chunks, and an arena of byte pieces. It knows
// nothing of settlements; its tests compare it with a plain slice.
package store

import (
	"slices"
	"unsafe"
)

// Bytes keeps pieces of bytes end to end in blocks that are never copied
// or grown. Its zero value is an empty store.
type Bytes struct {
	block []byte
	full  [][]byte // the blocks before block
	spare [][]byte // empty blocks to use before making new ones
}

// blockSize is the size of a block, unless a piece is larger.
const blockSize = 1 << 20

// Add returns a copy of p in the store. The copy's capacity is its length:
// appending to it never writes over another piece.
func (s *Bytes) Add(p []byte) []byte {
	if len(p) > cap(s.block)-len(s.block) {
		if s.block != nil {
			s.full = append(s.full, s.block)
		}
		if k := len(s.spare); k > 0 && cap(s.spare[k-1]) >= len(p) {
			s.block, s.spare = s.spare[k-1][:0], s.spare[:k-1]
		} else {
			s.block = make([]byte, 0, max(blockSize, len(p)))
		}
	}
	n := len(s.block)
	s.block = append(s.block, p...)
	return s.block[n:len(s.block):len(s.block)]
}

// Recycle empties the store, its pieces being no longer read, and
// returns its blocks, empty, for another store's Reuse.
func (s *Bytes) Recycle() [][]byte {
	all := append(s.spare, s.full...)
	if s.block != nil {
		all = append(all, s.block)
	}
	*s = Bytes{}
	return all
}

// Reuse gives the store empty blocks to fill before it makes new ones.
func (s *Bytes) Reuse(blocks [][]byte) { s.spare = append(s.spare, blocks...) }

// Chunks is a list that grows by adding chunks rather than by copying:
// a provider's lines and unpaid reports of a big month are appended to
// hundreds of thousands of times, and a slice would copy them again and
// again. Its zero value is an empty list.
type Chunks[T any] struct {
	c [][]T
	n int
}

// maxChunkBytes is the size of the largest chunk: 32 KiB, the largest
// the allocator hands out from its caches, so that a chunk is zeroed and
// filled while it is in the core's cache. The first chunks are shorter,
// so that the lists of small providers stay small.
const maxChunkBytes = 32 << 10

// Len is the number of items.
func (c *Chunks[T]) Len() int { return c.n }

// Add appends x.
func (c *Chunks[T]) Add(x T) { *c.Next() = x }

// Next returns the place of a new item at the end, its zero value.
func (c *Chunks[T]) Next() *T {
	if k := len(c.c); k == 0 || len(c.c[k-1]) == cap(c.c[k-1]) {
		var zero T
		c.c = append(c.c, make([]T, 0, min(max(16, c.n), max(16, maxChunkBytes/int(unsafe.Sizeof(zero))))))
	}
	last := &c.c[len(c.c)-1]
	n := len(*last)
	*last = (*last)[:n+1] // in its room (a chunk never grows): no write barrier
	c.n++
	return &(*last)[n]
}

// First returns the first item; there must be one.
func (c *Chunks[T]) First() *T { return &c.c[0][0] }

// Last returns the last item; there must be one.
func (c *Chunks[T]) Last() *T {
	ch := c.c[len(c.c)-1]
	return &ch[len(ch)-1]
}

// AddAll appends the items of o, taking its chunks as they are: o must
// not be added to afterwards.
func (c *Chunks[T]) AddAll(o *Chunks[T]) {
	c.c = append(c.c, o.c...)
	c.n += o.n
}

// AppendTo appends the items in order to dst.
func (c *Chunks[T]) AppendTo(dst []T) []T {
	dst = slices.Grow(dst, c.n)
	for _, ch := range c.c {
		dst = append(dst, ch...)
	}
	return dst
}

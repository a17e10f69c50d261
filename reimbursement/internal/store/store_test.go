package store

import (
	"bytes"
	"math/rand"
	"slices"
	"testing"
)

// TestChunks: a list of chunks holds what a slice appended to holds, in
// order, whether items are added one by one, by Next, or whole lists
// joined, and for items of any size.
func TestChunks(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var c Chunks[int]
	var want []int
	for i := range 100000 {
		switch rng.Intn(3) {
		case 0:
			c.Add(i)
			want = append(want, i)
		case 1:
			*c.Next() = -i
			want = append(want, -i)
		default:
			var o Chunks[int]
			for j := range rng.Intn(40) {
				o.Add(i*1000 + j)
				want = append(want, i*1000+j)
			}
			c.AddAll(&o)
		}
		if c.Len() != len(want) {
			t.Fatalf("step %d: Len %d, want %d", i, c.Len(), len(want))
		}
		if len(want) > 0 && (*c.Last() != want[len(want)-1] || *c.First() != want[0]) {
			t.Fatalf("step %d: first %d last %d, want %d and %d", i, *c.First(), *c.Last(), want[0], want[len(want)-1])
		}
	}
	if got := c.AppendTo([]int{7}); !slices.Equal(got, append([]int{7}, want...)) {
		t.Fatal("AppendTo differs from the slice")
	}
	type big [5000]byte // more than a chunk's bytes: chunks of 16
	var b Chunks[big]
	for i := range 40 {
		b.Next()[0] = byte(i)
	}
	for i, x := range b.AppendTo(nil) {
		if x[0] != byte(i) {
			t.Fatalf("big item %d is %d", i, x[0])
		}
	}
}

// TestBytes: every piece added reads back as it was, after many more, and
// appending to one does not write over the next; a recycled store's
// blocks serve another.
func TestBytes(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var s Bytes
	var pieces, want [][]byte
	for i := range 20000 {
		p := make([]byte, rng.Intn(300))
		if i%5000 == 0 {
			p = make([]byte, blockSize+1) // larger than a block
		}
		rng.Read(p)
		pieces = append(pieces, s.Add(p))
		want = append(want, p)
	}
	_ = append(pieces[0], 'x') // at its capacity: copied, not written in place
	for i := range pieces {
		if !bytes.Equal(pieces[i], want[i]) {
			t.Fatalf("piece %d changed", i)
		}
	}
	blocks := s.Recycle()
	if len(blocks) == 0 {
		t.Fatal("no blocks recycled")
	}
	var o Bytes
	o.Reuse(blocks)
	if got := o.Add([]byte("abc")); string(got) != "abc" {
		t.Fatalf("in a reused block: %q", got)
	}
}

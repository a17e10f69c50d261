package reimbursement

import (
	"math"
	"slices"
	"unsafe"

	"github.com/exempelby/ersattning/volume"
)

// recStore holds recs in chunks, so that adding millions never copies
// them.
type recStore struct {
	chunks []*recChunkArray
	last   *recChunkArray // the last of chunks
	n      int
	spare  []*recChunkArray // chunks to use before making new ones
}

type recChunkArray [recChunk]rec

// recycle empties the store and returns its chunks and spares.
func (r *recStore) recycle() []*recChunkArray {
	all := append(r.spare, r.chunks...)
	*r = recStore{}
	return all
}

// A partScratch is the memory a worker settling parts keeps from one
// part to the next.
type partScratch struct {
	chunks []*recChunkArray
	visits []int32
	blocks [][]byte // of the settler's lineStore
}

// recChunk is how many recs a chunk holds: 32 KiB of them, the largest
// size the allocator hands out from its caches. A chunk is zeroed when it
// is made and filled at once after, while it is still in the core's
// cache; a larger chunk would be zeroed past the cache and read back from
// memory.
const recChunk = 1 << 9

// all yields the recs in order with their indices.
func (r *recStore) all(yield func(int32, *rec) bool) {
	for c, chunk := range r.chunks {
		base := c * recChunk
		for j := range min(recChunk, r.n-base) {
			if !yield(int32(base+j), &chunk[j]) {
				return
			}
		}
	}
}

func (r *recStore) at(i int32) *rec { return &r.chunks[uint32(i)/recChunk][uint32(i)%recChunk] }

// add returns the place of a new rec at the end, to be filled in.
func (r *recStore) add() *rec {
	j := uint(r.n) % recChunk
	if j == 0 {
		if k := len(r.spare); k > 0 {
			r.last, r.spare = r.spare[k-1], r.spare[:k-1]
		} else {
			r.last = new(recChunkArray)
		}
		r.chunks = append(r.chunks, r.last)
	}
	r.n++
	return &r.last[j]
}

// rec is a time report as the settler keeps it: no pointers, so that
// millions of them cost the garbage collector nothing, and small, since
// every pass over them reads them from memory: what can be found from
// elsewhere is not kept in it. Its names are kept once for all reports that share them (recNames), its
// provider's index is provOfRec, and its id's first eight bytes
// Settler.keyOf.
type rec struct {
	start        int64       // Unix minutes when timeOK, else as written (see rawMinutes)
	length       int32       // end - start, unless recEndApart (see Settler.end)
	date         volume.Date // local date of the start
	idOff, idLen uint32      // the id, in Settler.ids
	names        int32       // its recipient, service and provider, in Settler.recNames
	dec          int32       // decision index, -1 when none
	staff        uint16      // at most maxStaff + 1
	kind         volume.Kind
	status       volume.Status
	reason       reasonCode // set when the report is settled without its decision's pipeline
	flags        recFlags
}

type recFlags uint8

const (
	recInvalid recFlags = 1 << iota
	recTimeOK
	recInPeriod
	recDup     // the id has copies with different content
	recDropped // a copy of an earlier report with the same content
	// The end is in Settler.endApart, not start + length: one that does
	// not resolve, or more than 2^31 minutes after the start.
	recEndApart
	recShared // a part of a shared visit: counted already (splitShared)
)

// end returns the end of report i, x.
func (s *Settler) end(i int32, x *rec) int64 {
	if x.flags&recEndApart != 0 {
		return s.endApart[i]
	}
	return x.start + int64(x.length)
}

// setEnd keeps the end of report i, x, whose start is set.
func (s *Settler) setEnd(i int32, x *rec, end int64) {
	if d := end - x.start; x.flags&recTimeOK != 0 && d >= 0 && d <= math.MaxInt32 {
		x.length = int32(d)
		return
	}
	x.flags |= recEndApart
	if s.endApart == nil {
		s.endApart = map[int32]int64{}
	}
	s.endApart[i] = end
}

// keyOf returns the first eight bytes of x's id as radix.Key gives them;
// Settlement must have made idStr, which ends in eight bytes of padding,
// so that eight bytes can be read from the start of any id.
func (s *Settler) keyOf(x *rec) uint64 {
	off := int(x.idOff)
	b := s.idStr[off : off+8]
	k := uint64(b[7]) | uint64(b[6])<<8 | uint64(b[5])<<16 | uint64(b[4])<<24 |
		uint64(b[3])<<32 | uint64(b[2])<<40 | uint64(b[1])<<48 | uint64(b[0])<<56
	return k & keyMask[min(x.idLen, 8)]
}

// keyMask[n] keeps the first n of eight bytes.
var keyMask = [9]uint64{0, 0xff << 56, 0xffff << 48, 0xffffff << 40, 0xffffffff << 32,
	0xffffffffff << 24, 0xffffffffffff << 16, 0xffffffffffffff << 8, 0xffffffffffffffff}

// idText holds the report ids end to end, as a strings.Builder would, and
// like it never changes a byte it has written: String shares them. Unlike
// it, it takes an id without storing its slice's pointer again while it
// has room: while the collector marks, that store costs a write barrier,
// and a month has millions of ids.
type idText struct{ buf []byte }

// add appends id and returns where it starts.
func (t *idText) add(id string) uint32 {
	n := len(t.buf)
	if len(id) > cap(t.buf)-n {
		t.grow(len(id))
	}
	t.buf = t.buf[:n+len(id)] // the same pointer: no write barrier
	copy(t.buf[n:], id)
	return uint32(n)
}

// grow makes room for n more bytes: new room, when it must move, so that
// the bytes of strings made before stay as they were.
//
//go:noinline
func (t *idText) grow(n int) { t.buf = slices.Grow(t.buf, n) }

// String returns the ids written so far, without copying them.
func (t *idText) String() string { return unsafe.String(unsafe.SliceData(t.buf), len(t.buf)) }

// idPadding ends Settler.idStr (see keyOf).
const idPadding = "\x00\x00\x00\x00\x00\x00\x00\x00"

// reserve makes room for about n more reports.
func (s *Settler) reserve(n int) { s.reserveIDs(8 * n) }

// reserveIDs makes room for ids of n more bytes.
func (s *Settler) reserveIDs(n int) {
	if n > 0 {
		s.ids.grow(n + len(idPadding))
	}
}

// reportQuantity is what an unpaid report would have been: staff-minutes of
// its counted length, or one visit.
func (s *Settler) reportQuantity(i int32, x *rec) (int64, Unit) {
	svc, _ := s.t.service(s.nameList[s.recNames[x.names].service])
	if svc != nil && svc.Unit == Visit {
		return 1, Visit
	}
	return s.visitLength(svc, i, x) * int64(x.staff), Minute
}

// visitLength is the counted length of visit i, x (rules §5 step 1): its
// interval rounded, fixed or raised to the minimum as svc says, or, for a
// part of a shared visit, its part, counted already.
func (s *Settler) visitLength(svc *Service, i int32, x *rec) int64 {
	if x.flags&recShared != 0 {
		return s.end(i, x) - x.start
	}
	return countedLength(svc, s.end(i, x)-x.start)
}

package reimbursement

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/ore"
	"github.com/exempelby/ersattning/reimbursement/internal/parallel"
	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/reimbursement/internal/repeats"
	"github.com/exempelby/ersattning/volume"
)

// Options configure a settlement.
type Options struct {
	// Location is the zone of wall-clock times and dates, normally
	// Europe/Stockholm. It is required: the library never guesses a zone.
	Location *time.Location
	// Workers is how many goroutines settle decisions once all records are
	// in; 0 means one per core (at most 8). Months with few decisions are
	// settled on one goroutine whatever it says. The result does not
	// depend on it.
	Workers int
	// Audit makes Settle and SettleFS check the settlement against the
	// records given (see Ledger) and fail with an *AuditError rather than
	// return a settlement that does not account for every record.
	Audit bool
}

// Input is everything a period is settled from, as values. Records read
// from files carry their Source; those made in Go are counted and named
// by their list and place ("Input.Reports:3").
type Input struct {
	Providers   []Provider
	Decisions   []Decision
	Reports     []volume.Report
	Absences    []volume.Absence
	Presence    []volume.Presence
	Adjustments []Adjustment

	files *fileLog // what ReadInputFS's readers found, nil for an Input made in Go
}

// Settle settles period under tariff t from in. It fails only when the run
// cannot be made at all (no location, a decision served by a no-choice
// provider that does not exist, providers listed twice); problems with
// records are accounted for in the settlement.
func Settle(t *Tariff, period volume.Period, in Input, opt Options) (*Settlement, error) {
	return settle(t, period, in, opt, defaultParallel)
}

// settle is Settle with the decisions settled in parallel as par says.
func settle(t *Tariff, period volume.Period, in Input, opt Options, par parallelTuning) (*Settlement, error) {
	s, err := settlerOf(t, period, in, opt, par)
	if err != nil {
		return nil, err
	}
	st := s.Settlement()
	if err := s.Audit(st); err != nil {
		return nil, err
	}
	return st, nil
}

// settlerOf returns a settler that has taken the records of in.
func settlerOf(t *Tariff, period volume.Period, in Input, opt Options, par parallelTuning) (*Settler, error) {
	// The decisions lent, not copied: Settle's caller cannot change them
	// while it runs, and they are copied if one must change.
	s, err := newSettler(t, period, in.Providers, in.Decisions, opt, decisionsLent)
	if err != nil {
		return nil, err
	}
	s.parallel = par
	s.files = in.files
	if s.files == nil {
		s.files = givenRows(in)
	}
	s.reserveIDs(idRoom(in.Reports))
	for i := range in.Reports {
		var same uint8
		if i > 0 {
			same = sameNames(&in.Reports[i], &in.Reports[i-1])
		}
		s.addReport(&in.Reports[i], same)
	}
	for _, a := range in.Absences {
		s.AddAbsence(a)
	}
	for _, p := range in.Presence {
		s.AddPresence(p)
	}
	for _, a := range in.Adjustments {
		s.AddAdjustment(a)
	}
	return s, nil
}

// idRoom returns room for the ids of reports: their length summed when
// they are few, else the mean of 1 024 of them, at even steps, times their
// number and an eighth more. Summing them all would read every report
// once more.
func idRoom(reports []volume.Report) int {
	const sample = 1024
	if len(reports) <= 4*sample {
		n := 0
		for i := range reports {
			n += len(reports[i].ID)
		}
		return n
	}
	n, step := 0, len(reports)/sample
	for i := 0; i < sample; i++ {
		n += len(reports[i*step].ID)
	}
	return n * len(reports) / sample * 9 / 8
}

// A Settler settles one period, taking records one at a time, so that a
// caller can stream files into it. Records may come in any order; the
// settlement does not depend on it. A Settler is not safe for concurrent use.
type Settler struct {
	t      *Tariff
	period volume.Period
	zone   *volume.Zone
	split  *volume.Splitter

	providers []Provider
	provIdx   map[string]int

	decisions []decState
	// byRecipient holds, by the recipient's interned number, its
	// decisions of each service that touch the period: only those match
	// its records or conflict on its dates. An index, not a map: a month
	// in order of time changes recipient at nearly every report.
	byRecipient [][]serviceDecisions
	issues      []Issue
	gaps        map[string]*idSample      // tariff-gap message → record ids
	gapDates    map[string][2]volume.Date // tariff-gap message → first and last date
	gapText     map[gapKey]string         // describeRate's messages, made once

	// Reports are kept compact, without pointers: names interned, ids in
	// an arena of bytes.
	recs     recStore
	endApart map[int32]int64 // the ends of reports with recEndApart, by index
	visitBuf []int32         // the decisions' visits, all in one (visitPlaces)
	// By decision: the reports added that may be settled in its pipeline
	// (no reason against them so far), at least as many as it gets.
	visitCount []int32
	// Scratch of sortedVisits.
	visitKeys []uint64
	visitTmp  []int32
	ids       idText           // the report ids, end to end
	idStr     string           // ids.String(), made by Settlement: the ids as they were then
	names     map[string]int32 // interned recipients, providers and services
	nameList  []string
	provOf    []int32 // per interned name: its provider index, or -1
	lastName  [3]nameCache
	recNames  []recNames // the reports' names, by rec.names (namesOf)
	namesIdx  map[recNames]int32
	lastNames namesCache
	seed      maphash.Seed
	shortSeed uint64           // repeats.ShortHash's, made from seed
	noCopies  bool             // no two reports share an id: known before (see WriteSettlementFS)
	details   map[int32]string // why a report could not be read

	abs      []absRec
	absSeen  map[string]int
	pres     []presRec
	presSeen map[string]int
	adjs     []Adjustment

	rateCache map[rateCacheKey]int32
	profiles  map[rateQuery]int32
	// plainProfiles are the profiles of no level, extent or area, by
	// interned service and regime (profile).
	plainProfiles map[uint64]int32
	// dense holds the rate rows found, per profile and component slot
	// (compSlot): by day of the period and band + 1 (0: no band), -2
	// where not yet looked up.
	dense    [][]int32
	compSlot map[string]int32 // the tariff's components; componentBase is 0

	// scratch for band splitting
	bandMin  []int64
	bandRate []int32 // the rate row of each band in touched, for the visit being settled
	touched  []int
	lineHint []lineHint           // settleHours': by component (base, declined) and band
	lengths  map[*Service][]int64 // countedLengths'
	dayRuns  []dayRun             // settleDays': by component

	ledger   *Ledger // when Options.Audit
	workers  int
	parallel parallelTuning
	// partial: the settler settles one part of a month for
	// WriteSettlementFS, which adds the markups and formats the tariff
	// gaps of all parts itself.
	partial bool
	// unpaidLater: Settlement leaves the providers' unpaid entries to
	// be read in order from partOf (by provider index) rather than made
	// into lists: a part writes them to its file at once. With
	// writeLines too, the lines are written in the part's form as they
	// are made (one builder, in the order of the lines), not kept.
	unpaidLater    bool
	writeLines     bool
	lineStore      byteStore // the lines written
	partOf         []partProv
	unmatchedLater unpaidList

	// The reconciliation of the input (Settlement.Files): per file, the
	// rows its reader read (given by the edge, noteFiles) and the records
	// taken; records made in Go count under their kind (inputReports …).
	files     *fileLog
	taken     map[string]*int
	lastFile  string
	lastTaken *int
	given     [numInputKinds]int // records taken of each kind: a Go record's place

	lastKey   uint64 // the decisions of the last recipient and service matched
	lastKeyOK bool
	lastDecs  *keyDecisions
	lastMatch lastMatch // the last date matched of them, and its answer
}

// parallelTuning says when the decisions of a month are settled on
// several goroutines: from so many decisions on, taken in chunks of so
// many. Fewer are settled faster on one.
type parallelTuning struct{ from, chunk int }

var defaultParallel = parallelTuning{from: 4096, chunk: 256}

// serviceDecisions are the decisions of a recipient for one service.
type serviceDecisions struct {
	service int32
	decs    *keyDecisions
}

// keyDecisions are the decisions of a recipient and service that touch
// the period.
type keyDecisions struct {
	list []int  // in order of their start, when more than one
	one  [1]int // list's room for the first, most keys' only decision
	// days holds, when there is more than one, what each date of the
	// period matches: a decision, -1 none, -2 a conflict.
	days []int32
}

type recKey struct{ recipient, service string }

// key returns the interned key of a recipient and service, and whether
// both names are known.
func (s *Settler) key(recipient, service string) (uint64, bool) {
	r, ok1 := s.names[recipient]
	v, ok2 := s.names[service]
	return uint64(uint32(r))<<32 | uint64(uint32(v)), ok1 && ok2
}

// intern returns the number of name, adding it when new.
func (s *Settler) intern(name string) int32 {
	if i, ok := s.names[name]; ok {
		return i
	}
	i := int32(len(s.nameList))
	name = strings.Clone(name)
	s.names[name] = i
	s.nameList = append(s.nameList, name)
	s.provOf = append(s.provOf, -1)
	return i
}

// nameCache remembers the last name of one field: reports come in runs of
// one recipient, provider and service.
type nameCache struct {
	name string
	i    int32
	ok   bool
}

func (s *Settler) internField(field int, name string) int32 {
	c := &s.lastName[field]
	if c.ok && c.name == name {
		return c.i
	}
	i := s.intern(name)
	*c = nameCache{name: name, i: i, ok: true}
	return i
}

type decState struct {
	d        *Decision // the Settler's own copy
	prov     int       // index in providers, -1 when unknown
	svc      *Service
	profile  int32
	slice    []bool  // per day of the period: the date is in S
	visits   []int32 // reports
	absences []int32
	presence []int32
	// performed is the follow-up's utförd tid of an hour decision
	// (Performance): its approved visits kept after the overlap step,
	// counted length times paid staff, before any cap.
	performed int64
}

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
// cache; chunks of 2 MiB were zeroed past the cache and read back from
// memory (BenchmarkSettleBundle: 7 % slower).
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
// millions of them cost the garbage collector nothing, and 40 bytes, since
// every pass over them reads them from memory (64 bytes, with the end
// whole, the provider's index and the id's first bytes, were 5 % slower).
// Its names are kept once for all reports that share them (recNames), its
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
	if d := end - x.start; x.flags&recTimeOK != 0 && d > 0 && d <= math.MaxInt32 {
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

// provOfRec returns the provider index of x, -1 when unknown.
func (s *Settler) provOfRec(x *rec) int32 { return s.provOf[s.recNames[x.names].provider] }

// recNames are the interned recipient, service and provider of reports,
// kept once for all the reports that share them (Settler.recNames).
type recNames struct{ recipient, service, provider int32 }

// namesOf returns the number of names n in Settler.recNames, kept there
// once when new: as many as a month has recipients with their services and
// providers, however many reports, and a number names one set of names.
// The reports of a month in order come in long runs of the same names.
func (s *Settler) namesOf(n recNames) int32 {
	if s.lastNames.ok && s.lastNames.n == n {
		return s.lastNames.i
	}
	i, ok := s.namesIdx[n]
	if !ok {
		i = int32(len(s.recNames))
		s.recNames = append(s.recNames, n)
		if s.namesIdx == nil {
			s.namesIdx = map[recNames]int32{}
		}
		s.namesIdx[n] = i
	}
	s.lastNames = namesCache{n: n, i: i, ok: true}
	return i
}

// namesCache is the last names namesOf was asked for.
type namesCache struct {
	n  recNames
	i  int32
	ok bool
}

// same reports whether reports i and j have the same content.
// Two copies with the same instants are the same, however their offsets
// were written.
func (s *Settler) same(i, j int32) bool {
	x, y := s.recs.at(i), s.recs.at(j)
	return x.start == y.start && s.end(i, x) == s.end(j, y) && x.names == y.names && x.staff == y.staff && x.kind == y.kind && x.status == y.status &&
		x.flags&(recInvalid|recTimeOK) == y.flags&(recInvalid|recTimeOK)
}

// rawMinutes identifies a timestamp that cannot be resolved: its wall
// minutes, shifted, with its offset.
func rawMinutes(t volume.Timestamp) int64 {
	h, m := t.Clock()
	d := t.Date().UnixDays()
	off, has := t.Offset()
	v := (d*1440+int64(h*60+m))<<16 | int64(uint16(off))
	if has {
		v |= 1 << 62
	}
	return v
}

// reasonCode numbers the reasons a report can get before its decision's
// pipeline, so that a rec holds no string.
type reasonCode uint8

var reasonCodes = [...]Reason{"", reasonPending, ReasonInvalidInput, ReasonUnknownProvider, ReasonNotApproved,
	ReasonAmbiguousTime, ReasonInvalidTime, ReasonInvalidInterval, ReasonTooLong, ReasonNoDecision,
	ReasonDecisionConfl, ReasonWrongProvider, ReasonNoRate, ReasonNotBillable,
	// reasons of the pipelines, for reportUnpaid
	ReasonZeroLength, ReasonOverlap, ReasonDeclinedNotPaid, ReasonStaffNotGranted, ReasonOverGranted}

// codeOfUnpaid is codeOf for the reasons the pipelines give, most common
// first.
func codeOfUnpaid(r Reason) reasonCode {
	if r == ReasonOverGranted {
		return reasonCode(len(reasonCodes) - 1)
	}
	return codeOf(r)
}

func codeOf(r Reason) reasonCode {
	if r == "" { // most reports
		return 0
	}
	for i, c := range reasonCodes {
		if c == r {
			return reasonCode(i)
		}
	}
	panic("reimbursement: no code for reason " + string(r))
}

func (c reasonCode) reason() Reason { return reasonCodes[c] }

// The codes classify gives, as reasonCodes numbers them.
const (
	codePending reasonCode = iota + 1
	codeInvalidInput
	codeUnknownProvider
	codeNotApproved
	codeAmbiguousTime
	codeInvalidTime
	codeInvalidInterval
	codeTooLong
	codeNoDecision
	codeDecisionConfl
	codeWrongProvider
	codeNoRate
	codeNotBillable
)

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

type absRec struct {
	a       volume.Absence
	invalid bool
	detail  string
	dup     bool
	unused  bool // overlaps an earlier absence
}

type presRec struct {
	p        volume.Presence
	invalid  bool
	detail   string
	dup      bool
	inPeriod bool
	prov     int
	dec      int
	reason   Reason
}

type rateCacheKey struct {
	profile   int32
	component string
	band      int16
	date      volume.Date
}

// NewSettler returns a settler of period under t for the providers and
// decisions given. Decisions without a provider go to the tariff's
// no-choice provider.
func NewSettler(t *Tariff, period volume.Period, providers []Provider, decisions []Decision, opt Options) (*Settler, error) {
	return newSettler(t, period, providers, decisions, opt, decisionsCopied)
}

// newSettler is NewSettler of decisions given as mode says.
func newSettler(t *Tariff, period volume.Period, providers []Provider, decisions []Decision, opt Options, mode decisionsMode) (*Settler, error) {
	if opt.Location == nil {
		return nil, errorf("Options.Location is nil: give the zone of wall-clock times, e.g. Europe/Stockholm")
	}
	if t == nil || t.bands == nil {
		return nil, errorf("no tariff: load one with LoadTariff or ParseTariff")
	}
	if period.IsZero() {
		return nil, errorf("no period")
	}
	zone := volume.NewZone(opt.Location)
	seed := maphash.MakeSeed()
	s := &Settler{
		t: t, period: period, zone: zone,
		split:     volume.NewSplitter(t.bands, t.cal, zone),
		provIdx:   map[string]int{},
		gaps:      map[string]*idSample{},
		gapDates:  map[string][2]volume.Date{},
		names:     make(map[string]int32, len(providers)+len(decisions)), // at most; recipients mostly
		seed:      seed,
		shortSeed: maphash.String(seed, "short ids"),
		details:   map[int32]string{},
		absSeen:   map[string]int{},
		presSeen:  map[string]int{},
		rateCache: map[rateCacheKey]int32{},
		compSlot:  map[string]int32{componentBase: 0},
		profiles:  map[rateQuery]int32{},
		taken:     map[string]*int{},
		bandMin:   make([]int64, t.bands.Len()),
		bandRate:  make([]int32, t.bands.Len()),
		lineHint:  make([]lineHint, 2*t.bands.Len()),
	}
	for _, svc := range t.Services {
		for _, c := range svc.Components {
			if _, ok := s.compSlot[c.Code]; !ok {
				s.compSlot[c.Code] = int32(len(s.compSlot))
			}
		}
	}
	if opt.Audit {
		s.ledger, _ = NewLedger(period, opt)
		for _, d := range decisions {
			s.ledger.AddDecision(d)
		}
	}
	s.workers, s.parallel = opt.Workers, defaultParallel
	s.providers = s.readProviders(providers, mode != decisionsChecked)
	slices.SortFunc(s.providers, func(a, b Provider) int { return cmp.Compare(a.ID, b.ID) })
	var errs []error
	for i, p := range s.providers {
		if p.ID == "" {
			errs = append(errs, errorf("a provider without an id"))
		}
		if i > 0 && s.providers[i-1].ID == p.ID {
			errs = append(errs, errorf("provider %s is listed twice", volume.Quote(p.ID)))
		}
		if p.Regime != Municipal && p.Regime != Private {
			errs = append(errs, errorf("provider %s has no regime", volume.Quote(p.ID)))
		}
		s.provIdx[p.ID] = i
		s.provOf[s.intern(p.ID)] = int32(i)
	}
	if err := s.addDecisions(decisions, mode); err != nil {
		errs = append(errs, err)
	}
	s.visitCount = make([]int32, len(s.decisions))
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// readProviders returns the providers that were read, and lists each
// one that was not as an invalid-provider issue, under its id or its
// reference: its records are then of no provider (unknown-provider).
//
// With count, the providers are counted as taken; a part of a month
// settled in parts is given the month's providers, which its settler
// counts.
func (s *Settler) readProviders(providers []Provider, count bool) []Provider {
	out := make([]Provider, 0, len(providers))
	for _, p := range providers {
		if count {
			s.count(p.Source.File, inputProviders)
		}
		if p.Invalid == nil {
			out = append(out, p)
			continue
		}
		id := p.ID
		if id == "" {
			id = s.ref(p.Source, inputProviders)
		}
		s.issue(IssueInvalidProvider, []string{id}, "provider cannot be read: %v", p.Invalid)
	}
	return out
}

// profile returns the number of the rate profile of decision d, whose
// service is interned as svc, with a provider of regime: most decisions
// name no level, extent or area, and theirs are looked up by number, not
// by hashing their strings.
func (s *Settler) profile(d *Decision, svc int32, regime Regime) int32 {
	plain := d.Level == "" && d.Extent == "" && d.Area == ""
	key := uint64(uint32(svc))<<8 | uint64(regime)
	if plain {
		if p, ok := s.plainProfiles[key]; ok {
			return p
		}
	}
	q := rateQuery{service: d.Service, level: d.Level, extent: d.Extent, area: d.Area, regime: regime}
	p, ok := s.profiles[q]
	if !ok {
		p = int32(len(s.profiles))
		s.profiles[q] = p
	}
	if plain {
		if s.plainProfiles == nil {
			s.plainProfiles = map[uint64]int32{}
		}
		s.plainProfiles[key] = p
	}
	return p
}

// checkDecisions returns the decisions that can be settled: those that
// were read, whose id is used once (copies with the same content are one),
// with the no-choice provider filled in where they name none. The others
// are issues; a no-choice provider that is not there is an error. With
// inPlace the decisions are the caller's to overwrite: those kept are
// moved to the front of the slice rather than copied.
func (s *Settler) checkDecisions(decisions []Decision, mode decisionsMode) ([]Decision, error) {
	var errs []error
	kept, owned := decisions, mode == decisionsOwned
	if mode == decisionsCopied {
		kept, owned = slices.Clone(decisions), true // at once, then kept in place
	}
	own := func() { // before the first change
		if !owned {
			kept, owned = slices.Clone(kept), true
		}
	}
	byID := make(map[string]int, len(kept))
	bad := map[string]bool{}
	n := 0 // kept[:n] are kept, each written at or before the one read
	for i := range kept {
		d := &kept[i]
		s.count(d.Source.File, inputDecisions)
		invalid := d.Invalid
		if invalid == nil && (d.GrantedHours.Sign() < 0 || d.GrantedHours.GreaterThan(maxGrantedHours) ||
			d.Staff < 0 || d.Staff > maxStaff || d.From.IsZero() || (!d.To.IsZero() && d.To.Before(d.From))) {
			invalid = fmt.Errorf("granted hours %s, staff %d, dates %s..%s out of range", d.GrantedHours, d.Staff, d.From, d.To)
		}
		if invalid == nil && d.ID == "" {
			invalid = errors.New("id not given")
		}
		if invalid != nil {
			id := d.ID
			if id == "" {
				id = s.ref(d.Source, inputDecisions)
			}
			s.issue(IssueInvalidDecision, []string{id}, "decision cannot be read: %v", invalid)
			bad[d.ID] = true
			continue
		}
		if k, ok := byID[d.ID]; ok {
			if !sameDecision(kept[k], *d) {
				bad[d.ID] = true
				s.issue(IssueInvalidDecision, []string{d.ID}, "decision id %s is used twice with different content", d.ID)
			}
			continue
		}
		byID[d.ID] = n
		if n != i {
			own()
			kept[n] = kept[i]
		}
		n++
	}
	kept, n = kept[:n], 0
	for i := range kept {
		d := &kept[i]
		if len(bad) > 0 && bad[d.ID] {
			continue
		}
		if d.Provider == "" || d.Staff < 1 {
			own()
			d = &kept[i]
			d.Staff = max(d.Staff, 1)
		}
		if d.Provider == "" {
			d.Provider = s.t.NoChoice.For(d.Area)
			if d.Provider == "" {
				errs = append(errs, errorf("decision %s has no provider and the tariff names no no_choice provider", d.ID))
				continue
			}
			if _, ok := s.provIdx[d.Provider]; !ok {
				errs = append(errs, errorf("decision %s goes to the no-choice provider %s, which is not in the provider list", d.ID, volume.Quote(d.Provider)))
				continue
			}
		}
		if n != i {
			own()
			kept[n] = kept[i]
		}
		n++
	}
	return kept[:n], errors.Join(errs...)
}

// decisionsMode is whose decisions checkDecisions is given, and so whether
// it may change them.
type decisionsMode uint8

const (
	// decisionsCopied: the caller's, who may change them later (NewSettler).
	decisionsCopied decisionsMode = iota
	// decisionsLent: the caller's, lent for as long as Settle runs: kept
	// as they are when all can be, and copied only when one must change.
	decisionsLent
	// decisionsOwned: the settler's own, changed in place.
	decisionsOwned
	// decisionsChecked: kept by checkDecisions already (a part's of
	// WriteSettlementFS, checked with the month's), taken as they are.
	decisionsChecked
)

// addDecisions adds the decisions, checked first unless checked (see
// newSettler).
func (s *Settler) addDecisions(decisions []Decision, mode decisionsMode) error {
	kept, err := decisions, error(nil)
	if mode != decisionsChecked {
		kept, err = s.checkDecisions(decisions, mode)
	}
	first := s.period.First().UnixDays()
	order := make([]int32, len(kept))
	prefix := make([]uint64, len(kept)) // of the recipients, as radix.Key gives them
	for i := range order {
		order[i] = int32(i)
		prefix[i] = radix.Key(kept[i].Recipient, 0)
	}
	// In the order of the lines (recipient, then decision id: ids are
	// unique here), so that decisions settled in turn give their lines
	// in order, and sorting them is a merge of a few runs.
	// Indices are sorted, not the large decisions; recipients by their
	// first eight bytes first.
	radix.SortWith(prefix, order, nil) // prefix, sorted, is then order's
	for a := 0; a < len(order); {
		z := a + 1
		for z < len(order) && prefix[z] == prefix[a] {
			z++
		}
		if z-a > 1 {
			slices.SortFunc(order[a:z], func(a, b int32) int {
				return cmp.Or(strings.Compare(kept[a].Recipient, kept[b].Recipient), strings.Compare(kept[a].ID, kept[b].ID))
			})
		}
		a = z
	}
	s.decisions = make([]decState, 0, len(order))
	// A recipient's decisions come one after the other: its entries of
	// byRecipient, one for each service, are made as they come, in one
	// array, and a run of them is the recipient's.
	pool := make([]keyDecisions, 0, len(order)) // the entries' lists; it does not grow past its room
	entries := make([]serviceDecisions, 0, len(order))
	type run struct {
		recipient int32
		from, to  int // of entries
	}
	var runs []run
	days := make([]bool, len(order)*s.period.Days()) // the decisions' slices, one after the other
	for _, i := range order {
		d := &kept[i]
		ds := decState{d: d, prov: -1}
		if p, ok := s.provIdx[d.Provider]; ok {
			ds.prov = p
		}
		ds.svc, _ = s.t.Service(d.Service)
		regime := AnyRegime
		if ds.prov >= 0 {
			regime = s.providers[ds.prov].Regime
		}
		svc := s.intern(d.Service)
		ds.profile = s.profile(d, svc, regime)
		ds.slice, days = days[:s.period.Days():s.period.Days()], days[s.period.Days():]
		// d.Contains(first + j days), as day numbers.
		lo, hi := d.From.UnixDays()-first, int64(len(ds.slice)-1)
		if !d.To.IsZero() {
			hi = min(hi, d.To.UnixDays()-first)
		}
		for j := range ds.slice {
			ds.slice[j] = int64(j) >= lo && int64(j) <= hi
		}
		if len(runs) == 0 || d.Recipient != s.nameList[runs[len(runs)-1].recipient] {
			runs = append(runs, run{recipient: s.intern(d.Recipient), from: len(entries), to: len(entries)})
		}
		if max(lo, 0) <= hi { // it touches the period
			r := &runs[len(runs)-1]
			var kd *keyDecisions
			for e := r.from; e < r.to; e++ {
				if entries[e].service == svc {
					kd = entries[e].decs
					break
				}
			}
			if kd == nil {
				pool = append(pool, keyDecisions{})
				kd = &pool[len(pool)-1]
				kd.list = kd.one[:0]
				entries = append(entries, serviceDecisions{service: svc, decs: kd})
				r.to++
			}
			kd.list = append(kd.list, len(s.decisions))
		}
		s.decisions = append(s.decisions, ds)
	}
	s.byRecipient = make([][]serviceDecisions, len(s.nameList))
	type conflict struct {
		key uint64
		kd  *keyDecisions
	}
	var conflicts []conflict // keys with more than one decision
	for _, r := range runs {
		s.byRecipient[r.recipient] = entries[r.from:r.to:r.to]
		for _, e := range entries[r.from:r.to] {
			if len(e.decs.list) > 1 {
				conflicts = append(conflicts, conflict{uint64(uint32(r.recipient))<<32 | uint64(uint32(e.service)), e.decs})
			}
		}
	}
	// Conflicts: decisions of one recipient and service that overlap.
	slices.SortFunc(conflicts, func(a, b conflict) int { return cmp.Compare(a.key, b.key) })
	for _, c := range conflicts {
		list := c.kd.list
		slices.SortFunc(list, func(a, b int) int {
			da, db := s.decisions[a].d, s.decisions[b].d
			return cmp.Or(da.From.Compare(db.From), cmp.Compare(da.ID, db.ID))
		})
		c.kd.days = s.conflicts(list)
	}
	for i := range s.decisions {
		ds := &s.decisions[i]
		if ds.prov < 0 && s.inPeriod(ds) {
			s.issue(IssueInvalidDecision, []string{ds.d.ID}, "decision %s names provider %s, which is not in the provider list", ds.d.ID, volume.Quote(ds.d.Provider))
		}
	}
	return err
}

// daySpan returns the days of the period from its first (0) that a
// decision touching it holds, lo through hi.
func (s *Settler) daySpan(d *Decision) (lo, hi int) {
	lo, hi = max(d.From.DaysSince(s.period.First()), 0), s.period.Days()-1
	if !d.To.IsZero() {
		hi = min(hi, d.To.DaysSince(s.period.First()))
	}
	return lo, hi
}

// conflicts takes the decisions of one recipient and service that touch
// the period, in order of their start, and returns what each date of the
// period matches (see keyDecisions.days). The dates that two or more of them
// hold are taken out of their slices, and each group of decisions that
// overlap one another is listed as one issue. It takes time in proportion
// to the decisions and the days, however many of them overlap.
func (s *Settler) conflicts(list []int) []int32 {
	days := make([]int32, s.period.Days())
	for j := range days {
		days[j] = -1
	}
	for _, i := range list {
		lo, hi := s.daySpan(s.decisions[i].d)
		for j := lo; j <= hi; j++ {
			if days[j] == -1 {
				days[j] = int32(i)
			} else {
				days[j] = -2
			}
		}
	}
	for from := 0; from < len(list); {
		// A group: the decisions from list[from] on that start before all
		// of the group before them have ended.
		_, end := s.daySpan(s.decisions[list[from]].d)
		to := from + 1
		for ; to < len(list); to++ {
			lo, hi := s.daySpan(s.decisions[list[to]].d)
			if lo > end {
				break
			}
			end = max(end, hi)
		}
		if to-from > 1 {
			group := list[from:to]
			for _, i := range group {
				ds := &s.decisions[i]
				lo, hi := s.daySpan(ds.d)
				for j := lo; j <= hi; j++ {
					if days[j] == -2 {
						ds.slice[j] = false
					}
				}
			}
			s.conflictIssue(group)
		}
		from = to
	}
	return days
}

// conflictIssue lists the issue of a group of decisions that overlap.
func (s *Settler) conflictIssue(group []int) {
	ids := make([]string, len(group))
	for n, i := range group {
		ids[n] = s.decisions[i].d.ID
	}
	d := s.decisions[group[0]].d
	named := ids[0]
	switch {
	case len(ids) == 2:
		named += " and " + ids[1]
	case len(ids) <= 5:
		named = strings.Join(ids[:len(ids)-1], ", ") + " and " + ids[len(ids)-1]
	default:
		named = fmt.Sprintf("%s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
	}
	s.issue(IssueDecisionConflict, ids, "decisions %s of recipient %s, service %s overlap", named, d.Recipient, d.Service)
}

func (s *Settler) inPeriod(ds *decState) bool {
	for _, in := range ds.slice {
		if in {
			return true
		}
	}
	return false
}

func sameDecision(a, b Decision) bool {
	return a.ID == b.ID && a.Recipient == b.Recipient && a.Provider == b.Provider && a.Service == b.Service &&
		a.From == b.From && a.To == b.To && a.GrantedHours.Equal(b.GrantedHours) && a.GrantedPer == b.GrantedPer &&
		a.Level == b.Level && a.Extent == b.Extent && a.Area == b.Area && a.Staff == b.Staff && a.EndReason == b.EndReason
}

func (s *Settler) issue(kind string, ids []string, format string, args ...any) {
	s.issues = append(s.issues, Issue{Kind: kind, IDs: ids, Message: fmt.Sprintf(format, args...)})
}

func (s *Settler) dayIndex(d volume.Date) int { return d.DaysSince(s.period.First()) }

// match returns the decision of recipient and service on date: its index,
// or -1 with the reason there is none.
func (s *Settler) match(recipient, service string, date volume.Date) (int, Reason) {
	k, ok := s.key(recipient, service)
	if !ok {
		return -1, ReasonNoDecision
	}
	return s.matchKey(k, date)
}

// decisionsOf returns the decisions of an interned key (recipient and
// service) that touch the period, nil when none.
func (s *Settler) decisionsOf(k uint64) *keyDecisions {
	if r := k >> 32; r < uint64(len(s.byRecipient)) {
		for _, e := range s.byRecipient[r] {
			if e.service == int32(uint32(k)) {
				return e.decs
			}
		}
	}
	return nil
}

// matchKey is match by interned key.
func (s *Settler) matchKey(k uint64, date volume.Date) (int, Reason) {
	if k != s.lastKey || !s.lastKeyOK {
		s.lastKey, s.lastKeyOK, s.lastDecs = k, true, s.decisionsOf(k)
		s.lastMatch.ok = false
	}
	if m := &s.lastMatch; m.ok && m.date == date {
		return m.dec, m.why // reports come a recipient and a day at a time, most often
	}
	d, why := s.matchIn(s.lastDecs, date)
	s.lastMatch = lastMatch{date: date, dec: d, why: why, ok: true}
	return d, why
}

// A lastMatch is the answer matchKey gave last, for the date.
type lastMatch struct {
	date volume.Date
	dec  int
	why  Reason
	ok   bool
}

// matchIn matches a date among the decisions of one recipient and
// service (rules §2): no-decision, decision-conflict, or the one decision
// whose validity holds the date.
func (s *Settler) matchIn(kd *keyDecisions, date volume.Date) (int, Reason) {
	found, n := -1, 0
	if kd == nil {
		return -1, ReasonNoDecision
	}
	if kd.days != nil {
		if j := date.DaysSince(s.period.First()); uint(j) < uint(len(kd.days)) {
			switch i := kd.days[j]; i {
			case -1:
				return -1, ReasonNoDecision
			case -2:
				return -1, ReasonDecisionConfl
			default:
				return int(i), ""
			}
		}
	}
	for _, i := range kd.list {
		if s.decisions[i].d.contains(date) {
			found, n = i, n+1
		}
	}
	switch n {
	case 0:
		return -1, ReasonNoDecision
	case 1:
		return found, ""
	}
	return -1, ReasonDecisionConfl
}

// AddReport takes a time report. Reports of other periods are ignored
// (but still count for duplicate ids).
func (s *Settler) AddReport(r volume.Report) { s.addReport(&r, 0) }

// Bits of addReport's same: which names are those of the report added
// before.
const (
	sameRecipient = 1 << iota
	sameProvider
	sameService
	sameAll = sameRecipient | sameProvider | sameService
)

// sameNames returns the bits of addReport's same for report r added after
// prev.
func sameNames(r, prev *volume.Report) uint8 {
	var same uint8
	if r.Recipient == prev.Recipient {
		same |= sameRecipient
	}
	if r.Provider == prev.Provider {
		same |= sameProvider
	}
	if r.Service == prev.Service {
		same |= sameService
	}
	return same
}

// addReport is AddReport without copying the report (which it does not
// change). same tells which of its names are known to be those of the
// report added just before, which need not be compared. A report without
// an id is named by its reference (rules §2).
func (s *Settler) addReport(r *volume.Report, same uint8) {
	s.count(r.Source.File, inputReports)
	if r.ID == "" {
		named := *r
		named.ID = s.ref(r.Source, inputReports)
		if named.Invalid == nil {
			named.Invalid = errors.New("id not given")
		}
		r = &named
	}
	if s.ledger != nil {
		s.ledger.AddReport(*r)
	}
	staff := max(r.Staff, 1)
	i := int32(s.recs.n)
	x := s.recs.add()
	*x = rec{dec: -1, staff: uint16(min(staff, maxStaff+1)), kind: r.Kind, status: r.Status}
	var n recNames
	if same&sameRecipient != 0 {
		n.recipient = s.lastName[0].i
	} else {
		n.recipient = s.internField(0, r.Recipient)
	}
	if same&sameService != 0 {
		n.service = s.lastName[1].i
	} else {
		n.service = s.internField(1, r.Service)
	}
	if same&sameProvider != 0 {
		n.provider = s.lastName[2].i
	} else {
		n.provider = s.internField(2, r.Provider)
	}
	x.names = s.namesOf(n)
	detail := reportProblem(r)
	if detail != "" {
		x.flags |= recInvalid
	}
	end := s.classify(x, r)
	if x.flags&recTimeOK == 0 {
		x.start, end = rawMinutes(r.Start), rawMinutes(r.End)
	}
	s.setEnd(i, x, end)
	x.idOff, x.idLen = s.ids.add(r.ID), uint32(len(r.ID))
	if detail != "" {
		s.details[i] = detail
	}
	if x.reason == 0 && x.dec >= 0 {
		s.visitCount[x.dec]++
	}
}

// reportProblem returns why a report cannot be read, "" when it can: a
// row that could not be read, or a report made in Go without an id, a
// status, a kind, staff from 1 to maxStaff or both times.
func reportProblem(r *volume.Report) string {
	if r.Invalid == nil && r.ID != "" && r.Status.IsValid() && r.Kind.IsValid() &&
		r.Staff >= 1 && r.Staff <= maxStaff && !r.Start.IsZero() && !r.End.IsZero() {
		return "" // the usual report
	}
	var missing []string
	switch {
	case r.Invalid != nil:
		return r.Invalid.Error()
	case r.ID == "":
		missing = append(missing, "id not given")
	}
	if !r.Status.IsValid() {
		missing = append(missing, "status not given")
	}
	if !r.Kind.IsValid() {
		missing = append(missing, "kind not given")
	}
	if r.Staff < 1 || r.Staff > maxStaff {
		missing = append(missing, fmt.Sprintf("staff %d is not from 1 to %d", r.Staff, maxStaff))
	}
	if r.Start.IsZero() {
		missing = append(missing, "start not given")
	}
	if r.End.IsZero() {
		missing = append(missing, "end not given")
	}
	return strings.Join(missing, "; ")
}

// classify gives a report its place, except for duplicate ids, which are
// known only when all reports are in: its instants and local date, and
// its reason (reasonOf). It sets x's start and returns its end, when they
// resolve.
func (s *Settler) classify(x *rec, r *volume.Report) (end int64) {
	var startErr, endErr error
	x.flags |= recInPeriod // a report without a start is invalid-input, of no other period
	if !r.Start.IsZero() {
		x.start, startErr = s.zone.Resolve(r.Start)
		// The local date of the start (rules §2): a wall-clock time is its
		// own local time; one with an offset may be of another date.
		x.date = r.Start.Date()
		if _, off := r.Start.Offset(); off && startErr == nil {
			x.date = s.zone.LocalDate(x.start)
		}
		if !s.period.Contains(x.date) {
			x.flags &^= recInPeriod
		}
	}
	if !r.End.IsZero() {
		end, endErr = s.zone.Resolve(r.End)
	}
	times := timesReason(startErr, endErr, x.start, end)
	x.reason = s.reasonOf(x, r, times)
	if x.reason != codeInvalidInput && x.reason != codePending && (times == 0 || times == codeTooLong) {
		x.flags |= recTimeOK // its minutes are known, paid or not
	}
	return end
}

// timesReason is what is wrong with a report's times (rules §3), 0 if
// nothing: ambiguous-time if either is ambiguous, else invalid-time if
// either does not resolve; invalid-interval; too-long.
func timesReason(startErr, endErr error, start, end int64) reasonCode {
	switch {
	case startErr == nil && endErr == nil:
	case errors.Is(startErr, volume.ErrAmbiguousTime) || errors.Is(endErr, volume.ErrAmbiguousTime):
		return codeAmbiguousTime
	default:
		return codeInvalidTime
	}
	switch {
	case end <= start:
		return codeInvalidInterval
	case end-start > 24*60:
		return codeTooLong
	}
	return 0
}

// reasonOf is the order in which a time report is checked (rules §2): the
// first reason found, or 0 when it goes on to the steps of §5. times is
// what timesReason found. It sets the decision the report is matched to,
// when there is one.
func (s *Settler) reasonOf(x *rec, r *volume.Report, times reasonCode) reasonCode {
	prov := s.provOfRec(x)
	switch {
	case x.flags&recInvalid != 0:
		return codeInvalidInput
	case prov < 0:
		return codeUnknownProvider
	case r.Status == volume.Pending:
		return codePending
	case r.Status == volume.Rejected:
		return codeNotApproved
	case times != 0:
		return times // ambiguous-time, invalid-time, invalid-interval, too-long
	}
	n := s.recNames[x.names]
	d, why := s.matchKey(uint64(uint32(n.recipient))<<32|uint64(uint32(n.service)), x.date)
	if d < 0 {
		return codeOf(why) // no-decision or decision-conflict
	}
	x.dec = int32(d)
	ds := &s.decisions[d]
	switch {
	case ds.prov < 0 || int32(ds.prov) != prov:
		return codeWrongProvider
	case ds.svc == nil:
		return codeNoRate
	case ds.svc.Unit == Day || ds.svc.Unit == Month:
		return codeNotBillable
	}
	return 0
}

// AddAbsence takes an absence. Absences of any period may be given: one
// that began in an earlier month still counts its days from its first,
// and any approved absence of the recipient and service may make a later
// one overlap (rules §7).
func (s *Settler) AddAbsence(a volume.Absence) {
	s.count(a.Source.File, inputAbsences)
	switch {
	case a.ID == "":
		a.ID = s.ref(a.Source, inputAbsences)
		a.Invalid = cmp.Or(a.Invalid, errors.New("id not given"))
	case a.Invalid == nil && !a.Status.IsValid():
		a.Invalid = errors.New("status not given")
	case a.Invalid == nil && (a.From.IsZero() || !a.To.IsZero() && a.To.Before(a.From)):
		a.Invalid = fmt.Errorf("dates %s..%s: from not given, or to before from", a.From, a.To)
	}
	if s.ledger != nil {
		s.ledger.AddAbsence(a)
	}
	x := absRec{a: a, invalid: a.Invalid != nil}
	if a.Invalid != nil {
		x.detail = a.Invalid.Error()
	}
	x.a.Invalid, x.a.Source = nil, volume.Source{} // copies are compared by content
	if i, ok := s.absSeen[a.ID]; ok {
		if s.abs[i].a == x.a && s.abs[i].invalid == x.invalid {
			return
		}
		// The copies kept are the first and those that differ from it,
		// each marked when it came: only the first is left to mark.
		s.abs[i].dup, x.dup = true, true
	} else {
		s.absSeen[a.ID] = len(s.abs)
	}
	s.abs = append(s.abs, x)
}

// AddAdjustment takes an adjustment; those of other periods are ignored.
func (s *Settler) AddAdjustment(a Adjustment) {
	s.count(a.Source.File, inputAdjustments)
	switch {
	case a.ID == "":
		a.ID = s.ref(a.Source, inputAdjustments)
		a.Invalid = cmp.Or(a.Invalid, errors.New("id not given"))
	case a.Invalid == nil && a.Period.IsZero():
		a.Invalid = errors.New("period not given")
	}
	if s.ledger != nil {
		s.ledger.AddAdjustment(a)
	}
	s.adjs = append(s.adjs, a)
}

// visitPlaces returns the places of the decisions' visits, all in one
// array: each decision has room for visitCount of them, at least as many
// as it gets.
func (s *Settler) visitPlaces() visitPlaces {
	next := make([]int32, len(s.visitCount)+1)
	for d, c := range s.visitCount {
		next[d+1] = next[d] + c
	}
	n := int(next[len(next)-1])
	if cap(s.visitBuf) < n {
		s.visitBuf = make([]int32, n)
	}
	return visitPlaces{all: s.visitBuf[:n], next: next, room: s.visitCount}
}

// visitPlaces holds the visits of the decisions as they are placed: those
// of decision d from the start of its room (room[d] places) to next[d],
// in the order they were added.
type visitPlaces struct {
	all, next, room []int32
}

// add places report i, settled in decision d's pipeline: in the period,
// neither a copy nor of a copied id, with an id, no reason against it and
// a decision.
func (p *visitPlaces) add(d, i int32) {
	p.all[p.next[d]] = i
	p.next[d]++
}

// give gives each decision its visits.
func (p *visitPlaces) give(decisions []decState) {
	start := int32(0)
	for d := range decisions {
		decisions[d].visits = p.all[start:p.next[d]:p.next[d]]
		start += p.room[d]
	}
}

// settleDecision settles decision i into b.
func (s *Settler) settleDecision(b *builder, i int) {
	ds := &s.decisions[i]
	if ds.svc == nil || ds.prov < 0 {
		return
	}
	switch ds.svc.Unit {
	case Hour:
		s.settleHours(b, i)
	case Visit:
		s.settleVisits(b, i)
	case Month:
		s.settleMonth(b, i)
	case Day:
		s.settleDays(b, i)
	}
	b.flush(i)
}

// settleAll settles every decision, on all cores when there are many: each
// worker is a copy of the settler with its own caches and builder, and the
// builders are merged after; the order of lines does not matter, since
// finish sorts them.
func (s *Settler) settleAll(b *builder) {
	n := min(runtime.GOMAXPROCS(0), 8)
	if s.workers > 0 {
		n = s.workers
	}
	if len(s.decisions) < s.parallel.from || n < 2 || s.writeLines {
		// One builder, in order (writeLines needs the lines in order).
		for i := range s.decisions {
			s.settleDecision(b, i)
		}
		return
	}
	chunk := int64(s.parallel.chunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := make([]*Settler, n)
	builders := make([]*builder, n)
	for k := range workers {
		w := s.forWorker()
		wb := newBuilder(w)
		workers[k], builders[k] = w, wb
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk) - chunk)
				if lo >= len(s.decisions) {
					return
				}
				for i := lo; i < min(lo+int(chunk), len(s.decisions)); i++ {
					w.settleDecision(wb, i)
				}
			}
		}()
	}
	wg.Wait()
	for k, wb := range builders {
		for p := range b.prov {
			b.prov[p].lines.addAll(&wb.prov[p].lines)
			b.prov[p].unordered = true // the workers' runs, one after another
			b.prov[p].sums.merge(&wb.prov[p].sums)
			b.prov[p].unpaid = append(b.prov[p].unpaid, wb.prov[p].unpaid...)
			b.prov[p].reports.addAll(&wb.prov[p].reports)
			b.prov[p].pending = append(b.prov[p].pending, wb.prov[p].pending...)
		}
		b.unmatched = append(b.unmatched, wb.unmatched...)
		b.unmatchedReports.addAll(&wb.unmatchedReports)
		for msg, g := range workers[k].gaps {
			s.gapIDs(msg).merge(g)
		}
		for msg, r := range workers[k].gapDates {
			s.noteGapDate(msg, r[0])
			s.noteGapDate(msg, r[1])
		}
	}
}

// forWorker returns a copy of s that shares what settling only reads and
// has its own zone, splitter, scratch, rate caches and tariff gaps.
func (s *Settler) forWorker() *Settler {
	w := *s
	w.zone = volume.NewZone(s.zone.Location())
	w.split = volume.NewSplitter(s.t.bands, s.t.cal, w.zone)
	w.bandMin = make([]int64, len(s.bandMin))
	w.bandRate = make([]int32, len(s.bandRate))
	w.lineHint = make([]lineHint, len(s.lineHint))
	w.dayRuns = nil
	w.touched = nil
	w.visitKeys, w.visitTmp = nil, nil
	w.rateCache = map[rateCacheKey]int32{}
	w.dense = nil
	w.lengths = nil
	w.gaps = map[string]*idSample{}
	w.gapDates = map[string][2]volume.Date{}
	return &w
}

// reserve makes room for about n more reports.
func (s *Settler) reserve(n int) { s.reserveIDs(8 * n) }

// reserveIDs makes room for ids of n more bytes.
func (s *Settler) reserveIDs(n int) {
	if n > 0 {
		s.ids.grow(n + len(idPadding))
	}
}

// Audit checks st, the settler's settlement, against the records the
// settler was given when Options.Audit was set (see Ledger); without it,
// Audit only checks the arithmetic.
func (s *Settler) Audit(st *Settlement) error {
	if s.ledger == nil {
		return CheckArithmetic(st)
	}
	return s.ledger.Check(st)
}

// Settlement settles the period with the records taken so far. It may be
// asked again after more records are added: each settlement is of all the
// records taken until it was asked for.
func (s *Settler) Settlement() *Settlement {
	// The ids as one string, without copying them: more reports may
	// follow, but idText never changes bytes it has written.
	s.ids.add(idPadding) // for keyOf; more ids may follow it
	s.idStr = s.ids.String()
	// Each settlement finds its own tariff gaps.
	s.gaps = map[string]*idSample{}
	s.gapDates = map[string][2]volume.Date{}
	b := newBuilder(s)
	// The copies of a duplicate id are one record not paid: listed under
	// their provider when they all name the same one, else as unmatched.
	dupOwner := map[string]int{}
	if s.markCopies() {
		for i, x := range s.recs.all {
			if x.flags&recInPeriod == 0 || x.flags&recDup == 0 {
				continue
			}
			id := s.id(i)
			if o, ok := dupOwner[id]; ok && o != int(s.provOfRec(x)) {
				dupOwner[id] = -1
			} else if !ok {
				dupOwner[id] = int(s.provOfRec(x))
			}
		}
	}
	// Reports: where they go.
	places := s.visitPlaces()
	for i, x := range s.recs.all {
		if x.flags&recInPeriod == 0 || x.flags&recDropped != 0 || x.idLen == 0 {
			continue // a row without an id cannot be listed; its decoder reported it
		}
		if x.reason == 0 && x.flags&recDup == 0 {
			// Settled in its decision's pipeline.
			if x.dec >= 0 {
				places.add(x.dec, i)
			}
			continue
		}
		id := s.idStr[x.idOff : x.idOff+x.idLen]
		switch {
		case x.flags&recDup != 0:
			b.unpaid(dupOwner[id], -1, Unpaid{ID: id, Reason: ReasonDuplicateID, Detail: "the id is used by reports with different content"})
		case x.reason == codePending:
			b.pending(int(s.provOfRec(x)), id)
		default:
			reason := x.reason.reason()
			u := Unpaid{ID: id, Reason: reason, Detail: s.details[i]}
			if x.flags&recTimeOK != 0 {
				u.Quantity, u.Unit = s.reportQuantity(i, x)
			}
			if reason == ReasonNoRate {
				s.gap(id, "service %s is not in the tariff", s.nameList[s.recNames[x.names].service])
			}
			owner := int(s.provOfRec(x))
			if reason == ReasonNoDecision {
				owner = -1
			}
			if u.Detail == "" {
				// Kept small, as the pipelines' unpaid reports are.
				list := &b.unmatchedReports
				if owner >= 0 {
					list = &b.prov[owner].reports
				}
				list.add(reportUnpaid{qty: u.Quantity, key: s.keyOf(x), idOff: x.idOff, idLen: x.idLen,
					dec: x.dec, unit: u.Unit, reason: x.reason})
				continue
			}
			if x.dec >= 0 {
				u.Decision = s.decisions[x.dec].d.ID
			}
			b.unpaid(owner, -1, u)
		}
	}
	places.give(s.decisions)
	s.assignAbsences(b)
	s.assignPresence(b)
	s.settleAll(b)
	s.settleAdjustments(b)
	b.issues = slices.Clone(s.issues)
	if !s.partial {
		b.issues = append(b.issues, gapIssues(s.gaps, s.gapDates)...)
		if s.files != nil {
			b.issues = append(b.issues, s.files.issues()...)
		}
	}
	st := b.finish()
	st.Files = fileCounts(s.files, s.takenCounts())
	return st
}

// gapIssues makes one tariff-gap issue of each missing rate: the records
// it left unpaid (at most MaxIssueIDs) and the dates it was missing on.
func gapIssues(gaps map[string]*idSample, dates map[string][2]volume.Date) []Issue {
	var out []Issue
	for msg, g := range gaps {
		g.trim()
		text := msg
		if r, ok := dates[msg]; ok {
			text += " on " + r[0].String()
			if r[1] != r[0] {
				text += ".." + r[1].String()
			}
		}
		if g.more {
			text += fmt.Sprintf(" (more than %d records: the first %d by id are named)", MaxIssueIDs, MaxIssueIDs)
		}
		out = append(out, Issue{Kind: IssueTariffGap, IDs: g.ids, Message: text})
	}
	return out
}

// MaxIssueIDs is how many records a tariff-gap issue names: a month whose
// rates were not entered would otherwise name every visit of it (each of
// them is in the settlement all the same, not paid, reason no-rate).
const MaxIssueIDs = 1000

// An idSample holds the ids of a tariff gap: the first MaxIssueIDs of
// them by id, and whether there were more.
type idSample struct {
	ids  []string
	more bool
}

func (g *idSample) add(ids ...string) {
	g.ids = append(g.ids, ids...)
	if len(g.ids) >= 2*MaxIssueIDs {
		g.trim()
	}
}

// trim sorts the ids, each once, and leaves the first MaxIssueIDs.
func (g *idSample) trim() {
	slices.Sort(g.ids)
	g.ids = slices.Compact(g.ids)
	if len(g.ids) > MaxIssueIDs {
		clear(g.ids[MaxIssueIDs:])
		g.ids, g.more = g.ids[:MaxIssueIDs], true
	}
}

// merge adds the ids of another sample of the same gap.
func (g *idSample) merge(o *idSample) {
	g.add(o.ids...)
	g.more = g.more || o.more
}

// gapIDs returns the ids of the tariff gap msg, made when first asked.
func (s *Settler) gapIDs(msg string) *idSample {
	g := s.gaps[msg]
	if g == nil {
		g = &idSample{}
		s.gaps[msg] = g
	}
	return g
}

// gapAt notes that record id found no rate row on date; msg says which.
func (s *Settler) gapAt(id string, date volume.Date, msg string) {
	s.gapIDs(msg).add(id)
	s.noteGapDate(msg, date)
}

func (s *Settler) noteGapDate(msg string, date volume.Date) {
	r, ok := s.gapDates[msg]
	if !ok {
		r = [2]volume.Date{date, date}
	}
	if date.Before(r[0]) {
		r[0] = date
	}
	if date.After(r[1]) {
		r[1] = date
	}
	s.gapDates[msg] = r
}

func (s *Settler) gap(id, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.gapIDs(msg).add(id)
}

// reportQuantity is what an unpaid report would have been: staff-minutes of
// its counted length, or one visit.
func (s *Settler) reportQuantity(i int32, x *rec) (int64, Unit) {
	svc, _ := s.t.Service(s.nameList[s.recNames[x.names].service])
	if svc != nil && svc.Unit == Visit {
		return 1, Visit
	}
	return countedLength(svc, s.end(i, x)-x.start) * int64(x.staff), Minute
}

// countedLengths returns countedLength of svc for each raw length of a
// day or less, made once a settler: looked up, a visit's length needs no
// division.
func (s *Settler) countedLengths(svc *Service) []int64 {
	if t, ok := s.lengths[svc]; ok {
		return t
	}
	t := make([]int64, 24*60+1)
	for raw := range t {
		t[raw] = countedLength(svc, int64(raw))
	}
	if s.lengths == nil {
		s.lengths = map[*Service][]int64{}
	}
	s.lengths[svc] = t
	return t
}

// countedLength applies step 1 of rules §5 to a visit of raw minutes.
func countedLength(svc *Service, raw int64) int64 {
	if svc == nil || svc.Unit != Hour {
		return raw
	}
	if svc.FixedMinutes > 0 {
		return int64(svc.FixedMinutes)
	}
	l := raw
	if st := int64(svc.Rounding.Step); st > 1 {
		switch svc.Rounding.Mode {
		case RoundUp:
			l = (l + st - 1) / st * st
		case RoundDown:
			l = l / st * st
		case RoundNearest:
			l = (l + st/2) / st * st // halves up: 2*rem >= st
		}
	}
	if m := int64(svc.MinMinutes); l < m {
		l = m
	}
	return l
}

// rateAt returns the rate row for decision ds's attributes, component and
// band (-1: none) on date, or -1.
func (s *Settler) rateAt(ds *decState, component string, band int, date volume.Date) int {
	// The hot path: a date of the period, a component of the tariff, looked
	// up once per profile in a table without hashing.
	return s.rateIn(s.rateRow(ds, component, date), ds, component, band, date)
}

// rateIn is rateAt with the date's rate rows row (rateRow's) at hand.
func (s *Settler) rateIn(row []int32, ds *decState, component string, band int, date volume.Date) int {
	if uint(band+1) >= uint(len(row)) { // no row, or no such band
		return s.rateSlow(ds, component, band, date)
	}
	if row[band+1] == -2 {
		row[band+1] = int32(s.rateSlow(ds, component, band, date))
	}
	return int(row[band+1])
}

// rateRow returns the rate rows rateAt has found for ds, component and
// date, by band + 1 (0: no band), -2 where not yet looked up; or nil when
// the date is not of the period or the component not of the tariff.
func (s *Settler) rateRow(ds *decState, component string, date volume.Date) []int32 {
	rows, width := s.rateRows(ds, component)
	return dayRow(rows, width, s.dayIndex(date))
}

// rateRows returns rateRow's rows of every day of the period, one after
// the other, width to a day; or nil when the component is not of the
// tariff.
func (s *Settler) rateRows(ds *decState, component string) (rows []int32, width int) {
	slot := int32(0)
	if component != componentBase {
		var ok bool
		if slot, ok = s.compSlot[component]; !ok {
			return nil, 0
		}
	}
	k := int(ds.profile)*len(s.compSlot) + int(slot)
	if k >= len(s.dense) {
		s.dense = append(s.dense, make([][]int32, k+1-len(s.dense))...)
	}
	width = s.t.bands.Len() + 1
	rows = s.dense[k]
	if rows == nil {
		rows = make([]int32, s.period.Days()*width)
		for i := range rows {
			rows[i] = -2
		}
		s.dense[k] = rows
	}
	return rows, width
}

// dayRate returns the rate row of no band on day di that rateRows' rows
// (width a day, ndays days) hold, found before, or -2: rateIn's first
// look, without the division dayRow makes, for the loops over days.
func dayRate(rows []int32, width, ndays, di int) int {
	if uint(di) < uint(ndays) {
		return int(rows[di*width])
	}
	return -2
}

// dayRow returns the row of day di (of the period) of rateRows' rows, or
// nil when there is no such day.
func dayRow(rows []int32, width, di int) []int32 {
	if di < 0 || width == 0 || di >= len(rows)/width {
		return nil
	}
	return rows[di*width : (di+1)*width]
}

func (s *Settler) rateSlow(ds *decState, component string, band int, date volume.Date) int {
	k := rateCacheKey{profile: ds.profile, component: component, band: int16(band), date: date}
	if r, ok := s.rateCache[k]; ok {
		return int(r)
	}
	q := rateQuery{service: ds.d.Service, component: component, level: ds.d.Level,
		extent: ds.d.Extent, area: ds.d.Area, regime: s.providers[ds.prov].Regime}
	if band >= 0 {
		q.band = s.t.bands.Code(band)
	}
	r := s.t.rate(q, date)
	s.rateCache[k] = int32(r)
	return r
}

// describeRate names the rate row that ds lacks for a component and band,
// as its tariff-gap issue says.
func (s *Settler) describeRate(ds *decState, component string, band int) string {
	// The text depends on the decision's profile only (its service, level,
	// extent, area and regime): a month whose rates were not entered makes
	// it for every visit.
	k := gapKey{profile: ds.profile, component: component, band: band}
	if msg, ok := s.gapText[k]; ok {
		return msg
	}
	if s.gapText == nil {
		s.gapText = map[gapKey]string{}
	}
	s.gapText[k] = s.rateText(ds, component, band)
	return s.gapText[k]
}

type gapKey struct {
	profile   int32
	component string
	band      int
}

func (s *Settler) rateText(ds *decState, component string, band int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "no rate for service %s, component %s", ds.d.Service, component)
	if band >= 0 {
		fmt.Fprintf(&b, ", band %s", s.t.bands.Code(band))
	}
	for _, kv := range [][2]string{{"level", ds.d.Level}, {"extent", ds.d.Extent}, {"area", ds.d.Area}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, ", %s %s", kv[0], kv[1])
		}
	}
	fmt.Fprintf(&b, ", regime %s", s.providers[ds.prov].Regime)
	return b.String()
}

// grantedMinutes is granted_minutes for days dates (rules §5 step 4),
// rounded half up to whole minutes.
func (s *Settler) grantedMinutes(d *Decision, days int) int64 {
	if days == 0 || d.GrantedPer == NotGranted {
		return 0
	}
	var div int64 = 1
	switch d.GrantedPer {
	case PerWeek:
		div = 7
	case PerMonth:
		div = int64(s.period.Days())
	}
	return grantedMinutesOf(d.GrantedHours, int64(days), div)
}

// grantedMinutesOf is hours × 60 × days / div rounded half away from
// zero, hours not negative: in integers when hours is c × 10^exp with c
// of at most 15 digits and exp at least -9 (every grant of whole, half or
// quarter hours), else in decimals.
func grantedMinutesOf(hours decimal.Decimal, days, div int64) int64 {
	if h := ore.Split(hours); h.OK && h.C >= 0 && h.Digits <= 15 && h.Exp >= -9 && days <= 31 {
		// c × 60 × 31 < 2^63, and div × 10^9 too.
		n, den := h.C*60*days, div*ore.Pow10(-h.Exp)
		q, r := n/den, n%den
		if 2*r >= den {
			q++
		}
		return q
	}
	return hours.Mul(decimal.NewFromInt(60*days)).DivRound(decimal.NewFromInt(div), 0).IntPart()
}

// capMinutes is the cap of a capped service: floor(granted × percent /
// 100) minutes, percent more than 0 (Tariff checks it). In integers when
// percent has at most six decimals and nine digits, else in decimals.
func capMinutes(granted int64, percent decimal.Decimal) int64 {
	if p := ore.Split(percent); p.OK && p.C > 0 && p.Digits <= 9 && p.Exp >= -6 && granted >= 0 && granted < 1e9 {
		return granted * p.C / (100 * ore.Pow10(-p.Exp)) // both below 10^18
	}
	// QuoRem to 0 decimals: the quotient truncated, the floor of a
	// quotient not negative.
	q, _ := decimal.NewFromInt(granted).Mul(percent).QuoRem(hundred, 0)
	return q.IntPart()
}

// splitBands splits [from, to) into bands: s.bandMin holds the minutes of
// each band in s.touched, in order of first appearance.
func (s *Settler) splitBands(from, to int64) {
	for _, b := range s.touched {
		s.bandMin[b] = 0
	}
	s.touched = s.touched[:0]
	if band, ok := s.split.Within(from, to); ok { // most visits
		s.touched = append(s.touched, band)
		s.bandMin[band] = to - from
		return
	}
	s.split.Split(from, to, func(band int, m int64) {
		if s.bandMin[band] == 0 {
			s.touched = append(s.touched, band)
		}
		s.bandMin[band] += m
	})
}

func sortIDs(ids []string) []string {
	sort.Strings(ids)
	return slices.Compact(ids)
}

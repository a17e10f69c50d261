package reimbursement

import (
	"cmp"
	"errors"
	"hash/maphash"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

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
	sharedOwn []ownShared // reports naming a shared visit
	shadows   []sharedRow // rows of shared visits settled in other parts of the month
	recNames  []recNames  // the reports' names, by rec.names (namesOf)
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
	// sink is where the settlement goes as it is made (resultSink): kept
	// whole, or written ahead as a part of a month.
	sink resultSink

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
	if t == nil || t.bandSet == nil {
		return nil, errorf("no tariff: load one with LoadTariff or ParseTariff")
	}
	if period.IsZero() {
		return nil, errorf("no period")
	}
	zone := volume.NewZone(opt.Location)
	seed := maphash.MakeSeed()
	s := &Settler{
		t: t, period: period, zone: zone,
		split:     volume.NewSplitter(t.bandSet, t.cal, zone),
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
		bandMin:   make([]int64, t.bandSet.Len()),
		bandRate:  make([]int32, t.bandSet.Len()),
		lineHint:  make([]lineHint, 2*t.bandSet.Len()),
		sink:      monthSink{},
	}
	for _, svc := range t.services {
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

func (s *Settler) dayIndex(d volume.Date) int { return d.DaysSince(s.period.First()) }

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
	if len(s.decisions) < s.parallel.from || n < 2 || s.sink.inOrder() {
		// One builder, in order (a part writes its lines in order).
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
			b.prov[p].lines.AddAll(&wb.prov[p].lines)
			b.prov[p].unordered = true // the workers' runs, one after another
			b.prov[p].sums.merge(&wb.prov[p].sums)
			b.prov[p].unpaid = append(b.prov[p].unpaid, wb.prov[p].unpaid...)
			b.prov[p].reports.AddAll(&wb.prov[p].reports)
			b.prov[p].pending = append(b.prov[p].pending, wb.prov[p].pending...)
		}
		b.unmatched = append(b.unmatched, wb.unmatched...)
		b.unmatchedReports.AddAll(&wb.unmatchedReports)
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
	w.split = volume.NewSplitter(s.t.bandSet, s.t.cal, w.zone)
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
	s.splitShared()
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
				list.Add(reportUnpaid{qty: u.Quantity, key: s.keyOf(x), idOff: x.idOff, idLen: x.idLen,
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
	b.issues = append(b.issues, s.sink.monthIssues(s)...)
	st := b.finish()
	st.Files = fileCounts(s.files, s.takenCounts())
	return st
}

func sortIDs(ids []string) []string {
	sort.Strings(ids)
	return slices.Compact(ids)
}

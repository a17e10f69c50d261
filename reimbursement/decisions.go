package reimbursement

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/volume"
)

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
			d.Provider = s.t.noChoice.For(d.Area)
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

// A recipientRun is a recipient's entries of byRecipient, one for each
// service, from to to in the array of all of them.
type recipientRun struct {
	recipient int32
	from, to  int
}

// lineOrder returns the indices of decisions in the order of the lines
// (recipient, then decision id: ids are unique here), so that decisions
// settled in turn give their lines in order, and sorting them is a merge
// of a few runs. Indices are sorted, not the large decisions; recipients
// by their first eight bytes first.
func lineOrder(decisions []Decision) []int32 {
	order := make([]int32, len(decisions))
	prefix := make([]uint64, len(decisions)) // of the recipients, as radix.Key gives them
	for i := range order {
		order[i] = int32(i)
		prefix[i] = radix.Key(decisions[i].Recipient, 0)
	}
	radix.SortWith(prefix, order, nil) // prefix, sorted, is then order's
	for a := 0; a < len(order); {
		z := a + 1
		for z < len(order) && prefix[z] == prefix[a] {
			z++
		}
		if z-a > 1 {
			slices.SortFunc(order[a:z], func(a, b int32) int {
				return cmp.Or(strings.Compare(decisions[a].Recipient, decisions[b].Recipient), strings.Compare(decisions[a].ID, decisions[b].ID))
			})
		}
		a = z
	}
	return order
}

// findConflicts finds, for each recipient and service with more than one
// decision, the days on which its decisions overlap (rules §2), in order
// of recipient and service.
func (s *Settler) findConflicts(runs []recipientRun, entries []serviceDecisions) {
	type conflict struct {
		key uint64
		kd  *keyDecisions
	}
	var conflicts []conflict // keys with more than one decision
	for _, r := range runs {
		for _, e := range entries[r.from:r.to] {
			if len(e.decs.list) > 1 {
				conflicts = append(conflicts, conflict{uint64(uint32(r.recipient))<<32 | uint64(uint32(e.service)), e.decs})
			}
		}
	}
	slices.SortFunc(conflicts, func(a, b conflict) int { return cmp.Compare(a.key, b.key) })
	for _, c := range conflicts {
		list := c.kd.list
		slices.SortFunc(list, func(a, b int) int {
			da, db := s.decisions[a].d, s.decisions[b].d
			return cmp.Or(da.From.Compare(db.From), cmp.Compare(da.ID, db.ID))
		})
		c.kd.days = s.conflicts(list)
	}
}

// addDecisions adds the decisions, checked first unless checked (see
// newSettler).
func (s *Settler) addDecisions(decisions []Decision, mode decisionsMode) error {
	kept, err := decisions, error(nil)
	if mode != decisionsChecked {
		kept, err = s.checkDecisions(decisions, mode)
	}
	first := s.period.First().UnixDays()
	order := lineOrder(kept)
	s.decisions = make([]decState, 0, len(order))
	// A recipient's decisions come one after the other: its entries of
	// byRecipient, one for each service, are made as they come, in one
	// array, and a run of them is the recipient's.
	pool := make([]keyDecisions, 0, len(order)) // the entries' lists; it does not grow past its room
	entries := make([]serviceDecisions, 0, len(order))
	var runs []recipientRun
	days := make([]bool, len(order)*s.period.Days()) // the decisions' slices, one after the other
	for _, i := range order {
		d := &kept[i]
		ds := decState{d: d, prov: -1}
		if p, ok := s.provIdx[d.Provider]; ok {
			ds.prov = p
		}
		ds.svc, _ = s.t.service(d.Service)
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
			runs = append(runs, recipientRun{recipient: s.intern(d.Recipient), from: len(entries), to: len(entries)})
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
	for _, r := range runs {
		s.byRecipient[r.recipient] = entries[r.from:r.to:r.to]
	}
	s.findConflicts(runs, entries)
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

// recipientDecisions returns the decisions of the recipient of decision
// di, of any period, as s.decisions[lo:hi]: they are in order of
// recipient (addDecisions).
func (s *Settler) recipientDecisions(di int) (lo, hi int) {
	r := s.decisions[di].d.Recipient
	lo, hi = di, di+1
	for lo > 0 && s.decisions[lo-1].d.Recipient == r {
		lo--
	}
	for hi < len(s.decisions) && s.decisions[hi].d.Recipient == r {
		hi++
	}
	return lo, hi
}

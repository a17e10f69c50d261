package reimbursement

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

type absRec struct {
	a       volume.Absence
	invalid bool
	detail  string
	dup     bool
	unused  bool // overlaps an earlier absence
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

// absDay is what an absence does to one date of a decision's slice.
type absDay struct {
	id      string // the absence; "" when none
	rule    bool   // the service has a rule for the absence's reason
	percent decimal.Decimal
}

// absenceMap returns, per date of the period, the absence that applies to
// decision ds on that date within its slice (rules §7).
func (s *Settler) absenceMap(ds *decState) []absDay {
	if len(ds.absences) == 0 {
		return nil
	}
	m := make([]absDay, len(ds.slice))
	for _, ai := range ds.absences {
		a := &s.abs[ai].a
		rule, ok := ds.svc.absenceRule(a.Reason)
		for i, in := range ds.slice {
			d := s.period.First().AddDays(i)
			if !in || d.Before(a.From) || (!a.To.IsZero() && d.After(a.To)) {
				continue
			}
			m[i] = absDay{id: a.ID, rule: ok}
			if ok {
				m[i].percent = rule.percent(d.DaysSince(a.From) + 1)
			}
		}
	}
	return m
}

// absenceDays pays an hour service's absence lines (rules §5 step 7): each
// absence date of the slice pays the daily granted minutes in the default
// band at the step's percent. It returns the dates an absence rule covers,
// nil when the decision has no absences.
func (s *Settler) absenceDays(b *builder, di int) []bool {
	ds := &s.decisions[di]
	m := s.absenceMap(ds)
	if m == nil {
		return nil
	}
	covered := make([]bool, len(ds.slice))
	def := s.t.defaultBandIndex
	for i, a := range m {
		if !a.rule {
			continue
		}
		covered[i] = true
		minutes := s.grantedMinutes(ds.d, 1)
		if a.percent.Sign() == 0 || minutes == 0 {
			continue
		}
		d := s.period.First().AddDays(i)
		rate := s.rateAt(ds, componentBase, def, d)
		if rate < 0 {
			s.gapAt(a.id, d, s.describeRate(ds, componentBase, def))
			b.unpaid(ds.prov, di, Unpaid{ID: a.id, Quantity: minutes, Unit: Minute, Reason: ReasonNoRate})
			continue
		}
		b.add("absence", def, rate, a.percent, Minute, 60, minutes, a.id)
	}
	return covered
}

// assignAbsences lists absences that are not used and gives the used ones
// to their decisions.
func (s *Settler) assignAbsences(b *builder) {
	order := make([]int, len(s.abs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := &s.abs[x].a, &s.abs[y].a
		return cmp.Or(cmp.Compare(a.Recipient, b.Recipient), cmp.Compare(a.Service, b.Service),
			a.From.Compare(b.From), cmp.Compare(a.ID, b.ID))
	})
	s.markOverlaps(order)
	// The copies of a duplicate id go to one place (see reports).
	dupOwner := map[string]int{}
	for _, i := range order {
		x := &s.abs[i]
		if !x.dup {
			continue
		}
		owner := -1
		if decs := s.absenceDecisions(&x.a); len(decs) > 0 {
			owner = s.decisions[decs[0]].prov
		} else if !x.invalid {
			continue
		}
		if o, ok := dupOwner[x.a.ID]; ok && o != owner {
			dupOwner[x.a.ID] = -1
		} else if !ok {
			dupOwner[x.a.ID] = owner
		}
	}
	for _, i := range order {
		x := &s.abs[i]
		a := &x.a
		decs := s.absenceDecisions(a)
		owner, dec := -1, -1
		if len(decs) > 0 {
			dec = decs[0]
			owner = s.decisions[dec].prov
		}
		relevant := len(decs) > 0 || (x.invalid && a.ID != "" && (a.From.IsZero() || s.overlapsPeriod(a.From, a.To)))
		if !relevant {
			continue
		}
		switch {
		case x.dup:
			b.unpaid(dupOwner[a.ID], -1, Unpaid{ID: a.ID, Reason: ReasonDuplicateID})
			continue
		case x.invalid:
			if a.ID != "" {
				b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonInvalidInput, Detail: x.detail})
			}
			continue
		case a.Status == volume.Pending:
			b.pending(owner, a.ID)
			continue
		case a.Status == volume.Rejected:
			b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonNotApproved})
			continue
		}
		if x.unused {
			b.unpaid(owner, dec, Unpaid{ID: a.ID, Reason: ReasonOverlap, Detail: "the absence overlaps an earlier one"})
			continue
		}
		for _, d := range decs {
			s.decisions[d].absences = append(s.decisions[d].absences, int32(i))
		}
	}
}

// markOverlaps marks the absences that are not used because they overlap
// one in use (rules §7): among all approved absences of a recipient and
// service, of any period and whether or not they touch a decision, in
// order of (from, id), one that overlaps an absence in use is not used.
// order is the absences in order of (recipient, service, from, id).
func (s *Settler) markOverlaps(order []int) {
	var last *volume.Absence // the absence in use that starts last, of the key looked at
	for _, i := range order {
		x := &s.abs[i]
		a := &x.a
		if x.dup || x.invalid || a.Status != volume.Approved {
			continue
		}
		if last != nil && (last.Recipient != a.Recipient || last.Service != a.Service) {
			last = nil
		}
		// The absences in use of a key do not overlap and come in order
		// of their start, so only the last can overlap this one, which
		// starts no earlier.
		if last != nil && (last.To.IsZero() || !a.From.After(last.To)) {
			x.unused = true
			continue
		}
		last = a
	}
}

func (s *Settler) overlapsPeriod(from, to volume.Date) bool {
	return !from.After(s.period.Last()) && (to.IsZero() || !to.Before(s.period.First()))
}

// absenceDecisions returns the decisions whose slice an absence touches,
// in order of their start.
func (s *Settler) absenceDecisions(a *volume.Absence) []int {
	if a.From.IsZero() {
		return nil
	}
	var out []int
	k, ok := s.key(a.Recipient, a.Service)
	if !ok {
		return nil
	}
	kd := s.decisionsOf(k)
	if kd == nil {
		return nil
	}
	if days := kd.days; days != nil {
		// A date of a slice is its decision's alone, and a decision's
		// dates come before those of the decisions that start later.
		lo, hi := max(a.From.DaysSince(s.period.First()), 0), len(days)-1
		if !a.To.IsZero() {
			hi = min(hi, a.To.DaysSince(s.period.First()))
		}
		for j := lo; j <= hi; j++ {
			if i := int(days[j]); i >= 0 && (len(out) == 0 || out[len(out)-1] != i) {
				out = append(out, i)
			}
		}
		return out
	}
	for _, i := range kd.list {
		ds := &s.decisions[i]
		for j, in := range ds.slice {
			d := s.period.First().AddDays(j)
			if in && !d.Before(a.From) && (a.To.IsZero() || !d.After(a.To)) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

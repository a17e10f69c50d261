package reimbursement

import (
	"cmp"
	"errors"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

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

// A dayRun is a run of stay days of one component of a day service
// (settleDays): its rate rows, and the days of one rate row, percent and
// absence so far.
type dayRun struct {
	rows     []int32 // the component's rate rows (rateRows)
	ndays    int     // of rows
	rate     int
	percent  decimal.Decimal
	pkey, id string
	days     int64
}

// AddPresence takes a presence day.
func (s *Settler) AddPresence(p volume.Presence) {
	s.count(p.Source.File, inputPresence)
	switch {
	case p.ID == "":
		p.ID = s.ref(p.Source, inputPresence)
		p.Invalid = cmp.Or(p.Invalid, errors.New("id not given"))
	case p.Invalid == nil && !p.Status.IsValid():
		p.Invalid = errors.New("status not given")
	}
	if s.ledger != nil {
		s.ledger.AddPresence(p)
	}
	x := presRec{p: p, invalid: p.Invalid != nil, prov: -1, dec: -1}
	if p.Invalid != nil {
		x.detail = p.Invalid.Error()
	}
	x.p.Invalid, x.p.Source = nil, volume.Source{} // copies are compared by content
	if i, ok := s.presSeen[p.ID]; ok {
		if s.pres[i].p == x.p && s.pres[i].invalid == x.invalid {
			return
		}
		// The copies kept are the first and those that differ from it,
		// each marked when it came: only the first is left to mark.
		s.pres[i].dup, x.dup = true, true
	} else {
		s.presSeen[p.ID] = len(s.pres)
	}
	if pi, ok := s.provIdx[p.Provider]; ok {
		x.prov = pi
	}
	x.inPeriod = p.Date.IsZero() || s.period.Contains(p.Date)
	switch {
	case x.invalid:
		x.reason = ReasonInvalidInput
	case x.prov < 0:
		x.reason = ReasonUnknownProvider
	case p.Status == volume.Pending:
		x.reason = reasonPending
	case p.Status == volume.Rejected:
		x.reason = ReasonNotApproved
	}
	if x.reason == "" {
		d, why := s.match(p.Recipient, p.Service, p.Date)
		switch {
		case d < 0:
			x.reason = why
		case s.decisions[d].d.Provider != p.Provider:
			x.reason, x.dec = ReasonWrongProvider, d
		case s.decisions[d].svc == nil:
			x.reason, x.dec = ReasonNoRate, d
		case s.decisions[d].svc.Unit != Day || s.decisions[d].svc.Basis != Presence:
			x.reason, x.dec = ReasonNotBillable, d
		default:
			x.dec = d
		}
	}
	s.pres = append(s.pres, x)
}

// assignPresence lists the presence that is not paid and gives the rest to
// their decisions.
func (s *Settler) assignPresence(b *builder) {
	dupOwner := map[string]int{}
	for i := range s.pres {
		x := &s.pres[i]
		if !x.dup || !x.inPeriod {
			continue
		}
		if o, ok := dupOwner[x.p.ID]; ok && o != x.prov {
			dupOwner[x.p.ID] = -1
		} else if !ok {
			dupOwner[x.p.ID] = x.prov
		}
	}
	for i := range s.pres {
		x := &s.pres[i]
		if !x.inPeriod || x.p.ID == "" {
			continue
		}
		u := Unpaid{ID: x.p.ID, Reason: x.reason, Quantity: 1, Unit: Day}
		owner := x.prov
		switch {
		case x.dup:
			u.Reason, u.Quantity, u.Unit = ReasonDuplicateID, 0, NoUnit
			owner, x.dec = dupOwner[x.p.ID], -1
		case x.reason == reasonPending:
			b.pending(x.prov, x.p.ID)
			continue
		case x.reason == ReasonInvalidInput:
			if x.p.ID == "" {
				continue
			}
			u.Quantity, u.Unit, u.Detail = 0, NoUnit, x.detail
		case x.reason == ReasonNoDecision:
			owner = -1
		case x.reason == "":
			s.decisions[x.dec].presence = append(s.decisions[x.dec].presence, int32(i))
			continue
		}
		if x.reason == ReasonNoRate {
			s.gap(x.p.ID, "service %s is not in the tariff", x.p.Service)
		}
		b.unpaid(owner, x.dec, u)
	}
}

// settleDays settles a day service (rules §6, §7): its presence dates
// (basis presence) or its stay days less absence (placement), then its
// after-end days. Days without a rate row are not paid (rules §8): one
// entry for the decision counts them (a presence is not paid on its own).
func (s *Settler) settleDays(b *builder, di int) {
	ds := &s.decisions[di]
	if ds.svc.Basis == Presence {
		s.settlePresence(b, di)
		return
	}
	noRate := s.settleStayDays(b, di) + s.settleAfterEnd(b, di)
	if noRate > 0 {
		b.unpaid(ds.prov, di, Unpaid{ID: ds.d.ID, Quantity: int64(noRate), Unit: Day, Reason: ReasonNoRate,
			Detail: "days of the decision without a rate row"})
	}
}

// payDay pays one day of decision di on date d, each component that is
// paid on stay days (stay) or after-end days (not stay), at percent and
// the rate of extent; id names the record the lines are of, if any. It
// reports whether every component had a rate row.
func (s *Settler) payDay(b *builder, di int, d volume.Date, stay bool, percent decimal.Decimal, extent, id string) bool {
	ds := &s.decisions[di]
	ok := true
	pkey := "100" // the key of 100 %, most days' percent
	if percent != hundred {
		pkey = percentKey(percent)
	}
	for _, c := range ds.svc.Components {
		if (stay && !c.Stay) || (!stay && !c.AfterEnd) {
			continue
		}
		rate := s.rateFor(ds, c.Code, -1, d, extent)
		if rate < 0 {
			s.gapAt(cmp.Or(id, ds.d.ID), d, s.describeRate(ds, c.Code, -1))
			ok = false
			continue
		}
		b.addKeyed(c.Code, -1, rate, percent, pkey, Day, 1, 1, id)
	}
	return ok
}

// settlePresence pays each approved presence date of the slice once, the
// lowest id (the others duplicate-date), at the presence's extent if it
// has one (rules §6, basis presence).
func (s *Settler) settlePresence(b *builder, di int) {
	ds := &s.decisions[di]
	seen := map[volume.Date]bool{}
	list := ds.presence
	slices.SortFunc(list, func(a, c int32) int { return cmp.Compare(s.pres[a].p.ID, s.pres[c].p.ID) })
	for _, pi := range list {
		p := &s.pres[pi].p
		if seen[p.Date] || !ds.slice[s.dayIndex(p.Date)] {
			reason := ReasonDuplicateDate
			if !seen[p.Date] {
				reason = ReasonDecisionConfl
			}
			b.unpaid(ds.prov, di, Unpaid{ID: p.ID, Quantity: 1, Unit: Day, Reason: reason})
			continue
		}
		seen[p.Date] = true
		if !s.payDay(b, di, p.Date, true, hundred, cmp.Or(p.Extent, ds.d.Extent), p.ID) {
			b.unpaid(ds.prov, di, Unpaid{ID: p.ID, Quantity: 1, Unit: Day, Reason: ReasonNoRate})
		}
	}
}

// settleStayDays pays the stay days of the slice (rules §6, basis
// placement): every date, less the decision's to date unless the service
// counts the last day, at the percent of an absence rule that applies
// (rules §7), nothing at 0 %. It returns the days without a rate row.
//
// Each component's rate rows are found once, and its days of one rate
// row, percent and absence are added in runs (dayRun).
func (s *Settler) settleStayDays(b *builder, di int) (noRate int) {
	ds := &s.decisions[di]
	svc := ds.svc
	runs := slices.Grow(s.dayRuns[:0], len(svc.Components))[:len(svc.Components)]
	clear(runs)
	s.dayRuns = runs
	width := 0
	for ci, c := range svc.Components {
		runs[ci].rows, width = s.rateRows(ds, c.Code)
		if width > 0 {
			runs[ci].ndays = len(runs[ci].rows) / width
		}
	}
	absences := s.absenceMap(ds)
	for i, in := range ds.slice {
		d := s.period.First().AddDays(i)
		if !in || (!svc.CountLastDay && d == ds.d.To) {
			continue
		}
		percent, pkey, id := hundred, "100", ""
		if absences != nil && absences[i].rule && !absences[i].percent.Equal(hundred) {
			percent, id = absences[i].percent, absences[i].id
			pkey = percentKey(percent)
		}
		if percent != hundred && percent.Sign() == 0 {
			continue
		}
		ok := true
		for ci, c := range svc.Components {
			if !c.Stay {
				continue
			}
			rate := dayRate(runs[ci].rows, width, runs[ci].ndays, i)
			if rate == -2 {
				rate = s.rateIn(dayRow(runs[ci].rows, width, i), ds, c.Code, -1, d)
			}
			if rate < 0 {
				s.gapAt(cmp.Or(id, ds.d.ID), d, s.describeRate(ds, c.Code, -1))
				ok = false
				continue
			}
			if r := &runs[ci]; r.days == 0 || r.rate != rate || r.pkey != pkey || r.id != id {
				s.addDayRun(b, di, ci)
				r.rate, r.percent, r.pkey, r.id = rate, percent, pkey, id
			}
			runs[ci].days++
		}
		if !ok {
			noRate++
		}
	}
	for ci := range runs {
		s.addDayRun(b, di, ci)
	}
	return noRate
}

// addDayRun adds the days of component ci's run, if any, and empties it.
func (s *Settler) addDayRun(b *builder, di, ci int) {
	if r := &s.dayRuns[ci]; r.days > 0 {
		b.addKeyed(s.decisions[di].svc.Components[ci].Code, -1, r.rate, r.percent, r.pkey, Day, 1, r.days, r.id)
		r.days = 0
	}
}

// settleAfterEnd pays the after-end days of the period (rules §6): the
// days after the last stay day of a decision that ended for one of the
// service's reasons, in whatever month they fall. It returns the days
// without a rate row.
func (s *Settler) settleAfterEnd(b *builder, di int) (noRate int) {
	ds := &s.decisions[di]
	svc := ds.svc
	if ds.d.To.IsZero() || svc.AfterEnd.Days == 0 || !slices.Contains(svc.AfterEnd.Reasons, ds.d.EndReason) {
		return 0
	}
	last := ds.d.To
	if !svc.CountLastDay {
		last = last.AddDays(-1)
	}
	for n := 1; n <= svc.AfterEnd.Days; n++ {
		d := last.AddDays(n)
		if s.period.Contains(d) && !s.payDay(b, di, d, false, hundred, ds.d.Extent, "") {
			noRate++
		}
	}
	return noRate
}

// rateFor is rateAt with the extent of a presence.
func (s *Settler) rateFor(ds *decState, component string, band int, date volume.Date, extent string) int {
	if extent == ds.d.Extent {
		return s.rateAt(ds, component, band, date)
	}
	q := rateQuery{service: ds.d.Service, component: component, level: ds.d.Level,
		extent: extent, area: ds.d.Area, regime: s.providers[ds.prov].Regime}
	return s.t.rate(q, date)
}

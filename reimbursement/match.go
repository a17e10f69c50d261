package reimbursement

import (
	"errors"
	"fmt"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

// AddReport takes a time report. Reports of other periods are ignored
// (but still count for duplicate ids).
func (s *Settler) AddReport(r volume.Report) { s.addReport(&r, 0) }

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
	if !readable(r) {
		x.flags |= recInvalid
		s.details[i] = reportProblem(r)
	}
	end := s.classify(x, r)
	if x.flags&recTimeOK == 0 {
		x.start, end = rawMinutes(r.Start), rawMinutes(r.End)
	}
	s.setEnd(i, x, end)
	x.idOff, x.idLen = s.ids.add(r.ID), uint32(len(r.ID))
	if r.Shared != "" {
		s.addShared(r, i)
	}
	if x.reason == 0 && x.dec >= 0 {
		s.visitCount[x.dec]++
	}
}

// reportProblem returns why a report cannot be read, "" when it can: a
// row that could not be read, or a report made in Go without an id, a
// status, a kind, staff from 1 to maxStaff or both times.
func reportProblem(r *volume.Report) string {
	if readable(r) {
		return ""
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

// readable reports whether a report can be read (reportProblem has
// nothing to say of it): the usual report, checked without a call.
func readable(r *volume.Report) bool {
	return r.Invalid == nil && r.ID != "" && r.Status.IsValid() && r.Kind.IsValid() &&
		uint(r.Staff-1) < maxStaff && !r.Start.IsZero() && !r.End.IsZero()
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
	ReasonDecisionConfl, ReasonWrongProvider, ReasonNoRate, ReasonNotBillable, ReasonSharedMismatch,
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
	codeSharedMismatch // after all of rules §2 (splitShared)
)

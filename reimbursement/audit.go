package reimbursement

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// An AuditError lists what is wrong with a settlement: records that are
// not accounted for, or accounted for twice, and lines whose arithmetic
// does not hold.
type AuditError struct {
	Problems []string
	More     int // problems past those listed
}

func (e *AuditError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reimbursement: the settlement fails its audit: %d problems", len(e.Problems)+e.More)
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n\tand %d more", e.More)
	}
	return b.String()
}

type auditProblems struct{ AuditError }

func (a *auditProblems) fail(format string, args ...any) {
	if len(a.Problems) >= maxProblems {
		a.More++
		return
	}
	a.Problems = append(a.Problems, fmt.Sprintf(format, args...))
}

func (a *auditProblems) err() error {
	if len(a.Problems) == 0 {
		return nil
	}
	return &a.AuditError
}

// CheckArithmetic checks a settlement's own sums: every line's amount is
// round(quantity × price × factor / divisor) to öre, half away from zero,
// each provider's total is the sum of its lines and the settlement's total
// the sum of the providers'. It returns an *AuditError, or nil. A
// correction's lines carry differences of issued amounts and are not held
// to the rounding rule, only to the sums.
func CheckArithmetic(st *Settlement) error {
	var a auditProblems
	checkArithmetic(st, &a)
	return a.err()
}

func checkArithmetic(st *Settlement, a *auditProblems) {
	grand := decimal.Zero
	for _, p := range st.Providers {
		sum := decimal.Zero
		for _, l := range p.Lines {
			if st.CorrectionOf == nil {
				if l.Divisor.Sign() <= 0 {
					a.fail("provider %s, %s: divisor %s", p.Provider, describeLine(l), l.Divisor)
				} else if want := l.Quantity.Mul(l.Price).Mul(l.Factor).DivRound(l.Divisor, 2); !want.Equal(l.Amount) {
					a.fail("provider %s, %s: amount %s, want %s", p.Provider, describeLine(l), l.Amount.StringFixed(2), want.StringFixed(2))
				}
			}
			sum = sum.Add(l.Amount)
		}
		if !sum.Equal(p.Total) {
			a.fail("provider %s: total %s is not the sum of its lines %s", p.Provider, p.Total.StringFixed(2), sum.StringFixed(2))
		}
		grand = grand.Add(sum)
	}
	if !grand.Equal(st.Total) {
		a.fail("total %s is not the sum of the providers' %s", st.Total.StringFixed(2), grand.StringFixed(2))
	}
}

func describeLine(l Line) string {
	return fmt.Sprintf("line %s/%s/%s/%s/%s", l.Recipient, l.Decision, l.Service, l.Component, l.Band)
}

// A Ledger notes the records given to a settlement, independently of the
// Settler, so that the settlement can be checked against them: every time
// report, presence and adjustment of the period must be accounted for
// exactly once — in lines (a shortened visit also in unpaid), in unpaid
// with a reason, in pending, or in unmatched — and nothing may be
// accounted for that was not given (rules §9).
//
// A Ledger keeps the ids of the period's records and a 64-bit hash of every
// other id, not the records. Ids are one namespace: a report and an
// adjustment with the same id count as one.
type Ledger struct {
	period   volume.Period
	zone     *volume.Zone
	seed     maphash.Seed
	required []string // ids of the records of the period
	known    []uint64 // hashes of every id given, absences included
}

// NewLedger returns a ledger for period in the zone of opt.
func NewLedger(period volume.Period, opt Options) (*Ledger, error) {
	if opt.Location == nil {
		return nil, errorf("Options.Location is nil")
	}
	return &Ledger{period: period, zone: volume.NewZone(opt.Location), seed: maphash.MakeSeed()}, nil
}

func (l *Ledger) hash(id string) uint64 { return maphash.String(l.seed, id) }

func (l *Ledger) note(id string, inPeriod bool) {
	if id == "" {
		return
	}
	l.known = append(l.known, l.hash(id))
	if inPeriod {
		l.required = append(l.required, id)
	}
}

// AddReport notes a time report.
func (l *Ledger) AddReport(r volume.Report) {
	in := true
	if !r.Start.IsZero() {
		d := r.Start.Date()
		if _, hasOff := r.Start.Offset(); hasOff {
			if u, err := l.zone.Resolve(r.Start); err == nil {
				d = l.zone.LocalDate(u)
			}
		}
		in = l.period.Contains(d)
	}
	l.note(r.ID, in)
}

// AddPresence notes a presence day.
func (l *Ledger) AddPresence(p volume.Presence) {
	l.note(p.ID, p.Date.IsZero() || l.period.Contains(p.Date))
}

// AddAdjustment notes an adjustment.
func (l *Ledger) AddAdjustment(a Adjustment) {
	l.note(a.ID, a.Invalid != nil || a.Period == l.period)
}

// AddAbsence notes an absence: it need not appear, but may.
func (l *Ledger) AddAbsence(a volume.Absence) { l.note(a.ID, false) }

// Check audits st against the records noted: accounting and arithmetic.
// It returns an *AuditError, or nil.
func (l *Ledger) Check(st *Settlement) error {
	var a auditProblems
	checkArithmetic(st, &a)
	slices.Sort(l.known)
	l.known = slices.Compact(l.known)
	slices.Sort(l.required)
	l.required = slices.Compact(l.required)
	const (
		inLines = 1 << iota
		inUnpaid
		inPending
		inUnmatched
	)
	where := make(map[uint64]uint8, len(l.required))
	mark := func(id string, w uint8, place string) {
		h := l.hash(id)
		if _, ok := slices.BinarySearch(l.known, h); !ok {
			a.fail("%s %q is not a record that was given", place, id)
			return
		}
		where[h] |= w
	}
	partial := map[Reason]bool{ReasonOverGranted: true, ReasonStaffNotGranted: true}
	for _, p := range st.Providers {
		for _, ln := range p.Lines {
			for _, id := range ln.Reports {
				mark(id, inLines, "line of "+p.Provider+" names")
			}
		}
		for _, u := range p.Unpaid {
			if !partial[u.Reason] {
				mark(u.ID, inUnpaid, "unpaid of "+p.Provider)
			}
		}
		for _, id := range p.Pending {
			mark(id, inPending, "pending of "+p.Provider)
		}
	}
	for _, u := range st.Unmatched {
		mark(u.ID, inUnmatched, "unmatched")
	}
	// A visit cut at the cap, or paid for fewer staff than reported, is in
	// lines and in unpaid; one cut whole is in unpaid only.
	for _, p := range st.Providers {
		for _, u := range p.Unpaid {
			if partial[u.Reason] && where[l.hash(u.ID)]&inLines == 0 {
				mark(u.ID, inUnpaid, "unpaid of "+p.Provider)
			}
		}
	}
	for _, id := range l.required {
		w := where[l.hash(id)]
		switch {
		case w == 0:
			a.fail("record %q of the period is not accounted for", id)
		case w&(w-1) != 0:
			a.fail("record %q is accounted for in more than one place (%s)", id, places(w))
		}
	}
	return a.err()
}

func places(w uint8) string {
	var out []string
	for i, n := range []string{"lines", "unpaid", "pending", "unmatched"} {
		if w&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

package reimbursement

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/volume"
)

// An AuditError lists what is wrong with a settlement: records that are
// not accounted for, or accounted for twice, and lines whose arithmetic
// does not hold.
type AuditError struct {
	Problems []string
	More     int // problems past those listed
}

// Error lists the problems.
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
// each provider's total is the sum of its lines, the settlement's total
// the sum of the providers', and every input file's rows are accounted
// for (Files). It returns an *AuditError, or nil. A
// correction's lines carry differences of issued amounts and are not held
// to the rounding rule, only to the sums.
func CheckArithmetic(st *Settlement) error {
	if st == nil {
		return errorf("CheckArithmetic: no settlement (nil)")
	}
	var a auditProblems
	checkArithmetic(st, &a)
	return a.err()
}

func checkArithmetic(st *Settlement, a *auditProblems) {
	grand := decimal.Zero
	for _, p := range st.Providers {
		// The amounts that are whole öre and small are summed as an int64,
		// the others as decimals: the same way as ore.Sum, which made
		// the totals, but apart from it, so that the check is not the
		// code it checks.
		var ore int64
		sum := decimal.Zero
		for i := range p.Lines {
			l := &p.Lines[i]
			c, small := smallOre(l.Amount)
			if st.CorrectionOf == nil {
				if l.Divisor.Sign() <= 0 {
					a.fail("provider %s, %s: divisor %s", p.Provider, describeLine(*l), l.Divisor)
				} else if !small || !roundsToOre(l, c) {
					if want := l.Quantity.Mul(l.Price).Mul(l.Factor).DivRound(l.Divisor, 2); !want.Equal(l.Amount) {
						a.fail("provider %s, %s: amount %s, want %s", p.Provider, describeLine(*l), l.Amount.StringFixed(2), want.StringFixed(2))
					}
				}
			}
			if small && ore < 1<<61 && ore > -1<<61 {
				ore += c
			} else {
				sum = sum.Add(l.Amount)
			}
		}
		sum = sum.Add(decimal.New(ore, -2))
		if !sum.Equal(p.Total) {
			a.fail("provider %s: total %s is not the sum of its lines %s", p.Provider, p.Total.StringFixed(2), sum.StringFixed(2))
		}
		grand = grand.Add(sum)
	}
	if !grand.Equal(st.Total) {
		a.fail("total %s is not the sum of the providers' %s", st.Total.StringFixed(2), grand.StringFixed(2))
	}
	checkFiles(st, a)
}

// smallOre returns d in öre when it has two decimals and at most 17 digits.
func smallOre(d decimal.Decimal) (int64, bool) {
	if d.Exponent() != -2 || d.NumDigits() > 17 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// roundsTo checks with integers that l.Amount is quantity × price × factor
// / divisor rounded to öre, half away from zero: A is that rounding of
// N / den exactly when 2A·den <= 2N + den < 2A·den + 2den (for N >= 0).
// It is written apart from amountOf, which makes the amounts, so that the
// audit does not share its mistakes. False means not shown: a wrong
// amount, or numbers too large for it; the caller then checks with
// decimals.
func roundsTo(l *Line) bool {
	amount, ok := smallOre(l.Amount)
	return ok && roundsToOre(l, amount)
}

// roundsToOre is roundsTo of a line whose amount is amount öre.
func roundsToOre(l *Line, amount int64) bool {
	if l.Divisor.Exponent() != 0 || l.Divisor.NumDigits() > 9 {
		return false
	}
	// N = the product of the coefficients, times 10^exp, in öre.
	n, exp, neg := uint64(1), 2, false
	for _, d := range [...]decimal.Decimal{l.Quantity, l.Price, l.Factor} {
		if d.NumDigits() > 18 || d.Exponent() > 0 || d.Exponent() < -9 {
			return false
		}
		c := d.CoefficientInt64()
		if c < 0 {
			neg, c = !neg, -c
		}
		hi, lo := bits.Mul64(n, uint64(c))
		if hi != 0 || lo >= 1<<58 {
			return false
		}
		n, exp = lo, exp+int(d.Exponent())
	}
	den := uint64(l.Divisor.CoefficientInt64())
	for ; exp > 0; exp-- {
		if n >= 1<<58 {
			return false
		}
		n *= 10
	}
	for ; exp < 0; exp++ {
		if den >= 1<<40 {
			return false
		}
		den *= 10
	}
	if amount < 0 {
		if !neg || n == 0 {
			return false
		}
		amount = -amount
	} else if neg && amount > 0 {
		return false
	}
	// n < 2^62 and den < 2^44: none of the sums below overflows.
	hi, lo := bits.Mul64(2*uint64(amount), den)
	mid := 2*n + den
	return hi == 0 && lo <= mid && mid < lo+2*den
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
	required []byte   // ids of the records of the period, end to end
	reqEnd   []uint32 // where each of them ends in required
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
		l.required = append(l.required, id...)
		l.reqEnd = append(l.reqEnd, uint32(len(l.required)))
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

// AddDecision notes a decision: it need not appear, but may (a decision's
// days without a rate are listed under its id).
func (l *Ledger) AddDecision(d Decision) { l.note(d.ID, false) }

// AddAbsence notes an absence: it need not appear, but may.
func (l *Ledger) AddAbsence(a volume.Absence) { l.note(a.ID, false) }

// Check audits st against the records noted: accounting and arithmetic.
// It returns an *AuditError, or nil.
func (l *Ledger) Check(st *Settlement) error {
	if st == nil {
		return errorf("Ledger.Check: no settlement (nil)")
	}
	var a auditProblems
	checkArithmetic(st, &a)
	radix.Sort(l.known)
	l.known = slices.Compact(l.known)
	at := l.placeHashes(st)
	l.checkNamed(st, &at, &a)
	l.checkOnce(&at, &a)
	return a.err()
}

// The places a settlement accounts for a record in, for Ledger.Check.
const (
	inLines = iota
	inUnpaid
	inPending
	inUnmatched
	inPartial // cut at the cap or for staff: in lines and unpaid both
	nPlaces
)

// placeHashes returns where each id of st stands, as sorted hashes by
// place: sorting and walking millions of hashes beats a map of them.
func (l *Ledger) placeHashes(st *Settlement) [nPlaces][]uint64 {
	var at [nPlaces][]uint64
	add := func(w int, id string) { at[w] = append(at[w], l.hash(id)) }
	partial := map[Reason]bool{ReasonOverGranted: true, ReasonStaffNotGranted: true}
	for _, p := range st.Providers {
		for _, ln := range p.Lines {
			for _, id := range ln.Reports {
				add(inLines, id)
			}
		}
		for _, u := range p.Unpaid {
			if partial[u.Reason] {
				add(inPartial, u.ID)
			} else {
				add(inUnpaid, u.ID)
			}
		}
		for _, id := range p.Pending {
			add(inPending, id)
		}
	}
	for _, u := range st.Unmatched {
		add(inUnmatched, u.ID)
	}
	for w := range at {
		radix.Sort(at[w])
		at[w] = slices.Compact(at[w])
	}
	return at
}

// checkNamed fails a for every id st names that is not a record given.
func (l *Ledger) checkNamed(st *Settlement, at *[nPlaces][]uint64, a *auditProblems) {
	names := map[uint64]string{} // ids of the places, found again only for messages
	for w := range at {
		k := 0
		for _, h := range at[w] {
			for k < len(l.known) && l.known[k] < h {
				k++
			}
			if k == len(l.known) || l.known[k] != h {
				names[h] = ""
			}
		}
	}
	if len(names) == 0 {
		return
	}
	l.name(st, names)
	ids := make([]string, 0, len(names))
	for _, id := range names {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a.fail("the settlement names %s, which is not a record that was given", volume.Quote(id))
	}
}

// checkOnce fails a for every record of the period that is not in
// exactly one place of at (a visit cut at the cap or for staff is in its
// lines and unpaid both, and counts as in its lines).
func (l *Ledger) checkOnce(at *[nPlaces][]uint64, a *auditProblems) {
	req := make([]uint64, 0, len(l.reqEnd))
	from := uint32(0)
	for _, end := range l.reqEnd {
		req = append(req, maphash.Bytes(l.seed, l.required[from:end]))
		from = end
	}
	radix.Sort(req)
	req = slices.Compact(req)
	var pos [nPlaces]int
	bad := map[uint64]string{}
	for _, h := range req {
		var w uint8
		for p := range at {
			list := at[p]
			for pos[p] < len(list) && list[pos[p]] < h {
				pos[p]++
			}
			if pos[p] < len(list) && list[pos[p]] == h {
				w |= 1 << p
			}
		}
		if w&(1<<inPartial) != 0 {
			w &^= 1 << inPartial
			if w&(1<<inLines) == 0 {
				w |= 1 << inUnpaid
			}
		}
		if w == 0 || w&(w-1) != 0 {
			bad[h] = places(w)
		}
	}
	from = 0
	for _, end := range l.reqEnd {
		if len(bad) == 0 {
			return
		}
		id := l.required[from:end]
		from = end
		h := maphash.Bytes(l.seed, id)
		if where, ok := bad[h]; ok {
			delete(bad, h)
			if where == "" {
				a.fail("record %s of the period is not accounted for", volume.Quote(string(id)))
			} else {
				a.fail("record %s is accounted for in more than one place (%s)", volume.Quote(string(id)), where)
			}
		}
	}
}

// name fills in the ids of the hashes in names from the settlement.
func (l *Ledger) name(st *Settlement, names map[uint64]string) {
	note := func(id string) {
		if _, ok := names[l.hash(id)]; ok {
			names[l.hash(id)] = id
		}
	}
	for _, p := range st.Providers {
		for _, ln := range p.Lines {
			for _, id := range ln.Reports {
				note(id)
			}
		}
		for _, u := range p.Unpaid {
			note(u.ID)
		}
		for _, id := range p.Pending {
			note(id)
		}
	}
	for _, u := range st.Unmatched {
		note(u.ID)
	}
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

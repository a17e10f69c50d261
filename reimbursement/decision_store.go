package reimbursement

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// A decisionStore holds the checked decisions of a streamed month without
// pointers: their strings one after another in one text, the rest in
// records. A month's 250 000 decisions as []Decision are some three
// million pointers, which the garbage collector would trace on each of
// its cycles (37 ms each on one core); in a store they are three objects.
type decisionStore struct {
	text    string
	recs    []storedDecision
	granted map[int32]decimal.Decimal // GrantedHours whose coefficient is beyond int64
}

// A storedDecision is a Decision whose strings are text[off:], their
// lengths in n, in the order of decisionStrings.
type storedDecision struct {
	off      int
	n        [decisionStrings]int
	from, to volume.Date
	coef     int64 // GrantedHours is coef × 10^exp
	exp      int32
	per      Per
	staff    int
}

// decisionStrings is how many strings a Decision has: ID, Recipient,
// Provider, Service, Level, Extent, Area and EndReason.
const decisionStrings = 8

func decisionStringsOf(d *Decision) [decisionStrings]*string {
	return [...]*string{&d.ID, &d.Recipient, &d.Provider, &d.Service, &d.Level, &d.Extent, &d.Area, &d.EndReason}
}

// newDecisionStore stores decisions, which must be valid (Invalid nil).
func newDecisionStore(decisions []Decision) *decisionStore {
	size := 0
	for i := range decisions {
		for _, s := range decisionStringsOf(&decisions[i]) {
			size += len(*s)
		}
	}
	var text strings.Builder
	text.Grow(size)
	st := &decisionStore{recs: make([]storedDecision, len(decisions))}
	for i := range decisions {
		d := &decisions[i]
		r := &st.recs[i]
		r.off = text.Len()
		for k, s := range decisionStringsOf(d) {
			r.n[k] = len(*s)
			text.WriteString(*s)
		}
		r.from, r.to, r.per, r.staff = d.From, d.To, d.GrantedPer, d.Staff
		r.exp = d.GrantedHours.Exponent()
		if c := d.GrantedHours.Coefficient(); c.IsInt64() {
			r.coef = c.Int64()
		} else {
			if st.granted == nil {
				st.granted = map[int32]decimal.Decimal{}
			}
			st.granted[int32(i)] = d.GrantedHours
		}
	}
	st.text = text.String()
	return st
}

// len returns the number of decisions.
func (st *decisionStore) len() int { return len(st.recs) }

// recipient returns the recipient of decision i.
func (st *decisionStore) recipient(i int) string {
	r := &st.recs[i]
	from := r.off + r.n[0]
	return st.text[from : from+r.n[1]]
}

// decision returns decision i as it was stored.
func (st *decisionStore) decision(i int) Decision {
	r := &st.recs[i]
	d := Decision{From: r.from, To: r.to, GrantedPer: r.per, Staff: r.staff}
	at := r.off
	for k, s := range decisionStringsOf(&d) {
		*s = st.text[at : at+r.n[k]]
		at += r.n[k]
	}
	if g, ok := st.granted[int32(i)]; ok {
		d.GrantedHours = g
	} else {
		d.GrantedHours = decimal.New(r.coef, r.exp)
	}
	return d
}

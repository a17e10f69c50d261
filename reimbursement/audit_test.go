package reimbursement_test

import (
	"strings"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// TestAuditCatches: the ledger finds a record left out, one listed twice,
// one that was never given, and a line whose arithmetic is off.
func TestAuditCatches(t *testing.T) {
	in := march()
	opt := reimbursement.Options{Location: rt.Stockholm()}
	ledger := func() *reimbursement.Ledger {
		l, err := reimbursement.NewLedger(volume.MustParsePeriod("2026-03"), opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range in.Reports {
			l.AddReport(r)
		}
		for _, a := range in.Absences {
			l.AddAbsence(a)
		}
		for _, a := range in.Adjustments {
			l.AddAdjustment(a)
		}
		return l
	}
	good := rt.Settle(t, testby(t), "2026-03", in)
	if err := ledger().Check(good); err != nil {
		t.Fatalf("a good settlement fails its audit: %v", err)
	}
	st := rt.Settle(t, testby(t), "2026-03", in)
	p1, _ := st.Provider("P1")
	p1.Pending = append(p1.Pending, "T1")                                // T1 is paid too
	p1.Unpaid = p1.Unpaid[1:]                                            // C2 left out
	st.Unmatched = append(st.Unmatched, reimbursement.Unpaid{ID: "ZZ9"}) // never given
	p1.Lines[3].Amount = p1.Lines[3].Amount.Add(mustDecimal("0.01"))
	err := ledger().Check(st)
	if err == nil {
		t.Fatal("a spoiled settlement passes its audit")
	}
	for _, want := range []string{`"C2" of the period is not accounted for`, `"T1" is accounted for in more than one place (lines, pending)`,
		`names "ZZ9", which is not a record`, "amount", "total"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("audit does not say %q:\n%v", want, err)
		}
	}
}

package reimbursement_test

import (
	"errors"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

func TestCorrection(t *testing.T) {
	tariff := testby(t)
	in := reimbursement.Input{
		Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01.."), rt.Decision("D2 R2 P1 HT 2026-03-01.. 10/month")},
		Reports: rt.Reports(
			"T1 R1 P1 LEDS 2026-03-03T10:00 11:00",
			"T2 R1 P1 LEDS 2026-03-04T20:00 21:00 pending",
			"V1 R2 P1 HT 2026-03-02T08:00 09:00",
		),
	}
	old := rt.Settle(t, tariff, "2026-03", in)

	// T2 is approved late; V1 was reported on the wrong recipient and is withdrawn.
	in.Reports = rt.Reports(
		"T1 R1 P1 LEDS 2026-03-03T10:00 11:00",
		"T2 R1 P1 LEDS 2026-03-04T20:00 21:00",
		"T3 R1 P1 LEDS 2026-03-05T10:00 10:30",
	)
	current := rt.Settle(t, tariff, "2026-03", in)
	corr, err := reimbursement.Correct(old, current)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "correction lines", []L{
		{"", "markup:momskompensation", "", "-600", "0.06", "-36.00", ""}, // the HT markup goes with V1
		{"D1", "base", "dag", "30", "1", "225.00", "T1,T3"},               // T3: 30 × 450 / 60
		{"D1", "base", "kvall", "60", "1", "450.00", "T2"},                // T2, new key
		{"D2", "base", "dag", "-60", "1", "-600.00", "V1"},                // only in the old: negated
	}, linesOf(corr, "P1"))
	diff(t, "total", "39.00", corr.Total.StringFixed(2))
	if corr.CorrectionOf == nil || corr.CorrectionOf.Total.StringFixed(2) != "1086.00" {
		t.Errorf("correction_of = %+v, want the old total 1086.00", corr.CorrectionOf)
	}
	p, _ := corr.Provider("P1")
	if len(p.Pending) != 0 {
		t.Errorf("the correction carries the new run's pending, got %v", p.Pending)
	}
	if _, err := reimbursement.Correct(old, rt.Settle(t, tariff, "2026-04", in)); !errors.Is(err, reimbursement.ErrPeriodMismatch) {
		t.Errorf("Correct across periods: err = %v", err)
	}
}

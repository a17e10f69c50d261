package reimbursement_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

// TestQuoteNewRules: Quote prices the rules of start payment, shared
// visits and per-unit markups as a settlement does, worked by hand.
func TestQuoteNewRules(t *testing.T) {
	start, err := reimbursement.ParseTariff([]byte(startTariff), "tariff.json")
	require.NoError(t, err)
	perUnit, err := reimbursement.ParseTariff([]byte(perUnitTariff), "tariff.json")
	require.NoError(t, err)
	tests := []struct {
		name     string
		tariff   *reimbursement.Tariff
		decision string
		reports  []string
		lines    []L
		total    string
	}{{
		name:     "start payment: a new decision from March 10, 240 min at 600.00/h",
		tariff:   start,
		decision: "D1 R1 P1 HT 2026-03-10.. 31/month",
		reports:  []string{"T1 R1 P1 HT 2026-03-11T08:00 09:00"},
		lines:    []L{{"D1", "base", "dag", "60", "1", "600.00", "T1"}, {"D1", "start", "dag", "240", "1", "2400.00", "D1"}},
		total:    "3000.00",
	}, {
		name:     "shared visit: R1's first half of an hour shared with R2",
		tariff:   start,
		decision: "D1 R1 P1 HT 2026-01-01.. 31/month",
		reports:  []string{"S1 R1 P1 HT 2026-03-11T08:00 09:00 shared=H1", "S2 R2 P1 HT 2026-03-11T08:00 09:00 shared=H1"},
		lines:    []L{{"D1", "base", "dag", "30", "1", "300.00", "S1"}},
		total:    "300.00",
	}, {
		name:     "per-unit markup: landsbygd 60 min × 8.00/h, and -1 % of 600.00",
		tariff:   perUnit,
		decision: "D1 R1 P1 HT 2026-03-01.. 100/month area=landsbygd",
		reports:  []string{"V1 R1 P1 HT 2026-03-12T08:00 09:00"},
		lines: []L{{"", "markup:moms", "", "60", "1", "8.00", ""}, {"", "markup:overhead", "", "600", "-0.01", "-6.00", ""},
			{"D1", "base", "dag", "60", "1", "600.00", "V1"}},
		total: "602.00",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := reimbursement.Quote(tt.tariff, reimbursement.QuoteRequest{Regime: reimbursement.Private,
				Decision: rt.Decision(tt.decision), Reports: rt.Reports(tt.reports...)}, reimbursement.Options{Location: rt.Stockholm()})
			require.NoError(t, err)
			st := &reimbursement.Settlement{Providers: []reimbursement.ProviderSettlement{q}}
			diff(t, "lines", tt.lines, linesOf(st, q.Provider))
			diff(t, "total", tt.total, q.Total.StringFixed(2))
		})
	}
}

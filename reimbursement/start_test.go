package reimbursement_test

import (
	"bytes"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// startTariff is Solna's start payment (4 hours for a new omsorg
// customer) on a capped hour service, at 600 kr an hour until March 15
// and 612 kr from the 16th; HTX has a start payment and no rates.
const startTariff = `{"name": "start", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
  "default_band": "dag",
  "services": [
    {"code": "HT", "unit": "hour", "basis": "capped", "start": {"minutes": 240}},
    {"code": "LEDS", "unit": "hour"},
    {"code": "HTX", "unit": "hour", "start": {"minutes": 240, "gap_days": 30}}
  ],
  "rates": [
    {"service": "HT", "band": "dag", "from": "2026-01-01", "to": "2026-03-15", "price": "600.00"},
    {"service": "HT", "band": "dag", "from": "2026-03-16", "price": "612.00"},
    {"service": "LEDS", "band": "dag", "from": "2026-01-01", "price": "500.00"}
  ]}`

// TestStartPayment: rules §5 step 7, worked by hand. A new decision from
// March 10 pays 240 minutes at the rate of March 10 (600 kr/h: 2 400.00),
// unless the recipient's decision of the service with the provider ended
// 1 to 90 days before (March 9 … 2025-12-10); ended 91 days before, or
// with another provider, or of another service, it does not block. The
// start payment is outside the cap.
func TestStartPayment(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(startTariff), "tariff.json")
	require.NoError(t, err)
	providers := rt.Providers("P1 private", "P2 private")
	tests := []struct {
		name      string
		decisions []string
		reports   []string
		lines     []L
		unpaid    []U
		gaps      []string // the ids of tariff-gap issues
	}{{
		name:      "ended 91 days before: a new customer",
		decisions: []string{"D1 R1 P1 HT 2025-10-01..2025-12-09 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
		lines:     []L{{"D2", "start", "dag", "240", "1", "2400.00", "D2"}}, // 240 × 600 / 60
	}, {
		name:      "ended 90 days before: blocked",
		decisions: []string{"D1 R1 P1 HT 2025-10-01..2025-12-10 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
	}, {
		name:      "ended 89 days before: blocked",
		decisions: []string{"D1 R1 P1 HT 2025-10-01..2025-12-11 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
	}, {
		name:      "ended the day before: blocked",
		decisions: []string{"D1 R1 P1 HT 2026-01-01..2026-03-09 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
	}, {
		name:      "ended 10 days before with another provider",
		decisions: []string{"D1 R1 P2 HT 2026-01-01..2026-02-28 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
		lines:     []L{{"D2", "start", "dag", "240", "1", "2400.00", "D2"}},
	}, {
		name:      "ended 10 days before, another service",
		decisions: []string{"D1 R1 P1 LEDS 2026-01-01..2026-02-28 31/month", "D2 R1 P1 HT 2026-03-10.. 31/month"},
		lines:     []L{{"D2", "start", "dag", "240", "1", "2400.00", "D2"}},
	}, {
		name:      "from date in an earlier month: no start in March",
		decisions: []string{"D2 R1 P1 HT 2026-02-20.. 31/month"},
	}, {
		name:      "the rate of the from date: 612 kr/h from the 16th",
		decisions: []string{"D3 R2 P1 HT 2026-03-20.. 31/month"},
		lines:     []L{{"D3", "start", "dag", "240", "1", "2448.00", "D3"}}, // 240 × 612 / 60
	}, {
		name: "outside the cap: visits fill it, the start is paid besides",
		// cap = 31 × 60 × 22 / 31 = 1320 minutes (March 10–31); V1 600 + V2 780 = 1380
		decisions: []string{"D2 R1 P1 HT 2026-03-10.. 31/month"},
		reports:   []string{"V1 R1 P1 HT 2026-03-11T08:00 18:00", "V2 R1 P1 HT 2026-03-12T08:00 21:00"},
		lines: []L{
			{"D2", "base", "dag", "1320", "1", "13200.00", "V1,V2"}, // 1320 × 600 / 60
			{"D2", "start", "dag", "240", "1", "2400.00", "D2"},
		},
		unpaid: []U{{"V2", "over-granted", "60"}},
	}, {
		name:      "no rate row on the from date: not paid, and a tariff gap",
		decisions: []string{"D4 R3 P1 HTX 2026-03-05.. 31/month"},
		unpaid:    []U{{"D4", "no-rate", "240"}},
		gaps:      []string{"D4"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var decisions []reimbursement.Decision
			for _, d := range tt.decisions {
				decisions = append(decisions, rt.Decision(d))
			}
			st := rt.Settle(t, tariff, "2026-03", reimbursement.Input{Providers: providers, Decisions: decisions,
				Reports: rt.Reports(tt.reports...)})
			diff(t, "lines", tt.lines, linesOf(st, "P1"))
			diff(t, "unpaid", tt.unpaid, providerUnpaid(st, "P1"))
			var gaps []string
			for _, is := range st.Issues {
				if is.Kind == reimbursement.IssueTariffGap {
					gaps = append(gaps, is.IDs...)
				}
			}
			diff(t, "tariff gaps", tt.gaps, gaps)
		})
	}
}

// TestStartPaymentTariff: a start payment is for hour services only, and
// must say its minutes.
func TestStartPaymentTariff(t *testing.T) {
	for name, service := range map[string]string{
		"services[0].start":         `{"code": "D", "unit": "day", "start": {"minutes": 240}}`,
		"services[0].start.minutes": `{"code": "H", "unit": "hour", "start": {"gap_days": 30}}`,
	} {
		_, err := reimbursement.ParseTariff([]byte(`{"name": "x", `+bandsOK+`, "services": [`+service+`], "rates": []}`), "tariff.json")
		require.ErrorContains(t, err, name)
	}
}

// TestStartPaymentInParts: start payments, blocked or not by earlier
// decisions, settle in parts to the bytes of the whole month, in every
// format: a recipient's earlier decisions are in its part.
func TestStartPaymentInParts(t *testing.T) {
	var decisions, reports bytes.Buffer
	decisions.WriteString("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n")
	reports.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	for r := range 60 {
		// Earlier decisions ending 95 − r days before March 10: blocking
		// from r = 5 on.
		to := volume.MustParseDate("2026-03-10").AddDays(-(95 - r))
		fmt.Fprintf(&decisions, "E%d,R%02d,P1,HT,2025-06-01,%s,31,month,,,,,\n", r, r, to)
		fmt.Fprintf(&decisions, "D%d,R%02d,P1,HT,2026-03-10,,31,month,,,,,\n", r, r)
		fmt.Fprintf(&reports, "V%d,R%02d,P1,HT,2026-03-11T08:00,2026-03-11T09:00,1,visit,approved\n", r, r)
	}
	fsys := fstest.MapFS{
		"tariff.json":   {Data: []byte(startTariff)},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: decisions.Bytes()},
		"reports.csv":   {Data: reports.Bytes()},
	}
	require.Greater(t, checkStreamed(t, "start payments", fsys, volume.MustParsePeriod("2026-03")), 1)
	st, _, err := reimbursement.SettleFS(fsys, volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	starts := 0
	for _, l := range st.Providers[0].Lines {
		if l.Component == "start" {
			starts++
		}
	}
	require.Equal(t, 5, starts) // gaps of 95 … 91 days
}

package reimbursement_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"testing/fstest"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
	"github.com/stretchr/testify/require"
)

// TestSharedVisits: rules §5 step 1, worked by hand on the testby tariff
// (HT capped, rounded up to 5 minutes; dag 07–19 at 600 kr/h, kväll 19–22
// at 720; momskompensation 6 % for the private P1).
func TestSharedVisits(t *testing.T) {
	tests := []struct {
		name      string
		decisions []string
		reports   []string
		lines     []L
		unpaid    []U
	}{{
		name: "across 19:00 for two recipients with different caps",
		// 18:30–19:40 is 70 minutes, two parts of 35: R1 18:30–19:05 (dag
		// 30, kväll 5), R2 19:05–19:40 (kväll 35), cut at R2's cap of
		// 0.5 h a month, 30 minutes.
		decisions: []string{"D1 R1 P1 HT 2026-03-01.. 100/month", "D2 R2 P1 HT 2026-03-01.. 0.5/month"},
		reports: []string{
			"S1b R2 P1 HT 2026-03-10T18:30 19:40 shared=S1",
			"S1a R1 P1 HT 2026-03-10T18:30 19:40 shared=S1",
		},
		lines: []L{
			{"", "markup:momskompensation", "", "720", "0.06", "43.20", ""}, // 6 % of 300 + 60 + 360
			{"D1", "base", "dag", "30", "1", "300.00", "S1a"},               // 30 × 600 / 60
			{"D1", "base", "kvall", "5", "1", "60.00", "S1a"},               // 5 × 720 / 60
			{"D2", "base", "kvall", "30", "1", "360.00", "S1b"},             // 30 × 720 / 60
		},
		unpaid: []U{{"S1b", "over-granted", "5"}},
	}, {
		name: "one row rejected: it still counts in n; overlap is judged on the parts",
		// 10:00–11:00 in three parts of 20; R1's own visit 10:25–10:45
		// does not overlap its part 10:00–10:20.
		decisions: []string{"D1 R1 P1 HT 2026-03-01.. 100/month", "D2 R2 P1 HT 2026-03-01.. 100/month", "D3 R3 P1 HT 2026-03-01.. 100/month"},
		reports: []string{
			"T1 R1 P1 HT 2026-03-11T10:00 11:00 shared=S2",
			"T2 R2 P1 HT 2026-03-11T10:00 11:00 shared=S2",
			"T3 R3 P1 HT 2026-03-11T10:00 11:00 shared=S2 rejected",
			"T7 R1 P1 HT 2026-03-11T10:25 10:45",
		},
		lines: []L{
			{"", "markup:momskompensation", "", "600", "0.06", "36.00", ""},
			{"D1", "base", "dag", "40", "1", "400.00", "T1,T7"}, // (20 + 20) × 600 / 60
			{"D2", "base", "dag", "20", "1", "200.00", "T2"},
		},
		unpaid: []U{{"T3", "not-approved", "20"}}, // its part × its staff
	}, {
		name: "parts are not rounded again",
		// 10:00–11:10 is 70 minutes: parts 23, 23 and 24 (not 25, 25, 25).
		decisions: []string{"D1 R1 P1 HT 2026-03-01.. 100/month", "D2 R2 P1 HT 2026-03-01.. 100/month", "D3 R3 P1 HT 2026-03-01.. 100/month"},
		reports: []string{
			"T1 R1 P1 HT 2026-03-12T10:00 11:10 shared=S4",
			"T2 R2 P1 HT 2026-03-12T10:00 11:10 shared=S4",
			"T3 R3 P1 HT 2026-03-12T10:00 11:10 shared=S4",
		},
		lines: []L{
			{"", "markup:momskompensation", "", "700", "0.06", "42.00", ""},
			{"D1", "base", "dag", "23", "1", "230.00", "T1"},
			{"D2", "base", "dag", "23", "1", "230.00", "T2"},
			{"D3", "base", "dag", "24", "1", "240.00", "T3"},
		},
	}, {
		name:      "rows that do not agree are not paid; a reason of §2 comes first",
		decisions: []string{"D1 R1 P1 HT 2026-03-01.. 100/month", "D2 R2 P1 HT 2026-03-01.. 100/month", "D3 R3 P1 HT 2026-03-01.. 100/month"},
		reports: []string{
			"T4 R1 P1 HT 2026-03-13T10:00 11:00 shared=S3",
			"T5 R2 P1 HT 2026-03-13T10:00 11:30 shared=S3",
			"T6 R3 P1 HT 2026-03-13T12:00 13:00 shared=S3 rejected",
		},
		unpaid: []U{{"T4", "shared-mismatch", "60"}, {"T5", "shared-mismatch", "90"}, {"T6", "not-approved", "60"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var decisions []reimbursement.Decision
			for _, d := range tt.decisions {
				decisions = append(decisions, rt.Decision(d))
			}
			st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders, Decisions: decisions,
				Reports: rt.Reports(tt.reports...)})
			diff(t, "lines", tt.lines, linesOf(st, "P1"))
			diff(t, "unpaid", tt.unpaid, providerUnpaid(st, "P1"))
		})
	}
}

// TestSharedVisitsInParts: shared visits whose rows name recipients far
// apart (in different parts of the recipients) settle in parts to the
// bytes of the whole month, in every format: each part is given the rows
// of the others.
func TestSharedVisitsInParts(t *testing.T) {
	tariff, err := os.ReadFile("testdata/testby/tariff.json")
	require.NoError(t, err)
	var decisions, reports bytes.Buffer
	decisions.WriteString("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n")
	reports.WriteString("id,recipient,provider,service,start,end,staff,kind,status,shared\n")
	for r := range 80 {
		fmt.Fprintf(&decisions, "D%d,R%02d,P1,HT,2026-03-01,,%d,month,,,,,\n", r, r, 1+r%5)
		// R00 shares a visit of 50 minutes across 19:00 with R01, R10
		// with R11, …, and R05 with R75, far apart; one row now and then
		// rejected.
		status := "approved"
		if r%7 == 3 {
			status = "rejected"
		}
		shared := ""
		switch {
		case r%10 < 2:
			shared = fmt.Sprint("S", r/10)
		case r == 5 || r == 75:
			shared = "SFAR"
		}
		if shared != "" {
			fmt.Fprintf(&reports, "V%d,R%02d,P1,HT,2026-03-20T18:40,2026-03-20T19:30,1,visit,%s,%s\n", r, r, status, shared)
		}
		fmt.Fprintf(&reports, "W%d,R%02d,P1,HT,2026-03-%02dT10:00,2026-03-%02dT11:00,1,visit,approved,\n", r, r, 1+r%28, 1+r%28)
	}
	// V5 read twice (an identical copy: one row of SFAR, two in all);
	// R25's and R65's rows of SMIS disagree on the start; R35's copy of
	// V35 in SDUP differs from it (both duplicate-id, both in its count).
	reports.WriteString("V5,R05,P1,HT,2026-03-20T18:40,2026-03-20T19:30,1,visit,approved,SFAR\n" +
		"M25,R25,P1,HT,2026-03-21T18:40,2026-03-21T19:30,1,visit,approved,SMIS\n" +
		"M65,R65,P1,HT,2026-03-21T18:45,2026-03-21T19:30,1,visit,approved,SMIS\n" +
		"V35,R35,P1,HT,2026-03-22T18:40,2026-03-22T19:30,1,visit,approved,SDUP\n" +
		"V35,R35,P1,HT,2026-03-22T18:40,2026-03-22T19:30,2,visit,approved,SDUP\n" +
		"V45,R45,P1,HT,2026-03-22T18:40,2026-03-22T19:30,1,visit,approved,SDUP\n" +
		"V79,R79,P1,HT,2026-03-22T18:40,2026-03-22T19:30,1,visit,approved,SDUP\n")
	fsys := fstest.MapFS{
		"tariff.json":   {Data: tariff},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: decisions.Bytes()},
		"reports.csv":   {Data: reports.Bytes()},
	}
	// A part a recipient or so: shared visits do not join the parts of
	// their recipients, each part is given the others' rows.
	require.Greater(t, checkStreamed(t, "shared visits", fsys, volume.MustParsePeriod("2026-03")), 40)
	st, _, err := reimbursement.SettleFS(fsys, volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	var mismatch []string
	for _, u := range st.Providers[0].Unpaid {
		if u.Reason == reimbursement.ReasonSharedMismatch {
			mismatch = append(mismatch, u.ID)
		}
	}
	require.Equal(t, []string{"M25", "M65"}, mismatch)
}

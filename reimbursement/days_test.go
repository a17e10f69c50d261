package reimbursement_test

import (
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// The amounts below are worked out by hand from rules.md §6-7 and the rates
// of testdata/dagby/tariff.json.
func TestDayServices(t *testing.T) {
	tests := []struct {
		name      string
		period    string
		decisions []string
		absences  []string
		lines     []L
	}{{
		name:      "death on the last day of a month: stay days in January",
		period:    "2026-01",
		decisions: []string{"D1 R1 P1 SABO 2026-01-15..2026-01-31 level=demens end=deceased"},
		lines: []L{
			{"D1", "base", "", "17", "1", "42075.00", ""},    // 15-31 January, both ends: 17 × 2475
			{"D1", "premises", "", "17", "1", "2890.00", ""}, // 17 × 170
		},
	}, {
		name:      "death on the last day of a month: after_end days in February",
		period:    "2026-02",
		decisions: []string{"D1 R1 P1 SABO 2026-01-15..2026-01-31 level=demens end=deceased"},
		lines: []L{
			{"D1", "premises", "", "7", "1", "1190.00", ""}, // 1-7 February: 7 × 170
			{"D1", "vacancy", "", "7", "1", "11263.00", ""}, // 7 × 1609
		},
	}, {
		name:      "move-in on the first",
		period:    "2026-03",
		decisions: []string{"D2 R2 P1 SABO 2026-03-01.. level=somatik"},
		lines: []L{
			{"D2", "base", "", "31", "1", "72199.00", ""},
			{"D2", "premises", "", "31", "1", "5270.00", ""},
		},
	}, {
		name:      "hospital stay into the next month: March",
		period:    "2026-03",
		decisions: []string{"D3 R3 P1 SABO 2026-01-01.. level=somatik"},
		absences:  []string{"A1 R3 SABO 2026-03-25..2026-04-12 hospital"},
		lines: []L{
			{"D3", "base", "", "7", "0.5", "8151.50", "A1"},    // 25-31 March are days 1-7: 7 × 2329 × 50 %
			{"D3", "base", "", "24", "1", "55896.00", ""},      // 1-24 March: 24 × 2329
			{"D3", "premises", "", "7", "0.5", "595.00", "A1"}, // 7 × 170 × 50 %
			{"D3", "premises", "", "24", "1", "4080.00", ""},   // 24 × 170
		},
	}, {
		name:      "hospital stay into the next month: April, new rates",
		period:    "2026-04",
		decisions: []string{"D3 R3 P1 SABO 2026-01-01.. level=somatik"},
		absences:  []string{"A1 R3 SABO 2026-03-25..2026-04-12 hospital"},
		lines: []L{
			{"D3", "base", "", "7", "0.5", "8400.00", "A1"},    // 1-7 April are days 8-14: 7 × 2400 × 50 %
			{"D3", "base", "", "23", "1", "55200.00", ""},      // days 15-19 (8-12 April) at 100 %, and 13-30 April: 23 × 2400
			{"D3", "premises", "", "7", "0.5", "595.00", "A1"}, // 7 × 170 × 50 %
			{"D3", "premises", "", "23", "1", "3910.00", ""},   // 23 × 170
		},
	}, {
		name:      "a decision that ended last month pays its after_end days",
		period:    "2026-03",
		decisions: []string{"D4 R4 P1 SABO 2026-01-01..2026-02-26 level=demens end=moved"},
		lines: []L{
			{"D4", "premises", "", "5", "1", "850.00", ""}, // 27 Feb - 5 Mar; 1-5 March here: 5 × 170
			{"D4", "vacancy", "", "5", "1", "8045.00", ""}, // 5 × 1609
		},
	}, {
		name:      "no after_end days for other end reasons",
		period:    "2026-03",
		decisions: []string{"D5 R5 P1 SABO 2026-01-01..2026-03-03 level=demens end=other"},
		lines: []L{
			{"D5", "base", "", "3", "1", "7425.00", ""},
			{"D5", "premises", "", "3", "1", "510.00", ""},
		},
	}, {
		name:      "korttid without the last day, across a rate change",
		period:    "2026-03",
		decisions: []string{"D6 R6 P2 KORT 2026-03-10..2026-03-14"},
		lines: []L{
			{"D6", "base", "", "2", "1", "3000.00", ""}, // 10-11 March at 1500
			{"D6", "base", "", "2", "1", "3120.00", ""}, // 12-13 March at 1560; the 14th, the day of leaving, is not paid
		},
	}, {
		name:      "absence at 0 % removes stay days",
		period:    "2026-03",
		decisions: []string{"D7 R7 P2 KORT 2026-03-10..2026-03-20"},
		absences:  []string{"A7 R7 KORT 2026-03-12..2026-03-13 hospital"},
		lines: []L{
			{"D7", "base", "", "2", "1", "3000.00", ""}, // the 10th and 11th at 1500,
			{"D7", "base", "", "6", "1", "9360.00", ""}, // the 14th-19th at 1560
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := reimbursement.Input{Providers: rt.Providers("P1 private", "P2 municipal")}
			for _, d := range tt.decisions {
				in.Decisions = append(in.Decisions, rt.Decision(d))
			}
			for _, a := range tt.absences {
				in.Absences = append(in.Absences, rt.Absence(a))
			}
			st := rt.Settle(t, dagby(t), tt.period, in)
			got := linesOf(st, "P1")
			if got == nil {
				got = linesOf(st, "P2")
			}
			diff(t, "lines", tt.lines, got)
			for _, p := range rt.Arithmetic(st) {
				t.Error(p)
			}
		})
	}
}

func TestPresenceServices(t *testing.T) {
	st := rt.Settle(t, dagby(t), "2026-03", reimbursement.Input{
		Providers: rt.Providers("P1 private", "P2 municipal"),
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 DV 2026-03-01.. extent=heltid"),
			rt.Decision("D2 R2 P2 KTD 2026-03-01.. extent=helt"),
		},
		Presence: []volume.Presence{
			rt.Presence("N1 R1 P1 DV 2026-03-02"),
			rt.Presence("N2 R1 P1 DV 2026-03-03 extent=halvtid"),
			rt.Presence("N3 R1 P1 DV 2026-03-03"),
			rt.Presence("N4 R1 P1 DV 2026-03-04 pending"),
			rt.Presence("N5 R1 P1 DV 2026-03-05 rejected"),
			rt.Presence("N6 R8 P1 DV 2026-03-05"),
			rt.Presence("N7 R1 P1 DV 2026-04-01"),
			rt.Presence("K1 R2 P2 KTD 2026-03-06"),
			rt.Presence("K2 R2 P2 KTD 2026-03-07 extent=halvt"),
			rt.Presence("K3 R2 P2 KTD 2026-03-08"),
		},
	})
	diff(t, "P1 lines", []L{
		{"", "markup:momskompensation", "", "680", "0.06", "40.80", ""},
		{"D1", "base", "", "1", "1", "260.00", "N2"}, // halvtid by the presence's extent
		{"D1", "base", "", "1", "1", "420.00", "N1"}, // heltid by the decision's
	}, linesOf(st, "P1"))
	diff(t, "P1 unpaid", []U{{"N3", "duplicate-date", "1"}, {"N5", "not-approved", "1"}}, providerUnpaid(st, "P1"))
	p1, _ := st.Provider("P1")
	diff(t, "P1 pending", []string{"N4"}, p1.Pending)
	diff(t, "unmatched", []U{{"N6", "no-decision", "1"}}, unpaidOf(st.Unmatched))
	diff(t, "P2 lines", []L{
		{"D2", "base", "", "1", "1", "900.00", "K2"},
		{"D2", "base", "", "2", "1", "3600.00", "K1,K3"},
	}, linesOf(st, "P2"))
}

func TestDayWithoutRate(t *testing.T) {
	st := rt.Settle(t, dagby(t), "2026-03", reimbursement.Input{
		Providers: rt.Providers("P1 private"),
		Decisions: []reimbursement.Decision{rt.Decision("D8 R8 P1 SABO 2026-03-01..2026-03-10 level=okand")},
	})
	diff(t, "lines", []L{{"D8", "premises", "", "10", "1", "1700.00", ""}}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"D8", "no-rate", "10"}}, providerUnpaid(st, "P1"))
	if len(st.Issues) != 1 || st.Issues[0].Kind != "tariff-gap" {
		t.Errorf("issues = %+v, want a tariff-gap", st.Issues)
	}
}

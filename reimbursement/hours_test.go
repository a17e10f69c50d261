package reimbursement_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// The amounts in these tests are worked out by hand from rules.md and the
// rates of testdata/testby/tariff.json; the comments show the sums.

func TestBandsAcrossTheWeek(t *testing.T) {
	in := reimbursement.Input{
		Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")},
		Reports: rt.Reports(
			"T1 R1 P1 LEDS 2026-03-03T18:00 20:30",            // Tue: dag 60, kvall 90
			"T2 R1 P1 LEDS 2026-03-06T18:30 19:30",            // Fri: dag 30, helg 30 (helg from Fri 19:00)
			"T3 R1 P1 LEDS 2026-03-10T21:00 23:30",            // Tue: kvall 60, natt 90 (wraps at midnight)
			"T4 R1 P1 LEDS 2026-03-28T23:00 2026-03-29T04:00", // DST night: 240 real minutes, natt
			"T5 R1 P1 LEDS 2026-03-12T06:00 08:00",            // natt 60 (the day after's morning), dag 60
		),
	}
	st := rt.Settle(t, testby(t), "2026-03", in)
	diff(t, "lines", []L{
		{"D1", "base", "dag", "150", "1", "1125.00", "T1,T2,T5"},  // 150 × 450 / 60
		{"D1", "base", "helg", "30", "1", "225.00", "T2"},         // 30 × 450 / 60
		{"D1", "base", "kvall", "150", "1", "1125.00", "T1,T3"},   // 150 × 450 / 60
		{"D1", "base", "natt", "390", "1", "3250.00", "T3,T4,T5"}, // 390 × 500 / 60 (the natt row is more specific)
	}, linesOf(st, "P1"))
	diff(t, "total", "5725.00", st.Total.StringFixed(2))
}

func TestHolidaysAndDateSets(t *testing.T) {
	dec := []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")}
	t.Run("easter", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-04", reimbursement.Input{Providers: testbyProviders, Decisions: dec,
			Reports: rt.Reports(
				"T1 R1 P1 LEDS 2026-04-03T10:00 11:00", // långfredagen
				"T2 R1 P1 LEDS 2026-04-06T10:00 12:00", // annandag påsk
				"T3 R1 P1 LEDS 2026-04-07T10:00 11:00", // an ordinary Tuesday
			)})
		diff(t, "lines", []L{
			{"D1", "base", "dag", "60", "1", "450.00", "T3"},
			{"D1", "base", "helg", "180", "1", "1350.00", "T1,T2"},
		}, linesOf(st, "P1"))
	})
	t.Run("julafton", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-12", reimbursement.Input{Providers: testbyProviders, Decisions: dec,
			Reports: rt.Reports(
				"T1 R1 P1 LEDS 2026-12-24T10:00 11:00",            // storhelg by date set
				"T2 R1 P1 LEDS 2026-12-23T22:30 2026-12-24T00:30", // natt 90, then storhelg 30: storhelg comes first
			)})
		diff(t, "lines", []L{
			{"D1", "base", "natt", "90", "1", "750.00", "T2"},
			{"D1", "base", "storhelg", "90", "1", "675.00", "T1,T2"},
		}, linesOf(st, "P1"))
	})
}

// TestOffsetChoosesThePeriod: a time written with an offset belongs to
// the period of its local date, not of the date written.
func TestOffsetChoosesThePeriod(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")},
		Reports: rt.Reports(
			"T1 R1 P1 LEDS 2026-02-28T23:30Z 2026-03-01T00:30Z", // 00:30-01:30 on Sunday 1 March: natt 60
			"T2 R1 P1 LEDS 2026-03-31T22:30Z 2026-03-31T23:00Z", // 00:30-01:00 on 1 April: another period
		)})
	diff(t, "lines", []L{
		{"D1", "base", "natt", "60", "1", "500.00", "T1"}, // 60 × 500 / 60
	}, linesOf(st, "P1"))
	diff(t, "total", "500.00", st.Total.StringFixed(2))
}

func TestDaylightSaving(t *testing.T) {
	dec := []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01.."), rt.Decision("D2 R2 P1 LEDS 2026-01-01..")}
	t.Run("autumn 25-hour day", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-10", reimbursement.Input{Providers: testbyProviders, Decisions: dec,
			Reports: rt.Reports(
				"T1 R1 P1 LEDS 2026-10-25T01:30 04:00",                        // 23:30Z to 03:00Z: 210 real minutes
				"T2 R1 P1 LEDS 2026-10-25T02:30 03:00",                        // 02:30 happens twice
				"T3 R2 P1 LEDS 2026-10-25T02:30+02:00 2026-10-25T02:30+01:00", // offsets make it exact: 60 min
			)})
		diff(t, "lines", []L{
			{"D1", "base", "natt", "210", "1", "1750.00", "T1"}, // 210 × 500 / 60
			{"D2", "base", "natt", "60", "1", "500.00", "T3"},
		}, linesOf(st, "P1"))
		diff(t, "unpaid", []U{{"T2", "ambiguous-time", ""}}, providerUnpaid(st, "P1"))
	})
	t.Run("spring 23-hour day", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders, Decisions: dec,
			Reports: rt.Reports(
				"T4 R1 P1 LEDS 2026-03-29T02:30 03:30", // 02:30 does not exist
				"T5 R1 P1 LEDS 2026-03-29T01:30 03:30", // 60 real minutes
			)})
		diff(t, "lines", []L{{"D1", "base", "natt", "60", "1", "500.00", "T5"}}, linesOf(st, "P1"))
		diff(t, "unpaid", []U{{"T4", "invalid-time", ""}}, providerUnpaid(st, "P1"))
	})
}

func TestCappedBasis(t *testing.T) {
	tests := []struct {
		name     string
		decision string
		reports  []string
		lines    []L
		unpaid   []U
	}{{
		name:     "the crossing visit is shortened",
		decision: "D2 R2 P1 HT 2026-03-01.. 10/month", // 600 minutes
		reports: []string{
			"V5 R2 P1 HT 2026-03-06T08:00 09:00",
			"V1 R2 P1 HT 2026-03-02T08:00 10:00",
			"V2 R2 P1 HT 2026-03-03T08:00 12:00",
			"V3 R2 P1 HT 2026-03-04T08:00 11:00",
			"V4 R2 P1 HT 2026-03-05T08:00 09:41", // 101 min rounds up to 105; 60 left under the cap
		},
		lines: []L{
			{"", "markup:momskompensation", "", "6000", "0.06", "360.00", ""}, // 6 % of 6000.00
			{"D2", "base", "dag", "600", "1", "6000.00", "V1,V2,V3,V4"},       // 600 × 600 / 60
		},
		unpaid: []U{{"V4", "over-granted", "45"}, {"V5", "over-granted", "60"}},
	}, {
		name:     "cap percent and two staff",
		decision: "D9 R9 P1 HT90 2026-03-01.. 10/month staff=2", // cap floor(600 × 90 %) = 540
		reports:  []string{"V1 R9 P1 HT90 2026-03-02T08:00 13:00 staff=2"},
		lines:    []L{{"D9", "base", "dag", "540", "1", "5400.00", "V1"}}, // 270 min × 2 staff
		unpaid:   []U{{"V1", "over-granted", "60"}},
	}, {
		name:     "granted per week over part of the month",
		decision: "D8 R8 P1 HT 2026-03-10..2026-03-20 5/week", // 5 × 60 × 11 / 7 = 471.43 → 471
		reports:  []string{"V1 R8 P1 HT 2026-03-10T08:00 16:00"},
		lines: []L{
			{"", "markup:momskompensation", "", "4710", "0.06", "282.60", ""},
			{"D8", "base", "dag", "471", "1", "4710.00", "V1"},
		},
		unpaid: []U{{"V1", "over-granted", "9"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
				Decisions: []reimbursement.Decision{rt.Decision(tt.decision)}, Reports: rt.Reports(tt.reports...)})
			diff(t, "lines", tt.lines, linesOf(st, "P1"))
			diff(t, "unpaid", tt.unpaid, providerUnpaid(st, "P1"))
		})
	}
}

func TestRateChangeDeclinedOverlapStaff(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D3 R3 P1 HT 2026-03-01.. 100/month")},
		Reports: rt.Reports(
			"V1 R3 P1 HT 2026-03-13T08:00 10:00",          // dag at 600
			"V2 R3 P1 HT 2026-03-16T08:00 10:00",          // dag at 612 from the 16th
			"V3 R3 P1 HT 2026-03-17T10:00 10:30 declined", // 50 % of 30 min
			"V4 R3 P1 HT 2026-03-18T08:00 09:00",
			"V5 R3 P1 HT 2026-03-18T08:30 09:30",         // overlaps V4
			"V6 R3 P1 HT 2026-03-19T08:00 08:45 staff=2", // one staff granted
		)})
	diff(t, "lines", []L{
		{"", "markup:momskompensation", "", "3648", "0.06", "218.88", ""}, // 6 % of 1200 + 2295 + 153
		{"D3", "base", "dag", "120", "1", "1200.00", "V1"},                // 120 × 600 / 60
		{"D3", "base", "dag", "225", "1", "2295.00", "V2,V4,V6"},          // (120 + 60 + 45) × 612 / 60
		{"D3", "declined", "dag", "30", "0.5", "153.00", "V3"},            // 30 × 612 × 0.5 / 60
	}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"V5", "overlap", "60"}, {"V6", "staff-not-granted", "45"}}, providerUnpaid(st, "P1"))
	diff(t, "total", "3866.88", total(st, "P1"))
	p, _ := st.Provider("P1")
	if got := p.Lines[1].RateFrom.String() + ".." + p.Lines[1].RateTo.String(); got != "2026-01-01..2026-03-15" {
		t.Errorf("first dag line rate validity = %s, want 2026-01-01..2026-03-15", got)
	}
}

func TestHourAbsence(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D5 R5 P1 HT 2026-03-01.. 31/month"), // 60 minutes a day
			rt.Decision("D6 R6 P1 HT 2026-01-01.. 31/month"),
		},
		Absences: []volume.Absence{
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-17 hospital"), // day 1 75 %, days 2-5 25 %, then 0
			rt.Absence("A3 R5 HT 2026-03-20..2026-03-21 planned"),  // no rule: pay unchanged
			rt.Absence("A2 R6 HT 2026-02-27..2026-03-03 hospital"), // March holds days 3-5
		}})
	diff(t, "lines", []L{
		{"", "markup:momskompensation", "", "1500", "0.06", "90.00", ""},
		{"D5", "absence", "dag", "240", "0.25", "600.00", "A1"}, // 4 × 60 × 600 × 0.25 / 60
		{"D5", "absence", "dag", "60", "0.75", "450.00", "A1"},  // 60 × 600 × 0.75 / 60
		{"D6", "absence", "dag", "180", "0.25", "450.00", "A2"}, // 3 × 60 × 600 × 0.25 / 60
	}, linesOf(st, "P1"))
}

// TestCapWithoutAbsenceDays: rules §5 step 4, worked by hand. D7 grants
// 31 hours a month (60 minutes a day); a hospital stay covers March 10–17,
// eight days (75 %, then 25 % for four, then 0 %, all under the rule), so
// the cap is granted_minutes of the other 23 days: 31 × 60 × 23 / 31 =
// 1380 minutes, not 1860. Three visits of 600 minutes: V3 crosses the cap
// and is paid 1380 − 1200 = 180 minutes.
func TestCapWithoutAbsenceDays(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D7 R7 P1 HT 2026-03-01.. 31/month")},
		Absences:  []volume.Absence{rt.Absence("A7 R7 HT 2026-03-10..2026-03-17 hospital")},
		Reports: rt.Reports(
			"V1 R7 P1 HT 2026-03-02T08:00 18:00",
			"V2 R7 P1 HT 2026-03-03T08:00 18:00",
			"V3 R7 P1 HT 2026-03-04T08:00 18:00",
		)})
	diff(t, "lines", []L{
		{"", "markup:momskompensation", "", "14850", "0.06", "891.00", ""}, // 6 % of 13800 + 600 + 450
		{"D7", "absence", "dag", "240", "0.25", "600.00", "A7"},            // March 11–14: 4 × 60 × 600 × 0.25 / 60
		{"D7", "absence", "dag", "60", "0.75", "450.00", "A7"},             // March 10: 60 × 600 × 0.75 / 60
		{"D7", "base", "dag", "1380", "1", "13800.00", "V1,V2,V3"},         // 1380 × 600 / 60
	}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"V3", "over-granted", "420"}}, providerUnpaid(st, "P1"))
}

// TestDuplicateCopies: an absence or presence id given five times, with
// three contents among them, is one entry not paid (duplicate-id),
// whatever copy came first; the other records are paid.
func TestDuplicateCopies(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D5 R5 P1 HT 2026-03-01.. 31/month")}, // 60 minutes a day
		Absences: []volume.Absence{
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-11 hospital"),
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-12 hospital"),
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-13 hospital"),
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-11 hospital"),
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-12 hospital"),
			rt.Absence("A2 R5 HT 2026-03-05..2026-03-05 hospital"),
		}})
	diff(t, "absence lines", []L{
		{"", "markup:momskompensation", "", "450", "0.06", "27.00", ""},
		{"D5", "absence", "dag", "60", "0.75", "450.00", "A2"}, // 60 × 600 (to 2026-03-15) × 0.75 / 60
	}, linesOf(st, "P1"))
	diff(t, "absences unpaid", []U{{"A1", "duplicate-id", ""}}, providerUnpaid(st, "P1"))

	st = rt.Settle(t, dagby(t), "2026-03", reimbursement.Input{
		Providers: rt.Providers("P1 private"),
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 DV 2026-03-01.. extent=heltid")},
		Presence: []volume.Presence{
			rt.Presence("N1 R1 P1 DV 2026-03-02"),
			rt.Presence("N1 R1 P1 DV 2026-03-03"),
			rt.Presence("N1 R1 P1 DV 2026-03-04"),
			rt.Presence("N1 R1 P1 DV 2026-03-02"),
			rt.Presence("N1 R1 P1 DV 2026-03-03"),
			rt.Presence("N2 R1 P1 DV 2026-03-05"),
		},
	})
	diff(t, "presence lines", []L{
		{"", "markup:momskompensation", "", "420", "0.06", "25.20", ""},
		{"D1", "base", "", "1", "1", "420.00", "N2"},
	}, linesOf(st, "P1"))
	diff(t, "presence unpaid", []U{{"N1", "duplicate-id", ""}}, providerUnpaid(st, "P1"))
}

// TestAbsenceAcrossDecisions: an absence over the change from one decision
// to the next pays each date by the decision of that date, counting its
// days from the absence's first.
func TestAbsenceAcrossDecisions(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D6 R5 P1 HT 2026-03-11.. 62/month"),           // 120 minutes a day
			rt.Decision("D5 R5 P1 HT 2026-03-01..2026-03-10 31/month"), // 60 minutes a day
		},
		Absences: []volume.Absence{rt.Absence("A1 R5 HT 2026-03-09..2026-03-12 hospital")}, // day 1 75 %, days 2-5 25 %
	})
	diff(t, "lines", []L{
		{"", "markup:momskompensation", "", "1200", "0.06", "72.00", ""},
		{"D5", "absence", "dag", "60", "0.25", "150.00", "A1"},  // 10 March: 60 × 600 × 0.25 / 60
		{"D5", "absence", "dag", "60", "0.75", "450.00", "A1"},  // 9 March: 60 × 600 × 0.75 / 60
		{"D6", "absence", "dag", "240", "0.25", "600.00", "A1"}, // 11-12 March: 2 × 120 × 600 × 0.25 / 60
	}, linesOf(st, "P1"))
}

func TestGrantedBasis(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D7 R7 P1 BOST 2026-03-01.. 3/week")},
		Reports: rt.Reports(
			"T1 R7 P1 BOST 2026-03-02T10:00 11:00",
			"T2 R7 P1 BOST 2026-03-21T10:00 11:00",
		),
		Absences: []volume.Absence{rt.Absence("A1 R7 BOST 2026-03-20..2026-03-21 hospital")},
	})
	diff(t, "lines", []L{
		{"D7", "absence", "dag", "52", "0.5", "216.67", "A1"}, // 2 × round(3 × 60 / 7 = 25.71) = 52; × 500 × 0.5 / 60 = 216.666…
		{"D7", "base", "dag", "746", "1", "6216.67", "T1,T2"}, // 3 × 60 × 29 / 7 = 745.71 → 746; × 500 / 60 = 6216.666…
	}, linesOf(st, "P1"))
	diff(t, "total", "6433.34", total(st, "P1"))
}

func TestVisitLength(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 STAD 2026-03-01.."),
			rt.Decision("D2 R1 P1 AVL 2026-03-01.."),
		},
		Reports: rt.Reports(
			"T1 R1 P1 STAD 2026-03-03T10:00 10:20", // fixed 96 minutes
			"T2 R1 P1 AVL 2026-03-03T10:00 10:05",  // nearest 10 → 10, floor 20
			"T3 R1 P1 AVL 2026-03-03T11:00 11:24",  // → 20
			"T4 R1 P1 AVL 2026-03-03T12:00 12:25",  // half up → 30
			"T5 R1 P1 AVL 2026-03-03T13:00 13:44",  // → 40
		)})
	diff(t, "lines", []L{
		{"D1", "base", "dag", "96", "1", "768.00", "T1"},           // 96 × 480 / 60
		{"D2", "base", "dag", "110", "1", "733.33", "T2,T3,T4,T5"}, // 110 × 400 / 60 = 733.333…
	}, linesOf(st, "P1"))
}

func TestAccounting(t *testing.T) {
	bad := rt.Report("T11 R1 P1 LEDS 2026-03-05T10:00 11:00")
	bad.Invalid = errors.New("reports.csv:12:6 (end): not a timestamp")
	dupA := rt.Report("T9 R1 P1 LEDS 2026-03-09T10:00 11:00")
	dupB := rt.Report("T9 R1 P1 LEDS 2026-03-09T10:00 11:30")
	reports := append(rt.Reports(
		"T1 R1 P1 LEDS 2026-03-02T10:00 11:00 pending",
		"T2 R1 P1 LEDS 2026-03-02T12:00 13:00 rejected",
		"T3 R9 P1 LEDS 2026-03-02T10:00 10:30",            // no decision
		"T4 R2 P1 LEDS 2026-03-03T10:00 10:45",            // R2's decision names P2
		"T5 R1 PX LEDS 2026-03-03T10:00 11:00",            // no such provider
		"T6 R1 P1 LEDS 2026-03-04T10:00 10:00",            // end = start
		"T7 R1 P1 LEDS 2026-03-03T08:00 2026-03-04T08:30", // more than 24 hours
		"T8 R1 P1 LEDS 2026-03-06T10:00 11:00",            // given twice, identical: paid once
		"T8 R1 P1 LEDS 2026-03-06T10:00 11:00",
		"T10 R1 P1 LEDS 2026-04-01T10:00 11:00", // next period: not listed
		"T12 R1 P1 LEDS 2026-02-28T10:00 11:00", // previous period: not listed
	), dupA, dupB, bad)
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 LEDS 2026-01-01.."),
			rt.Decision("D2 R2 P2 LEDS 2026-03-01..2026-03-31"),
		},
		Reports: reports})
	diff(t, "lines", []L{{"D1", "base", "dag", "60", "1", "450.00", "T8"}}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{
		{"T11", "invalid-input", ""},
		{"T2", "not-approved", "60"},
		{"T4", "wrong-provider", "45"},
		{"T6", "invalid-interval", ""},
		{"T7", "too-long", "1470"},
		{"T9", "duplicate-id", ""},
	}, providerUnpaid(st, "P1"))
	p, _ := st.Provider("P1")
	diff(t, "pending", []string{"T1"}, p.Pending)
	diff(t, "unmatched", []U{{"T3", "no-decision", "30"}, {"T5", "unknown-provider", "60"}}, unpaidOf(st.Unmatched))
	if _, ok := st.Provider("P2"); ok {
		t.Errorf("P2 is in the settlement with nothing to settle")
	}
}

// TestDuplicateIDOwner: the copies of an id with different content are
// one entry not paid, under their provider when all name the same one
// (here not the first provider), else unmatched; the other reports are
// paid as usual.
func TestDuplicateIDOwner(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 LEDS 2026-01-01.."),
			rt.Decision("D2 R2 P2 LEDS 2026-01-01.."),
		},
		Reports: rt.Reports(
			"X1 R2 P2 LEDS 2026-03-03T10:00 11:00",
			"X1 R2 P2 LEDS 2026-03-03T10:00 11:30", // other content, same provider
			"X2 R1 P1 LEDS 2026-03-04T10:00 11:00",
			"X2 R2 P2 LEDS 2026-03-04T10:00 11:00", // other content, other provider
			"X3 R2 P2 LEDS 2026-03-05T10:00 11:00",
		)})
	diff(t, "P2 lines", []L{{"D2", "base", "dag", "60", "1", "450.00", "X3"}}, linesOf(st, "P2"))
	diff(t, "P2 unpaid", []U{{"X1", "duplicate-id", ""}}, providerUnpaid(st, "P2"))
	diff(t, "unmatched", []U{{"X2", "duplicate-id", ""}}, unpaidOf(st.Unmatched))
	if _, ok := st.Provider("P1"); ok {
		t.Errorf("P1 is in the settlement with nothing of its own")
	}
}

func TestDecisionConflict(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D10 R10 P1 LEDS 2026-03-01..2026-03-20"),
			rt.Decision("D11 R10 P1 LEDS 2026-03-15.."),
		},
		Reports: rt.Reports(
			"T1 R10 P1 LEDS 2026-03-10T10:00 11:00",
			"T2 R10 P1 LEDS 2026-03-16T10:00 11:00",
			"T3 R10 P1 LEDS 2026-03-25T10:00 11:00",
		)})
	diff(t, "lines", []L{
		{"D10", "base", "dag", "60", "1", "450.00", "T1"},
		{"D11", "base", "dag", "60", "1", "450.00", "T3"},
	}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"T2", "decision-conflict", "60"}}, providerUnpaid(st, "P1"))
	if len(st.Issues) != 1 || st.Issues[0].Kind != "decision-conflict" || len(st.Issues[0].IDs) != 2 ||
		st.Issues[0].IDs[0] != "D10" || st.Issues[0].IDs[1] != "D11" {
		t.Errorf("issues = %+v, want one decision-conflict naming D10 and D11", st.Issues)
	}
}

// TestDecisionConflictGroups: decisions that overlap one another in a
// chain are one issue, and their shared dates pay nothing; decisions that
// follow one another, or overlap only in another period, are no conflict.
func TestDecisionConflictGroups(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D12 R10 P1 LEDS 2026-03-18.."),
			rt.Decision("D10 R10 P1 LEDS 2026-03-01..2026-03-10"),
			rt.Decision("D11 R10 P1 LEDS 2026-03-08..2026-03-20"),
			rt.Decision("D20 R11 P1 LEDS 2026-02-01..2026-03-05"),
			rt.Decision("D21 R11 P1 LEDS 2026-03-06.."),
			rt.Decision("H1 R12 P1 LEDS 2020-01-01..2021-06-30"),
			rt.Decision("H2 R12 P1 LEDS 2021-01-01..2021-12-31"),
			rt.Decision("D30 R12 P1 LEDS 2026-01-01.."),
		},
		Reports: rt.Reports(
			"T1 R10 P1 LEDS 2026-03-05T10:00 11:00", // D10
			"T2 R10 P1 LEDS 2026-03-09T10:00 11:00", // D10 and D11
			"T3 R10 P1 LEDS 2026-03-16T10:00 11:00", // D11
			"T4 R10 P1 LEDS 2026-03-19T10:00 11:00", // D11 and D12
			"T5 R10 P1 LEDS 2026-03-25T10:00 11:00", // D12
			"T6 R11 P1 LEDS 2026-03-05T10:00 11:00", // D20
			"T7 R11 P1 LEDS 2026-03-06T10:00 11:00", // D21
			"T8 R12 P1 LEDS 2026-03-06T10:00 11:00", // D30
		)})
	diff(t, "lines", []L{
		{"D10", "base", "dag", "60", "1", "450.00", "T1"},
		{"D11", "base", "dag", "60", "1", "450.00", "T3"},
		{"D12", "base", "dag", "60", "1", "450.00", "T5"},
		{"D20", "base", "dag", "60", "1", "450.00", "T6"},
		{"D21", "base", "dag", "60", "1", "450.00", "T7"},
		{"D30", "base", "dag", "60", "1", "450.00", "T8"},
	}, linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"T2", "decision-conflict", "60"}, {"T4", "decision-conflict", "60"}}, providerUnpaid(st, "P1"))
	diff(t, "issues", []reimbursement.Issue{{Kind: "decision-conflict", IDs: []string{"D10", "D11", "D12"},
		Message: "decisions D10, D11 and D12 of recipient R10, service LEDS overlap"}}, st.Issues)
}

// TestDecisionConflictMany: a recipient with two thousand decisions for
// all of the month (an export that lost its recipients, say) gets one
// issue naming them all, not one for each of their two million pairs, and
// its reports are not paid.
func TestDecisionConflictMany(t *testing.T) {
	in := reimbursement.Input{Providers: testbyProviders,
		Reports: rt.Reports("T1 R1 P1 LEDS 2026-03-10T10:00 11:00")}
	for i := range 2000 {
		in.Decisions = append(in.Decisions, rt.Decision(fmt.Sprintf("D%04d R1 P1 LEDS 2026-03-01..", i)))
	}
	st := rt.Settle(t, testby(t), "2026-03", in)
	diff(t, "lines", []L(nil), linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"T1", "decision-conflict", "60"}}, providerUnpaid(st, "P1"))
	if len(st.Issues) != 1 || len(st.Issues[0].IDs) != 2000 || st.Issues[0].IDs[1999] != "D1999" ||
		st.Issues[0].Message != "decisions D0000, D0001, D0002 and 1997 more of recipient R1, service LEDS overlap" {
		t.Errorf("%d issues, the first %q naming %d decisions; want one naming all 2000", len(st.Issues), st.Issues[0].Message, len(st.Issues[0].IDs))
	}
}

func TestNoChoiceProvider(t *testing.T) {
	in := reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 - LEDS 2026-03-01.. area=norr"), // P3 by area
			rt.Decision("D2 R2 - LEDS 2026-03-01.."),           // P2 otherwise
		},
		Reports: rt.Reports(
			"T1 R1 P3 LEDS 2026-03-02T10:00 11:00",
			"T2 R2 P2 LEDS 2026-03-02T10:00 11:00",
			"T3 R2 P1 LEDS 2026-03-03T10:00 11:00",
		)}
	st := rt.Settle(t, testby(t), "2026-03", in)
	diff(t, "P3 lines", []L{{"D1", "base", "dag", "60", "1", "450.00", "T1"}}, linesOf(st, "P3"))
	diff(t, "P2 lines", []L{{"D2", "base", "dag", "60", "1", "450.00", "T2"}}, linesOf(st, "P2"))
	diff(t, "P1 unpaid", []U{{"T3", "wrong-provider", "60"}}, providerUnpaid(st, "P1"))

	noChoice := rt.MustTariff(`{"name": "x", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
		"default_band": "dag", "services": [{"code": "LEDS", "unit": "hour"}],
		"rates": [{"service": "LEDS", "from": "2026-01-01", "price": "450"}]}`)
	_, err := reimbursement.Settle(noChoice, volume.MustParsePeriod("2026-03"), in, reimbursement.Options{Location: rt.Stockholm()})
	if err == nil {
		t.Errorf("Settle with decisions for a no-choice provider the tariff does not name: no error")
	}
}

func TestTariffGapAndMarkups(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P2 HT 2026-03-01.. 20/month")},
		Reports: rt.Reports(
			"T1 R1 P2 HT 2026-03-03T18:00 20:00", // kvall has no municipal rate
			"T2 R1 P2 HT 2026-03-04T08:00 09:00",
		),
		Adjustments: []reimbursement.Adjustment{
			rt.Adjustment("J1 P2 2026-03 -500.00 reason=vite"),
			rt.Adjustment("J2 P2 2026-04 -100.00"), // another period
			rt.Adjustment("J3 PX 2026-03 100.00"),
		},
	})
	diff(t, "lines", []L{
		{"", "adjustment", "", "-500", "1", "-500.00", "J1"},
		{"", "markup:overhead", "", "570", "-0.015", "-8.55", ""}, // −1.5 % of 570.00, adjustments excluded
		{"D1", "base", "dag", "60", "1", "570.00", "T2"},
	}, linesOf(st, "P2"))
	diff(t, "unpaid", []U{{"T1", "no-rate", "120"}}, providerUnpaid(st, "P2"))
	diff(t, "unmatched", []U{{"J3", "unknown-provider", ""}}, unpaidOf(st.Unmatched))
	diff(t, "total", "61.45", total(st, "P2"))
	if len(st.Issues) != 1 || st.Issues[0].Kind != "tariff-gap" {
		t.Errorf("issues = %+v, want one tariff-gap", st.Issues)
	}
}

func TestVisitAndMonthServices(t *testing.T) {
	t.Run("nattinsats", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-12", reimbursement.Input{Providers: testbyProviders,
			Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 NATT 2026-12-01..")},
			Reports: rt.Reports(
				"T1 R1 P1 NATT 2026-12-23T23:00 23:10",
				"T2 R1 P1 NATT 2026-12-24T02:00 02:10",
				"T3 R1 P1 NATT 2026-12-25T01:00 01:05 declined",
			)})
		diff(t, "lines", []L{
			{"D1", "base", "natt", "1", "1", "245.00", "T1"},
			{"D1", "base", "storhelg", "1", "1", "490.00", "T2"},
			{"D1", "declined", "storhelg", "1", "0.4", "196.00", "T3"}, // 490 × 40 %
		}, linesOf(st, "P1"))
	})
	t.Run("trygghetslarm", func(t *testing.T) {
		st := rt.Settle(t, testby(t), "2026-03", reimbursement.Input{Providers: testbyProviders,
			Decisions: []reimbursement.Decision{
				rt.Decision("D1 R1 P1 LARM 2026-03-10.."),
				rt.Decision("D2 R2 P1 LARMF 2026-03-20.."),
			}})
		diff(t, "lines", []L{
			{"D1", "base", "", "6", "1", "60.00", ""},   // 10-15 March: 6 × 310 / 31
			{"D1", "base", "", "16", "1", "176.00", ""}, // 16-31 March: 16 × 341 / 31
			{"D2", "base", "", "1", "1", "299.00", ""},  // not prorated
		}, linesOf(st, "P1"))
	})
}

// TestOrderOfManyVisits: rules §5 settles a decision's visits in order of
// (start, id), so of two visits with the same start the one with the
// smaller id is paid and the other overlaps it; and a provider's lists of
// hundreds of ids (more than are sorted by plain comparison) come out in
// id order. Pairs of ids differ in their first byte and the other way in
// their second ("a9…" < "b1…"), or only after their first eight bytes.
func TestOrderOfManyVisits(t *testing.T) {
	in := reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")}}
	var wantPaid, wantOverlap []string
	for k := range 300 {
		start := volume.LocalTimestamp(volume.NewDate(2026, 3, 1+k/24), k%24, 0)
		end := volume.LocalTimestamp(volume.NewDate(2026, 3, 1+k/24), k%24, 30)
		first, second := fmt.Sprintf("a9-%04d", k), fmt.Sprintf("b1-%04d", k)
		if k%2 == 1 {
			first, second = fmt.Sprintf("rapport-2026-%04d-a", k), fmt.Sprintf("rapport-2026-%04d-b", k)
		}
		for _, id := range []string{second, first} {
			in.Reports = append(in.Reports, volume.Report{ID: id, Recipient: "R1", Provider: "P1", Service: "LEDS",
				Start: start, End: end, Staff: 1, Kind: volume.Visit, Status: volume.Approved})
		}
		// Rejected reports of the provider: unpaid entries of another
		// kind, between the others in id order.
		in.Reports = append(in.Reports, volume.Report{ID: fmt.Sprintf("a9-%04d-x", k), Recipient: "R1", Provider: "P1",
			Service: "LEDS", Start: start, End: end, Staff: 1, Kind: volume.Visit, Status: volume.Rejected})
		wantPaid, wantOverlap = append(wantPaid, first), append(wantOverlap, second)
	}
	st := rt.Settle(t, testby(t), "2026-03", in)
	requireOrdered(t, st)
	p, _ := st.Provider("P1")
	var paid, overlap []string
	for _, l := range p.Lines {
		paid = append(paid, l.Reports...)
	}
	for _, u := range p.Unpaid {
		if u.Reason == reimbursement.ReasonOverlap {
			overlap = append(overlap, u.ID)
		}
	}
	slices.Sort(paid)
	paid = slices.Compact(paid)
	slices.Sort(wantPaid)
	slices.Sort(wantOverlap)
	diff(t, "paid", wantPaid, paid)
	diff(t, "overlapping", wantOverlap, overlap)
	diff(t, "unpaid entries", 600, len(p.Unpaid))
}

// TestAbsenceOverlapAnyPeriod: overlap is judged over all approved
// absences of a recipient and service, of any period and whether or not
// they touch a decision (rules §7). A1 lies in February, before the
// decision; A2 overlaps it and runs into March, so A2 is not used in
// March either.
func TestAbsenceOverlapAnyPeriod(t *testing.T) {
	in := reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{rt.Decision("D5 R5 P1 HT 2026-03-01.. 62/month")}, // 120 minutes a day
		Absences: []volume.Absence{
			rt.Absence("A1 R5 HT 2026-02-25..2026-02-28 hospital"),
			rt.Absence("A2 R5 HT 2026-02-27..2026-03-02 hospital"),
		},
	}
	st := rt.Settle(t, testby(t), "2026-03", in)
	diff(t, "lines", []L(nil), linesOf(st, "P1"))
	diff(t, "unpaid", []U{{"A2", "overlap", ""}}, providerUnpaid(st, "P1"))

	// Without A1, A2 is used: 1 and 2 March are its days 3 and 4, at 25 %.
	in.Absences = in.Absences[1:]
	st = rt.Settle(t, testby(t), "2026-03", in)
	diff(t, "lines", []L{
		{"", "markup:momskompensation", "", "600", "0.06", "36.00", ""},
		{"D5", "absence", "dag", "240", "0.25", "600.00", "A2"}, // 2 × 120 × 600 × 0.25 / 60
	}, linesOf(st, "P1"))
}

// TestPerformance: the follow-up of hour decisions (utförandegrad),
// computed by hand. D1 (HT, capped, 4 hours a month = 240 minutes, visits
// rounded up to 5 minutes): T1 60 minutes, T2 52 → 55, T3 overlaps T2 and
// is not kept, T4 is declined (kept, not performed), T5 150 minutes with
// two staff of whom one is granted: performed 60 + 55 + 150 = 265; paid
// 60 + 55 + the 125 left of the cap = 240. D2 (BOST, granted basis, 3
// hours a week: 3 × 60 × 31 / 7 = 797.14 → 797 minutes paid): T6 60
// minutes, T7 overlaps it: performed 60.
func TestPerformance(t *testing.T) {
	in := reimbursement.Input{Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 HT 2026-01-01.. 4/month"),
			rt.Decision("D2 R2 P1 BOST 2026-01-01.. 3/week"),
		},
		Reports: rt.Reports(
			"T1 R1 P1 HT 2026-03-03T10:00 11:00",
			"T2 R1 P1 HT 2026-03-05T10:00 10:52",
			"T3 R1 P1 HT 2026-03-05T10:30 11:00",
			"T4 R1 P1 HT 2026-03-06T09:00 09:30 declined",
			"T5 R1 P1 HT 2026-03-10T10:00 12:30 staff=2",
			"T6 R2 P1 BOST 2026-03-02T10:00 11:00",
			"T7 R2 P1 BOST 2026-03-02T10:30 11:30",
		),
	}
	_, perf, err := reimbursement.SettlePerformance(testby(t), volume.MustParsePeriod("2026-03"), in,
		reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	diff(t, "performance", []reimbursement.Performance{
		{Decision: "D2", Recipient: "R2", Provider: "P1", Service: "BOST", Granted: 797, Performed: 60, Paid: 797},
		{Decision: "D1", Recipient: "R1", Provider: "P1", Service: "HT", Granted: 240, Performed: 265, Paid: 240},
	}, perf)
}

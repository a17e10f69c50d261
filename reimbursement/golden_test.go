package reimbursement_test

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// march is a month of Testby with a bit of everything: bands, a cap, a
// rate change, declined visits, absences, granted time, visit and month
// services, a conflict, the no-choice provider, markups and adjustments.
func march() reimbursement.Input {
	return reimbursement.Input{
		Providers: testbyProviders,
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 LEDS 2026-01-01.."),
			rt.Decision("D2 R2 P1 HT 2026-03-01.. 10/month"),
			rt.Decision("D3 R3 P1 HT 2026-03-01.. 100/month"),
			rt.Decision("D5 R5 - HT 2026-03-01.. 31/month area=norr"),
			rt.Decision("D7 R7 P2 BOST 2026-03-01.. 3/week"),
			rt.Decision("D10 R10 P1 LEDS 2026-03-01..2026-03-20"),
			rt.Decision("D11 R10 P1 LEDS 2026-03-15.."),
			rt.Decision("D12 R12 P2 LARM 2026-03-10.."),
			rt.Decision("D13 R13 P1 NATT 2026-03-01.."),
		},
		Reports: rt.Reports(
			"T1 R1 P1 LEDS 2026-03-03T18:00 20:30",
			"T2 R1 P1 LEDS 2026-03-28T23:00 2026-03-29T04:00",
			"T3 R1 P1 LEDS 2026-03-29T02:30 03:30",
			"V1 R2 P1 HT 2026-03-02T08:00 10:00",
			"V2 R2 P1 HT 2026-03-03T08:00 12:00",
			"V3 R2 P1 HT 2026-03-04T08:00 11:00",
			"V4 R2 P1 HT 2026-03-05T08:00 09:41",
			"V5 R2 P1 HT 2026-03-06T08:00 09:00",
			"W1 R3 P1 HT 2026-03-13T18:00 20:00",
			"W2 R3 P1 HT 2026-03-16T08:00 10:00",
			"W3 R3 P1 HT 2026-03-17T10:00 10:30 declined",
			"W4 R3 P1 HT 2026-03-18T08:00 09:00",
			"W5 R3 P1 HT 2026-03-18T08:30 09:30",
			"W6 R3 P1 HT 2026-03-19T08:00 08:45 staff=2",
			"W7 R3 P1 HT 2026-03-20T08:00 09:00 pending",
			"W8 R3 P1 HT 2026-03-21T08:00 09:00 rejected",
			"X1 R5 P3 HT 2026-03-02T08:00 09:00",
			"X2 R5 P3 HT 2026-03-03T18:00 20:00",
			"B1 R7 P2 BOST 2026-03-02T10:00 11:00",
			"C1 R10 P1 LEDS 2026-03-10T10:00 11:00",
			"C2 R10 P1 LEDS 2026-03-16T10:00 11:00",
			"N1 R13 P1 NATT 2026-03-06T23:00 23:10",
			"N2 R13 P1 NATT 2026-03-07T02:00 02:10 declined",
			"Z1 R99 P1 LEDS 2026-03-02T10:00 11:00",
			"Z2 R1 PX LEDS 2026-03-02T10:00 11:00",
		),
		Absences: []volume.Absence{
			rt.Absence("A1 R5 HT 2026-03-10..2026-03-17 hospital"),
			rt.Absence("A2 R5 HT 2026-03-12..2026-03-13 hospital"),
			rt.Absence("A3 R7 BOST 2026-03-20..2026-03-21 hospital"),
		},
		Adjustments: []reimbursement.Adjustment{
			rt.Adjustment("J1 P1 2026-03 -500.00 reason=vite"),
			rt.Adjustment("J2 P3 2026-03 250.50 reason=efterreglering recipient=R5 service=HT"),
		},
	}
}

func TestGoldenMarch(t *testing.T) {
	st := rt.Settle(t, testby(t), "2026-03", march())
	rt.Golden(t, "testdata/golden/testby-2026-03.json", st)
	for _, p := range rt.Arithmetic(st) {
		t.Error(p)
	}
}

// TestShuffledInput settles the same month from its records in many
// orders and wants the same bytes each time.
func TestShuffledInput(t *testing.T) {
	tariff := testby(t)
	var want bytes.Buffer
	if err := rt.Settle(t, tariff, "2026-03", march()).WriteJSON(&want); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < 20; i++ {
		in := march()
		rng.Shuffle(len(in.Providers), func(i, j int) { in.Providers[i], in.Providers[j] = in.Providers[j], in.Providers[i] })
		rng.Shuffle(len(in.Decisions), func(i, j int) { in.Decisions[i], in.Decisions[j] = in.Decisions[j], in.Decisions[i] })
		rng.Shuffle(len(in.Reports), func(i, j int) { in.Reports[i], in.Reports[j] = in.Reports[j], in.Reports[i] })
		rng.Shuffle(len(in.Absences), func(i, j int) { in.Absences[i], in.Absences[j] = in.Absences[j], in.Absences[i] })
		rng.Shuffle(len(in.Adjustments), func(i, j int) { in.Adjustments[i], in.Adjustments[j] = in.Adjustments[j], in.Adjustments[i] })
		var got bytes.Buffer
		if err := rt.Settle(t, tariff, "2026-03", in).WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			t.Fatalf("order %d gives other output:\n%s\nwant\n%s", i, got.String(), want.String())
		}
	}
}

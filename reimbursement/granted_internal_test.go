package reimbursement

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
)

func TestGrantedMinutesOf(t *testing.T) {
	// hours × 60 × days / div, half away from zero, worked by hand.
	for _, tc := range []struct {
		name      string
		hours     string
		days, div int64
		want      int64
	}{
		{"a month of March, whole", "16", 31, 31, 960},
		{"ten days of March", "16", 10, 31, 310},          // 9600/31 = 309.68
		{"ten days of a week's grant", "7.5", 10, 7, 643}, // 4500/7 = 642.86
		{"half a minute rounds up", "0.25", 1, 30, 1},     // 15/30
		{"under half a minute", "0.25", 1, 31, 0},         // 15/31
		{"per day", "2", 1, 1, 120},
		{"nothing granted", "0", 31, 31, 0},
		{"the most granted", "100000", 31, 1, 186000000},
		{"nine decimals", "12.345678901", 1, 1, 741},                         // 740.74073406
		{"ten decimals, in decimals", "1.0000000001", 31, 31, 60},            // 60.000000006
		{"sixteen digits, in decimals", "1234567.890123456", 1, 1, 74074073}, // 74074073.40740736
		{"half a minute in decimals", "0.0010000000", 25, 3, 1},              // 0.5
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := grantedMinutesOf(decimal.RequireFromString(tc.hours), tc.days, tc.div); got != tc.want {
				t.Errorf("grantedMinutesOf(%s, %d, %d) = %d, want %d", tc.hours, tc.days, tc.div, got, tc.want)
			}
		})
	}
}

func TestCapMinutes(t *testing.T) {
	// floor(granted × percent / 100), worked by hand.
	for _, tc := range []struct {
		name    string
		granted int64
		percent string
		want    int64
	}{
		{"the default", 960, "100", 960},
		{"over the grant", 960, "110", 1056},
		{"floored", 965, "87.5", 844},                // 844.375
		{"six decimals", 7, "33.333333", 2},          // 2.33333331
		{"just over a whole", 300, "33.333334", 100}, // 100.000002
		{"under a minute", 999, "0.1", 0},            // 0.999
		{"nothing granted", 0, "100", 0},
		// 0.999999999999: rounded to eight decimals first it would be 1.
		{"ten decimals, in decimals", 1, "99.9999999999", 0},
		{"a grant too big for integers", 2e9, "50", 1e9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := capMinutes(tc.granted, decimal.RequireFromString(tc.percent)); got != tc.want {
				t.Errorf("capMinutes(%d, %s) = %d, want %d", tc.granted, tc.percent, got, tc.want)
			}
		})
	}
}

// TestReasonCodes: the codes classify gives name the reasons they stand for.
func TestReasonCodes(t *testing.T) {
	for code, want := range map[reasonCode]Reason{
		codePending: reasonPending, codeInvalidInput: ReasonInvalidInput, codeUnknownProvider: ReasonUnknownProvider,
		codeNotApproved: ReasonNotApproved, codeAmbiguousTime: ReasonAmbiguousTime, codeInvalidTime: ReasonInvalidTime,
		codeInvalidInterval: ReasonInvalidInterval, codeTooLong: ReasonTooLong, codeNoDecision: ReasonNoDecision,
		codeDecisionConfl: ReasonDecisionConfl, codeWrongProvider: ReasonWrongProvider, codeNoRate: ReasonNoRate,
		codeNotBillable: ReasonNotBillable,
	} {
		if got := code.reason(); got != want {
			t.Errorf("code %d is %q, want %q", code, got, want)
		}
		if codeOf(want) != code {
			t.Errorf("codeOf(%q) = %d, want %d", want, codeOf(want), code)
		}
	}
}

// TestKeyOf: a report's key is the first eight bytes of its id, those
// past its end zero, whatever ids follow it in Settler.idStr.
func TestKeyOf(t *testing.T) {
	ids := []string{"", "V", "V1", "V12345", "V123456", "V1234567", "V12345678", "V123456789abc", "\x00", "a\x00b", "ÅÄÖ", "z"}
	s := &Settler{}
	var recs []rec
	for _, id := range ids {
		recs = append(recs, rec{idOff: s.ids.add(id), idLen: uint32(len(id))})
	}
	s.ids.add(idPadding)
	s.idStr = s.ids.String()
	for i, id := range ids {
		if got, want := s.keyOf(&recs[i]), radix.Key(id, 0); got != want {
			t.Errorf("keyOf(%q) = %#x, want %#x", id, got, want)
		}
	}
}

// TestIDText: the strings idText gives keep their bytes as more ids are
// added, whether the ids fit in its room or make it move.
func TestIDText(t *testing.T) {
	var text idText
	text.grow(4)
	var want strings.Builder
	var made []string
	for i := range 200 {
		id := strings.Repeat(string(rune('a'+i%26)), i%9)
		if off := text.add(id); int(off) != want.Len() {
			t.Fatalf("id %d starts at %d, want %d", i, off, want.Len())
		}
		want.WriteString(id)
		made = append(made, text.String())
	}
	for i, s := range made {
		if !strings.HasPrefix(want.String(), s) {
			t.Fatalf("string %d changed: %q", i, s)
		}
	}
	if text.String() != want.String() {
		t.Fatalf("idText holds %q, want %q", text.String(), want.String())
	}
}

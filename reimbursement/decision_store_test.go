package reimbursement

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// TestDecisionStore: decisions come out of a store as they went in, every
// string field in its place, granted hours of every size with their
// exponent, and dates and staff as they were.
func TestDecisionStore(t *testing.T) {
	day := volume.MustParseDate
	decisions := []Decision{
		{ID: "D1", Recipient: "R1", Provider: "P1", Service: "HT", From: day("2026-01-01"),
			GrantedHours: decimal.RequireFromString("12.50"), GrantedPer: PerMonth, Staff: 2},
		{ID: "D2", Recipient: "", Provider: "", Service: "SÄBO", From: day("2025-12-31"), To: day("2026-03-15"),
			Level: "nivå 3", Extent: "heltid", Area: "landsbygd", EndReason: "deceased", GrantedHours: decimal.Zero},
		{ID: "D3", Recipient: "R3", Provider: "P2", Service: "LEDS", From: day("2026-03-01"),
			GrantedHours: decimal.RequireFromString("123456789012345678901234.5"), GrantedPer: PerWeek, Staff: -7},
		{ID: "D4", Recipient: "R1", Service: "HT", From: day("2026-01-01"),
			GrantedHours: decimal.New(-9223372036854775808, -3), Staff: 1 << 40},
		{},
	}
	st := newDecisionStore(decisions)
	if st.len() != len(decisions) {
		t.Fatalf("%d decisions stored, want %d", st.len(), len(decisions))
	}
	exact := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() && a.Exponent() == b.Exponent() })
	for i, want := range decisions {
		if d := cmp.Diff(want, st.decision(i), exact, cmp.Comparer(func(a, b volume.Date) bool { return a == b })); d != "" {
			t.Errorf("decision %d (-want +got):\n%s", i, d)
		}
		if got := st.recipient(i); got != want.Recipient {
			t.Errorf("decision %d: recipient %q, want %q", i, got, want.Recipient)
		}
	}
}

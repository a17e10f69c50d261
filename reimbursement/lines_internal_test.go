package reimbursement

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestLineAmount: rules §9, worked by hand: one rounding, to öre, half
// away from zero, of quantity × price × factor / divisor.
func TestLineAmount(t *testing.T) {
	tests := []struct {
		name                     string
		quantity, price, percent string
		divisor                  int64
		want                     string
	}{
		{"an hour at 436 kr", "60", "436", "100", 60, "436.00"},
		{"45 minutes", "45", "436", "100", 60, "327.00"},
		{"50 minutes: 363.333…", "50", "436", "100", 60, "363.33"},
		{"declined at 50 %, 20 minutes of 436 kr/h: 72.666…", "20", "436", "50", 60, "72.67"},
		{"a markup of 6 % on 10.05 kr: 0.603", "10.05", "1", "6", 1, "0.60"},
		{"half an öre up", "1", "0.25", "50", 1, "0.13"},
		{"half an öre, negative, away from zero", "-1", "0.25", "50", 1, "-0.13"},
		{"a month of 31 days, 12 days: 12 × 9 300 / 31", "12", "9300", "100", 31, "3600.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lineAmount(decimal.RequireFromString(tt.quantity), decimal.RequireFromString(tt.price),
				decimal.RequireFromString(tt.percent), tt.divisor)
			if got.StringFixed(2) != tt.want {
				t.Errorf("%s, want %s", got.StringFixed(2), tt.want)
			}
		})
	}
}

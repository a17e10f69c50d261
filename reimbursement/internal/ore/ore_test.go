package ore

import (
	"math"
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"
)

// amountSlow is what Amount replaces: the same computation in decimals.
func amountSlow(q, price, percent decimal.Decimal, divisor int64) decimal.Decimal {
	return q.Mul(price).Mul(percent).DivRound(decimal.NewFromInt(divisor*100), 2)
}

// TestAmount: whole-öre arithmetic gives what decimals give, halves
// rounded away from zero, and says so only when it is sure; it is sure
// for most amounts of a settlement.
func TestAmount(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	percents := []string{"100", "50", "75", "25", "0", "125", "33.3", "12.5", "4.2", "-100"}
	fast := 0
	for i := 0; i < 200000; i++ {
		q := decimal.NewFromInt(rng.Int63n(2000001) - 1000000)
		if i%7 == 0 {
			q = decimal.New(rng.Int63n(2000001)-1000000, -int32(rng.Intn(3)))
		}
		price := decimal.New(rng.Int63n(1e8), -int32(rng.Intn(5)))
		if i%11 == 0 {
			price = decimal.New(rng.Int63(), -int32(rng.Intn(20))) // too big for the fast way, often
		}
		percent := decimal.RequireFromString(percents[rng.Intn(len(percents))])
		divisor := []int64{1, 60, 7, 3600, 100, 999999}[rng.Intn(6)]
		got, ok := Amount(Split(q), Split(price), Split(percent), divisor)
		if !ok {
			continue
		}
		fast++
		if want := amountSlow(q, price, percent, divisor); !decimal.New(got, -2).Equal(want) {
			t.Fatalf("%s × %s × %s%% / %d = %d öre, want %s", q, price, percent, divisor, got, want)
		}
	}
	if fast < 100000 {
		t.Fatalf("only %d of 200000 amounts took the fast way", fast)
	}
}

// TestAmountHalves: halves of an öre go away from zero, both signs.
func TestAmountHalves(t *testing.T) {
	tests := []struct {
		name              string
		q, price, percent string
		want              int64
	}{
		{"half up", "1", "0.30", "50", 15},
		{"half up, negative", "-1", "0.30", "50", -15},
		{"0.015 kr", "3", "0.05", "10", 2},
		{"-0.015 kr", "-3", "0.05", "10", -2},
		{"1.005 kr", "1", "1.005", "100", 101},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, p, pc := decimal.RequireFromString(tt.q), decimal.RequireFromString(tt.price), decimal.RequireFromString(tt.percent)
			got, ok := Amount(Split(q), Split(p), Split(pc), 1)
			if !ok || got != tt.want {
				t.Errorf("%d, %v; want %d", got, ok, tt.want)
			}
		})
	}
}

// TestAmountRefuses: what does not fit is refused, not wrapped.
func TestAmountRefuses(t *testing.T) {
	big := Split(decimal.New(999999999, 0))
	one := Whole(1)
	tests := []struct {
		name              string
		q, price, percent Coefficient
		divisor           int64
	}{
		{"zero divisor", one, one, one, 0},
		{"negative divisor", one, one, one, -60},
		{"divisor of a million", one, one, one, 1e6},
		{"19 digits", Whole(math.MaxInt64), one, one, 1},
		{"product of 27 digits", big, big, big, 1},
		{"positive exponent", Split(decimal.New(1, 3)), one, one, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := Amount(tt.q, tt.price, tt.percent, tt.divisor); ok {
				t.Errorf("= %d, ok", got)
			}
		})
	}
}

// TestWhole: an integer split without a decimal is split as its decimal
// is, digits counted from 0 to the 18 Amount takes.
func TestWhole(t *testing.T) {
	for _, n := range []int64{0, 1, -1, 9, -9, 10, -10, 99, 100, 12345, -12345, 1e17 - 1, 1e17, 1e18 - 1, -(1e18 - 1),
		1e18, -1e18, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		if got, want := Whole(n), Split(decimal.NewFromInt(n)); got != want {
			t.Errorf("Whole(%d) = %+v, want %+v", n, got, want)
		}
	}
	if c := Whole(1e18 - 1); !c.OK || c.Digits != 18 {
		t.Errorf("Whole(1e18 - 1) = %+v, want 18 digits", c)
	}
}

// TestSum: sums in öre and in decimals agree, at the edges of int64 too,
// and amounts of other exponents are added exactly.
func TestSum(t *testing.T) {
	tests := []struct {
		name    string
		amounts []string
		want    string
	}{
		{"empty", nil, "0"},
		{"öre", []string{"1.01", "-0.02", "1000000.99"}, "1000001.98"},
		{"other exponents", []string{"0.5", "1", "0.125", "2.00"}, "3.625"},
		{"beyond int64", []string{"99999999999999999.99", "99999999999999999.99", "0.01"}, "199999999999999999.99"},
		{"near the guard", []string{"9999999999999999.99", "9999999999999999.99", "9999999999999999.99"}, "29999999999999999.97"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m, half Sum
			for i, a := range tt.amounts {
				d := decimal.RequireFromString(a)
				m.Add(d)
				if i%2 == 0 {
					half.Add(d)
				}
			}
			if got := m.Total(); !got.Equal(decimal.RequireFromString(tt.want)) {
				t.Errorf("%s, want %s", got, tt.want)
			}
			var other Sum
			for i, a := range tt.amounts {
				if i%2 == 1 {
					other.Add(decimal.RequireFromString(a))
				}
			}
			half.Merge(&other)
			if got := half.Total(); !got.Equal(decimal.RequireFromString(tt.want)) {
				t.Errorf("merged: %s, want %s", got, tt.want)
			}
		})
	}
	// Many large amounts: past the int64 guard into decimals.
	var m Sum
	big := decimal.RequireFromString("999999999999999.99")
	for range 10000 {
		m.Add(big)
	}
	if want := big.Mul(decimal.NewFromInt(10000)); !m.Total().Equal(want) {
		t.Errorf("10000 × %s = %s, want %s", big, m.Total(), want)
	}
	var o Sum
	o.AddOre(1e17) // beyond the öre guard: kept as a decimal
	o.AddOre(-1)
	if want := decimal.RequireFromString("999999999999999.99"); !o.Total().Equal(want) {
		t.Errorf("1e17 − 1 öre = %s, want %s", o.Total(), want)
	}
}

// TestAppendDecimal: the fast formatting of decimals is decimal's own
// String and StringFixed (with that package's defaults), for values of
// every size, sign and exponent.
func TestAppendDecimal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	values := []decimal.Decimal{decimal.Zero, decimal.New(0, -2), decimal.New(5, -1), decimal.New(-5, -1), decimal.New(-1, -18),
		decimal.New(999999999999999999, -18), decimal.New(-999999999999999999, -5), decimal.New(1000000000000000000, -2),
		decimal.New(12345, 3), decimal.RequireFromString("-0.005"), decimal.RequireFromString("123456789012345678901234.5678")}
	for range 20000 {
		c := rng.Int63n(1 << uint(rng.Intn(62)+1))
		if rng.Intn(2) == 0 {
			c = -c
		}
		values = append(values, decimal.New(c, int32(rng.Intn(26)-22)))
	}
	for _, d := range values {
		if got, want := string(AppendDecimal(nil, d, -1)), d.String(); got != want {
			t.Fatalf("AppendDecimal(%s, -1) = %q, want %q (exp %d)", d, got, want, d.Exponent())
		}
		for _, p := range []int{0, 1, 2, 3, 5} {
			if got, want := string(AppendDecimal(nil, d, p)), d.StringFixed(int32(p)); got != want {
				t.Fatalf("AppendDecimal(%s, %d) = %q, want %q", d, p, got, want)
			}
		}
	}
}

// FuzzAmount: any coefficients Amount takes give the decimal amount.
func FuzzAmount(f *testing.F) {
	f.Add(int64(60), int64(43600), int64(100), int64(60), uint8(2))
	f.Add(int64(-1), int64(30), int64(50), int64(1), uint8(2))
	f.Fuzz(func(t *testing.T, q, price, percent, divisor int64, places uint8) {
		p := decimal.New(price, -int32(places%10))
		got, ok := Amount(Whole(q), Split(p), Whole(percent), divisor)
		if !ok {
			return
		}
		if want := amountSlow(decimal.NewFromInt(q), p, decimal.NewFromInt(percent), divisor); !decimal.New(got, -2).Equal(want) {
			t.Fatalf("%d × %s × %d%% / %d = %d öre, want %s", q, p, percent, divisor, got, want)
		}
	})
}

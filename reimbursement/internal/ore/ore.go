// Package ore computes with amounts in whole öre in an int64, exact where
// it says so: the numbers of a settlement (minutes, prices in öre,
// percents) are small enough nearly always, and callers take the decimal
// way for the others. It knows nothing of the rules; its tests compare it
// with shopspring/decimal.
package ore

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// A Coefficient is a decimal split as Amount takes it: C × 10^Exp, C of
// Digits digits. OK is false for one it cannot take: a positive exponent
// or more than 18 digits.
type Coefficient struct {
	C      int64
	Exp    int
	Digits int
	OK     bool
}

// Split splits d.
func Split(d decimal.Decimal) Coefficient {
	e, digits := int(d.Exponent()), d.NumDigits()
	if e > 0 || digits > 18 {
		return Coefficient{}
	}
	return Coefficient{C: d.CoefficientInt64(), Exp: e, Digits: digits, OK: true}
}

// Whole is Split(decimal.NewFromInt(n)), without the decimal.
func Whole(n int64) Coefficient {
	a := n
	if a < 0 {
		a = -a
	}
	if a < 0 || a >= 1e18 { // math.MinInt64, or 19 digits
		return Coefficient{}
	}
	digits := 1
	for ; a >= 10; a /= 10 {
		digits++
	}
	return Coefficient{C: n, Digits: digits, OK: true}
}

// Amount returns q × price × percent / 100 / divisor in öre, rounded half
// away from zero, when ok; not ok means the numbers are too large for an
// int64 (or divisor is not in 1 … 999 999) and nothing is said.
func Amount(q, price, percent Coefficient, divisor int64) (ore int64, ok bool) {
	// öre = q × price × percent / divisor, with each value c × 10^e.
	// With n, the product of the c, below 10^18 and divisor × 10^-exp
	// too, 2n + den stays below 2^63.
	if divisor <= 0 || divisor >= 1e6 || !q.OK || !price.OK || !percent.OK {
		return 0, false
	}
	digits, exp := q.Digits+price.Digits+percent.Digits, q.Exp+price.Exp+percent.Exp
	if digits > 18 || 6-exp > 18 {
		return 0, false
	}
	n := q.C * price.C * percent.C
	// n × 10^exp / divisor, exp <= 0: divide n by divisor × 10^-exp.
	den := divisor * int64(pow10[-exp])
	neg := n < 0
	if neg {
		n = -n
	}
	ore = (2*n + den) / (2 * den) // half away from zero
	if neg {
		ore = -ore
	}
	return ore, true
}

// A Sum adds amounts exactly: whole öre in an int64 while they fit, the
// rest as decimals. Its zero value is an empty sum.
type Sum struct {
	ore  int64
	rest decimal.Decimal
}

// Add adds d.
func (m *Sum) Add(d decimal.Decimal) {
	if d.Exponent() == -2 && d.NumDigits() <= 17 && m.ore < 1<<61 && m.ore > -1<<61 {
		m.ore += d.CoefficientInt64()
		return
	}
	m.rest = m.rest.Add(d)
}

// AddOre adds c öre.
func (m *Sum) AddOre(c int64) {
	if c < 1e17 && c > -1e17 && m.ore < 1<<61 && m.ore > -1<<61 {
		m.ore += c
		return
	}
	m.rest = m.rest.Add(decimal.New(c, -2))
}

// Merge adds the sum o.
func (m *Sum) Merge(o *Sum) {
	m.AddOre(o.ore)
	if !o.rest.IsZero() {
		m.rest = m.rest.Add(o.rest)
	}
}

// Total is the sum.
func (m *Sum) Total() decimal.Decimal {
	if m.rest.IsZero() {
		return decimal.New(m.ore, -2)
	}
	return decimal.New(m.ore, -2).Add(m.rest)
}

// pow10 are the powers of ten up to 10^18.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// Pow10 returns 10^n, n in 0 … 18.
func Pow10(n int) int64 { return int64(pow10[n]) }

// AppendDecimal appends d with places digits after the point, rounded
// half away from zero as StringFixed does, or with places < 0 as
// decimal's String does with that package's defaults (no exponent, no
// trailing zeros after the point), whatever its package variables are set
// to. The values of a settlement take a fast path without big integers.
func AppendDecimal(b []byte, d decimal.Decimal, places int) []byte {
	exp := int(d.Exponent())
	if exp <= 0 && exp >= -18 && (places < 0 || places >= -exp) && d.NumDigits() <= 18 {
		return appendSmall(b, d.CoefficientInt64(), -exp, places)
	}
	if places >= 0 {
		return append(b, d.StringFixed(int32(places))...)
	}
	s := d.StringFixed(int32(max(0, -exp)))
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return append(b, s...)
}

// appendSmall appends c × 10^-digits with places digits after the point
// (places >= digits), or without trailing zeros (places < 0).
func appendSmall(b []byte, c int64, digits, places int) []byte {
	u := uint64(c)
	if c < 0 {
		b = append(b, '-')
		u = uint64(-c)
	}
	ip, fp := u/pow10[digits], u%pow10[digits]
	b = strconv.AppendUint(b, ip, 10)
	if places < 0 {
		for digits > 0 && fp%10 == 0 {
			fp /= 10
			digits--
		}
	}
	if digits == 0 && places <= 0 {
		return b
	}
	b = append(b, '.')
	for k := digits - 1; k >= 0; k-- {
		b = append(b, byte('0'+fp/pow10[k]%10))
	}
	for k := digits; k < places; k++ {
		b = append(b, '0')
	}
	return b
}

package volume

import (
	"errors"
	"fmt"
	"time"
)

// A Date is a calendar date with no time zone: a day in Europe/Stockholm's
// calendar, a decision's first day, an absence's last day.
//
// Dates are small comparable values: store and pass them as values, compare
// them with ==, Before, After or Compare. The zero Date is not a valid date;
// it means "not given" (an open end, for instance) and IsZero reports it.
type Date struct {
	// n is the number of days since 0001-01-01 plus one, so that the zero
	// value is no date at all.
	n int32
}

// unixDays is the number of days from 0001-01-01 to 1970-01-01.
const unixDays = 719162

// ErrDate is wrapped by the errors of ParseDate and ParsePeriod.
var ErrDate = errors.New("not a valid date")

// DateOf returns the date (year, month, day) of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// NewDate returns the date of year, month and day. Out-of-range values are
// normalised as time.Date does: NewDate(2026, 2, 30) is 2026-03-02. Use
// ParseDate to reject such dates in input.
func NewDate(year int, month time.Month, day int) Date {
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		t := time.Date(year, month, day, 12, 0, 0, 0, time.UTC)
		return Date{n: int32(floorDiv(t.Unix(), 86400)) + unixDays + 1}
	}
	return DateFromUnixDays(daysFromCivil(int64(year), int64(month), int64(day)))
}

// daysFromCivil returns the days from 1970-01-01 to a proleptic Gregorian
// date (Howard Hinnant's algorithm), without going through time.Time.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// DateFromUnixDays returns the date that is days days after 1970-01-01.
func DateFromUnixDays(days int64) Date { return Date{n: int32(days) + unixDays + 1} }

// UnixDays returns the number of days from 1970-01-01 to d.
func (d Date) UnixDays() int64 { return int64(d.n) - unixDays - 1 }

// ParseDate parses a date in the form YYYY-MM-DD. Dates that do not exist,
// such as 2026-02-30, are rejected.
func ParseDate(s string) (Date, error) {
	d, ok := parseDate(s)
	if !ok {
		return Date{}, fmt.Errorf("volume: ParseDate(%s): %w", Quote(s), ErrDate)
	}
	return d, nil
}

// MustParseDate is like ParseDate but panics if s is not a date. It is meant
// for tests and hard-coded values.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func parseDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, false
	}
	return NewDate(y, time.Month(m), d), true
}

// A dateMemo remembers the month of the last date parsed: the timestamps
// of a file come many to a month, so most are parsed by comparing eight
// bytes and reading two digits. The nil memo remembers nothing.
type dateMemo struct {
	month string // "YYYY-MM-" of the last date parsed, "" before the first
	first Date   // the first of that month
	days  int    // the days of that month
}

// parse parses s as parseDate does.
func (m *dateMemo) parse(s string) (Date, bool) {
	if m != nil && len(s) == 10 && s[:8] == m.month { // "" before the first
		d1, d2 := s[8]-'0', s[9]-'0' // above 9 unless digits
		if d := int(d1)*10 + int(d2); d1 <= 9 && d2 <= 9 && d >= 1 && d <= m.days {
			return m.first.AddDays(d - 1), true
		}
		return Date{}, false
	}
	d, ok := parseDate(s)
	if ok && m != nil {
		y, mo, _ := d.Civil()
		*m = dateMemo{month: s[:8], first: NewDate(y, mo, 1), days: daysIn(y, mo)}
	}
	return d, ok
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(year int, m time.Month) int {
	switch m {
	case time.April, time.June, time.September, time.November:
		return 30
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// IsZero reports whether d is the zero Date, which means "no date".
func (d Date) IsZero() bool { return d.n == 0 }

// Civil returns the year, month and day of d.
func (d Date) Civil() (year int, month time.Month, day int) {
	y, m, dd := civilFromDays(d.UnixDays())
	return int(y), time.Month(m), dd
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.Civil(); return y }

// Month returns the month of d.
func (d Date) Month() time.Month { _, m, _ := d.Civil(); return m }

// Day returns the day of the month of d.
func (d Date) Day() int { _, _, dd := d.Civil(); return dd }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (d.UnixDays() + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date { return Date{n: d.n + int32(n)} }

// DaysSince returns the number of days from e to d: positive when d is after e.
func (d Date) DaysSince(e Date) int { return int(d.n - e.n) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// String returns d as YYYY-MM-DD, or the empty string for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

// AppendText appends d as String writes it to b (encoding.TextAppender).
func (d Date) AppendText(b []byte) ([]byte, error) {
	if d.IsZero() {
		return b, nil
	}
	return d.appendTo(b), nil
}

// appendTo appends YYYY-MM-DD, the year with at least four digits.
func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.Civil()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), dd)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// In returns the instant d starts at in loc (local midnight).
func (d Date) In(loc *time.Location) time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; the empty text is the
// zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// A Period is one calendar month, the unit of settlement (avräkningsperiod).
// The zero Period is not valid.
type Period struct {
	first, last Date
}

// NewPeriod returns the period of year and month.
func NewPeriod(year int, month time.Month) Period {
	first := NewDate(year, month, 1)
	return Period{first: first, last: first.AddDays(daysIn(year, month) - 1)}
}

// ParsePeriod parses a period in the form YYYY-MM.
func ParsePeriod(s string) (Period, error) {
	if len(s) != 7 || s[4] != '-' {
		return Period{}, fmt.Errorf("volume: ParsePeriod(%s): %w", Quote(s), ErrDate)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	if !ok1 || !ok2 || y < 1 || m < 1 || m > 12 {
		return Period{}, fmt.Errorf("volume: ParsePeriod(%s): %w", Quote(s), ErrDate)
	}
	return NewPeriod(y, time.Month(m)), nil
}

// MustParsePeriod is like ParsePeriod but panics on error.
func MustParsePeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// PeriodOf returns the period that holds d.
func PeriodOf(d Date) Period {
	y, m, _ := d.Civil()
	return NewPeriod(y, m)
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.first.IsZero() }

// First returns the first date of p.
func (p Period) First() Date { return p.first }

// Last returns the last date of p.
func (p Period) Last() Date { return p.last }

// Days returns the number of days of p (days_in_month).
func (p Period) Days() int { return p.last.DaysSince(p.first) + 1 }

// Contains reports whether d is a date of p.
func (p Period) Contains(d Date) bool { return d.n >= p.first.n && d.n <= p.last.n }

// Next returns the period after p.
func (p Period) Next() Period { return PeriodOf(p.last.AddDays(1)) }

// Prev returns the period before p.
func (p Period) Prev() Period { return PeriodOf(p.first.AddDays(-1)) }

// String returns p as YYYY-MM.
func (p Period) String() string {
	if p.IsZero() {
		return ""
	}
	return p.first.String()[:7]
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

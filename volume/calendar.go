package volume

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// DayTypes is a set of day types (rules §3) that a date has: its weekday,
// holiday, eve, all, and the named date sets of a Calendar that hold it.
type DayTypes uint64

// The built-in day types. A date always has its weekday and All.
const (
	Sun DayTypes = 1 << iota
	Mon
	Tue
	Wed
	Thu
	Fri
	Sat
	Holiday // a Swedish public holiday (helgdag)
	Eve     // påskafton, midsommarafton, julafton, nyårsafton
	All     // every date
)

const firstSetBit = 10

// maxDateSets is how many named date sets a Calendar can hold.
const maxDateSets = 64 - firstSetBit

var builtinDayTypes = map[string]DayTypes{
	"sun": Sun, "mon": Mon, "tue": Tue, "wed": Wed, "thu": Thu, "fri": Fri, "sat": Sat,
	"holiday": Holiday, "eve": Eve, "all": All,
}

// A Calendar gives the day types of dates: Swedish public holidays and eves,
// computed for any year, and named date sets such as a tariff's "storhelg".
// A Calendar is immutable once made and safe for concurrent use. The zero
// Calendar knows the built-in day types and no date sets.
type Calendar struct {
	names []string        // names of the date sets, by bit
	sets  map[Date]uint64 // bits of the date sets that hold a date
}

// NewCalendar returns a calendar with the named date sets. Names must not
// repeat a built-in day type (mon…sun, holiday, eve, all).
func NewCalendar(sets map[string][]Date) (*Calendar, error) {
	names := make([]string, 0, len(sets))
	for name := range sets {
		if _, ok := builtinDayTypes[name]; ok {
			return nil, fmt.Errorf("volume: date set %s has the name of a built-in day type", Quote(name))
		}
		if name == "" {
			return nil, fmt.Errorf("volume: date set with an empty name")
		}
		names = append(names, name)
	}
	if len(names) > maxDateSets {
		return nil, fmt.Errorf("volume: %d date sets, at most %d are supported", len(names), maxDateSets)
	}
	sort.Strings(names)
	c := &Calendar{names: names, sets: make(map[Date]uint64)}
	for i, name := range names {
		for _, d := range sets[name] {
			c.sets[d] |= 1 << (firstSetBit + i)
		}
	}
	return c, nil
}

// DayType returns the day type of a name: "mon" … "sun", "holiday", "eve",
// "all", or a date set of c.
func (c *Calendar) DayType(name string) (DayTypes, bool) {
	if t, ok := builtinDayTypes[name]; ok {
		return t, true
	}
	if c != nil {
		for i, n := range c.names {
			if n == name {
				return 1 << (firstSetBit + i), true
			}
		}
	}
	return 0, false
}

// Types returns the day types of d.
func (c *Calendar) Types(d Date) DayTypes {
	t := All | 1<<DayTypes(d.Weekday())
	if _, ok := SwedishHoliday(d); ok {
		t |= Holiday
	}
	if _, ok := SwedishEve(d); ok {
		t |= Eve
	}
	if c != nil {
		t |= DayTypes(c.sets[d])
	}
	return t
}

// String lists the day types of t, for messages.
func (c *Calendar) String(t DayTypes) string {
	var out []string
	for name, bit := range builtinDayTypes {
		if t&bit != 0 {
			out = append(out, name)
		}
	}
	if c != nil {
		for i, n := range c.names {
			if t&(1<<(firstSetBit+i)) != 0 {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Easter returns påskdagen (Easter Sunday) of year, by the anonymous
// Gregorian algorithm.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(year, time.Month(month), day)
}

// SwedishHoliday reports whether d is a Swedish public holiday (allmän
// helgdag, lag 1989:253) other than a Sunday as such, and its name:
// nyårsdagen, trettondedag jul, långfredagen, påskdagen, annandag påsk,
// första maj, Kristi himmelsfärdsdag, pingstdagen, nationaldagen,
// midsommardagen, alla helgons dag, juldagen and annandag jul.
func SwedishHoliday(d Date) (string, bool) {
	y, m, day := d.Civil()
	switch {
	case m == time.January && day == 1:
		return "nyårsdagen", true
	case m == time.January && day == 6:
		return "trettondedag jul", true
	case m == time.May && day == 1:
		return "första maj", true
	case m == time.June && day == 6:
		return "nationaldagen", true
	case m == time.June && day >= 20 && day <= 26 && d.Weekday() == time.Saturday:
		return "midsommardagen", true
	case (m == time.October && day == 31 || m == time.November && day <= 6) && d.Weekday() == time.Saturday:
		return "alla helgons dag", true
	case m == time.December && day == 25:
		return "juldagen", true
	case m == time.December && day == 26:
		return "annandag jul", true
	}
	if m < time.March || m > time.June {
		return "", false
	}
	switch d.DaysSince(Easter(y)) {
	case -2:
		return "långfredagen", true
	case 0:
		return "påskdagen", true
	case 1:
		return "annandag påsk", true
	case 39:
		return "Kristi himmelsfärdsdag", true
	case 49:
		return "pingstdagen", true
	}
	return "", false
}

// SwedishEve reports whether d is one of the eves that rules §3 names
// (påskafton, midsommarafton, julafton, nyårsafton), and its name.
func SwedishEve(d Date) (string, bool) {
	y, m, day := d.Civil()
	switch {
	case m == time.December && day == 24:
		return "julafton", true
	case m == time.December && day == 31:
		return "nyårsafton", true
	case m == time.June && day >= 19 && day <= 25 && d.Weekday() == time.Friday:
		return "midsommarafton", true
	case (m == time.March || m == time.April) && d == Easter(y).AddDays(-1):
		return "påskafton", true
	}
	return "", false
}

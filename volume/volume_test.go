package volume

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func stockholm(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	require.NoError(t, err)
	return loc
}

var dateTests = []struct {
	name string
	in   string
	ok   bool
}{
	{"ordinary", "2026-03-04", true},
	{"leap day", "2024-02-29", true},
	{"not a leap year", "2026-02-29", false},
	{"february 30", "2026-02-30", false},
	{"april 31", "2026-04-31", false},
	{"month 13", "2026-13-01", false},
	{"day 0", "2026-01-00", false},
	{"short", "2026-3-4", false},
	{"slashes", "2026/03/04", false},
	{"trailing", "2026-03-04 ", false},
	{"empty", "", false},
	{"sign", "+026-03-04", false},
}

func TestParseDate(t *testing.T) {
	for _, tt := range dateTests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDate(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, ErrDate)
				return
			}
			require.NoError(t, err)
			if d.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q", tt.in, d.String())
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate("2026-03-01")
	if got := d.Weekday(); got != time.Sunday {
		t.Errorf("2026-03-01 weekday = %v, want Sunday", got)
	}
	if got := d.AddDays(-1).String(); got != "2026-02-28" {
		t.Errorf("AddDays(-1) = %s", got)
	}
	if got := MustParseDate("2026-12-31").DaysSince(MustParseDate("2026-01-01")); got != 364 {
		t.Errorf("DaysSince = %d, want 364", got)
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Errorf("IsZero wrong")
	}
	if got := MustParseDate("1969-12-31").Weekday(); got != time.Wednesday {
		t.Errorf("1969-12-31 weekday = %v, want Wednesday", got)
	}
	p := MustParsePeriod("2024-02")
	if p.Days() != 29 || p.Last().String() != "2024-02-29" || p.Next().String() != "2024-03" || p.Prev().String() != "2024-01" {
		t.Errorf("period 2024-02: days %d last %s next %s prev %s", p.Days(), p.Last(), p.Next(), p.Prev())
	}
	for _, bad := range []string{"2026-13", "2026-3", "26-03", "2026-03-01", ""} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q): no error", bad)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means an error
	}{
		{"minutes", "2026-03-04T09:00", "2026-03-04T09:00"},
		{"seconds dropped", "2026-03-04T09:00:59", "2026-03-04T09:00"},
		{"fraction dropped", "2026-03-04T09:00:59.999", "2026-03-04T09:00"},
		{"space", "2026-03-04 09:00", "2026-03-04T09:00"},
		{"utc", "2026-03-04T09:00Z", "2026-03-04T09:00Z"},
		{"offset", "2026-03-04T09:00+01:00", "2026-03-04T09:00+01:00"},
		{"negative offset", "2026-03-04T09:00:00-05:30", "2026-03-04T09:00-05:30"},
		{"24:30", "2026-03-04T24:30", ""},
		{"24:00", "2026-03-04T24:00", ""},
		{"minute 60", "2026-03-04T09:60", ""},
		{"bad date", "2026-02-30T09:00", ""},
		{"date only", "2026-03-04", ""},
		{"junk after", "2026-03-04T09:00x", ""},
		{"bad offset", "2026-03-04T09:00+1:00", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := ParseTimestamp(tt.in)
			if tt.want == "" {
				require.ErrorIs(t, err, ErrTimestamp)
				return
			}
			require.NoError(t, err)
			if ts.String() != tt.want {
				t.Errorf("ParseTimestamp(%q) = %s, want %s", tt.in, ts, tt.want)
			}
		})
	}
}

func TestZoneResolve(t *testing.T) {
	z := NewZone(stockholm(t))
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, or the error
	}{
		{"2026-01-15T12:00", "2026-01-15T11:00:00Z"},
		{"2026-07-15T12:00", "2026-07-15T10:00:00Z"},
		{"2026-03-29T01:59", "2026-03-29T00:59:00Z"},
		{"2026-03-29T02:00", ErrNonexistentTime.Error()},
		{"2026-03-29T02:59", ErrNonexistentTime.Error()},
		{"2026-03-29T03:00", "2026-03-29T01:00:00Z"},
		{"2026-10-25T01:59", "2026-10-24T23:59:00Z"},
		{"2026-10-25T02:00", ErrAmbiguousTime.Error()},
		{"2026-10-25T02:59", ErrAmbiguousTime.Error()},
		{"2026-10-25T03:00", "2026-10-25T02:00:00Z"},
		{"2026-10-25T02:30+02:00", "2026-10-25T00:30:00Z"},
		{"2026-10-25T02:30+01:00", "2026-10-25T01:30:00Z"},
		{"2026-03-29T02:30Z", "2026-03-29T02:30:00Z"},
	}
	for _, tt := range tests {
		u, err := z.Resolve(MustParseTimestamp(tt.in))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = time.Unix(u*60, 0).UTC().Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("Resolve(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	// The local date of an instant given with an offset.
	u, _ := z.Resolve(MustParseTimestamp("2026-03-04T23:30Z"))
	if got := z.LocalDate(u).String(); got != "2026-03-05" {
		t.Errorf("LocalDate(23:30Z) = %s, want 2026-03-05", got)
	}
}

// TestZoneCache asks one Zone, in an order that jumps back and forth
// across changes of offset (and across more spans than it keeps), what a
// new Zone and the location itself say.
func TestZoneCache(t *testing.T) {
	apia, err := time.LoadLocation("Pacific/Apia") // skipped 2011-12-30: its offset moved a day
	require.NoError(t, err)
	for _, loc := range []*time.Location{stockholm(t), apia, time.UTC, time.FixedZone("X", -150*60), time.FixedZone("Y", 3600+30)} {
		t.Run(loc.String(), func(t *testing.T) {
			z := NewZone(loc)
			rng := rand.New(rand.NewSource(1))
			// Minutes around the changes of 2025 and 2026, and far from them,
			// and around Stockholm's offsets of seconds (1879 and 1900).
			var around []int64
			for _, s := range []string{"2025-03-30T01:00Z", "2025-10-26T01:00Z", "2026-03-29T01:00Z", "2026-10-25T01:00Z", "2026-07-01T00:00Z", "1879-01-01T00:00Z", "1899-12-31T23:00Z", "2011-12-30T10:00Z"} {
				tm, err := time.Parse(time.RFC3339, strings.Replace(s, "Z", ":00Z", 1))
				require.NoError(t, err)
				around = append(around, tm.Unix()/60)
			}
			for i := 0; i < 20000; i++ {
				u := around[rng.Intn(len(around))] + int64(rng.Intn(4*1440)) - 2*1440
				tm := time.Unix(u*60, 0).In(loc)
				_, off := tm.Zone()
				if got := z.OffsetMinutes(u); got != floorDiv(int64(off), 60) {
					t.Fatalf("step %d: OffsetMinutes(%s) = %d, want %d", i, tm, got, floorDiv(int64(off), 60))
				}
				want := int64(math.MaxInt64)
				if _, end := tm.ZoneBounds(); !end.IsZero() {
					// The first minute that begins at or after the change.
					for want = end.Unix()/60 - 1; want*60 < end.Unix(); want++ {
					}
				}
				if got := z.NextChange(u); got != want {
					t.Fatalf("step %d: NextChange(%s) = %d, want %d", i, tm, got, want)
				}
				w := MustParseTimestamp(tm.Format("2006-01-02T15:04"))
				got, gotErr := z.Resolve(w)
				fresh, freshErr := NewZone(loc).Resolve(w)
				if got != fresh || !errors.Is(gotErr, freshErr) {
					t.Fatalf("step %d: Resolve(%s) = %d, %v; a new Zone says %d, %v", i, w, got, gotErr, fresh, freshErr)
				}
				// A wall-clock time near it, which may be one the zone
				// skips or repeats.
				w = MustParseTimestamp(tm.Add(time.Duration(rng.Intn(241)-120) * time.Minute).Format("2006-01-02T15:04"))
				got, gotErr = z.Resolve(w)
				fresh, freshErr = NewZone(loc).Resolve(w)
				if got != fresh || !errors.Is(gotErr, freshErr) {
					t.Fatalf("step %d: Resolve(%s) = %d, %v; a new Zone says %d, %v", i, w, got, gotErr, fresh, freshErr)
				}
			}
		})
	}
}

func TestSwedishCalendar(t *testing.T) {
	holidays := map[string]string{
		"2026-01-01": "nyårsdagen", "2026-01-06": "trettondedag jul", "2026-04-03": "långfredagen",
		"2026-04-05": "påskdagen", "2026-04-06": "annandag påsk", "2026-05-01": "första maj",
		"2026-05-14": "Kristi himmelsfärdsdag", "2026-05-24": "pingstdagen", "2026-06-06": "nationaldagen",
		"2026-06-20": "midsommardagen", "2026-10-31": "alla helgons dag", "2026-12-25": "juldagen",
		"2026-12-26": "annandag jul",
		"2024-03-29": "långfredagen", "2024-03-31": "påskdagen", "2024-04-01": "annandag påsk",
		"2024-05-09": "Kristi himmelsfärdsdag", "2024-05-19": "pingstdagen", "2024-06-22": "midsommardagen",
		"2024-11-02": "alla helgons dag", "2025-04-20": "påskdagen", "2025-06-21": "midsommardagen",
		"2025-11-01": "alla helgons dag",
	}
	eves := map[string]string{
		"2026-04-04": "påskafton", "2026-06-19": "midsommarafton", "2026-12-24": "julafton", "2026-12-31": "nyårsafton",
		"2024-03-30": "påskafton", "2024-06-21": "midsommarafton", "2025-04-19": "påskafton", "2025-06-20": "midsommarafton",
	}
	gotH, gotE := map[string]string{}, map[string]string{}
	for d := MustParseDate("2024-01-01"); d.Before(MustParseDate("2027-01-01")); d = d.AddDays(1) {
		if n, ok := SwedishHoliday(d); ok && (d.Year() == 2026 || holidays[d.String()] != "") {
			gotH[d.String()] = n
		}
		if n, ok := SwedishEve(d); ok && (d.Year() == 2026 || eves[d.String()] != "") {
			gotE[d.String()] = n
		}
	}
	if d := cmp.Diff(holidays, gotH); d != "" {
		t.Errorf("holidays (-want +got):\n%s", d)
	}
	if d := cmp.Diff(eves, gotE); d != "" {
		t.Errorf("eves (-want +got):\n%s", d)
	}
	cal, err := NewCalendar(map[string][]Date{"storhelg": {MustParseDate("2026-12-24")}})
	require.NoError(t, err)
	storhelg, ok := cal.DayType("storhelg")
	if !ok {
		t.Fatal("no day type storhelg")
	}
	if got := cal.Types(MustParseDate("2026-12-24")); got&(Thu|Eve|All|storhelg) != Thu|Eve|All|storhelg || got&Holiday != 0 {
		t.Errorf("julafton 2026 types = %s", cal.String(got))
	}
	if _, err := NewCalendar(map[string][]Date{"mon": nil}); err == nil {
		t.Error("NewCalendar with a date set named mon: no error")
	}
}

func bandsOf(t *testing.T) *Bands {
	// natt 22-07, helg Fri 19 - Mon 07 (and holidays), kvall 19-22, dag 07-19.
	b, err := NewBands([]Band{
		{Code: "natt", Rules: []BandRule{{Days: All, From: 22 * 60, To: 7 * 60}}},
		{Code: "helg", Rules: []BandRule{{Days: Fri, From: 19 * 60, To: 7 * 60}, {Days: Sat | Sun | Holiday, From: 0, To: 1440}}},
		{Code: "kvall", Rules: []BandRule{{Days: All, From: 19 * 60, To: 22 * 60}}},
		{Code: "dag", Rules: []BandRule{{Days: All, From: 7 * 60, To: 19 * 60}}},
	})
	require.NoError(t, err)
	return b
}

func TestBandsCoverage(t *testing.T) {
	_, err := NewBands([]Band{
		{Code: "dag", Rules: []BandRule{{Days: All, From: 7 * 60, To: 19 * 60}}},
		{Code: "helg", Rules: []BandRule{{Days: Sat | Sun, From: 0, To: 1440}}},
	})
	if err == nil {
		t.Fatal("bands with a gap: no error")
	}
	if want := "volume: no band covers mon 00:00"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

// splitterOf returns the bands of bandsOf, a Stockholm zone and their
// splitter, without holidays.
func splitterOf(t *testing.T) (*Bands, *Zone, *Splitter) {
	b := bandsOf(t)
	cal, _ := NewCalendar(nil)
	z := NewZone(stockholm(t))
	return b, z, NewSplitter(b, cal, z)
}

func TestSplit(t *testing.T) {
	b, z, s := splitterOf(t)
	tests := []struct {
		name     string
		from, to string
		want     map[string]int64
	}{
		{"tuesday day to evening", "2026-03-03T18:00", "2026-03-03T20:30", map[string]int64{"dag": 60, "kvall": 90}},
		{"friday evening is helg", "2026-03-06T18:30", "2026-03-06T19:30", map[string]int64{"dag": 30, "helg": 30}},
		{"natt before helg on saturday night", "2026-03-07T21:00", "2026-03-07T23:00", map[string]int64{"helg": 60, "natt": 60}},
		{"spring gap: 23-hour day", "2026-03-29T00:00", "2026-03-30T00:00", map[string]int64{"natt": 6*60 + 120, "helg": 15 * 60}},
		{"autumn: 25-hour day", "2026-10-25T00:00", "2026-10-26T00:00", map[string]int64{"natt": 600, "helg": 15 * 60}},
		{"monday morning after helg", "2026-03-09T05:00", "2026-03-09T08:00", map[string]int64{"natt": 120, "dag": 60}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := instants(t, z, tt.from, tt.to)
			got := map[string]int64{}
			s.Split(from, to, func(band int, m int64) { got[b.Code(band)] += m })
			var sum int64
			for _, m := range got {
				sum += m
			}
			if sum != to-from {
				t.Errorf("minutes %d, want the real %d", sum, to-from)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Split(%s, %s) (-want +got):\n%s", tt.from, tt.to, d)
			}
		})
	}
}

// instants resolves two timestamps in z.
func instants(t *testing.T, z *Zone, from, to string) (int64, int64) {
	t.Helper()
	f, err := z.Resolve(MustParseTimestamp(from))
	require.NoError(t, err)
	u, err := z.Resolve(MustParseTimestamp(to))
	require.NoError(t, err)
	return f, u
}

func TestWithin(t *testing.T) {
	b, z, s := splitterOf(t)
	tests := []struct {
		name     string
		from, to string
		want     string // the band, "" when not in one
	}{
		{"inside dag", "2026-03-03T09:00", "2026-03-03T09:45", "dag"},
		{"to the end of dag", "2026-03-03T18:00", "2026-03-03T19:00", "dag"},
		{"dag into kvall", "2026-03-03T18:00", "2026-03-03T19:01", ""},
		{"natt over midnight", "2026-03-03T23:00", "2026-03-04T01:00", ""},
		{"helg on a saturday", "2026-03-07T10:00", "2026-03-07T12:00", "helg"},
		{"natt before the spring gap", "2026-03-29T00:30", "2026-03-29T01:45", "natt"},
		{"over the spring gap", "2026-03-29T01:30", "2026-03-29T03:30", ""},
		{"the first 02:30 of autumn", "2026-10-25T02:10+02:00", "2026-10-25T02:40+02:00", "natt"},
		{"over the autumn change", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := instants(t, z, tt.from, tt.to)
			band, ok := s.Within(from, to)
			got := ""
			if ok {
				got = b.Code(band)
			}
			if got != tt.want {
				t.Errorf("Within(%s, %s) = %q, %v; want %q", tt.from, tt.to, got, ok, tt.want)
			}
		})
	}
	// Where Within finds one band, Split gives that band all the minutes.
	rng := rand.New(rand.NewSource(1))
	for _, month := range []string{"2026-03-28T00:00", "2026-10-24T00:00"} {
		base, err := z.Resolve(MustParseTimestamp(month))
		require.NoError(t, err)
		for range 20000 {
			from := base + rng.Int63n(3*1440)
			to := from + 1 + rng.Int63n(300)
			band, ok := s.Within(from, to)
			if !ok {
				continue
			}
			var runs [][2]int64
			s.Split(from, to, func(b int, m int64) { runs = append(runs, [2]int64{int64(b), m}) })
			if want := [][2]int64{{int64(band), to - from}}; !slices.Equal(runs, want) {
				t.Fatalf("Within(%d, %d) = %d, but Split gives %v", from, to, band, runs)
			}
		}
	}
}

func TestStatusKindNames(t *testing.T) {
	if Pending.String() != "pending" || Status(9).String() != "%!Status(9)" || Declined.String() != "declined" {
		t.Error("names")
	}
	if _, err := ParseStatus("godkänd"); err == nil {
		t.Error("ParseStatus(godkänd): no error")
	}
	if !errors.Is(&ParseError{Err: ErrValue}, ErrValue) {
		t.Error("ParseError does not unwrap")
	}
}

func TestCivilDays(t *testing.T) {
	// Every day from 1600 to 2400 against the time package.
	for tm := time.Date(1600, 1, 1, 12, 0, 0, 0, time.UTC); tm.Year() < 2400; tm = tm.AddDate(0, 0, 1) {
		d := NewDate(tm.Year(), tm.Month(), tm.Day())
		if want := int64(floorDiv(tm.Unix(), 86400)); d.UnixDays() != want {
			t.Fatalf("NewDate(%s) = %d days, want %d", tm.Format("2006-01-02"), d.UnixDays(), want)
		}
		y, m, dd := d.Civil()
		if y != tm.Year() || m != tm.Month() || dd != tm.Day() {
			t.Fatalf("Civil of %s = %d-%d-%d", tm.Format("2006-01-02"), y, m, dd)
		}
		if b, _ := d.AppendText([]byte("x")); d.String() != tm.Format("2006-01-02") || string(b) != "x"+d.String() {
			t.Fatalf("%s: String %q, AppendText %q", tm.Format("2006-01-02"), d.String(), b)
		}
	}
	// Years past four digits, and the zero Date.
	for _, tt := range []struct {
		d    Date
		want string
	}{
		{NewDate(10000, time.January, 2), "10000-01-02"},
		{NewDate(0, time.March, 1), "0000-03-01"},
		{NewDate(-1, time.March, 4), "-001-03-04"},
		{Date{}, ""},
	} {
		if b, _ := tt.d.AppendText(nil); tt.d.String() != tt.want || string(b) != tt.want {
			t.Errorf("String %q, AppendText %q, want %q", tt.d.String(), b, tt.want)
		}
	}
}

// TestDateMemo: a timestamp parsed after another is what it is parsed
// alone, whatever the date before was.
func TestDateMemo(t *testing.T) {
	for _, tt := range []struct {
		name        string
		first, then string
	}{
		{"same date", "2026-03-01T10:00", "2026-03-01T23:59"},
		{"next date", "2026-03-01T10:00", "2026-03-02T00:10"},
		{"bad date first", "2026-02-30T10:00", "2026-02-30T11:00"},
		{"bad date then", "2026-02-28T10:00", "2026-02-29T11:00"},
		{"bad clock first", "2026-03-01T25:00", "2026-03-01T10:00"},
		{"offset then", "2026-03-01T10:00", "2026-03-01T10:00+01:00"},
		{"short then", "2026-03-01T10:00", "2026-03-01"},
		{"other day of the month", "2026-03-01T10:00", "2026-03-31T10:00"},
		{"day past the month", "2026-04-01T10:00", "2026-04-31T10:00"},
		{"day 00", "2026-04-01T10:00", "2026-04-00T10:00"},
		{"day not digits", "2026-04-01T10:00", "2026-04-1xT10:00"},
		{"leap day", "2028-02-01T10:00", "2028-02-29T10:00"},
		{"next month", "2026-03-31T10:00", "2026-04-01T00:10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var memo dateMemo
			parseTimestamp(tt.first, &memo)
			got, gotOK := parseTimestamp(tt.then, &memo)
			want, wantOK := parseTimestamp(tt.then, nil)
			if got != want || gotOK != wantOK {
				t.Fatalf("after %q: %q parses to %v %v, alone to %v %v", tt.first, tt.then, got, gotOK, want, wantOK)
			}
		})
	}
}

func TestTimestampBinary(t *testing.T) {
	for _, s := range []string{"2026-03-29T02:30", "2026-10-25T02:30+01:00", "2026-10-25T02:30+02:00", "2026-10-25T23:59-09:30", "2026-01-01T00:00Z", ""} {
		var ts Timestamp
		if s != "" {
			ts = MustParseTimestamp(s)
		}
		b, err := ts.AppendBinary(nil)
		if err != nil || len(b) != 8 {
			t.Fatalf("%q: %x, %v", s, b, err)
		}
		var back Timestamp
		if err := back.UnmarshalBinary(b); err != nil || back != ts {
			t.Errorf("%q: back as %v, %v", s, back, err)
		}
	}
	for name, b := range map[string][]byte{
		"short":             {1, 2, 3},
		"minute 1440":       {1, 0, 0, 0, 0xa0, 0x05, 0, 0},
		"offset without":    {1, 0, 0, 0, 0, 0, 60, 0},
		"zero date, minute": {0, 0, 0, 0, 1, 0, 0, 0},
		"negative date":     {0, 0, 0, 0x80, 0, 0, 0, 0},
	} {
		var ts Timestamp
		if err := ts.UnmarshalBinary(b); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%x", b)) {
			t.Errorf("%s: %v, want an error quoting %x", name, err, b)
		}
	}
}

// TestResolveCached: where the cached offset answers, it answers as
// Resolve does, and it answers for ordinary times once the zone has used
// their offset, up to an hour and a minute from a change; never for the
// DST nights or for times with an offset.
func TestResolveCached(t *testing.T) {
	z := NewZone(stockholm(t))
	if _, ok := z.resolveCached(MustParseTimestamp("2026-03-10T10:00")); ok {
		t.Fatal("a zone that has used no offset answers")
	}
	_, _ = z.Resolve(MustParseTimestamp("2026-03-10T10:00"))
	if u, ok := z.resolveCached(MustParseTimestamp("2026-03-11T10:00")); !ok || u != 29553660 {
		t.Errorf("2026-03-11T10:00 = %d, %v; want 29553660 (09:00Z), true", u, ok)
	}
	for _, s := range []string{"2026-03-29T02:30", "2026-03-29T01:30", "2026-10-25T02:30", "2026-03-11T10:00+01:00"} {
		if _, ok := z.resolveCached(MustParseTimestamp(s)); ok {
			t.Errorf("resolveCached(%s) answers", s)
		}
	}
	_, _ = z.Resolve(MustParseTimestamp("2026-03-28T10:00"))
	if _, ok := z.resolveCached(MustParseTimestamp("2026-03-29T00:58")); !ok {
		t.Error("resolveCached(2026-03-29T00:58), 62 minutes before the change, does not answer")
	}
	rng := rand.New(rand.NewSource(2))
	base := NewDate(2026, time.January, 1)
	for range 50000 {
		ts := LocalTimestamp(base.AddDays(rng.Intn(365)), rng.Intn(24), rng.Intn(60))
		want, err := z.Resolve(ts)
		if got, ok := z.resolveCached(ts); ok && (err != nil || got != want) {
			t.Fatalf("resolveCached(%s) = %d, Resolve = %d, %v", ts, got, want, err)
		}
	}
}

// TestRecordJSON: a report marshals with its enums and timestamps as text,
// and reads back as it was.
func TestRecordJSON(t *testing.T) {
	r := Report{ID: "T1", Start: MustParseTimestamp("2026-03-29T01:30"), End: MustParseTimestamp("2026-03-29T03:30+02:00"),
		Staff: 2, Kind: Declined, Status: Pending}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	for _, want := range []string{`"Start":"2026-03-29T01:30"`, `"End":"2026-03-29T03:30+02:00"`, `"Kind":"declined"`, `"Status":"pending"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	var back Report
	require.NoError(t, json.Unmarshal(b, &back))
	if back != r {
		t.Errorf("read back %+v, want %+v", back, r)
	}
	if _, err := json.Marshal(Report{}); err == nil {
		t.Error("a report without a status or kind marshals")
	}
}

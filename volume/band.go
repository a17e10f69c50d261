package volume

import (
	"errors"
	"fmt"
)

// ErrClock is wrapped by the errors of ParseClock.
var ErrClock = errors.New("not a valid time of day")

// ParseClock parses a time of day HH:MM, 00:00 to 24:00, into minutes after
// midnight.
func ParseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("volume: ParseClock(%s): %w", Quote(s), ErrClock)
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("volume: ParseClock(%s): %w", Quote(s), ErrClock)
	}
	return h*60 + m, nil
}

// A BandRule matches the minutes from From to To (minutes after midnight,
// To up to 1440) on dates with one of the day types Days. When From >= To
// the rule wraps past midnight: it matches t >= From on a matching date and
// t < To on the date after a matching date (rules §4).
type BandRule struct {
	Days     DayTypes
	From, To int
}

func (r BandRule) matches(t int, today, yesterday DayTypes) bool {
	if r.From < r.To {
		return t >= r.From && t < r.To && today&r.Days != 0
	}
	return (t >= r.From && today&r.Days != 0) || (t < r.To && yesterday&r.Days != 0)
}

// A Band is a time band (tidsband) with its rules.
type Band struct {
	Code  string
	Rules []BandRule
}

// A Segment is a run of minutes [From, To) of one local date in one band,
// Band being the band's index in its Bands.
type Segment struct {
	From, To int
	Band     int
}

// Bands is an ordered list of time bands: a minute belongs to the first band
// with a matching rule. Bands is immutable and safe for concurrent use.
type Bands struct {
	bands []Band
}

// NewBands returns bands in priority order. It checks that every minute of
// an ordinary week (no holidays, eves or date sets) falls in some band;
// since more day types can only match more rules, every minute of every
// date then does.
func NewBands(bands []Band) (*Bands, error) {
	b := &Bands{bands: append([]Band(nil), bands...)}
	days := []DayTypes{Sun, Mon, Tue, Wed, Thu, Fri, Sat}
	for i, today := range days {
		yesterday := days[(i+6)%7]
		for _, s := range b.Layout(today|All, yesterday|All) {
			if s.Band < 0 {
				h, m := s.From/60, s.From%60
				return nil, fmt.Errorf("volume: no band covers %s %02d:%02d", weekdayNames[i], h, m)
			}
		}
	}
	return b, nil
}

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Len returns the number of bands.
func (b *Bands) Len() int { return len(b.bands) }

// Code returns the code of band i.
func (b *Bands) Code(i int) string { return b.bands[i].Code }

// Index returns the index of the band with code, or -1.
func (b *Bands) Index(code string) int {
	for i, band := range b.bands {
		if band.Code == code {
			return i
		}
	}
	return -1
}

// Band returns the index of the band of minute t (minutes after midnight) on
// a date with day types today whose previous date has yesterday, or -1.
func (b *Bands) Band(t int, today, yesterday DayTypes) int {
	for i, band := range b.bands {
		for _, r := range band.Rules {
			if r.matches(t, today, yesterday) {
				return i
			}
		}
	}
	return -1
}

// Layout returns the segments of a date with day types today whose previous
// date has yesterday, covering minutes 0 to 1440 in order. A segment of
// minutes no band matches has Band -1.
func (b *Bands) Layout(today, yesterday DayTypes) []Segment {
	// Band changes can only happen at rule edges.
	edges := map[int]bool{0: true}
	for _, band := range b.bands {
		for _, r := range band.Rules {
			if r.From < 1440 {
				edges[r.From] = true
			}
			if r.To < 1440 {
				edges[r.To] = true
			}
		}
	}
	var out []Segment
	for t := 0; t < 1440; {
		band := b.Band(t, today, yesterday)
		end := t + 1
		for end < 1440 && !edges[end] {
			end++
		}
		for end < 1440 && b.Band(end, today, yesterday) == band {
			end++
			for end < 1440 && !edges[end] {
				end++
			}
		}
		out = append(out, Segment{From: t, To: end, Band: band})
		t = end
	}
	return out
}

// A Splitter counts the minutes of instants in their time bands, in one
// zone and calendar. It caches the layout of each date it has seen, so it is
// not safe for concurrent use; give each goroutine its own.
type Splitter struct {
	bands *Bands
	cal   *Calendar
	zone  *Zone
	days  map[Date][]Segment
	// In front of days, the layouts of the dates last asked for, by the
	// date's number modulo its length: a month's dates never collide.
	recent [64]dayLayout

	// Within's window: the instants [winLo, winHi) of one local date in
	// one UTC offset's span, which ends at winSpanHi; winMidnight is the
	// date's midnight at that offset and winSegs its layout. Empty at
	// first (winLo = winHi).
	winLo, winHi, winSpanHi, winMidnight int64
	winSegs                              []Segment
}

// NewSplitter returns a Splitter for bands in zone, with the day types of cal.
func NewSplitter(bands *Bands, cal *Calendar, zone *Zone) *Splitter {
	return &Splitter{bands: bands, cal: cal, zone: zone, days: make(map[Date][]Segment)}
}

// DayLayout returns the band segments of local date d.
func (s *Splitter) DayLayout(d Date) []Segment {
	r := &s.recent[uint32(d.n)%uint32(len(s.recent))]
	if r.date == d && r.segs != nil {
		return r.segs
	}
	l, ok := s.days[d]
	if !ok {
		l = s.bands.Layout(s.cal.Types(d), s.cal.Types(d.AddDays(-1)))
		s.days[d] = l
	}
	*r = dayLayout{date: d, segs: l}
	return l
}

// dayLayout is a date's layout, in Splitter.recent.
type dayLayout struct {
	date Date
	segs []Segment
}

// Within reports whether the real minutes [from, to) (Unix minutes, from
// before to) all lie in one band, and which: Split would then call f once,
// with that band and to - from. It is the short way for the many visits
// that do not cross a band's edge, midnight or a change of UTC offset.
func (s *Splitter) Within(from, to int64) (band int, ok bool) {
	if from < s.winLo || from >= s.winHi {
		s.window(from)
	}
	// The layout's segments follow one another from midnight to midnight.
	tod := int(from - s.winMidnight)
	for _, seg := range s.winSegs {
		if tod < seg.To {
			return seg.Band, to > from && to <= s.winSpanHi && to-from <= int64(seg.To-tod)
		}
	}
	return -1, false
}

// window makes Within's window the one of instant u.
func (s *Splitter) window(u int64) {
	span := s.zone.span(u)
	day := floorDiv(u+span.off, 1440)
	s.winMidnight = day*1440 - span.off
	s.winLo, s.winHi = max(s.winMidnight, span.lo), min(s.winMidnight+1440, span.hi)
	s.winSpanHi = span.hi
	s.winSegs = s.DayLayout(DateFromUnixDays(day))
}

// Split calls f with each run of real minutes of [from, to) (Unix minutes)
// that lies in one band, in order: band index and minutes; consecutive
// runs are in different bands. Minutes are
// real elapsed minutes; the band of a minute is that of its local
// wall-clock time, so the repeated autumn hour counts twice in its band and
// the skipped spring hour not at all.
func (s *Splitter) Split(from, to int64, f func(band int, minutes int64)) {
	run, runBand := int64(0), -2
	for cur := from; cur < to; {
		span := s.zone.span(cur)
		local := cur + span.off
		day := DateFromUnixDays(floorDiv(local, 1440))
		tod := int(floorMod(local, 1440))
		next := min(to, span.hi)
		band := -1
		for _, seg := range s.DayLayout(day) {
			if tod >= seg.From && tod < seg.To {
				if e := cur + int64(seg.To-tod); e < next {
					next = e
				}
				band = seg.Band
				break
			}
		}
		if band != runBand && run > 0 {
			f(runBand, run)
			run = 0
		}
		runBand = band
		run += next - cur
		cur = next
	}
	if run > 0 {
		f(runBand, run)
	}
}

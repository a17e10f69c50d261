package volume

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Errors of timestamps. ParseTimestamp wraps ErrTimestamp; Zone.Resolve
// returns ErrAmbiguousTime and ErrNonexistentTime for wall-clock times that
// the zone repeats or skips.
var (
	ErrTimestamp       = errors.New("not a valid timestamp")
	ErrAmbiguousTime   = errors.New("ambiguous wall-clock time")
	ErrNonexistentTime = errors.New("nonexistent wall-clock time")
)

// A Timestamp is a reported point in time as the reporting system wrote it:
// a wall-clock date and minute, with or without a UTC offset. Seconds are
// dropped when parsing (rules §3). A Timestamp without an offset is local
// wall-clock time and becomes an instant only through a Zone, which is where
// repeated and skipped wall-clock times are found.
//
// Timestamps are comparable values. The zero Timestamp is not valid.
type Timestamp struct {
	date   Date
	minute int16 // minute of the day, 0..1439
	offset int16 // UTC offset in minutes, when hasOff
	hasOff bool
}

// ParseTimestamp parses YYYY-MM-DDTHH:MM[:SS[.fff]] with an optional offset
// "Z" or "±HH:MM". A space may stand for the T. Seconds are truncated.
func ParseTimestamp(s string) (Timestamp, error) {
	t, ok := parseTimestamp(s, nil)
	if !ok {
		return Timestamp{}, fmt.Errorf("volume: ParseTimestamp(%s): %w", Quote(s), ErrTimestamp)
	}
	return t, nil
}

// MustParseTimestamp is like ParseTimestamp but panics on error. It is meant
// for tests and hard-coded values.
func MustParseTimestamp(s string) Timestamp {
	t, err := ParseTimestamp(s)
	if err != nil {
		panic(err)
	}
	return t
}

func parseTimestamp(s string, dates *dateMemo) (Timestamp, bool) {
	if len(s) < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' {
		return Timestamp{}, false
	}
	d, ok := dates.parse(s[:10])
	if !ok {
		return Timestamp{}, false
	}
	h, ok1 := digits(s[11:13])
	m, ok2 := digits(s[14:16])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return Timestamp{}, false
	}
	ts := Timestamp{date: d, minute: int16(h*60 + m)}
	rest := s[16:]
	if len(rest) >= 3 && rest[0] == ':' {
		sec, ok := digits(rest[1:3])
		if !ok || sec > 60 {
			return Timestamp{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && rest[0] == '.' {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			if i == 1 {
				return Timestamp{}, false
			}
			rest = rest[i:]
		}
	}
	switch {
	case rest == "":
	case rest == "Z" || rest == "z":
		ts.hasOff = true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits(rest[1:3])
		om, ok2 := digits(rest[4:6])
		if !ok1 || !ok2 || oh > 18 || om > 59 {
			return Timestamp{}, false
		}
		off := oh*60 + om
		if rest[0] == '-' {
			off = -off
		}
		ts.hasOff, ts.offset = true, int16(off)
	default:
		return Timestamp{}, false
	}
	return ts, true
}

// TimestampOf returns the timestamp of t, truncated to the minute, with t's
// UTC offset.
func TimestampOf(t time.Time) Timestamp {
	_, off := t.Zone()
	y, mo, d := t.Date()
	return Timestamp{
		date:   NewDate(y, mo, d),
		minute: int16(t.Hour()*60 + t.Minute()),
		offset: int16(off / 60),
		hasOff: true,
	}
}

// LocalTimestamp returns a wall-clock timestamp without an offset.
func LocalTimestamp(d Date, hour, minute int) Timestamp {
	return Timestamp{date: d, minute: int16(hour*60 + minute)}
}

// IsZero reports whether t is the zero Timestamp.
func (t Timestamp) IsZero() bool { return t.date.IsZero() }

// Date returns the wall-clock date written in t. For a timestamp with an
// offset that is the date at that offset, which need not be the local date;
// Zone.LocalDate gives that.
func (t Timestamp) Date() Date { return t.date }

// Clock returns the hour and minute written in t.
func (t Timestamp) Clock() (hour, minute int) { return int(t.minute) / 60, int(t.minute) % 60 }

// Offset returns t's UTC offset in minutes and whether it has one.
func (t Timestamp) Offset() (minutes int, ok bool) { return int(t.offset), t.hasOff }

// String returns t as YYYY-MM-DDTHH:MM with its offset, if any.
func (t Timestamp) String() string {
	if t.IsZero() {
		return ""
	}
	h, m := t.Clock()
	s := fmt.Sprintf("%sT%02d:%02d", t.date, h, m)
	if t.hasOff {
		if t.offset == 0 {
			return s + "Z"
		}
		o, sign := int(t.offset), '+'
		if o < 0 {
			o, sign = -o, '-'
		}
		s += fmt.Sprintf("%c%02d:%02d", sign, o/60, o%60)
	}
	return s
}

// MarshalText implements encoding.TextMarshaler: t as String writes it,
// "" for the zero Timestamp.
func (t Timestamp) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, as ParseTimestamp;
// "" is the zero Timestamp.
func (t *Timestamp) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = Timestamp{}
		return nil
	}
	v, err := ParseTimestamp(string(b))
	if err == nil {
		*t = v
	}
	return err
}

// AppendBinary appends t to b in 8 bytes (encoding.BinaryAppender), so
// that records can be spilled to disk between passes and read back with
// UnmarshalBinary exactly as they were written.
func (t Timestamp) AppendBinary(b []byte) ([]byte, error) {
	m := uint16(t.minute)
	if t.hasOff {
		m |= 1 << 15
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(t.date.n))
	b = binary.LittleEndian.AppendUint16(b, m)
	return binary.LittleEndian.AppendUint16(b, uint16(t.offset)), nil
}

// UnmarshalBinary sets t from the 8 bytes AppendBinary wrote. Bytes that
// AppendBinary cannot have written give an error that quotes them.
func (t *Timestamp) UnmarshalBinary(data []byte) error {
	if len(data) != 8 {
		return fmt.Errorf("volume: Timestamp.UnmarshalBinary(%x): want 8 bytes", string(data))
	}
	n := int32(binary.LittleEndian.Uint32(data))
	m := binary.LittleEndian.Uint16(data[4:])
	off := int16(binary.LittleEndian.Uint16(data[6:]))
	x := Timestamp{date: Date{n: n}, minute: int16(m &^ (1 << 15)), offset: off, hasOff: m&(1<<15) != 0}
	if n < 0 || x.minute >= 1440 || off <= -1440 || off >= 1440 || (!x.hasOff && off != 0) ||
		(n == 0 && (x.minute != 0 || x.hasOff)) {
		return fmt.Errorf("volume: Timestamp.UnmarshalBinary(%x): not a timestamp", string(data))
	}
	*t = x
	return nil
}

// wall returns t's wall-clock minutes since 1970-01-01T00:00.
func (t Timestamp) wall() int64 { return t.date.UnixDays()*1440 + int64(t.minute) }

// A Zone turns timestamps into instants and instants into local wall-clock
// time for one *time.Location, caching the offset in force so that the hot
// path does not ask the location for every visit. Instants are counted in
// Unix minutes (minutes since 1970-01-01T00:00Z).
//
// A Zone is not safe for concurrent use; give each goroutine its own. The
// zero Zone is not usable; use NewZone.
type Zone struct {
	loc   *time.Location
	spans [zoneSpans]zoneSpan // the offsets last asked for, most recent first
	n     int                 // spans in use
}

// A zoneSpan is an offset and the Unix minutes [lo, hi) it holds for: the
// minutes whose first second is in the offset's span of seconds.
type zoneSpan struct {
	lo, hi int64
	off    int64 // minutes, rounded down
	// A wall-clock time whose instant at off is margin or more inside
	// the span has no other instant (see resolveCached).
	margin int64
}

// zoneSpans is how many offsets a Zone keeps: a month that crosses a
// change of offset asks for the two either side of it in turn.
const zoneSpans = 4

// NewZone returns a Zone for loc. A nil loc is UTC.
func NewZone(loc *time.Location) *Zone {
	if loc == nil {
		loc = time.UTC
	}
	return &Zone{loc: loc}
}

// Location returns the zone's location.
func (z *Zone) Location() *time.Location { return z.loc }

// span returns the span of the offset in force at Unix minute u, moved
// to the front of z.spans.
func (z *Zone) span(u int64) *zoneSpan {
	if z.n > 0 && u >= z.spans[0].lo && u < z.spans[0].hi {
		return &z.spans[0]
	}
	for i := 1; i < z.n; i++ {
		if s := z.spans[i]; u >= s.lo && u < s.hi {
			copy(z.spans[1:i+1], z.spans[:i])
			z.spans[0] = s
			return &z.spans[0]
		}
	}
	t := time.Unix(u*60, 0).In(z.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	s := zoneSpan{lo: math.MinInt64, hi: math.MaxInt64, off: floorDiv(int64(off), 60)}
	if !start.IsZero() {
		s.lo = floorDiv(start.Unix()+59, 60)
		s.margin = max(s.margin, z.neighbourMargin(start.Add(-time.Second), s.off))
	}
	if !end.IsZero() {
		s.hi = floorDiv(end.Unix()+59, 60)
		s.margin = max(s.margin, z.neighbourMargin(end, s.off))
	}
	z.n = min(z.n+1, zoneSpans)
	copy(z.spans[1:z.n], z.spans[:z.n-1])
	z.spans[0] = s
	return &z.spans[0]
}

// neighbourMargin returns how far inside a span of offset off an instant
// must be for a wall-clock time at off to have no instant in the span next
// to it, the one of instant t: the two offsets apart, plus a minute for
// offsets of seconds, when that span is two days long or more (no two
// offsets are as far apart, so the spans past it are out of reach);
// else a day and a minute, to be sure.
func (z *Zone) neighbourMargin(t time.Time, off int64) int64 {
	t = t.In(z.loc)
	_, o := t.Zone()
	start, end := t.ZoneBounds()
	if start.IsZero() || end.IsZero() || end.Sub(start) >= 48*time.Hour {
		return abs(off-floorDiv(int64(o), 60)) + 1
	}
	return 1441
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// OffsetMinutes returns the UTC offset in whole minutes in force at the
// instant u (Unix minutes).
func (z *Zone) OffsetMinutes(u int64) int64 { return z.span(u).off }

// NextChange returns the first Unix minute after u at which the offset
// changes, or math.MaxInt64 when it never does.
func (z *Zone) NextChange(u int64) int64 { return z.span(u).hi }

// Local returns the local wall-clock minutes since 1970-01-01T00:00 of the
// instant u.
func (z *Zone) Local(u int64) int64 { return u + z.OffsetMinutes(u) }

// LocalDate returns the local date of the instant u.
func (z *Zone) LocalDate(u int64) Date {
	return DateFromUnixDays(floorDiv(z.Local(u), 1440))
}

// resolveCached is Resolve's fast path: for a wall-clock time a day or
// more inside the span of the offset the zone last used, its instant and
// true; for any other, false, and resolveSlow is to be asked.
func (z *Zone) resolveCached(t Timestamp) (int64, bool) {
	s := &z.spans[0]
	u := t.wall() - s.off
	return u, z.n > 0 && !t.hasOff && u >= s.lo+s.margin && u < s.hi-s.margin
}

// Resolve returns the instant of t in Unix minutes. A timestamp without an
// offset is local wall-clock time: one the zone repeats (the autumn hour)
// gives ErrAmbiguousTime, one it skips (the spring gap) ErrNonexistentTime.
func (z *Zone) Resolve(t Timestamp) (int64, error) {
	// The fast path, small enough to be inlined: inside the cached
	// offset's span and more than a day from either end of it, no other
	// offset can reach this wall time.
	if u, ok := z.resolveCached(t); ok {
		return u, nil
	}
	return z.resolveSlow(t)
}

// resolveSlow is Resolve of a time the cached offset does not answer.
func (z *Zone) resolveSlow(t Timestamp) (int64, error) {
	w := t.wall()
	if t.hasOff {
		return w - int64(t.offset), nil
	}
	// The same inside another offset kept: a month that crosses a change
	// asks for the two in turn.
	for i := 1; i < z.n; i++ {
		if s := z.spans[i]; w-s.off >= s.lo+s.margin && w-s.off < s.hi-s.margin {
			copy(z.spans[1:i+1], z.spans[:i])
			z.spans[0] = s
			return w - s.off, nil
		}
	}
	// Candidate offsets: those in force a day either side and at w itself.
	var found [3]int64
	n := 0
	for _, probe := range [3]int64{w, w - 1440, w + 1440} {
		o := z.OffsetMinutes(probe)
		u := w - o
		if z.OffsetMinutes(u) != o {
			continue
		}
		dup := false
		for i := 0; i < n; i++ {
			dup = dup || found[i] == u
		}
		if !dup {
			found[n] = u
			n++
		}
	}
	switch n {
	case 0:
		return 0, ErrNonexistentTime
	case 1:
		return found[0], nil
	}
	return 0, ErrAmbiguousTime
}

// Instant returns the Unix minute u as a time.Time in the zone's location.
func (z *Zone) Instant(u int64) time.Time { return time.Unix(u*60, 0).In(z.loc) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

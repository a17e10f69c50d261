package volume_test

import (
	"fmt"
	"time"

	"github.com/exempelby/ersattning/volume"
)

// Wall-clock times become instants through a Zone, which knows the
// repeated and the skipped hour.
func ExampleZone_Resolve() {
	loc, _ := time.LoadLocation("Europe/Stockholm")
	z := volume.NewZone(loc)
	for _, s := range []string{"2026-10-25T01:30", "2026-10-25T02:30", "2026-10-25T02:30+01:00", "2026-03-29T02:30"} {
		u, err := z.Resolve(volume.MustParseTimestamp(s))
		if err != nil {
			fmt.Println(s, err)
			continue
		}
		fmt.Println(s, z.Instant(u).UTC().Format(time.RFC3339))
	}
	// Output:
	// 2026-10-25T01:30 2026-10-24T23:30:00Z
	// 2026-10-25T02:30 ambiguous wall-clock time
	// 2026-10-25T02:30+01:00 2026-10-25T01:30:00Z
	// 2026-03-29T02:30 nonexistent wall-clock time
}

// The Swedish public holidays and eves of rules §3.
func ExampleSwedishHoliday() {
	p := volume.MustParsePeriod("2026-04")
	for d := p.First(); !d.After(p.Last()); d = d.AddDays(1) {
		if name, ok := volume.SwedishHoliday(d); ok {
			fmt.Println(d, name)
		}
		if name, ok := volume.SwedishEve(d); ok {
			fmt.Println(d, name, "(eve)")
		}
	}
	// Output:
	// 2026-04-03 långfredagen
	// 2026-04-04 påskafton (eve)
	// 2026-04-05 påskdagen
	// 2026-04-06 annandag påsk
}

// A Splitter counts the real minutes of a visit in its time bands: the
// night of the spring DST change has one hour less.
func ExampleSplitter() {
	loc, _ := time.LoadLocation("Europe/Stockholm")
	bands, err := volume.NewBands([]volume.Band{
		{Code: "natt", Rules: []volume.BandRule{{Days: volume.All, From: 22 * 60, To: 7 * 60}}},
		{Code: "dag", Rules: []volume.BandRule{{Days: volume.All, From: 7 * 60, To: 22 * 60}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	z := volume.NewZone(loc)
	s := volume.NewSplitter(bands, nil, z)
	from, _ := z.Resolve(volume.MustParseTimestamp("2026-03-28T21:00"))
	to, _ := z.Resolve(volume.MustParseTimestamp("2026-03-29T08:00"))
	s.Split(from, to, func(band int, minutes int64) { fmt.Println(bands.Code(band), minutes) })
	// Output:
	// dag 60
	// natt 480
	// dag 60
}

package reimbursement

import (
	"fmt"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

type rateCacheKey struct {
	profile   int32
	component string
	band      int16
	date      volume.Date
}

// rateAt returns the rate row for decision ds's attributes, component and
// band (-1: none) on date, or -1.
func (s *Settler) rateAt(ds *decState, component string, band int, date volume.Date) int {
	// The hot path: a date of the period, a component of the tariff, looked
	// up once per profile in a table without hashing.
	return s.rateIn(s.rateRow(ds, component, date), ds, component, band, date)
}

// rateIn is rateAt with the date's rate rows row (rateRow's) at hand.
func (s *Settler) rateIn(row []int32, ds *decState, component string, band int, date volume.Date) int {
	if uint(band+1) >= uint(len(row)) { // no row, or no such band
		return s.rateSlow(ds, component, band, date)
	}
	if row[band+1] == -2 {
		row[band+1] = int32(s.rateSlow(ds, component, band, date))
	}
	return int(row[band+1])
}

// rateRow returns the rate rows rateAt has found for ds, component and
// date, by band + 1 (0: no band), -2 where not yet looked up; or nil when
// the date is not of the period or the component not of the tariff.
func (s *Settler) rateRow(ds *decState, component string, date volume.Date) []int32 {
	rows, width := s.rateRows(ds, component)
	return dayRow(rows, width, s.dayIndex(date))
}

// rateRows returns rateRow's rows of every day of the period, one after
// the other, width to a day; or nil when the component is not of the
// tariff.
func (s *Settler) rateRows(ds *decState, component string) (rows []int32, width int) {
	slot := int32(0)
	if component != componentBase {
		var ok bool
		if slot, ok = s.compSlot[component]; !ok {
			return nil, 0
		}
	}
	k := int(ds.profile)*len(s.compSlot) + int(slot)
	if k >= len(s.dense) {
		s.dense = append(s.dense, make([][]int32, k+1-len(s.dense))...)
	}
	width = s.t.bandSet.Len() + 1
	rows = s.dense[k]
	if rows == nil {
		rows = make([]int32, s.period.Days()*width)
		for i := range rows {
			rows[i] = -2
		}
		s.dense[k] = rows
	}
	return rows, width
}

// dayRate returns the rate row of no band on day di that rateRows' rows
// (width a day, ndays days) hold, found before, or -2: rateIn's first
// look, without the division dayRow makes, for the loops over days.
func dayRate(rows []int32, width, ndays, di int) int {
	if uint(di) < uint(ndays) {
		return int(rows[di*width])
	}
	return -2
}

// dayRow returns the row of day di (of the period) of rateRows' rows, or
// nil when there is no such day.
func dayRow(rows []int32, width, di int) []int32 {
	if di < 0 || width == 0 || di >= len(rows)/width {
		return nil
	}
	return rows[di*width : (di+1)*width]
}

func (s *Settler) rateSlow(ds *decState, component string, band int, date volume.Date) int {
	k := rateCacheKey{profile: ds.profile, component: component, band: int16(band), date: date}
	if r, ok := s.rateCache[k]; ok {
		return int(r)
	}
	q := rateQuery{service: ds.d.Service, component: component, level: ds.d.Level,
		extent: ds.d.Extent, area: ds.d.Area, regime: s.providers[ds.prov].Regime}
	if band >= 0 {
		q.band = s.t.bandSet.Code(band)
	}
	r := s.t.rate(q, date)
	s.rateCache[k] = int32(r)
	return r
}

// describeRate names the rate row that ds lacks for a component and band,
// as its tariff-gap issue says.
func (s *Settler) describeRate(ds *decState, component string, band int) string {
	// The text depends on the decision's profile only (its service, level,
	// extent, area and regime): a month whose rates were not entered makes
	// it for every visit.
	k := gapKey{profile: ds.profile, component: component, band: band}
	if msg, ok := s.gapText[k]; ok {
		return msg
	}
	if s.gapText == nil {
		s.gapText = map[gapKey]string{}
	}
	s.gapText[k] = s.rateText(ds, component, band)
	return s.gapText[k]
}

type gapKey struct {
	profile   int32
	component string
	band      int
}

func (s *Settler) rateText(ds *decState, component string, band int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "no rate for service %s, component %s", ds.d.Service, component)
	if band >= 0 {
		fmt.Fprintf(&b, ", band %s", s.t.bandSet.Code(band))
	}
	for _, kv := range [][2]string{{"level", ds.d.Level}, {"extent", ds.d.Extent}, {"area", ds.d.Area}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, ", %s %s", kv[0], kv[1])
		}
	}
	fmt.Fprintf(&b, ", regime %s", s.providers[ds.prov].Regime)
	return b.String()
}

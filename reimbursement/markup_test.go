package reimbursement_test

import (
	"bytes"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// perUnitTariff is Kristianstad's momsersättning: 5.00 kr an hour in
// tätort (and, here, glesbygd), 8.00 kr in landsbygd, for private
// providers of HT, beside a percent markup; HT pays 600 kr/h until March 15
// and 612 kr/h from the 16th.
const perUnitTariff = `{"name": "per unit", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
  "default_band": "dag",
  "services": [{"code": "HT", "unit": "hour", "declined_percent": "50"}, {"code": "LARM", "unit": "month"}],
  "rates": [
    {"service": "HT", "band": "dag", "from": "2026-01-01", "to": "2026-03-15", "price": "600.00"},
    {"service": "HT", "band": "dag", "from": "2026-03-16", "price": "612.00"},
    {"service": "LARM", "from": "2026-01-01", "price": "310.00"}
  ],
  "markups": [
    {"code": "moms", "per_unit": "5.00", "area": "tatort", "regimes": ["private"], "services": ["HT"]},
    {"code": "moms", "per_unit": "8.00", "area": "landsbygd", "regimes": ["private"], "services": ["HT"]},
    {"code": "moms", "per_unit": "5.00", "area": "glesbygd", "regimes": ["private"], "services": ["HT"]},
    {"code": "moms", "per_unit": "5.00", "area": "ingenstans", "regimes": ["private"], "services": ["HT"]},
    {"code": "larm", "per_unit": "2.00", "regimes": ["private"], "services": ["LARM"]},
    {"code": "overhead", "percent": "-1", "regimes": ["private"]}
  ]}`

// TestPerUnitMarkup: rules §9, worked by hand. The base minutes of HT by
// area, whatever their rate row: tätort 120 + 90 + 45 = 255 and glesbygd
// 30 (one code, one price: one line of 285 minutes, 285 × 5.00 / 60 =
// 23.75), landsbygd 60 (60 × 8.00 / 60 = 8.00); the declined visit does
// not count, nor does an area with no decisions. LARM, prorated: March
// 10–31 is 22 days of 31 (22 × 2.00 / 31 = 1.419… → 1.42).
func TestPerUnitMarkup(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(perUnitTariff), "tariff.json")
	require.NoError(t, err)
	st := rt.Settle(t, tariff, "2026-03", reimbursement.Input{Providers: rt.Providers("P1 private", "P2 municipal"),
		Decisions: []reimbursement.Decision{
			rt.Decision("D1 R1 P1 HT 2026-03-01.. 100/month area=tatort"),
			rt.Decision("D2 R2 P1 HT 2026-03-01.. 100/month area=landsbygd"),
			rt.Decision("D3 R3 P1 HT 2026-03-01.. 100/month area=tatort"),
			rt.Decision("D4 R4 P1 HT 2026-03-01.. 100/month area=glesbygd"),
			rt.Decision("D5 R5 P1 LARM 2026-03-10.."),
			rt.Decision("D6 R6 P2 HT 2026-03-01.. 100/month area=tatort"), // municipal: no markup
		},
		Reports: rt.Reports(
			"V1 R1 P1 HT 2026-03-10T08:00 10:00", // 120 min at 600
			"V2 R1 P1 HT 2026-03-20T08:00 09:30", // 90 min at 612
			"V3 R2 P1 HT 2026-03-12T08:00 09:00", // 60 min at 600
			"V4 R3 P1 HT 2026-03-18T10:00 10:45", // 45 min at 612
			"V5 R3 P1 HT 2026-03-19T08:00 08:30 declined",
			"V6 R4 P1 HT 2026-03-05T08:00 08:30", // 30 min at 600
			"V7 R6 P2 HT 2026-03-05T08:00 09:00",
		)})
	p, ok := st.Provider("P1")
	require.True(t, ok)
	var got []string
	for _, l := range p.Lines {
		if l.Recipient == "" {
			got = append(got, fmt.Sprintf("%s %s %s %s × %s / %s = %s", l.Service, l.Component, l.Unit, l.Quantity, l.Price, l.Divisor, l.Amount.StringFixed(2)))
		}
	}
	// HT lines: 1200.00 + 918.00 + 600.00 + 459.00 + 153.00 (declined,
	// 30 × 612 × 0.5 / 60) + 300.00 = 3630.00; overhead −1 % = −36.30.
	// LARM: 22 × 310.00 / 31 = 220.00; overhead −2.20.
	require.Equal(t, []string{
		"HT markup:moms minute 285 × 5 / 60 = 23.75",
		"HT markup:moms minute 60 × 8 / 60 = 8.00",
		"HT markup:overhead SEK 3630 × 1 / 1 = -36.30",
		"LARM markup:larm day 22 × 2 / 31 = 1.42",
		"LARM markup:overhead SEK 220 × 1 / 1 = -2.20",
	}, got)
	municipal, _ := st.Provider("P2")
	for _, l := range municipal.Lines {
		require.NotContains(t, l.Component, "markup", "a municipal provider's %v", l)
	}
}

// TestPerUnitMarkupInParts: per-unit markups of many recipients in
// several areas settle in parts to the bytes of the whole month, in every
// format.
func TestPerUnitMarkupInParts(t *testing.T) {
	var decisions, reports bytes.Buffer
	decisions.WriteString("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n")
	reports.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	areas := []string{"tatort", "landsbygd", "glesbygd", ""}
	for r := range 80 {
		fmt.Fprintf(&decisions, "D%d,R%02d,P1,HT,2026-03-01,,100,month,,,%s,,\n", r, r, areas[r%len(areas)])
		fmt.Fprintf(&reports, "V%d,R%02d,P1,HT,2026-03-%02dT08:00,2026-03-%02dT09:%02d,1,visit,approved\n", r, r, 1+r%28, 1+r%28, r%60)
	}
	fsys := fstest.MapFS{
		"tariff.json":   {Data: []byte(perUnitTariff)},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: decisions.Bytes()},
		"reports.csv":   {Data: reports.Bytes()},
	}
	require.Greater(t, checkStreamed(t, "per-unit markups", fsys, volume.MustParsePeriod("2026-03")), 1)
}

// TestMarkupTariff: a markup has a percent or a per_unit, and only a
// per-unit markup an area.
func TestMarkupTariff(t *testing.T) {
	for path, markup := range map[string]string{
		"markups[0]":         `{"code": "m", "percent": "1", "per_unit": "5.00"}`,
		"markups[0].percent": `{"code": "m"}`,
		"markups[0].area":    `{"code": "m", "percent": "1", "area": "tatort"}`,
	} {
		_, err := reimbursement.ParseTariff([]byte(`{"name": "x", `+bandsOK+`, "services": [], "rates": [], "markups": [`+markup+`]}`), "tariff.json")
		require.ErrorContains(t, err, path+":")
	}
}

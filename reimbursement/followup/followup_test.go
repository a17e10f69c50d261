package followup_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/followup"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// TestMeasure: decisions fall in the bands of performed ÷ granted at
// their edges as the package says (50 % is 50–80, 80 % and 100 % are
// 80–100), one without granted time has no share, and the sums and
// shares are the decisions' own.
func TestMeasure(t *testing.T) {
	perf := []reimbursement.Performance{
		{Decision: "D1", Provider: "P1", Service: "HT", Granted: 240, Performed: 265, Paid: 240}, // 110.4 %: over 100
		{Decision: "D2", Provider: "P1", Service: "HT", Granted: 600, Performed: 299, Paid: 299}, // 49.8 %: under 50
		{Decision: "D3", Provider: "P1", Service: "HT", Granted: 600, Performed: 300, Paid: 300}, // 50 %: 50-80
		{Decision: "D4", Provider: "P1", Service: "HT", Granted: 600, Performed: 480, Paid: 480}, // 80 %: 80-100
		{Decision: "D5", Provider: "P2", Service: "HT", Granted: 600, Performed: 600, Paid: 600}, // 100 %: 80-100
		{Decision: "D6", Provider: "P2", Service: "HT", Granted: 0, Performed: 30, Paid: 0},      // nothing granted
	}
	r := followup.Measure(volume.MustParsePeriod("2026-03"), perf, map[string]string{"P1": "Omsorgsbolaget AB"})
	require.Len(t, r.Groups, 2)
	p1 := r.Groups[0]
	if p1.Bands != [4]int{1, 1, 1, 1} || p1.Granted != 2040 || p1.Performed != 1344 || p1.Name != "Omsorgsbolaget AB" {
		t.Errorf("P1 %+v", p1)
	}
	// 1344 / 2040 = 65.88… % → 65.9; paid 1319 / 2040 = 64.66… → 64.7.
	if s, _ := p1.PerformedShare(); s.String() != "65.9" {
		t.Errorf("P1 performed %s %%", s)
	}
	if s, _ := p1.PaidShare(); s.String() != "64.7" {
		t.Errorf("P1 paid %s %%", s)
	}
	if r.Total.Bands != [4]int{1, 1, 2, 1} || r.Total.NotGranted != 1 || r.Total.Decisions != 6 {
		t.Errorf("total %+v", r.Total)
	}
	var text, js, csvsv bytes.Buffer
	require.NoError(t, r.WriteText(&text, statement.Swedish))
	require.NoError(t, r.WriteJSON(&js))
	require.NoError(t, r.WriteCSV(&csvsv, true))
	for _, w := range []string{"Utförandegrad 2026-03", "P1 Omsorgsbolaget AB", "34 tim", "65,9 %", "Kommunen"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("the text lacks %q:\n%s", w, text.String())
		}
	}
	if !strings.Contains(js.String(), `"performed_percent": "65.9"`) || !strings.HasPrefix(csvsv.String(), "\ufeffUtförare;") {
		t.Errorf("json or csv-sv:\n%s\n%s", js.String(), csvsv.String())
	}
}

const ledsTariff = `{"name": "%s", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
	"default_band": "dag", "services": [{"code": "LEDS", "name": "Ledsagning", "unit": "hour"}],
	"rates": [{"service": "LEDS", "from": "2026-01-01", "price": "%s"}]}`

// TestWhatIf: the same records under today's tariff (450 kr an hour) and
// a proposed one (460): March has 150 minutes (1 125,00 → 1 150,00),
// April 30 (225,00 → 230,00); the two periods sum to 1 350,00 → 1 380,00,
// a difference of 30,00.
func TestWhatIf(t *testing.T) {
	today := reimbursement.MustParseTariff(fmt.Sprintf(ledsTariff, "I dag", "450"))
	proposed := reimbursement.MustParseTariff(fmt.Sprintf(ledsTariff, "Förslag", "460"))
	in := reimbursement.Input{Providers: rt.Providers("P1 private"),
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")},
		Reports: rt.Reports("T1 R1 P1 LEDS 2026-03-03T10:00 11:00", "T2 R1 P1 LEDS 2026-03-04T10:00 11:30",
			"T3 R1 P1 LEDS 2026-04-07T10:00 10:30")}
	dir := t.TempDir()
	require.NoError(t, reimbursement.WriteBundle(dir, []byte(fmt.Sprintf(ledsTariff, "I dag", "450")), in))
	c, err := followup.WhatIf(os.DirFS(dir), today, proposed,
		[]volume.Period{volume.MustParsePeriod("2026-03"), volume.MustParsePeriod("2026-04")}, reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	if got := fmt.Sprint(c.Total.Today.StringFixed(2), " ", c.Total.New.StringFixed(2), " ", c.Total.Difference.StringFixed(2)); got != "1350.00 1380.00 30.00" {
		t.Errorf("total %s", got)
	}
	if len(c.Rows) != 1 || c.Rows[0].Service != "LEDS" || !c.Rows[0].Difference.Equal(c.Total.Difference) {
		t.Errorf("rows %+v", c.Rows)
	}
	var text bytes.Buffer
	require.NoError(t, c.WriteText(&text, statement.Swedish))
	if !strings.Contains(text.String(), "1 350,00  1 380,00     30,00") {
		t.Errorf("text:\n%s", text.String())
	}
}

// Example sums the follow-up of two decisions: how much of the granted
// time was performed, and how it was paid.
func Example() {
	perf := []reimbursement.Performance{
		{Decision: "D1", Provider: "P1", Service: "HT", Granted: 240, Performed: 265, Paid: 240},
		{Decision: "D2", Provider: "P1", Service: "HT", Granted: 600, Performed: 300, Paid: 300},
	}
	r := followup.Measure(volume.MustParsePeriod("2026-03"), perf, nil)
	performed, _ := r.Total.PerformedShare()
	paid, _ := r.Total.PaidShare()
	fmt.Printf("granted %d min, performed %d (%s %%), paid %d (%s %%)\n", r.Total.Granted, r.Total.Performed, performed, r.Total.Paid, paid)
	fmt.Println("decisions under 50 %, 50-80 %, 80-100 %, over 100 %:", r.Total.Bands)
	// Output:
	// granted 840 min, performed 565 (67.3 %), paid 540 (64.3 %)
	// decisions under 50 %, 50-80 %, 80-100 %, over 100 %: [0 1 0 1]
}

// ExampleCompare compares a month under today's tariff and a proposed
// one: 150 minutes of ledsagning at 450 and at 460 kr an hour.
func ExampleCompare() {
	in := reimbursement.Input{Providers: rt.Providers("P1 private"),
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01..")},
		Reports:   rt.Reports("T1 R1 P1 LEDS 2026-03-03T10:00 11:00", "T2 R1 P1 LEDS 2026-03-04T10:00 11:30")}
	opt := reimbursement.Options{Location: rt.Stockholm()}
	march := volume.MustParsePeriod("2026-03")
	today, _ := reimbursement.Settle(reimbursement.MustParseTariff(fmt.Sprintf(ledsTariff, "I dag", "450")), march, in, opt)
	proposed, _ := reimbursement.Settle(reimbursement.MustParseTariff(fmt.Sprintf(ledsTariff, "Förslag", "460")), march, in, opt)
	c, err := followup.Compare([]*reimbursement.Settlement{today}, []*reimbursement.Settlement{proposed})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range c.Rows {
		fmt.Println(r.Provider, r.Service, r.Today.StringFixed(2), r.New.StringFixed(2), r.Difference.StringFixed(2))
	}
	// Output:
	// P1 LEDS 1125.00 1150.00 25.00
}

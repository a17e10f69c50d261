package reimbursement

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/exempelby/ersattning/volume"
)

// checkRatesSlow is the plain rule of checkRates, every pair of rows
// compared: the reference the grouped check is tested against.
func checkRatesSlow(t *Tariff) (bad map[int]bool) {
	bad = map[int]bool{}
	for _, idx := range t.ratesOf {
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				a, b := &t.rates[idx[x]], &t.rates[idx[y]]
				if a.keys() != b.keys() || !compatible(a, b) {
					continue
				}
				from, to, ok := overlapDates(a, b)
				if !ok || coveredSlow(t, idx, a, b, from, to) {
					continue
				}
				bad[idx[x]], bad[idx[y]] = true, true
			}
		}
	}
	return bad
}

// coveredSlow is resolved, looking at every row of the service.
func coveredSlow(t *Tariff, idx []int, a, b *Rate, from, to volume.Date) bool {
	pick := func(x, y string) string {
		if x != "" {
			return x
		}
		return y
	}
	want := Rate{Component: pick(a.Component, b.Component), Band: pick(a.Band, b.Band),
		Level: pick(a.Level, b.Level), Extent: pick(a.Extent, b.Extent), Area: pick(a.Area, b.Area), Regime: a.Regime}
	if want.Regime == AnyRegime {
		want.Regime = b.Regime
	}
	if want.keys() == a.keys() {
		return false
	}
	for _, i := range idx {
		c := &t.rates[i]
		covers := func(x, y string) bool { return x == "" || x == y }
		if c.keys() > a.keys() && covers(c.Component, want.Component) && covers(c.Band, want.Band) &&
			covers(c.Level, want.Level) && covers(c.Extent, want.Extent) && covers(c.Area, want.Area) &&
			(c.Regime == AnyRegime || c.Regime == want.Regime) &&
			!c.From.After(from) && (c.To.IsZero() || (!to.IsZero() && !c.To.Before(to))) {
			return true
		}
	}
	return false
}

// TestCheckRatesAgainstPairs: on random small tariffs, the grouped check
// rejects a tariff exactly when comparing every pair would, and names
// only rows of a pair that ties.
func TestCheckRatesAgainstPairs(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	pick := func(vals ...string) string { return vals[rng.Intn(len(vals))] }
	rejected := 0
	for run := 0; run < 3000; run++ {
		var rows []string
		for n := 1 + rng.Intn(7); n > 0; n-- {
			from := volume.NewDate(2026, time.Month(1+rng.Intn(4)), 1)
			row := fmt.Sprintf(`{"service": "HT", "from": %q, "price": "1"`, from)
			if rng.Intn(3) > 0 {
				row += fmt.Sprintf(`, "to": %q`, from.AddDays(rng.Intn(80)))
			}
			if b := pick("", "", "dag", "natt"); b != "" {
				row += fmt.Sprintf(`, "band": %q`, b)
			}
			if l := pick("", "", "a", "b"); l != "" {
				row += fmt.Sprintf(`, "level": %q`, l)
			}
			if r := pick("", "", "private", "municipal"); r != "" {
				row += fmt.Sprintf(`, "regime": %q`, r)
			}
			rows = append(rows, row+"}")
		}
		src := `{"name": "x", "bands": [{"code": "natt", "rules": [{"days": ["all"], "from": "22:00", "to": "07:00"}]},
			{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}], "default_band": "dag",
			"services": [{"code": "HT", "unit": "hour"}], "rates": [` + strings.Join(rows, ",") + `]}`
		dec := json.NewDecoder(strings.NewReader(src))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		w := &walker{}
		tariff := w.tariff(doc) // checks the rates, grouped
		if tariff == nil {
			t.Fatalf("run %d: the tariff does not parse: %v", run, w.problems)
		}
		slow := checkRatesSlow(tariff)
		if len(slow) > 0 {
			rejected++
		}
		if (len(w.problems) > 0) != (len(slow) > 0) {
			t.Fatalf("run %d: grouped check %v, pairs %v\n%s", run, w.problems, slow, src)
		}
		for _, p := range w.problems {
			var i int
			fmt.Sscanf(p.Path, "rates[%d]", &i)
			if !slow[i] {
				t.Fatalf("run %d: %s: %s, not a row of a pair that ties\n%s", run, p.Path, p.Message, src)
			}
		}
	}
	if rejected < 300 || rejected > 2700 {
		t.Errorf("%d of 3000 random tariffs rejected: the runs do not test both outcomes", rejected)
	}
}

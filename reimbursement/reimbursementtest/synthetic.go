package reimbursementtest

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	"github.com/exempelby/ersattning/volume"
)

// syntheticTariff is the tariff of WriteSyntheticBundle: Stockholm-like
// home care and ledsagning with five bands, nursing homes, trygghetslarm.
const syntheticTariff = `{
  "name": "Syntetisk kommun 2026",
  "currency": "SEK",
  "date_sets": {"storhelg": ["2026-01-01", "2026-01-06", "2026-04-03", "2026-04-05", "2026-04-06", "2026-06-19", "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31"]},
  "bands": [
    {"code": "storhelg", "rules": [{"days": ["storhelg"], "from": "00:00", "to": "24:00"}]},
    {"code": "natt", "rules": [{"days": ["all"], "from": "22:00", "to": "07:00"}]},
    {"code": "helg", "rules": [{"days": ["fri"], "from": "19:00", "to": "07:00"}, {"days": ["sat", "sun", "holiday"], "from": "00:00", "to": "24:00"}]},
    {"code": "kvall", "rules": [{"days": ["all"], "from": "19:00", "to": "22:00"}]},
    {"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "19:00"}]}
  ],
  "default_band": "dag",
  "services": [
    {"code": "HT", "name": "Hemtjänst", "unit": "hour", "basis": "capped", "rounding": {"step": 5, "mode": "up"}, "declined_percent": "50",
     "absence": [{"reason": "hospital", "steps": [{"days": 1, "percent": "75"}, {"days": 4, "percent": "25"}], "then_percent": "0"}]},
    {"code": "LEDS", "name": "Ledsagning", "unit": "hour", "basis": "performed"},
    {"code": "SABO", "name": "Vård- och omsorgsboende", "unit": "day", "basis": "placement",
     "components": [{"code": "base", "on": ["stay"]}, {"code": "premises", "on": ["stay", "after_end"]}, {"code": "vacancy", "on": ["after_end"]}],
     "after_end": {"days": 7, "reasons": ["deceased", "moved"]},
     "absence": [{"reason": "hospital", "steps": [{"days": 14, "percent": "50"}], "then_percent": "100"}]},
    {"code": "LARM", "name": "Trygghetslarm", "unit": "month"}
  ],
  "rates": [
    {"service": "HT", "band": "dag", "regime": "private", "from": "2026-01-01", "price": "481.50"},
    {"service": "HT", "band": "kvall", "regime": "private", "from": "2026-01-01", "price": "520.00"},
    {"service": "HT", "band": "natt", "regime": "private", "from": "2026-01-01", "price": "575.00"},
    {"service": "HT", "band": "helg", "regime": "private", "from": "2026-01-01", "price": "548.00"},
    {"service": "HT", "band": "storhelg", "regime": "private", "from": "2026-01-01", "price": "620.00"},
    {"service": "HT", "band": "dag", "regime": "municipal", "from": "2026-01-01", "price": "452.00"},
    {"service": "HT", "band": "kvall", "regime": "municipal", "from": "2026-01-01", "price": "490.00"},
    {"service": "HT", "band": "natt", "regime": "municipal", "from": "2026-01-01", "price": "540.00"},
    {"service": "HT", "band": "helg", "regime": "municipal", "from": "2026-01-01", "price": "515.00"},
    {"service": "HT", "band": "storhelg", "regime": "municipal", "from": "2026-01-01", "price": "585.00"},
    {"service": "LEDS", "from": "2026-01-01", "price": "434.00"},
    {"service": "LEDS", "band": "natt", "from": "2026-01-01", "price": "500.00"},
    {"service": "SABO", "component": "base", "level": "somatik", "from": "2026-01-01", "price": "2329.00"},
    {"service": "SABO", "component": "base", "level": "demens", "from": "2026-01-01", "price": "2475.00"},
    {"service": "SABO", "component": "premises", "from": "2026-01-01", "price": "170.00"},
    {"service": "SABO", "component": "vacancy", "from": "2026-01-01", "price": "1609.00"},
    {"service": "LARM", "from": "2026-01-01", "price": "310.00"}
  ],
  "markups": [{"code": "momskompensation", "percent": "6", "regimes": ["private"]}],
  "no_choice": {"provider": "P0"}
}
`

// WriteSyntheticBundle writes into dir (made if need be) the bundle of a
// synthetic municipality with n home-care recipients, for benchmarks and
// tests of scale: a tariff with five time bands and holidays, about 30 %
// private providers, home care with granted hours drawn from a realistic
// spread and two to four visits a day (every few days on small grants;
// some recipients over their grant at the end of the month, some visits
// declined, a few pending or rejected, some recipients in hospital),
// ledsagning, nursing homes and trygghetslarm, for period. The same seed
// gives the same bundle. 250 000 recipients make about 15 million visits,
// a national month.
func WriteSyntheticBundle(dir string, n int, seed int64, period volume.Period) error {
	return WriteSyntheticBundleWith(dir, n, seed, period, SyntheticOptions{})
}

// SyntheticOptions vary the synthetic municipality of
// WriteSyntheticBundleWith. The zero value is WriteSyntheticBundle's.
type SyntheticOptions struct {
	// SharedPercent is about the percent, 0 to 100, of home-care report
	// rows that are rows of visits a household of two recipients (of one
	// provider) share (rules §5 step 1): such a visit is a row for each,
	// with one shared id. With 0 reports.csv has no shared column.
	SharedPercent int
}

// WriteSyntheticBundleWith is WriteSyntheticBundle with options.
func WriteSyntheticBundleWith(dir string, n int, seed int64, period volume.Period, opt SyntheticOptions) error {
	if opt.SharedPercent < 0 || opt.SharedPercent > 100 {
		return fmt.Errorf("reimbursementtest: SharedPercent %d is not from 0 to 100", opt.SharedPercent)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(seed))
	providers := max(10, n/400)
	var errs []error
	write := func(name string, f func(w *bufio.Writer)) {
		fh, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err)
			return
		}
		w := bufio.NewWriterSize(fh, 1<<20)
		f(w)
		errs = append(errs, w.Flush(), fh.Close())
	}
	write("tariff.json", func(w *bufio.Writer) { w.WriteString(syntheticTariff) })
	write("period", func(w *bufio.Writer) { w.WriteString(period.String() + "\n") })
	write("providers.csv", func(w *bufio.Writer) {
		w.WriteString("id,name,regime\n")
		for p := 0; p < providers; p++ {
			regime := "municipal"
			if p%10 < 3 {
				regime = "private"
			}
			fmt.Fprintf(w, "P%d,Utförare %d,%s\n", p, p, regime)
		}
	})
	first, days := period.First(), period.Days()
	type hc struct {
		rec, prov string
		granted   int // minutes a month
		perDay    int
	}
	homecare := make([]hc, n)
	sabo := n / 3
	leds := n / 20
	larm := n / 2
	ledsProv := make([]string, leds)
	write("decisions.csv", func(w *bufio.Writer) {
		w.WriteString("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n")
		for i := 0; i < n; i++ {
			// Granted hours: most recipients a few hours a week, a long tail to 120 h a month.
			hours := 4 + int(rng.ExpFloat64()*22)
			if hours > 120 {
				hours = 120
			}
			h := hc{rec: fmt.Sprintf("R%d", i), prov: fmt.Sprintf("P%d", rng.Intn(providers)), granted: hours * 60}
			if opt.SharedPercent > 0 && i%2 == 1 {
				h.prov = homecare[i-1].prov // a household of two, served by one provider
			}
			h.perDay = 2 + rng.Intn(3)
			staff := ""
			if rng.Intn(40) == 0 {
				staff = "2"
			}
			from := "2025-01-01"
			if rng.Intn(20) == 0 {
				from = first.AddDays(rng.Intn(days)).String()
			}
			fmt.Fprintf(w, "D%d,%s,%s,HT,%s,,%d,month,,,,%s,\n", i, h.rec, h.prov, from, hours, staff)
			homecare[i] = h
		}
		for i := 0; i < leds; i++ {
			ledsProv[i] = fmt.Sprintf("P%d", rng.Intn(providers))
			fmt.Fprintf(w, "L%d,R%d,%s,LEDS,2025-01-01,,10,month,,,,,\n", i, i*7%n, ledsProv[i])
		}
		for i := 0; i < sabo; i++ {
			level := "somatik"
			if rng.Intn(2) == 0 {
				level = "demens"
			}
			to, reason := "", ""
			if rng.Intn(40) == 0 {
				to, reason = first.AddDays(rng.Intn(days)).String(), "deceased"
			}
			fmt.Fprintf(w, "S%d,B%d,P%d,SABO,2024-06-01,%s,,,%s,,,,%s\n", i, i, rng.Intn(providers), to, level, reason)
		}
		for i := 0; i < larm; i++ {
			fmt.Fprintf(w, "T%d,R%d,P%d,LARM,2025-01-01,,,,,,,,\n", i, i, rng.Intn(providers))
		}
	})
	var absences []string
	write("reports.csv", func(w *bufio.Writer) {
		header := "id,recipient,provider,service,start,end,staff,kind,status\n"
		if opt.SharedPercent > 0 {
			header = "id,recipient,provider,service,start,end,staff,kind,status,shared\n"
		}
		w.WriteString(header)
		id := 0
		visit := func(rec, prov, svc string, s time.Time, length, staff int, kind, status, shared string) {
			id++
			e := s.Add(time.Duration(length) * time.Minute)
			fmt.Fprintf(w, "V%d,%s,%s,%s,%s,%s,%d,%s,%s", id, rec, prov, svc, s.Format("2006-01-02T15:04"), e.Format("2006-01-02T15:04"), staff, kind, status)
			if opt.SharedPercent > 0 {
				w.WriteString("," + shared)
			}
			w.WriteString("\n")
		}
		for i, h := range homecare {
			// Visits use 70-110 % of the grant, so some recipients go
			// over their cap at the end of the month. They come every
			// day, or every few days when a small grant would make daily
			// visits shorter than 12 minutes on average (which makes a
			// national month of 250 000 recipients about 15 million
			// visits).
			use := float64(h.granted) * (0.7 + 0.4*rng.Float64())
			every := 1
			for use/float64((days+every-1)/every*h.perDay) < 12 && every < days {
				every++
			}
			avg := use / float64((days+every-1)/every*h.perDay)
			hospital := -1
			if rng.Intn(50) == 0 {
				hospital = rng.Intn(days - 5)
				absences = append(absences, fmt.Sprintf("A%d,%s,HT,%s,%s,hospital,approved", i, h.rec,
					first.AddDays(hospital), first.AddDays(hospital+2+rng.Intn(4))))
			}
			y, m, _ := first.Civil()
			for day := 0; day < days; day++ {
				if day%every != 0 || hospital >= 0 && day >= hospital && day <= hospital+5 {
					continue
				}
				for v := 0; v < h.perDay; v++ {
					hour := 7 + v*15/h.perDay + rng.Intn(2)
					if rng.Intn(30) == 0 {
						hour = 22 + rng.Intn(2) // a night visit
					}
					length := max(int(avg*(0.5+rng.Float64())+0.5), 5)
					if length > 150 {
						length = 150
					}
					kind, status := "visit", "approved"
					switch r := rng.Intn(1000); {
					case r < 20:
						kind = "declined"
					case r < 30:
						status = "pending"
					case r < 33:
						status = "rejected"
					}
					staff := 1
					if rng.Intn(60) == 0 {
						staff = 2
					}
					start := time.Date(y, m, day+1, hour, rng.Intn(60), 0, 0, time.UTC)
					if opt.SharedPercent > 0 && i%2 == 0 && i+1 < len(homecare) && rng.Intn(100) < opt.SharedPercent {
						// Shared with the household's other recipient: a row
						// for each.
						shared := fmt.Sprintf("H%d-%d-%d", i, day, v)
						visit(h.rec, h.prov, "HT", start, length, staff, kind, status, shared)
						visit(homecare[i+1].rec, h.prov, "HT", start, length, staff, "visit", "approved", shared)
						continue
					}
					visit(h.rec, h.prov, "HT", start, length, staff, kind, status, "")
				}
			}
		}
		for i := 0; i < leds; i++ {
			y, m, _ := first.Civil()
			for k := 0; k < 4; k++ {
				visit(fmt.Sprintf("R%d", i*7%n), ledsProv[i], "LEDS", time.Date(y, m, 1+rng.Intn(days), 9+rng.Intn(12), 0, 0, 0, time.UTC), 60+rng.Intn(180), 1, "visit", "approved", "")
			}
		}
	})
	write("absences.csv", func(w *bufio.Writer) {
		w.WriteString("id,recipient,service,from,to,reason,status\n")
		for _, a := range absences {
			w.WriteString(a + "\n")
		}
	})
	return errors.Join(errs...)
}

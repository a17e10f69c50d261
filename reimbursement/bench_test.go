package reimbursement_test

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// benchMonth is March 2026 of n home-care recipients under the five-band
// Testby tariff: two to four visits a day, some over the grant, some at
// night and on the DST night, a few declined.
func benchMonth(n int) reimbursement.Input {
	rng := rand.New(rand.NewSource(int64(n)))
	in := reimbursement.Input{Providers: testbyProviders}
	for r := 0; r < n; r++ {
		d := reimbursement.Decision{ID: fmt.Sprintf("D%d", r), Recipient: fmt.Sprintf("R%d", r), Provider: fmt.Sprintf("P%d", 1+r%3),
			Service: "HT", From: volume.MustParseDate("2025-01-01"), Staff: 1,
			GrantedHours: decimal.NewFromInt(int64(8 + rng.Intn(80))), GrantedPer: reimbursement.PerMonth}
		if d.Provider == "P2" || d.Provider == "P3" {
			d.Provider = "P1" // HT has municipal rates only for dag
		}
		in.Decisions = append(in.Decisions, d)
		perDay := 2 + rng.Intn(3)
		for day := 1; day <= 31; day++ {
			for v := 0; v < perDay; v++ {
				h := 7 + v*15/perDay + rng.Intn(2)
				if rng.Intn(30) == 0 {
					h = 22
				}
				start := volume.LocalTimestamp(volume.NewDate(2026, 3, day), h, rng.Intn(60))
				sh, sm := start.Clock()
				m := sh*60 + sm + 15 + rng.Intn(75)
				end := volume.LocalTimestamp(volume.NewDate(2026, 3, day).AddDays(m/1440), (m%1440)/60, m%60)
				rep := volume.Report{ID: fmt.Sprintf("V%d-%d-%d", r, day, v), Recipient: d.Recipient, Provider: d.Provider,
					Service: "HT", Start: start, End: end, Staff: 1, Kind: volume.Visit, Status: volume.Approved}
				if rng.Intn(50) == 0 {
					rep.Kind = volume.Declined
				}
				in.Reports = append(in.Reports, rep)
			}
		}
	}
	return in
}

// BenchmarkSettle settles a month in memory: the engine's core. Run with
// -cpu 1 for the per-core figure.
func BenchmarkSettle(b *testing.B) {
	tariff := testby(b)
	in := benchMonth(2000)
	period := volume.MustParsePeriod("2026-03")
	opt := reimbursement.Options{Location: rt.Stockholm()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := reimbursement.Settle(tariff, period, in, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in.Reports))*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}

// BenchmarkSettleBundle settles in memory the realistic synthetic
// municipality examples/bench writes (reimbursementtest.WriteSyntheticBundle,
// 3 000 home-care recipients, 185 000 visits): read once with ReadInputFS,
// settled each time. Run with -cpu 1 for the per-core figure.
func BenchmarkSettleBundle(b *testing.B) {
	dir := b.TempDir()
	period := volume.MustParsePeriod("2026-03")
	if err := rt.WriteSyntheticBundle(dir, 3000, 1, period); err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		b.Fatal(err)
	}
	in, problems, err := reimbursement.ReadInputFS(fsys)
	if err != nil || len(problems) > 0 {
		b.Fatal(err, problems)
	}
	opt := reimbursement.Options{Location: rt.Stockholm()}
	for b.Loop() {
		if _, err := reimbursement.Settle(tariff, period, in, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in.Reports))*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}

// BenchmarkNaive is the baseline the engine is measured against: the same
// visits priced one decimal operation each, with time.Time arithmetic for
// the bands, and no cap, overlap or accounting at all.
func BenchmarkNaive(b *testing.B) {
	tariff := testby(b)
	in := benchMonth(2000)
	loc := rt.Stockholm()
	bands := tariff.TimeBands()
	cal := tariff.Calendar()
	price := map[string]decimal.Decimal{}
	for _, r := range tariff.Rates() {
		if r.Service == "HT" && r.Regime == reimbursement.Private && r.To.IsZero() {
			price[r.Band] = r.Price
		}
	}
	sixty := decimal.NewFromInt(60)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		total := map[string]decimal.Decimal{}
		for _, r := range in.Reports {
			sy, sm := r.Start.Clock()
			ey, em := r.End.Clock()
			start := r.Start.Date().In(loc).Add(timeMinutes(sy*60 + sm))
			end := r.End.Date().In(loc).Add(timeMinutes(ey*60 + em))
			for t := start; t.Before(end); t = t.Add(timeMinutes(1)) {
				local := t.In(loc)
				d := volume.DateOf(local)
				band := bands.Code(bands.Band(local.Hour()*60+local.Minute(), cal.Types(d), cal.Types(d.AddDays(-1))))
				total[r.Recipient] = total[r.Recipient].Add(price[band].Div(sixty))
			}
		}
	}
	b.ReportMetric(float64(len(in.Reports))*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}

// benchBundle writes the benchmark's month as a bundle.
func benchBundle(b *testing.B) (string, reimbursement.Input) {
	tariffJSON, err := os.ReadFile("testdata/testby/tariff.json")
	if err != nil {
		b.Fatal(err)
	}
	in := benchMonth(2000)
	dir := b.TempDir()
	if err := reimbursement.WriteBundle(dir, tariffJSON, in); err != nil {
		b.Fatal(err)
	}
	return dir, in
}

// BenchmarkSettleFS settles the month from CSV files: decoding included.
func BenchmarkSettleFS(b *testing.B) {
	dir, in := benchBundle(b)
	opt := reimbursement.Options{Location: rt.Stockholm()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := reimbursement.SettleFS(os.DirFS(dir), volume.MustParsePeriod("2026-03"), opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(in.Reports))*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}

// BenchmarkWriteSettlementFS settles the month from CSV files to JSON in
// parts of about 20 000 reports (the way a national month is settled),
// beside BenchmarkSettleFS's whole month in memory without writing.
func BenchmarkWriteSettlementFS(b *testing.B) {
	dir, in := benchBundle(b)
	tariff, err := reimbursement.LoadTariffFS(os.DirFS(dir))
	if err != nil {
		b.Fatal(err)
	}
	opt := reimbursement.StreamOptions{Options: reimbursement.Options{Location: rt.Stockholm()}, TempDir: b.TempDir(), PartReports: 20000}
	parts := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum, _, err := reimbursement.WriteSettlementFS(io.Discard, os.DirFS(dir), tariff, volume.MustParsePeriod("2026-03"), opt)
		if err != nil {
			b.Fatal(err)
		}
		parts = sum.Parts
	}
	b.ReportMetric(float64(len(in.Reports))*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
	b.ReportMetric(float64(parts), "parts")
}

// decisionHistory is March 2026 of one recipient whose home care was
// decided anew for each day from 1960 on (n decisions before the month, at
// most 24 000) and once for the month, with a visit a day.
func decisionHistory(n int) reimbursement.Input {
	in := reimbursement.Input{Providers: testbyProviders}
	day := volume.MustParseDate("1960-01-01")
	for i := 0; i < n; i++ {
		in.Decisions = append(in.Decisions, reimbursement.Decision{ID: fmt.Sprintf("H%d", i), Recipient: "R1", Provider: "P1",
			Service: "HT", From: day, To: day, Staff: 1, GrantedHours: decimal.NewFromInt(1), GrantedPer: reimbursement.PerDay})
		day = day.AddDays(1)
	}
	in.Decisions = append(in.Decisions, rt.Decision("D1 R1 P1 HT 2026-03-01.. 10/week"))
	for d := 1; d <= 31; d++ {
		start := volume.LocalTimestamp(volume.NewDate(2026, 3, d), 9, 0)
		in.Reports = append(in.Reports, volume.Report{ID: fmt.Sprintf("T%d", d), Recipient: "R1", Provider: "P1", Service: "HT",
			Start: start, End: volume.LocalTimestamp(volume.NewDate(2026, 3, d), 9, 30), Staff: 1, Kind: volume.Visit, Status: volume.Approved})
	}
	return in
}

// BenchmarkDecisionHistory settles a month of a recipient with 20 000
// decisions of earlier years: decisions of other periods cost little,
// and matching and the check for conflicts do not grow with them.
func BenchmarkDecisionHistory(b *testing.B) {
	tariff := testby(b)
	in := decisionHistory(20000)
	period := volume.MustParsePeriod("2026-03")
	opt := reimbursement.Options{Location: rt.Stockholm()}
	for b.Loop() {
		if _, err := reimbursement.Settle(tariff, period, in, opt); err != nil {
			b.Fatal(err)
		}
	}
}

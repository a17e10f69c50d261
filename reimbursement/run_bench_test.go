package reimbursement_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// runBundles writes two bundles of December 2025 to March 2026 made from
// the synthetic March of n recipients (its reports, and copies of them 28,
// 56 and 84 days earlier, same weekdays), the home-care decisions from
// November: late has every report, onTime lacks one in a hundred of the
// earlier months'.
func runBundles(b *testing.B, n int) (late, onTime string) {
	late, onTime = b.TempDir(), b.TempDir()
	march := volume.MustParsePeriod("2026-03")
	for _, dir := range []string{late, onTime} {
		if err := rt.WriteSyntheticBundle(dir, n, 1, march); err != nil {
			b.Fatal(err)
		}
		decisions, err := os.ReadFile(filepath.Join(dir, "decisions.csv"))
		if err != nil {
			b.Fatal(err)
		}
		decisions = regexp.MustCompile(`,HT,2026-03-\d\d,`).ReplaceAll(decisions, []byte(",HT,2025-11-01,"))
		if err := os.WriteFile(filepath.Join(dir, "decisions.csv"), decisions, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	reports, err := os.ReadFile(filepath.Join(late, "reports.csv"))
	if err != nil {
		b.Fatal(err)
	}
	rows := bytes.SplitAfter(reports, []byte("\n"))
	date := regexp.MustCompile(`2026-03-\d\d`)
	for _, dir := range []string{late, onTime} {
		var out bytes.Buffer
		out.Write(bytes.Join(rows, nil))
		for k := 1; k <= 3; k++ {
			for i, row := range rows[1:] {
				if len(row) == 0 || (dir == onTime && i%100 == 0) {
					continue
				}
				row = date.ReplaceAllFunc(row, func(d []byte) []byte {
					return []byte(volume.MustParseDate(string(d)).AddDays(-28 * k).String())
				})
				fmt.Fprintf(&out, "k%d%s", k, row)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "reports.csv"), out.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return late, onTime
}

// BenchmarkRun makes March's run over the four months of runBundles with
// December, January and February issued (all three open): the bundle
// read once, four periods settled, three corrected. Compare it with
// BenchmarkRunAsSettlements, the four settlements alone.
func BenchmarkRun(b *testing.B) {
	late, onTime := runBundles(b, 3000)
	fsys := os.DirFS(late)
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		b.Fatal(err)
	}
	opt := reimbursement.Options{Location: rt.Stockholm()}
	var issued []*reimbursement.Settlement
	for _, p := range []string{"2025-12", "2026-01", "2026-02"} {
		st, _, err := reimbursement.SettleFSWith(os.DirFS(onTime), tariff, volume.MustParsePeriod(p), opt)
		if err != nil {
			b.Fatal(err)
		}
		issued = append(issued, st)
	}
	for b.Loop() {
		run, _, err := reimbursement.SettleRunFS(fsys, tariff, volume.MustParsePeriod("2026-03"), issued, opt)
		if err != nil || len(run.Corrections) != 3 {
			b.Fatal(err, len(run.Corrections))
		}
	}
}

// BenchmarkRunAsSettlements settles the four months of BenchmarkRun's
// bundle one by one from the files, as four runs of SettleFS would.
func BenchmarkRunAsSettlements(b *testing.B) {
	late, _ := runBundles(b, 3000)
	fsys := os.DirFS(late)
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		b.Fatal(err)
	}
	opt := reimbursement.Options{Location: rt.Stockholm()}
	for b.Loop() {
		for _, p := range []string{"2025-12", "2026-01", "2026-02", "2026-03"} {
			if _, _, err := reimbursement.SettleFSWith(fsys, tariff, volume.MustParsePeriod(p), opt); err != nil {
				b.Fatal(err)
			}
		}
	}
}

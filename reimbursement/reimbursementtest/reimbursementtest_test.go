package reimbursementtest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	_ "time/tzdata"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

func TestLiterals(t *testing.T) {
	d := Decision("D1 R1 - HT 2026-01-01..2026-06-30 12.5/week staff=2 level=demens area=norr end=moved")
	if d.Provider != "" || d.Staff != 2 || d.GrantedHours.String() != "12.5" || d.GrantedPer != reimbursement.PerWeek ||
		d.To != volume.MustParseDate("2026-06-30") || d.Level != "demens" || d.Area != "norr" || d.EndReason != "moved" {
		t.Errorf("Decision = %+v", d)
	}
	r := Report("T1 R1 P1 HT 2026-03-04T22:00 2026-03-05T01:00 declined pending staff=3")
	if r.Kind != volume.Declined || r.Status != volume.Pending || r.Staff != 3 || r.End.String() != "2026-03-05T01:00" {
		t.Errorf("Report = %+v", r)
	}
	if r := Report("T2 R1 P1 HT 2026-03-04T09:00 09:30"); r.End.String() != "2026-03-04T09:30" {
		t.Errorf("short end = %s", r.End)
	}
	a := Absence("A1 R1 HT 2026-03-05.. hospital rejected")
	if !a.To.IsZero() || a.Status != volume.Rejected {
		t.Errorf("Absence = %+v", a)
	}
	j := Adjustment("J1 P1 2026-03 -500.25 reason=vite")
	if !j.Amount.Equal(decimal.RequireFromString("-500.25")) || j.Reason != "vite" {
		t.Errorf("Adjustment = %+v", j)
	}
	for _, bad := range []func(){
		func() { Decision("D1 R1 P1 HT 2026-01-01") },
		func() { Decision("D1 R1 P1 HT 2026-01-01.. twelve") },
		func() { Report("T1 R1 P1 HT 2026-03-04T09:00 09:30 stafff=2") },
		func() { Provider("P1 egen") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a bad literal did not panic")
				}
			}()
			bad()
		}()
	}
}

func TestCompareFindsDifferences(t *testing.T) {
	tariff := MustTariff(`{"name": "x", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
		"default_band": "dag", "services": [{"code": "LEDS", "unit": "hour"}],
		"rates": [{"service": "LEDS", "from": "2026-01-01", "price": "450"}]}`)
	in := reimbursement.Input{
		Providers: Providers("P1 private"),
		Decisions: []reimbursement.Decision{Decision("D1 R1 P1 LEDS 2026-01-01..")},
		Reports:   Reports("T1 R1 P1 LEDS 2026-03-02T10:00 11:00", "T2 R9 P1 LEDS 2026-03-02T10:00 11:00"),
	}
	want := Settle(t, tariff, "2026-03", in)
	if p := Compare(want, Settle(t, tariff, "2026-03", in)); len(p) != 0 {
		t.Fatalf("a settlement differs from itself: %v", p)
	}
	got := Settle(t, tariff, "2026-03", in)
	got.Providers[0].Lines[0].Amount = decimal.RequireFromString("451.00")
	got.Unmatched = nil
	problems := strings.Join(Compare(want, got), "\n")
	for _, w := range []string{"arithmetic", "amount 451", "unmatched missing: T2"} {
		if !strings.Contains(problems, w) {
			t.Errorf("Compare did not report %q:\n%s", w, problems)
		}
	}
}

// TestWriteSyntheticBundle: a seed gives the same bytes each time and
// another seed others; the bundle reads without problems, with a home-care
// decision per recipient and two to four visits on each day with visits
// (besides ledsagning, nursing homes and trygghetslarm), and settles with
// a few visits over their grant, not a third of them.
func TestWriteSyntheticBundle(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	period := volume.MustParsePeriod("2026-03")
	for i, dir := range dirs {
		if err := WriteSyntheticBundle(dir, 40, int64(1+i/2), period); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{reimbursement.FileDecisions, reimbursement.FileReports} {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f))
		b, _ := os.ReadFile(filepath.Join(dirs[1], f))
		c, _ := os.ReadFile(filepath.Join(dirs[2], f))
		if len(a) == 0 || !bytes.Equal(a, b) || bytes.Equal(a, c) {
			t.Errorf("%s: one seed gives other bytes, or another seed the same", f)
		}
	}
	fsys := os.DirFS(dirs[0])
	in, problems, err := reimbursement.ReadInputFS(fsys)
	if err != nil || len(problems) > 0 {
		t.Fatalf("ReadInputFS: %v %v", err, problems)
	}
	homeCare, visits := 0, 0
	for _, d := range in.Decisions {
		if d.Service == "HT" {
			homeCare++
		}
	}
	type recipientDay struct {
		recipient string
		date      volume.Date
	}
	perDay := map[recipientDay]int{}
	for _, r := range in.Reports {
		if r.Service == "HT" {
			visits++
			perDay[recipientDay{r.Recipient, r.Start.Date()}]++
		}
	}
	if homeCare != 40 || visits < 40*4 || visits > 40*4*31 {
		t.Errorf("%d home-care decisions with %d visits, want 40 with 2-4 visits on some days", homeCare, visits)
	}
	for d, k := range perDay {
		if k < 2 || k > 4 {
			t.Errorf("%s has %d visits on %s, want 2-4", d.recipient, k, d.date)
		}
	}
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	st, err := reimbursement.Settle(tariff, period, in, reimbursement.Options{Location: Stockholm(), Audit: true})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Total.IsPositive() {
		t.Errorf("total %s", st.Total)
	}
	over := 0
	for _, p := range st.Providers {
		for _, u := range p.Unpaid {
			if u.Reason == reimbursement.ReasonOverGranted {
				over++
			}
		}
	}
	if over == 0 || over > visits/10 {
		t.Errorf("%d of %d visits over their grant, want some, at most a tenth", over, visits)
	}
}

// TestNoGlobalFlag: importing the package registers no flag unless the
// command line names -reimbursementtest.update, so that a test package's
// own -update, or a program's -h, is its own.
func TestNoGlobalFlag(t *testing.T) {
	for _, arg := range os.Args {
		if strings.Contains(arg, "reimbursementtest.update") {
			t.Skip("the flag is named on the command line")
		}
	}
	for _, name := range []string{"update", "reimbursementtest.update"} {
		if flag.Lookup(name) != nil {
			t.Errorf("flag -%s is registered", name)
		}
	}
}

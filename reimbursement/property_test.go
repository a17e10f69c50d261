package reimbursement_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// randomMonth makes a random municipality month against the Testby tariff:
// decisions of every service, visits at any minute (DST nights included),
// odd staff counts, declined, pending and rejected visits, wrong and
// unknown providers, duplicates, absences and adjustments.
func randomMonth(rng *rand.Rand) (string, reimbursement.Input) {
	period := []string{"2026-03", "2026-10", "2026-12", "2026-04"}[rng.Intn(4)]
	p := volume.MustParsePeriod(period)
	in := reimbursement.Input{Providers: rt.Providers("P1 private", "P2 municipal", "P3 municipal")}
	services := []string{"HT", "HT", "LEDS", "HT90", "STAD", "AVL", "BOST", "NATT", "LARM"}
	provs := []string{"P1", "P2", "P3", ""}
	nrec := 3 + rng.Intn(12)
	report := 0
	for r := 0; r < nrec; r++ {
		rec := fmt.Sprintf("R%d", r)
		svc := services[rng.Intn(len(services))]
		ndec := 1
		if rng.Intn(8) == 0 {
			ndec = 2
		}
		for k := 0; k < ndec; k++ {
			from := p.First().AddDays(rng.Intn(40) - 20)
			d := reimbursement.Decision{ID: fmt.Sprintf("D%d-%d", r, k), Recipient: rec, Provider: provs[rng.Intn(4)],
				Service: svc, From: from, Staff: 1 + rng.Intn(2)}
			if rng.Intn(3) == 0 {
				d.To = from.AddDays(rng.Intn(40))
			}
			if rng.Intn(4) == 0 {
				d.Area = "norr"
			}
			per := []reimbursement.Per{reimbursement.PerDay, reimbursement.PerWeek, reimbursement.PerMonth}[rng.Intn(3)]
			d.GrantedPer = per
			d.GrantedHours = decimal.NewFromInt(int64(1 + rng.Intn(map[reimbursement.Per]int{reimbursement.PerDay: 4, reimbursement.PerWeek: 20, reimbursement.PerMonth: 60}[per])))
			if rng.Intn(5) == 0 {
				d.GrantedHours = d.GrantedHours.Add(decimal.RequireFromString("0.5"))
			}
			in.Decisions = append(in.Decisions, d)
			provider := d.Provider
			if provider == "" {
				provider = "P2"
				if d.Area == "norr" {
					provider = "P3"
				}
			}
			for v := 0; v < rng.Intn(25); v++ {
				report++
				day := p.First().AddDays(rng.Intn(p.Days()+4) - 2)
				start := volume.LocalTimestamp(day, rng.Intn(24), rng.Intn(60))
				length := rng.Intn(240) - 5
				if rng.Intn(10) == 0 {
					length = rng.Intn(1600)
				}
				h, m := start.Clock()
				total := h*60 + m + length
				endDay := day.AddDays(int(floorDiv(int64(total), 1440)))
				em := int(((total % 1440) + 1440) % 1440)
				end := volume.LocalTimestamp(endDay, em/60, em%60)
				id := fmt.Sprintf("T%03d", report)
				if report%3 == 0 { // long ids, alike in their first eight bytes and more
					id = fmt.Sprintf("Tidrapport-%d", report%1000*7919)
				}
				rep := volume.Report{ID: id, Recipient: rec, Provider: provider, Service: svc,
					Start: start, End: end, Staff: 1 + rng.Intn(3)/2, Kind: volume.Visit, Status: volume.Approved}
				switch rng.Intn(30) {
				case 0:
					rep.Provider = "P1"
				case 1:
					rep.Provider = "PX"
				case 2:
					rep.Recipient = "R-unknown"
				case 3:
					rep.Status = volume.Pending
				case 4:
					rep.Status = volume.Rejected
				case 5, 6:
					rep.Kind = volume.Declined
				case 7:
					rep.Staff = 3
				}
				in.Reports = append(in.Reports, rep)
				switch rng.Intn(40) {
				case 0:
					in.Reports = append(in.Reports, rep) // the same row twice
				case 1:
					dup := rep
					dup.Staff++
					in.Reports = append(in.Reports, dup) // the same id, other content
				}
			}
			if rng.Intn(4) == 0 {
				from := p.First().AddDays(rng.Intn(p.Days()+10) - 10)
				in.Absences = append(in.Absences, volume.Absence{ID: fmt.Sprintf("A%d-%d", r, k), Recipient: rec,
					Service: svc, From: from, To: from.AddDays(rng.Intn(12)), Reason: []string{"hospital", "planned"}[rng.Intn(2)], Status: volume.Approved})
			}
		}
	}
	for a := 0; a < rng.Intn(4); a++ {
		in.Adjustments = append(in.Adjustments, reimbursement.Adjustment{ID: fmt.Sprintf("J%d", a),
			Provider: provs[rng.Intn(3)], Period: p, Amount: decimal.New(int64(rng.Intn(200000)-100000), -2), Reason: "test"})
	}
	return period, in
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func settleJSON(t *testing.T, tariff *reimbursement.Tariff, period string, in reimbursement.Input) (*reimbursement.Settlement, []byte) {
	t.Helper()
	st, err := reimbursement.Settle(tariff, volume.MustParsePeriod(period), in, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	if err != nil {
		t.Fatalf("Settle: %v", err)
	}
	requireOrdered(t, st)
	var b bytes.Buffer
	if err := st.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return st, b.Bytes()
}

// settle settles in, audited, and checks the order of its lists.
func settle(t *testing.T, tariff *reimbursement.Tariff, period string, in reimbursement.Input) *reimbursement.Settlement {
	t.Helper()
	st, _ := settleJSON(t, tariff, period, in)
	return st
}

// jsonWithoutFiles returns st's JSON without its reconciliation of the
// input files, for comparing a month settled from files with the month
// settled from values (whose records are counted by their lists).
func jsonWithoutFiles(t *testing.T, st *reimbursement.Settlement) []byte {
	t.Helper()
	c := *st
	c.Files = nil
	var b bytes.Buffer
	if err := c.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// requireFilesRead checks st's reconciliation of the files of fsys: one
// entry for each CSV file, its rows the file's non-empty lines after the
// header (none of the files here has a line break in a field), each
// accounted for.
func requireFilesRead(t *testing.T, fsys fs.FS, st *reimbursement.Settlement) {
	t.Helper()
	names, err := fs.Glob(fsys, "*.csv")
	require.NoError(t, err)
	var want []reimbursement.FileCount
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(t, err)
		rows := 0
		for i, line := range strings.Split(string(b), "\n") {
			if i > 0 && strings.TrimRight(line, "\r") != "" {
				rows++
			}
		}
		want = append(want, reimbursement.FileCount{File: name, Rows: rows, Accounted: rows})
	}
	if d := gocmp.Diff(want, st.Files); d != "" {
		t.Fatalf("files (-want +got):\n%s", d)
	}
}

// requireOrdered checks that every list of ids of st is in the order of
// formats.md: a line's reports and the pending ids strictly increasing,
// unpaid entries by id.
func requireOrdered(t *testing.T, st *reimbursement.Settlement) {
	t.Helper()
	increasing := func(what string, ids []string) {
		for i := 1; i < len(ids); i++ {
			if ids[i-1] >= ids[i] {
				t.Fatalf("%s: %q before %q", what, ids[i-1], ids[i])
			}
		}
	}
	unpaid := func(what string, list []reimbursement.Unpaid) {
		for i := 1; i < len(list); i++ {
			if list[i-1].ID > list[i].ID {
				t.Fatalf("%s: %q before %q", what, list[i-1].ID, list[i].ID)
			}
		}
	}
	for _, p := range st.Providers {
		for i, l := range p.Lines {
			increasing("provider "+p.Provider+", line of "+l.Decision, l.Reports)
			if i > 0 && lineOrder(&p.Lines[i-1], &l) > 0 {
				t.Fatalf("provider %s: line %+v before %+v", p.Provider, p.Lines[i-1], l)
			}
		}
		increasing("provider "+p.Provider+", pending", p.Pending)
		unpaid("provider "+p.Provider+", unpaid", p.Unpaid)
	}
	unpaid("unmatched", st.Unmatched)
}

// lineOrder compares lines in the order of formats.md: by recipient,
// decision, service, component, band, rate_from and factor.
func lineOrder(a, b *reimbursement.Line) int {
	return cmp.Or(strings.Compare(a.Recipient, b.Recipient), strings.Compare(a.Decision, b.Decision),
		strings.Compare(a.Service, b.Service), strings.Compare(a.Component, b.Component),
		strings.Compare(a.Band, b.Band), a.RateFrom.Compare(b.RateFrom), a.Factor.Cmp(b.Factor))
}

const propertyRuns = 60

func TestPropertyShuffledInput(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns; seed++ {
		rng := rand.New(rand.NewSource(seed))
		period, in := randomMonth(rng)
		_, want := settleJSON(t, tariff, period, in)
		rng.Shuffle(len(in.Reports), func(i, j int) { in.Reports[i], in.Reports[j] = in.Reports[j], in.Reports[i] })
		rng.Shuffle(len(in.Decisions), func(i, j int) { in.Decisions[i], in.Decisions[j] = in.Decisions[j], in.Decisions[i] })
		rng.Shuffle(len(in.Absences), func(i, j int) { in.Absences[i], in.Absences[j] = in.Absences[j], in.Absences[i] })
		_, got := settleJSON(t, tariff, period, in)
		if !bytes.Equal(want, got) {
			t.Fatalf("seed %d: shuffled input gives other output", seed)
		}
	}
}

// settlerOf returns a settler of in's providers and decisions, given its
// absences, presence and adjustments: its reports are the caller's to add.
func settlerOf(t *testing.T, tariff *reimbursement.Tariff, period volume.Period, in reimbursement.Input) *reimbursement.Settler {
	t.Helper()
	s, err := reimbursement.NewSettler(tariff, period, in.Providers, in.Decisions, reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	for _, a := range in.Absences {
		s.AddAbsence(a)
	}
	for _, p := range in.Presence {
		s.AddPresence(p)
	}
	for _, a := range in.Adjustments {
		s.AddAdjustment(a)
	}
	return s
}

// TestPropertySettleTwice: a Settler asked for its settlement half way
// through the reports, and again at the end, gives at the end what it
// gives when asked once (copies of ids across the halves included).
func TestPropertySettleTwice(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns; seed++ {
		rng := rand.New(rand.NewSource(seed))
		period, in := randomMonth(rng)
		if len(in.Reports) > 1 {
			in.Reports = append(in.Reports, in.Reports[0]) // a copy in the second half
			c := in.Reports[1]
			c.End = c.Start
			in.Reports = append(in.Reports, c) // a copy with other content
		}
		_, want := settleJSON(t, tariff, period, in)
		s := settlerOf(t, tariff, volume.MustParsePeriod(period), in)
		half := len(in.Reports) / 2
		for _, r := range in.Reports[:half] {
			s.AddReport(r)
		}
		s.Settlement()
		for _, r := range in.Reports[half:] {
			s.AddReport(r)
		}
		var got bytes.Buffer
		require.NoError(t, s.Settlement().WriteJSON(&got))
		if !bytes.Equal(want, got.Bytes()) {
			t.Fatalf("seed %d: settled twice, the second settlement differs:\n%s\nwant\n%s", seed, got.Bytes(), want)
		}
	}
}

// TestPropertyFiles: a month written as a bundle and settled from files
// is the month settled from values, and splitting reports.csv in two
// changes nothing.
func TestPropertyFiles(t *testing.T) {
	tariffJSON, err := os.ReadFile("testdata/testby/tariff.json")
	if err != nil {
		t.Fatal(err)
	}
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns/3; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		want := jsonWithoutFiles(t, settle(t, tariff, period, in))
		dir := t.TempDir()
		if err := reimbursement.WriteBundle(dir, tariffJSON, in); err != nil {
			t.Fatal(err)
		}
		fromFiles := func() []byte {
			st, problems, err := reimbursement.SettleFS(os.DirFS(dir), volume.MustParsePeriod(period),
				reimbursement.Options{Location: rt.Stockholm(), Audit: true})
			if err != nil || len(problems) > 0 {
				t.Fatalf("seed %d: SettleFS: %v %v", seed, err, problems)
			}
			requireFilesRead(t, os.DirFS(dir), st)
			return jsonWithoutFiles(t, st)
		}
		if got := fromFiles(); !bytes.Equal(want, got) {
			t.Fatalf("seed %d: the bundle settles differently from the values:\n%s\nwant\n%s", seed, got, want)
		}
		b, err := os.ReadFile(filepath.Join(dir, "reports.csv"))
		if err != nil {
			continue // no reports this month
		}
		lines := strings.SplitAfter(string(b), "\n")
		half := 1 + (len(lines)-1)/2
		os.WriteFile(filepath.Join(dir, "reports.csv"), []byte(strings.Join(lines[:half], "")), 0o644)
		os.WriteFile(filepath.Join(dir, "reports-2.csv"), []byte(lines[0]+strings.Join(lines[half:], "")), 0o644)
		if got := fromFiles(); !bytes.Equal(want, got) {
			t.Fatalf("seed %d: splitting reports.csv changes the settlement", seed)
		}
	}
}

func TestPropertyCorrections(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns; seed++ {
		rng := rand.New(rand.NewSource(seed))
		period, in := randomMonth(rng)
		old, _ := settleJSON(t, tariff, period, in)

		// Settling twice gives no correction.
		same, err := reimbursement.Correct(old, old)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range same.Providers {
			if len(p.Lines) > 0 {
				t.Fatalf("seed %d: a re-run with nothing changed corrects %d lines of %s", seed, len(p.Lines), p.Provider)
			}
		}
		if !same.Total.IsZero() {
			t.Fatalf("seed %d: correction total %s, want 0", seed, same.Total)
		}

		// Late reports, approvals, a decision changed backwards in time.
		changed := in
		changed.Reports = append([]volume.Report(nil), in.Reports...)
		changed.Decisions = append([]reimbursement.Decision(nil), in.Decisions...)
		for i := range changed.Reports {
			switch rng.Intn(6) {
			case 0:
				changed.Reports[i].Status = volume.Approved
			case 1:
				changed.Reports[i].Status = volume.Rejected
			}
		}
		if len(changed.Reports) > 2 {
			changed.Reports = changed.Reports[:len(changed.Reports)-rng.Intn(3)]
		}
		for i := range changed.Decisions {
			if rng.Intn(3) == 0 {
				changed.Decisions[i].GrantedHours = changed.Decisions[i].GrantedHours.Add(decimal.NewFromInt(int64(rng.Intn(10) - 3))).Abs()
			}
		}
		current, _ := settleJSON(t, tariff, period, changed)
		corr, err := reimbursement.Correct(old, current)
		if err != nil {
			t.Fatal(err)
		}
		if !current.Total.Sub(old.Total).Equal(corr.Total) {
			t.Fatalf("seed %d: new − old = %s, correction total %s", seed, current.Total.Sub(old.Total), corr.Total)
		}
		if err := reimbursement.CheckArithmetic(corr); err != nil {
			t.Fatalf("seed %d: correction sums: %v", seed, err)
		}
		// The correction survives its JSON.
		var b bytes.Buffer
		corr.WriteJSON(&b)
		corr2, err := reimbursement.ParseSettlement(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		applied, err := reimbursement.ApplyCorrection(old, corr2)
		if err != nil {
			t.Fatal(err)
		}
		if p := rt.Compare(current, applied); len(p) > 0 {
			t.Fatalf("seed %d: old + correction ≠ new:\n%s", seed, strings.Join(p, "\n"))
		}
	}
}

// TestPropertyMinutes: for every hour decision paid on performed or capped
// time, paid and unpaid staff-minutes add up to the reported ones.
func TestPropertyMinutes(t *testing.T) {
	tariff := testby(t)
	loc := rt.Stockholm()
	for seed := int64(0); seed < propertyRuns; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		p := volume.MustParsePeriod(period)
		st, _ := settleJSON(t, tariff, period, in)
		zone := volume.NewZone(loc)
		// Reported: approved visits with a valid interval of at most a day,
		// matched to exactly one decision of their provider, unique ids.
		// Identical copies count once; copies that differ are not paid.
		copies := map[string]map[volume.Report]bool{}
		for _, r := range in.Reports {
			if copies[r.ID] == nil {
				copies[r.ID] = map[volume.Report]bool{}
			}
			copies[r.ID][r] = true
		}
		reported := map[string]int64{}
		counted1 := map[string]bool{}
		for _, r := range in.Reports {
			if r.Status != volume.Approved || len(copies[r.ID]) != 1 || counted1[r.ID] {
				continue
			}
			counted1[r.ID] = true // identical copies count once
			s, err1 := zone.Resolve(r.Start)
			e, err2 := zone.Resolve(r.End)
			if err1 != nil || err2 != nil || e <= s || e-s > 1440 || !p.Contains(zone.LocalDate(s)) {
				continue
			}
			var match []reimbursement.Decision
			for _, d := range in.Decisions {
				if d.Recipient == r.Recipient && d.Service == r.Service && d.Contains(zone.LocalDate(s)) {
					match = append(match, d)
				}
			}
			svc, _ := tariff.Service(r.Service)
			if len(match) != 1 || svc.Unit != reimbursement.Hour || svc.Basis == reimbursement.Granted {
				continue
			}
			d := match[0]
			prov := d.Provider
			if prov == "" {
				prov = tariff.NoChoice().For(d.Area)
			}
			if prov != r.Provider {
				continue
			}
			reported[d.ID] += counted(&svc, e-s) * int64(r.Staff)
		}
		accounted := map[string]int64{}
		for _, ps := range st.Providers {
			for _, l := range ps.Lines {
				if l.Unit == reimbursement.Minute && (l.Component == "base" || l.Component == "declined") {
					accounted[l.Decision] += l.Quantity.IntPart()
				}
			}
			for _, u := range ps.Unpaid {
				if u.Unit == reimbursement.Minute && u.Decision != "" && u.Reason != reimbursement.ReasonWrongProvider {
					accounted[u.Decision] += u.Quantity
				}
			}
		}
		for id, want := range reported {
			if accounted[id] != want {
				t.Errorf("seed %d: decision %s: paid + unpaid = %d staff-minutes, reported %d", seed, id, accounted[id], want)
			}
		}
	}
}

// counted is the counted length of rules §5 step 1, written again here.
func counted(svc *reimbursement.Service, raw int64) int64 {
	if svc.FixedMinutes > 0 {
		return int64(svc.FixedMinutes)
	}
	l := raw
	if st := int64(svc.Rounding.Step); st > 1 {
		switch svc.Rounding.Mode {
		case reimbursement.RoundUp:
			l = (raw + st - 1) / st * st
		case reimbursement.RoundDown:
			l = raw / st * st
		case reimbursement.RoundNearest:
			l = raw / st * st
			if 2*(raw%st) >= st {
				l += st
			}
		}
	}
	return max(l, int64(svc.MinMinutes))
}

// TestPropertyJSON: the streaming JSON writer writes what json.Marshal and
// json.Indent would.
func TestPropertyJSON(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		st, got := settleJSON(t, tariff, period, in)
		st.Unmatched = append(st.Unmatched, reimbursement.Unpaid{ID: "X<&>\"\\\n\x01\b\f\u2028é\xff", Reason: "test"})
		var a bytes.Buffer
		st.WriteJSON(&a)
		got = a.Bytes()
		m, err := st.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, m, "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		if !bytes.Equal(want.Bytes(), got) {
			t.Fatalf("seed %d: WriteJSON differs from json.Indent(MarshalJSON):\n%s\nwant\n%s", seed, got, want.Bytes())
		}
	}
}

// TestBigReportFile: a big reports.csv, decoded beside the settling,
// settles as from values, and a bad row near its end is reported at its
// real line.
func TestBigReportFile(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 10 MB file")
	}
	tariffJSON, err := os.ReadFile("testdata/testby/tariff.json")
	if err != nil {
		t.Fatal(err)
	}
	in := reimbursement.Input{Providers: testbyProviders}
	for r := 0; r < 1500; r++ {
		d := rt.Decision(fmt.Sprintf("D%d R%d P%d HT 2026-01-01.. %d/month", r, r, 1+r%3, 10+r%40))
		in.Decisions = append(in.Decisions, d)
		for v := 0; v < 90; v++ {
			day := volume.NewDate(2026, 3, 1+v%31)
			start := volume.LocalTimestamp(day, 6+v%17, (v*7)%60)
			h, m := start.Clock()
			end := volume.LocalTimestamp(day, h+1, m)
			in.Reports = append(in.Reports, volume.Report{ID: fmt.Sprintf("T%d-%d", r, v), Recipient: d.Recipient,
				Provider: d.Provider, Service: "HT", Start: start, End: end, Staff: 1, Kind: volume.Visit, Status: volume.Approved})
		}
	}
	want := jsonWithoutFiles(t, settle(t, testby(t), "2026-03", in))
	dir := t.TempDir()
	if err := reimbursement.WriteBundle(dir, tariffJSON, in); err != nil {
		t.Fatal(err)
	}
	st, problems, err := reimbursement.SettleFS(os.DirFS(dir), volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	if err != nil || len(problems) > 0 {
		t.Fatalf("SettleFS: %v %v", err, problems)
	}
	requireFilesRead(t, os.DirFS(dir), st)
	if got := jsonWithoutFiles(t, st); !bytes.Equal(want, got) {
		t.Fatal("a big reports.csv settles differently from the values")
	}
	// Spoil a row near the end.
	b, _ := os.ReadFile(filepath.Join(dir, "reports.csv"))
	lines := strings.Split(string(b), "\n")
	bad := len(lines) - 10
	lines[bad] = strings.Replace(lines[bad], "2026-03", "2026-02-30", 1)
	os.WriteFile(filepath.Join(dir, "reports.csv"), []byte(strings.Join(lines, "\n")), 0o644)
	_, problems, err = reimbursement.SettleFS(os.DirFS(dir), volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	if err != nil || len(problems) != 1 {
		t.Fatalf("SettleFS: %v %v", err, problems)
	}
	if want := fmt.Sprintf("reports.csv:%d:5 (start)", bad+1); !strings.HasPrefix(problems[0].Error(), want) {
		t.Errorf("problem %q, want it at %s", problems[0], want)
	}
}

// TestSettleLeavesInputAlone: Settle reads the caller's records in place
// and changes none of them (a report's staff of 0 is invalid, and stays 0).
func TestSettleLeavesInputAlone(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < 20; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		for i := range in.Reports {
			if i%5 == 0 {
				in.Reports[i].Staff = 0
			}
		}
		before := slices.Clone(in.Reports)
		settleJSON(t, tariff, period, in)
		for i := range before {
			if !reflect.DeepEqual(before[i], in.Reports[i]) {
				t.Fatalf("seed %d: report %d was %+v, is %+v", seed, i, before[i], in.Reports[i])
			}
		}
	}
}

// TestPropertyUsualReports: Settle takes most reports by a short way
// (those with the names of the report before them); Settler.AddReport,
// given one report at a time, never does. Both give the same settlement,
// of random months and of the synthetic municipality.
func TestPropertyUsualReports(t *testing.T) {
	tariff := testby(t)
	opt := reimbursement.Options{Location: rt.Stockholm()}
	one := func(tariff *reimbursement.Tariff, period volume.Period, in reimbursement.Input) []byte {
		s := settlerOf(t, tariff, period, in)
		for _, r := range in.Reports {
			s.AddReport(r)
		}
		var b bytes.Buffer
		require.NoError(t, s.Settlement().WriteJSON(&b))
		return b.Bytes()
	}
	all := func(tariff *reimbursement.Tariff, period volume.Period, in reimbursement.Input) []byte {
		st, err := reimbursement.Settle(tariff, period, in, opt)
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, st.WriteJSON(&b))
		return b.Bytes()
	}
	for seed := int64(0); seed < propertyRuns; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		p := volume.MustParsePeriod(period)
		if !bytes.Equal(one(tariff, p, in), all(tariff, p, in)) {
			t.Fatalf("seed %d: Settle and AddReport give other settlements", seed)
		}
	}
	dir := t.TempDir()
	period := volume.MustParsePeriod("2026-03")
	require.NoError(t, rt.WriteSyntheticBundle(dir, 200, 3, period))
	fsys := os.DirFS(dir)
	synthetic, err := reimbursement.LoadTariffFS(fsys)
	require.NoError(t, err)
	in, problems, err := reimbursement.ReadInputFS(fsys)
	require.NoError(t, err)
	require.Empty(t, problems)
	if !bytes.Equal(one(synthetic, period, in), all(synthetic, period, in)) {
		t.Fatal("the synthetic municipality: Settle and AddReport give other settlements")
	}
}

// TestSettleLeavesDecisionsAlone: Settle, which takes its caller's
// decisions as they are when none must change, changes none of them when
// some must (no staff, no provider, an id used twice, one that cannot be
// settled), and settles as a settler given a copy of them does.
func TestSettleLeavesDecisionsAlone(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < 20; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		for i := range in.Decisions {
			switch i % 7 {
			case 1:
				in.Decisions[i].Staff = 0
			case 2:
				in.Decisions[i].Provider = ""
			}
		}
		if seed%2 == 0 && len(in.Decisions) > 1 {
			twice := in.Decisions[0]
			twice.GrantedHours = twice.GrantedHours.Add(decimal.NewFromInt(1))
			bad := in.Decisions[1]
			bad.ID, bad.To = bad.ID+"-bad", bad.From.AddDays(-1)
			in.Decisions = append(in.Decisions, twice, bad)
		}
		before := slices.Clone(in.Decisions)
		_, got := settleJSON(t, tariff, period, in)
		for i := range before {
			if !reflect.DeepEqual(before[i], in.Decisions[i]) {
				t.Fatalf("seed %d: decision %d was %+v, is %+v", seed, i, before[i], in.Decisions[i])
			}
		}
		s := settlerOf(t, tariff, volume.MustParsePeriod(period), in)
		for _, r := range in.Reports {
			s.AddReport(r)
		}
		var want bytes.Buffer
		require.NoError(t, s.Settlement().WriteJSON(&want))
		if !bytes.Equal(want.Bytes(), got) {
			t.Fatalf("seed %d: Settle and a settler of copied decisions settle differently", seed)
		}
	}
}

// TestParallelSettlement: decisions settled on several goroutines give
// the settlement settled on one, byte for byte. Small months reach the
// parallel way here (SettleInParallel), so that -short runs, and the race
// detector in them, cover it.
func TestParallelSettlement(t *testing.T) {
	tariff := testby(t)
	for seed := int64(0); seed < propertyRuns/3; seed++ {
		period, in := randomMonth(rand.New(rand.NewSource(seed)))
		_, want := settleJSON(t, tariff, period, in)
		st, err := reimbursement.SettleInParallel(tariff, volume.MustParsePeriod(period), in,
			reimbursement.Options{Location: rt.Stockholm(), Audit: true, Workers: 4})
		require.NoError(t, err)
		if got := jsonOf(t, st); !bytes.Equal(want, got) {
			t.Fatalf("seed %d: settled in parallel:\n%s\nwant\n%s", seed, got, want)
		}
	}
}

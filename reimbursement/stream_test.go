package reimbursement_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// inMemory settles a bundle with SettleFS and writes it in every format.
func inMemory(t *testing.T, fsys fs.FS, period volume.Period) (map[reimbursement.Format][]byte, []error) {
	t.Helper()
	st, problems, err := reimbursement.SettleFS(fsys, period, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	out := map[reimbursement.Format][]byte{}
	var b bytes.Buffer
	require.NoError(t, st.WriteJSON(&b))
	out[reimbursement.FormatJSON] = bytes.Clone(b.Bytes())
	b.Reset()
	require.NoError(t, st.WriteCSV(&b, false))
	out[reimbursement.FormatCSV] = bytes.Clone(b.Bytes())
	b.Reset()
	require.NoError(t, st.WriteCSV(&b, true))
	out[reimbursement.FormatSwedishCSV] = bytes.Clone(b.Bytes())
	return out, problems
}

// streamed settles a bundle with WriteSettlementFS, audited (each part's
// file read back and checked) or not.
func streamed(t *testing.T, fsys fs.FS, period volume.Period, format reimbursement.Format, perPart int, audit bool) ([]byte, reimbursement.StreamSummary, []error) {
	t.Helper()
	tariff, err := reimbursement.LoadTariffFS(fsys)
	require.NoError(t, err)
	var b bytes.Buffer
	sum, problems, err := reimbursement.WriteSettlementFS(&b, fsys, tariff, period, reimbursement.StreamOptions{
		Options: reimbursement.Options{Location: rt.Stockholm(), Audit: audit}, Format: format,
		TempDir: t.TempDir(), PartReports: perPart})
	require.NoError(t, err)
	return b.Bytes(), sum, problems
}

// checkStreamed: every format, whatever the size of the parts, is the
// bytes the in-memory settlement writes, with the same problems, and the
// summary agrees with it.
func checkStreamed(t *testing.T, name string, fsys fs.FS, period volume.Period) (maxParts int) {
	t.Helper()
	want, wantProblems := inMemory(t, fsys, period)
	st, err := reimbursement.ParseSettlement(want[reimbursement.FormatJSON])
	require.NoError(t, err)
	perParts := []int{1, 3, 40, 0}
	if testing.Short() {
		perParts = []int{1} // under the race detector, one way of splitting
	}
	for k, perPart := range perParts {
		for format, w := range want {
			audit := (k+int(format))%2 == 0
			if testing.Short() {
				audit = format != reimbursement.FormatJSON
			}
			got, sum, problems := streamed(t, fsys, period, format, perPart, audit)
			if !bytes.Equal(got, w) {
				t.Fatalf("%s, %d reports a part (%d parts), format %d: streamed output differs:\n%s\nwant\n%s",
					name, perPart, sum.Parts, format, got, w)
			}
			if d := cmp.Diff(fmt.Sprint(wantProblems), fmt.Sprint(problems)); d != "" {
				t.Fatalf("%s: problems differ (-want +got):\n%s", name, d)
			}
			maxParts = max(maxParts, sum.Parts)
			if !sum.Total.Equal(st.Total) || len(sum.Providers) != len(st.Providers) || sum.Unmatched != len(st.Unmatched) ||
				sum.Issues != len(st.Issues) {
				t.Fatalf("%s: summary %+v does not agree with the settlement", name, sum)
			}
			for i, p := range st.Providers {
				s := sum.Providers[i]
				if s.Provider != p.Provider || s.Lines != len(p.Lines) || s.Unpaid != len(p.Unpaid) ||
					s.Pending != len(p.Pending) || !s.Total.Equal(p.Total) {
					t.Fatalf("%s: summary of %s %+v does not agree with the settlement", name, p.Provider, s)
				}
			}
		}
	}
	return maxParts
}

// TestStreamMatchesSettle: random months, with copies of ids across
// recipients (which must join their parts), settled in parts are the
// months settled in memory, byte for byte.
func TestStreamMatchesSettle(t *testing.T) {
	tariffJSON, err := os.ReadFile("testdata/testby/tariff.json")
	require.NoError(t, err)
	split, seeds := 0, int64(propertyRuns/4)
	if testing.Short() {
		seeds = 6
	}
	for seed := int64(0); seed < seeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		period, in := randomMonth(rng)
		if seed%2 == 1 && len(in.Reports) > 2 {
			// Copies of an id naming another recipient.
			for k := 0; k < 2; k++ {
				c := in.Reports[rng.Intn(len(in.Reports))]
				c.Recipient = in.Reports[rng.Intn(len(in.Reports))].Recipient
				in.Reports = append(in.Reports, c)
			}
			if len(in.Absences) > 0 {
				a := in.Absences[0]
				a.Recipient = "R0"
				in.Absences = append(in.Absences, a)
			}
		}
		dir := t.TempDir()
		require.NoError(t, reimbursement.WriteBundle(dir, tariffJSON, in))
		if checkStreamed(t, fmt.Sprint("seed ", seed), os.DirFS(dir), volume.MustParsePeriod(period)) > 1 {
			split++
		}
	}
	if split < int(seeds)/2 {
		t.Fatalf("only %d months were settled in more than one part", split)
	}
}

// TestStreamCases: the shared cases and the example bundles, in parts.
func TestStreamCases(t *testing.T) {
	for _, dir := range []string{"testdata/cases/ledsagning-2024-03", "testdata/cases/sabo-2024-03", "testdata/cases/hemtjanst-start-2026-03", "../examples/internal/sample/bundle"} {
		period := "2026-10"
		if b, err := os.ReadFile(filepath.Join(dir, "period")); err == nil {
			period = string(bytes.TrimSpace(b))
		}
		checkStreamed(t, dir, os.DirFS(dir), volume.MustParsePeriod(period))
	}
}

// TestReadInputFS: a bundle read into an Input and settled is what SettleFS
// makes of it, problems and all, for the shared cases, the sample and a
// bundle of rows that cannot be read; the reports are in the file's order.
func TestReadInputFS(t *testing.T) {
	hostile := hostileBundle(t)
	hostile["reports.csv"].Data = append(hostile["reports.csv"].Data,
		"T2,R1,P1,LEDS,2026-03-03T25:00,2026-03-03T11:00,1,visit,approved\n"+
			"T3,R2,P1,LEDS,2026-03-03T10:00,,x,visit,approved\n"+
			"T6\xff,R1,PX,LEDS,2026-03-04T10:00,2026-03-04T11:00,1,visit,approved\n"...)
	// Columns in another order: a row's problems come in the file's order
	// of its columns, not in the order they are parsed.
	hostile["reports-2.csv"] = &fstest.MapFile{Data: []byte("start,end,id,recipient,provider,service\n" +
		"2026-03-05T25:00,,,R1,P1,LEDS\n2026-03-05T10:00,2026-03-05T11:00,T7,R1,P1,LEDS\n")}
	bundles := map[string]fs.FS{"hostile": hostile}
	periods := map[string]string{"hostile": "2026-03"}
	for _, dir := range []string{"testdata/cases/ledsagning-2024-03", "testdata/cases/sabo-2024-03", "testdata/cases/hemtjanst-start-2026-03", "../examples/internal/sample/bundle"} {
		bundles[dir] = os.DirFS(dir)
		periods[dir] = "2026-10"
		if b, err := os.ReadFile(filepath.Join(dir, "period")); err == nil {
			periods[dir] = string(bytes.TrimSpace(b))
		}
	}
	for name, fsys := range bundles {
		t.Run(name, func(t *testing.T) {
			period := volume.MustParsePeriod(periods[name])
			want, wantProblems := inMemory(t, fsys, period)
			in, problems, err := reimbursement.ReadInputFS(fsys)
			require.NoError(t, err)
			tariff, err := reimbursement.LoadTariffFS(fsys)
			require.NoError(t, err)
			st, err := reimbursement.Settle(tariff, period, in, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, st.WriteJSON(&b))
			if diff := cmp.Diff(string(want[reimbursement.FormatJSON]), b.String()); diff != "" {
				t.Errorf("settled from ReadInputFS (-SettleFS +ReadInputFS):\n%s", diff)
			}
			if diff := cmp.Diff(fmt.Sprint(wantProblems), fmt.Sprint(problems)); diff != "" {
				t.Errorf("problems (-SettleFS +ReadInputFS):\n%s", diff)
			}
			if files, _ := fs.Glob(fsys, "reports*.csv"); len(files) != 1 {
				return // the order of one file is checked
			}
			data, err := fs.ReadFile(fsys, reimbursement.FileReports)
			if err != nil {
				require.Empty(t, in.Reports, "reports without a reports.csv")
				return
			}
			var ids []string
			for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n"))[1:] {
				ids = append(ids, string(bytes.Trim(bytes.SplitN(line, []byte(","), 2)[0], "\"")))
			}
			var got []string
			for _, r := range in.Reports {
				got = append(got, r.ID)
			}
			if len(got) != len(ids) || (len(ids) > 0 && got[0] != ids[0]) || (len(ids) > 1 && got[len(got)-1] != ids[len(ids)-1]) {
				t.Errorf("reports %q, want them in the file's order %q", got, ids)
			}
		})
	}
}

// TestStreamHostile: a bundle whose rows cannot be read streams as it
// settles, problems and all.
func TestStreamHostile(t *testing.T) {
	fsys := hostileBundle(t)
	fsys["reports.csv"].Data = append(fsys["reports.csv"].Data,
		"T2,R1,P1,LEDS,2026-03-03T25:00,2026-03-03T11:00,1,visit,approved\n"+
			"T3,R2,P1,LEDS,2026-03-03T10:00,,x,visit,approved\n"+
			"T1,R9,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00,1,visit,approved\n"+
			"T4,\"R1\",P2,LEDS,2026-03-29T02:30,2026-03-29T03:00,1,visit,approved\n"+
			"\"T<5>&ö\u2028\"\"\",R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00,1,visit,approved\n"+
			"T6\xff,R1,PX,LEDS,2026-03-04T10:00,2026-03-04T11:00,1,visit,approved\n"...)
	checkStreamed(t, "hostile", fsys, volume.MustParsePeriod("2026-03"))
}

// TestStreamErrors: a bundle that cannot be settled fails as SettleFS does.
func TestStreamErrors(t *testing.T) {
	fsys := hostileBundle(t)
	fsys["providers.csv"].Data = []byte("id,name,regime\nP1,A,private\nP1,B,private\n")
	tariff, err := reimbursement.LoadTariffFS(fsys)
	require.NoError(t, err)
	var b bytes.Buffer
	_, _, err = reimbursement.WriteSettlementFS(&b, fsys, tariff, volume.MustParsePeriod("2026-03"),
		reimbursement.StreamOptions{Options: reimbursement.Options{Location: rt.Stockholm()}, TempDir: t.TempDir()})
	require.ErrorContains(t, err, `provider "P1" is listed twice`)
	_, _, err = reimbursement.WriteSettlementFS(&b, fsys, tariff, volume.MustParsePeriod("2026-03"),
		reimbursement.StreamOptions{TempDir: t.TempDir()})
	require.ErrorContains(t, err, "Location is nil")
	_, _, err = reimbursement.WriteSettlementFS(&b, fsys, tariff, volume.MustParsePeriod("2026-03"),
		reimbursement.StreamOptions{Options: reimbursement.Options{Location: rt.Stockholm()}, Format: 3})
	require.ErrorContains(t, err, "Format 3")
	require.Zero(t, b.Len())
}

// TestStreamAdjustments: a provider with only adjustments, adjustments
// with a recipient among the lines, a bad and a duplicate adjustment, and
// one for an unknown provider are where the in-memory settlement has them.
func TestStreamAdjustments(t *testing.T) {
	fsys := hostileBundle(t)
	fsys["decisions.csv"].Data = append(fsys["decisions.csv"].Data, "D2,R2,P1,LEDS,2026-01-01,,,,,,,,\n"...)
	fsys["reports.csv"].Data = append(fsys["reports.csv"].Data,
		"T2,R2,P1,LEDS,2026-03-05T10:00,2026-03-05T10:30,1,visit,approved\n"+
			"T3,R2,P1,LEDS,2026-03-06T10:00,2026-03-06T10:30,1,visit,approved\n"+
			"T4,R2,P1,LEDS,2026-03-07T10:00,2026-03-07T10:30,1,visit,approved\n"...)
	fsys["adjustments.csv"] = &fstest.MapFile{Data: []byte("id,provider,period,amount,reason,recipient,service\n" +
		"J1,P2,2026-03,150.00,efterdebitering,,\n" +
		"J2,P1,2026-03,-20.50,kreditering,R1,LEDS\n" +
		"J3,P1,2026-03,x,fel,,\n" +
		"J4,P9,2026-03,10.00,okänd,,\n" +
		"J5,P1,2026-03,1.00,a,,\nJ5,P1,2026-03,2.00,b,,\n")}
	checkStreamed(t, "adjustments", fsys, volume.MustParsePeriod("2026-03"))
	got, sum, _ := streamed(t, fsys, volume.MustParsePeriod("2026-03"), reimbursement.FormatJSON, 1, true)
	if sum.Parts < 2 || !bytes.Contains(got, []byte(`"provider": "P2"`)) {
		t.Fatalf("%d parts; P2 (adjustments only) in the output: %v", sum.Parts, bytes.Contains(got, []byte(`"provider": "P2"`)))
	}
}

// TestTariffGapIDs: a rate that ends in the middle of the month leaves
// 1 500 visits of 50 recipients without a rate. They are not paid
// (no-rate), and the tariff-gap issue names the first MaxIssueIDs of them
// by id and says there are more, in memory and in parts alike.
func TestTariffGapIDs(t *testing.T) {
	tariff := []byte(`{"name": "Gapby", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
		"default_band": "dag", "services": [{"code": "NATT", "unit": "visit"}],
		"rates": [{"service": "NATT", "from": "2026-01-01", "to": "2026-03-15", "price": "245.00"}]}`)
	in := reimbursement.Input{Providers: rt.Providers("P1 private")}
	for r := range 50 {
		in.Decisions = append(in.Decisions, rt.Decision(fmt.Sprintf("D%02d R%02d P1 NATT 2026-03-01..", r, r)))
		in.Reports = append(in.Reports, rt.Reports(fmt.Sprintf("S%02d R%02d P1 NATT 2026-03-02T22:00 22:20", r, r))...)
		for v := range 30 {
			in.Reports = append(in.Reports, rt.Reports(fmt.Sprintf("T%04d R%02d P1 NATT 2026-03-%02dT22:00 22:20", v*50+r, r, 16+v/2))...)
		}
	}
	dir := t.TempDir()
	require.NoError(t, reimbursement.WriteBundle(dir, tariff, in))
	period := volume.MustParsePeriod("2026-03")
	if parts := checkStreamed(t, "gap", os.DirFS(dir), period); parts < 2 {
		t.Errorf("settled in %d parts at most, want more", parts)
	}
	st, _, err := reimbursement.SettleFS(os.DirFS(dir), period, reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	var ids []string
	for k := range reimbursement.MaxIssueIDs {
		ids = append(ids, fmt.Sprintf("T%04d", k))
	}
	diff(t, "issues", []reimbursement.Issue{{Kind: "tariff-gap", IDs: ids,
		Message: "no rate for service NATT, component base, band dag, regime private on 2026-03-16..2026-03-30 (more than 1000 records: the first 1000 by id are named)"}},
		st.Issues)
	p, _ := st.Provider("P1")
	noRate := 0
	for _, u := range p.Unpaid {
		if u.Reason == reimbursement.ReasonNoRate {
			noRate++
		}
	}
	if noRate != 1500 || len(p.Lines) != 50 || !p.Total.Equal(decimal.RequireFromString("12250.00")) { // 50 × 245
		t.Errorf("%d visits not paid for no rate, %d lines paying %s; want 1 500, 50 paying 12 250.00", noRate, len(p.Lines), p.Total)
	}
}

// fortyRecipients is a bundle of 40 recipients R00…R39 with a LEDS
// decision each from decisionFrom (as written) and five visits each, the
// reports naming the recipients with reportPrefix for R.
func fortyRecipients(t *testing.T, decisionFrom, reportPrefix string) fstest.MapFS {
	t.Helper()
	tariff, err := os.ReadFile("testdata/testby/tariff.json")
	require.NoError(t, err)
	var decisions, reports bytes.Buffer
	decisions.WriteString("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n")
	reports.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	for r := range 40 {
		fmt.Fprintf(&decisions, "D%d,R%02d,P1,LEDS,%s,,,,,,,,\n", r, r, decisionFrom)
		for v := range 5 {
			fmt.Fprintf(&reports, "T%d-%d,%s%02d,P1,LEDS,2026-03-%02dT10:00,2026-03-%02dT11:00,1,visit,approved\n", r, v, reportPrefix, r, 2+v, 2+v)
		}
	}
	return fstest.MapFS{
		"tariff.json":   {Data: tariff},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: decisions.Bytes()},
		"reports.csv":   {Data: reports.Bytes()},
	}
}

// TestStreamUnreadableDecisions: a month whose decision rows all have
// dates in another format is still settled in parts (ranges of the
// recipients those rows name), as in memory: every report unmatched, every
// decision an invalid-decision issue.
func TestStreamUnreadableDecisions(t *testing.T) {
	fsys := fortyRecipients(t, "01/01/2026", "R")
	if parts := checkStreamed(t, "unreadable decisions", fsys, volume.MustParsePeriod("2026-03")); parts < 2 {
		t.Errorf("settled in %d part at most, want more", parts)
	}
}

// TestStreamOtherPseudonyms: a month whose reports name its recipients
// otherwise than its decisions (X07 for R07) settles in parts of the
// recipients its reports name (TestSplitSample checks the ranges) as in
// memory: every report unmatched.
func TestStreamOtherPseudonyms(t *testing.T) {
	fsys := fortyRecipients(t, "2026-01-01", "X")
	checkStreamed(t, "other pseudonyms", fsys, volume.MustParsePeriod("2026-03"))
}

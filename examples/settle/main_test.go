package main

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

func runOK(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("settle %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	return out.String(), errb.String()
}

func TestSampleSummary(t *testing.T) {
	out, _ := runOK(t)
	for _, want := range []string{"Ersättningsunderlag 2026-10 — Exempelby kommun 2026", "Utförare P1 Omsorgsbolaget AB",
		"HT Hemtjänst", "100 tim 5 min", "436,00 kr/tim", "43 636,32", "storhelg",
		"over-granted    Över beviljad tid", "och 5 till", "ambiguous-time", "no-decision",
		"reports.csv            1 139       1 139", "Summa att betala 1 893 676,65 kr"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary does not show %q", want)
		}
	}
}

func TestSampleGolden(t *testing.T) {
	out, _ := runOK(t, "-format", "json")
	rt.GoldenBytes(t, "testdata/sample-2026-10.json", []byte(out))
	st, err := reimbursement.ParseSettlement([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rt.Arithmetic(st) {
		t.Error(p)
	}
}

// TestSharedCases runs the contract's worked cases through the program.
func TestSharedCases(t *testing.T) {
	dirs, _ := filepath.Glob("../../reimbursement/testdata/cases/*")
	if len(dirs) == 0 {
		t.Fatal("no cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			period, err := os.ReadFile(filepath.Join(dir, "period"))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.json")
			runOK(t, "-in", dir, "-period", strings.TrimSpace(string(period)), "-format", "json", "-o", out)
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			exp, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			gs, err := reimbursement.ParseSettlement(got)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := reimbursement.ParseSettlement(exp)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rt.Compare(ws, gs) {
				t.Error(p)
			}
		})
	}
}

func TestCSVFormats(t *testing.T) {
	out, _ := runOK(t, "-format", "csv")
	if !strings.HasPrefix(out, "provider,regime,recipient,decision,service,component,band,unit,quantity,price,factor,divisor,amount") {
		t.Errorf("csv header: %q", strings.SplitN(out, "\n", 2)[0])
	}
	sv, _ := runOK(t, "-format", "csv-sv")
	lines := strings.Split(sv, "\r\n")
	if !strings.HasPrefix(lines[0], "\ufeffutförare;driftform;brukare;") || !strings.Contains(lines[1], ",00;") || strings.Contains(sv, "\n\n") {
		t.Errorf("csv-sv: %q / %q", lines[0], lines[1])
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad format", []string{"-format", "xml"}, 2, "-format"},
		{"bad period", []string{"-period", "2026-13"}, 2, "-period"},
		{"no period with -in", []string{"-in", t.TempDir()}, 2, "-period"},
		{"missing bundle", []string{"-in", filepath.Join(t.TempDir(), "nope"), "-period", "2026-03"}, 1, "tariff.json"},
		{"extra argument", []string{"extra"}, 2, "unexpected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tt.args, &out, &errb); code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.msg) {
				t.Errorf("stderr %q does not mention %q", errb.String(), tt.msg)
			}
		})
	}
}

// TestDataProblemsStillSettle: a bundle with unreadable rows settles, lists
// the rows on stderr with file and line, and accounts for the records.
func TestDataProblemsStillSettle(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../reimbursement/testdata/cases/ledsagning-2024-03", dir, nil)
	f, err := os.OpenFile(filepath.Join(dir, "reports.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("T20,R1,P1,LEDS,2024-03-04T09:00,2024-03-04T24:30,1,visit,approved\n")
	f.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"-in", dir, "-format", "json"}, &out, &errb); code != exitRowsInvalid {
		t.Fatalf("exit %d, want 3 (settled, a row not read): %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "reports.csv:11:6 (end)") {
		t.Errorf("stderr does not name the place: %s", errb.String())
	}
	if !strings.Contains(out.String(), `"id": "T20"`) || !strings.Contains(out.String(), "invalid-input") {
		t.Errorf("T20 is not accounted for as invalid-input")
	}
}

// TestShuffledInput: the same bundle with its rows in another order gives
// byte-identical output.
func TestShuffledInput(t *testing.T) {
	want, _ := runOK(t, "-format", "json")
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 3; i++ {
		dir := t.TempDir()
		copyDir(t, "../internal/sample/bundle", dir, rng)
		got, _ := runOK(t, "-in", dir, "-format", "json")
		if got != want {
			t.Fatalf("shuffled input %d gives other output", i)
		}
	}
}

// copyDir copies a bundle, shuffling the data rows of its CSV files when
// rng is given.
func copyDir(t *testing.T, from, to string, rng *rand.Rand) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if rng != nil && strings.HasSuffix(e.Name(), ".csv") {
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			rows := lines[1:]
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			b = []byte(strings.Join(lines, "\n") + "\n")
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPrevious: a re-run against the settlement issued before prints the
// correction: nothing when nothing changed, the difference when a report
// was approved late.
func TestPrevious(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../reimbursement/testdata/cases/ledsagning-2024-03", dir, nil)
	issued := filepath.Join(t.TempDir(), "issued.json")
	runOK(t, "-in", dir, "-format", "json", "-o", issued)
	out, _ := runOK(t, "-in", dir, "-format", "json", "-previous", issued)
	corr, err := reimbursement.ParseSettlement([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if !corr.Total.IsZero() || corr.CorrectionOf == nil || corr.CorrectionOf.Total.StringFixed(2) != "5223.50" {
		t.Errorf("unchanged re-run: total %s, correction_of %+v", corr.Total, corr.CorrectionOf)
	}
	// T6 (pending, 60 min dag for a private provider) is approved.
	b, _ := os.ReadFile(filepath.Join(dir, "reports.csv"))
	os.WriteFile(filepath.Join(dir, "reports.csv"), []byte(strings.Replace(string(b), "1,visit,pending", "1,visit,approved", 1)), 0o644)
	out, _ = runOK(t, "-in", dir, "-format", "json", "-previous", issued)
	if corr, err = reimbursement.ParseSettlement([]byte(out)); err != nil {
		t.Fatal(err)
	}
	if corr.Total.StringFixed(2) != "434.00" || len(corr.Providers) != 2 || len(corr.Providers[0].Lines) != 1 {
		t.Errorf("late approval: total %s, providers %+v", corr.Total, corr.Providers)
	}
	// The correction's statements: the changed provider's and an index.
	html := t.TempDir()
	runOK(t, "-in", dir, "-format", "html", "-previous", issued, "-o", html)
	page, err := os.ReadFile(filepath.Join(html, "P1.html"))
	if err != nil || !strings.Contains(string(page), `id="difference"><b>434,00 kr`) {
		t.Errorf("the correction statement of P1 (%v):\n%s", err, page)
	}
	if entries, _ := os.ReadDir(html); len(entries) != 2 {
		t.Errorf("correction statements: %v, want index.html and P1.html", entries)
	}
	var errb bytes.Buffer
	if code := run([]string{"-in", dir, "-period", "2024-04", "-previous", issued}, &bytes.Buffer{}, &errb); code != 1 {
		t.Errorf("-previous of another period: exit %d", code)
	}
}

// TestOutputFile: -o gets the bytes stdout would, and nothing else is left
// beside it; a run that fails leaves no file.
func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.json")
	want, _ := runOK(t, "-format", "json")
	runOK(t, "-format", "json", "-o", file, "-tmpdir", dir)
	got, err := os.ReadFile(file)
	if err != nil || string(got) != want {
		t.Fatalf("-o wrote %d bytes (%v), stdout %d", len(got), err, len(want))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left in the directory: %v", entries)
	}
	var out, errb bytes.Buffer
	bad := filepath.Join(dir, "bad.json")
	if code := run([]string{"-in", dir, "-period", "2026-03", "-format", "json", "-o", bad}, &out, &errb); code != 1 {
		t.Fatalf("settling a directory without a bundle: exit %d", code)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Fatal("a failed run left its output file")
	}
}

// TestExitStatus: 0 settled, 3 settled with rows that could not be read,
// 1 could not settle, 2 bad usage, 0 for -h; warnings alone leave it 0.
func TestExitStatus(t *testing.T) {
	good := t.TempDir()
	copyDir(t, "../../reimbursement/testdata/cases/ledsagning-2024-03", good, nil)
	edit := func(file string, change func(string) string) string {
		dir := t.TempDir()
		copyDir(t, good, dir, nil)
		b, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(change(string(b))), 0o644))
		return dir
	}
	strayQuote := edit("reports.csv", func(s string) string { return strings.Replace(s, "\nT3,", "\n\"T3,", 1) })
	cp1252 := edit("providers.csv", func(s string) string { return s + "P9,Omsorg i V\xe4st AB,private\n" })
	misspelt := edit("decisions.csv", func(s string) string { return strings.Replace(s, "end_reason", "endreason", 1) })
	repeated := edit("reports.csv", func(s string) string { return strings.Replace(s, "status", "status,status", 1) })
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of what stderr says
	}{
		{"settled", []string{"-in", good}, 0, ""},
		{"help", []string{"-h"}, 0, ""},
		{"a stray quote: the row listed", []string{"-in", strayQuote, "-format", "json"}, 3, "reports.csv:4:1 (id)"},
		{"a stray quote, in memory", []string{"-in", strayQuote}, 3, "1 row could not be read"},
		{"Windows-1252: a warning", []string{"-in", cp1252}, 0, "providers.csv is not UTF-8; it was read as Windows-1252"},
		{"a misspelt column: a warning", []string{"-in", misspelt, "-format", "json"}, 0, `did you mean "end_reason"?`},
		{"a period without records: a warning", []string{"-in", good, "-period", "1999-01"}, 0, "no records of 1999-01"},
		{"a repeated column: unreadable", []string{"-in", repeated, "-format", "json"}, 1, `"status" is columns 9 and 10`},
		{"bad usage", []string{"-in", good, "-format", "pdf"}, 2, "-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tt.args, &out, &errb); code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q does not say %q", errb.String(), tt.stderr)
			}
		})
	}
	var out bytes.Buffer
	run([]string{"-h"}, &out, &bytes.Buffer{})
	if !strings.HasPrefix(out.String(), "usage: settle") {
		t.Errorf("-h prints %q", out.String())
	}
}

// TestPreviousChecked: a settlement given with -previous is checked before
// a correction is made against it: its sums, that it is a settlement and
// not a correction.
func TestPreviousChecked(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../reimbursement/testdata/cases/ledsagning-2024-03", dir, nil)
	issued := filepath.Join(t.TempDir(), "issued.json")
	runOK(t, "-in", dir, "-format", "json", "-o", issued)
	b, err := os.ReadFile(issued)
	require.NoError(t, err)
	st, err := reimbursement.ParseSettlement(b)
	require.NoError(t, err)
	spoil := func(change func(st *reimbursement.Settlement)) string {
		c, err := reimbursement.ParseSettlement(b)
		require.NoError(t, err)
		change(c)
		f := filepath.Join(t.TempDir(), "issued.json")
		var buf bytes.Buffer
		require.NoError(t, c.WriteJSON(&buf))
		require.NoError(t, os.WriteFile(f, buf.Bytes(), 0o644))
		return f
	}
	tests := []struct {
		name, file, stderr string
	}{
		{"total edited", spoil(func(c *reimbursement.Settlement) { c.Total = c.Total.Add(decimal.NewFromInt(100)) }), "is not the sum of the providers'"},
		{"a provider deleted", spoil(func(c *reimbursement.Settlement) { c.Providers = c.Providers[1:] }), "is not the sum of the providers'"},
		{"a correction", spoil(func(c *reimbursement.Settlement) {
			c.CorrectionOf = &reimbursement.CorrectionOf{Period: st.Period, Total: st.Total}
		}), "is a correction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errb bytes.Buffer
			if code := run([]string{"-in", dir, "-previous", tt.file}, &bytes.Buffer{}, &errb); code != exitFailed {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q does not say %q", errb.String(), tt.stderr)
			}
		})
	}
}

// TestOutputTargets: -o follows a symbolic link and keeps it, writes a
// device as it is and refuses a directory; text and JSON alike.
func TestOutputTargets(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.json")
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink("target.json", link))
	for _, format := range []string{"json", "text"} {
		runOK(t, "-format", format, "-o", link)
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("-format %s: the link was replaced", format)
		}
	}
	got, _ := os.ReadFile(target)
	text, _ := runOK(t)
	if string(got) != text {
		t.Errorf("the link's target does not hold the summary")
	}
	runOK(t, "-format", "json", "-o", os.DevNull)
	var errb bytes.Buffer
	if code := run([]string{"-format", "json", "-o", dir}, &bytes.Buffer{}, &errb); code != exitFailed || !strings.Contains(errb.String(), "directory") {
		t.Errorf("-o a directory: exit %d, %s", code, errb.String())
	}
}

// TestSummaryInEnglish: -lang en gives the summary in English.
func TestSummaryInEnglish(t *testing.T) {
	out, _ := runOK(t, "-lang", "en")
	for _, want := range []string{"Reimbursement statement 2026-10", "Provider P1 Omsorgsbolaget AB", "100 h 5 min",
		"436.00 SEK/h", "43,636.32", "Over the granted time", "and 5 more", "Total to pay 1,893,676.65 SEK"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary does not show %q", want)
		}
	}
}

// TestStatements: -format html writes an index and a statement per
// provider into -o DIR, in parts as in memory alike; -provider writes
// one; xlsx writes a workbook; a correction's statements show only what
// changed.
func TestStatements(t *testing.T) {
	dir := t.TempDir()
	runOK(t, "-format", "html", "-o", dir)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{"P1.html", "P2.html", "P3.html", "P4.html", "P5.html", "P6.html", "index.html"}, names); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	one, _ := runOK(t, "-format", "html", "-provider", "P3")
	p3, err := os.ReadFile(filepath.Join(dir, "P3.html"))
	require.NoError(t, err)
	if one != string(p3) {
		t.Error("-provider P3 is not the P3.html of the directory")
	}
	for _, want := range []string{"<title>Ersättningsunderlag 2026-10 – P3 Trygga händer AB</title>", "vite: sen rapportering",
		"-1\u00a0500,00", "<span id=\"total\">108\u00a0536,69</span> kr"} {
		if !strings.Contains(one, want) {
			t.Errorf("P3's statement lacks %q", want)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "out.xlsx")
	runOK(t, "-format", "xlsx", "-o", xlsx)
	if b, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("-format xlsx: %d bytes, %v", len(b), err)
	}
	var errb bytes.Buffer
	if code := run([]string{"-format", "html"}, &bytes.Buffer{}, &errb); code != exitUsage {
		t.Errorf("html without -o: exit %d", code)
	}
}

// TestBookkeepingOrder: -format sie writes one voucher per provider in
// code page 437, with the default accounts or a mapping; a mapping that
// lacks a service stops the run, naming it.
func TestBookkeepingOrder(t *testing.T) {
	out, _ := runOK(t, "-format", "sie", "-date", "2026-11-05")
	if n := strings.Count(out, "#VER "); n != 6 || !strings.Contains(out, `#VER "" "" 20261105 "Ers`+"\x84"+`ttning 2026-10 P1 Omsorgsbolaget AB"`) {
		t.Errorf("%d vouchers:\n%s", n, out)
	}
	accounts := filepath.Join(t.TempDir(), "accounts.json")
	os.WriteFile(accounts, []byte(`{"payable": "2440", "expense": {"HT": "4611"}}`), 0o644)
	var errb bytes.Buffer
	if code := run([]string{"-format", "sie", "-accounts", accounts}, &bytes.Buffer{}, &errb); code != exitFailed ||
		!strings.Contains(errb.String(), `no expense account for service "BOST"`) {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// TestCompareTariff: -compare-tariff settles the records under both
// tariffs: a proposed tariff that pays home care 450 kr an hour in the dag
// band rather than 436 costs more for the private providers' home care
// only, and -period may list several periods.
func TestCompareTariff(t *testing.T) {
	b, err := os.ReadFile("../internal/sample/bundle/tariff.json")
	require.NoError(t, err)
	proposed := filepath.Join(t.TempDir(), "proposed.json")
	require.NoError(t, os.WriteFile(proposed, bytes.ReplaceAll(b, []byte(`"price": "436.00"`), []byte(`"price": "450.00"`)), 0o644))
	out, _ := runOK(t, "-compare-tariff", proposed, "-format", "json", "-period", "2026-09,2026-10")
	var c struct {
		Periods []string `json:"periods"`
		Rows    []struct {
			Provider, Service, Difference string
		} `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &c))
	if len(c.Periods) != 2 {
		t.Errorf("periods %v", c.Periods)
	}
	for _, r := range c.Rows {
		changed := r.Difference != "0.00"
		if changed != ((r.Provider == "P1" || r.Provider == "P3") && r.Service == "HT") {
			t.Errorf("%s %s changed by %s", r.Provider, r.Service, r.Difference)
		}
	}
	text, _ := runOK(t, "-compare-tariff", proposed)
	if !strings.Contains(text, "Jämförelse av ersättningsmodeller 2026-10") || !strings.Contains(text, "Skillnad") {
		t.Errorf("text:\n%s", text)
	}
}

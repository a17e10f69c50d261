package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

func TestSample(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	rt.GoldenBytes(t, "testdata/sample.txt", out.Bytes())
	if !strings.Contains(out.String(), "Total 870000.00 SEK") {
		t.Errorf("the pool is not shared exactly:\n%s", out.String())
	}
}

func TestFiles(t *testing.T) {
	dir := "../../bonus/testdata/cases/tertial-2026"
	files, _ := filepath.Glob(filepath.Join(dir, "settlements", "*.json"))
	var out, errb bytes.Buffer
	code := run([]string{"-model", filepath.Join(dir, "bonus.json"), "-results", filepath.Join(dir, "results.csv"),
		"-participation", filepath.Join(dir, "participation.csv"), "-settlements", strings.Join(files, ","), "-format", "json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{`"total": "10000.00"`, `"amount": "1694.92"`, `"scaled": true`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s", want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, args := range [][]string{{"-model", "x.json"}, {"-format", "xml"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"-model", "no.json", "-results", "no.csv", "-participation", "no.csv", "-settlements", "no.json"}, &out, &errb); code != 1 {
		t.Errorf("missing files: exit %d, want 1", code)
	}
}

// TestRowsNotRead: a results row that cannot be read is named on stderr
// and left out (the result is then missing), and the exit status is 3;
// -h exits 0.
func TestRowsNotRead(t *testing.T) {
	dir := "../../bonus/testdata/cases/tertial-2026"
	results, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "results.csv")
	lines := strings.SplitAfter(string(results), "\n")
	lines[1] = strings.Replace(lines[1], ",", ",\"", 1) // a stray quote on line 2
	os.WriteFile(bad, []byte(strings.Join(lines, "")), 0o644)
	files, _ := filepath.Glob(filepath.Join(dir, "settlements", "*.json"))
	var out, errb bytes.Buffer
	code := run([]string{"-model", filepath.Join(dir, "bonus.json"), "-results", bad,
		"-participation", filepath.Join(dir, "participation.csv"), "-settlements", strings.Join(files, ",")}, &out, &errb)
	if code != 3 || !strings.Contains(errb.String(), "results.csv:2:") {
		t.Errorf("exit %d, want 3; stderr %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"-h"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "usage: bonus") {
		t.Errorf("-h: exit %d, %q", code, out.String())
	}
}

package main

import (
	"bytes"
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

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateAndSettle(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		var out, errb bytes.Buffer
		if code := run([]string{"-generate", dir, "-recipients", "200", "-seed", "7"}, &out, &errb); code != 0 {
			t.Fatalf("generate: exit %d: %s", code, errb.String())
		}
	}
	for _, f := range []string{"decisions.csv", "reports.csv", "absences.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s: the same seed gives other bytes (or none)", f)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"-in", a, "-period", "2026-03", "-o", filepath.Join(t.TempDir(), "s.json")}, &out, &errb); code != 0 {
		t.Fatalf("settle: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"records read", "wall seconds", "reports/second", "peak heap MiB", "lines written", "total"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "input problems    0") == false {
		t.Errorf("the synthetic bundle has input problems:\n%s", out.String())
	}
}

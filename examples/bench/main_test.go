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

// TestPartsAndMemory: settled in parts (many, and few) and in memory, a
// generated month has the same total and the same JSON.
func TestPartsAndMemory(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"-generate", dir, "-recipients", "300", "-seed", "3"}, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	line := func(out, key string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, key) {
				return strings.TrimSpace(strings.TrimPrefix(l, key))
			}
		}
		return ""
	}
	var totals, parts []string
	var jsons [][]byte
	for _, args := range [][]string{{"-part", "500"}, {"-part", "5000"}, {"-memory"}} {
		file := filepath.Join(t.TempDir(), "s.json")
		out.Reset()
		if code := run(append([]string{"-in", dir, "-period", "2026-03", "-o", file}, args...), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		totals = append(totals, line(out.String(), "total"))
		parts = append(parts, line(out.String(), "parts"))
		b, _ := os.ReadFile(file)
		jsons = append(jsons, b)
	}
	if totals[0] == "" || totals[0] != totals[1] || totals[1] != totals[2] {
		t.Fatalf("totals differ: %v", totals)
	}
	if parts[0] == "1" || parts[2] != "1" {
		t.Fatalf("parts: %v, want several, then 1 in memory", parts)
	}
	if !bytes.Equal(jsons[0], jsons[2]) || !bytes.Equal(jsons[1], jsons[2]) || len(jsons[2]) == 0 {
		t.Fatal("the JSON in parts is not the JSON in memory")
	}
}

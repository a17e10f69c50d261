package main

import (
	"bytes"
	"fmt"
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

// TestMain lets the test program stand in for the programs -peer runs: the
// bench itself, and a peer that prints a given total.
func TestMain(m *testing.M) {
	switch os.Getenv("BENCH_TEST_AS") {
	case "bench":
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	case "peer":
		if len(os.Args) != 3 || os.Args[1] != "sql" {
			fmt.Fprintln(os.Stderr, "usage: peer sql DIR")
			os.Exit(2)
		}
		fmt.Printf("lines 1\ntotal %s\n", os.Getenv("BENCH_TEST_TOTAL"))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestComparePeer: -peer runs the peer and the engine in turn, prints every
// run and the medians, and fails when a total is not the peer's.
func TestComparePeer(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"-generate", dir, "-recipients", "50", "-seed", "5"}, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"-in", dir, "-period", "2026-03"}, &out, &errb); code != 0 {
		t.Fatalf("settle: exit %d: %s", code, errb.String())
	}
	var total string
	for _, l := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "total" {
			total = f[1]
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bench := command{path: self, env: []string{"BENCH_TEST_AS=bench"}}
	peer := command{path: self, env: []string{"BENCH_TEST_AS=peer", "BENCH_TEST_TOTAL=" + total}}
	out.Reset()
	if err := compare(dir, peer, bench, 2, "2026-03", &out); err != nil {
		t.Fatalf("compare: %v\n%s", err, out.String())
	}
	for _, want := range []string{"duckdb                     2", "engine, parts → JSON       1", "engine, in memory          2",
		"median", "same total          " + total} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	peer.env[1] = "BENCH_TEST_TOTAL=1.00"
	out.Reset()
	err = compare(dir, peer, bench, 1, "2026-03", &out)
	if err == nil || !strings.Contains(err.Error(), "gives the total "+total+", the peer 1.00") {
		t.Fatalf("a total not the peer's: %v", err)
	}
}

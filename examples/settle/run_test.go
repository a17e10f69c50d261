package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
)

// runBundle writes a bundle of LEDS at 500 kr an hour with two months
// open for corrections: the reports on time of March to June, and with
// late the late ones (T3L in March, T4L in April, T5L in May).
func runBundle(t *testing.T, late bool) string {
	dir := t.TempDir()
	reports := "id,recipient,provider,service,start,end\n" +
		"T3,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
		"T4,R1,P1,LEDS,2026-04-02T10:00,2026-04-02T12:00\n" +
		"T5,R1,P1,LEDS,2026-05-05T10:00,2026-05-05T11:00\n" +
		"T6,R1,P1,LEDS,2026-06-01T10:00,2026-06-01T11:00\n"
	if late {
		reports += "T3L,R1,P1,LEDS,2026-03-20T10:00,2026-03-20T10:30\n" +
			"T4L,R2,P2,LEDS,2026-04-10T08:00,2026-04-10T09:00\n" +
			"T5L,R1,P1,LEDS,2026-05-06T10:00,2026-05-06T10:45\n"
	}
	files := map[string]string{
		"tariff.json": `{"name": "run", "correction_months": 2,
  "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
  "default_band": "dag", "services": [{"code": "LEDS", "unit": "hour"}],
  "rates": [{"service": "LEDS", "band": "dag", "from": "2026-01-01", "price": "500.00"}]}`,
		"providers.csv": "id,name,regime\nP1,Omsorg AB,private\nP2,Ledsagarna AB,private\n",
		"decisions.csv": "id,recipient,provider,service,from,to\nD1,R1,P1,LEDS,2026-01-01,\nD2,R2,P2,LEDS,2026-01-01,\n",
		"reports.csv":   reports,
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	return dir
}

// TestRun: the month's settlements are issued as they come, then June's
// run over a bundle with late reports corrects April and May, lists March
// as locked, and writes the issued states for July's run.
func TestRun(t *testing.T) {
	onTime := runBundle(t, false)
	issued := t.TempDir()
	for _, p := range []string{"2026-03", "2026-04", "2026-05"} {
		runOK(t, "-in", onTime, "-period", p, "-format", "json", "-o", filepath.Join(issued, p+".json"))
	}
	bundle := runBundle(t, true)
	next := filepath.Join(t.TempDir(), "issued")
	out, _ := runOK(t, "-in", bundle, "-period", "2026-06", "-format", "json", "-issued", issued, "-issued-out", next)
	var run struct {
		Run         string `json:"run"`
		Corrections []struct {
			Period string `json:"period"`
			Total  string `json:"total"`
		} `json:"corrections"`
		Locked []struct {
			Period    string `json:"period"`
			Providers []struct {
				Provider, Amount string
				IDs              []string
			} `json:"providers"`
			Total string `json:"total"`
		} `json:"locked"`
		Providers []struct{ Provider, Settlement, Corrections, Total string } `json:"providers"`
		Total     string                                                      `json:"total"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &run))
	require.Equal(t, "2026-06", run.Run)
	require.Equal(t, "1375.00", run.Total) // June 500 + April 500 (T4L) + May 375 (T5L)
	require.Len(t, run.Corrections, 2)
	require.Equal(t, "2026-04 500.00", run.Corrections[0].Period+" "+run.Corrections[0].Total)
	require.Equal(t, "2026-05 375.00", run.Corrections[1].Period+" "+run.Corrections[1].Total)
	require.Len(t, run.Locked, 1)
	require.Equal(t, "2026-03 250.00 P1 [T3L]", run.Locked[0].Period+" "+run.Locked[0].Total+" "+
		run.Locked[0].Providers[0].Provider+" ["+strings.Join(run.Locked[0].Providers[0].IDs, ",")+"]")

	names, err := filepath.Glob(filepath.Join(next, "*"))
	require.NoError(t, err)
	var totals []string
	for _, name := range names {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		st, err := reimbursement.ParseSettlement(b)
		require.NoError(t, err)
		totals = append(totals, filepath.Base(name)+" "+st.Total.StringFixed(2))
	}
	require.Equal(t, []string{"2026-03.json 500.00", "2026-04.json 1500.00", "2026-05.json 875.00", "2026-06.json 500.00"}, totals)

	// July's run from June's issued states: nothing to correct, March still listed.
	text, _ := runOK(t, "-in", bundle, "-period", "2026-07", "-issued", next)
	for _, want := range []string{"Ersättningskörning 2026-07 — run", "Spärrade perioder (skillnaden betalas inte):",
		"2026-03: 250,00 kr", "Utförare P1 Omsorg AB: 250,00 kr; ändrade underlag: T3L", "Summa att betala 0,00 kr"} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Rättelser av tidigare perioder")

	// June's run as documents: the statements of June, of each
	// correction, and the summary with the locked March.
	docs := t.TempDir()
	runOK(t, "-in", bundle, "-period", "2026-06", "-issued", issued, "-format", "html", "-o", docs)
	for _, name := range []string{"2026-06/index.html", "2026-06/P1.html", "2026-04-rattelse/index.html", "2026-04-rattelse/P2.html",
		"2026-05-rattelse/P1.html", "run.txt"} {
		require.FileExists(t, filepath.Join(docs, name))
	}
	b, err := os.ReadFile(filepath.Join(docs, "2026-05-rattelse", "P1.html"))
	require.NoError(t, err)
	require.Contains(t, string(b), "375,00")
	books := t.TempDir()
	runOK(t, "-in", bundle, "-period", "2026-06", "-issued", issued, "-format", "xlsx", "-o", books)
	for _, name := range []string{"2026-06.xlsx", "2026-04-rattelse.xlsx", "2026-05-rattelse.xlsx", "run.txt"} {
		require.FileExists(t, filepath.Join(books, name))
	}
}

// TestRunRefuses: a run never writes over its input or into a directory
// with files, and says which issued file it cannot read.
func TestRunRefuses(t *testing.T) {
	bundle := runBundle(t, true)
	issued := t.TempDir()
	runOK(t, "-in", bundle, "-period", "2026-05", "-format", "json", "-o", filepath.Join(issued, "2026-05.json"))
	tests := []struct {
		name  string
		setup func(t *testing.T) []string
		code  int
		want  string
	}{
		{"issued-out is issued", func(t *testing.T) []string { return []string{"-issued", issued, "-issued-out", issued} }, exitUsage, "never writes over its input"},
		{"issued-out has files", func(t *testing.T) []string {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x"), nil, 0o644))
			return []string{"-issued", issued, "-issued-out", dir}
		}, exitUsage, "is not empty"},
		{"a stray file", func(t *testing.T) []string {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), nil, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "2026-04.json"), []byte("{"), 0o644))
			return []string{"-issued", dir}
		}, exitFailed, "README.txt: not an issued settlement"},
		{"a file of another period", func(t *testing.T) []string {
			dir := t.TempDir()
			b, err := os.ReadFile(filepath.Join(issued, "2026-05.json"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "2026-04.json"), b, 0o644))
			return []string{"-issued", dir}
		}, exitFailed, "2026-04.json: reimbursement: the settlements are of different periods: the settlement issued before is of 2026-05, not 2026-04"},
		{"html without a directory", func(t *testing.T) []string { return []string{"-issued", issued, "-format", "html"} }, exitUsage, "give -o DIR"},
		{"csv", func(t *testing.T) []string { return []string{"-issued", issued, "-format", "csv"} }, exitUsage, "json, text, html or xlsx"},
		{"previous", func(t *testing.T) []string {
			return []string{"-issued", issued, "-previous", filepath.Join(issued, "2026-05.json")}
		}, exitUsage, "-previous"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-in", bundle, "-period", "2026-06"}, tt.setup(t)...)
			var out, errb bytes.Buffer
			require.Equal(t, tt.code, run(args, &out, &errb), errb.String())
			require.Contains(t, errb.String(), tt.want)
			require.Empty(t, out.String())
		})
	}
}

package reimbursement_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// hostileBundle is a small good bundle whose files a test then spoils.
func hostileBundle(t testing.TB) fstest.MapFS {
	tariff, err := os.ReadFile("testdata/testby/tariff.json")
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"tariff.json":   {Data: tariff},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\nP2,Egen regi,municipal\n")},
		"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\n" +
			"D1,R1,P1,LEDS,2026-01-01,,,,,,,,\n")},
		"reports.csv": {Data: []byte("id,recipient,provider,service,start,end,staff,kind,status\n" +
			"T1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00,1,visit,approved\n")},
	}
}

func settleFS(t *testing.T, fsys fstest.MapFS) (*reimbursement.Settlement, []error, error) {
	t.Helper()
	return reimbursement.SettleFS(fsys, volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: rt.Stockholm(), Audit: true})
}

func TestHostileFiles(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    string
		fatal   string // part of the error that stops the run, or ""
		unpaid  []U    // P1's unpaid entries
		lines   int    // P1's lines
		problem string // part of an input problem
	}{{
		name: "wrong header of reports.csv", file: "reports.csv",
		data:  "id,who,provider,service,begin,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n",
		fatal: `reports.csv:1 (recipient): missing column: "recipient"`,
	}, {
		name: "wrong header of decisions.csv", file: "decisions.csv",
		data: "id;mottagare\nD1;R1\n", fatal: "decisions.csv:1 (recipient)",
	}, {
		name: "truncated tariff", file: "tariff.json", data: `{"name": "x", "bands": [`,
		fatal: "tariff.json: not valid JSON",
	}, {
		name: "negative duration and 24:30", file: "reports.csv",
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T09:00\nT3,R1,P1,LEDS,2026-03-05T10:00,2026-03-05T24:30\n",
		unpaid: []U{{"T2", "invalid-interval", ""}, {"T3", "invalid-input", ""}}, lines: 1, problem: "reports.csv:4:6 (end)",
	}, {
		name: "Windows line ends, BOM, semicolons", file: "reports.csv",
		data:  "\ufeffid;recipient;provider;service;start;end\r\nT1;R1;P1;LEDS;2026-03-03 10:00;2026-03-03 11:00\r\n",
		lines: 1,
	}, {
		name: "a decision dated 2026-02-30", file: "decisions.csv",
		data:    "id,recipient,provider,service,from,to\nD1,R1,P1,LEDS,2026-02-30,\n",
		problem: "decisions.csv:2:5 (from)",
	}, {
		name: "huge granted hours", file: "decisions.csv",
		data:    "id,recipient,provider,service,from,to,granted_hours,granted_per\nD1,R1,P1,LEDS,2026-01-01,,99999999999999999999999999,month\n",
		problem: "granted_hours",
	}, {
		name: "extra and missing columns in rows", file: "reports.csv",
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00,x\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00\nT3,R1,P1,LEDS,2026-03-05T10:00,2026-03-05T11:00\n",
		unpaid: []U{{"T1", "invalid-input", ""}, {"T2", "invalid-input", ""}}, lines: 1, problem: "wrong number of fields",
	}, {
		name: "invalid UTF-8 in a name", file: "reports.csv",
		data:   "id,recipient,provider,service,start,end\nT1,R\x811,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n",
		unpaid: []U{{"T1", "invalid-input", ""}}, problem: "invalid UTF-8",
	}, {
		name: "duplicate ids, same and different content", file: "reports.csv",
		data: "id,recipient,provider,service,start,end\nT1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\n" +
			"T1,R1,P1,LEDS,2026-03-03T10:00,2026-03-03T11:00\nT2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:00\n" +
			"T2,R1,P1,LEDS,2026-03-04T10:00,2026-03-04T11:30\n",
		unpaid: []U{{"T2", "duplicate-id", ""}}, lines: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := hostileBundle(t)
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			st, problems, err := settleFS(t, fsys)
			if tt.fatal != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fatal) {
					t.Fatalf("err = %v, want one naming %q", err, tt.fatal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			all := errors.Join(problems...)
			if tt.problem != "" && (all == nil || !strings.Contains(all.Error(), tt.problem)) {
				t.Errorf("input problems %v do not name %q", all, tt.problem)
			}
			diff(t, "unpaid", tt.unpaid, providerUnpaid(st, "P1"))
			if n := len(linesOf(st, "P1")); n != tt.lines {
				t.Errorf("%d lines, want %d", n, tt.lines)
			}
		})
	}
}

func TestHostileValues(t *testing.T) {
	tariff := testby(t)
	huge := rt.Decision("D1 R1 P1 HT 2026-01-01.. 20/month")
	huge.GrantedHours = decimal.RequireFromString("1e30")
	st := rt.Settle(t, tariff, "2026-03", reimbursement.Input{
		Providers: testbyProviders,
		Decisions: []reimbursement.Decision{huge, rt.Decision("D2 R2 P1 LEDS 2026-01-01..")},
		Reports: append(rt.Reports(
			"T1 R1 P1 HT 2026-03-03T10:00 11:00",
			"T3 R2 P1 LEDS 2026-03-03T10:00 11:00",
		), volume.Report{ID: "T2", Recipient: "R2", Provider: "P1", Service: "LEDS", Staff: 1 << 40,
			Start: volume.MustParseTimestamp("2026-03-04T10:00"), End: volume.MustParseTimestamp("2026-03-04T11:00")},
			volume.Report{Recipient: "R2", Provider: "P1", Service: "LEDS",
				Start: volume.MustParseTimestamp("2026-03-05T10:00"), End: volume.MustParseTimestamp("2026-03-05T11:00")}),
	})
	diff(t, "unmatched", []U{{"T1", "no-decision", "60"}}, unpaidOf(st.Unmatched))
	// The fourth report has no id: it is listed under its place.
	diff(t, "unpaid", []U{{"Input.Reports:4", "invalid-input", ""}, {"T2", "invalid-input", ""}}, providerUnpaid(st, "P1"))
	diff(t, "lines", []L{{"D2", "base", "dag", "60", "1", "450.00", "T3"}}, linesOf(st, "P1"))
	if len(st.Issues) != 1 || st.Issues[0].Kind != reimbursement.IssueInvalidDecision {
		t.Errorf("issues = %+v, want the huge decision listed", st.Issues)
	}
}

// TestProblemLimit: a file with more than MaxFileProblems rows that cannot
// be read lists the problems of its first rows and counts the rest in one
// *MoreProblems, in memory, in parts and read into an Input alike; the
// files' problems come in order of file, line and column, and every row
// is in the settlement all the same.
func TestProblemLimit(t *testing.T) {
	fsys := hostileBundle(t)
	var reports strings.Builder
	reports.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	for k := range 10000 {
		start := "2026-03-03T10:00"
		if k%2 == 1 {
			start = "03/03/2026 10:00" // line k+2, column 5
		}
		fmt.Fprintf(&reports, "T%d,R%d,P1,LEDS,%s,2026-03-03T11:00,1,visit,approved\n", k, 1+k%50, start)
	}
	fsys["reports.csv"] = &fstest.MapFile{Data: []byte(reports.String())}
	fsys["decisions.csv"].Data = append(fsys["decisions.csv"].Data, "D2,R2,P1,LEDS,2026-02-30,,,,,,,,\n"...)
	for r := 2; r <= 50; r++ { // recipients for the parts to be made of
		fsys["decisions.csv"].Data = fmt.Appendf(fsys["decisions.csv"].Data, "E%d,R%d,P1,LEDS,2026-01-01,,,,,,,,\n", r, r)
	}
	fsys["absences.csv"] = &fstest.MapFile{Data: []byte("id,recipient,service,from,to,reason,status\n" +
		"A1,R1,LEDS,2026-03-40,2026-03-05,hospital,approved\nA2,R1,LEDS,2026-03-04,2026-03-41,hospital,approved\n")}

	type at struct {
		File         string
		Line, Column int
	}
	want := []at{{"absences.csv", 2, 4}, {"absences.csv", 3, 5}, {"decisions.csv", 3, 5}}
	for k := 1; len(want) < 3+reimbursement.MaxFileProblems; k += 2 {
		want = append(want, at{"reports.csv", k + 2, 5})
	}
	check := func(how string, problems []error) {
		t.Helper()
		var got []at
		for _, p := range problems[:len(problems)-1] {
			var pe *volume.ParseError
			if !errors.As(p, &pe) {
				t.Fatalf("%s: problem %v is no *volume.ParseError", how, p)
			}
			got = append(got, at{pe.File, pe.Line, pe.Column})
		}
		diff(t, how+" problems", want, got)
		var more *reimbursement.MoreProblems
		if !errors.As(problems[len(problems)-1], &more) || *more != (reimbursement.MoreProblems{File: "reports.csv", N: 4000}) {
			t.Errorf("%s: last problem %v, want 4000 more of reports.csv", how, problems[len(problems)-1])
		}
		if n := reimbursement.CountProblems(problems); n != 5003 {
			t.Errorf("%s: CountProblems = %d, want 5003", how, n)
		}
	}

	period := volume.MustParsePeriod("2026-03")
	opt := reimbursement.Options{Location: rt.Stockholm(), Audit: true}
	st, problems, err := reimbursement.SettleFS(fsys, period, opt)
	if err != nil {
		t.Fatal(err)
	}
	check("SettleFS", problems)
	invalid := 0
	for _, p := range st.Providers {
		for _, u := range p.Unpaid {
			if u.Reason == reimbursement.ReasonInvalidInput && strings.HasPrefix(u.ID, "T") {
				invalid++
			}
		}
	}
	if invalid != 5000 {
		t.Errorf("%d reports not paid as invalid-input, want 5000", invalid)
	}
	_, problems, err = reimbursement.ReadInputFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	check("ReadInputFS", problems)
	tariff, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var parts bytes.Buffer
	sum, problems, err := reimbursement.WriteSettlementFS(&parts, fsys, tariff, period,
		reimbursement.StreamOptions{Options: opt, TempDir: t.TempDir(), PartReports: 500})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Parts < 2 {
		t.Errorf("WriteSettlementFS settled %d parts, want some", sum.Parts)
	}
	check("WriteSettlementFS", problems)
	var whole bytes.Buffer
	st.WriteJSON(&whole)
	if !bytes.Equal(whole.Bytes(), parts.Bytes()) {
		t.Error("WriteSettlementFS wrote another settlement than SettleFS")
	}
}

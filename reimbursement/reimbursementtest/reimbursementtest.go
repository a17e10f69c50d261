// Package reimbursementtest helps a municipality verify its tariff in Go
// unit tests, in the spirit of net/http/httptest: short literals for
// decisions, reports, absences and the rest, Must-constructors that panic
// on a typo, and a golden-settlement helper regenerated with
// -reimbursementtest.update.
//
// The literal forms are fields separated by spaces, then optional key=value
// pairs and flags:
//
//	Provider("P1 private")
//	Decision("D1 R1 P1 HT 2026-01-01.. 20/month staff=2 level=demens area=norr extent=heltid end=deceased")
//	Decision("D2 R2 - HT 2026-03-01..2026-03-31 3/week")   // "-": the no-choice provider
//	Report("T1 R1 P1 HT 2026-03-04T09:00 11:30 staff=2")   // end on the start's date
//	Report("T2 R1 P1 HT 2026-03-04T22:00 2026-03-05T01:00 declined pending")
//	Absence("A1 R1 HT 2026-03-05..2026-03-08 hospital")
//	Presence("N1 R1 P1 DV 2026-03-02 extent=half")
//	Adjustment("J1 P1 2026-03 -500.00 reason=vite")
//
// Flags are declined, pending and rejected; dates are YYYY-MM-DD, a range
// FROM..TO with TO optional.
package reimbursementtest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

// updateFlag is the flag that makes Golden write its files:
// -reimbursementtest.update. It is registered only when the command line
// names it, as net/http/httptest registers -httptest.serve, so that
// importing this package adds no flag to a program, nor one that clashes
// with a test package's own -update.
const updateFlag = "reimbursementtest.update"

// updating reports whether the command line asks Golden to write its
// files.
func updating() bool {
	for _, arg := range os.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if strings.HasPrefix(arg, "-") && name == updateFlag {
			if flag.Lookup(updateFlag) == nil {
				flag.Bool(updateFlag, false, "rewrite golden files under testdata")
			}
			f := flag.Lookup(updateFlag)
			return f.Value.String() == "true" || !flag.Parsed()
		}
	}
	return false
}

func init() {
	updating() // registers the flag before the test binary parses its flags, when it is given
}

// Stockholm returns Europe/Stockholm, panicking when the system has no
// time zone database (import _ "time/tzdata" in the test to embed one).
func Stockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(fmt.Sprintf("reimbursementtest: %v (import _ \"time/tzdata\")", err))
	}
	return loc
}

// MustTariff parses a tariff in the JSON of the formats, panicking on any
// problem.
func MustTariff(json string) *reimbursement.Tariff { return reimbursement.MustParseTariff(json) }

type literal struct {
	src    string
	fields []string
	kv     map[string]string
	flags  map[string]bool
}

func parse(kind, s string, positional int) literal {
	l := literal{src: s, kv: map[string]string{}, flags: map[string]bool{}}
	for _, f := range strings.Fields(s) {
		switch {
		case strings.Contains(f, "=") && len(l.fields) >= positional:
			k, v, _ := strings.Cut(f, "=")
			l.kv[k] = v
		case len(l.fields) >= positional:
			l.flags[f] = true
		default:
			l.fields = append(l.fields, f)
		}
	}
	if len(l.fields) < positional {
		panic(fmt.Sprintf("reimbursementtest: %s(%q): want %d fields, got %d", kind, s, positional, len(l.fields)))
	}
	return l
}

func (l literal) fail(kind, format string, args ...any) {
	panic(fmt.Sprintf("reimbursementtest: %s(%q): %s", kind, l.src, fmt.Sprintf(format, args...)))
}

func (l literal) check(kind string, keys []string, flags []string) {
	for k := range l.kv {
		if !contains(keys, k) {
			l.fail(kind, "unknown key %q (known: %s)", k, strings.Join(keys, ", "))
		}
	}
	for f := range l.flags {
		if !contains(flags, f) {
			l.fail(kind, "unknown word %q", f)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dateRange(kind string, l literal, s string) (from, to volume.Date) {
	a, b, ok := strings.Cut(s, "..")
	var err error
	if from, err = volume.ParseDate(a); err != nil {
		l.fail(kind, "%v", err)
	}
	if !ok {
		return from, from
	}
	if b != "" {
		if to, err = volume.ParseDate(b); err != nil {
			l.fail(kind, "%v", err)
		}
	}
	return from, to
}

func status(l literal) volume.Status {
	switch {
	case l.flags["pending"]:
		return volume.Pending
	case l.flags["rejected"]:
		return volume.Rejected
	}
	return volume.Approved
}

// Provider returns a provider from "ID REGIME [name=NAME]".
func Provider(s string) reimbursement.Provider {
	l := parse("Provider", s, 2)
	l.check("Provider", []string{"name"}, nil)
	r, err := reimbursement.ParseRegime(l.fields[1])
	if err != nil {
		l.fail("Provider", "%v", err)
	}
	return reimbursement.Provider{ID: l.fields[0], Name: l.kv["name"], Regime: r}
}

// Providers returns a provider per literal.
func Providers(s ...string) []reimbursement.Provider {
	out := make([]reimbursement.Provider, len(s))
	for i, p := range s {
		out[i] = Provider(p)
	}
	return out
}

// Decision returns a decision from "ID RECIPIENT PROVIDER SERVICE FROM..[TO]
// [HOURS/PER] [staff=N] [level=L] [extent=E] [area=A] [end=REASON]". A
// provider "-" is empty: the no-choice provider.
func Decision(s string) reimbursement.Decision {
	const kind = "Decision"
	l := parse(kind, s, 5)
	l.check(kind, []string{"staff", "level", "extent", "area", "end"}, keys(l.flags))
	d := reimbursement.Decision{ID: l.fields[0], Recipient: l.fields[1], Provider: l.fields[2], Service: l.fields[3],
		Level: l.kv["level"], Extent: l.kv["extent"], Area: l.kv["area"], EndReason: l.kv["end"], Staff: 1}
	if d.Provider == "-" {
		d.Provider = ""
	}
	d.From, d.To = dateRange(kind, l, l.fields[4])
	if !strings.Contains(l.fields[4], "..") {
		l.fail(kind, "dates %q: want FROM..TO or FROM..", l.fields[4])
	}
	for f := range l.flags {
		h, per, ok := strings.Cut(f, "/")
		if !ok {
			l.fail(kind, "unknown word %q", f)
		}
		var err error
		if d.GrantedHours, err = decimal.NewFromString(h); err != nil {
			l.fail(kind, "granted hours %q: %v", h, err)
		}
		if d.GrantedPer, err = reimbursement.ParsePer(per); err != nil {
			l.fail(kind, "%v", err)
		}
	}
	if v, ok := l.kv["staff"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			l.fail(kind, "staff %q", v)
		}
		d.Staff = n
	}
	return d
}

// Report returns a time report from "ID RECIPIENT PROVIDER SERVICE START END
// [staff=N] [shared=VISIT] [declined] [pending|rejected]". END may be HH:MM
// on the start's date.
func Report(s string) volume.Report {
	const kind = "Report"
	l := parse(kind, s, 6)
	l.check(kind, []string{"staff", "shared"}, []string{"declined", "pending", "rejected"})
	r := volume.Report{ID: l.fields[0], Recipient: l.fields[1], Provider: l.fields[2], Service: l.fields[3],
		Staff: 1, Kind: volume.Visit, Status: status(l), Shared: l.kv["shared"]}
	var err error
	if r.Start, err = volume.ParseTimestamp(l.fields[4]); err != nil {
		l.fail(kind, "%v", err)
	}
	end := l.fields[5]
	if len(end) == 5 {
		end = r.Start.Date().String() + "T" + end
	}
	if r.End, err = volume.ParseTimestamp(end); err != nil {
		l.fail(kind, "%v", err)
	}
	if l.flags["declined"] {
		r.Kind = volume.Declined
	}
	if v, ok := l.kv["staff"]; ok {
		if r.Staff, err = strconv.Atoi(v); err != nil || r.Staff < 1 {
			l.fail(kind, "staff %q", v)
		}
	}
	return r
}

// Reports returns a report per literal.
func Reports(s ...string) []volume.Report {
	out := make([]volume.Report, len(s))
	for i, r := range s {
		out[i] = Report(r)
	}
	return out
}

// Absence returns an absence from "ID RECIPIENT SERVICE FROM..[TO] REASON
// [pending|rejected]".
func Absence(s string) volume.Absence {
	const kind = "Absence"
	l := parse(kind, s, 5)
	l.check(kind, nil, []string{"pending", "rejected"})
	a := volume.Absence{ID: l.fields[0], Recipient: l.fields[1], Service: l.fields[2], Reason: l.fields[4], Status: status(l)}
	a.From, a.To = dateRange(kind, l, l.fields[3])
	return a
}

// Presence returns a presence from "ID RECIPIENT PROVIDER SERVICE DATE
// [extent=E] [pending|rejected]".
func Presence(s string) volume.Presence {
	const kind = "Presence"
	l := parse(kind, s, 5)
	l.check(kind, []string{"extent"}, []string{"pending", "rejected"})
	p := volume.Presence{ID: l.fields[0], Recipient: l.fields[1], Provider: l.fields[2], Service: l.fields[3],
		Extent: l.kv["extent"], Status: status(l)}
	var err error
	if p.Date, err = volume.ParseDate(l.fields[4]); err != nil {
		l.fail(kind, "%v", err)
	}
	return p
}

// Adjustment returns an adjustment from "ID PROVIDER PERIOD AMOUNT
// [reason=R] [recipient=R] [service=S]".
func Adjustment(s string) reimbursement.Adjustment {
	const kind = "Adjustment"
	l := parse(kind, s, 4)
	l.check(kind, []string{"reason", "recipient", "service"}, nil)
	a := reimbursement.Adjustment{ID: l.fields[0], Provider: l.fields[1], Reason: l.kv["reason"],
		Recipient: l.kv["recipient"], Service: l.kv["service"]}
	var err error
	if a.Period, err = volume.ParsePeriod(l.fields[2]); err != nil {
		l.fail(kind, "%v", err)
	}
	if a.Amount, err = decimal.NewFromString(l.fields[3]); err != nil {
		l.fail(kind, "amount %q: %v", l.fields[3], err)
	}
	return a
}

// Settle settles period (YYYY-MM) under tariff in Europe/Stockholm,
// failing the test when the run cannot be made.
func Settle(t testing.TB, tariff *reimbursement.Tariff, period string, in reimbursement.Input) *reimbursement.Settlement {
	t.Helper()
	p, err := volume.ParsePeriod(period)
	if err != nil {
		t.Fatalf("Settle: %v", err)
	}
	st, err := reimbursement.Settle(tariff, p, in, reimbursement.Options{Location: Stockholm()})
	if err != nil {
		t.Fatalf("Settle(%s) error: %v", period, err)
	}
	return st
}

// Golden compares the settlement's JSON with the file at path (under
// testdata, by convention), failing the test with the first differing
// line. Run the test with -reimbursementtest.update to write the file
// instead.
func Golden(t testing.TB, path string, st *reimbursement.Settlement) {
	t.Helper()
	var got bytes.Buffer
	if err := st.WriteJSON(&got); err != nil {
		t.Fatalf("Golden(%s): %v", path, err)
	}
	GoldenBytes(t, path, got.Bytes())
}

// GoldenBytes is Golden for any output, such as a program's.
func GoldenBytes(t testing.TB, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("Golden: %v (run the test with -%s to create it)", err, updateFlag)
	}
	if bytes.Equal(want, got) {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Fatalf("output differs from %s at line %d:\n want %s\n  got %s\n(run with -%s to accept)", path, i+1, w, g, updateFlag)
		}
	}
}

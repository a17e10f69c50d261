package reimbursement_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// runTariff pays LEDS at 500 kr an hour at any time and keeps two months
// open for corrections: the run for 2026-06 corrects April and May, and
// March is locked.
const runTariff = `{"name": "run", "correction_months": 2,
  "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}],
  "default_band": "dag",
  "services": [{"code": "LEDS", "unit": "hour"}],
  "rates": [{"service": "LEDS", "band": "dag", "from": "2026-01-01", "price": "500.00"}]}`

// runInput is what the run reads: the reports issued with March, April
// and May, the late ones (T3L, T3X, T4L, T5L) and June's.
func runInput(late bool) reimbursement.Input {
	reports := []string{
		"T3 R1 P1 LEDS 2026-03-03T10:00 11:00",
		"T4 R1 P1 LEDS 2026-04-02T10:00 12:00",
		"T5 R1 P1 LEDS 2026-05-05T10:00 11:00",
		"T6 R1 P1 LEDS 2026-06-01T10:00 11:00",
	}
	if late {
		reports = append(reports,
			"T3L R1 P1 LEDS 2026-03-20T10:00 10:30", // locked March
			"T3X R9 P1 LEDS 2026-03-21T10:00 10:30", // locked March, no decision
			"T4L R2 P2 LEDS 2026-04-10T08:00 09:00", // open April, a provider not in April before
			"T5L R1 P1 LEDS 2026-05-06T10:00 10:45", // open May, the line of T5 grows
		)
	}
	return reimbursement.Input{
		Providers: rt.Providers("P1 private", "P2 private"),
		Decisions: []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01.."), rt.Decision("D2 R2 P2 LEDS 2026-01-01..")},
		Reports:   rt.Reports(reports...),
	}
}

// issuedRun returns what was issued for March, April and May, settled
// before the late reports came.
func issuedRun(t *testing.T, tariff *reimbursement.Tariff) []*reimbursement.Settlement {
	in := runInput(false)
	var out []*reimbursement.Settlement
	for _, p := range []string{"2026-03", "2026-04", "2026-05"} {
		out = append(out, rt.Settle(t, tariff, p, in))
	}
	return out
}

// TestRun: rules §12, worked by hand. The run for June corrects April and
// May (correction_months 2) and lists March, locked. A late report lands
// in each: T3L (30 min, 250.00) and T3X (no decision) in March, listed and
// not paid; T4L (60 min for P2, 500.00) in April, a new line; T5L (45 min,
// 375.00) in May, on the line of T5 (60 → 105 min). June pays T6 (500.00).
func TestRun(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(runTariff), "tariff.json")
	require.NoError(t, err)
	require.Equal(t, 2, tariff.CorrectionMonths())
	issued := issuedRun(t, tariff)
	run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), runInput(true), issued, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)

	diff(t, "June", []L{{"D1", "base", "dag", "60", "1", "500.00", "T6"}}, linesOf(run.Settlement, "P1"))
	require.Len(t, run.Corrections, 2)
	april, may := run.Corrections[0], run.Corrections[1]
	diff(t, "April's correction of", "2026-04 1000.00", april.CorrectionOf.Period.String()+" "+april.CorrectionOf.Total.StringFixed(2))
	diff(t, "April P1", []L(nil), linesOf(april, "P1"))
	diff(t, "April P2", []L{{"D2", "base", "dag", "60", "1", "500.00", "T4L"}}, linesOf(april, "P2"))
	diff(t, "May's correction of", "2026-05 500.00", may.CorrectionOf.Period.String()+" "+may.CorrectionOf.Total.StringFixed(2))
	diff(t, "May P1", []L{{"D1", "base", "dag", "45", "1", "375.00", "T5,T5L"}}, linesOf(may, "P1"))

	require.Len(t, run.Locked, 1)
	march := run.Locked[0]
	diff(t, "March", "2026-03 250.00", march.Period.String()+" "+march.Total.StringFixed(2))
	require.Len(t, march.Providers, 1)
	diff(t, "March P1", "P1 250.00 [T3L]", march.Providers[0].Provider+" "+march.Providers[0].Amount.StringFixed(2)+" "+fmtIDs(march.Providers[0].IDs))
	diff(t, "March unmatched", []string{"T3X"}, march.Unmatched)

	type P struct{ Provider, Settlement, Corrections, Total string }
	var providers []P
	for _, p := range run.Providers {
		providers = append(providers, P{p.Provider, p.Settlement.StringFixed(2), p.Corrections.StringFixed(2), p.Total.StringFixed(2)})
	}
	diff(t, "providers", []P{{"P1", "500.00", "375.00", "875.00"}, {"P2", "0.00", "500.00", "500.00"}}, providers)
	diff(t, "run total", "1375.00", run.Total.StringFixed(2))

	var states []string
	for _, st := range run.Issued {
		states = append(states, st.Period.String()+" "+st.Total.StringFixed(2))
		require.NoError(t, reimbursement.CheckIssued(st, st.Period))
	}
	// March stays as issued: locked. April 1 000 + 500, May 500 + 375, June's settlement.
	diff(t, "issued after the run", []string{"2026-03 500.00", "2026-04 1500.00", "2026-05 875.00", "2026-06 500.00"}, states)
	require.Same(t, issued[0], run.Issued[0])
}

// TestRunNext: the next run starts from the issued states of the last.
// Nothing came late since, so July's run corrects nothing: the late
// reports of April and May were paid, and March is still locked and
// still lists T3L.
func TestRunNext(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(runTariff), "tariff.json")
	require.NoError(t, err)
	in := runInput(true)
	june, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), in, issuedRun(t, tariff), reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	july, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-07"), in, june.Issued, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	require.Empty(t, july.Corrections)
	require.Empty(t, july.Settlement.Providers)
	// April is before July's window too, but settles as issued after June's run.
	require.Len(t, july.Locked, 1)
	diff(t, "locked", "2026-03 250.00 [T3L]", july.Locked[0].Period.String()+" "+july.Locked[0].Total.StringFixed(2)+" "+fmtIDs(july.Locked[0].Providers[0].IDs))
	diff(t, "total", "0.00", july.Total.StringFixed(2))
}

// TestRunNothingLate: with no late reports a run corrects and locks
// nothing, and the issued states are those given.
func TestRunNothingLate(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(runTariff), "tariff.json")
	require.NoError(t, err)
	issued := issuedRun(t, tariff)
	run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), runInput(false), issued, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	require.Empty(t, run.Corrections)
	require.Empty(t, run.Locked)
	for i := range issued {
		require.Same(t, issued[i], run.Issued[i])
	}
	diff(t, "total", "500.00", run.Total.StringFixed(2))

	alone, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), runInput(false), nil, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	var a, b bytes.Buffer
	require.NoError(t, alone.Settlement.WriteJSON(&a))
	require.NoError(t, rt.Settle(t, tariff, "2026-06", runInput(false)).WriteJSON(&b))
	require.Equal(t, b.String(), a.String(), "a run with no issued settlements is the settlement of its period")
}

// TestRunOrder: the issued settlements and the records may come in any
// order; the run's JSON is the same bytes.
func TestRunOrder(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(runTariff), "tariff.json")
	require.NoError(t, err)
	issued := issuedRun(t, tariff)
	write := func(in reimbursement.Input, issued []*reimbursement.Settlement) string {
		run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), in, issued, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, run.WriteJSON(&b))
		return b.String()
	}
	want := write(runInput(true), issued)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		in := runInput(true)
		r.Shuffle(len(in.Reports), func(i, j int) { in.Reports[i], in.Reports[j] = in.Reports[j], in.Reports[i] })
		shuffled := append([]*reimbursement.Settlement(nil), issued...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		require.Equal(t, want, write(in, shuffled))
	}
}

// TestRunRefuses: what a run cannot start from.
func TestRunRefuses(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(runTariff), "tariff.json")
	require.NoError(t, err)
	issued := issuedRun(t, tariff)
	june := rt.Settle(t, tariff, "2026-06", runInput(false))
	corr, err := reimbursement.Correct(issued[1], rt.Settle(t, tariff, "2026-04", runInput(true)))
	require.NoError(t, err)
	broken := *issued[2]
	broken.Total = broken.Total.Add(broken.Total)
	tests := []struct {
		name   string
		issued []*reimbursement.Settlement
		want   string
	}{
		{"two of one period", []*reimbursement.Settlement{issued[0], issued[1], issued[1]}, "two settlements issued of 2026-04"},
		{"the run's own period", []*reimbursement.Settlement{june}, "2026-06 is not of a period before the run's"},
		{"a correction", []*reimbursement.Settlement{corr}, "is a correction"},
		{"sums that do not hold", []*reimbursement.Settlement{&broken}, "does not hold its own sums"},
		{"nil", []*reimbursement.Settlement{nil}, "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), runInput(true), tt.issued, reimbursement.Options{Location: rt.Stockholm(), Audit: true})
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func fmtIDs(ids []string) string { return "[" + strings.Join(ids, ",") + "]" }

// TestCorrectionMonthsTariff: correction_months is a whole number from 0
// (every earlier period locked) up, 3 when the tariff does not say.
func TestCorrectionMonthsTariff(t *testing.T) {
	tests := []struct {
		name, field string
		want        int
		err         string
	}{
		{"default", ``, 3, ""},
		{"zero", `"correction_months": 0, `, 0, ""},
		{"twelve", `"correction_months": 12, `, 12, ""},
		{"negative", `"correction_months": -1, `, 0, "correction_months: -1 is out of range"},
		{"a fraction", `"correction_months": 1.5, `, 0, "correction_months"},
		{"text", `"correction_months": "tre", `, 0, "correction_months"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tariff, err := reimbursement.ParseTariff([]byte(`{"name": "x", `+tt.field+bandsOK+`, "services": [], "rates": []}`), "tariff.json")
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, tariff.CorrectionMonths())
		})
	}
}

// TestRunWindow: with correction_months 0 every earlier period is locked
// and the run pays only its own period.
func TestRunWindow(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(strings.Replace(runTariff, `"correction_months": 2`, `"correction_months": 0`, 1)), "tariff.json")
	require.NoError(t, err)
	issued := issuedRun(t, tariff)
	run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), runInput(true), issued, reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	require.Empty(t, run.Corrections)
	var locked []string
	for _, l := range run.Locked {
		locked = append(locked, l.Period.String()+" "+l.Total.StringFixed(2))
	}
	diff(t, "locked", []string{"2026-03 250.00", "2026-04 500.00", "2026-05 375.00"}, locked)
	diff(t, "total", "500.00", run.Total.StringFixed(2))
}

// TestLockedRecords: which records a locked period names, worked by hand
// on May (locked: correction_months 0), issued with T1 (10:00–11:00,
// 500.00), T2 (pending) and T3 (no decision, unmatched).
func TestLockedRecords(t *testing.T) {
	tariff, err := reimbursement.ParseTariff([]byte(strings.Replace(runTariff, `"correction_months": 2`, `"correction_months": 0`, 1)), "tariff.json")
	require.NoError(t, err)
	providers := rt.Providers("P1 private", "P2 private")
	decisions := []reimbursement.Decision{rt.Decision("D1 R1 P1 LEDS 2026-01-01.."), rt.Decision("D2 R2 P2 LEDS 2026-01-01..")}
	issuedReports := []string{
		"T1 R1 P1 LEDS 2026-05-05T10:00 11:00",
		"T2 R1 P1 LEDS 2026-05-06T10:00 11:00 pending",
		"T3 R9 P1 LEDS 2026-05-07T10:00 11:00",
	}
	issued := rt.Settle(t, tariff, "2026-05", reimbursement.Input{Providers: providers, Decisions: decisions, Reports: rt.Reports(issuedReports...)})
	tests := []struct {
		name      string
		reports   []string
		providers string // provider amount [ids] …
		unmatched []string
	}{{
		name:    "nothing changed",
		reports: issuedReports,
	}, {
		name:      "T1 is longer: its line changed, no record moved",
		reports:   []string{"T1 R1 P1 LEDS 2026-05-05T10:00 11:30", issuedReports[1], issuedReports[2]},
		providers: "P1 250.00 [T1]", // 30 min × 500 / 60
	}, {
		name:      "T2 approved late: pending to the line of T1",
		reports:   []string{issuedReports[0], "T2 R1 P1 LEDS 2026-05-06T10:00 11:00", issuedReports[2]},
		providers: "P1 500.00 [T2]",
	}, {
		name:      "T1 withdrawn",
		reports:   issuedReports[1:],
		providers: "P1 -500.00 [T1]",
	}, {
		name:      "T3 given the right recipient: from unmatched to P2's line",
		reports:   []string{issuedReports[0], issuedReports[1], "T3 R2 P2 LEDS 2026-05-07T10:00 11:00"},
		providers: "P2 500.00 [T3]",
	}, {
		name:      "T2 gone, T4 late and without a decision",
		reports:   []string{issuedReports[0], issuedReports[2], "T4 R8 P1 LEDS 2026-05-08T10:00 11:00"},
		providers: "P1 0.00 [T2]",
		unmatched: []string{"T4"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := reimbursement.Input{Providers: providers, Decisions: decisions, Reports: rt.Reports(tt.reports...)}
			run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), in, []*reimbursement.Settlement{issued}, reimbursement.Options{Location: rt.Stockholm()})
			require.NoError(t, err)
			if tt.providers == "" && tt.unmatched == nil {
				require.Empty(t, run.Locked)
				return
			}
			require.Len(t, run.Locked, 1)
			var got []string
			for _, p := range run.Locked[0].Providers {
				got = append(got, p.Provider+" "+p.Amount.StringFixed(2)+" "+fmtIDs(p.IDs))
			}
			diff(t, "providers", tt.providers, strings.Join(got, " "))
			diff(t, "unmatched", tt.unmatched, run.Locked[0].Unmatched)
		})
	}
}

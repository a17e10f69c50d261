package bonus

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func line(service, component string, unit reimbursement.Unit, qty, price, factor, amount string) reimbursement.Line {
	return reimbursement.Line{Service: service, Component: component, Unit: unit, Quantity: d(qty), Price: d(price),
		Factor: d(factor), Divisor: d("1"), Amount: d(amount)}
}

// tertial is January to April 2026 of five providers. Per month:
//
//	P1: SABO base 90 days + 10 days at 50 % (190 000.00), premises 100 days
//	    (17 000.00), a markup and an adjustment, and 600 minutes of HT.
//	P2: SABO base 50 days (100 000.00), premises 50 (8 500.00).
//	P3: SABO base 30 days. P4: SABO base 20 days (never joined).
//	P5: SABO base 60 days (120 000.00), premises 60 (10 200.00); joined
//	    15 March, so only April counts.
func tertial() []*reimbursement.Settlement {
	var out []*reimbursement.Settlement
	for m := 1; m <= 4; m++ {
		st := &reimbursement.Settlement{Period: volume.NewPeriod(2026, time.Month(m))}
		st.Providers = []reimbursement.ProviderSettlement{
			{Provider: "P1", Lines: []reimbursement.Line{
				line("SABO", "base", reimbursement.Day, "90", "2000", "1", "180000.00"),
				line("SABO", "base", reimbursement.Day, "10", "2000", "0.5", "10000.00"),
				line("SABO", "premises", reimbursement.Day, "100", "170", "1", "17000.00"),
				line("SABO", "markup:momskompensation", reimbursement.SEK, "207000", "1", "0.06", "12420.00"),
				line("SABO", "adjustment", reimbursement.SEK, "-500", "1", "1", "-500.00"),
				line("HT", "base", reimbursement.Minute, "600", "436", "1", "4360.00"),
			}},
			{Provider: "P2", Lines: []reimbursement.Line{
				line("SABO", "base", reimbursement.Day, "50", "2000", "1", "100000.00"),
				line("SABO", "premises", reimbursement.Day, "50", "170", "1", "8500.00"),
			}},
			{Provider: "P3", Lines: []reimbursement.Line{line("SABO", "base", reimbursement.Day, "30", "2000", "1", "60000.00")}},
			{Provider: "P4", Lines: []reimbursement.Line{line("SABO", "base", reimbursement.Day, "20", "2000", "1", "40000.00")}},
			{Provider: "P5", Lines: []reimbursement.Line{
				line("SABO", "base", reimbursement.Day, "60", "2000", "1", "120000.00"),
				line("SABO", "premises", reimbursement.Day, "60", "170", "1", "10200.00"),
			}},
		}
		out = append(out, st)
	}
	return out
}

var participation = []Participation{
	{Provider: "P1", From: volume.MustParseDate("2025-01-01")},
	{Provider: "P2", From: volume.MustParseDate("2026-01-01"), To: volume.MustParseDate("2026-12-31")},
	{Provider: "P3", From: volume.MustParseDate("2026-01-01")},
	{Provider: "P5", From: volume.MustParseDate("2026-03-15")},
}

func results(t *testing.T) []Result {
	t.Helper()
	rs, problems, err := ReadResults(strings.NewReader(`provider,indicator,value
P1,helhet,91
P1,smarta,95
P1,fall,1.2
P2,helhet,88
P2,smarta,
P2,fall,1.5
P3,helhet,80
P3,smarta,92
P3,fall,1.0
P5,helhet,90
P5,smarta,90
P5,fall,2.0
`), "results.csv")
	require.NoError(t, err)
	require.Empty(t, problems)
	return rs
}

func model(t *testing.T, kind, services, levels, budget string) *Model {
	t.Helper()
	src := `{"code": "kb-2026-t1", "services": ` + services + `, "from": "2026-01-01", "to": "2026-04-30",
	  "indicators": [
	    {"code": "helhet", "direction": "higher", "target": "85", "points": 2},
	    {"code": "smarta", "direction": "higher", "target": "90", "points": 1},
	    {"code": "fall", "direction": "lower", "target": "1.5", "points": 1}],
	  "levels": ` + levels + `, "kind": "` + kind + `"` + budget + `}`
	m, err := ParseModel([]byte(src), "bonus.json")
	require.NoError(t, err)
	return m
}

const sollentuna = `[{"code": "1", "min_points": 3, "require": ["helhet"], "amount": "10"}, {"code": "2", "min_points": 4, "amount": "23"}]`

type got struct {
	Provider      string
	Participating bool
	Points        int
	Level         string
	Basis         string
	Amount        string
	Scaled        bool
}

func summary(o *Outcome) []got {
	var out []got
	for _, p := range o.Providers {
		out = append(out, got{p.Provider, p.Participating, p.Points, p.Level, p.Basis.String(), p.Amount.StringFixed(2), p.Scaled})
	}
	return out
}

func TestKinds(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		services string
		levels   string
		budget   string
		want     []got
		total    string
	}{{
		name: "per_day", kind: "per_day", services: `["SABO"]`, levels: sollentuna,
		want: []got{
			{"P1", true, 4, "2", "400", "9200.00", false}, // 4 × 100 days (the 50 % days too) × 23
			{"P2", true, 3, "1", "200", "2000.00", false}, // smarta missing: 3 points; 200 × 10
			{"P3", true, 2, "", "120", "0.00", false},     // helhet not met: no level
			{"P4", false, 0, "", "0", "0.00", false},      // did not join
			{"P5", true, 3, "1", "60", "600.00", false},   // joined 15 March: April only
		},
		total: "11800.00",
	}, {
		name: "per_day cut to a budget", kind: "per_day", services: `["SABO"]`, levels: sollentuna, budget: `, "budget": "10000.00"`,
		// 1 000 000 öre by 920000 : 200000 : 60000 → 779661.02, 169491.53, 50847.46;
		// the öre left goes to the largest remainder, P2's.
		want: []got{
			{"P1", true, 4, "2", "400", "7796.61", true},
			{"P2", true, 3, "1", "200", "1694.92", true},
			{"P3", true, 2, "", "120", "0.00", false},
			{"P4", false, 0, "", "0", "0.00", false},
			{"P5", true, 3, "1", "60", "508.47", true},
		},
		total: "10000.00",
	}, {
		name: "pool", kind: "pool", services: `["SABO"]`, budget: `, "budget": "10000.00"`,
		levels: `[{"code": "1", "min_points": 3, "require": ["helhet"], "amount": "1"}, {"code": "2", "min_points": 4, "amount": "2"}]`,
		// weights 400 × 2 : 200 × 1 : 60 × 1 = 800 : 200 : 60 of 1 000 000 öre
		// → 754716.98, 188679.25, 56603.77; two öre left: P1 and P5.
		want: []got{
			{"P1", true, 4, "2", "400", "7547.17", false},
			{"P2", true, 3, "1", "200", "1886.79", false},
			{"P3", true, 2, "", "120", "0.00", false},
			{"P4", false, 0, "", "0", "0.00", false},
			{"P5", true, 3, "1", "60", "566.04", false},
		},
		total: "10000.00",
	}, {
		name: "per_hour", kind: "per_hour", services: `["HT"]`, levels: sollentuna,
		want: []got{
			{"P1", true, 4, "2", "2400", "920.00", false}, // 2400 minutes × 23 / 60
			{"P2", true, 3, "1", "0", "0.00", false},
			{"P3", true, 2, "", "0", "0.00", false},
			{"P4", false, 0, "", "0", "0.00", false},
			{"P5", true, 3, "1", "0", "0.00", false},
		},
		total: "920.00",
	}, {
		name: "fixed", kind: "fixed", services: `["SABO"]`,
		levels: `[{"code": "1", "min_points": 3, "require": ["helhet"], "amount": "50000"}, {"code": "2", "min_points": 4, "amount": "100000"}]`,
		want: []got{
			{"P1", true, 4, "2", "4", "100000.00", false},
			{"P2", true, 3, "1", "4", "50000.00", false},
			{"P3", true, 2, "", "4", "0.00", false},
			{"P4", false, 0, "", "0", "0.00", false},
			{"P5", true, 3, "1", "1", "50000.00", false}, // April only
		},
		total: "200000.00",
	}, {
		name: "percent", kind: "percent", services: `["SABO"]`,
		levels: `[{"code": "1", "min_points": 3, "require": ["helhet"], "amount": "1.5"}, {"code": "2", "min_points": 4, "amount": "2.5"}]`,
		// P1: 4 × (180000 + 10000 + 17000) = 828000, markup, adjustment and HT left out; 2.5 % = 20700.
		// P2: 4 × 108500 = 434000; 1.5 % = 6510. P5: April 130200; 1.5 % = 1953.
		want: []got{
			{"P1", true, 4, "2", "828000", "20700.00", false},
			{"P2", true, 3, "1", "434000", "6510.00", false},
			{"P3", true, 2, "", "240000", "0.00", false},
			{"P4", false, 0, "", "0", "0.00", false},
			{"P5", true, 3, "1", "130200", "1953.00", false},
		},
		total: "29163.00",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Evaluate(model(t, tt.kind, tt.services, tt.levels, tt.budget), results(t), participation, tertial())
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, summary(o)); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
			if o.Total.StringFixed(2) != tt.total {
				t.Errorf("total %s, want %s", o.Total.StringFixed(2), tt.total)
			}
		})
	}
}

func TestMissingResultSaysSo(t *testing.T) {
	o, err := Evaluate(model(t, "per_day", `["SABO"]`, sollentuna, ""), results(t), participation, tertial())
	require.NoError(t, err)
	p2 := o.Providers[1]
	if p2.Indicators[1].Code != "smarta" || !p2.Indicators[1].Missing || p2.Indicators[1].Met {
		t.Errorf("P2 smarta = %+v, want missing and not met", p2.Indicators[1])
	}
	var b strings.Builder
	require.NoError(t, o.WriteText(&b))
	for _, want := range []string{"smarta", "not met (no result)", "P4: did not take part", "Total 11800.00 SEK"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text does not say %q:\n%s", want, b.String())
		}
	}
}

func TestLargestRemainderTies(t *testing.T) {
	ps := []ProviderOutcome{{Provider: "P3"}, {Provider: "P1"}, {Provider: "P2"}}
	got := largestRemainder(d("100.00"), []decimal.Decimal{d("1"), d("1"), d("1")}, ps)
	// 10000 öre in three: 3333 each and one öre left, to the lowest id.
	want := []string{"33.33", "33.34", "33.33"}
	for i := range got {
		if got[i].StringFixed(2) != want[i] {
			t.Errorf("share of %s = %s, want %s", ps[i].Provider, got[i].StringFixed(2), want[i])
		}
	}
	zero := largestRemainder(d("100.00"), []decimal.Decimal{d("0"), d("0")}, ps[:2])
	if !zero[0].IsZero() || !zero[1].IsZero() {
		t.Errorf("no weights: %v", zero)
	}
}

func TestModelProblems(t *testing.T) {
	_, err := ParseModel([]byte(`{"code": "x", "services": [], "from": "2026-01-01", "to": "2025-12-31",
	  "indicators": [{"code": "a", "direction": "up", "target": "x", "points": 1}],
	  "levels": [{"code": "1", "min_points": 1, "require": ["b"], "amount": "-1"}], "kind": "pool", "bonus": 1}`), "bonus.json")
	var me *ModelError
	require.ErrorAs(t, err, &me)
	for _, want := range []string{"bonus: unknown field", "services: missing", "to: 2025-12-31 is before", "indicators[0].target",
		"indicators[0].direction", "levels[0].amount", "levels[0].require[0]", "budget: missing"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

func TestTwoSettlementsOfOneMonth(t *testing.T) {
	sts := tertial()
	sts = append(sts, sts[0])
	if _, err := Evaluate(model(t, "per_day", `["SABO"]`, sollentuna, ""), nil, participation, sts); err == nil {
		t.Error("two settlements of January: no error")
	}
}

// TestDecimalString: numbers in the output are decimal's String with that
// package's defaults.
func TestDecimalString(t *testing.T) {
	for _, s := range []string{"0", "1.50", "-0.005", "12.3400", "1e3", "-7", "123456789012345678901234.5"} {
		d := decimal.RequireFromString(s)
		if got, want := decimalString(d), d.String(); got != want {
			t.Errorf("decimalString(%s) = %q, want %q", s, got, want)
		}
	}
}

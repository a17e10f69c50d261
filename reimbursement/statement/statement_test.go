package statement_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// sample settles the sample municipality's October 2026 (the bundle of
// examples/settle), returning the settlement and the documents' options.
func sample(t testing.TB) (*reimbursement.Settlement, statement.Options) {
	t.Helper()
	fsys := os.DirFS("../../examples/internal/sample/bundle")
	loc, err := time.LoadLocation("Europe/Stockholm")
	require.NoError(t, err)
	in, _, err := reimbursement.ReadInputFS(fsys)
	require.NoError(t, err)
	tariff, err := reimbursement.LoadTariffFS(fsys)
	require.NoError(t, err)
	st, err := reimbursement.Settle(tariff, volume.MustParsePeriod("2026-10"), in, reimbursement.Options{Location: loc, Audit: true})
	require.NoError(t, err)
	return st, statement.Options{Tariff: tariff, Adjustments: in.Adjustments}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"money", statement.Money(decimal.RequireFromString("1234567.5"), statement.Swedish), "1\u00a0234\u00a0567,50"},
		{"negative money", statement.Money(decimal.RequireFromString("-1500"), statement.Swedish), "-1\u00a0500,00"},
		{"small money", statement.Money(decimal.RequireFromString("0.05"), statement.Swedish), "0,05"},
		{"money in English", statement.Money(decimal.RequireFromString("43636.32"), statement.English), "43,636.32"},
		{"hours and minutes", statement.Minutes(6005, statement.Swedish), "100 tim 5 min"},
		{"whole hours", statement.Minutes(120, statement.Swedish), "2 tim"},
		{"minutes", statement.Minutes(45, statement.English), "45 min"},
		{"negative", statement.Minutes(-75, statement.English), "-1 h 15 min"},
		{"thousands of hours", statement.Minutes(60*1234+1, statement.Swedish), "1\u00a0234 tim 1 min"},
		{"days", statement.Quantity(decimal.NewFromInt(31), reimbursement.Day, statement.Swedish), "31 dygn"},
		{"price per hour", statement.Price(decimal.RequireFromString("436"), reimbursement.Minute, decimal.NewFromInt(60), statement.Swedish), "436,00 kr/tim"},
		{"price of a prorated month", statement.Price(decimal.RequireFromString("298"), reimbursement.Day, decimal.NewFromInt(31), statement.Swedish), "298,00 kr/mån"},
		{"percent", statement.Percent(decimal.RequireFromString("0.042"), statement.Swedish), "4,2\u00a0%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestFileName: a provider's file name is safe in a directory and a link,
// and no two ids share one.
func TestFileName(t *testing.T) {
	ids := []string{"P1", "p1", "P_2F", "P/", "../x", ".", "", "Vård AB", "P-1", "P%2F"}
	seen := map[string]string{}
	for _, id := range ids {
		name := statement.FileName(id)
		if strings.ContainsAny(strings.TrimSuffix(name, ".html"), "./\\%: ") {
			t.Errorf("FileName(%q) = %q: not safe", id, name)
		}
		if other, ok := seen[name]; ok {
			t.Errorf("FileName(%q) = FileName(%q) = %q", id, other, name)
		}
		seen[name] = id
	}
	if got := statement.FileName("P1"); got != "P1.html" {
		t.Errorf("FileName(P1) = %q", got)
	}
}

// TestProviderStatement: a provider's statement shows its total and every
// line's amount, in Swedish form, and names what was not paid in words
// with the code beside it.
func TestProviderStatement(t *testing.T) {
	st, opt := sample(t)
	for i := range st.Providers {
		p := &st.Providers[i]
		var b bytes.Buffer
		require.NoError(t, statement.WriteProvider(&b, st, p, opt))
		page := b.String()
		if !strings.Contains(page, `<span id="total">`+statement.Money(p.Total, statement.Swedish)+`</span> kr`) {
			t.Errorf("%s: the total %s is not on the page", p.Provider, p.Total)
		}
		for _, l := range p.Lines {
			if !strings.Contains(page, ">"+statement.Money(l.Amount, statement.Swedish)+"<") {
				t.Errorf("%s: the amount %s of %s/%s is not on the page", p.Provider, l.Amount, l.Recipient, l.Component)
			}
		}
		for _, u := range p.Unpaid {
			if !strings.Contains(page, "<td>"+u.ID+"</td><td>"+string(u.Reason)+"</td>") {
				t.Errorf("%s: unpaid %s (%s) is not on the page", p.Provider, u.ID, u.Reason)
			}
		}
	}
	p1, _ := st.Provider("P1")
	var b bytes.Buffer
	require.NoError(t, statement.WriteProvider(&b, st, p1, opt))
	for _, want := range []string{"Omsorgsbolaget AB", "privat utförare (LOV)", "100 tim 5 min", "436,00 kr/tim",
		"Över beviljad tid", "Förklaring av orsakskoderna", "reports.csv", "HT Hemtjänst"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("P1's statement lacks %q", want)
		}
	}
}

// TestPerUnitMarkupStatement: a markup per hour shows its hours and its
// price per hour, so that its amount can be recomputed by hand: 4 h 45 min
// × 5,00 kr/tim = 23,75 kr.
func TestPerUnitMarkupStatement(t *testing.T) {
	d := decimal.RequireFromString
	p := reimbursement.ProviderSettlement{Provider: "P1", Name: "Omsorgsbolaget AB", Regime: reimbursement.Private,
		Lines: []reimbursement.Line{{Service: "HT", Component: "markup:moms", Unit: reimbursement.Minute, Quantity: d("285"),
			Price: d("5.00"), Factor: d("1"), Divisor: d("60"), Amount: d("23.75"), Reports: []string{}}},
		Total: d("23.75")}
	st := &reimbursement.Settlement{Period: volume.MustParsePeriod("2026-03"), Tariff: "x", Providers: []reimbursement.ProviderSettlement{p},
		Total: d("23.75")}
	var b bytes.Buffer
	require.NoError(t, statement.WriteProvider(&b, st, &st.Providers[0], statement.Options{}))
	for _, want := range []string{">4 tim 45 min<", ">5,00 kr/tim<", ">23,75<"} {
		require.Contains(t, b.String(), want)
	}
}

// TestCorrectionStatement: a correction shows what was paid, what is
// owed now, the difference and only the lines that changed.
func TestCorrectionStatement(t *testing.T) {
	previous, opt := sample(t)
	current, _ := sample(t)
	// A visit approved late: 15 minutes more in P1's first dag line,
	// 15 × 436 / 60 = 109,00 kr.
	p1, _ := current.Provider("P1")
	changed := *p1
	changed.Lines = append([]reimbursement.Line(nil), p1.Lines...)
	at := -1
	for i, l := range changed.Lines {
		if at < 0 && l.Band == "dag" && l.Component == "base" {
			at = i
		}
	}
	l := &changed.Lines[at]
	decision := l.Decision
	l.Quantity = l.Quantity.Add(decimal.NewFromInt(15))
	l.Amount = l.Amount.Add(decimal.RequireFromString("109.00"))
	changed.Total = changed.Total.Add(decimal.RequireFromString("109.00"))
	current.Providers[0] = changed
	current.Total = current.Total.Add(decimal.RequireFromString("109.00"))

	var b bytes.Buffer
	require.NoError(t, statement.WriteCorrection(&b, previous, current, "P1", opt))
	page := b.String()
	for _, want := range []string{`id="old">101` + "\u00a0" + `152,77 kr`, `id="new">101` + "\u00a0" + `261,77 kr`,
		`id="difference"><b>109,00 kr`, "<td>" + decision + "</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the correction lacks %q", want)
		}
	}
	if n := strings.Count(page, "<td>R"); n != 1 {
		t.Errorf("%d changed lines shown, want 1", n)
	}
	if ids := statement.ChangedProviders(previous, current); len(ids) != 1 || ids[0] != "P1" {
		t.Errorf("changed providers %v, want P1", ids)
	}
	var text bytes.Buffer
	require.NoError(t, statement.WriteCorrectionText(&text, previous, current, opt))
	if strings.Contains(text.String(), "P2") || !strings.Contains(text.String(), "Skillnad 109,00 kr") {
		t.Errorf("the correction's summary:\n%s", text.String())
	}
}

// ExampleMoney shows amounts as Swedish documents write them.
func ExampleMoney() {
	fmt.Printf("%q\n", statement.Money(decimal.RequireFromString("43636.32"), statement.Swedish))
	fmt.Printf("%q\n", statement.Money(decimal.RequireFromString("43636.32"), statement.English))
	fmt.Println(statement.Minutes(6005, statement.Swedish))
	// Output:
	// "43\u00a0636,32"
	// "43,636.32"
	// 100 tim 5 min
}

package statement_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
)

// readSheet returns the rows of a sheet of the workbook in b, as their
// cells' raw values.
func readSheet(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	return rows
}

// TestWorkbook: the workbook read back has every line of the settlement,
// its amount the JSON's to the öre, each provider's sum and the total in
// Sammanställning, every unpaid, unmatched and pending record, and the
// reconciliation of the input.
func TestWorkbook(t *testing.T) {
	st, opt := sample(t)
	var b bytes.Buffer
	require.NoError(t, statement.WriteWorkbook(&b, st, statement.InMemory(st), opt))
	f, err := excelize.OpenReader(&b)
	require.NoError(t, err)
	defer f.Close()
	if d := fmt.Sprint(f.GetSheetList()); d != "[Sammanställning Rader Ej betalt Väntande Avstämning]" {
		t.Errorf("sheets %s", d)
	}
	lines := readSheet(t, f, "Rader")
	var want []string
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			want = append(want, p.Provider+"/"+l.Recipient+"/"+l.Component+"/"+l.Amount.StringFixed(2))
		}
	}
	require.Len(t, lines, len(want)+1, "a header and one row per line")
	for i, row := range lines[1:] {
		got := row[0] + "/" + row[1] + "/" + row[4] + "/" + decimal.RequireFromString(row[11]).StringFixed(2)
		if got != want[i] {
			t.Fatalf("row %d: %s, want %s", i+2, got, want[i])
		}
	}
	summary := readSheet(t, f, "Sammanställning")
	last := summary[len(summary)-1]
	if last[0] != "Summa att betala" || decimal.RequireFromString(last[len(last)-1]).StringFixed(2) != st.Total.StringFixed(2) {
		t.Errorf("the summary ends %v, want the total %s", last, st.Total)
	}
	sums := map[string]string{}
	for _, row := range summary[1:] {
		if len(row) > 2 && row[2] == "Summa att betala" {
			sums[row[0]] = decimal.RequireFromString(row[len(row)-1]).StringFixed(2)
		}
	}
	unpaid, pending := 0, 0
	for _, p := range st.Providers {
		if sums[p.Provider] != p.Total.StringFixed(2) {
			t.Errorf("%s: sum %s, want %s", p.Provider, sums[p.Provider], p.Total.StringFixed(2))
		}
		unpaid += len(p.Unpaid)
		pending += len(p.Pending)
	}
	if n := len(readSheet(t, f, "Ej betalt")) - 1; n != unpaid+len(st.Unmatched) {
		t.Errorf("%d rows not paid, want %d", n, unpaid+len(st.Unmatched))
	}
	if n := len(readSheet(t, f, "Väntande")) - 1; n != pending {
		t.Errorf("%d rows pending, want %d", n, pending)
	}
	rec := readSheet(t, f, "Avstämning")
	if len(rec) != len(st.Files)+1 || rec[len(rec)-1][0] != "reports.csv" || rec[len(rec)-1][1] != "1139" {
		t.Errorf("reconciliation %v", rec)
	}
}

// TestWorkbookSplit: lines past a sheet's rows go on in Rader 2, Rader 3,
// each with the header, none lost.
func TestWorkbookSplit(t *testing.T) {
	st, opt := sample(t)
	n := 0
	for _, p := range st.Providers {
		n += len(p.Lines)
	}
	var b bytes.Buffer
	require.NoError(t, statement.WriteWorkbookRows(&b, st, statement.InMemory(st), opt, 60))
	f, err := excelize.OpenReader(&b)
	require.NoError(t, err)
	defer f.Close()
	got := 0
	for k := 1; ; k++ {
		name := "Rader"
		if k > 1 {
			name = fmt.Sprintf("Rader %d", k)
		}
		if idx, _ := f.GetSheetIndex(name); idx < 0 {
			break
		}
		rows := readSheet(t, f, name)
		require.LessOrEqual(t, len(rows), 60)
		require.Equal(t, "Utförare", rows[0][0])
		got += len(rows) - 1
	}
	if got != n {
		t.Errorf("%d lines in the sheets, want %d", got, n)
	}
	if n <= 3*59 {
		t.Fatalf("the sample has %d lines: too few to split in three", n)
	}
}

// BenchmarkNationalProvider writes the statement of a provider with
// 100 000 lines, as a national provider has.
func BenchmarkNationalProvider(b *testing.B) {
	st, opt := sample(b)
	p := st.Providers[0]
	base := p.Lines[len(p.Lines)-1]
	big := reimbursement.ProviderSettlement{Provider: p.Provider, Name: p.Name, Regime: p.Regime, Total: p.Total}
	for i := range 100000 {
		l := base
		l.Recipient = fmt.Sprintf("R%06d", i/8)
		big.Lines = append(big.Lines, l)
	}
	for b.Loop() {
		var out bytes.Buffer
		if err := statement.WriteProvider(&out, st, &big, opt); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(out.Len())/1e6, "MB")
	}
}

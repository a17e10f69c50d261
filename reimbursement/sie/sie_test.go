package sie_test

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/reimbursement/sie"
	"github.com/exempelby/ersattning/volume"
)

// A record is one line of a SIE file: its label and fields, a field in
// braces an object list.
type record struct {
	label  string
	fields []string
}

// parse reads a SIE file as a ledger would: code page 437, records of a
// label and fields (quoted strings with \" inside, object lists in
// braces), vouchers in braces after #VER. It fails on anything else, so
// that a file it reads is a file a ledger reads.
func parse(data []byte) (header []record, vouchers [][]record, err error) {
	text, err := charmap.CodePage437.NewDecoder().Bytes(data)
	if err != nil {
		return nil, nil, err
	}
	lines := strings.Split(string(text), "\r\n")
	if lines[len(lines)-1] != "" {
		return nil, nil, errors.New("the last line has no CR LF")
	}
	var open []record
	inVoucher := false
	for n, l := range lines[:len(lines)-1] {
		l = strings.TrimLeft(l, " ")
		switch {
		case l == "{" && !inVoucher && len(header) > 0 && header[len(header)-1].label == "#VER":
			inVoucher, open = true, nil
			continue
		case l == "}" && inVoucher:
			inVoucher = false
			vouchers = append(vouchers, open)
			continue
		}
		r, err := tokenize(l)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if inVoucher {
			if r.label != "#TRANS" {
				return nil, nil, fmt.Errorf("line %d: %s in a voucher", n+1, r.label)
			}
			open = append(open, r)
		} else {
			header = append(header, r)
		}
	}
	if inVoucher {
		return nil, nil, errors.New("a voucher is not closed")
	}
	return header, vouchers, nil
}

// tokenize splits a record into its label and fields.
func tokenize(l string) (record, error) {
	var fields []string
	for i := 0; i < len(l); {
		switch c := l[i]; {
		case c == ' ':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(l) && l[j] != '"'; j++ {
				if l[j] == '\\' && j+1 < len(l) && l[j+1] == '"' {
					j++
				}
				b.WriteByte(l[j])
			}
			if j == len(l) {
				return record{}, fmt.Errorf("a string is not closed: %q", l)
			}
			fields, i = append(fields, b.String()), j+1
		case c == '{':
			j := i
			for depth := 0; j < len(l); j++ {
				if l[j] == '"' {
					for j++; j < len(l) && l[j] != '"'; j++ {
						if l[j] == '\\' {
							j++
						}
					}
				}
				if l[j] == '{' {
					depth++
				} else if l[j] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if j >= len(l) {
				return record{}, fmt.Errorf("an object list is not closed: %q", l)
			}
			fields, i = append(fields, l[i:j+1]), j+1
		default:
			j := strings.IndexByte(l[i:], ' ')
			if j < 0 {
				j = len(l) - i
			}
			fields, i = append(fields, l[i:i+j]), i+j
		}
	}
	if len(fields) == 0 || !strings.HasPrefix(fields[0], "#") {
		return record{}, fmt.Errorf("not a record: %q", l)
	}
	return record{label: fields[0], fields: fields[1:]}, nil
}

// sample settles the sample municipality's October 2026.
func sample(t testing.TB) *reimbursement.Settlement {
	t.Helper()
	fsys := os.DirFS("../../examples/internal/sample/bundle")
	st, _, err := reimbursement.SettleFS(fsys, volume.MustParsePeriod("2026-10"), reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	return st
}

var accountsJSON = []byte(`{
  "company": "Exempelby kommun", "orgnr": "212000-0000", "payable": "2440",
  "expense": {"HT": "4611", "BOST": "4611", "NATT": "4612", "SABO": "4621", "LARM": "4631", "DV": "4641", "LEDS": "4651"},
  "expense_by_regime": {"municipal": {"HT": "4691"}},
  "markup": "4699", "adjustment": "4698",
  "cost_centres": {"HT": "510", "SABO": "520"},
  "names": {"2440": "Leverantörsskulder", "4611": "Köp av hemtjänst", "510": "Hemtjänst"}
}`)

// TestBookkeeping: the sample month's order read back: the header a
// ledger needs, one voucher per provider dated the period's last day,
// each balancing, the credits on the payable account summing to the
// settlement's total, every object used declared; the file as the golden
// one.
func TestBookkeeping(t *testing.T) {
	st := sample(t)
	a, err := sie.ParseAccounts(accountsJSON, "accounts.json")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, sie.Write(&b, st, a, sie.Options{Generated: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)}))
	rt.GoldenBytes(t, "testdata/sample-2026-10.si", b.Bytes())
	header, vouchers, err := parse(b.Bytes())
	require.NoError(t, err)
	labels := map[string][]string{}
	declared := map[string]bool{}
	for _, r := range header {
		labels[r.label] = r.fields
		if r.label == "#OBJEKT" {
			declared[r.fields[0]+" "+r.fields[1]] = true
		}
	}
	for _, want := range []string{"#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#FNAMN", "#ORGNR", "#KONTO", "#DIM", "#OBJEKT", "#VER"} {
		if _, ok := labels[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	if labels["#FORMAT"][0] != "PC8" || labels["#SIETYP"][0] != "4" || labels["#FNAMN"][0] != "Exempelby kommun" {
		t.Errorf("header %v", labels)
	}
	if len(vouchers) != len(st.Providers) {
		t.Fatalf("%d vouchers, %d providers", len(vouchers), len(st.Providers))
	}
	credits := decimal.Zero
	for i, v := range vouchers {
		sum := decimal.Zero
		for _, tr := range v {
			amount := decimal.RequireFromString(tr.fields[2])
			sum = sum.Add(amount)
			if tr.fields[0] == "2440" {
				credits = credits.Sub(amount)
			}
			for _, obj := range objects(tr.fields[1]) {
				if !declared[obj] {
					t.Errorf("voucher %d: object %s not declared", i, obj)
				}
			}
		}
		if !sum.IsZero() {
			t.Errorf("voucher %d of %s does not balance: %s", i, st.Providers[i].Provider, sum)
		}
	}
	if !credits.Equal(st.Total) {
		t.Errorf("the payable credits sum to %s, the settlement to %s", credits, st.Total)
	}
	for _, r := range header {
		if r.label == "#VER" && r.fields[2] != "20261031" {
			t.Errorf("a voucher dated %s, want 20261031", r.fields[2])
		}
	}
}

// objects returns the objects of an object list: "9 P1", "1 510".
func objects(list string) []string {
	r, err := tokenize("#X " + strings.Trim(list, "{}"))
	if err != nil || len(r.fields)%2 != 0 {
		return []string{"bad " + list}
	}
	var out []string
	for i := 0; i < len(r.fields); i += 2 {
		out = append(out, r.fields[i]+" "+r.fields[i+1])
	}
	return out
}

// TestAccountsProblems: a mapping that lacks a service the settlement
// has, names no payable account, has a field that is not known or an
// account that is not a number, is refused, naming what is wrong.
func TestAccountsProblems(t *testing.T) {
	st := sample(t)
	tests := []struct{ name, json, want string }{
		{"services without an account", `{"payable": "2440", "expense": {"HT": "4611"}}`,
			`no expense account for service "BOST", "DV", "LARM", "LEDS", "NATT", "SABO"`},
		{"adjustments without an account", `{"payable": "2440", "expense": {"HT": "4611", "BOST": "4611", "DV": "4611", "LARM": "4611", "LEDS": "4611", "NATT": "4611", "SABO": "4611"}}`,
			`no account for adjustments`},
		{"no payable account", `{"default_expense": "4600"}`, "payable: no account"},
		{"a misspelt field", `{"payable": "2440", "expence": {}}`, `unknown field "expence"`},
		{"an account that is no number", `{"payable": "24x0", "default_expense": "4600"}`, `payable: "24x0" is not an account number`},
		{"a regime that is none", `{"payable": "2440", "default_expense": "4600", "expense_by_regime": {"egen": {}}}`, `"egen" is not municipal or private`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := sie.ParseAccounts([]byte(tt.json), "accounts.json")
			if err == nil {
				err = sie.Write(&bytes.Buffer{}, st, a, sie.Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %s", err, tt.want)
			}
		})
	}
}

// TestNameCP437Cannot: a name code page 437 cannot hold is an error that
// names it, rather than a file with a wrong name.
func TestNameCP437Cannot(t *testing.T) {
	st := sample(t)
	st.Providers[0].Name = "Omsorg € AB"
	a := sie.DefaultAccounts()
	err := sie.Write(&bytes.Buffer{}, st, &a, sie.Options{})
	if err == nil || !strings.Contains(err.Error(), "Omsorg € AB") {
		t.Errorf("err = %v, want one naming the provider", err)
	}
}

// FuzzWrite: whatever a settlement's names, ids and amounts, the file
// written is one the reader reads, its vouchers balance, and the names
// come back as they went in (quotes and backslashes as SIE holds them);
// or the writer says which name it cannot hold.
func FuzzWrite(f *testing.F) {
	f.Add("P1", "Omsorgsbolaget AB", "HT", int64(4363632))
	f.Add(`P"2`, "Vård\\ \"citat\" åäö\n", "SABO", int64(-150000))
	f.Add("", "", "", int64(0))
	f.Fuzz(func(t *testing.T, id, name, service string, ore int64) {
		amount := decimal.New(ore, -2)
		st := &reimbursement.Settlement{Period: volume.MustParsePeriod("2026-10"), Total: amount,
			Providers: []reimbursement.ProviderSettlement{{Provider: id, Name: name, Total: amount,
				Lines: []reimbursement.Line{{Service: service, Component: "base", Amount: amount}}}}}
		a := sie.DefaultAccounts()
		var b bytes.Buffer
		if err := sie.Write(&b, st, &a, sie.Options{}); err != nil {
			if !strings.Contains(err.Error(), "code page 437") {
				t.Fatalf("an error that is not of the code page: %v", err)
			}
			return
		}
		header, vouchers, err := parse(b.Bytes())
		if err != nil {
			t.Fatalf("the reader cannot read the file: %v\n%s", err, b.Bytes())
		}
		// A name as SIE holds it: control characters as spaces, a
		// backslash as a slash; an empty name is the id.
		held := func(s string) string {
			return strings.Map(func(r rune) rune {
				switch {
				case r == '\\':
					return '/'
				case r < ' ' || r == 0x7f:
					return ' '
				}
				return r
			}, s)
		}
		want := []string{"9", held(id), held(cmp.Or(name, id))}
		found := false
		for _, r := range header {
			found = found || r.label == "#OBJEKT" && slices.Equal(r.fields, want)
		}
		if !found {
			t.Fatalf("no #OBJEKT %q in\n%s", want, b.Bytes())
		}
		if len(vouchers) != 1 || len(vouchers[0]) != 2 {
			t.Fatalf("vouchers %v", vouchers)
		}
		sum := decimal.Zero
		for _, tr := range vouchers[0] {
			sum = sum.Add(decimal.RequireFromString(tr.fields[2]))
		}
		if !sum.IsZero() {
			t.Fatalf("the voucher does not balance: %s", sum)
		}
	})
}

// Example shows a month's bookkeeping order: one voucher per provider,
// a debit per service, the credit on the payable account.
func Example() {
	st := &reimbursement.Settlement{Period: volume.MustParsePeriod("2026-10"), Total: decimal.RequireFromString("5409.23"),
		Providers: []reimbursement.ProviderSettlement{{Provider: "P1", Name: "Omsorgsbolaget AB",
			Regime: reimbursement.Private, Total: decimal.RequireFromString("5409.23"),
			Lines: []reimbursement.Line{
				{Service: "HT", Component: "markup:momskompensation", Amount: decimal.RequireFromString("306.23")},
				{Service: "HT", Component: "base", Amount: decimal.RequireFromString("5103.00")},
			}}}}
	a := sie.DefaultAccounts()
	a.Company = "Exempelby kommun"
	var b bytes.Buffer
	if err := sie.Write(&b, st, &a, sie.Options{Generated: time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)}); err != nil {
		fmt.Println(err)
		return
	}
	text, _ := charmap.CodePage437.NewDecoder().String(b.String())
	fmt.Print(strings.ReplaceAll(text, "\r\n", "\n"))
	// Output:
	// #FLAGGA 0
	// #PROGRAM "ersattning" 1.0
	// #FORMAT PC8
	// #GEN 20261105
	// #SIETYP 4
	// #FNAMN "Exempelby kommun"
	// #KONTO 2440 "Leverantörsskulder"
	// #KONTO 4600 "Köp av huvudverksamhet"
	// #DIM 9 "Leverantör"
	// #OBJEKT 9 "P1" "Omsorgsbolaget AB"
	// #VER "" "" 20261031 "Ersättning 2026-10 P1 Omsorgsbolaget AB"
	// {
	//    #TRANS 4600 {9 "P1"} 5103.00 "" "HT"
	//    #TRANS 4600 {9 "P1"} 306.23 "" "markup:momskompensation HT"
	//    #TRANS 2440 {9 "P1"} -5409.23
	// }
}

// FuzzParseAccounts: no accounts file makes the reader panic, and a
// mapping it reads has a payable account that is an account number.
func FuzzParseAccounts(f *testing.F) {
	f.Add(accountsJSON)
	f.Add([]byte(`{"payable": "2440", "expense_by_regime": {"private": {"HT": "4611"}}}`))
	f.Add([]byte(`{"payable": 2440}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := sie.ParseAccounts(data, "accounts.json")
		if err != nil {
			return
		}
		if len(a.Payable) < 4 || strings.Trim(a.Payable, "0123456789") != "" {
			t.Fatalf("payable %q read without error", a.Payable)
		}
	})
}

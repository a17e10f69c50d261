package invoicecheck_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/invoicecheck"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// ledsagning settles the shared case ledsagning-2024-03 (P1 4 730,00 kr,
// P2 493,50 kr) and reads the providers with their organisation numbers.
func ledsagning(t testing.TB) (*reimbursement.Settlement, []reimbursement.Provider) {
	t.Helper()
	st, _, err := reimbursement.SettleFS(os.DirFS("../testdata/cases/ledsagning-2024-03"), volume.MustParsePeriod("2024-03"),
		reimbursement.Options{Location: rt.Stockholm(), Audit: true})
	require.NoError(t, err)
	f, err := os.Open("testdata/providers.csv")
	require.NoError(t, err)
	defer f.Close()
	providers, err := reimbursement.ReadProviders(f, "providers.csv")
	require.NoError(t, err)
	return st, providers
}

// TestCheck: the hand-written invoices of testdata/invoices against the
// settlement. P1 invoiced 4 000,00 (InvoicePeriod March) + 830,00 (issued
// in April, so for March) − a credit note of 100,00 = 4 730,00: ok. P2
// invoiced 493,51 for 493,50: differs by 0,01, and its stated total
// (493,50) is not its line (493,51). A seller the settlement does not pay,
// an invoice of February, one in EUR, a malformed file and an XML bomb
// are each reported, none dropped.
func TestCheck(t *testing.T) {
	st, providers := ledsagning(t)
	invoices, problems, err := invoicecheck.ReadInvoices(os.DirFS("testdata/invoices"))
	require.NoError(t, err)
	r, err := invoicecheck.Check(st, providers, invoices, problems)
	require.NoError(t, err)
	var got []string
	for _, p := range r.Providers {
		var files []string
		for _, i := range p.Invoices {
			files = append(files, i.File)
		}
		got = append(got, fmt.Sprintf("%s %s settled %s invoiced %s difference %s %v",
			p.Provider, p.Verdict, p.Settled.StringFixed(2), p.Invoiced.StringFixed(2), p.Difference.StringFixed(2), files))
	}
	want := []string{
		"P1 ok settled 4730.00 invoiced 4730.00 difference 0.00 [p1-1001.xml p1-1002.xml p1-1003-credit.xml]",
		"P2 differs settled 493.50 invoiced 493.51 difference 0.01 [p2-77.xml]",
		" unreadable settled 0.00 invoiced 0.00 difference 0.00 [bomb.xml]",
		" unreadable settled 0.00 invoiced 0.00 difference 0.00 [broken.xml]",
		" unreadable settled 0.00 invoiced 0.00 difference 0.00 [p1-eur.xml]",
		"P1 other-period settled 0.00 invoiced 0.00 difference 0.00 [p1-feb.xml]",
		" invoice-without-settlement settled 0.00 invoiced 1200.00 difference 1200.00 [unknown-5.xml]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p2 := r.Providers[1]
	if len(p2.Notes) != 1 || !strings.Contains(p2.Notes[0], "states 493.50 without VAT, its lines sum to 493.51") {
		t.Errorf("P2's notes %v", p2.Notes)
	}
	reasons := map[string]string{"bomb.xml": "DOCTYPE", "broken.xml": "not XML", "p1-eur.xml": `the currency is "EUR", not SEK`}
	for _, p := range r.Providers {
		if p.Verdict == invoicecheck.Unreadable && !strings.Contains(p.Notes[0], reasons[p.Invoices[0].File]) {
			t.Errorf("%s: %v, want it to say %s", p.Invoices[0].File, p.Notes, reasons[p.Invoices[0].File])
		}
	}
	if r.Difference.StringFixed(2) != "0.01" {
		t.Errorf("difference %s", r.Difference)
	}
	var text, js bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.NoError(t, r.WriteJSON(&js))
	for _, w := range []string{"P1 Omsorgsbolaget AB: stämmer (ok)", "skiljer sig (differs)", "kreditfaktura 1003", "faktura utan underlag (invoice-without-settlement)"} {
		if !strings.Contains(text.String(), w) {
			t.Errorf("the text lacks %q:\n%s", w, text.String())
		}
	}
	if !strings.Contains(js.String(), `"verdict": "differs"`) || !strings.Contains(js.String(), `"difference": "0.01"`) {
		t.Errorf("the JSON:\n%s", js.String())
	}
}

// TestTooLarge: an invoice larger than MaxInvoiceBytes is refused with
// the limit, read no further than it.
func TestTooLarge(t *testing.T) {
	big := strings.NewReader("<Invoice>" + strings.Repeat(" ", invoicecheck.MaxInvoiceBytes) + "</Invoice>")
	_, err := invoicecheck.ReadInvoice(big, "big.xml")
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v", err)
	}
}

// FuzzReadInvoice: no bytes make the reader panic; an invoice it reads is
// in SEK and its amounts have at most two decimals.
func FuzzReadInvoice(f *testing.F) {
	for _, name := range []string{"p1-1001.xml", "p1-1003-credit.xml", "bomb.xml", "broken.xml"} {
		b, err := os.ReadFile("testdata/invoices/" + name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := invoicecheck.ReadInvoice(bytes.NewReader(data), "f.xml")
		if err != nil {
			return
		}
		if inv.Currency != "SEK" || inv.Sum().Exponent() < -2 {
			t.Fatalf("read %+v", inv)
		}
	})
}

// Example checks a provider's e-invoice against the settlement: the
// invoice is summed from its lines and set beside what was settled.
func Example() {
	st := &reimbursement.Settlement{Period: volume.MustParsePeriod("2024-03"),
		Providers: []reimbursement.ProviderSettlement{{Provider: "P2", Name: "Exempelby egen regi",
			Total: decimal.RequireFromString("493.50"),
			Lines: []reimbursement.Line{{Service: "LEDS", Component: "base", Amount: decimal.RequireFromString("493.50")}}}}}
	providers := []reimbursement.Provider{{ID: "P2", OrgNr: "212000-0001"}}
	f, err := os.Open("testdata/invoices/p2-77.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	inv, err := invoicecheck.ReadInvoice(f, "p2-77.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := invoicecheck.Check(st, providers, []*invoicecheck.Invoice{inv}, nil)
	for _, p := range r.Providers {
		fmt.Println(p.Provider, p.Verdict, p.Verdict.Text(), "difference", p.Difference.StringFixed(2))
		for _, n := range p.Notes {
			fmt.Println(n)
		}
	}
	// Output:
	// P2 differs skiljer sig difference 0.01
	// p2-77.xml: the invoice states 493.50 without VAT, its lines sum to 493.51
}

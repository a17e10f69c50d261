// Command invoicecheck checks the providers' e-invoices of a period
// against its settlement (fakturakontroll): per provider what was
// settled, what was invoiced (PEPPOL BIS Billing 3.0 invoices and credit
// notes, summed from their lines) and the difference, per service when
// the invoice lines name the services.
//
//	go run ./examples/invoicecheck -settlement 2026-10.json -invoices DIR -providers providers.csv
//
// -providers is the bundle's providers.csv with its optional orgnr
// column, which ties an invoice's seller to a provider. -format is text
// (Swedish, the verdicts' codes beside their words) or json.
//
// Exit status: 0 every provider invoiced what was settled; 4 some did not
// (a difference, a missing invoice, an invoice the settlement does not
// pay, a file that could not be read); 1 the check could not be made;
// 2 bad usage. -h prints the usage and exits 0.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/exempelby/ersattning/examples/internal/command"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/invoicecheck"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitMismatch = 4
)

const usage = `usage: invoicecheck -settlement FILE -invoices DIR -providers FILE [-format text|json]

Checks the e-invoices in DIR (PEPPOL BIS Billing 3.0 UBL, *.xml) against
the settlement FILE. Exit status: 0 every provider invoiced what was
settled; 4 some did not; 1 the check could not be made; 2 bad usage.

`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("invoicecheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	settlement := fl.String("settlement", "", "the settlement JSON of the period")
	invoices := fl.String("invoices", "", "the directory of the providers' e-invoices")
	providersFile := fl.String("providers", "", "providers.csv with the orgnr column")
	format := fl.String("format", "text", "output: text or json")
	if code, ok := command.Parse(fl, args, usage, stdout); !ok {
		return code
	}
	if *settlement == "" || *invoices == "" || *providersFile == "" || fl.NArg() > 0 || (*format != "text" && *format != "json") {
		fmt.Fprintln(stderr, "invoicecheck: give -settlement, -invoices and -providers, and -format text or json")
		return exitUsage
	}
	r, err := check(*settlement, *invoices, *providersFile)
	if err != nil {
		fmt.Fprintf(stderr, "invoicecheck: %v\n", err)
		return exitFailed
	}
	if *format == "json" {
		err = r.WriteJSON(stdout)
	} else {
		err = r.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "invoicecheck: %v\n", err)
		return exitFailed
	}
	for _, p := range r.Providers {
		if p.Verdict != invoicecheck.OK && p.Verdict != invoicecheck.OtherPeriod {
			return exitMismatch
		}
	}
	return exitOK
}

// check reads the settlement, the providers and the invoices, and checks.
func check(settlementFile, dir, providersFile string) (*invoicecheck.Report, error) {
	b, err := os.ReadFile(settlementFile)
	if err != nil {
		return nil, err
	}
	st, err := reimbursement.ParseSettlement(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", settlementFile, err)
	}
	if err := reimbursement.CheckArithmetic(st); err != nil {
		return nil, fmt.Errorf("%s: %w", settlementFile, err)
	}
	f, err := os.Open(providersFile)
	if err != nil {
		return nil, err
	}
	providers, err := reimbursement.ReadProviders(f, providersFile)
	f.Close()
	if err != nil {
		return nil, err
	}
	for _, p := range providers {
		if p.Invalid != nil {
			return nil, p.Invalid
		}
	}
	invoices, problems, err := invoicecheck.ReadInvoices(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	return invoicecheck.Check(st, providers, invoices, problems)
}

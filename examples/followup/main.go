// Command followup reports how much of the granted time was performed in
// a month (utförandegrad): per provider and service and for the
// municipality, the hours granted, performed and paid, the shares, and
// how many decisions fall under 50 %, 50–80 %, 80–100 % and over 100 % of
// performed ÷ granted.
//
//	go run ./examples/followup                       # the embedded sample municipality
//	go run ./examples/followup -in DIR -period 2026-03 -format csv-sv
//
// -format is text (the default, Swedish; -lang en for English), json,
// csv or csv-sv (for Swedish Excel).
//
// Exit status: 0 reported, every row read; 3 reported, some rows could
// not be read (their records are not paid, and count as in the
// settlement); 1 could not report; 2 bad usage. -h prints the usage and
// exits 0.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
	_ "time/tzdata" // a fresh machine without tzdata still knows Europe/Stockholm

	"github.com/exempelby/ersattning/examples/internal/command"
	"github.com/exempelby/ersattning/examples/internal/sample"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/followup"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// Exit statuses, as examples/settle's.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitRowsInvalid = 3
)

const usage = `usage: followup [-in DIR -period YYYY-MM] [-format text|json|csv|csv-sv] [-lang sv|en]

Reports how much of the granted time of the month's hour decisions was
performed and paid. Exit status: 0 reported; 3 reported, some rows could
not be read; 1 could not report; 2 bad usage.

`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("followup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	in := fl.String("in", "", "bundle directory (default: the embedded sample municipality)")
	periodFlag := fl.String("period", "", "period YYYY-MM (default "+sample.Period+" for the sample)")
	format := fl.String("format", "text", "output: text, json, csv or csv-sv")
	lang := fl.String("lang", "sv", "language of text: sv or en")
	if code, ok := command.Parse(fl, args, usage, stdout); !ok {
		return code
	}
	l, err := statement.ParseLang(*lang)
	if err != nil || fl.NArg() > 0 || (*format != "text" && *format != "json" && *format != "csv" && *format != "csv-sv") {
		fmt.Fprintln(stderr, "followup: -format text, json, csv or csv-sv; -lang sv or en; no arguments")
		return exitUsage
	}
	fsys, p := fs.FS(nil), *periodFlag
	if *in == "" {
		fsys = sample.Bundle()
		p = cmpOr(p, sample.Period)
	} else {
		fsys = os.DirFS(*in)
	}
	period, err := volume.ParsePeriod(p)
	if err != nil {
		fmt.Fprintf(stderr, "followup: -period %s: want YYYY-MM\n", volume.Quote(p))
		return exitUsage
	}
	r, problems, err := measure(fsys, period)
	for _, p := range problems {
		fmt.Fprintf(stderr, "followup: %v\n", p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "followup: %v\n", err)
		return exitFailed
	}
	bw := bufio.NewWriter(stdout)
	switch *format {
	case "json":
		err = r.WriteJSON(bw)
	case "csv", "csv-sv":
		err = r.WriteCSV(bw, *format == "csv-sv")
	default:
		err = r.WriteText(bw, l)
	}
	if err = errors.Join(err, bw.Flush()); err != nil {
		fmt.Fprintf(stderr, "followup: %v\n", err)
		return exitFailed
	}
	if len(problems) > 0 {
		return exitRowsInvalid
	}
	return exitOK
}

// measure settles the month of the bundle and sums its follow-up.
func measure(fsys fs.FS, period volume.Period) (*followup.Report, []error, error) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return nil, nil, err
	}
	t, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		return nil, nil, err
	}
	in, problems, err := reimbursement.ReadInputFS(fsys)
	if err != nil {
		return nil, problems, err
	}
	st, perf, err := reimbursement.SettlePerformance(t, period, in, reimbursement.Options{Location: loc, Audit: true})
	if err != nil {
		return nil, problems, err
	}
	names := map[string]string{}
	for _, p := range st.Providers {
		names[p.Provider] = p.Name
	}
	return followup.Measure(period, perf, names), problems, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

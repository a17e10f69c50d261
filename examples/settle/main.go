// Command settle settles one month of a municipality's care services from
// a bundle of files (tariff.json, providers.csv, decisions.csv, reports.csv
// and friends, see the formats) and prints the settlement.
//
// With no arguments it settles the embedded sample municipality, Exempelby,
// for 2026-10 and prints a readable summary per provider:
//
//	go run ./examples/settle
//
// With -in it settles a bundle directory:
//
//	go run ./examples/settle -in DIR -period 2026-03 -format json -o out.json
//
// -format is text (the summary), json, csv or csv-sv (";" and decimal
// commas). json and csv are written in parts of the recipients
// (reimbursement.WriteSettlementFS), so a national month needs memory for
// its decisions, not its reports; -tmpdir says where the parts are kept
// meanwhile. With -previous FILE, a settlement issued before for the same
// period, it prints the correction (rättelse) instead: only the lines that
// changed; the file must be a settlement of that period whose sums hold.
//
// With -issued DIR, the settlements issued so far (YYYY-MM.json, one per
// earlier period), it makes a run (rules §12): the period settled, each
// issued period inside the tariff's correction_months settled again and
// corrected, each earlier one listed as locked with the records that
// changed, not paid. -issued-out DIR writes the issued settlements after
// the run to a new or empty directory, for the next run. A run is written
// as json or text; with -format html or xlsx and -o DIR, as the documents
// of its period's settlement and of each correction, beside its text
// summary (run.txt).
//
// Every settlement is audited before it is printed: each record of the
// period must be accounted for exactly once, every line's arithmetic must
// hold and every input file's rows must be accounted for, or the program
// prints nothing and fails. -o writes the output to a file only when all
// of it is written (see examples/internal/output).
//
// Rows that cannot be read are listed on stderr with file, line and
// column; the run still settles and accounts for them (invalid-input).
// Warnings (a file read as Windows-1252, a column no rule reads, a period
// without records) go to stderr too.
//
// Exit status: 0 settled, every row read; 3 settled, and some rows could
// not be read (each listed as invalid-input, all accounted for); 1 could
// not settle; 2 bad usage. -h prints the usage and exits 0.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // a fresh machine without tzdata still knows Europe/Stockholm

	"github.com/exempelby/ersattning/examples/internal/command"
	"github.com/exempelby/ersattning/examples/internal/output"
	"github.com/exempelby/ersattning/examples/internal/sample"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/followup"
	"github.com/exempelby/ersattning/reimbursement/sie"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// samplePeriod is the month the embedded sample holds.
const samplePeriod = sample.Period

// Exit statuses.
const (
	exitSettled     = 0 // settled, every row read
	exitFailed      = 1 // could not settle
	exitUsage       = 2 // bad flags or arguments
	exitRowsInvalid = 3 // settled; some rows are listed as invalid-input
)

const usage = `usage: settle [-in DIR -period YYYY-MM] [-format text|json|csv|csv-sv|html|xlsx|sie] [-o FILE] [-previous FILE]
       settle -in DIR -period YYYY-MM -issued DIR [-issued-out DIR] [-format text|json|html|xlsx] [-o FILE|DIR]

Settles a month of the bundle in DIR (the embedded sample municipality
without -in) and prints it: a summary (text), the settlement JSON, or
its lines as CSV. With -previous, the correction to a settlement issued
before. With -issued, a run: the month, the corrections of the earlier
months still open and the locked ones' differences. Exit status: 0 settled; 3 settled, some rows could not be read
(listed as invalid-input); 1 could not settle; 2 bad usage.

`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags ask for.
type config struct {
	fsys     fs.FS
	period   volume.Period
	format   string
	out      string
	previous *reimbursement.Settlement
	opt      reimbursement.Options
	tmp      string
	lang     statement.Lang
	provider string // -provider: one provider's statement
	accounts *sie.Accounts
	date     volume.Date // -date: the vouchers'
	proposed *reimbursement.Tariff
	periods  []volume.Period // -compare-tariff's
	issued   string          // -issued: the directory of settlements issued so far
	issuedTo string          // -issued-out: where the run writes the new issued states
	run      bool            // a run over earlier periods (rules §12)
}

// comparison reads the proposed tariff and periods of -compare-tariff.
func (cfg *config) comparison(file string, periods []string, stderr io.Writer) int {
	if file == "" {
		return exitSettled
	}
	if cfg.format != "text" && cfg.format != "json" {
		fmt.Fprintln(stderr, "settle: -compare-tariff writes text or json")
		return exitUsage
	}
	cfg.periods = []volume.Period{cfg.period}
	for _, s := range periods[min(1, len(periods)):] {
		p, err := volume.ParsePeriod(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintf(stderr, "settle: -period %s: want YYYY-MM\n", volume.Quote(s))
			return exitUsage
		}
		cfg.periods = append(cfg.periods, p)
	}
	t, err := reimbursement.LoadTariff(file)
	if err != nil {
		fmt.Fprintf(stderr, "settle: -compare-tariff: %v\n", err)
		return exitFailed
	}
	cfg.proposed = t
	return exitSettled
}

// compareTariffs writes what the records pay under today's tariff and the
// proposed one, summed over the periods.
func compareTariffs(cfg *config, stdout, stderr io.Writer) int {
	today, err := reimbursement.LoadTariffFS(cfg.fsys)
	if err == nil {
		var c *followup.Comparison
		if c, err = followup.WhatIf(cfg.fsys, today, cfg.proposed, cfg.periods, cfg.opt); err == nil {
			err = write(cfg.out, stdout, func(w io.Writer) error {
				if cfg.format == "json" {
					return c.WriteJSON(w)
				}
				return c.WriteText(w, cfg.lang)
			})
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	return exitSettled
}

// bookkeeping reads the accounts mapping and date of -format sie.
func (cfg *config) bookkeeping(file, date string, stderr io.Writer) int {
	if cfg.format != "sie" {
		if file != "" || date != "" {
			fmt.Fprintln(stderr, "settle: -accounts and -date go with -format sie")
			return exitUsage
		}
		return exitSettled
	}
	if date != "" {
		d, err := volume.ParseDate(date)
		if err != nil {
			fmt.Fprintf(stderr, "settle: -date %s: want YYYY-MM-DD\n", volume.Quote(date))
			return exitUsage
		}
		cfg.date = d
	}
	if file == "" {
		a := sie.DefaultAccounts()
		cfg.accounts = &a
		return exitSettled
	}
	b, err := os.ReadFile(file)
	if err == nil {
		cfg.accounts, err = sie.ParseAccounts(b, file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: -accounts: %v\n", err)
		return exitFailed
	}
	return exitSettled
}

// sieOptions returns the options of the bookkeeping order.
func (cfg *config) sieOptions() sie.Options {
	return sie.Options{Date: cfg.date, Program: "ersattning settle"}
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, code := parseFlags(args, stdout, stderr)
	if cfg == nil {
		return code
	}
	switch {
	case cfg.proposed != nil:
		return compareTariffs(cfg, stdout, stderr)
	case cfg.run:
		return settleRun(cfg, stdout, stderr)
	case cfg.previous == nil && (cfg.format == "json" || cfg.format == "csv" || cfg.format == "csv-sv"):
		return stream(cfg, stdout, stderr)
	case cfg.previous == nil && (cfg.format == "html" || cfg.format == "xlsx" || cfg.format == "sie"):
		return streamDocuments(cfg, stdout, stderr)
	}
	st, problems, err := reimbursement.SettleFS(cfg.fsys, cfg.period, cfg.opt)
	report(stderr, problems)
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	warn(stderr, cfg.period, st.Files, unknownColumns(st.Issues), len(st.Providers) == 0 && len(st.Unmatched) == 0)
	if err := writeInMemory(cfg, st, stdout); err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	return exitStatus(problems)
}

// writeInMemory writes a settlement made in memory in the format asked
// for, or its correction when -previous names the settlement issued
// before.
func writeInMemory(cfg *config, st *reimbursement.Settlement, stdout io.Writer) error {
	doc, err := documentOptions(cfg)
	if err != nil {
		return err
	}
	if cfg.previous != nil {
		return writeCorrection(cfg, cfg.previous, st, doc, stdout)
	}
	switch cfg.format {
	case "text":
		return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteText(w, st, doc) })
	case "html":
		return writeHTML(cfg, st, statement.InMemory(st), doc, stdout)
	case "xlsx":
		return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteWorkbook(w, st, statement.InMemory(st), doc) })
	case "sie":
		return write(cfg.out, stdout, func(w io.Writer) error { return sie.Write(w, st, cfg.accounts, cfg.sieOptions()) })
	}
	return fmt.Errorf("-format %s is written in parts", cfg.format) // stream's: not here
}

// writeCorrection writes the correction of previous by current: the
// correction settlement (json, csv, xlsx), or its statements (text, html).
func writeCorrection(cfg *config, previous, current *reimbursement.Settlement, doc statement.Options, stdout io.Writer) error {
	switch cfg.format {
	case "text":
		return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteCorrectionText(w, previous, current, doc) })
	case "html":
		return writeCorrectionHTML(cfg, previous, current, doc, stdout)
	}
	corr, err := reimbursement.Correct(previous, current)
	if err != nil {
		return err
	}
	return write(cfg.out, stdout, func(w io.Writer) error {
		switch cfg.format {
		case "csv":
			return corr.WriteCSV(w, false)
		case "csv-sv":
			return corr.WriteCSV(w, true)
		case "xlsx":
			return statement.WriteWorkbook(w, corr, statement.InMemory(corr), doc)
		case "sie":
			return sie.Write(w, corr, cfg.accounts, cfg.sieOptions())
		}
		return corr.WriteJSON(w)
	})
}

// parseFlags reads the flags; a nil config comes with the exit status.
func parseFlags(args []string, stdout, stderr io.Writer) (*config, int) {
	fl := flag.NewFlagSet("settle", flag.ContinueOnError)
	fl.SetOutput(stderr)
	in := fl.String("in", "", "bundle directory (default: the embedded sample municipality)")
	periodFlag := fl.String("period", "", "period YYYY-MM (default "+samplePeriod+" for the sample, or the bundle's file period; required with -in otherwise)")
	format := fl.String("format", "text", "output: text, json, csv, csv-sv, html (statements per provider, -o DIR), xlsx or sie (a bookkeeping order, SIE 4I)")
	accounts := fl.String("accounts", "", "with -format sie: the accounts mapping (JSON); default: Kommun-Bas 4600 and 2440")
	dateFlag := fl.String("date", "", "with -format sie: the vouchers' date YYYY-MM-DD (default: the period's last day)")
	lang := fl.String("lang", "sv", "language of text, html and xlsx: sv or en")
	provider := fl.String("provider", "", "with -format html: only this provider's statement (to stdout, or -o FILE)")
	compare := fl.String("compare-tariff", "", "a proposed tariff.json: compare what the records pay under it and today's (text or json; -period may list several, comma-separated)")
	out := fl.String("o", "", "write the output to this file instead of stdout")
	zone := fl.String("tz", "Europe/Stockholm", "time zone of wall-clock times")
	previous := fl.String("previous", "", "a settlement JSON issued before for the period: print the correction to it")
	audit := fl.Bool("audit", true, "check that every record is accounted for once before printing")
	tmp := fl.String("tmpdir", "", "where json and csv runs keep the reports between passes (default: the system's)")
	issued := fl.String("issued", "", "a directory of the settlements issued so far (YYYY-MM.json): make a run that corrects the open earlier periods and lists the locked ones (json or text)")
	issuedOut := fl.String("issued-out", "", "with a run: a new or empty directory to write the issued settlements after the run to, for the next run")
	if code, ok := command.Parse(fl, args, usage, stdout); !ok {
		if code == 0 {
			return nil, exitSettled
		}
		return nil, exitUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "settle: unexpected argument %q\n", fl.Arg(0))
		return nil, exitUsage
	}
	switch *format {
	case "text", "json", "csv", "csv-sv", "html", "xlsx", "sie":
	default:
		fmt.Fprintf(stderr, "settle: -format %q: want text, json, csv, csv-sv, html, xlsx or sie\n", *format)
		return nil, exitUsage
	}
	cfg := &config{format: *format, out: *out, tmp: *tmp, provider: *provider,
		issued: *issued, issuedTo: *issuedOut, run: *issued != "" || *issuedOut != ""}
	var err error
	if cfg.lang, err = statement.ParseLang(*lang); err != nil {
		fmt.Fprintf(stderr, "settle: -lang %q: want sv or en\n", *lang)
		return nil, exitUsage
	}
	switch {
	case cfg.provider != "" && cfg.format != "html":
		fmt.Fprintln(stderr, "settle: -provider goes with -format html")
		return nil, exitUsage
	case cfg.run && (*previous != "" || *compare != ""):
		fmt.Fprintln(stderr, "settle: a run (-issued, -issued-out) corrects the earlier periods itself: -previous and -compare-tariff do not go with it")
		return nil, exitUsage
	case cfg.run && cfg.format != "json" && cfg.format != "text" && cfg.format != "html" && cfg.format != "xlsx":
		fmt.Fprintln(stderr, "settle: a run (-issued, -issued-out) is written as json, text, html or xlsx")
		return nil, exitUsage
	case cfg.run && (cfg.format == "html" || cfg.format == "xlsx") && (cfg.out == "" || cfg.provider != ""):
		fmt.Fprintln(stderr, "settle: a run's html and xlsx documents go to a directory: give -o DIR (and no -provider)")
		return nil, exitUsage
	case cfg.format == "html" && cfg.provider == "" && cfg.out == "":
		fmt.Fprintln(stderr, "settle: -format html writes a statement per provider: give -o DIR, or -provider ID")
		return nil, exitUsage
	}
	var code int
	periods := strings.Split(*periodFlag, ",")
	if *compare == "" || len(periods) == 1 {
		periods = nil
	} else {
		*periodFlag = periods[0]
	}
	if cfg.fsys, cfg.period, code = bundle(*in, *periodFlag, stderr); cfg.fsys == nil {
		return nil, code
	}
	if code := cfg.comparison(*compare, periods, stderr); code != exitSettled {
		return nil, code
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		fmt.Fprintf(stderr, "settle: -tz: %v\n", err)
		return nil, exitUsage
	}
	cfg.opt = reimbursement.Options{Location: loc, Audit: *audit}
	if code := cfg.bookkeeping(*accounts, *dateFlag, stderr); code != exitSettled {
		return nil, code
	}
	if *previous != "" {
		if cfg.previous, err = readIssued(*previous, cfg.period); err != nil {
			fmt.Fprintf(stderr, "settle: -previous %s: %v\n", *previous, err)
			return nil, exitFailed
		}
	}
	return cfg, exitSettled
}

// bundle returns the bundle to settle and its period: dir's, or the
// embedded sample's.
func bundle(dir, period string, stderr io.Writer) (fs.FS, volume.Period, int) {
	var fsys fs.FS
	if dir == "" {
		fsys = sample.Bundle()
		if period == "" {
			period = samplePeriod
		}
	} else {
		fsys = os.DirFS(dir)
		if period == "" {
			if b, err := fs.ReadFile(fsys, "period"); err == nil {
				period = string(trimSpace(b))
			}
		}
		if period == "" {
			fmt.Fprintln(stderr, "settle: -period YYYY-MM is required with -in")
			return nil, volume.Period{}, exitUsage
		}
	}
	p, err := volume.ParsePeriod(period)
	if err != nil {
		fmt.Fprintf(stderr, "settle: -period %s: want YYYY-MM\n", volume.Quote(period))
		return nil, volume.Period{}, exitUsage
	}
	return fsys, p, exitSettled
}

// readIssued reads a settlement issued before and checks it: a settlement
// of period, not a correction, whose sums hold.
func readIssued(file string, period volume.Period) (*reimbursement.Settlement, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return reimbursement.ReadIssued(f, period)
}

// stream writes the settlement as json or csv with
// reimbursement.WriteSettlementFS: in parts of the recipients, so that a
// month of millions of reports needs memory for its decisions and a part.
func stream(cfg *config, stdout, stderr io.Writer) int {
	t, err := reimbursement.LoadTariffFS(cfg.fsys)
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	so := reimbursement.StreamOptions{Options: cfg.opt, TempDir: cfg.tmp}
	switch cfg.format {
	case "csv":
		so.Format = reimbursement.FormatCSV
	case "csv-sv":
		so.Format = reimbursement.FormatSwedishCSV
	}
	var sum reimbursement.StreamSummary
	var problems []error
	err = write(cfg.out, stdout, func(w io.Writer) error {
		var err error
		sum, problems, err = reimbursement.WriteSettlementFS(w, cfg.fsys, t, cfg.period, so)
		return err
	})
	report(stderr, problems)
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	warn(stderr, cfg.period, sum.Files, sum.UnknownColumns, len(sum.Providers) == 0 && sum.Unmatched == 0)
	return exitStatus(problems)
}

// write writes the output with emit: to stdout, or to the file out, which
// appears only when all of it is written.
func write(out string, stdout io.Writer, emit func(io.Writer) error) error {
	if out == "" {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		return errors.Join(emit(bw), bw.Flush())
	}
	f, err := output.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := errors.Join(emit(bw), bw.Flush()); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// report lists the problems of rows that could not be read.
func report(stderr io.Writer, problems []error) {
	for _, p := range problems {
		fmt.Fprintf(stderr, "settle: %v\n", p)
	}
	if n := reimbursement.CountProblems(problems); n > 0 {
		fmt.Fprintf(stderr, "settle: %d %s could not be read; the records they belong to are listed as not paid (invalid-input)\n",
			n, plural(n, "row", "rows"))
	}
}

// warn tells of what the run read but should be looked at: files read as
// Windows-1252, columns no rule reads, a period without any record.
func warn(stderr io.Writer, period volume.Period, files []reimbursement.FileCount, unknown []reimbursement.Issue, empty bool) {
	for _, f := range files {
		if f.Encoding != "" {
			fmt.Fprintf(stderr, "settle: warning: %s is not UTF-8; it was read as %s\n", f.File, f.Encoding)
		}
	}
	for _, i := range unknown {
		fmt.Fprintf(stderr, "settle: warning: %s\n", i.Message)
	}
	if empty {
		fmt.Fprintf(stderr, "settle: warning: the bundle has no records of %s: the settlement is empty\n", period)
	}
}

// unknownColumns returns the unknown-column issues of a settlement.
func unknownColumns(issues []reimbursement.Issue) []reimbursement.Issue {
	var out []reimbursement.Issue
	for _, i := range issues {
		if i.Kind == reimbursement.IssueUnknownColumn {
			out = append(out, i)
		}
	}
	return out
}

// exitStatus returns the status of a run that settled: 3 when rows could
// not be read.
func exitStatus(problems []error) int {
	if len(problems) > 0 {
		return exitRowsInvalid
	}
	return exitSettled
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// Command settle settles one month of a municipality's care services from
// a bundle of files (tariff.json, providers.csv, decisions.csv, reports.csv
// and friends, see the formats) and prints the settlement.
//
// With no arguments it settles the embedded sample municipality, Exempelby,
// for 2026-03 and prints a readable summary per provider:
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
// changed. Every settlement is audited before it is printed: each record
// of the period must be accounted for exactly once and every line's
// arithmetic must hold, or the program prints nothing and fails. Rows that cannot be read are listed on stderr with file, line and
// column; the run still settles and accounts for them. Errors that stop the
// run go to stderr with exit status 1; bad flags give status 2.
package main

import (
	"bufio"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
	_ "time/tzdata" // a fresh machine without tzdata still knows Europe/Stockholm

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

//go:embed sample
var sample embed.FS

// samplePeriod is the month the embedded sample holds.
const samplePeriod = "2026-10"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("settle", flag.ContinueOnError)
	fl.SetOutput(stderr)
	in := fl.String("in", "", "bundle directory (default: the embedded sample municipality)")
	periodFlag := fl.String("period", "", "period YYYY-MM (default "+samplePeriod+" for the sample; required with -in)")
	format := fl.String("format", "text", "output: text, json, csv or csv-sv")
	out := fl.String("o", "", "write the output to this file instead of stdout")
	zone := fl.String("tz", "Europe/Stockholm", "time zone of wall-clock times")
	previous := fl.String("previous", "", "a settlement JSON issued before for the period: print the correction to it")
	audit := fl.Bool("audit", true, "check that every record is accounted for once before printing")
	tmp := fl.String("tmpdir", "", "where json and csv runs keep the reports between passes (default: the system's)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "settle: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	switch *format {
	case "text", "json", "csv", "csv-sv":
	default:
		fmt.Fprintf(stderr, "settle: -format %q: want text, json, csv or csv-sv\n", *format)
		return 2
	}
	var fsys fs.FS
	p := *periodFlag
	if *in == "" {
		sub, err := fs.Sub(sample, "sample")
		if err != nil {
			fmt.Fprintf(stderr, "settle: %v\n", err)
			return 1
		}
		fsys = sub
		if p == "" {
			p = samplePeriod
		}
	} else {
		fsys = os.DirFS(*in)
		if p == "" {
			if b, err := fs.ReadFile(fsys, "period"); err == nil {
				p = string(trimSpace(b))
			}
		}
		if p == "" {
			fmt.Fprintln(stderr, "settle: -period YYYY-MM is required with -in")
			return 2
		}
	}
	period, err := volume.ParsePeriod(p)
	if err != nil {
		fmt.Fprintf(stderr, "settle: -period %q: want YYYY-MM\n", p)
		return 2
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		fmt.Fprintf(stderr, "settle: -tz: %v\n", err)
		return 2
	}
	var prev *reimbursement.Settlement
	if *previous != "" {
		b, err := os.ReadFile(*previous)
		if err == nil {
			prev, err = reimbursement.ParseSettlement(b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "settle: -previous: %v\n", err)
			return 1
		}
		if prev.Period != period {
			fmt.Fprintf(stderr, "settle: -previous is a settlement of %s, not %s\n", prev.Period, period)
			return 1
		}
	}
	opt := reimbursement.Options{Location: loc, Audit: *audit}
	if prev == nil && *format != "text" {
		return stream(fsys, period, opt, *format, *out, *tmp, stdout, stderr)
	}
	st, problems, err := reimbursement.SettleFS(fsys, period, opt)
	for _, p := range problems {
		fmt.Fprintf(stderr, "settle: %v\n", p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return 1
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "settle: %d input problems; the records they belong to are listed as not paid (invalid-input)\n", reimbursement.CountProblems(problems))
	}
	if prev != nil {
		if st, err = reimbursement.Correct(prev, st); err != nil {
			fmt.Fprintf(stderr, "settle: %v\n", err)
			return 1
		}
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "settle: %v\n", err)
			return 1
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	switch *format {
	case "json":
		err = st.WriteJSON(bw)
	case "csv":
		err = st.WriteCSV(bw, false)
	case "csv-sv":
		err = st.WriteCSV(bw, true)
	default:
		err = writeSummary(bw, st)
	}
	err = errors.Join(err, bw.Flush())
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return 1
	}
	return 0
}

// stream writes the settlement as json or csv with
// reimbursement.WriteSettlementFS: in parts of the recipients, so that a
// month of millions of reports needs memory for its decisions and a part.
// With -o the file appears only when the whole settlement is written.
func stream(fsys fs.FS, period volume.Period, opt reimbursement.Options, format, out, tmp string, stdout, stderr io.Writer) int {
	t, err := reimbursement.LoadTariffFS(fsys)
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return 1
	}
	so := reimbursement.StreamOptions{Options: opt, TempDir: tmp}
	switch format {
	case "csv":
		so.Format = reimbursement.FormatCSV
	case "csv-sv":
		so.Format = reimbursement.FormatSwedishCSV
	}
	w := stdout
	var f *os.File
	if out != "" {
		if f, err = os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.part"); err != nil {
			fmt.Fprintf(stderr, "settle: %v\n", err)
			return 1
		}
		defer os.Remove(f.Name())
		w = f
	}
	_, problems, err := reimbursement.WriteSettlementFS(w, fsys, t, period, so)
	for _, p := range problems {
		fmt.Fprintf(stderr, "settle: %v\n", p)
	}
	if f != nil {
		err = errors.Join(err, f.Close())
		if err == nil {
			err = os.Rename(f.Name(), out)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return 1
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "settle: %d input problems; the records they belong to are listed as not paid (invalid-input)\n", reimbursement.CountProblems(problems))
	}
	return 0
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

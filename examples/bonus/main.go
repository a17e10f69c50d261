// Command bonus computes a quality bonus (kvalitetsbonus) from a bonus
// model, indicator results, the providers' participation and the
// settlements of the period.
//
// With no arguments it runs on embedded sample data: the nursing homes of
// the sample municipality Exempelby, whose twelve months of 2026 it first
// settles, and a pool of 870 000 kr shared as in Täby's model:
//
//	go run ./examples/bonus
//
// With files:
//
//	go run ./examples/bonus -model bonus.json -results results.csv \
//	    -participation participation.csv -settlements jan.json,feb.json,...
//
// -format is text (a table per provider) or json; -o writes to a file,
// which appears only when all of it is written. Rows of results.csv or
// participation.csv that cannot be read are listed on stderr with file,
// line and column and left out (a result left out is missing, and not
// met).
//
// Exit status: 0 computed, every row read; 3 computed, some rows could
// not be read; 1 could not compute; 2 bad usage. -h prints the usage and
// exits 0.
package main

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // a fresh machine without tzdata still knows Europe/Stockholm

	"github.com/exempelby/ersattning/bonus"
	"github.com/exempelby/ersattning/examples/internal/command"
	"github.com/exempelby/ersattning/examples/internal/output"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

//go:embed sample
var sample embed.FS

// Exit statuses.
const (
	exitOK          = 0 // computed, every row read
	exitFailed      = 1 // could not compute
	exitUsage       = 2 // bad flags or arguments
	exitRowsInvalid = 3 // computed; some rows could not be read and were left out
)

const usage = `usage: bonus [-model bonus.json -results results.csv -participation participation.csv -settlements a.json,b.json,...] [-format text|json] [-o FILE]

Computes the quality bonus of a model's period from indicator results,
the providers' participation and the period's settlements (the embedded
sample without arguments). Exit status: 0 computed; 3 computed, some rows
could not be read; 1 could not compute; 2 bad usage.

`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("bonus", flag.ContinueOnError)
	fl.SetOutput(stderr)
	modelFile := fl.String("model", "", "bonus model (bonus.json)")
	resultsFile := fl.String("results", "", "indicator results (results.csv)")
	partFile := fl.String("participation", "", "participation (participation.csv)")
	settlementFiles := fl.String("settlements", "", "settlement JSON files of the period, comma-separated")
	format := fl.String("format", "text", "output: text or json")
	out := fl.String("o", "", "write the output to this file instead of stdout")
	if code, ok := command.Parse(fl, args, usage, stdout); !ok {
		return code
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "bonus: unexpected argument %q\n", fl.Arg(0))
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "bonus: -format %q: want text or json\n", *format)
		return exitUsage
	}
	given := 0
	for _, f := range []string{*modelFile, *resultsFile, *partFile, *settlementFiles} {
		if f != "" {
			given++
		}
	}
	if given != 0 && given != 4 {
		fmt.Fprintln(stderr, "bonus: give all of -model, -results, -participation and -settlements, or none for the sample")
		return exitUsage
	}
	var (
		read        = os.ReadFile
		settlements []*reimbursement.Settlement
		err         error
	)
	files := [3]string{*modelFile, *resultsFile, *partFile}
	if given == 0 {
		fsys, _ := fs.Sub(sample, "sample")
		read = func(name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
		files = [3]string{"bonus.json", "results.csv", "participation.csv"}
		settlements, err = settleSample(fsys)
	} else {
		settlements, err = readSettlements(strings.Split(*settlementFiles, ","))
	}
	if err != nil {
		fmt.Fprintf(stderr, "bonus: %v\n", err)
		return exitFailed
	}
	outcome, problems, err := evaluate(read, files, settlements)
	for _, p := range problems {
		fmt.Fprintf(stderr, "bonus: %v\n", p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bonus: %v\n", err)
		return exitFailed
	}
	err = write(*out, stdout, func(w io.Writer) error {
		if *format == "json" {
			return outcome.WriteJSON(w)
		}
		return outcome.WriteText(w)
	})
	if err != nil {
		fmt.Fprintf(stderr, "bonus: %v\n", err)
		return exitFailed
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "bonus: %d rows could not be read and were left out\n", len(problems))
		return exitRowsInvalid
	}
	return exitOK
}

// write writes the output with emit: to stdout, or to the file out, which
// appears only when all of it is written.
func write(out string, stdout io.Writer, emit func(io.Writer) error) error {
	if out == "" {
		bw := bufio.NewWriter(stdout)
		return errors.Join(emit(bw), bw.Flush())
	}
	f, err := output.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := errors.Join(emit(bw), bw.Flush()); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// evaluate computes the bonus from the model, results and participation
// files; problems are the rows that could not be read.
func evaluate(read func(string) ([]byte, error), files [3]string, settlements []*reimbursement.Settlement) (*bonus.Outcome, []error, error) {
	var data [3][]byte
	for i, f := range files {
		b, err := read(f)
		if err != nil {
			return nil, nil, err
		}
		data[i] = b
	}
	model, err := bonus.ParseModel(data[0], files[0])
	if err != nil {
		return nil, nil, err
	}
	results, problems, err := bonus.ReadResults(bytes.NewReader(data[1]), files[1])
	if err != nil {
		return nil, problems, err
	}
	participation, more, err := bonus.ReadParticipation(bytes.NewReader(data[2]), files[2])
	problems = append(problems, more...)
	if err != nil {
		return nil, problems, err
	}
	outcome, err := bonus.Evaluate(model, results, participation, settlements)
	return outcome, problems, err
}

func readSettlements(files []string) ([]*reimbursement.Settlement, error) {
	var out []*reimbursement.Settlement
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		st, err := reimbursement.ParseSettlement(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// settleSample settles the twelve months of 2026 of the embedded bundle.
func settleSample(fsys fs.FS) ([]*reimbursement.Settlement, error) {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return nil, err
	}
	bundle, _ := fs.Sub(fsys, "bundle")
	tariff, err := reimbursement.LoadTariffFS(bundle)
	if err != nil {
		return nil, err
	}
	var out []*reimbursement.Settlement
	for p := volume.MustParsePeriod("2026-01"); p.First().Year() == 2026; p = p.Next() {
		st, _, err := reimbursement.SettleFSWith(bundle, tariff, p, reimbursement.Options{Location: loc, Audit: true})
		if err != nil {
			return nil, fmt.Errorf("settling %s: %w", p, err)
		}
		out = append(out, st)
	}
	return out, nil
}

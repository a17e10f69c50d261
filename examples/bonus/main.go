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
// -format is text (a table per provider) or json; -o writes to a file.
// Errors go to stderr with exit status 1; bad flags give status 2.
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
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

//go:embed sample
var sample embed.FS

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
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "bonus: -format %q: want text or json\n", *format)
		return 2
	}
	given := 0
	for _, f := range []string{*modelFile, *resultsFile, *partFile, *settlementFiles} {
		if f != "" {
			given++
		}
	}
	if given != 0 && given != 4 {
		fmt.Fprintln(stderr, "bonus: give all of -model, -results, -participation and -settlements, or none for the sample")
		return 2
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
		return 1
	}
	outcome, err := evaluate(read, files, settlements)
	if err != nil {
		fmt.Fprintf(stderr, "bonus: %v\n", err)
		return 1
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "bonus: %v\n", err)
			return 1
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	if *format == "json" {
		err = outcome.WriteJSON(bw)
	} else {
		err = outcome.WriteText(bw)
	}
	err = errors.Join(err, bw.Flush())
	if f != nil {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintf(stderr, "bonus: %v\n", err)
		return 1
	}
	return 0
}

func evaluate(read func(string) ([]byte, error), files [3]string, settlements []*reimbursement.Settlement) (*bonus.Outcome, error) {
	var data [3][]byte
	for i, f := range files {
		b, err := read(f)
		if err != nil {
			return nil, err
		}
		data[i] = b
	}
	model, err := bonus.ParseModel(data[0], files[0])
	if err != nil {
		return nil, err
	}
	results, err := bonus.ReadResults(bytes.NewReader(data[1]), files[1])
	if err != nil {
		return nil, err
	}
	participation, err := bonus.ReadParticipation(bytes.NewReader(data[2]), files[2])
	if err != nil {
		return nil, err
	}
	return bonus.Evaluate(model, results, participation, settlements)
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

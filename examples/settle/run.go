package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
)

// settleRun makes the run for the period (rules §12): it reads the
// settlements issued so far from -issued, settles the period and every
// issued one again, writes the run, and writes the issued states after
// it to -issued-out.
func settleRun(cfg *config, stdout, stderr io.Writer) int {
	if err := checkIssuedOut(cfg.issuedTo, cfg.issued); err != nil {
		fmt.Fprintf(stderr, "settle: -issued-out %s: %v\n", cfg.issuedTo, err)
		return exitUsage
	}
	t, err := reimbursement.LoadTariffFS(cfg.fsys)
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	var issued []*reimbursement.Settlement
	if cfg.issued != "" {
		if issued, err = reimbursement.ReadIssuedFS(os.DirFS(cfg.issued), "."); err != nil {
			fmt.Fprintf(stderr, "settle: -issued %s: %v\n", cfg.issued, err)
			return exitFailed
		}
	}
	run, problems, err := reimbursement.SettleRunFS(cfg.fsys, t, cfg.period, issued, cfg.opt)
	report(stderr, problems)
	if err == nil {
		st := run.Settlement
		warn(stderr, cfg.period, st.Files, unknownColumns(st.Issues), len(st.Providers) == 0 && len(st.Unmatched) == 0)
		err = writeRun(cfg, run, issued, stdout)
	}
	if err == nil && cfg.issuedTo != "" {
		err = writeIssued(cfg.issuedTo, run.Issued)
	}
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	return exitStatus(problems)
}

// checkIssuedOut checks that the run may write its issued states to dir:
// a directory that is new or empty, so that it never overwrites the
// issued settlements it read (from issued) or leaves an older period's
// file for the next run to read.
func checkIssuedOut(dir, issued string) error {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		if a, errA := os.Stat(dir); errA == nil && issued != "" {
			if b, errB := os.Stat(issued); errB == nil && os.SameFile(a, b) {
				return errors.New("is the -issued directory: a run never writes over its input")
			}
		}
		return errors.New("is not empty: give a new or empty directory, so that nothing there is overwritten or read by the next run by mistake")
	}
	return nil
}

// writeIssued writes the issued settlements after a run to dir, one file
// YYYY-MM.json per period, each whole or not at all.
func writeIssued(dir string, issued []*reimbursement.Settlement) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, st := range issued {
		name := filepath.Join(dir, st.Period.String()+".json")
		if err := write(name, nil, st.WriteJSON); err != nil {
			return fmt.Errorf("-issued-out: %w", err)
		}
	}
	return nil
}

// writeRun writes the run as json or text, or its documents (html, xlsx)
// into the directory -o names: the statements of the run's period under
// YYYY-MM, each correction's under YYYY-MM-rattelse (its workbook as
// YYYY-MM.xlsx and YYYY-MM-rattelse.xlsx), and the run's text summary,
// which lists the locked periods, as run.txt.
func writeRun(cfg *config, run *reimbursement.Run, issued []*reimbursement.Settlement, stdout io.Writer) error {
	doc, err := documentOptions(cfg)
	if err != nil {
		return err
	}
	switch cfg.format {
	case "json":
		return write(cfg.out, stdout, run.WriteJSON)
	case "text":
		return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteRunText(w, run, doc) })
	}
	if err := os.MkdirAll(cfg.out, 0o777); err != nil {
		return err
	}
	before, after := byPeriod(issued), byPeriod(run.Issued)
	type document struct {
		name                          string
		previous, current, correction *reimbursement.Settlement
	}
	docs := []document{{name: run.Period.String(), current: run.Settlement}}
	for _, c := range run.Corrections {
		p := c.Period.String()
		docs = append(docs, document{p + "-rattelse", before[p], after[p], c})
	}
	for _, d := range docs {
		sub := *cfg
		if err := writeRunDocument(&sub, d.name, d.previous, d.current, d.correction, doc, stdout); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(cfg.out, "run.txt"), func(w io.Writer) error { return statement.WriteRunText(w, run, doc) })
}

// writeRunDocument writes one settlement's documents of a run under name
// in cfg.out, or a correction's: the run's correction, of previous to
// current (all three nil but current for a settlement).
func writeRunDocument(cfg *config, name string, previous, current, correction *reimbursement.Settlement, doc statement.Options, stdout io.Writer) error {
	if cfg.format == "xlsx" {
		st := current
		if correction != nil {
			st = correction
		}
		return writeFile(filepath.Join(cfg.out, name+".xlsx"), func(w io.Writer) error {
			return statement.WriteWorkbook(w, st, statement.InMemory(st), doc)
		})
	}
	cfg.out = filepath.Join(cfg.out, name)
	if previous != nil {
		return writeCorrectionHTML(cfg, previous, current, doc, stdout)
	}
	return writeHTML(cfg, current, statement.InMemory(current), doc, stdout)
}

// byPeriod returns the settlements by period.
func byPeriod(sts []*reimbursement.Settlement) map[string]*reimbursement.Settlement {
	out := map[string]*reimbursement.Settlement{}
	for _, st := range sts {
		out[st.Period.String()] = st
	}
	return out
}

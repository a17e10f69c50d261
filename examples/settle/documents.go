package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/exempelby/ersattning/examples/internal/output"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/sie"
	"github.com/exempelby/ersattning/reimbursement/statement"
)

// documentOptions returns what the documents need besides the
// settlement: the language, the tariff's service names and the
// adjustments' reasons.
func documentOptions(cfg *config) (statement.Options, error) {
	opt := statement.Options{Lang: cfg.lang}
	if cfg.format != "text" && cfg.format != "html" && cfg.format != "xlsx" {
		return opt, nil
	}
	t, err := reimbursement.LoadTariffFS(cfg.fsys)
	if err != nil {
		return opt, err
	}
	opt.Tariff = t
	opt.Adjustments, err = readAdjustments(cfg.fsys)
	return opt, err
}

// readAdjustments reads the adjustments of the bundle, for their reasons.
func readAdjustments(fsys fs.FS) ([]reimbursement.Adjustment, error) {
	files, err := fs.Glob(fsys, "adjustments*.csv")
	if err != nil {
		return nil, err
	}
	var out []reimbursement.Adjustment
	for _, name := range files {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		r := reimbursement.NewAdjustmentReader(f, name)
		for {
			a, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, err
			}
			out = append(out, a)
		}
		f.Close()
	}
	return out, nil
}

// streamDocuments writes the statements (html) or the workbook (xlsx) of
// a month settled in parts: the settlement is written to a temporary
// JSON file and read back one provider at a time, so that a national
// month needs memory for one provider.
func streamDocuments(cfg *config, stdout, stderr io.Writer) int {
	tmp, err := os.CreateTemp(cfg.tmp, "settlement-*.json")
	if err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	json := *cfg
	json.format, json.out = "json", tmp.Name()
	if code := stream(&json, stdout, stderr); code != exitSettled && code != exitRowsInvalid {
		return code
	} else if err := renderFile(cfg, tmp.Name(), stdout); err != nil {
		fmt.Fprintf(stderr, "settle: %v\n", err)
		return exitFailed
	} else {
		return code
	}
}

// renderFile writes the documents of the settlement in file.
func renderFile(cfg *config, file string, stdout io.Writer) error {
	providers := func(each func(*reimbursement.ProviderSettlement) error) error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = reimbursement.ScanSettlement(f, each)
		return err
	}
	// The head (files, totals) comes after the providers in the file:
	// read once for it, then once a document.
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	head, err := reimbursement.ScanSettlement(f, func(*reimbursement.ProviderSettlement) error { return nil })
	f.Close()
	if err != nil {
		return err
	}
	doc, err := documentOptions(cfg)
	if err != nil {
		return err
	}
	switch cfg.format {
	case "xlsx":
		return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteWorkbook(w, head, providers, doc) })
	case "sie":
		return write(cfg.out, stdout, func(w io.Writer) error { return sie.WriteStream(w, head, providers, cfg.accounts, cfg.sieOptions()) })
	}
	return writeHTML(cfg, head, providers, doc, stdout)
}

// writeHTML writes the statements: one provider's (-provider) to -o or
// stdout, or an index and every provider's into the directory -o.
func writeHTML(cfg *config, head *reimbursement.Settlement, providers statement.Providers, doc statement.Options, stdout io.Writer) error {
	if cfg.provider != "" {
		found := false
		err := providers(func(p *reimbursement.ProviderSettlement) error {
			if p.Provider != cfg.provider {
				return nil
			}
			found = true
			return write(cfg.out, stdout, func(w io.Writer) error { return statement.WriteProvider(w, head, p, doc) })
		})
		if err == nil && !found {
			err = fmt.Errorf("-provider %s: no such provider in the settlement", cfg.provider)
		}
		return err
	}
	if err := os.MkdirAll(cfg.out, 0o777); err != nil {
		return err
	}
	err := providers(func(p *reimbursement.ProviderSettlement) error {
		return writeFile(filepath.Join(cfg.out, statement.FileName(p.Provider)), func(w io.Writer) error {
			return statement.WriteProvider(w, head, p, doc)
		})
	})
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(cfg.out, "index.html"), func(w io.Writer) error { return statement.WriteIndex(w, head, doc) })
}

// writeCorrectionHTML writes the correction statements: of one provider
// (-provider), or an index and one page for every provider whose
// statement changed.
func writeCorrectionHTML(cfg *config, previous, current *reimbursement.Settlement, doc statement.Options, stdout io.Writer) error {
	if cfg.provider != "" {
		return write(cfg.out, stdout, func(w io.Writer) error {
			return statement.WriteCorrection(w, previous, current, cfg.provider, doc)
		})
	}
	if err := os.MkdirAll(cfg.out, 0o777); err != nil {
		return err
	}
	for _, id := range statement.ChangedProviders(previous, current) {
		err := writeFile(filepath.Join(cfg.out, statement.FileName(id)), func(w io.Writer) error {
			return statement.WriteCorrection(w, previous, current, id, doc)
		})
		if err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(cfg.out, "index.html"), func(w io.Writer) error {
		return statement.WriteCorrectionIndex(w, previous, current, doc)
	})
}

// writeFile writes one file of a directory of documents: it appears only
// when all of it is written.
func writeFile(path string, emit func(io.Writer) error) error {
	f, err := output.Create(path)
	if err != nil {
		return err
	}
	if err := emit(f); err != nil {
		f.Abort()
		return errors.Join(err, fmt.Errorf("%s not written", path))
	}
	return f.Commit()
}

package reimbursement

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/exempelby/ersattning/volume"
)

// WriteProviders writes providers.csv.
func WriteProviders(w io.Writer, providers []Provider) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "name", "regime"})
	for _, p := range providers {
		cw.Write([]string{p.ID, p.Name, p.Regime.String()})
	}
	cw.Flush()
	return cw.Error()
}

// WriteDecisions writes decisions.csv.
func WriteDecisions(w io.Writer, decisions []Decision) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "recipient", "provider", "service", "from", "to", "granted_hours", "granted_per",
		"level", "extent", "area", "staff", "end_reason"})
	for _, d := range decisions {
		hours := ""
		if d.GrantedPer != NotGranted {
			hours = decimalString(d.GrantedHours)
		}
		staff := ""
		if d.Staff > 1 {
			staff = strconv.Itoa(d.Staff)
		}
		cw.Write([]string{d.ID, d.Recipient, d.Provider, d.Service, d.From.String(), d.To.String(), hours,
			d.GrantedPer.String(), d.Level, d.Extent, d.Area, staff, d.EndReason})
	}
	cw.Flush()
	return cw.Error()
}

// WriteAdjustments writes adjustments.csv.
func WriteAdjustments(w io.Writer, adjustments []Adjustment) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "provider", "period", "amount", "reason", "recipient", "service"})
	for _, a := range adjustments {
		cw.Write([]string{a.ID, a.Provider, a.Period.String(), a.Amount.String(), a.Reason, a.Recipient, a.Service})
	}
	cw.Flush()
	return cw.Error()
}

// WriteBundle writes a bundle (formats.md) into dir: the tariff's JSON as
// given, and the records of in as CSV files. Files for kinds of record that
// in does not have are not written.
func WriteBundle(dir string, tariffJSON []byte, in Input) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errorf("%w", err)
	}
	write := func(name string, f func(io.Writer) error) error {
		file, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return errorf("%w", err)
		}
		if err := f(file); err != nil {
			file.Close()
			return err
		}
		return file.Close()
	}
	steps := []struct {
		name string
		skip bool
		f    func(io.Writer) error
	}{
		{FileTariff, false, func(w io.Writer) error { _, err := w.Write(tariffJSON); return err }},
		{FileProviders, false, func(w io.Writer) error { return WriteProviders(w, in.Providers) }},
		{FileDecisions, false, func(w io.Writer) error { return WriteDecisions(w, in.Decisions) }},
		{FileReports, len(in.Reports) == 0, func(w io.Writer) error { return volume.WriteReports(w, in.Reports) }},
		{FileAbsences, len(in.Absences) == 0, func(w io.Writer) error { return volume.WriteAbsences(w, in.Absences) }},
		{FilePresence, len(in.Presence) == 0, func(w io.Writer) error { return volume.WritePresence(w, in.Presence) }},
		{FileAdjustments, len(in.Adjustments) == 0, func(w io.Writer) error { return WriteAdjustments(w, in.Adjustments) }},
	}
	for _, s := range steps {
		if s.skip {
			continue
		}
		if err := write(s.name, s.f); err != nil {
			return err
		}
	}
	return nil
}

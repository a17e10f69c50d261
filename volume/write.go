package volume

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// ReportColumns are the columns of reports.csv, in the order written.
var ReportColumns = []string{"id", "recipient", "provider", "service", "start", "end", "staff", "kind", "status", "shared"}

// A ReportWriter writes reports.csv (formats.md), one report at a time.
// Call Flush at the end.
type ReportWriter struct {
	w      *bufio.Writer
	header bool
	buf    []byte
}

// NewReportWriter returns a writer of reports to w.
func NewReportWriter(w io.Writer) *ReportWriter {
	return &ReportWriter{w: bufio.NewWriterSize(w, 1<<16)}
}

// Write writes one report.
func (w *ReportWriter) Write(r Report) error {
	if !w.header {
		w.header = true
		if _, err := w.w.WriteString(strings.Join(ReportColumns, ",") + "\n"); err != nil {
			return err
		}
	}
	b := w.buf[:0]
	b = appendField(b, r.ID, ',')
	b = appendField(b, r.Recipient, ',')
	b = appendField(b, r.Provider, ',')
	b = appendField(b, r.Service, ',')
	b = append(b, r.Start.String()...)
	b = append(b, ',')
	b = append(b, r.End.String()...)
	b = append(b, ',')
	staff := r.Staff
	if staff < 1 {
		staff = 1
	}
	b = strconv.AppendInt(b, int64(staff), 10)
	b = append(b, ',')
	b = append(b, r.Kind.String()...)
	b = append(b, ',')
	b = append(b, r.Status.String()...)
	b = append(b, ',')
	b = appendField(b, r.Shared, '\n')
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

// Flush writes what is buffered.
func (w *ReportWriter) Flush() error {
	if !w.header {
		w.header = true
		if _, err := w.w.WriteString(strings.Join(ReportColumns, ",") + "\n"); err != nil {
			return err
		}
	}
	return w.w.Flush()
}

// appendField appends s as a CSV field followed by sep, quoting when needed.
func appendField(b []byte, s string, sep byte) []byte {
	if strings.ContainsAny(s, ",;\"\r\n") || (s != "" && (s[0] == ' ' || s[len(s)-1] == ' ')) {
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
		b = append(b, '"')
	} else {
		b = append(b, s...)
	}
	return append(b, sep)
}

// WriteReports writes reports.csv with the reports given.
func WriteReports(w io.Writer, reports []Report) error {
	rw := NewReportWriter(w)
	for _, r := range reports {
		if err := rw.Write(r); err != nil {
			return err
		}
	}
	return rw.Flush()
}

// WriteAbsences writes absences.csv.
func WriteAbsences(w io.Writer, absences []Absence) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("id,recipient,service,from,to,reason,status\n")
	var b []byte
	for _, a := range absences {
		b = b[:0]
		b = appendField(b, a.ID, ',')
		b = appendField(b, a.Recipient, ',')
		b = appendField(b, a.Service, ',')
		b = appendField(b, a.From.String(), ',')
		b = appendField(b, a.To.String(), ',')
		b = appendField(b, a.Reason, ',')
		b = append(b, a.Status.String()...)
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WritePresence writes presence.csv.
func WritePresence(w io.Writer, presence []Presence) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("id,recipient,provider,service,date,extent,status\n")
	var b []byte
	for _, p := range presence {
		b = b[:0]
		b = appendField(b, p.ID, ',')
		b = appendField(b, p.Recipient, ',')
		b = appendField(b, p.Provider, ',')
		b = appendField(b, p.Service, ',')
		b = appendField(b, p.Date.String(), ',')
		b = appendField(b, p.Extent, ',')
		b = append(b, p.Status.String()...)
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

package volume

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// readAll reads every report of src, returning them and the header error.
func readAll(t *testing.T, src string) ([]Report, error) {
	t.Helper()
	r := NewReportReader(strings.NewReader(src), "reports.csv")
	var out []Report
	for {
		rep, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rep)
		if len(out) > len(src) {
			t.Fatal("reader does not stop")
		}
	}
}

func TestReportReader(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		ids     []string // ids of the reports read
		invalid []string // ids of those with Invalid set
	}{{
		name: "plain",
		src:  "id,recipient,provider,service,start,end,staff,kind,status\nT1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved\n",
		ids:  []string{"T1"},
	}, {
		name: "BOM, CRLF, any column order, unknown columns, defaults",
		src:  "\ufeffstart,end,id,note,service,provider,recipient\r\n2026-03-04T09:00,2026-03-04T10:00,T1,hej,HT,P1,R1\r\n",
		ids:  []string{"T1"},
	}, {
		name: "semicolons",
		src:  "id;recipient;provider;service;start;end;staff\nT1;R1;P1;HT;2026-03-04 09:00;2026-03-04 10:00;2\n",
		ids:  []string{"T1"},
	}, {
		name:    "bad values: every problem of the row is kept",
		src:     "id,recipient,provider,service,start,end,staff,kind,status\nT1,R1,P1,HT,2026-02-30T09:00,2026-03-04T24:30,0,besök,klar\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,,,\n",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T1"},
	}, {
		name:    "missing and extra fields",
		src:     "id,recipient,provider,service,start,end\nT1,R1,P1,HT,2026-03-04T09:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,extra\nT3,R1,P1,HT,2026-03-04T11:00,2026-03-04T12:00\n",
		ids:     []string{"T1", "T2", "T3"},
		invalid: []string{"T1", "T2"},
	}, {
		name:    "invalid UTF-8",
		src:     "id,recipient,provider,service,start,end\nT1,R\xc3\xa51,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R\xff1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T2"},
	}, {
		name:    "a byte Windows-1252 does not have",
		src:     "id,recipient,provider,service,start,end\nT1,R\x811,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T1"},
	}, {
		name:    "a NUL byte",
		src:     "id,recipient,provider,service,start,end\nT1,R\x001,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T1"},
	}, {
		name: "Windows-1252",
		src:  "id;recipient;provider;service;start;end\nT1;R\xe5;P1;HT;2026-03-04 09:00;2026-03-04 10:00\n",
		ids:  []string{"T1"},
	}, {
		name:    "a bare quote does not stop the file",
		src:     "id,recipient,provider,service,start,end\nT1,R\"1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T1"},
	}, {
		name:    "a stray quote harms its own row only",
		src:     "id,recipient,provider,service,start,end\n\"T1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT3,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n",
		ids:     []string{"T1", "T2", "T3"},
		invalid: []string{"T1"},
	}, {
		name:    "truncated last line",
		src:     "id,recipient,provider,service,start,end\nT1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,H",
		ids:     []string{"T1", "T2"},
		invalid: []string{"T2"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reps, err := readAll(t, tt.src)
			require.NoError(t, err)
			var ids, invalid []string
			for _, r := range reps {
				ids = append(ids, r.ID)
				if r.Invalid != nil {
					invalid = append(invalid, r.ID)
					var pe *ParseError
					if !errors.As(r.Invalid, &pe) || pe.File != "reports.csv" || pe.Line < 2 {
						t.Errorf("report %q: Invalid = %v, want a *ParseError with file and line", r.ID, r.Invalid)
					}
				}
			}
			if d := cmp.Diff(tt.ids, ids); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.invalid, invalid); d != "" {
				t.Errorf("invalid (-want +got):\n%s", d)
			}
		})
	}
}

func TestReportReaderValues(t *testing.T) {
	reps, err := readAll(t, "id;recipient;provider;service;start;end;staff;kind;status\n"+
		"T1;R1;P1;HT;2026-03-04T09:00:30;2026-03-04T10:15Z;2;declined;pending\n"+
		"T2;R1;P1;HT;2026-02-30T09:00;2026-03-04T24:30;0;besök;klar\n")
	require.NoError(t, err)
	want := Report{ID: "T1", Recipient: "R1", Provider: "P1", Service: "HT",
		Start: MustParseTimestamp("2026-03-04T09:00"), End: MustParseTimestamp("2026-03-04T10:15Z"),
		Staff: 2, Kind: Declined, Status: Pending, Source: Source{"reports.csv", 2}}
	if reps[0] != want {
		t.Errorf("Read() = %+v, want %+v", reps[0], want)
	}
	msg := reps[1].Invalid.Error()
	for _, part := range []string{"reports.csv:3:5 (start)", "reports.csv:3:6 (end)", "reports.csv:3:7 (staff)", "(kind)", "(status)", `"2026-02-30T09:00"`} {
		if !strings.Contains(msg, part) {
			t.Errorf("error %q does not name %q", msg, part)
		}
	}
}

func TestMissingColumns(t *testing.T) {
	_, err := readAll(t, "id,recipient,begin,end\n")
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, ErrMissingColumn)
	for _, col := range []string{`"provider"`, `"service"`, `"start"`} {
		if !strings.Contains(err.Error(), col) {
			t.Errorf("error %q does not name column %s", err, col)
		}
	}
	_, err = readAll(t, "")
	require.Error(t, err)
}

func TestLongLine(t *testing.T) {
	long := strings.Repeat("x", 10<<20)
	reps, err := readAll(t, "id,recipient,provider,service,start,end\nT1,"+long+",P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\n")
	require.NoError(t, err)
	if len(reps) != 2 || reps[0].Invalid == nil || !errors.Is(reps[0].Invalid, ErrTooLong) || reps[1].ID != "T2" || reps[1].Invalid != nil {
		t.Fatalf("a 10 MB field: read %d reports: %+v", len(reps), reps)
	}
	if s := reps[0].Invalid.Error(); len(s) > 200 || reps[0].Source != (Source{"reports.csv", 2}) {
		t.Errorf("a 10 MB field: %s at %v", s, reps[0].Source)
	}
}

func TestAbsenceAndPresenceReaders(t *testing.T) {
	ar := NewAbsenceReader(strings.NewReader("id,recipient,service,from,to,reason,status\nA1,R1,HT,2026-03-05,2026-03-08,hospital,\nA2,R1,HT,2026-03-08,2026-03-05,hospital,\nA3,R1,HT,2026-03-05,,planned,pending\n"), "absences.csv")
	var got []string
	for {
		a, err := ar.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got = append(got, a.ID+":"+a.From.String()+".."+a.To.String()+":"+a.Status.String()+":"+boolString(a.Invalid != nil))
	}
	if d := cmp.Diff([]string{"A1:2026-03-05..2026-03-08:approved:ok", "A2:2026-03-08..2026-03-05:approved:invalid", "A3:2026-03-05..:pending:ok"}, got); d != "" {
		t.Errorf("absences (-want +got):\n%s", d)
	}
	pr := NewPresenceReader(strings.NewReader("id,recipient,provider,service,date,extent,status\nN1,R1,P1,DV,2026-03-02,half,\n"), "presence.csv")
	p, err := pr.Read()
	require.NoError(t, err)
	if p.ID != "N1" || p.Extent != "half" || p.Date != MustParseDate("2026-03-02") || p.Invalid != nil {
		t.Errorf("presence = %+v", p)
	}
}

func boolString(invalid bool) string {
	if invalid {
		return "invalid"
	}
	return "ok"
}

// bigMixedCSV is a reports.csv of several times the reader's buffer, with
// rows of every kind among the plain ones: quoted (a line end inside), CR
// LF, empty lines, bad UTF-8, a CR alone, and no line end at the end.
func bigMixedCSV() string {
	var b strings.Builder
	b.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	for i := range 12000 {
		row := fmt.Sprintf("V%d,R%d,P%d,HT,2026-03-%02dT%02d:%02d,2026-03-%02dT%02d:%02d,1,visit,approved",
			i, i/80, i%300, 1+i%31, 7+i%12, i%60, 1+i%31, 8+i%12, i%60)
		switch {
		case i%997 == 5:
			row = fmt.Sprintf("V%d,\"R\n%d\",P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved", i, i)
		case i%1009 == 7:
			row += "\r"
		case i%1013 == 9:
			row = ""
		case i%1019 == 11:
			row = fmt.Sprintf("V%d,R\xff%d,P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved", i, i)
		case i%1021 == 13:
			row = "\r"
		}
		b.WriteString(row)
		if i < 11999 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestReadBatch: reading in batches gives the reports one at a time does,
// errors and line numbers included.
func TestReadBatch(t *testing.T) {
	srcs := []string{
		"id,recipient,provider,service,start,end,staff,kind,status\nT1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved\n\nT2,R1,P1,HT,2026-02-30T09:00,x,0,besök,klar\n",
		"id;recipient;provider;service;start;end\r\nT1;R1;P1;HT;2026-03-04 09:00;2026-03-04 10:00\r\nT2;\"R;1\";P1;HT;2026-03-04 09:00;2026-03-04 10:00\r\n",
		"id,recipient,provider,service,start,end\nT1,R\"1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R\xff,P1,HT,2026-03-04T09:00,2026-03-04T10:00,x\nT3,\"a\nb\",P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT4,R1,P1,HT",
		bigMixedCSV(),
	}
	for i, src := range srcs {
		one, err := readAll(t, src)
		require.NoError(t, err)
		for _, n := range []int{1, 2, 100} {
			r := NewReportReader(strings.NewReader(src), "reports.csv")
			var batch []Report
			for {
				var err error
				next, err := r.readReportBatch(nil, n)
				batch = append(batch, next...)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			if len(batch) != len(one) {
				t.Fatalf("source %d, batches of %d: %d reports, one at a time %d", i, n, len(batch), len(one))
			}
			// Read raw on one reader, parse with a parser of it.
			rr := NewReportReader(strings.NewReader(src), "reports.csv")
			var raw rawBatch
			var parsed []Report
			var parser *reportParser
			for {
				err := rr.readRawRows(&raw, n)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				if parser == nil {
					parser = rr.newParser()
				}
				parsed = parser.Parse(&raw, parsed)
			}
			if len(parsed) != len(one) {
				t.Fatalf("source %d, raw batches of %d: %d reports, one at a time %d", i, n, len(parsed), len(one))
			}
			for k := range one {
				a, b := one[k], parsed[k]
				if (a.Invalid == nil) != (b.Invalid == nil) || (a.Invalid != nil && a.Invalid.Error() != b.Invalid.Error()) {
					t.Errorf("raw: source %d, report %d: %v / %v", i, k, a.Invalid, b.Invalid)
				}
				a.Invalid, b.Invalid = nil, nil
				if a != b {
					t.Errorf("raw: source %d, report %d: %+v / %+v", i, k, a, b)
				}
			}
			for k := range one {
				a, b := one[k], batch[k]
				if (a.Invalid == nil) != (b.Invalid == nil) || (a.Invalid != nil && a.Invalid.Error() != b.Invalid.Error()) {
					t.Errorf("source %d, report %d: %v / %v", i, k, a.Invalid, b.Invalid)
				}
				a.Invalid, b.Invalid = nil, nil
				if a != b {
					t.Errorf("source %d, report %d: %+v / %+v", i, k, a, b)
				}
			}
		}
	}
}

// TestReadParallel: the reports read in parallel are those read one at
// a time, each once, errors and line numbers included, whatever the
// number of parsers and the size of a batch; and a header that cannot be
// read is the error, with no report.
func TestReadParallel(t *testing.T) {
	srcs := []string{
		"id,recipient,provider,service,start,end,staff,kind,status\nT1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved\n\nT2,R1,P1,HT,2026-02-30T09:00,x,0,besök,klar\n",
		"id,recipient,provider,service,start,end\nT1,R\"1,P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT2,R\xff,P1,HT,2026-03-04T09:00,2026-03-04T10:00,x\nT3,\"a\nb\",P1,HT,2026-03-04T09:00,2026-03-04T10:00\nT4,R1,P1,HT",
		bigMixedCSV(),
		"id,recipient,provider,service,start,end\n", // no rows
	}
	describe := func(r Report) string {
		s := fmt.Sprintf("%+v", Report{ID: r.ID, Recipient: r.Recipient, Provider: r.Provider, Service: r.Service,
			Start: r.Start, End: r.End, Staff: r.Staff, Kind: r.Kind, Status: r.Status, Source: r.Source})
		if r.Invalid != nil {
			s += " " + r.Invalid.Error()
		}
		return s
	}
	for i, src := range srcs {
		one, err := readAll(t, src)
		require.NoError(t, err)
		var want []string
		for _, r := range one {
			want = append(want, describe(r))
		}
		slices.Sort(want)
		for _, opt := range []ParallelOptions{{}, {Parsers: 1, BatchRows: 1}, {Parsers: 3, BatchRows: 7}, {Parsers: 1000}} {
			var got []string
			err := NewReportReader(strings.NewReader(src), "reports.csv").ReadParallel(opt, func(batch []Report) {
				for _, r := range batch {
					got = append(got, describe(r))
				}
			})
			require.NoError(t, err)
			slices.Sort(got)
			require.Equal(t, want, got, "source %d, %+v", i, opt)
		}
	}
	n := 0
	err := NewReportReader(strings.NewReader("id,recipient\nT1,R1\n"), "reports.csv").ReadParallel(ParallelOptions{}, func(b []Report) { n += len(b) })
	require.Error(t, err)
	require.Zero(t, n)
}

// benchReports is a reports.csv of 200 000 visits.
func benchReports() string {
	var src strings.Builder
	src.WriteString("id,recipient,provider,service,start,end,staff,kind,status\n")
	for i := range 200000 {
		fmt.Fprintf(&src, "V%d,R%d,P%d,HT,2026-03-%02dT%02d:%02d,2026-03-%02dT%02d:%02d,1,visit,approved\n",
			i, i/80, i%300, 1+i%31, 7+i%12, i%60, 1+i%31, 8+i%12, i%60)
	}
	return src.String()
}

// BenchmarkReadRawRows reads the raw rows of a reports.csv of 200 000 visits,
// the first stage of decoding it.
func BenchmarkReadRawRows(b *testing.B) {
	data := benchReports()
	b.SetBytes(int64(len(data)))
	var raw rawBatch
	for b.Loop() {
		r := NewReportReader(strings.NewReader(data), "reports.csv")
		rows := 0
		for {
			if err := r.readRawRows(&raw, 4096); err != nil {
				break
			}
			rows += len(raw.rows)
		}
		if rows != 200000 {
			b.Fatalf("%d rows", rows)
		}
	}
}

// BenchmarkDecode reads and parses a reports.csv of 200 000 visits, as
// the staged decoder does on its goroutines (BenchmarkReadRawRows is the
// first stage alone).
func BenchmarkDecode(b *testing.B) {
	data := benchReports()
	b.SetBytes(int64(len(data)))
	var raw rawBatch
	var out []Report
	for b.Loop() {
		r := NewReportReader(strings.NewReader(data), "reports.csv")
		var p *reportParser
		rows := 0
		for {
			if err := r.readRawRows(&raw, 4096); err != nil {
				break
			}
			if p == nil {
				p = r.newParser()
			}
			out = p.Parse(&raw, out[:0])
			rows += len(out)
		}
		if rows != 200000 {
			b.Fatalf("%d rows", rows)
		}
	}
}

// TestSplitFields: splitting eight bytes at a time gives what
// strings.Split gives, for commas at every position of a word, runs of
// them, empty fields, bytes that differ from a comma in one bit, and other
// separators.
func TestSplitFields(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	alphabet := []byte{',', ';', 'a', '0', ',' ^ 0x80, ',' ^ 1, ',' ^ 0x40, 0, 0xff, '\t'}
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(40))
		for k := range b {
			b[k] = alphabet[rng.Intn(len(alphabet))]
		}
		// The row after a prefix of other rows, 0 to 9 bytes of them.
		prefix := make([]byte, rng.Intn(10))
		for k := range prefix {
			prefix[k] = alphabet[rng.Intn(len(alphabet))]
		}
		for _, comma := range []byte{',', ';', '\t'} {
			got := splitAt(string(prefix)+string(b), len(prefix), comma)
			if want := strings.Split(string(b), string(comma)); !slices.Equal(got, want) {
				t.Fatalf("%q (after %q) split at %q: %q, want %q", b, prefix, comma, got, want)
			}
		}
	}
}

// splitAt returns the fields of s[from:] as splitFields finds them.
func splitAt(s string, from int, comma byte) []string {
	var fields []string
	for _, end := range splitFields(s, from, comma, nil) {
		fields = append(fields, s[from:end])
		from = end + 1
	}
	return fields
}

// TestQuoteBeforeLongLine: a quote left open in a free-text column before
// a line too long to be a row harms neither the rows around them nor the
// count of lines: the open quote's row, the long line and the row after
// are three rows, the first two malformed.
func TestQuoteBeforeLongLine(t *testing.T) {
	src := "id,name,reason\nA1,x,\"open\n" + strings.Repeat("y", MaxRowBytes+10) + "\nA3,z,w\n"
	c := NewCSVReader(strings.NewReader(src), "f.csv")
	c.FreeText = []string{"name", "reason"}
	require.NoError(t, c.ReadHeader())
	var got []string
	for {
		err := c.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("the reader stops: %v", err)
		}
		got = append(got, fmt.Sprintf("%d:%s:%v", c.Line(), c.Field("id"), err != nil))
	}
	if d := cmp.Diff([]string{"2:A1:true", "3::true", "4:A3:false"}, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	if c.Rows() != 3 {
		t.Errorf("%d rows counted, want 3", c.Rows())
	}
}

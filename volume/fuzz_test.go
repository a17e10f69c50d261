package volume

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// The seed corpus of these targets is in testdata/fuzz; run them with
// go test -fuzz=FuzzParseTimestamp ./volume and so on.

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-03-04T09:00", "2026-10-25T02:30", "2026-03-29T02:30:59.5+02:00", "2026-03-04 24:30Z", "2024-02-29T23:59-12:00"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil {
			return
		}
		again, err := ParseTimestamp(ts.String())
		if err != nil || again != ts {
			t.Fatalf("ParseTimestamp(%q) = %v; String %q parses to %v, %v", s, ts, ts.String(), again, err)
		}
		z := NewZone(loc)
		if u, err := z.Resolve(ts); err == nil {
			if _, off := ts.Offset(); !off && TimestampOf(z.Instant(u)).String()[:16] != ts.String() {
				t.Fatalf("Resolve(%s) = %v, which is %s", ts, z.Instant(u), TimestampOf(z.Instant(u)))
			}
		}
	})
}

// FuzzDateMemo: a timestamp parsed after another (whose date the parser
// remembers) is what it is parsed alone.
func FuzzDateMemo(f *testing.F) {
	f.Add("2026-03-01T10:00", "2026-03-01T11:00")
	f.Add("2026-02-30T10:00", "2026-02-30T11:00")
	f.Add("2026-03-01T10:00", "2026-03-01X11:00")
	f.Fuzz(func(t *testing.T, first, then string) {
		var memo dateMemo
		parseTimestamp(first, &memo)
		got, gotOK := parseTimestamp(then, &memo)
		want, wantOK := parseTimestamp(then, nil)
		if got != want || gotOK != wantOK {
			t.Fatalf("after %q: %q parses to %v %v, alone to %v %v", first, then, got, gotOK, want, wantOK)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-04", "2026-02-30", "0001-01-01", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, d.String())
		}
		if got := d.AddDays(1).AddDays(-1); got != d {
			t.Fatalf("AddDays round trip of %s = %s", d, got)
		}
	})
}

func FuzzReportReader(f *testing.F) {
	f.Add("id,recipient,provider,service,start,end,staff,kind,status\nT1,R1,P1,HT,2026-03-04T09:00,2026-03-04T10:00,1,visit,approved\n")
	f.Add("\ufeffid;recipient;provider;service;start;end\r\nT1;R1;P1;HT;2026-03-04 09:00;2026-03-04 10:00\r\n")
	f.Add("id,recipient,provider,service,start,end\nT1,\"R\"1,P1\n\"")
	f.Fuzz(func(t *testing.T, src string) {
		// Reading in batches gives what reading one at a time gives.
		var one, batched []Report
		r1 := NewReportReader(strings.NewReader(src), "reports.csv")
		for i := 0; i <= len(src)+1; i++ {
			rep, err := r1.Read()
			if err != nil {
				break
			}
			one = append(one, rep)
		}
		r2 := NewReportReader(strings.NewReader(src), "reports.csv")
		for i := 0; i <= len(src)+1; i++ {
			var err error
			batched, err = r2.readReportBatch(batched, 3)
			if err != nil {
				break
			}
		}
		// And read raw, then parsed by two parsers in turn, one batch
		// being reused for the next while the reports of the last are
		// kept.
		var parsed []Report
		r3 := NewReportReader(strings.NewReader(src), "reports.csv")
		var raw rawBatch
		var parsers []*reportParser
		for i := 0; i <= len(src)+1; i++ {
			if r3.readRawRows(&raw, 2) != nil {
				break
			}
			if parsers == nil {
				parsers = []*reportParser{r3.newParser(), r3.newParser()}
			}
			parsed = parsers[i%2].Parse(&raw, parsed)
		}
		for _, got := range [][]Report{batched, parsed} {
			if len(one) != len(got) {
				t.Fatalf("%d reports one at a time, %d in batches", len(one), len(got))
			}
			for i := range one {
				a, b := one[i], got[i]
				if (a.Invalid == nil) != (b.Invalid == nil) || (a.Invalid != nil && a.Invalid.Error() != b.Invalid.Error()) {
					t.Fatalf("report %d: %v / %v", i, a.Invalid, b.Invalid)
				}
				a.Invalid, b.Invalid = nil, nil
				if a != b {
					t.Fatalf("report %d: %+v / %+v", i, a, b)
				}
			}
		}
		r := NewReportReader(strings.NewReader(src), "reports.csv")
		for i := 0; ; i++ {
			rep, err := r.Read()
			if err == io.EOF || (err != nil && i == 0) {
				return
			}
			if err != nil {
				t.Fatalf("row error returned as err, not Invalid: %v", err)
			}
			if rep.Invalid == nil && (rep.ID == "" || rep.Start.IsZero() || rep.End.IsZero() || rep.Staff < 1) {
				t.Fatalf("report %+v is incomplete but not Invalid", rep)
			}
			if i > len(src)+1 {
				t.Fatalf("more rows than bytes")
			}
		}
	})
}

func FuzzAbsenceReader(f *testing.F) {
	f.Add("id,recipient,service,from,to,reason,status\nA1,R1,HT,2026-03-05,2026-03-08,hospital,\n")
	f.Fuzz(func(t *testing.T, src string) {
		r := NewAbsenceReader(strings.NewReader(src), "absences.csv")
		for i := 0; i <= len(src)+1; i++ {
			a, err := r.Read()
			if err != nil {
				return
			}
			if a.Invalid == nil && (a.From.IsZero() || (!a.To.IsZero() && a.To.Before(a.From))) {
				t.Fatalf("absence %+v is not Invalid", a)
			}
		}
	})
}

func FuzzPresenceReader(f *testing.F) {
	f.Add("id,recipient,provider,service,date,extent,status\nN1,R1,P1,DV,2026-03-02,half,\n")
	f.Fuzz(func(t *testing.T, src string) {
		r := NewPresenceReader(strings.NewReader(src), "presence.csv")
		for i := 0; i <= len(src)+1; i++ {
			p, err := r.Read()
			if err != nil {
				return
			}
			if p.Invalid == nil && (p.ID == "" || p.Date.IsZero()) {
				t.Fatalf("presence %+v is not Invalid", p)
			}
		}
	})
}

// FuzzTimestampBinary: any bytes UnmarshalBinary takes are bytes
// AppendBinary writes for that timestamp, and every parsed timestamp comes
// back from its bytes.
func FuzzTimestampBinary(f *testing.F) {
	for _, s := range []string{"2026-03-29T02:30", "2026-10-25T02:30+01:00", "2026-10-25T02:30-09:30", "0001-01-01T00:00Z"} {
		b, _ := MustParseTimestamp(s).AppendBinary(nil)
		f.Add(b, s)
	}
	f.Add([]byte{0, 0, 0, 0, 0, 0x80, 0, 0}, "")
	f.Fuzz(func(t *testing.T, data []byte, s string) {
		var ts Timestamp
		if err := ts.UnmarshalBinary(data); err == nil {
			back, _ := ts.AppendBinary(nil)
			if string(back) != string(data) {
				t.Fatalf("%x reads as %v, which writes %x", data, ts, back)
			}
		}
		if p, err := ParseTimestamp(s); err == nil {
			b, _ := p.AppendBinary([]byte("x"))
			var q Timestamp
			if err := q.UnmarshalBinary(b[1:]); err != nil || q != p {
				t.Fatalf("%q: %v comes back as %v, %v", s, p, q, err)
			}
		}
	})
}

// FuzzFieldsAt: the fields of a row in one call are those At gives one at
// a time, for rows read raw (as the report decoder reads them) and rows
// read one at a time, columns out of range included; and so are the first
// fields in order (fieldsInOrder), which are declined only for quoted or
// short rows.
func FuzzFieldsAt(f *testing.F) {
	f.Add("a,b,c\n 1,\t2 ,3\n4,,\n\"x, y\",z\n5\n")
	f.Add("a;b\n;\n x ; y \n")
	f.Add("id,recipient,provider,service,start,end\nT1, R1 ,P1\t,HT,x,y\n\"T2\",R2,,HT,,\nT3\n")
	f.Fuzz(func(t *testing.T, src string) {
		cols := []int{-1, 0, 1, 2, 3, 9, 2, 0}
		check := func(c *CSVReader, how string) {
			got := make([]string, len(cols))
			c.fieldsAt(cols, got)
			for k, i := range cols {
				if want := c.at(i); got[k] != want {
					t.Fatalf("%s, line %d: fieldsAt column %d = %q, At = %q", how, c.Line(), i, got[k], want)
				}
			}
			inOrder := make([]string, 4)
			if c.fieldsInOrder(inOrder) {
				for k := range inOrder {
					if want := c.at(k); inOrder[k] != want {
						t.Fatalf("%s, line %d: fieldsInOrder column %d = %q, At = %q", how, c.Line(), k, inOrder[k], want)
					}
				}
			} else if c.plain && c.nf >= len(inOrder) {
				t.Fatalf("%s, line %d: fieldsInOrder declines a plain row of %d fields", how, c.Line(), c.nf)
			}
		}
		r := NewReportReader(strings.NewReader(src), "r.csv")
		var raw rawBatch
		for n := 0; n <= len(src)+1 && r.readRawRows(&raw, 2) == nil; n++ {
			c := r.newParser().r.c
			c.useBatch(&raw)
			for i := range raw.rows {
				c.useRow(&raw.rows[i])
				check(c, "raw")
			}
		}
		c := NewCSVReader(strings.NewReader(src), "r.csv")
		if c.ReadHeader() != nil {
			return
		}
		for n := 0; n <= len(src)+1; n++ {
			if err := c.Next(); err == io.EOF {
				break
			}
			check(c, "one at a time")
		}
	})
}

// FuzzSplitFields: the reader splits rows into fields as strings.Split does.
func FuzzSplitFields(f *testing.F) {
	f.Add("V1,R0,P387,HT,2026-03-01T23:51,2026-03-02T00:07,1,declined,approved", byte(','))
	f.Add(",,,,,,,,", byte(','))
	f.Add("a;b", byte(';'))
	f.Fuzz(func(t *testing.T, s string, comma byte) {
		for from := range min(len(s)+1, 9) {
			if got, want := splitAt(s, from, comma), strings.Split(s[from:], string([]byte{comma})); !slices.Equal(got, want) {
				t.Fatalf("%q from %d split at %q: %q, want %q", s, from, comma, got, want)
			}
		}
	})
}

// FuzzCSVRows: whatever the bytes, a CSV file's lines all become the
// header, rows (a row over several lines only through a quoted free-text
// field) or empty lines: the reader never loses one, never stops on a
// malformed row, and counts as rows exactly what it returns.
func FuzzCSVRows(f *testing.F) {
	f.Add("id,name,reason\nA,\"B\nC\",D\n\"E,F,G\nH,I,J\n")
	f.Add("id;name;reason\r\n\"x;y\";\"a\"\"b\";c\r\n\r\n;;\n")
	f.Add("id,name,reason\n1,2,\"3\n4\n5")
	f.Add("id,name\xe5,reason\nA,\xe5,\x00\n")
	f.Fuzz(func(t *testing.T, src string) {
		c := NewCSVReader(strings.NewReader(src), "f.csv")
		c.Columns, c.FreeText = []string{"id", "name", "reason"}, []string{"name", "reason"}
		if c.ReadHeader() != nil {
			return
		}
		rows := 0
		for ; rows <= len(src); rows++ {
			err := c.Next()
			if err == io.EOF {
				break
			}
			var pe *ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("row %d: the reader stops: %v", rows+1, err)
			}
		}
		if rows != c.Rows() {
			t.Fatalf("%d rows returned, %d counted", rows, c.Rows())
		}
	})
}

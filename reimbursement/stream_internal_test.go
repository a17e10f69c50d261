package reimbursement

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement/internal/jsonw"
	"github.com/exempelby/ersattning/reimbursement/internal/repeats"
	"github.com/exempelby/ersattning/volume"
)

func spillRoundTrip(t *testing.T, reports []volume.Report) {
	t.Helper()
	var b []byte
	var prev spillPrev
	for i := range reports {
		b = appendReport(b, &reports[i], &prev)
	}
	r := spillReader{s: string(b)}
	var got, last volume.Report // one for all: report must leave nothing of the one before
	for i, want := range reports {
		same := r.report(&got)
		if r.err != nil {
			t.Fatalf("report %d: %v", i, r.err)
		}
		// The names it says are the last report's are, and the first
		// report has no last one (whatever its names).
		if i == 0 && same != 0 {
			t.Fatalf("report 0: same %b, want 0", same)
		}
		if same&sameRecipient != 0 && got.Recipient != last.Recipient || same&sameProvider != 0 && got.Provider != last.Provider ||
			same&sameService != 0 && got.Service != last.Service {
			t.Fatalf("report %d: same %b, but %+v after %+v", i, same, got, last)
		}
		if i > 0 && got.Recipient == last.Recipient && got.Provider == last.Provider && got.Service == last.Service &&
			same != sameRecipient|sameProvider|sameService {
			t.Fatalf("report %d: same %b, but its names are the last one's", i, same)
		}
		last = got
		if (got.Invalid == nil) != (want.Invalid == nil) || (got.Invalid != nil && got.Invalid.Error() != want.Invalid.Error()) {
			t.Fatalf("report %d: invalid %v, want %v", i, got.Invalid, want.Invalid)
		}
		got.Invalid, want.Invalid = nil, nil
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b volume.Timestamp) bool { return a == b })); d != "" {
			t.Fatalf("report %d (-want +got):\n%s", i, d)
		}
	}
	if r.more() {
		t.Fatalf("%d bytes left over", len(r.s)-r.pos)
	}
}

// TestRecSize: a rec, one per report of a part, stays at 64 bytes (its
// fields ordered so that none is padded).
func TestRecSize(t *testing.T) {
	if n := unsafe.Sizeof(rec{}); n > 64 {
		t.Errorf("a rec is %d bytes, want 64", n)
	}
}

// TestSpillRoundTrip: reports come back from their spill form as they
// went in, names repeated or not, every field set or not.
func TestSpillRoundTrip(t *testing.T) {
	at := volume.MustParseTimestamp
	spillRoundTrip(t, []volume.Report{
		{ID: "T0", Staff: 1},
		{ID: "T1", Recipient: "R1", Provider: "P1", Service: "HT", Start: at("2026-03-29T01:30"), End: at("2026-03-29T03:30"), Staff: 1, Shared: "S1"},
		{ID: "T2", Recipient: "R1", Provider: "P1", Service: "HT", Start: at("2026-10-25T02:30+02:00"), End: at("2026-10-25T02:30+01:00"), Staff: 2, Kind: volume.Declined},
		{ID: "T3", Recipient: "R1", Provider: "P2", Service: "HT", Staff: 0, Status: volume.Pending, Invalid: errors.New(`reports.csv:3:5 (start): "x"`)},
		{ID: "", Recipient: "", Provider: "", Service: "", Staff: -3, Status: volume.Rejected},
		{ID: "T<ö>", Recipient: "R2", Provider: "P1", Service: "LEDS", Start: at("2026-03-04T10:00Z"), End: at("2026-03-04T11:00-09:30"), Staff: 1 << 40},
		// Dates far apart, before and after the one before.
		{ID: "T6", Recipient: "R2", Provider: "P1", Service: "LEDS", Start: at("9999-12-31T23:59+14:00"), End: at("0001-01-01T00:00"), Staff: 1},
		{ID: "T7", Recipient: "R2", Provider: "P1", Service: "LEDS", Start: at("0001-01-01T00:01"), Staff: 1, Shared: "a shared id, with \"quotes\""},
		{ID: "T8", Recipient: "R2", Provider: "P1", Service: "LEDS", End: at("2026-03-04T11:00-18:00"), Staff: 1},
	})
}

// FuzzSpillReader: no bytes make the reader panic or loop, and a report
// made of fuzzed fields comes back as it went in.
func FuzzSpillReader(f *testing.F) {
	var prev spillPrev
	seed := appendReport(nil, &volume.Report{ID: "T1", Recipient: "R1", Provider: "P1", Service: "HT",
		Start: volume.MustParseTimestamp("2026-03-04T10:00"), End: volume.MustParseTimestamp("2026-03-04T11:00"), Staff: 2}, &prev)
	f.Add(seed, "T1", "R1", "2026-03-04T10:00", 1)
	f.Add([]byte{0xff, 0xff, 0x80}, "", "", "", 0)
	f.Fuzz(func(t *testing.T, data []byte, id, recipient, start string, staff int) {
		r := spillReader{s: string(data)}
		for n := 0; r.more() && r.err == nil; n++ {
			before := r.pos
			var x volume.Report
			r.report(&x)
			if r.err == nil && r.pos <= before {
				t.Fatalf("report read no bytes")
			}
		}
		ts, _ := volume.ParseTimestamp(start)
		spillRoundTrip(t, []volume.Report{
			{ID: id, Recipient: recipient, Provider: id, Service: recipient, Start: ts, End: ts, Staff: staff},
			{ID: recipient, Recipient: recipient, Provider: "P", Service: recipient, Start: ts, Staff: 1, Shared: id},
		})
	})
}

// FuzzPartReader: a part file that is not what settlePart wrote (cut
// short, or any bytes at all) gives an error, never a panic or a loop.
func FuzzPartReader(f *testing.F) {
	var good bytes.Buffer
	bw := bufio.NewWriter(&good)
	pw := partWriter{w: bw}
	pw.uvarint(1)
	pw.lines([]Line{{Recipient: "R1", Decision: "D1", Service: "HT", Component: "base", Band: "dag", Unit: Minute,
		Quantity: decimal.NewFromInt(60), Price: decimal.NewFromInt(436), Factor: oneDec, Divisor: decimal.NewFromInt(60),
		Amount: decimal.NewFromInt(436), Reports: []string{"T1", "T<2>"}}})
	pw.unpaid([]Unpaid{{ID: "T3", Quantity: 30, Unit: Minute, Reason: ReasonOverGranted, Decision: "D1"}})
	pw.uvarint(1)
	pw.str("T4")
	pw.uvarint(0)
	pw.flush()
	bw.Flush()
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:len(good.Bytes())/2])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &partReader{src: bytes.NewReader(data), buf: make([]byte, 16)}
		var out bytes.Buffer
		j := jsonw.New(&out)
		j.Open('[')
		var e entry
		p.uvarint()
		for range min(p.uvarint(), 1000) {
			p.readLineKey(&e)
			p.writeLine(&e, &lineOut{j: j})
		}
		for range min(p.uvarint(), 1000) {
			p.readUnpaid(&e)
			writeUnpaid(j, &e)
		}
		for range min(p.uvarint(), 1000) {
			p.readPending(&e)
		}
		if bytes.Equal(data, good.Bytes()) && p.err != nil {
			t.Fatalf("the part as written does not read: %v", p.err)
		}
	})
}

// slowWriter takes its time with every write, and fails after failAt bytes
// when failAt > 0.
type slowWriter struct {
	b      bytes.Buffer
	failAt int
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	if w.failAt > 0 && w.b.Len()+len(p) > w.failAt {
		return 0, errors.New("disk full")
	}
	return w.b.Write(p)
}

// TestMergeChunks: the output made in pieces of a few bytes, with one
// piece ahead and one to five workers, is the output made in pieces of
// megabytes, in every format.
func TestMergeChunks(t *testing.T) {
	for _, dir := range []string{"testdata/cases/ledsagning-2024-03", "../examples/internal/sample/bundle"} {
		fsys := os.DirFS(dir)
		tariff, err := LoadTariffFS(fsys)
		require.NoError(t, err)
		period := volumePeriod("2026-10")
		if b, err := os.ReadFile(filepath.Join(dir, "period")); err == nil {
			period = volumePeriod(string(bytes.TrimSpace(b)))
		}
		for _, format := range []Format{FormatJSON, FormatCSV, FormatSwedishCSV} {
			opt := StreamOptions{Options: Options{Location: stockholmForTest(t)}, Format: format, TempDir: t.TempDir(), PartReports: 1}
			var want bytes.Buffer
			sum, _, err := WriteSettlementFS(&want, fsys, tariff, period, opt)
			require.NoError(t, err)
			if sum.Parts < 2 {
				t.Fatalf("%s: %d parts", dir, sum.Parts)
			}
			for _, workers := range []int{1, 2, 5} {
				opt.Workers = workers
				var got bytes.Buffer
				_, _, err := writeSettlementFS(&got, fsys, tariff, period, opt, mergeTuning{chunk: 7, ahead: 1})
				require.NoError(t, err)
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("%s, format %d, %d workers: made in small pieces:\n%s\nwant\n%s", dir, format, workers, got.Bytes(), want.Bytes())
				}
			}
		}
	}
}

// sampleInParts returns the sample municipality and options that settle
// it in parts of one report.
func sampleInParts(t *testing.T) (fs.FS, *Tariff, volume.Period, StreamOptions) {
	t.Helper()
	dir := "../examples/internal/sample/bundle"
	fsys := os.DirFS(dir)
	tariff, err := LoadTariffFS(fsys)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(dir, "period"))
	require.NoError(t, err)
	opt := StreamOptions{Options: Options{Location: stockholmForTest(t)}, TempDir: t.TempDir(), PartReports: 1}
	return fsys, tariff, volumePeriod(string(bytes.TrimSpace(b))), opt
}

// TestMergeAhead: a worker that is done with its task while the writer is
// still on another's does not make the rest of the month ahead of it: the
// pieces made in all stay within what the tuning allows, each worker's
// ahead and the one it makes, however slow the writer, and the output is
// whole.
func TestMergeAhead(t *testing.T) {
	fsys, tariff, period, opt := sampleInParts(t)
	var want bytes.Buffer
	_, _, err := WriteSettlementFS(&want, fsys, tariff, period, opt)
	require.NoError(t, err)
	for _, workers := range []int{2, 3} {
		opt.Workers = workers
		var made atomic.Int64
		got := &slowWriter{}
		_, _, err := writeSettlementFS(got, fsys, tariff, period, opt, mergeTuning{chunk: 64, ahead: 2, made: &made})
		require.NoError(t, err)
		if !bytes.Equal(got.b.Bytes(), want.Bytes()) {
			t.Fatalf("%d workers: the output is not the one made in big pieces", workers)
		}
		// Some 2 000 pieces of output; a worker may hold 2 + 1 of them.
		if n := made.Load(); n > int64(workers*3) || n < 2 {
			t.Errorf("%d workers made %d pieces for %d bytes, want at most %d", workers, n, want.Len(), workers*3)
		}
	}
}

// failingWriter takes its time with every write, and fails after failAt
// bytes.
type failingWriter struct {
	n, failAt int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	if w.n+len(p) > w.failAt {
		return 0, errors.New("disk full")
	}
	w.n += len(p)
	return len(p), nil
}

// TestMergeWriteFails: a writer that fails part of the way is the error
// of WriteSettlementFS, which returns (its workers do not wait forever
// for a writer that has stopped).
func TestMergeWriteFails(t *testing.T) {
	fsys, tariff, period, opt := sampleInParts(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := writeSettlementFS(&failingWriter{failAt: 100}, fsys, tariff, period, opt,
			mergeTuning{chunk: 16, ahead: 1})
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorContains(t, err, "disk full")
	case <-time.After(60 * time.Second):
		t.Fatal("WriteSettlementFS does not return")
	}
}

// BenchmarkSpill writes and reads back a part's spill: 100 000 visits of
// 1 000 recipients, as the first and second passes of WriteSettlementFS do.
func BenchmarkSpill(b *testing.B) {
	var reports []volume.Report
	for i := range 100000 {
		day := volume.NewDate(2026, time.March, 1+i%31)
		start := volume.LocalTimestamp(day, 7+i%12, i%60)
		reports = append(reports, volume.Report{ID: fmt.Sprintf("V%d", 1000000+i), Recipient: fmt.Sprintf("R%d", i/100),
			Provider: "P12", Service: "HT", Start: start, End: volume.LocalTimestamp(day, 8+i%12, i%60), Staff: 1, Kind: volume.Visit, Status: volume.Approved})
	}
	var data []byte
	for b.Loop() {
		var prev spillPrev
		data = data[:0]
		for i := range reports {
			data = appendReport(data, &reports[i], &prev)
		}
		r := spillReader{s: string(data)}
		var x volume.Report
		for r.more() && r.err == nil {
			r.report(&x)
		}
		if r.err != nil {
			b.Fatal(r.err)
		}
	}
	b.ReportMetric(float64(len(data))/float64(len(reports)), "bytes/visit")
}

// TestRoundsTo: the audit's integer check of a line's amount agrees with
// the decimal rule. It may decline (the audit then checks in decimals) but
// never passes a wrong amount: amounts off by one öre, of the wrong sign,
// or computed by truncation instead of rounding are all refused.
func TestRoundsTo(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	factors := []string{"1", "0.5", "0.75", "0", "1.25", "0.333", "0.125", "0.042", "-1", "0.000000001"}
	shown := 0
	for i := 0; i < 200000; i++ {
		l := Line{
			Quantity: decimal.NewFromInt(rng.Int63n(2000001) - 1000000),
			Price:    decimal.New(rng.Int63n(1e8), -int32(rng.Intn(5))),
			Factor:   decimal.RequireFromString(factors[rng.Intn(len(factors))]),
			Divisor:  decimal.NewFromInt([]int64{1, 60, 7, 3600, 100, 999999}[rng.Intn(6)]),
		}
		switch i % 13 {
		case 0:
			l.Price = decimal.New(rng.Int63(), -int32(rng.Intn(20)))
		case 1:
			l.Quantity = decimal.New(rng.Int63n(2000001)-1000000, -int32(rng.Intn(3)))
		case 2:
			l.Divisor = decimal.New(6, 1) // 60 written as 6e1
		}
		want := l.Quantity.Mul(l.Price).Mul(l.Factor).DivRound(l.Divisor, 2)
		l.Amount = want
		if roundsTo(&l) {
			shown++
		}
		for _, wrong := range []decimal.Decimal{
			want.Add(decimal.New(1, -2)), want.Sub(decimal.New(1, -2)), want.Neg(),
			l.Quantity.Mul(l.Price).Mul(l.Factor).Div(l.Divisor).Truncate(2),
		} {
			if wrong.Equal(want) {
				continue
			}
			l.Amount = wrong
			if roundsTo(&l) {
				t.Fatalf("%s × %s × %s / %s: %s passes, want %s", l.Quantity, l.Price, l.Factor, l.Divisor, wrong, want)
			}
		}
	}
	// Halves of an öre, both signs, and just below them.
	for _, tt := range []struct{ q, price, factor, amount string }{
		{"1", "0.30", "0.05", "0.02"}, {"-1", "0.30", "0.05", "-0.02"}, {"1", "0.29", "0.05", "0.01"},
		{"3", "0.05", "0.1", "0.02"}, {"-3", "0.05", "0.1", "-0.02"}, {"1", "1.005", "1", "1.01"},
		{"1", "-0.004", "1", "0.00"}, {"1", "0.005", "-1", "-0.01"},
	} {
		l := Line{Quantity: decimal.RequireFromString(tt.q), Price: decimal.RequireFromString(tt.price),
			Factor: decimal.RequireFromString(tt.factor), Divisor: decimal.NewFromInt(1), Amount: decimal.RequireFromString(tt.amount)}
		if !roundsTo(&l) {
			t.Errorf("%v: not shown", tt)
		}
	}
	if shown < 100000 {
		t.Fatalf("only %d of 200000 amounts were shown with integers", shown)
	}
}

// TestSharedIDs: the ids a hash file has more than once are found with
// every part they are in, however many copies and in whatever order, and
// ids that are alike only in their part or in the bits that chose the
// file are not copies.
func TestSharedIDs(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var keys []uint64
	var table repeats.Table
	for round := 0; round < 200; round++ {
		// The top six bits, those of every hash of the file: in the
		// first file they are 0, and an entry may be 0 as a whole.
		file := uint64(0x2c) << 58
		if round%2 == 1 {
			file = 0
		}
		var entries []uint64
		want := map[uint64][]int{} // hash → its parts, in order
		n := rng.Intn(3000)
		for i := 0; i < n; i++ {
			var h uint64
			switch {
			case len(entries) > 0 && rng.Intn(8) == 0:
				h = entries[rng.Intn(len(entries))] >> 8 << 8 // a copy
			case rng.Intn(16) == 0:
				h = file | uint64(rng.Intn(4))<<8 // alike in all but a few bits
			default:
				h = file | rng.Uint64()>>6>>8<<8
			}
			e := h | uint64(rng.Intn(maxParts))
			if file == 0 && i%500 == 7 {
				h, e = 0, 0
			}
			entries = append(entries, e)
			want[h>>8] = append(want[h>>8], int(e&0xff))
		}
		var data []byte
		for _, e := range entries {
			data = binary.LittleEndian.AppendUint64(data, e)
		}
		pairs, copies := sharedIDs(string(data), &keys, &table)

		// Each id's parts must be joined into one run and all marked.
		wantCover, gotCover := make([]int, maxParts+1), make([]int, maxParts+1)
		wantCopies, gotCopies := map[int]bool{}, map[int]bool{}
		for _, parts := range want {
			if len(parts) < 2 {
				continue
			}
			lo, hi := slices.Min(parts), slices.Max(parts)
			wantCover[lo]++
			wantCover[hi]--
			for _, p := range parts {
				wantCopies[p] = true
			}
		}
		for _, p := range pairs {
			lo, hi := min(p[0], p[1]), max(p[0], p[1])
			gotCover[lo]++
			gotCover[hi]--
		}
		for _, p := range copies {
			gotCopies[p] = true
		}
		joined := func(cover []int) []bool {
			out, run := make([]bool, maxParts), 0
			for k := range out {
				run += cover[k]
				out[k] = run > 0 // part k is joined to part k+1
			}
			return out
		}
		if got, w := joined(gotCover), joined(wantCover); !slices.Equal(got, w) {
			t.Fatalf("round %d: parts joined %v, want %v", round, got, w)
		}
		if !maps.Equal(gotCopies, wantCopies) {
			t.Fatalf("round %d: copies in parts %v, want %v", round, gotCopies, wantCopies)
		}
	}
}

// TestSplitSample: the parts of a month are ranges of its decisions'
// recipients (or of those of decision rows that could not be read),
// unless the recipients sampled from its reports would crowd into one of
// those ranges (or there are none): then ranges of the sample.
// The sample is read from the rows whatever their separator, line ends
// or byte-order mark.
func TestSplitSample(t *testing.T) {
	var rows strings.Builder
	rows.WriteString("\ufeffid;recipient;provider;service;start;end\r\n")
	for r := range 40 {
		for v := range 5 {
			fmt.Fprintf(&rows, "T%d-%d;X%02d;P1;LEDS;2026-03-0%dT10:00;2026-03-0%dT11:00\r\n", r, v, r, 2+v, 2+v)
		}
	}
	fsys := fstest.MapFS{"reports.csv": {Data: []byte(rows.String())}, "reports-2.csv": {Data: []byte("id,recipient\n")}}
	sample := sampleRecipients(fsys, []string{"reports-2.csv", "reports.csv"}, 64)
	if len(sample) < 50 {
		t.Fatalf("%d recipients sampled of 64 rows asked for", len(sample))
	}
	for _, r := range sample {
		if len(r) != 3 || r[0] != 'X' {
			t.Fatalf("sampled recipient %q is not one of the file's", r)
		}
	}

	var decisions []Decision
	for r := range 40 {
		decisions = append(decisions, Decision{ID: fmt.Sprintf("D%d", r), Recipient: fmt.Sprintf("R%02d", r)})
	}
	store := newDecisionStore(decisions)
	dir := t.TempDir()
	tests := []struct {
		name   string
		sample []string
		first  byte // of every bound
		bounds int
	}{
		{"sample of the decisions' recipients", []string{"R01", "R05", "R09", "R13", "R17", "R21", "R25", "R29", "R33", "R37", "R02", "R06", "R10", "R14", "R18", "R22", "R26", "R30", "R34", "R38"}, 'R', 3},
		{"no sample", nil, 'R', 3},
		{"sample of other names", sample, 'X', 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := newSplit(store, nil, slices.Clone(tt.sample), 4*75*100, 100, dir, time.UTC) // 4 parts wanted
			if len(sp.bounds) != tt.bounds {
				t.Fatalf("bounds %q, want %d", sp.bounds, tt.bounds)
			}
			for _, b := range sp.bounds {
				if b[0] != tt.first {
					t.Errorf("bounds %q, want ranges of %c…", sp.bounds, tt.first)
				}
			}
		})
	}
	if sp := newSplit(newDecisionStore(nil), nil, slices.Clone(sample), 4*75*100, 100, dir, time.UTC); len(sp.bounds) != 3 {
		t.Errorf("no decisions: bounds %q, want 3 of the sample", sp.bounds)
	}
	// No decision could be read, and the reports cannot be sampled: the
	// recipients of the rows that could not be read bound the parts.
	var unread []string
	for _, d := range decisions {
		unread = append(unread, d.Recipient)
	}
	if sp := newSplit(newDecisionStore(nil), unread, nil, 4*75*100, 100, dir, time.UTC); len(sp.bounds) != 3 || sp.bounds[0][0] != 'R' {
		t.Errorf("no decisions read: bounds %q, want 3 of the rows that could not be read", sp.bounds)
	}
}

// FuzzSampleRecipients: rows sampled from any file at any offsets give
// at most a row's worth of names each and never a panic.
func FuzzSampleRecipients(f *testing.F) {
	f.Add([]byte("id,recipient,provider,service,start,end\nT1,R1,P1,HT,2026-03-02T10:00,2026-03-02T11:00\nT2,R2,P1,HT,2026-03-02T10:00,2026-03-02T11:00\n"), uint16(4))
	f.Add([]byte("\ufeffid;recipient\r\n\"T1\";\"R\n1\"\r\nT2;R2\r\n"), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		fsys := fstest.MapFS{"reports.csv": {Data: data}}
		sample := sampleRecipients(fsys, []string{"reports.csv", "missing.csv"}, int(n%1024))
		if len(sample) > int(n%1024) {
			t.Fatalf("%d recipients sampled, asked for %d", len(sample), n%1024)
		}
	})
}

// TestPartOf: a recipient's part is the number of bounds not after it, as
// a search of the bounds as strings finds it, for names that share
// prefixes, differ past eight bytes, or hold NUL bytes.
func TestPartOf(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	alphabet := []string{"R", "R1", "\x00", "1", "9", "X", "abcdefgh", "é"}
	name := func() string {
		var b strings.Builder
		for range rng.Intn(5) {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for round := range 50 {
		var names []string
		for range 1 + rng.Intn(40) {
			names = append(names, name())
		}
		slices.Sort(names)
		sp := newSplit(newDecisionStore(nil), names, nil, int64(75*(1+rng.Intn(8))), 1, t.TempDir(), time.UTC)
		for range 200 {
			r := name()
			want := sort.Search(len(sp.bounds), func(i int) bool { return sp.bounds[i] > r })
			sp.last, sp.lastP = "", -1
			if got := sp.partOf(r); got != want {
				t.Fatalf("round %d: partOf(%q) = %d with bounds %q, want %d", round, r, got, sp.bounds, want)
			}
		}
	}
}

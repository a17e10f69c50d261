// Command bench writes a realistic synthetic municipality and times its
// settlement.
//
//	go run ./examples/bench -generate DIR -recipients 20000 -seed 1 -period 2026-03
//	go run ./examples/bench -in DIR -period 2026-03
//
// -generate writes a bundle with reimbursementtest.WriteSyntheticBundle: a
// tariff with five time bands and holidays, about 30 % private providers,
// home care with granted hours drawn from a realistic spread and two to
// four visits a day (every few days on small grants; some recipients over
// their grant, some visits declined, a few pending or rejected, some
// recipients in hospital), ledsagning, nursing homes and trygghetslarm.
// The same seed gives the same bundle; 250 000 recipients make a national
// month of about 15 million visits.
//
// -in settles a bundle (any bundle, the DuckDB peer's too) CSV to
// settlement JSON with reimbursement.WriteSettlementFS, in parts of the
// recipients, and prints one line per figure: records read, wall seconds,
// reports per second, peak heap MiB, lines written, parts, and the total.
// -o keeps the JSON (else it is written to io.Discard); -memory settles in
// memory with SettleFS instead and writes no JSON unless -o is given: CSV
// to a settlement in memory, the work the DuckDB peer does.
//
// -peer PROGRAM compares: the DuckDB peer (PROGRAM sql DIR) and this
// engine, in parts and in memory, each settle the bundle in a process of
// its own, -rounds times in turn; it prints the wall and CPU seconds and
// the peak resident memory of every run, measured from outside, the
// medians, and fails unless all give the same total.
//
//	go run ./examples/bench -in DIR -period 2026-03 -peer ../shared/peers/duckdb/peer
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"
	_ "time/tzdata"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	gen := fl.String("generate", "", "write a synthetic bundle into this directory")
	n := fl.Int("recipients", 20000, "home-care recipients of the synthetic bundle (other services scale with it)")
	seed := fl.Int64("seed", 1, "seed of the synthetic bundle")
	shared := fl.Int("shared", 0, "percent of the synthetic bundle's home-care rows that are rows of visits two recipients share")
	in := fl.String("in", "", "settle the bundle in this directory")
	periodFlag := fl.String("period", "2026-03", "period YYYY-MM")
	out := fl.String("o", "", "write the settlement JSON to this file (else it is written to nothing, but still written)")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the settlement to this file")
	memProfile := fl.String("memprofile", "", "write an allocation profile of the settlement to this file (one sample per 512 KiB allocated)")
	perPart := fl.Int("part", 0, "reports per part (reimbursement.StreamOptions.PartReports); 0 for the default")
	inMemory := fl.Bool("memory", false, "settle the month in memory (SettleFS) rather than in parts (WriteSettlementFS)")
	peer := fl.String("peer", "", "with -in: the DuckDB peer's program (../shared/peers/duckdb); settle the bundle with it and with this engine, each in a process of its own, in turn")
	rounds := fl.Int("rounds", 3, "with -peer: how many times each settles the bundle")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	period, err := volume.ParsePeriod(*periodFlag)
	if err != nil {
		fmt.Fprintf(stderr, "bench: -period %q: want YYYY-MM\n", *periodFlag)
		return 2
	}
	switch {
	case *gen != "" && *in == "":
		if *n < 1 {
			fmt.Fprintln(stderr, "bench: -recipients must be at least 1")
			return 2
		}
		if err := rt.WriteSyntheticBundleWith(*gen, *n, *seed, period, rt.SyntheticOptions{SharedPercent: *shared}); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	case *in != "" && *gen == "" && *peer != "":
		if *rounds < 1 {
			fmt.Fprintln(stderr, "bench: -rounds must be at least 1")
			return 2
		}
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		if err := compare(*in, command{path: *peer}, command{path: self}, *rounds, period.String(), stdout); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	case *in != "" && *gen == "":
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fmt.Fprintf(stderr, "bench: %v\n", err)
				return 1
			}
			defer f.Close()
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		if *memProfile != "" {
			runtime.MemProfileRate = 512 << 10
		}
		if err := settle(*in, period, *out, *inMemory, *perPart, stdout); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		if *memProfile != "" {
			f, err := os.Create(*memProfile)
			if err == nil {
				err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
			}
			if err != nil {
				fmt.Fprintf(stderr, "bench: %v\n", err)
				return 1
			}
		}
		return 0
	}
	fmt.Fprintln(stderr, "bench: give -generate DIR or -in DIR")
	return 2
}

func settle(dir string, period volume.Period, out string, inMemory bool, perPart int, stdout io.Writer) error {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return err
	}
	w := io.Discard
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	runtime.GC()
	start := time.Now()
	peak := startPeakHeap()
	counted := &countingFS{FS: os.DirFS(dir)}
	var fsys fs.FS = counted
	var sum reimbursement.StreamSummary
	var problems []error
	if inMemory {
		var st *reimbursement.Settlement
		st, problems, err = reimbursement.SettleFS(fsys, period, reimbursement.Options{Location: loc})
		if err != nil {
			return err
		}
		if out != "" {
			if err := st.WriteJSON(w); err != nil {
				return err
			}
		}
		sum.Parts, sum.Total = 1, st.Total
		for _, p := range st.Providers {
			sum.Lines += len(p.Lines)
		}
	} else {
		t, err := reimbursement.LoadTariffFS(fsys)
		if err != nil {
			return err
		}
		sum, problems, err = reimbursement.WriteSettlementFS(w, fsys, t, period,
			reimbursement.StreamOptions{Options: reimbursement.Options{Location: loc}, PartReports: perPart})
		if err != nil {
			return err
		}
	}
	wall := time.Since(start)
	heap := peak()
	fmt.Fprintf(stdout, "records read      %d\n", counted.records.Load())
	fmt.Fprintf(stdout, "wall seconds      %.3f\n", wall.Seconds())
	fmt.Fprintf(stdout, "reports/second    %.0f\n", float64(counted.reports.Load())/wall.Seconds())
	fmt.Fprintf(stdout, "peak heap MiB     %.0f\n", float64(heap)/(1<<20))
	fmt.Fprintf(stdout, "lines written     %d\n", sum.Lines)
	fmt.Fprintf(stdout, "parts             %d\n", sum.Parts)
	fmt.Fprintf(stdout, "input problems    %d\n", reimbursement.CountProblems(problems))
	fmt.Fprintf(stdout, "total             %s\n", sum.Total.StringFixed(2))
	return nil
}

// A countingFS counts the records (rows after the header) of the CSV files
// read through it, as they are read: the count costs no second reading.
type countingFS struct {
	fs.FS
	records, reports atomic.Int64
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil || !strings.HasSuffix(name, ".csv") {
		return f, err
	}
	return &countingFile{File: f, fs: c, reports: strings.HasPrefix(path.Base(name), "reports")}, nil
}

// A countingFile counts its lines as they are read and adds its records to
// its countingFS when it is closed.
type countingFile struct {
	fs.File
	fs      *countingFS
	reports bool
	lines   int64
	last    byte
}

func (f *countingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	if n > 0 {
		f.lines += int64(bytes.Count(p[:n], []byte{'\n'}))
		f.last = p[n-1]
	}
	return n, err
}

// ReadAt reads without counting: the settlement samples rows at offsets
// (to split the month into parts) before it reads the file through.
func (f *countingFile) ReadAt(p []byte, off int64) (int, error) {
	ra, ok := f.File.(io.ReaderAt)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	return ra.ReadAt(p, off)
}

func (f *countingFile) Close() error {
	lines := f.lines
	if f.last != '\n' && f.last != 0 {
		lines++ // a last line with no line end
	}
	if records := max(0, lines-1); records > 0 {
		f.fs.records.Add(records)
		if f.reports {
			f.fs.reports.Add(records)
		}
	}
	f.lines, f.last = 0, 0
	return f.File.Close()
}

// startPeakHeap samples the live heap until the returned function is
// called, which returns the largest sample.
func startPeakHeap() func() uint64 {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var max uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-done:
				result <- max
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

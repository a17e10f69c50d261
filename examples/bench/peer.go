package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// A processRun is what one run of a settling process took and gave.
type processRun struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes, -1 where the system does not say
	total     string
}

// A command is a program to run, its arguments and what it adds to the
// environment.
type command struct {
	path string
	args []string
	env  []string
}

// runProcess runs a command to its end and measures it from outside: wall
// time from start to exit, CPU time, peak resident memory, and the line
// "total X" of its output.
func runProcess(c command) (processRun, error) {
	name, args := c.path, c.args
	cmd := exec.Command(name, args...)
	if len(c.env) > 0 {
		cmd.Env = append(os.Environ(), c.env...)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := processRun{wall: time.Since(start), maxRSS: -1}
	if err != nil {
		return r, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.maxRSS = maxRSS(cmd.ProcessState)
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "total" {
			r.total = f[1]
		}
	}
	if r.total == "" {
		return r, fmt.Errorf("%s %s: no total in its output:\n%s", name, strings.Join(args, " "), out.String())
	}
	return r, nil
}

// compare settles the bundle in dir with the DuckDB peer (peer sql dir)
// and with this engine (self: this program), each in a process of its
// own, rounds times in turn, and prints every run and the medians. The
// engine settles CSV to settlement JSON in parts (written to nothing), and
// CSV to a settlement in memory; all must give the peer's total.
func compare(dir string, peer, self command, rounds int, period string, stdout io.Writer) error {
	type contender struct {
		name string
		cmd  command
		runs []processRun
	}
	with := func(c command, args ...string) command {
		c.args = append(slices.Clone(c.args), args...)
		return c
	}
	cs := []*contender{
		{name: "duckdb", cmd: with(peer, "sql", dir)},
		{name: "engine, parts → JSON", cmd: with(self, "-in", dir, "-period", period)},
		{name: "engine, in memory", cmd: with(self, "-in", dir, "-period", period, "-memory")},
	}
	fmt.Fprintf(stdout, "%-22s %5s %9s %9s %9s  %s\n", "run", "round", "wall s", "CPU s", "RSS MiB", "total")
	for round := 1; round <= rounds; round++ {
		for _, c := range cs {
			r, err := runProcess(c.cmd)
			if err != nil {
				return err
			}
			c.runs = append(c.runs, r)
			fmt.Fprintf(stdout, "%-22s %5d %9.3f %9.3f %9s  %s\n", c.name, round, r.wall.Seconds(), r.cpu.Seconds(), mib(r.maxRSS), r.total)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "%-22s %5s %9s %9s %9s\n", "median", "", "wall s", "CPU s", "RSS MiB")
	want := cs[0].runs[0].total
	for _, c := range cs {
		fmt.Fprintf(stdout, "%-22s %5s %9.3f %9.3f %9s\n", c.name, "",
			median(c.runs, func(r processRun) float64 { return r.wall.Seconds() }),
			median(c.runs, func(r processRun) float64 { return r.cpu.Seconds() }),
			mib(int64(median(c.runs, func(r processRun) float64 { return float64(r.maxRSS) }))))
		for _, r := range c.runs {
			if r.total != want {
				return fmt.Errorf("%s gives the total %s, the peer %s", c.name, r.total, want)
			}
		}
	}
	fmt.Fprintf(stdout, "same total          %s\n", want)
	return nil
}

func median(runs []processRun, f func(processRun) float64) float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func mib(b int64) string {
	if b < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f", float64(b)/(1<<20))
}

package command

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

// TestParse: -h writes the synopsis and flags to stdout and exits 0; a
// bad flag exits 2, named on the flag set's output; good flags parse.
func TestParse(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		code           int
		ok             bool
		stdout, stderr string
	}{
		{"help", []string{"-h"}, 0, false, "usage: x\n", ""},
		{"a bad flag", []string{"-nope"}, ExitUsage, false, "", "flag provided but not defined: -nope"},
		{"good flags", []string{"-n", "3"}, 0, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			fl := flag.NewFlagSet("x", flag.ContinueOnError)
			fl.SetOutput(&stderr)
			n := fl.Int("n", 0, "a number")
			code, ok := Parse(fl, tt.args, "usage: x\n", &stdout)
			if code != tt.code || ok != tt.ok {
				t.Fatalf("Parse = %d, %v; want %d, %v", code, ok, tt.code, tt.ok)
			}
			if !strings.HasPrefix(stdout.String(), tt.stdout) || (tt.stdout != "" && !strings.Contains(stdout.String(), "a number")) {
				t.Errorf("stdout %q", stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want %q in it", stderr.String(), tt.stderr)
			}
			if tt.ok && *n != 3 {
				t.Errorf("-n is %d", *n)
			}
		})
	}
}

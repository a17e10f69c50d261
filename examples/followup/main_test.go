package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestSample reports the sample month: the home-care providers' hours and
// shares in Swedish, the municipality's sum.
func TestSample(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, w := range []string{"Utförandegrad 2026-10", "Utförare", "Kommunen", "HT", " %"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the report lacks %q:\n%s", w, out.String())
		}
	}
	for _, f := range []string{"json", "csv", "csv-sv"} {
		out.Reset()
		if code := run([]string{"-format", f}, &out, &errb); code != exitOK || out.Len() == 0 {
			t.Errorf("-format %s: exit %d", f, code)
		}
	}
	if code := run([]string{"-format", "xml"}, &out, &errb); code != exitUsage {
		t.Errorf("-format xml: exit %d", code)
	}
	if code := run([]string{"-h"}, &out, &errb); code != exitOK {
		t.Errorf("-h: exit %d", code)
	}
}

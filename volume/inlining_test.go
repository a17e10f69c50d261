package volume

import (
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestInlining: the small functions that resolve a report's times and
// place its date stay small enough for the compiler to inline, as
// net/netip tests its own.
func TestInlining(t *testing.T) {
	if runtime.Compiler != "gc" {
		t.Skip("not the gc compiler")
	}
	if testing.Short() {
		t.Skip("builds the package")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	got := map[string]bool{}
	re := regexp.MustCompile(`: can inline (\S+)`)
	for _, line := range strings.Split(string(out), "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			got[m[1]] = true
		}
	}
	for _, f := range []string{
		"(*Zone).resolveCached",
		"Timestamp.IsZero",
		"Timestamp.Offset",
		"Date.UnixDays",
		"Date.DaysSince",
		"Period.Contains",
	} {
		if !got[f] {
			t.Errorf("%s is not inlined", f)
		}
	}
}

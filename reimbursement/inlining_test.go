package reimbursement

import (
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestInlining: the small functions of the path every report and visit
// takes stay small enough for the compiler to inline, as net/netip tests
// its own. A change that makes one too large fails here, not only in a
// benchmark.
func TestInlining(t *testing.T) {
	mustInline(t, ".", []string{
		"readable",
		"cachedRate",
		"(*recStore).at",
		"(*Settler).end",
		"(*Settler).namesOf",
		"(*Settler).provOfRec",
		"(*hourDecision).row",
		"(*hourDecision).counted",
		"(*hourDecision).fits",
		"(*hourDecision).fill",
		"(*visitPay).line",
	})
}

// mustInline fails t for each function of want that the compiler does not
// inline in package dir.
func mustInline(t *testing.T, dir string, want []string) {
	t.Helper()
	if runtime.Compiler != "gc" {
		t.Skip("not the gc compiler")
	}
	if testing.Short() {
		t.Skip("builds the package")
	}
	out, err := exec.Command("go", "build", "-gcflags=-m", dir).CombinedOutput()
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
	for _, f := range want {
		if !got[f] {
			t.Errorf("%s is not inlined", f)
		}
	}
}

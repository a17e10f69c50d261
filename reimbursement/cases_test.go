package reimbursement_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// TestCases settles every worked case of testdata/cases (the contract's
// shared cases and our own) and compares the result with the case's
// expected.json by meaning.
func TestCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases in testdata/cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "period"))
			if err != nil {
				t.Fatal(err)
			}
			period := volume.MustParsePeriod(strings.TrimSpace(string(b)))
			got, problems, err := reimbursement.SettleFS(os.DirFS(dir), period, reimbursement.Options{Location: rt.Stockholm()})
			if err != nil {
				t.Fatalf("SettleFS(%s) error: %v", dir, err)
			}
			for _, p := range problems {
				t.Errorf("input problem: %v", p)
			}
			exp, err := os.ReadFile(filepath.Join(dir, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := reimbursement.ParseSettlement(exp)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rt.Compare(want, got) {
				t.Error(p)
			}
		})
	}
}

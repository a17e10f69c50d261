package bonus

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
)

var updateInputs = flag.Bool("update-inputs", false, "rewrite the settlement files of testdata/cases/tertial-2026 from tertial()")

// TestCase runs the shared-style case of testdata/cases/tertial-2026 from
// its files and compares the outcome with expected.json by meaning.
func TestCase(t *testing.T) {
	dir := "testdata/cases/tertial-2026"
	if *updateInputs {
		for _, st := range tertial() {
			var b bytes.Buffer
			require.NoError(t, st.WriteJSON(&b))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "settlements", st.Period.String()+".json"), b.Bytes(), 0o644))
		}
	}
	m, err := LoadModel(filepath.Join(dir, "bonus.json"))
	require.NoError(t, err)
	rf, err := os.Open(filepath.Join(dir, "results.csv"))
	require.NoError(t, err)
	defer rf.Close()
	results, problems, err := ReadResults(rf, "results.csv")
	require.NoError(t, err)
	require.Empty(t, problems)
	pf, err := os.Open(filepath.Join(dir, "participation.csv"))
	require.NoError(t, err)
	defer pf.Close()
	part, problems, err := ReadParticipation(pf, "participation.csv")
	require.NoError(t, err)
	require.Empty(t, problems)
	files, _ := filepath.Glob(filepath.Join(dir, "settlements", "*.json"))
	require.Len(t, files, 4)
	var sts []*reimbursement.Settlement
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		st, err := reimbursement.ParseSettlement(b)
		require.NoError(t, err)
		sts = append(sts, st)
	}
	o, err := Evaluate(m, results, part, sts)
	require.NoError(t, err)

	type provider struct {
		Provider      string `json:"provider"`
		Participating bool   `json:"participating"`
		Points        int    `json:"points"`
		Level         string `json:"level"`
		Basis         struct {
			Quantity string `json:"quantity"`
			Unit     string `json:"unit"`
		} `json:"basis"`
		Amount string `json:"amount"`
		Scaled bool   `json:"scaled"`
	}
	type outcome struct {
		Model     string     `json:"model"`
		From      string     `json:"from"`
		To        string     `json:"to"`
		Providers []provider `json:"providers"`
		Total     string     `json:"total"`
	}
	var want, got outcome
	exp, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(exp, &want))
	var b bytes.Buffer
	require.NoError(t, o.WriteJSON(&b))
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outcome (-want +got):\n%s", d)
	}
}

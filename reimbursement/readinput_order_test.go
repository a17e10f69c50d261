package reimbursement_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
)

// TestReadInputFSInOrder: the reports of a file read in batches on
// several goroutines come out in the order of the file's rows.
func TestReadInputFSInOrder(t *testing.T) {
	var reports strings.Builder
	reports.WriteString("id,recipient,provider,service,start,end\n")
	const n = 30000 // several batches of rows
	for i := range n {
		fmt.Fprintf(&reports, "T%05d,R%d,P1,HT,2026-03-%02dT08:00,2026-03-%02dT09:00\n", i, i%97, 1+i%28, 1+i%28)
	}
	fsys := fstest.MapFS{
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorg AB,private\n")},
		"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to\n")},
		"reports.csv":   {Data: []byte(reports.String())},
	}
	in, problems, err := reimbursement.ReadInputFS(fsys)
	require.NoError(t, err)
	require.Empty(t, problems)
	require.Len(t, in.Reports, n)
	for i, r := range in.Reports {
		if r.ID != fmt.Sprintf("T%05d", i) || r.Source.Line != i+2 {
			t.Fatalf("report %d is %s of line %d", i, r.ID, r.Source.Line)
		}
	}
}

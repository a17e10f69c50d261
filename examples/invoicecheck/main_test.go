package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// TestCheck runs the program on the hand-written invoices of the package's
// testdata: some differ, so the exit status is 4, and the report says so
// in Swedish beside the codes.
func TestCheck(t *testing.T) {
	st, _, err := reimbursement.SettleFS(os.DirFS("../../reimbursement/testdata/cases/ledsagning-2024-03"),
		volume.MustParsePeriod("2024-03"), reimbursement.Options{Location: rt.Stockholm()})
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "2024-03.json")
	var b bytes.Buffer
	require.NoError(t, st.WriteJSON(&b))
	require.NoError(t, os.WriteFile(file, b.Bytes(), 0o644))
	var out, errb bytes.Buffer
	code := run([]string{"-settlement", file, "-invoices", "../../reimbursement/invoicecheck/testdata/invoices",
		"-providers", "../../reimbursement/invoicecheck/testdata/providers.csv"}, &out, &errb)
	if code != exitMismatch {
		t.Errorf("exit %d, want 4: %s", code, errb.String())
	}
	for _, w := range []string{"Fakturakontroll 2024-03", "P1 Omsorgsbolaget AB: stämmer (ok)", "P2 Exempelby egen regi: skiljer sig (differs)"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the report lacks %q:\n%s", w, out.String())
		}
	}
	if code := run([]string{"-h"}, &out, &errb); code != exitOK {
		t.Errorf("-h: exit %d", code)
	}
	if code := run([]string{"-settlement", file}, &out, &errb); code != exitUsage {
		t.Errorf("missing flags: exit %d", code)
	}
}

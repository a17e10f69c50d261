package reimbursement_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/go-cmp/cmp"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

// testby loads the test tariff of testdata/testby.
func testby(t testing.TB) *reimbursement.Tariff {
	t.Helper()
	return loadTariff(t, "testdata/testby/tariff.json")
}

// dagby loads the day-service test tariff of testdata/dagby.
func dagby(t testing.TB) *reimbursement.Tariff {
	t.Helper()
	return loadTariff(t, "testdata/dagby/tariff.json")
}

func loadTariff(t testing.TB, file string) *reimbursement.Tariff {
	t.Helper()
	tariff, err := reimbursement.LoadTariff(file)
	if err != nil {
		t.Fatal(err)
	}
	return tariff
}

var testbyProviders = rt.Providers("P1 private", "P2 municipal", "P3 municipal")

// L is a line as the tests write it: decision, component, band, quantity,
// factor, amount, and the reports that fed it.
type L struct {
	Dec, Comp, Band, Qty, Factor, Amount, Reports string
}

func (l L) String() string {
	return fmt.Sprintf("{%s %s %s q=%s f=%s a=%s [%s]}", l.Dec, l.Comp, l.Band, l.Qty, l.Factor, l.Amount, l.Reports)
}

// U is an unpaid entry: id, reason, quantity ("" when none).
type U struct{ ID, Reason, Qty string }

func linesOf(st *reimbursement.Settlement, provider string) []L {
	p, ok := st.Provider(provider)
	if !ok {
		return nil
	}
	var out []L
	for _, l := range p.Lines {
		out = append(out, L{l.Decision, l.Component, l.Band, l.Quantity.String(), l.Factor.String(),
			l.Amount.StringFixed(2), strings.Join(l.Reports, ",")})
	}
	return out
}

func unpaidOf(list []reimbursement.Unpaid) []U {
	var out []U
	for _, u := range list {
		q := ""
		if u.Unit != reimbursement.NoUnit {
			q = fmt.Sprint(u.Quantity)
		}
		out = append(out, U{u.ID, string(u.Reason), q})
	}
	return out
}

func providerUnpaid(st *reimbursement.Settlement, provider string) []U {
	p, ok := st.Provider(provider)
	if !ok {
		return nil
	}
	return unpaidOf(p.Unpaid)
}

func total(st *reimbursement.Settlement, provider string) string {
	p, ok := st.Provider(provider)
	if !ok {
		return "none"
	}
	return p.Total.StringFixed(2)
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

func timeMinutes(m int) time.Duration { return time.Duration(m) * time.Minute }

package reimbursementtest_test

import (
	"fmt"
	_ "time/tzdata"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
)

// How a municipality checks its tariff in a unit test: short literals in,
// one settlement out. In a test, use rt.Settle(t, ...) and rt.Golden.
func Example() {
	tariff := rt.MustTariff(`{"name": "Exempelby 2026",
	  "bands": [{"code": "natt", "rules": [{"days": ["all"], "from": "22:00", "to": "07:00"}]},
	            {"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "22:00"}]}],
	  "default_band": "dag",
	  "services": [{"code": "HT", "unit": "hour", "basis": "capped"}],
	  "rates": [{"service": "HT", "band": "dag", "from": "2026-01-01", "price": "436.00"},
	            {"service": "HT", "band": "natt", "from": "2026-01-01", "price": "520.00"}]}`)
	q, err := reimbursement.Quote(tariff, reimbursement.QuoteRequest{
		Regime:   reimbursement.Private,
		Decision: rt.Decision("D1 R1 P1 HT 2026-03-01.. 2/day staff=2"),
		Reports:  rt.Reports("T1 R1 P1 HT 2026-03-02T21:00 23:00 staff=2"),
	}, reimbursement.Options{Location: rt.Stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range q.Lines {
		fmt.Println(l.Band, l.Quantity, "staff-minutes", l.Amount.StringFixed(2))
	}
	fmt.Println("total", q.Total.StringFixed(2))
	// Output:
	// dag 120 staff-minutes 872.00
	// natt 120 staff-minutes 1040.00
	// total 1912.00
}

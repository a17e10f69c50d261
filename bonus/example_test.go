package bonus_test

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/bonus"
	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

// Sollentuna-style kvalitetspeng for home care: 10 or 23 kr per performed
// hour by the criteria met, for one tertial.
func ExampleEvaluate() {
	model, err := bonus.ParseModel([]byte(`{"code": "kvalitetspeng-t1", "services": ["HT"],
	  "from": "2026-01-01", "to": "2026-04-30",
	  "indicators": [{"code": "kontinuitet", "direction": "lower", "target": "12", "points": 1},
	                 {"code": "nojdhet", "direction": "higher", "target": "90", "points": 1}],
	  "levels": [{"code": "1", "min_points": 1, "amount": "10"}, {"code": "2", "min_points": 2, "amount": "23"}],
	  "kind": "per_hour"}`), "bonus.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	results, _, _ := bonus.ReadResults(strings.NewReader("provider,indicator,value\nP1,kontinuitet,11\nP1,nojdhet,93\nP2,kontinuitet,14\nP2,nojdhet,91\n"), "results.csv")
	part := []bonus.Participation{{Provider: "P1", From: volume.MustParseDate("2026-01-01")}, {Provider: "P2", From: volume.MustParseDate("2026-01-01")}}
	minutes := func(provider string, q int64) reimbursement.ProviderSettlement {
		return reimbursement.ProviderSettlement{Provider: provider, Lines: []reimbursement.Line{{
			Service: "HT", Component: "base", Band: "dag", Unit: reimbursement.Minute, Quantity: decimal.NewFromInt(q)}}}
	}
	var settlements []*reimbursement.Settlement
	for _, p := range []string{"2026-01", "2026-02", "2026-03", "2026-04"} {
		settlements = append(settlements, &reimbursement.Settlement{Period: volume.MustParsePeriod(p),
			Providers: []reimbursement.ProviderSettlement{minutes("P1", 6000), minutes("P2", 4545)}})
	}
	o, err := bonus.Evaluate(model, results, part, settlements)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range o.Providers {
		fmt.Printf("%s level %s: %s min → %s kr\n", p.Provider, p.Level, p.Basis, p.Amount.StringFixed(2))
	}
	// Output:
	// P1 level 2: 24000 min → 9200.00 kr
	// P2 level 1: 18180 min → 3030.00 kr
}

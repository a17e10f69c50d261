package reimbursement_test

import (
	"testing"
	"testing/fstest"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// FuzzSettleRun makes runs from a fuzzed issued settlement and fuzzed
// reports: no input panics; an issued settlement that is not one is
// refused; a run pays its settlement plus its corrections, each
// correction takes what was issued to what is owed now, and every issued
// state holds its own sums.
func FuzzSettleRun(f *testing.F) {
	f.Add(`{"period": "2026-05", "providers": [], "unmatched": [], "issues": [], "files": [], "total": "0.00"}`,
		"id,recipient,provider,service,start,end,status\nT5,R1,P1,LEDS,2026-05-05T10:00,2026-05-05T11:00,\nT6,R1,P1,LEDS,2026-06-01T10:00,2026-06-01T10:30,pending\n")
	f.Add(`{"period": "2026-02", "total": "0.00"}`, "id,recipient,provider,service,start,end\nT2,R1,P1,LEDS,2026-02-02T10:00,2026-02-02T10:45\n")
	tariff := reimbursement.MustParseTariff(runTariff)
	f.Fuzz(func(t *testing.T, issuedJSON, reports string) {
		issued, err := reimbursement.ParseSettlement([]byte(issuedJSON))
		if err != nil {
			return
		}
		fsys := fstest.MapFS{
			"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorg AB,private\n")},
			"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to\nD1,R1,P1,LEDS,2026-01-01,\n")},
			"reports.csv":   {Data: []byte(reports)},
		}
		run, _, err := reimbursement.SettleRunFS(fsys, tariff, volume.MustParsePeriod("2026-06"), []*reimbursement.Settlement{issued},
			reimbursement.Options{Location: rt.Stockholm(), Audit: true, Workers: 1})
		if err != nil {
			_, _, serr := reimbursement.SettleFSWith(fsys, tariff, volume.MustParsePeriod("2026-06"), reimbursement.Options{Location: rt.Stockholm()})
			if serr == nil && reimbursement.CheckIssued(issued, volume.Period{}) == nil && issued.Period.First().Before(volume.MustParsePeriod("2026-06").First()) {
				t.Fatalf("a run from a settlement that holds its sums, of a bundle that settles, failed: %v", err)
			}
			return
		}
		total := run.Settlement.Total
		for _, c := range run.Corrections {
			total = total.Add(c.Total)
			if !c.CorrectionOf.Total.Add(c.Total).Equal(run.Issued[0].Total) {
				t.Fatalf("issued %s + correction %s is not the issued state %s", c.CorrectionOf.Total, c.Total, run.Issued[0].Total)
			}
		}
		if !total.Equal(run.Total) {
			t.Fatalf("run total %s, settlement and corrections %s", run.Total, total)
		}
		for _, st := range run.Issued {
			if err := reimbursement.CheckIssued(st, st.Period); err != nil {
				t.Fatalf("issued state of %s: %v", st.Period, err)
			}
		}
	})
}

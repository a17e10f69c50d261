package prof
import ("testing";"os";"time";"fmt";"io";"github.com/exempelby/ersattning/reimbursement";"github.com/exempelby/ersattning/volume")
func TestPhases(t *testing.T) {
	dir := os.Getenv("BUNDLE")
	loc, _ := time.LoadLocation("Europe/Stockholm")
	for k := 0; k < 3; k++ {
	t0 := time.Now()
	f, _ := os.Open(dir + "/reports.csv")
	rr := volume.NewReportReader(f, "reports.csv")
	var reps []volume.Report
	for { r, err := rr.Read(); if err != nil { break }; reps = append(reps, r) }
	f.Close()
	t1 := time.Now()
	tariff, _ := reimbursement.LoadTariff(dir + "/tariff.json")
	pf, _ := os.Open(dir + "/providers.csv"); provs, _ := reimbursement.ReadProviders(pf, "p"); pf.Close()
	df, _ := os.Open(dir + "/decisions.csv"); decs, _ := reimbursement.ReadDecisions(df, "d"); df.Close()
	s, _ := reimbursement.NewSettler(tariff, volume.MustParsePeriod("2026-03"), provs, decs, reimbursement.Options{Location: loc})
	t2 := time.Now()
	for _, r := range reps { s.AddReport(r) }
	t3 := time.Now()
	st := s.Settlement()
	t4 := time.Now()
	st.WriteJSON(io.Discard)
	t5 := time.Now()
	fmt.Printf("decode %v setup %v add %v settle %v json %v\n", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4))
	}
}

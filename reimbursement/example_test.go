package reimbursement_test

import (
	"fmt"
	"os"
	"strings"
	"testing/fstest"
	"time"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

const exampleTariff = `{
  "name": "Exempelby 2026",
  "bands": [
    {"code": "natt", "rules": [{"days": ["all"], "from": "22:00", "to": "07:00"}]},
    {"code": "helg", "rules": [{"days": ["sat", "sun", "holiday"], "from": "00:00", "to": "24:00"}]},
    {"code": "kvall", "rules": [{"days": ["all"], "from": "19:00", "to": "22:00"}]},
    {"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "19:00"}]}
  ],
  "default_band": "dag",
  "services": [{"code": "HT", "name": "Hemtjänst", "unit": "hour", "basis": "capped", "rounding": {"step": 5, "mode": "up"}}],
  "rates": [
    {"service": "HT", "band": "dag", "from": "2026-01-01", "price": "436.00"},
    {"service": "HT", "band": "kvall", "from": "2026-01-01", "price": "470.00"},
    {"service": "HT", "band": "natt", "from": "2026-01-01", "price": "520.00"},
    {"service": "HT", "band": "helg", "from": "2026-01-01", "price": "495.00"}
  ],
  "markups": [{"code": "momskompensation", "percent": "6", "regimes": ["private"]}]
}`

func stockholm() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}

// Settle a month: a tariff, the providers, the decisions and the visits
// in, a settlement out. Four hours a month are granted: T1 (two hours on
// a Tuesday evening) fits, T2 (09:00-11:13 on a Saturday, rounded up to
// 135 minutes) crosses the cap and is shortened to the 120 minutes left.
func ExampleSettle() {
	tariff, err := reimbursement.ParseTariff([]byte(exampleTariff), "tariff.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	in := reimbursement.Input{
		Providers: []reimbursement.Provider{{ID: "P1", Name: "Omsorgsbolaget AB", Regime: reimbursement.Private}},
		Decisions: []reimbursement.Decision{{
			ID: "D1", Recipient: "R1", Provider: "P1", Service: "HT",
			From: volume.MustParseDate("2026-01-01"), GrantedHours: mustDecimal("4"), GrantedPer: reimbursement.PerMonth,
		}},
		Reports: []volume.Report{
			{ID: "T1", Recipient: "R1", Provider: "P1", Service: "HT", Staff: 1, Kind: volume.Visit, Status: volume.Approved,
				Start: volume.MustParseTimestamp("2026-03-03T18:00"), End: volume.MustParseTimestamp("2026-03-03T20:00")},
			{ID: "T2", Recipient: "R1", Provider: "P1", Service: "HT", Staff: 1, Kind: volume.Visit, Status: volume.Approved,
				Start: volume.MustParseTimestamp("2026-03-07T09:00"), End: volume.MustParseTimestamp("2026-03-07T11:13")},
		},
	}
	st, err := reimbursement.Settle(tariff, volume.MustParsePeriod("2026-03"), in, reimbursement.Options{Location: stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			fmt.Printf("%-4s %-23s %-5s %8s × %7s × %s / %-2s = %9s  %v\n", l.Decision, l.Component, l.Band,
				l.Quantity, l.Price.StringFixed(2), l.Factor, l.Divisor, l.Amount.StringFixed(2), l.Reports)
		}
		for _, u := range p.Unpaid {
			fmt.Printf("not paid: %s %d %s %s\n", u.ID, u.Quantity, u.Unit, u.Reason)
		}
	}
	fmt.Println("total", st.Total.StringFixed(2))
	// Output:
	//      markup:momskompensation           1896 ×    1.00 × 0.06 / 1  =    113.76  []
	// D1   base                    dag         60 ×  436.00 × 1 / 60 =    436.00  [T1]
	// D1   base                    helg       120 ×  495.00 × 1 / 60 =    990.00  [T2]
	// D1   base                    kvall       60 ×  470.00 × 1 / 60 =    470.00  [T1]
	// not paid: T2 15 minute over-granted
	// total 2009.76
}

// Quote answers "what does one visit pay?", with the lines that explain it.
func ExampleQuote() {
	tariff := reimbursement.MustParseTariff(exampleTariff)
	q, err := reimbursement.Quote(tariff, reimbursement.QuoteRequest{
		Regime:   reimbursement.Municipal,
		Decision: reimbursement.Decision{Service: "HT", From: volume.MustParseDate("2026-01-01"), GrantedHours: mustDecimal("20"), GrantedPer: reimbursement.PerMonth},
		Reports: []volume.Report{{
			Start: volume.MustParseTimestamp("2026-03-06T21:30"), End: volume.MustParseTimestamp("2026-03-06T22:38"),
		}},
	}, reimbursement.Options{Location: stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range q.Lines {
		fmt.Printf("%s %s min at %s = %s\n", l.Band, l.Quantity, l.Price, l.Amount.StringFixed(2))
	}
	fmt.Println("total", q.Total.StringFixed(2))
	// Output:
	// kvall 30 min at 470 = 235.00
	// natt 40 min at 520 = 346.67
	// total 581.67
}

// Every problem of a tariff is reported at once, with its JSON path.
func ExampleParseTariff_problems() {
	_, err := reimbursement.ParseTariff([]byte(`{
	  "name": "Felby",
	  "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "19:00"}]}],
	  "default_band": "dag",
	  "services": [{"code": "HT", "unit": "hour", "basis": "capped", "roundng": {"step": 5}}],
	  "rates": [{"service": "HT", "from": "2026-01-01", "price": "436,00"}]
	}`), "tariff.json")
	fmt.Println(err)
	// Output:
	// reimbursement: tariff.json: 3 problems:
	// 	bands: no band covers sun 00:00
	// 	services[0].roundng: unknown field (known: code, name, unit, basis, cap_percent, rounding, fixed_minutes, min_minutes, declined_percent, absence, count_last_day, components, after_end, prorate, start)
	// 	rates[0].price: "436,00" is not a decimal
}

// A Settler takes records one at a time, so files can be streamed into it.
func ExampleSettler() {
	tariff := reimbursement.MustParseTariff(exampleTariff)
	providers := []reimbursement.Provider{{ID: "P2", Regime: reimbursement.Municipal}}
	decisions := []reimbursement.Decision{{ID: "D1", Recipient: "R1", Provider: "P2", Service: "HT",
		From: volume.MustParseDate("2026-01-01"), GrantedHours: mustDecimal("10"), GrantedPer: reimbursement.PerMonth}}
	s, err := reimbursement.NewSettler(tariff, volume.MustParsePeriod("2026-03"), providers, decisions,
		reimbursement.Options{Location: stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	reports := volume.NewReportReader(strings.NewReader(`id,recipient,provider,service,start,end
T1,R1,P2,HT,2026-03-02T08:00,2026-03-02T08:52
T2,R1,P2,HT,2026-03-29T01:30,2026-03-29T03:30
T3,R1,P2,HT,2026-03-30T08:00,2026-03-30T24:30
`), "reports.csv")
	for {
		r, err := reports.Read()
		if err != nil {
			break // io.EOF, or a file without the required columns
		}
		if r.Invalid != nil {
			fmt.Println("input problem:", r.Invalid)
		}
		s.AddReport(r)
	}
	if err := s.Settlement().WriteCSV(os.Stdout, false); err != nil {
		fmt.Println(err)
	}
	// Output:
	// input problem: reports.csv:4:6 (end): invalid value: "2026-03-30T24:30" is not a timestamp YYYY-MM-DDTHH:MM
	// provider,regime,recipient,decision,service,component,band,unit,quantity,price,factor,divisor,amount,rate_from,rate_to,reports
	// P2,municipal,R1,D1,HT,base,dag,minute,55,436.00,1,60,399.67,2026-01-01,,T1
	// P2,municipal,R1,D1,HT,base,natt,minute,60,520.00,1,60,520.00,2026-01-01,,T2
}

// Correct re-runs a month against the settlement issued before: a visit
// approved late becomes a correction of one line.
func ExampleCorrect() {
	tariff := reimbursement.MustParseTariff(exampleTariff)
	in := reimbursement.Input{
		Providers: []reimbursement.Provider{{ID: "P1", Regime: reimbursement.Municipal}},
		Decisions: []reimbursement.Decision{{ID: "D1", Recipient: "R1", Provider: "P1", Service: "HT",
			From: volume.MustParseDate("2026-01-01"), GrantedHours: mustDecimal("10"), GrantedPer: reimbursement.PerMonth}},
		Reports: []volume.Report{
			{ID: "T1", Recipient: "R1", Provider: "P1", Service: "HT", Staff: 1, Kind: volume.Visit, Status: volume.Approved,
				Start: volume.MustParseTimestamp("2026-03-02T09:00"), End: volume.MustParseTimestamp("2026-03-02T10:00")},
			{ID: "T2", Recipient: "R1", Provider: "P1", Service: "HT", Staff: 1, Kind: volume.Visit, Status: volume.Pending,
				Start: volume.MustParseTimestamp("2026-03-03T09:00"), End: volume.MustParseTimestamp("2026-03-03T09:30")},
		},
	}
	opt := reimbursement.Options{Location: stockholm()}
	march := volume.MustParsePeriod("2026-03")
	issued, _ := reimbursement.Settle(tariff, march, in, opt)
	in.Reports[1].Status = volume.Approved // approved in April
	rerun, _ := reimbursement.Settle(tariff, march, in, opt)
	corr, err := reimbursement.Correct(issued, rerun)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("issued", issued.Total.StringFixed(2), "now", rerun.Total.StringFixed(2))
	for _, p := range corr.Providers {
		for _, l := range p.Lines {
			fmt.Printf("%s %s %s: %s min, %s kr %v\n", p.Provider, l.Decision, l.Band, l.Quantity, l.Amount.StringFixed(2), l.Reports)
		}
	}
	fmt.Println("correction", corr.Total.StringFixed(2))
	// Output:
	// issued 436.00 now 654.00
	// P1 D1 dag: 30 min, 218.00 kr [T1 T2]
	// correction 218.00
}

// Settle a bundle of files and write it as it goes: WriteSettlementFS
// keeps the reports on disk in parts of the recipients and holds one part
// at a time, for months of millions of visits. R1's two hours on a Tuesday
// are an hour of day and an hour of evening at P1 (private, so 6 %
// momskompensation on its 906.00); R2's 31 minutes at P2 are rounded up
// to 35 minutes of day: 35 × 436.00 / 60 = 254.333… = 254.33.
func ExampleWriteSettlementFS() {
	tariff, err := reimbursement.ParseTariff([]byte(exampleTariff), "tariff.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	bundle := fstest.MapFS{
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\nP2,Egen regi,municipal\n")},
		"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to,granted_hours,granted_per\n" +
			"D1,R1,P1,HT,2026-01-01,,4,month\nD2,R2,P2,HT,2026-01-01,,10,month\n")},
		"reports.csv": {Data: []byte("id,recipient,provider,service,start,end\n" +
			"T1,R1,P1,HT,2026-03-03T18:00,2026-03-03T20:00\nT3,R2,P2,HT,2026-03-10T08:00,2026-03-10T08:31\n")},
	}
	sum, problems, err := reimbursement.WriteSettlementFS(os.Stdout, bundle, tariff, volume.MustParsePeriod("2026-03"),
		reimbursement.StreamOptions{Options: reimbursement.Options{Location: stockholm()}, Format: reimbursement.FormatCSV})
	if err != nil || len(problems) > 0 {
		fmt.Println(err, problems)
		return
	}
	for _, p := range sum.Providers {
		fmt.Printf("%s: %d lines, %s\n", p.Provider, p.Lines, p.Total.StringFixed(2))
	}
	fmt.Println("total", sum.Total.StringFixed(2))
	// Output:
	// provider,regime,recipient,decision,service,component,band,unit,quantity,price,factor,divisor,amount,rate_from,rate_to,reports
	// P1,private,,,HT,markup:momskompensation,,SEK,906.00,1.00,0.06,1,54.36,,,
	// P1,private,R1,D1,HT,base,dag,minute,60,436.00,1,60,436.00,2026-01-01,,T1
	// P1,private,R1,D1,HT,base,kvall,minute,60,470.00,1,60,470.00,2026-01-01,,T1
	// P2,municipal,R2,D2,HT,base,dag,minute,35,436.00,1,60,254.33,2026-01-01,,T3
	// P1: 3 lines, 960.36
	// P2: 1 lines, 254.33
	// total 1214.69
}

// Read a bundle into an Input first, to look at its records before they
// are settled (or to settle them more than once). One row cannot be read
// (T9's end); it is in the Input all the same, and settles as not paid.
// T1 is an hour of day and an hour of evening; T2's 31 minutes are
// rounded up to 35 of day: 95 × 436.00 / 60 = 690.33, 60 × 470.00 / 60 =
// 470.00, and P1 is private: 6 % of 1160.33 is 69.62.
func ExampleReadInputFS() {
	bundle := fstest.MapFS{
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to,granted_hours,granted_per\n" +
			"D1,R1,P1,HT,2026-01-01,,4,month\n")},
		"reports.csv": {Data: []byte("id,recipient,provider,service,start,end\n" +
			"T1,R1,P1,HT,2026-03-03T18:00,2026-03-03T20:00\n" +
			"T2,R1,P1,HT,2026-03-10T08:00,2026-03-10T08:31\n" +
			"T9,R1,P1,HT,2026-03-11T08:00,2026-03-11T25:00\n")},
	}
	in, problems, err := reimbursement.ReadInputFS(bundle)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(in.Reports), "reports; problems:", problems)
	tariff, err := reimbursement.ParseTariff([]byte(exampleTariff), "tariff.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := reimbursement.Settle(tariff, volume.MustParsePeriod("2026-03"), in, reimbursement.Options{Location: stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			fmt.Println(p.Provider, l.Component, l.Band, l.Quantity, l.Amount.StringFixed(2), l.Reports)
		}
		for _, u := range p.Unpaid {
			fmt.Println(p.Provider, "not paid:", u.ID, u.Reason)
		}
	}
	fmt.Println("total", st.Total.StringFixed(2))
	// Output:
	// 3 reports; problems: [reports.csv:4:6 (end): invalid value: "2026-03-11T25:00" is not a timestamp YYYY-MM-DDTHH:MM]
	// P1 markup:momskompensation  1160.33 69.62 []
	// P1 base dag 95 690.33 [T1 T2]
	// P1 base kvall 60 470.00 [T1]
	// P1 not paid: T9 invalid-input
	// total 1229.95
}

// A month whose time registration changed its timestamp format: every
// report's start is unreadable. The problems of the first MaxFileProblems
// rows are listed and a *MoreProblems counts the rest, so that a national
// month of such rows does not fill memory with them; CountProblems adds
// them up. Every report is in the settlement all the same, not paid.
func ExampleMoreProblems() {
	var reports strings.Builder
	reports.WriteString("id,recipient,provider,service,start,end\n")
	for i := range 2500 {
		fmt.Fprintf(&reports, "T%d,R1,P1,HT,03/03/2026 08:00,2026-03-03T09:00\n", i)
	}
	bundle := fstest.MapFS{
		"tariff.json":   {Data: []byte(exampleTariff)},
		"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
		"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to,granted_hours,granted_per\n" +
			"D1,R1,P1,HT,2026-01-01,,4,month\n")},
		"reports.csv": {Data: []byte(reports.String())},
	}
	st, problems, err := reimbursement.SettleFS(bundle, volume.MustParsePeriod("2026-03"), reimbursement.Options{Location: stockholm()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(problems), "problems listed of", reimbursement.CountProblems(problems))
	fmt.Println(problems[0])
	fmt.Println(problems[len(problems)-1])
	p, _ := st.Provider("P1")
	fmt.Println(len(p.Unpaid), "reports not paid:", p.Unpaid[0].Reason)
	// Output:
	// 1001 problems listed of 2500
	// reports.csv:2:5 (start): invalid value: "03/03/2026 08:00" is not a timestamp YYYY-MM-DDTHH:MM
	// reports.csv: 1500 more problems
	// 2500 reports not paid: invalid-input
}

// A run for June settles June and settles the months issued before again
// (rules §12): May, inside the tariff's three months, gets a correction
// for T5, reported late; February, before them, is locked: T4, reported
// late too, is listed with what it would have paid, and not paid.
func ExampleSettleRun() {
	tariff := reimbursement.MustParseTariff(exampleTariff)
	visit := func(id, day, end string) volume.Report {
		return volume.Report{ID: id, Recipient: "R1", Provider: "P1", Service: "HT", Staff: 1, Kind: volume.Visit, Status: volume.Approved,
			Start: volume.MustParseTimestamp(day + "T09:00"), End: volume.MustParseTimestamp(day + "T" + end)}
	}
	in := reimbursement.Input{
		Providers: []reimbursement.Provider{{ID: "P1", Regime: reimbursement.Municipal}},
		Decisions: []reimbursement.Decision{{ID: "D1", Recipient: "R1", Provider: "P1", Service: "HT",
			From: volume.MustParseDate("2026-01-01"), GrantedHours: mustDecimal("10"), GrantedPer: reimbursement.PerMonth}},
		Reports: []volume.Report{visit("T1", "2026-02-03", "10:00"), visit("T2", "2026-05-05", "10:00")},
	}
	opt := reimbursement.Options{Location: stockholm()}
	var issued []*reimbursement.Settlement
	for _, month := range []string{"2026-02", "2026-05"} {
		st, _ := reimbursement.Settle(tariff, volume.MustParsePeriod(month), in, opt)
		issued = append(issued, st)
	}
	in.Reports = append(in.Reports, visit("T3", "2026-06-02", "10:00"),
		visit("T4", "2026-02-10", "09:30"), visit("T5", "2026-05-12", "09:30")) // T4 and T5 late
	run, err := reimbursement.SettleRun(tariff, volume.MustParsePeriod("2026-06"), in, issued, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("June", run.Settlement.Total.StringFixed(2))
	for _, c := range run.Corrections {
		fmt.Println("correction of", c.Period, "paid", c.CorrectionOf.Total.StringFixed(2), "now", c.Total.StringFixed(2))
	}
	for _, l := range run.Locked {
		for _, p := range l.Providers {
			fmt.Println("locked", l.Period, p.Provider, p.Amount.StringFixed(2), "not paid", p.IDs)
		}
	}
	for _, p := range run.Providers {
		fmt.Println(p.Provider, p.Settlement.StringFixed(2), "+", p.Corrections.StringFixed(2), "=", p.Total.StringFixed(2))
	}
	for _, st := range run.Issued {
		fmt.Println("issued", st.Period, st.Total.StringFixed(2))
	}
	// Output:
	// June 436.00
	// correction of 2026-05 paid 436.00 now 218.00
	// locked 2026-02 P1 218.00 not paid [T4]
	// P1 436.00 + 218.00 = 654.00
	// issued 2026-02 436.00
	// issued 2026-05 654.00
	// issued 2026-06 436.00
}

// A run from files: the settlements issued so far are read from their
// directory (one YYYY-MM.json per period), the bundle once. T2, reported
// late for March, adds 35 minutes of day to the line of T1's hour
// (95 × 436.00 / 60 = 690.33, was 436.00: +254.33) and to the 6 %
// momskompensation, whose base grows by as much, 906.00 → 1 160.33 (69.62,
// was 54.36: +15.26).
func ExampleSettleRunFS() {
	tariff := reimbursement.MustParseTariff(exampleTariff)
	bundle := func(reports string) fstest.MapFS {
		return fstest.MapFS{
			"providers.csv": {Data: []byte("id,name,regime\nP1,Omsorgsbolaget AB,private\n")},
			"decisions.csv": {Data: []byte("id,recipient,provider,service,from,to,granted_hours,granted_per\n" +
				"D1,R1,P1,HT,2026-01-01,,10,month\n")},
			"reports.csv": {Data: []byte("id,recipient,provider,service,start,end\n" + reports)},
		}
	}
	onTime := "T1,R1,P1,HT,2026-03-03T18:00,2026-03-03T20:00\n"
	opt := reimbursement.Options{Location: stockholm()}
	march, _, _ := reimbursement.SettleFSWith(bundle(onTime), tariff, volume.MustParsePeriod("2026-03"), opt)
	var issuedJSON strings.Builder
	march.WriteJSON(&issuedJSON)
	files := fstest.MapFS{"issued/2026-03.json": {Data: []byte(issuedJSON.String())}}

	issued, err := reimbursement.ReadIssuedFS(files, "issued")
	if err != nil {
		fmt.Println(err)
		return
	}
	late := onTime + "T2,R1,P1,HT,2026-03-10T08:00,2026-03-10T08:31\n" + "T3,R1,P1,HT,2026-04-07T09:00,2026-04-07T10:00\n"
	run, problems, err := reimbursement.SettleRunFS(bundle(late), tariff, volume.MustParsePeriod("2026-04"), issued, opt)
	if err != nil || len(problems) > 0 {
		fmt.Println(err, problems)
		return
	}
	fmt.Println("issued before:", issued[0].Period, issued[0].Total.StringFixed(2))
	fmt.Println("April:", run.Settlement.Total.StringFixed(2))
	for _, c := range run.Corrections {
		for _, l := range c.Providers[0].Lines {
			fmt.Println("correction of", c.Period, l.Component, l.Band, l.Quantity, l.Amount.StringFixed(2))
		}
	}
	fmt.Println("run:", run.Total.StringFixed(2))
	// Output:
	// issued before: 2026-03 960.36
	// April: 462.16
	// correction of 2026-03 markup:momskompensation  254.33 15.26
	// correction of 2026-03 base dag 35 254.33
	// run: 731.75
}

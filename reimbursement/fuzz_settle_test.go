package reimbursement_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// byteSource hands out small numbers from fuzz bytes, zeros when empty.
type byteSource struct{ b []byte }

func (s *byteSource) n(max int) int {
	if len(s.b) == 0 || max <= 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v % max
}

// monthFromBytes builds a month of Testby records from fuzz bytes.
func monthFromBytes(data []byte) (string, reimbursement.Input) {
	s := &byteSource{b: data}
	period := []string{"2026-03", "2026-10", "2026-12"}[s.n(3)]
	p := volume.MustParsePeriod(period)
	services := []string{"HT", "LEDS", "HT90", "STAD", "AVL", "BOST", "NATT", "LARM", "XX"}
	provs := []string{"P1", "P2", "P3", "", "PX"}
	in := reimbursement.Input{Providers: rt.Providers("P1 private", "P2 municipal", "P3 municipal")}
	for d := 0; d < 1+s.n(6); d++ {
		from := p.First().AddDays(s.n(50) - 25)
		dec := reimbursement.Decision{ID: fmt.Sprintf("D%d", s.n(8)), Recipient: fmt.Sprintf("R%d", s.n(4)),
			Provider: provs[s.n(5)], Service: services[s.n(len(services))], From: from, Staff: 1 + s.n(3),
			GrantedHours: decimal.NewFromInt(int64(s.n(80))), GrantedPer: reimbursement.Per(s.n(4)), Area: []string{"", "norr"}[s.n(2)]}
		if s.n(2) == 0 {
			dec.To = from.AddDays(s.n(60))
		}
		in.Decisions = append(in.Decisions, dec)
	}
	for r := 0; len(s.b) > 0 && r < 200; r++ {
		d := in.Decisions[s.n(len(in.Decisions))]
		day := p.First().AddDays(s.n(p.Days()+4) - 2)
		start := volume.LocalTimestamp(day, s.n(24), s.n(60))
		endDay := day
		if s.n(4) == 0 {
			endDay = day.AddDays(1)
		}
		rep := volume.Report{ID: fmt.Sprintf("T%d", s.n(64)), Recipient: d.Recipient, Provider: provs[s.n(5)], Service: d.Service,
			Start: start, End: volume.LocalTimestamp(endDay, s.n(24), s.n(60)), Staff: 1 + s.n(3),
			Kind: volume.Kind(1 + s.n(2)), Status: volume.Status(1 + s.n(3))}
		switch s.n(8) {
		case 0:
			in.Absences = append(in.Absences, volume.Absence{ID: fmt.Sprintf("A%d", s.n(8)), Recipient: d.Recipient,
				Service: d.Service, From: day, To: day.AddDays(s.n(20)), Reason: []string{"hospital", "planned"}[s.n(2)], Status: volume.Approved})
		case 1:
			in.Adjustments = append(in.Adjustments, reimbursement.Adjustment{ID: fmt.Sprintf("J%d", s.n(4)),
				Provider: provs[s.n(5)], Period: p, Amount: decimal.New(int64(s.n(256)-128), -1)})
		default:
			in.Reports = append(in.Reports, rep)
		}
	}
	return period, in
}

// FuzzSettle settles months made from fuzz bytes and checks the
// invariants: no panic, every record accounted for once (the audit), every
// line's arithmetic, and the same bytes for the records in reverse order.
func FuzzSettle(f *testing.F) {
	f.Add([]byte{0, 3, 1, 2, 0, 5, 0, 9, 10, 30, 60, 2, 1, 0, 0, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("a fairly long seed that makes several decisions and visits of every kind, pending and declined ones"))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 250}, 40))
	tariff := testby(f)
	opt := reimbursement.Options{Location: rt.Stockholm(), Audit: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		period, in := monthFromBytes(data)
		st, err := reimbursement.Settle(tariff, volume.MustParsePeriod(period), in, opt)
		if err != nil {
			if strings.Contains(err.Error(), "no-choice") || strings.Contains(err.Error(), "no_choice") {
				return
			}
			t.Fatalf("Settle: %v", err)
		}
		var a, b, c bytes.Buffer
		st.WriteJSON(&a)
		// Without the audit: the same settlement.
		st3, err := reimbursement.Settle(tariff, volume.MustParsePeriod(period), in, reimbursement.Options{Location: rt.Stockholm()})
		if err != nil {
			t.Fatal(err)
		}
		st3.WriteJSON(&c)
		if !bytes.Equal(a.Bytes(), c.Bytes()) {
			t.Fatalf("Settle without the audit gives other output")
		}
		for i, j := 0, len(in.Reports)-1; i < j; i, j = i+1, j-1 {
			in.Reports[i], in.Reports[j] = in.Reports[j], in.Reports[i]
		}
		st2, err := reimbursement.Settle(tariff, volume.MustParsePeriod(period), in, opt)
		if err != nil {
			t.Fatal(err)
		}
		st2.WriteJSON(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("reversed input gives other output")
		}
	})
}

func FuzzParseSettlement(f *testing.F) {
	st := rt.Settle(f, testby(f), "2026-03", march())
	var b bytes.Buffer
	st.WriteJSON(&b)
	f.Add(b.String())
	f.Add(`{"period": "2026-03", "providers": [{"provider": "P1", "lines": [{"quantity": "1e5"}]}]}`)
	f.Fuzz(func(t *testing.T, src string) {
		st, err := reimbursement.ParseSettlement([]byte(src))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := st.WriteJSON(&out); err != nil {
			t.Fatalf("a parsed settlement does not write: %v", err)
		}
	})
}

func FuzzAdjustmentReader(f *testing.F) {
	f.Add("id,provider,period,amount,reason,recipient,service\nJ1,P1,2026-03,-500.00,vite,,\n")
	f.Add("id;provider;period;amount\nJ1;P1;2026-03;-1 500,5\n")
	f.Fuzz(func(t *testing.T, src string) {
		r := reimbursement.NewAdjustmentReader(strings.NewReader(src), "adjustments.csv")
		for i := 0; i <= len(src)+1; i++ {
			a, err := r.Read()
			if err == io.EOF || err != nil {
				return
			}
			if a.Invalid == nil && (a.ID == "" || a.Period.IsZero() || a.Amount.Exponent() < -2) {
				t.Fatalf("adjustment %+v is not Invalid", a)
			}
		}
	})
}

func FuzzReadProviders(f *testing.F) {
	f.Add("id,name,regime\nP1,Omsorgsbolaget AB,private\nP2,\"Egen, regi\",municipal\n")
	f.Fuzz(func(t *testing.T, src string) {
		ps, _ := reimbursement.ReadProviders(strings.NewReader(src), "providers.csv")
		for _, p := range ps {
			if p.Invalid == nil && (p.ID == "" || (p.Regime != reimbursement.Private && p.Regime != reimbursement.Municipal)) {
				t.Fatalf("provider %+v read without error", p)
			}
		}
	})
}

// FuzzSettleFS settles whole bundles of fuzzed files: no input panics,
// every row read is a record accounted for (the audit fails a settlement
// where a file's rows and records differ, and the reader fails a file
// whose lines do not add up), and the month in parts is the month
// settled whole, byte for byte. A bundle that cannot be settled fails
// both ways.
func FuzzSettleFS(f *testing.F) {
	seed := lostBundle(f)
	file := func(name string) string { return string(seed[name].Data) }
	f.Add(file("providers.csv"), file("decisions.csv"), file("reports.csv"), file("absences.csv"), file("presence.csv"), file("adjustments.csv"))
	f.Add(file("providers.csv"), file("decisions.csv"), "\"T1,R1"+file("reports.csv")[5:]+",R1,P1,LEDS,2026-03-06T10:00,2026-03-06T11:00",
		file("absences.csv"), file("presence.csv"), "id;provider;period;amount;reason\r\nJ1;P1;2026-03;-1 500,00;\"vite:\r\nsen\"\r\n")
	tariff := seed["tariff.json"]
	period := volume.MustParsePeriod("2026-03")
	f.Fuzz(func(t *testing.T, providers, decisions, reports, absences, presence, adjustments string) {
		fsys := fstest.MapFS{"tariff.json": tariff,
			"providers.csv": {Data: []byte(providers)}, "decisions.csv": {Data: []byte(decisions)},
			"reports.csv": {Data: []byte(reports)}, "absences.csv": {Data: []byte(absences)},
			"presence.csv": {Data: []byte(presence)}, "adjustments.csv": {Data: []byte(adjustments)}}
		opt := reimbursement.Options{Location: rt.Stockholm(), Audit: true, Workers: 1}
		st, _, err := reimbursement.SettleFS(fsys, period, opt)
		var parts bytes.Buffer
		tf, terr := reimbursement.LoadTariffFS(fsys)
		if terr != nil {
			t.Fatal(terr)
		}
		_, _, perr := reimbursement.WriteSettlementFS(&parts, fsys, tf, period,
			reimbursement.StreamOptions{Options: opt, TempDir: t.TempDir(), PartReports: 1})
		if (err == nil) != (perr == nil) {
			t.Fatalf("settled whole: %v; in parts: %v", err, perr)
		}
		if err != nil {
			return
		}
		for _, fc := range st.Files {
			if fc.Rows != fc.Accounted {
				t.Fatalf("%s: %d rows, %d accounted for", fc.File, fc.Rows, fc.Accounted)
			}
		}
		var whole bytes.Buffer
		if err := st.WriteJSON(&whole); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Bytes(), parts.Bytes()) {
			t.Fatalf("the month in parts differs from the month settled whole:\n%s\nwhole:\n%s", parts.Bytes(), whole.Bytes())
		}
	})
}

package reimbursement

import (
	"io"
	"os"
	"strings"
	"testing"
)

// The seed corpora are in testdata/fuzz; run with
// go test -fuzz=FuzzParseTariff ./reimbursement.

func FuzzParseTariff(f *testing.F) {
	for _, p := range []string{"testdata/testby/tariff.json", "testdata/cases/ledsagning-2024-03/tariff.json", "testdata/cases/sabo-2024-03/tariff.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"bands": [{"code": "d", "rules": [{"days": ["all"], "from": "07:00", "to": "07:00"}]}], "default_band": "d", "services": []}`)
	f.Fuzz(func(t *testing.T, src string) {
		tariff, err := ParseTariff([]byte(src), "tariff.json")
		if err != nil {
			if de, ok := err.(*DocumentError); !ok || len(de.Problems) == 0 {
				t.Fatalf("error %v is not a DocumentError with problems", err)
			}
			return
		}
		if tariff.bandSet == nil || tariff.defaultBandIndex < 0 {
			t.Fatalf("a tariff without bands loaded")
		}
	})
}

func FuzzDecisionReader(f *testing.F) {
	f.Add("id,recipient,provider,service,from,to,granted_hours,granted_per,level,extent,area,staff,end_reason\nD1,R1,P1,HT,2026-01-01,,20,month,,,,,\n")
	f.Add("id;recipient;provider;service;from;to;granted_hours;granted_per\nD1;R1;;HT;2026-01-01;2025-01-01;7,5;week\n")
	f.Fuzz(func(t *testing.T, src string) {
		r := NewDecisionReader(strings.NewReader(src), "decisions.csv")
		for i := 0; i <= len(src)+1; i++ {
			d, err := r.Read()
			if err == io.EOF || err != nil {
				return
			}
			if d.Invalid == nil && (d.ID == "" || d.From.IsZero() || (!d.To.IsZero() && d.To.Before(d.From)) || d.GrantedHours.Sign() < 0) {
				t.Fatalf("decision %+v is not Invalid", d)
			}
		}
	})
}

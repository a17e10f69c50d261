package bonus

import (
	"os"
	"strings"
	"testing"
)

// Seed corpora are in testdata/fuzz; run with go test -fuzz=FuzzParseModel ./bonus.

func FuzzParseModel(f *testing.F) {
	b, err := os.ReadFile("testdata/cases/tertial-2026/bonus.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add(`{"code": "x", "services": ["HT"], "from": "2026-01-01", "to": "2026-12-31", "levels": [{"code": "1", "amount": "1e9"}], "kind": "pool"}`)
	f.Fuzz(func(t *testing.T, src string) {
		m, err := ParseModel([]byte(src), "bonus.json")
		if err != nil {
			if me, ok := err.(*ModelError); !ok || len(me.Problems) == 0 {
				t.Fatalf("error %v is not a ModelError with problems", err)
			}
			return
		}
		if m.Kind == 0 || len(m.Levels) == 0 || (m.Kind == Pool && !m.Budget.Valid) {
			t.Fatalf("an incomplete model loaded: %+v", m)
		}
	})
}

func FuzzReadResults(f *testing.F) {
	f.Add("provider,indicator,value\nP1,helhet,91\nP2,smarta,\n")
	f.Add("provider;indicator;value\nP1;fall;1,5\n")
	f.Fuzz(func(t *testing.T, src string) {
		rs, _, _ := ReadResults(strings.NewReader(src), "results.csv")
		for _, r := range rs {
			if r.Provider == "" || r.Indicator == "" {
				t.Fatalf("result %+v read without error", r)
			}
		}
		ps, _, _ := ReadParticipation(strings.NewReader(src), "participation.csv")
		for _, p := range ps {
			if p.Provider == "" || p.From.IsZero() || (!p.To.IsZero() && p.To.Before(p.From)) {
				t.Fatalf("participation %+v read without error", p)
			}
		}
	})
}

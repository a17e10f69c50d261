package reimbursement_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

const bandsOK = `"bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "00:00", "to": "24:00"}]}], "default_band": "dag"`

func TestTariffProblems(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		paths []string // every problem's path, in order
	}{{
		name:  "not JSON",
		json:  `{"name": "x",`,
		paths: []string{""},
	}, {
		name: "unknown fields and bad values, all reported",
		json: `{"name": "x", "bandz": [], ` + bandsOK + `,
			"services": [{"code": "HT", "unit": "hour", "basis": "capped", "roundng": {"step": 5}},
			             {"code": "HT", "unit": "days"}],
			"rates": [{"service": "HT", "from": "2026-01-01", "price": "12,5x"},
			          {"service": "XX", "from": "2026-13-01", "price": "100"}]}`,
		paths: []string{"bandz", "services[0].roundng", "services[1].code", "services[1].unit",
			"rates[0].price", "rates[1].from", "rates[1].service"},
	}, {
		name: "bands with a gap",
		json: `{"name": "x", "bands": [{"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "19:00"}]}],
			"default_band": "natt", "services": [], "rates": []}`,
		paths: []string{"default_band", "bands"},
	}, {
		name: "unknown day type",
		json: `{"name": "x", "bands": [{"code": "dag", "rules": [{"days": ["helgdag"], "from": "00:00", "to": "24:00"}]}],
			"default_band": "dag", "services": [], "rates": []}`,
		paths: []string{"bands[0].rules[0].days[0]"},
	}, {
		name: "rows of one key set that overlap",
		json: `{"name": "x", ` + bandsOK + `, "services": [{"code": "HT", "unit": "hour"}],
			"rates": [{"service": "HT", "band": "dag", "from": "2026-01-01", "price": "100"},
			          {"service": "HT", "band": "dag", "from": "2026-06-01", "to": "2026-12-31", "price": "110"}]}`,
		paths: []string{"rates[1]"},
	}, {
		name: "rows that tie",
		json: `{"name": "x", ` + bandsOK + `, "services": [{"code": "HT", "unit": "hour"}],
			"rates": [{"service": "HT", "band": "dag", "from": "2026-01-01", "price": "100"},
			          {"service": "HT", "regime": "private", "from": "2026-01-01", "price": "110"}]}`,
		paths: []string{"rates[1]"},
	}, {
		name: "a tie resolved by a more specific row",
		json: `{"name": "x", ` + bandsOK + `, "services": [{"code": "HT", "unit": "hour"}],
			"rates": [{"service": "HT", "band": "dag", "from": "2026-01-01", "price": "100"},
			          {"service": "HT", "regime": "private", "from": "2026-01-01", "price": "110"},
			          {"service": "HT", "band": "dag", "regime": "private", "from": "2026-01-01", "price": "120"}]}`,
	}, {
		name: "day service components and absence steps",
		json: `{"name": "x", ` + bandsOK + `, "services": [{"code": "SABO", "unit": "day", "basis": "capped",
			"components": [{"code": "base", "on": ["stay", "night"]}],
			"absence": [{"reason": "hospital", "steps": [{"days": 0, "percent": "-5"}]}]}],
			"rates": [{"service": "SABO", "component": "vacancy", "from": "2026-01-01", "price": "1"}]}`,
		paths: []string{"services[0].basis", "services[0].absence[0].steps[0].days", "services[0].absence[0].steps[0].percent",
			"services[0].components[0].on[1]", "rates[0].component"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := reimbursement.ParseTariff([]byte(tt.json), "tariff.json")
			if tt.paths == nil {
				require.NoError(t, err)
				return
			}
			var de *reimbursement.DocumentError
			require.ErrorAs(t, err, &de)
			var paths []string
			for _, p := range de.Problems {
				paths = append(paths, p.Path)
			}
			if strings.Join(paths, " ") != strings.Join(tt.paths, " ") {
				t.Errorf("problems at %q, want %q\n%v", paths, tt.paths, err)
			}
			if !strings.HasPrefix(err.Error(), "reimbursement: tariff.json: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestTariffDefaults(t *testing.T) {
	tariff := reimbursement.MustParseTariff(`{"name": "x", ` + bandsOK + `,
		"services": [{"code": "HT", "unit": "hour"}, {"code": "SABO", "unit": "day"}, {"code": "LARM", "unit": "month"}],
		"rates": [{"service": "HT", "from": "2026-01-01", "price": 450.50}]}`)
	ht, _ := tariff.Service("HT")
	sabo, _ := tariff.Service("SABO")
	larm, _ := tariff.Service("LARM")
	if ht.Basis != reimbursement.Performed || ht.CapPercent.String() != "100" || ht.DeclinedPercent.Valid {
		t.Errorf("HT defaults: %+v", ht)
	}
	if sabo.Basis != reimbursement.Placement || !sabo.CountLastDay || len(sabo.Components) != 1 || sabo.Components[0].Code != "base" {
		t.Errorf("SABO defaults: %+v", sabo)
	}
	if !larm.Prorate {
		t.Errorf("LARM: prorate should default to true")
	}
	if tariff.Rates()[0].Price.String() != "450.5" || tariff.Currency() != "SEK" {
		t.Errorf("a JSON number price is read exactly: %s", tariff.Rates()[0].Price)
	}
}

func TestSettleNeedsALocation(t *testing.T) {
	_, err := reimbursement.Settle(testby(t), volume.MustParsePeriod("2026-03"), reimbursement.Input{}, reimbursement.Options{})
	if err == nil || !strings.Contains(err.Error(), "Location") {
		t.Errorf("Settle without a location: err = %v", err)
	}
	var de *reimbursement.DocumentError
	if errors.As(err, &de) {
		t.Errorf("not a document error")
	}
}

// manyRates returns a tariff of n rate rows: levels, each with a row per
// month from 2020, none overlapping another of its level.
func manyRates(n int) string {
	var b strings.Builder
	b.WriteString(`{"name": "x", ` + bandsOK + `, "services": [{"code": "HT", "unit": "hour"}], "rates": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		m := i % 120
		from := volume.NewDate(2020+m/12, time.Month(1+m%12), 1)
		to := volume.NewDate(2020+(m+1)/12, time.Month(1+(m+1)%12), 1).AddDays(-1)
		fmt.Fprintf(&b, `{"service": "HT", "level": "L%d", "from": %q, "to": %q, "price": "%d"}`,
			i/120, from, to, 400+i%50)
	}
	b.WriteString("]}")
	return b.String()
}

// TestManyRates: a tariff of 100 000 rate rows loads (each row is checked
// against the rows it could tie with, not against every row), and a row
// that overlaps another of its level is still found among them.
func TestManyRates(t *testing.T) {
	src := manyRates(100000)
	tariff, err := reimbursement.ParseTariff([]byte(src), "tariff.json")
	require.NoError(t, err)
	require.Len(t, tariff.Rates(), 100000)
	// The first level's row of March 2024 runs into April.
	bad := strings.Replace(src, `"to": "2024-03-31"`, `"to": "2024-04-30"`, 1)
	require.True(t, len(bad) == len(src) && bad != src, "the spoiled row is not in the tariff")
	_, err = reimbursement.ParseTariff([]byte(bad), "tariff.json")
	var de *reimbursement.DocumentError
	require.ErrorAs(t, err, &de)
	if len(de.Problems) != 1 || !strings.Contains(de.Problems[0].Message, "valid on the same dates as rates[") {
		t.Errorf("problems %v, want the one overlap", de.Problems)
	}
}

// BenchmarkManyRates loads a tariff of 100 000 rate rows.
func BenchmarkManyRates(b *testing.B) {
	src := []byte(manyRates(100000))
	for b.Loop() {
		if _, err := reimbursement.ParseTariff(src, "tariff.json"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEnumsAsText: the enums of the package marshal as their names.
func TestEnumsAsText(t *testing.T) {
	b, err := json.Marshal(struct {
		Per    reimbursement.Per
		Basis  reimbursement.Basis
		Regime reimbursement.Regime
		Unit   reimbursement.Unit
	}{reimbursement.PerMonth, reimbursement.Capped, reimbursement.Private, reimbursement.Minute})
	require.NoError(t, err)
	if string(b) != `{"Per":"month","Basis":"capped","Regime":"private","Unit":"minute"}` {
		t.Errorf("%s", b)
	}
	var back struct {
		Per   reimbursement.Per
		Basis reimbursement.Basis
	}
	require.NoError(t, json.Unmarshal(b, &back))
	if back.Per != reimbursement.PerMonth || back.Basis != reimbursement.Capped {
		t.Errorf("read back %+v", back)
	}
}

// TestTariffImmutable: what a Tariff's methods return are copies; a caller
// that changes them changes nothing of the tariff, which other goroutines
// may be settling with.
func TestTariffImmutable(t *testing.T) {
	tariff := testby(t)
	before := fmt.Sprint(tariff.Name(), tariff.Currency(), tariff.DefaultBand(), tariff.Services(), tariff.Rates(),
		tariff.Markups(), tariff.Bands(), tariff.DateSets(), tariff.NoChoice())

	services := tariff.Services()
	services[0].Code = "X"
	for i := range services {
		for j := range services[i].Absence {
			services[i].Absence[j].Reason = "X"
			for k := range services[i].Absence[j].Steps {
				services[i].Absence[j].Steps[k].Days = 99
			}
		}
		for j := range services[i].Components {
			services[i].Components[j].Code = "X"
		}
		for j := range services[i].AfterEnd.Reasons {
			services[i].AfterEnd.Reasons[j] = "X"
		}
	}
	ht, ok := tariff.Service("HT")
	require.True(t, ok)
	ht.Name = "X"
	tariff.Rates()[0].Service = "X"
	markups := tariff.Markups()
	markups[0].Services[0], markups[0].Regimes[0] = "X", reimbursement.Municipal
	bands := tariff.Bands()
	bands[0].Rules[0].Days[0] = "X"
	sets := tariff.DateSets()
	for k := range sets {
		sets[k][0] = volume.MustParseDate("1999-01-01")
	}
	sets["new"] = nil
	tariff.NoChoice().ByArea["norr"] = "X"

	after := fmt.Sprint(tariff.Name(), tariff.Currency(), tariff.DefaultBand(), tariff.Services(), tariff.Rates(),
		tariff.Markups(), tariff.Bands(), tariff.DateSets(), tariff.NoChoice())
	require.Equal(t, before, after)
	if ht, _ := tariff.Service("HT"); ht.Name == "X" {
		t.Error("Service returns the tariff's own")
	}
}

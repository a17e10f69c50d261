package reimbursement_test

import (
	"bytes"
	"testing"

	"github.com/exempelby/ersattning/reimbursement"
	rt "github.com/exempelby/ersattning/reimbursement/reimbursementtest"
	"github.com/exempelby/ersattning/volume"
)

// TestNilArguments: the public API answers a nil argument with an error,
// never a panic.
func TestNilArguments(t *testing.T) {
	tariff := testby(t)
	march := volume.MustParsePeriod("2026-03")
	opt := reimbursement.Options{Location: rt.Stockholm()}
	st := rt.Settle(t, tariff, "2026-03", reimbursement.Input{Providers: testbyProviders})
	var none *reimbursement.Settlement
	var buf bytes.Buffer
	calls := map[string]func() error{
		"Correct(nil, st)": func() error { _, err := reimbursement.Correct(nil, st); return err },
		"Correct(st, nil)": func() error { _, err := reimbursement.Correct(st, nil); return err },
		"ApplyCorrection(nil, nil)": func() error {
			_, err := reimbursement.ApplyCorrection(nil, nil)
			return err
		},
		"CheckArithmetic(nil)":  func() error { return reimbursement.CheckArithmetic(nil) },
		"CheckIssued(nil)":      func() error { return reimbursement.CheckIssued(nil, march) },
		"nil WriteJSON":         func() error { return none.WriteJSON(&buf) },
		"nil WriteCSV":          func() error { return none.WriteCSV(&buf, false) },
		"Settle(nil tariff)":    func() error { _, err := reimbursement.Settle(nil, march, reimbursement.Input{}, opt); return err },
		"SettleFS(nil)":         func() error { _, _, err := reimbursement.SettleFS(nil, march, opt); return err },
		"SettleFSWith(nil nil)": func() error { _, _, err := reimbursement.SettleFSWith(nil, nil, march, opt); return err },
		"ReadInputFS(nil)":      func() error { _, _, err := reimbursement.ReadInputFS(nil); return err },
		"LoadTariffFS(nil)":     func() error { _, err := reimbursement.LoadTariffFS(nil); return err },
		"Quote(nil tariff)": func() error {
			_, err := reimbursement.Quote(nil, reimbursement.QuoteRequest{}, opt)
			return err
		},
		"WriteSettlementFS(nil writer)": func() error {
			_, _, err := reimbursement.WriteSettlementFS(nil, hostileBundle(t), tariff, march, reimbursement.StreamOptions{Options: opt})
			return err
		},
		"WriteSettlementFS(nil fs)": func() error {
			_, _, err := reimbursement.WriteSettlementFS(&buf, nil, tariff, march, reimbursement.StreamOptions{Options: opt})
			return err
		},
		"WriteSettlementFS(nil tariff)": func() error {
			_, _, err := reimbursement.WriteSettlementFS(&buf, hostileBundle(t), nil, march, reimbursement.StreamOptions{Options: opt})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panics: %v", r)
				}
			}()
			if err := call(); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, ok := none.Provider("P1"); ok {
		t.Error("a nil settlement has a provider")
	}
}

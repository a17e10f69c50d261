package reimbursement

import "github.com/exempelby/ersattning/volume"

// SettleInParallel settles as Settle does, but settles the decisions on
// opt.Workers goroutines from two decisions on, two at a time, so that
// the tests reach the parallel settlement with small months (and the
// race detector with them, in -short runs).
func SettleInParallel(t *Tariff, period volume.Period, in Input, opt Options) (*Settlement, error) {
	return settle(t, period, in, opt, parallelTuning{from: 2, chunk: 2})
}

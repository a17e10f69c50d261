package reimbursement

import "github.com/shopspring/decimal"

// lineAmount is the amount of a line (rules §9): quantity × price ×
// factor / divisor, rounded once, to whole öre, half away from zero. The
// factor is given as the percent it is written in (factor = percent /
// 100), so that the division is one.
//
// This is the rule. The settlement takes the same amount in whole öre
// with ore.Amount wherever it fits an int64 (nearly always), and this
// way otherwise; ore's tests hold the two to the same answer.
func lineAmount(q, price, percent decimal.Decimal, divisor int64) decimal.Decimal {
	return q.Mul(price).Mul(percent).DivRound(decimal.NewFromInt(divisor*100), 2)
}

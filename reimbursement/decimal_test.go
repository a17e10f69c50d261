package reimbursement_test

import "github.com/shopspring/decimal"

func mustDecimal(s string) decimal.Decimal { return decimal.RequireFromString(s) }

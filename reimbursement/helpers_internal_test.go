package reimbursement

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

func volumeDate(s string) volume.Date     { return volume.MustParseDate(s) }
func volumePeriod(s string) volume.Period { return volume.MustParsePeriod(s) }
func decimalOf(n int64) decimal.Decimal   { return decimal.NewFromInt(n) }

func stockholmForTest(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func reportOf(id string, d Decision, day, hour, minutes int) volume.Report {
	start := volume.LocalTimestamp(volume.NewDate(2026, time.March, day), hour, 0)
	endMin := hour*60 + minutes
	end := volume.LocalTimestamp(volume.NewDate(2026, time.March, day).AddDays(endMin/1440), (endMin%1440)/60, endMin%60)
	return volume.Report{ID: id, Recipient: d.Recipient, Provider: d.Provider, Service: d.Service, Start: start, End: end, Staff: 1, Kind: volume.Visit, Status: volume.Approved}
}

package reimbursement

import (
	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// settleVisits settles a visit service: each approved report is one visit
// priced in the band of its start minute (rules §6).
func (s *Settler) settleVisits(b *builder, di int) {
	ds := &s.decisions[di]
	svc := ds.svc
	full := decimal.NewFromInt(100)
	for _, ri := range s.sortedVisits(ds) {
		x := s.recs.at(ri)
		id := s.id(ri)
		component, percent := componentBase, full
		if x.kind == volume.Declined {
			if !svc.DeclinedPercent.Valid {
				b.unpaidReport(ds.prov, di, x, 1, Visit, ReasonDeclinedNotPaid)
				continue
			}
			component, percent = "declined", svc.DeclinedPercent.Decimal
		}
		s.splitBands(x.start, x.start+1)
		band := s.touched[0]
		rate := s.rateAt(ds, componentBase, band, x.date)
		if rate < 0 {
			s.gapAt(id, x.date, s.describeRate(ds, componentBase, band))
			b.unpaidReport(ds.prov, di, x, 1, Visit, ReasonNoRate)
			continue
		}
		b.add(component, band, rate, percent, Visit, 1, 1, id)
	}
}

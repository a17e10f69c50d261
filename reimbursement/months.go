package reimbursement

// settleMonth settles a month service (rules §6): days(S) over
// days_in_month per rate row, or one month when not prorated.
func (s *Settler) settleMonth(b *builder, di int) {
	ds := &s.decisions[di]
	dim := int64(s.period.Days())
	first := true
	noRate := 0
	defer func() {
		if noRate > 0 {
			u := Unpaid{ID: ds.d.ID, Quantity: int64(noRate), Unit: Day, Reason: ReasonNoRate, Detail: "days of the decision without a rate row"}
			if !ds.svc.Prorate {
				u.Quantity, u.Unit = 1, Month
			}
			b.unpaid(ds.prov, di, u)
		}
	}()
	// Prorated, the days of one rate row in a run are added at once.
	run, runRate := int64(0), -1
	rows, width := s.rateRows(ds, componentBase)
	ndays := 0
	if width > 0 {
		ndays = len(rows) / width
	}
	for i, in := range ds.slice {
		if !in {
			continue
		}
		d := s.period.First().AddDays(i)
		rate := dayRate(rows, width, ndays, i)
		if rate == -2 {
			rate = s.rateIn(dayRow(rows, width, i), ds, componentBase, -1, d)
		}
		if rate < 0 {
			s.gapAt(ds.d.ID, d, s.describeRate(ds, componentBase, -1))
			noRate++
			if !ds.svc.Prorate && first {
				return
			}
			continue
		}
		if !ds.svc.Prorate {
			if first {
				b.addKeyed(componentBase, -1, rate, hundred, "100", Month, 1, 1, "")
			}
			first = false
			continue
		}
		first = false
		if rate != runRate && run > 0 {
			b.addKeyed(componentBase, -1, runRate, hundred, "100", Day, dim, run, "")
			run = 0
		}
		run, runRate = run+1, rate
	}
	if run > 0 {
		b.addKeyed(componentBase, -1, runRate, hundred, "100", Day, dim, run, "")
	}
}

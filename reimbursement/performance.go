package reimbursement

import (
	"cmp"
	"slices"

	"github.com/exempelby/ersattning/volume"
)

// A Performance is the follow-up of one decision of an hour service in a
// period (utförandegrad): the time granted, the time performed and the
// time paid, in minutes.
//
//   - Granted is granted_minutes of the decision's slice (rules §5 step 4).
//   - Performed is the approved performed visits kept after the overlap
//     step, each its counted length times its paid staff (rules §5 steps
//     1–3), before any cap; declined visits are not performed. A decision
//     of granted basis, whose visits do not pay, counts them the same way.
//   - Paid is the quantity of its base lines: declined, absence and start
//     lines apart.
type Performance struct {
	Decision  string `json:"decision"`
	Recipient string `json:"recipient"`
	Provider  string `json:"provider"`
	Service   string `json:"service"`
	Granted   int64  `json:"granted_minutes"`
	Performed int64  `json:"performed_minutes"`
	Paid      int64  `json:"paid_minutes"`
}

// Performance returns the follow-up of the hour decisions of st, the
// settlement this settler made last, by provider, service, recipient and
// decision. A decision of no provider or of a service the tariff lacks
// has none.
func (s *Settler) Performance(st *Settlement) []Performance {
	paid := map[string]int64{}
	for _, p := range st.Providers {
		for _, l := range p.Lines {
			if l.Component == componentBase && l.Unit == Minute {
				paid[l.Decision] += l.Quantity.IntPart()
			}
		}
	}
	var out []Performance
	for i := range s.decisions {
		ds := &s.decisions[i]
		if ds.svc == nil || ds.svc.Unit != Hour || ds.prov < 0 {
			continue
		}
		days := 0
		for _, in := range ds.slice {
			if in {
				days++
			}
		}
		if days == 0 {
			continue
		}
		out = append(out, Performance{Decision: ds.d.ID, Recipient: ds.d.Recipient, Provider: s.providers[ds.prov].ID,
			Service: ds.d.Service, Granted: s.grantedMinutes(ds.d, days), Performed: ds.performed, Paid: paid[ds.d.ID]})
	}
	slices.SortFunc(out, func(a, b Performance) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Recipient, b.Recipient), cmp.Compare(a.Decision, b.Decision))
	})
	return out
}

// SettlePerformance settles period as Settle does and returns the
// follow-up of its hour decisions with the settlement.
func SettlePerformance(t *Tariff, period volume.Period, in Input, opt Options) (*Settlement, []Performance, error) {
	s, err := settlerOf(t, period, in, opt, defaultParallel)
	if err != nil {
		return nil, nil, err
	}
	st := s.Settlement()
	if err := s.Audit(st); err != nil {
		return nil, nil, err
	}
	return st, s.Performance(st), nil
}

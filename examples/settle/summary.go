package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// writeSummary prints a settlement for people: per provider the hours per
// band, the days and other quantities per service and component, markups
// and adjustments, and what was not paid and why.
func writeSummary(w io.Writer, st *reimbursement.Settlement) error {
	pw := &printer{w: w}
	pw.f("Settlement %s — %s\n", st.Period, st.Tariff)
	pw.f("%s\n", strings.Repeat("=", 72))
	for _, p := range st.Providers {
		pw.f("\nProvider %s (%s)\n", p.Provider, p.Regime)
		type row struct {
			service, component, band string
			unit                     reimbursement.Unit
			qty, amount              decimal.Decimal
		}
		sums := map[string]*row{}
		var keys []string
		for _, l := range p.Lines {
			k := l.Service + "\x00" + l.Component + "\x00" + l.Band + "\x00" + l.Unit.String()
			r := sums[k]
			if r == nil {
				r = &row{service: l.Service, component: l.Component, band: l.Band, unit: l.Unit}
				sums[k] = r
				keys = append(keys, k)
			}
			r.qty = r.qty.Add(l.Quantity)
			r.amount = r.amount.Add(l.Amount)
		}
		sort.Strings(keys)
		pw.f("  %-8s %-22s %-9s %14s %16s\n", "service", "component", "band", "quantity", "amount SEK")
		for _, k := range keys {
			r := sums[k]
			pw.f("  %-8s %-22s %-9s %14s %16s\n", r.service, r.component, r.band, quantity(r.qty, r.unit), r.amount.StringFixed(2))
		}
		pw.f("  %-8s %-22s %-9s %14s %16s\n", "", "total", "", "", p.Total.StringFixed(2))
		if len(p.Unpaid) > 0 {
			pw.f("  Not paid:\n")
			for _, u := range p.Unpaid {
				pw.f("    %-10s %-18s %s\n", u.ID, u.Reason, unpaidQuantity(u))
			}
		}
		if len(p.Pending) > 0 {
			pw.f("  Pending approval: %s\n", strings.Join(p.Pending, ", "))
		}
	}
	if len(st.Unmatched) > 0 {
		pw.f("\nNot tied to any provider's decision:\n")
		for _, u := range st.Unmatched {
			pw.f("    %-10s %-18s %s\n", u.ID, u.Reason, unpaidQuantity(u))
		}
	}
	if len(st.Issues) > 0 {
		pw.f("\nIssues:\n")
		for _, i := range st.Issues {
			pw.f("  %s: %s\n", i.Kind, i.Message)
		}
	}
	pw.f("\nTotal %s SEK\n", st.Total.StringFixed(2))
	return pw.err
}

func quantity(q decimal.Decimal, u reimbursement.Unit) string {
	if u == reimbursement.Minute {
		h := q.DivRound(decimal.NewFromInt(60), 2)
		return h.StringFixed(2) + " h"
	}
	return q.String() + " " + u.String()
}

func unpaidQuantity(u reimbursement.Unpaid) string {
	if u.Unit == reimbursement.NoUnit {
		return ""
	}
	return fmt.Sprintf("%d %s", u.Quantity, u.Unit)
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

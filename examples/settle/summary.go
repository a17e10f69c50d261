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
	if st.CorrectionOf != nil {
		pw.f("Correction of the settlement %s issued with total %s SEK — %s\n", st.CorrectionOf.Period, st.CorrectionOf.Total.StringFixed(2), st.Tariff)
	} else {
		pw.f("Settlement %s — %s\n", st.Period, st.Tariff)
	}
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
			component := l.Component
			if !l.Factor.Equal(decimal.NewFromInt(1)) && l.Unit != reimbursement.SEK {
				component += " at " + l.Factor.Shift(2).String() + " %"
			}
			k := l.Service + "\x00" + component + "\x00" + l.Band + "\x00" + l.Unit.String()
			r := sums[k]
			if r == nil {
				r = &row{service: l.Service, component: component, band: l.Band, unit: l.Unit}
				sums[k] = r
				keys = append(keys, k)
			}
			r.qty = r.qty.Add(l.Quantity)
			r.amount = r.amount.Add(l.Amount)
		}
		sort.Strings(keys)
		pw.f("  %-6s %-26s %-9s %16s %16s\n", "service", "component", "band", "quantity", "amount SEK")
		for _, k := range keys {
			r := sums[k]
			pw.f("  %-6s %-26s %-9s %16s %16s\n", r.service, r.component, r.band, quantity(r.qty, r.unit), r.amount.StringFixed(2))
		}
		pw.f("  %-6s %-26s %-9s %16s %16s\n", "", "total", "", "", p.Total.StringFixed(2))
		writeUnpaid(pw, "  Not paid:", p.Unpaid)
		if len(p.Pending) > 0 {
			pw.f("  Pending approval: %s\n", strings.Join(p.Pending, ", "))
		}
	}
	writeUnpaid(pw, "\nNot tied to any provider's decision:", st.Unmatched)
	if len(st.Issues) > 0 {
		pw.f("\nIssues:\n")
		for _, i := range st.Issues {
			pw.f("  %s: %s\n", i.Kind, i.Message)
		}
	}
	if len(st.Files) > 0 {
		pw.f("\nInput files:\n")
		for _, f := range st.Files {
			enc := ""
			if f.Encoding != "" {
				enc = ", read as " + f.Encoding
			}
			pw.f("  %s: %d %s, %d accounted for%s\n", f.File, f.Rows, plural(f.Rows, "row", "rows"), f.Accounted, enc)
		}
	}
	pw.f("\nTotal %s SEK\n", st.Total.StringFixed(2))
	return pw.err
}

// writeUnpaid prints unpaid records grouped by reason: how many, how
// much, and the first few ids (the JSON and CSV outputs list them all).
func writeUnpaid(pw *printer, title string, list []reimbursement.Unpaid) {
	if len(list) == 0 {
		return
	}
	pw.f("%s\n", title)
	type group struct {
		ids  []string
		qty  map[reimbursement.Unit]int64
		seen map[string]bool
	}
	groups := map[reimbursement.Reason]*group{}
	var reasons []string
	for _, u := range list {
		g := groups[u.Reason]
		if g == nil {
			g = &group{qty: map[reimbursement.Unit]int64{}, seen: map[string]bool{}}
			groups[u.Reason] = g
			reasons = append(reasons, string(u.Reason))
		}
		if !g.seen[u.ID] {
			g.seen[u.ID] = true
			g.ids = append(g.ids, u.ID)
		}
		g.qty[u.Unit] += u.Quantity
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		g := groups[reimbursement.Reason(r)]
		var parts []string
		for _, unit := range []reimbursement.Unit{reimbursement.Minute, reimbursement.Day, reimbursement.Visit} {
			if q, ok := g.qty[unit]; ok {
				parts = append(parts, quantity(decimal.NewFromInt(q), unit))
			}
		}
		ids := g.ids
		more := ""
		if len(ids) > 6 {
			ids, more = ids[:6], fmt.Sprintf(" and %d more", len(g.ids)-6)
		}
		noun := "records"
		if len(g.ids) == 1 {
			noun = "record"
		}
		pw.f("    %-18s %4d %-7s %-12s %s%s\n", r, len(g.ids), noun, strings.Join(parts, ", "), strings.Join(ids, " "), more)
	}
}

func quantity(q decimal.Decimal, u reimbursement.Unit) string {
	if u == reimbursement.SEK {
		return q.StringFixed(2) + " SEK"
	}
	if u == reimbursement.Minute {
		h := q.DivRound(decimal.NewFromInt(60), 2)
		return h.StringFixed(2) + " h"
	}
	return q.String() + " " + u.String()
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

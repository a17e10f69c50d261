package reimbursementtest

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// Compare compares a settlement with an expected one by meaning, as the
// contract's check.py does: lines are matched by their key (provider,
// recipient, decision, service, component, band, price, factor, divisor)
// and compared by quantity and amount; unpaid, pending and unmatched
// records and issue kinds must be the same (an expected unpaid entry
// without a quantity matches any quantity); and the settlement's own
// arithmetic must hold. It returns every difference, none when they agree.
func Compare(want, got *reimbursement.Settlement) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	problems = append(problems, Arithmetic(got)...)
	if !want.Total.Equal(got.Total) {
		fail("total: got %s, want %s", got.Total, want.Total)
	}
	wp, gp := map[string]*reimbursement.ProviderSettlement{}, map[string]*reimbursement.ProviderSettlement{}
	for i := range want.Providers {
		wp[want.Providers[i].Provider] = &want.Providers[i]
	}
	for i := range got.Providers {
		gp[got.Providers[i].Provider] = &got.Providers[i]
	}
	for _, id := range sortedKeys(wp, gp) {
		w, g := wp[id], gp[id]
		switch {
		case g == nil:
			fail("provider %s: missing", id)
		case w == nil && !g.Total.IsZero():
			fail("provider %s: unexpected, total %s", id, g.Total)
		case w != nil && !w.Total.Equal(g.Total):
			fail("provider %s: total %s, want %s", id, g.Total, w.Total)
		}
	}
	wl, gl := lineMap(want), lineMap(got)
	keys := make([]string, 0, len(wl)+len(gl))
	for k := range wl {
		keys = append(keys, k)
	}
	for k := range gl {
		if _, ok := wl[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, g := wl[k], gl[k]
		switch {
		case g == nil:
			fail("line missing: %s want quantity %s amount %s", k, w.Quantity, w.Amount)
		case w == nil:
			fail("line unexpected: %s quantity %s amount %s", k, g.Quantity, g.Amount)
		default:
			if !w.Quantity.Equal(g.Quantity) {
				fail("line %s: quantity %s, want %s", k, g.Quantity, w.Quantity)
			}
			if !w.Amount.Equal(g.Amount) {
				fail("line %s: amount %s, want %s", k, g.Amount, w.Amount)
			}
		}
	}
	for _, f := range []string{"unpaid", "pending"} {
		we, ge := records(want, f, nil), records(got, f, quantified(want))
		for _, r := range setDiff(we, ge) {
			fail("%s missing: %s", f, r)
		}
		for _, r := range setDiff(ge, we) {
			fail("%s unexpected: %s", f, r)
		}
	}
	wu, gu := map[string]bool{}, map[string]bool{}
	for _, u := range want.Unmatched {
		wu[u.ID+" "+string(u.Reason)] = true
	}
	for _, u := range got.Unmatched {
		gu[u.ID+" "+string(u.Reason)] = true
	}
	for _, r := range setDiff(wu, gu) {
		fail("unmatched missing: %s", r)
	}
	for _, r := range setDiff(gu, wu) {
		fail("unmatched unexpected: %s", r)
	}
	wi, gi := map[string]bool{}, map[string]bool{}
	for _, i := range want.Issues {
		wi[i.Kind] = true
	}
	for _, i := range got.Issues {
		gi[i.Kind] = true
	}
	if d1, d2 := setDiff(wi, gi), setDiff(gi, wi); len(d1)+len(d2) > 0 {
		fail("issue kinds: missing %v, unexpected %v", d1, d2)
	}
	return problems
}

// Arithmetic checks a settlement's own sums: every line's amount is
// round(quantity × price × factor / divisor) to öre, half away from zero,
// and the totals are the sums of the lines.
func Arithmetic(st *reimbursement.Settlement) []string {
	var problems []string
	grand := decimal.Zero
	for _, p := range st.Providers {
		sum := decimal.Zero
		for _, l := range p.Lines {
			want := l.Quantity.Mul(l.Price).Mul(l.Factor).DivRound(l.Divisor, 2)
			if l.Divisor.IsZero() || !want.Equal(l.Amount) {
				problems = append(problems, fmt.Sprintf("arithmetic: %s %s/%s/%s/%s: amount %s, want %s",
					p.Provider, l.Decision, l.Service, l.Component, l.Band, l.Amount, want))
			}
			sum = sum.Add(l.Amount)
		}
		if !sum.Equal(p.Total) {
			problems = append(problems, fmt.Sprintf("arithmetic: provider %s total %s != sum of lines %s", p.Provider, p.Total, sum))
		}
		grand = grand.Add(sum)
	}
	if !grand.Equal(st.Total) {
		problems = append(problems, fmt.Sprintf("arithmetic: total %s != sum of providers %s", st.Total, grand))
	}
	return problems
}

func sortedKeys(a, b map[string]*reimbursement.ProviderSettlement) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]*reimbursement.ProviderSettlement{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func lineMap(st *reimbursement.Settlement) map[string]*reimbursement.Line {
	out := map[string]*reimbursement.Line{}
	for _, p := range st.Providers {
		for i := range p.Lines {
			l := &p.Lines[i]
			k := fmt.Sprintf("(%s %s %s %s %s %s price %s factor %s divisor %s)", p.Provider, l.Recipient, l.Decision,
				l.Service, l.Component, l.Band, l.Price.String(), l.Factor.String(), l.Divisor.String())
			if _, dup := out[k]; dup {
				k += " (twice)"
			}
			out[k] = l
		}
	}
	return out
}

func quantified(st *reimbursement.Settlement) map[string]bool {
	out := map[string]bool{}
	for _, p := range st.Providers {
		for _, u := range p.Unpaid {
			if u.Unit != reimbursement.NoUnit {
				out[p.Provider+" "+u.ID+" "+string(u.Reason)] = true
			}
		}
	}
	return out
}

// records lists the unpaid or pending records; quantities are included
// for unpaid entries whose expected entry has one (nil: all of them).
func records(st *reimbursement.Settlement, field string, withQty map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, p := range st.Providers {
		if field == "pending" {
			for _, id := range p.Pending {
				out[p.Provider+" "+id+" pending"] = true
			}
			continue
		}
		for _, u := range p.Unpaid {
			k := p.Provider + " " + u.ID + " " + string(u.Reason)
			if u.Unit != reimbursement.NoUnit && (withQty == nil || withQty[k]) {
				k += fmt.Sprintf(" %d", u.Quantity)
			}
			out[k] = true
		}
	}
	return out
}

func setDiff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

package statement

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// idsShown is how many ids a text summary lists of one reason; the rest
// are counted ("och 7 till").
const idsShown = 6

// WriteText writes a settlement as a text summary for people: per
// provider, by name, the summary of its lines (service by name,
// quantity in exact hours and minutes, price, amount), what was not paid
// by reason (in words, with the code beside) with a few ids of each,
// what is pending, the records tied to no decision, the issues and the
// reconciliation of the input. Numbers have thousands separators.
func WriteText(w io.Writer, st *reimbursement.Settlement, opt Options) error {
	if st == nil {
		return errors.New("statement: WriteText: a nil settlement")
	}
	t := labelsOf(opt.Lang)
	p := &printer{w: bufio.NewWriter(w)}
	p.f("%s %s — %s\n%s\n", t.Title, st.Period, st.Tariff, strings.Repeat("=", 72))
	for i := range st.Providers {
		opt.providerText(p, &st.Providers[i])
	}
	if len(st.Unmatched) > 0 {
		p.f("\n%s:\n", t.Unmatched)
		opt.unpaidText(p, st.Unmatched)
	}
	if len(st.Issues) > 0 {
		p.f("\n%s:\n", t.Issues)
		for _, i := range st.Issues {
			p.f("  %s: %s\n", i.Kind, i.Message)
		}
	}
	opt.filesText(p, st.Files)
	p.f("\n%s %s %s\n", t.Total, plain(Money(st.Total, opt.Lang)), t.Currency)
	return p.flush()
}

func (o *Options) providerText(p *printer, ps *reimbursement.ProviderSettlement) {
	t := labelsOf(o.Lang)
	p.f("\n%s %s %s (%s)\n", t.Provider, ps.Provider, ps.Name, regimeText(ps.Regime, o.Lang))
	tb := table{right: []bool{false, false, false, true, true, true, true, true}}
	tb.add(t.Service, t.Component, t.Band, t.Quantity, t.Price, t.Factor, t.Divisor, t.Amount+" "+t.Currency)
	for _, r := range o.summary(ps.Lines) {
		tb.add(r.Service, r.Component, r.Band, r.Quantity, r.Price, r.Factor, r.Divisor, r.Amount)
	}
	tb.add(t.Total, "", "", "", "", "", "", Money(ps.Total, o.Lang))
	tb.write(p, "  ")
	if len(ps.Unpaid) > 0 {
		p.f("  %s:\n", t.NotPaid)
		o.unpaidText(p, ps.Unpaid)
	}
	if len(ps.Pending) > 0 {
		p.f("  %s: %s\n", t.Pending, o.idList(ps.Pending))
	}
}

// unpaidText lists unpaid entries by reason: the code and the reason in
// words, how many records, how much, and the first few ids.
func (o *Options) unpaidText(p *printer, list []reimbursement.Unpaid) {
	type group struct {
		ids []string
		qty map[reimbursement.Unit]int64
	}
	groups := map[reimbursement.Reason]*group{}
	var reasons []reimbursement.Reason
	for _, u := range list {
		g := groups[u.Reason]
		if g == nil {
			g = &group{qty: map[reimbursement.Unit]int64{}}
			groups[u.Reason] = g
			reasons = append(reasons, u.Reason)
		}
		if len(g.ids) == 0 || g.ids[len(g.ids)-1] != u.ID {
			g.ids = append(g.ids, u.ID)
		}
		g.qty[u.Unit] += u.Quantity
	}
	slices.Sort(reasons)
	tb := table{right: []bool{false, false, true, true, false}}
	for _, r := range reasons {
		g := groups[r]
		var qty []string
		for _, u := range []reimbursement.Unit{reimbursement.Minute, reimbursement.Day, reimbursement.Visit} {
			if q, ok := g.qty[u]; ok && q != 0 {
				qty = append(qty, Quantity(decimal.NewFromInt(q), u, o.Lang))
			}
		}
		tb.add(string(r), reasonText(r, o.Lang), o.records(len(g.ids)), strings.Join(qty, ", "), o.idList(g.ids))
	}
	tb.write(p, "    ")
}

// records returns "3 poster" ("3 records").
func (o *Options) records(n int) string {
	if n == 1 {
		return text{"1 post", "1 record"}.in(o.Lang)
	}
	return number(fmt.Sprint(n), o.Lang) + text{" poster", " records"}.in(o.Lang)
}

// idList returns the first ids and how many more: "T1 T2 och 7 till".
func (o *Options) idList(ids []string) string {
	if len(ids) <= idsShown {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:idsShown], " ") + fmt.Sprintf(text{" och %d till", " and %d more"}.in(o.Lang), len(ids)-idsShown)
}

func (o *Options) filesText(p *printer, files []reimbursement.FileCount) {
	if len(files) == 0 {
		return
	}
	t := labelsOf(o.Lang)
	p.f("\n%s:\n", t.Reconciliation)
	tb := table{right: []bool{false, true, true, false}}
	tb.add(t.File, t.Rows, t.Accounted, "")
	for _, f := range files {
		tb.add(f.File, number(fmt.Sprint(f.Rows), o.Lang), number(fmt.Sprint(f.Accounted), o.Lang), f.Encoding)
	}
	tb.write(p, "  ")
}

// WriteCorrectionText writes the correction of previous by current (a
// re-run of the same period) as a text summary: per provider whose
// statement changed, what was paid, what is owed now, the difference and
// the lines that changed; unchanged providers and records are not
// repeated.
func WriteCorrectionText(w io.Writer, previous, current *reimbursement.Settlement, opt Options) error {
	if previous == nil || current == nil {
		return errors.New("statement: WriteCorrectionText: a nil settlement")
	}
	t := labelsOf(opt.Lang)
	p := &printer{w: bufio.NewWriter(w)}
	p.f("%s %s — %s\n%s\n", t.CorrectionTitle, current.Period, current.Tariff, strings.Repeat("=", 72))
	p.f("%s %s %s, %s %s %s\n", t.PreviousTotal, plain(Money(previous.Total, opt.Lang)), t.Currency,
		t.NewTotal, plain(Money(current.Total, opt.Lang)), t.Currency)
	changed := ChangedProviders(previous, current)
	if len(changed) == 0 {
		p.f("\n%s\n", t.NoChanges)
	}
	for _, id := range changed {
		old, _ := previous.Provider(id)
		cur, _ := current.Provider(id)
		v := opt.correctionView(headView{}, id, old, cur)
		p.f("\n%s %s %s: %s %s %s, %s %s %s, %s %s %s\n", t.Provider, id, v.Name, t.Old, plain(v.Old), t.Currency,
			t.New, plain(v.New), t.Currency, t.Difference, plain(v.Difference), t.Currency)
		tb := table{right: []bool{false, false, false, false, false, true, true, true, true, true}}
		tb.add(t.Recipient, t.Decision, t.Service, t.Component, t.Band, t.Price, t.Old, t.New, t.Old+" "+t.Currency, t.New+" "+t.Currency)
		for _, l := range v.Lines {
			tb.add(l.Recipient, l.Decision, l.Service, strings.TrimSpace(l.Component+" "+l.Factor), l.Band, l.Price,
				l.OldQuantity, l.NewQuantity, l.OldAmount, l.NewAmount)
		}
		tb.write(p, "  ")
	}
	p.f("\n%s %s %s\n", t.Difference, plain(Money(current.Total.Sub(previous.Total), opt.Lang)), t.Currency)
	return p.flush()
}

// A table lines up rows of cells in columns, some to the right.
type table struct {
	rows  [][]string
	right []bool
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(p *printer, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(plain(c)))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			c = plain(c)
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i < len(t.right) && t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		p.f("%s\n", strings.TrimRight(b.String(), " "))
	}
}

// plain returns s with no-break spaces as spaces, for a terminal.
func plain(s string) string { return strings.ReplaceAll(s, nbsp, " ") }

// A printer writes formatted text, keeping the first error.
type printer struct {
	w   *bufio.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) flush() error { return cmp.Or(p.err, p.w.Flush()) }

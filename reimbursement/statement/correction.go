package statement

import (
	"cmp"
	"errors"
	"io"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// A correctionView is one provider's correction (rättelse): what was
// paid, what is owed now, and the lines that changed.
type correctionView struct {
	Head                 headView
	Provider, Name       string
	Old, New, Difference string
	Lines                []changedLine
}

// A changedLine is a line key whose quantity or amount changed.
type changedLine struct {
	Recipient, Decision, Service, Component, Band, Price, Factor string
	OldQuantity, NewQuantity, OldAmount, NewAmount               string
}

// WriteCorrection writes the correction of provider's statement as an
// HTML page: the total paid before (in previous), the new total (in
// current, a re-run of the same period), the difference, and only the
// lines whose quantity or amount changed, each with its old and new
// quantity and amount. A provider that is in only one of the two has
// zero in the other.
func WriteCorrection(w io.Writer, previous, current *reimbursement.Settlement, provider string, opt Options) error {
	if previous == nil || current == nil {
		return errors.New("statement: WriteCorrection: a nil settlement")
	}
	old, _ := previous.Provider(provider)
	cur, _ := current.Provider(provider)
	return execute(w, "correction.html", opt.correctionView(opt.head(correctionHead(previous, current)), provider, old, cur))
}

// WriteCorrectionIndex writes the first page of a correction's
// statements: every provider whose statement changed, with the
// difference, linked to its correction (FileName).
func WriteCorrectionIndex(w io.Writer, previous, current *reimbursement.Settlement, opt Options) error {
	if previous == nil || current == nil {
		return errors.New("statement: WriteCorrectionIndex: a nil settlement")
	}
	head := correctionHead(previous, current)
	v := indexView{Head: opt.head(head), Issues: current.Issues, Total: Money(current.Total.Sub(previous.Total), opt.Lang)}
	for _, id := range ChangedProviders(previous, current) {
		old, _ := previous.Provider(id)
		cur, _ := current.Provider(id)
		name := cmp.Or(providerName(cur), providerName(old))
		v.Providers = append(v.Providers, indexRow{Provider: id, Name: name, Total: Money(total(cur).Sub(total(old)), opt.Lang)})
	}
	return execute(w, "index.html", v)
}

// ChangedProviders returns, by id, the providers whose total or lines
// differ between previous and current: those a correction has a
// statement for.
func ChangedProviders(previous, current *reimbursement.Settlement) []string {
	var out []string
	for _, id := range providerIDs(previous, current) {
		old, _ := previous.Provider(id)
		cur, _ := current.Provider(id)
		if !total(old).Equal(total(cur)) || len(changes(old, cur, Options{})) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// correctionHead is the head of a correction's pages: current's, naming
// what previous paid.
func correctionHead(previous, current *reimbursement.Settlement) *reimbursement.Settlement {
	return &reimbursement.Settlement{Period: current.Period, Tariff: current.Tariff, Files: current.Files,
		CorrectionOf: &reimbursement.CorrectionOf{Period: previous.Period, Total: previous.Total}}
}

func (o *Options) correctionView(h headView, provider string, old, cur *reimbursement.ProviderSettlement) correctionView {
	return correctionView{Head: h, Provider: provider, Name: cmp.Or(providerName(cur), providerName(old)),
		Old: Money(total(old), o.Lang), New: Money(total(cur), o.Lang), Difference: Money(total(cur).Sub(total(old)), o.Lang),
		Lines: changes(old, cur, *o)}
}

// lineSum is the lines of one key of one settlement, added up.
type lineSum struct {
	line        reimbursement.Line // the first, for its fields
	qty, amount decimal.Decimal
}

// sums adds up p's lines by key.
func sums(p *reimbursement.ProviderSettlement) map[reimbursement.LineKey]*lineSum {
	out := map[reimbursement.LineKey]*lineSum{}
	if p == nil {
		return out
	}
	for _, l := range p.Lines {
		k := l.Key(p.Provider)
		s := out[k]
		if s == nil {
			s = &lineSum{line: l}
			out[k] = s
		}
		s.qty, s.amount = s.qty.Add(l.Quantity), s.amount.Add(l.Amount)
	}
	return out
}

// changes returns the line keys of old and cur whose quantity or amount
// differ, in the order of lines.
func changes(old, cur *reimbursement.ProviderSettlement, o Options) []changedLine {
	a, b := sums(old), sums(cur)
	keys := make([]reimbursement.LineKey, 0, len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compareKeys)
	var out []changedLine
	for _, k := range keys {
		x, y := a[k], b[k]
		if x != nil && y != nil && x.qty.Equal(y.qty) && x.amount.Equal(y.amount) {
			continue
		}
		out = append(out, o.changedLine(x, y))
	}
	return out
}

func (o *Options) changedLine(old, cur *lineSum) changedLine {
	l := cmp.Or(old, cur).line
	lv := o.line(&l)
	c := changedLine{Recipient: l.Recipient, Decision: l.Decision, Service: lv.Service, Component: lv.Component,
		Band: l.Band, Price: lv.Price, Factor: lv.Factor}
	c.OldQuantity, c.OldAmount = o.sumText(old, l.Unit)
	c.NewQuantity, c.NewAmount = o.sumText(cur, l.Unit)
	return c
}

// sumText returns a line sum's quantity and amount, zero when there is
// none.
func (o *Options) sumText(s *lineSum, u reimbursement.Unit) (qty, amount string) {
	if s == nil {
		return Quantity(decimal.Zero, u, o.Lang), Money(decimal.Zero, o.Lang)
	}
	return Quantity(s.qty, u, o.Lang), Money(s.amount, o.Lang)
}

func compareKeys(a, b reimbursement.LineKey) int {
	return cmp.Or(cmp.Compare(a.Recipient, b.Recipient), cmp.Compare(a.Decision, b.Decision), cmp.Compare(a.Service, b.Service),
		cmp.Compare(a.Component, b.Component), cmp.Compare(a.Band, b.Band), cmp.Compare(a.Price, b.Price),
		cmp.Compare(a.Factor, b.Factor), cmp.Compare(a.Divisor, b.Divisor))
}

// providerIDs returns the providers of both settlements, by id.
func providerIDs(sts ...*reimbursement.Settlement) []string {
	var out []string
	for _, st := range sts {
		for _, p := range st.Providers {
			out = append(out, p.Provider)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func total(p *reimbursement.ProviderSettlement) decimal.Decimal {
	if p == nil {
		return decimal.Zero
	}
	return p.Total
}

func providerName(p *reimbursement.ProviderSettlement) string {
	if p == nil {
		return ""
	}
	return p.Name
}

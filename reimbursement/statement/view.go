package statement

import (
	"cmp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// Options configure a document.
type Options struct {
	// Lang is the language of the document; the zero Lang is Swedish.
	Lang Lang
	// Tariff gives the services' names; nil shows their codes only.
	Tariff *reimbursement.Tariff
	// Adjustments give the reasons of adjustment lines, by id; nil shows
	// none.
	Adjustments []reimbursement.Adjustment
}

// service returns a service's code and name, as "HT Hemtjänst".
func (o *Options) service(code string) string {
	if o.Tariff == nil || code == "" {
		return code
	}
	if s, ok := o.Tariff.Service(code); ok && s.Name != "" {
		return code + " " + s.Name
	}
	return code
}

// reasons returns the reasons of the adjustments named, in their order.
func (o *Options) reasons(ids []string) string {
	var out []string
	for _, id := range ids {
		for _, a := range o.Adjustments {
			if a.ID == id && a.Reason != "" && !slices.Contains(out, a.Reason) {
				out = append(out, a.Reason)
			}
		}
	}
	return strings.Join(out, "; ")
}

// A lineView is a line as a statement shows it: every factor of its
// amount, so that it can be recomputed by hand.
type lineView struct {
	Recipient, Decision, Service, Component, Band string
	Quantity, Price, Factor, Divisor, Amount      string
	Valid                                         string // the rate row's dates
	Reports                                       string
	Reason                                        string // an adjustment's
}

func (o *Options) line(l *reimbursement.Line) lineView {
	v := lineView{Recipient: l.Recipient, Decision: l.Decision, Service: o.service(l.Service),
		Component: componentText(l.Component, o.Lang), Band: l.Band,
		Quantity: Quantity(l.Quantity, l.Unit, o.Lang), Price: Price(l.Price, l.Unit, l.Divisor, o.Lang),
		Amount: Money(l.Amount, o.Lang), Reports: strings.Join(l.Reports, " ")}
	if !l.Factor.Equal(decimal.NewFromInt(1)) {
		v.Factor = Percent(l.Factor, o.Lang)
	}
	if d := l.Divisor; !d.Equal(decimal.NewFromInt(1)) && !(l.Unit == reimbursement.Minute && d.Equal(decimal.NewFromInt(60))) {
		v.Divisor = Decimal(d, o.Lang)
	}
	if !l.RateFrom.IsZero() {
		v.Valid = l.RateFrom.String() + "–"
		if !l.RateTo.IsZero() {
			v.Valid += l.RateTo.String()
		}
	}
	if l.Component == "adjustment" {
		v.Reason = o.reasons(l.Reports)
	}
	return v
}

// A summaryRow sums the lines of one service, component, band, unit,
// price, factor and divisor.
type summaryRow struct {
	Service, Component, Band, Quantity, Price, Factor, Divisor, Amount string
}

// summary sums a provider's lines by service, component, band, price and
// factor, in that order.
func (o *Options) summary(lines []reimbursement.Line) []summaryRow {
	sums := summaryOf(lines)
	slices.SortFunc(sums, func(a, b summaryLine) int {
		return cmp.Or(cmp.Compare(a.service, b.service), cmp.Compare(a.component, b.component), cmp.Compare(a.band, b.band),
			a.price.Cmp(b.price), a.factor.Cmp(b.factor))
	})
	out := make([]summaryRow, 0, len(sums))
	for _, s := range sums {
		v := o.line(&reimbursement.Line{Service: s.service, Component: s.component, Band: s.band, Unit: s.unit,
			Quantity: s.qty, Price: s.price, Factor: s.factor, Divisor: s.divisor, Amount: s.amount})
		out = append(out, summaryRow{Service: v.Service, Component: v.Component, Band: v.Band,
			Quantity: v.Quantity, Price: v.Price, Factor: v.Factor, Divisor: v.Divisor, Amount: v.Amount})
	}
	return out
}

// A recipientView is the lines of one recipient.
type recipientView struct {
	Recipient string
	Lines     []lineView
	Total     string
	sum       decimal.Decimal
}

// An unpaidView is an unpaid entry with its reason in words.
type unpaidView struct {
	ID, Code, Reason, Quantity, Decision, Detail string
}

// A legendRow explains a reason code.
type legendRow struct{ Code, Text string }

// A providerView is one provider's statement.
type providerView struct {
	Head       headView
	Provider   string
	Name       string
	Regime     string
	Summary    []summaryRow
	Recipients []recipientView
	Markups    []lineView
	Adjusts    []lineView
	Unpaid     []unpaidView
	Legend     []legendRow
	Pending    []string
	Total      string
}

// providerView makes the statement of provider p of the settlement whose
// head is h.
func (o *Options) providerView(h headView, p *reimbursement.ProviderSettlement) providerView {
	v := providerView{Head: h, Provider: p.Provider, Name: p.Name, Regime: regimeText(p.Regime, o.Lang),
		Summary: o.summary(p.Lines), Pending: p.Pending, Total: Money(p.Total, o.Lang)}
	for i := range p.Lines {
		l := &p.Lines[i]
		lv := o.line(l)
		switch {
		case strings.HasPrefix(l.Component, "markup:"):
			v.Markups = append(v.Markups, lv)
		case l.Component == "adjustment":
			v.Adjusts = append(v.Adjusts, lv)
		default:
			v.Recipients = o.addToRecipient(v.Recipients, l, lv)
		}
	}
	v.Unpaid, v.Legend = o.unpaid(p.Unpaid)
	return v
}

// addToRecipient adds a line to its recipient's (lines come by recipient).
func (o *Options) addToRecipient(rs []recipientView, l *reimbursement.Line, lv lineView) []recipientView {
	if n := len(rs); n == 0 || rs[n-1].Recipient != l.Recipient {
		rs = append(rs, recipientView{Recipient: l.Recipient})
	}
	r := &rs[len(rs)-1]
	r.Lines = append(r.Lines, lv)
	r.sum = r.sum.Add(l.Amount)
	r.Total = Money(r.sum, o.Lang)
	return rs
}

// unpaid returns the unpaid entries in words, and the legend of the
// reasons they name.
func (o *Options) unpaid(list []reimbursement.Unpaid) ([]unpaidView, []legendRow) {
	var out []unpaidView
	seen := map[reimbursement.Reason]bool{}
	var legend []legendRow
	for _, u := range list {
		v := unpaidView{ID: u.ID, Code: string(u.Reason), Reason: reasonText(u.Reason, o.Lang), Decision: u.Decision, Detail: u.Detail}
		if u.Unit != reimbursement.NoUnit {
			v.Quantity = Quantity(decimal.NewFromInt(u.Quantity), u.Unit, o.Lang)
		}
		out = append(out, v)
		if !seen[u.Reason] {
			seen[u.Reason] = true
			legend = append(legend, legendRow{Code: string(u.Reason), Text: reasonText(u.Reason, o.Lang)})
		}
	}
	slices.SortFunc(legend, func(a, b legendRow) int { return cmp.Compare(a.Code, b.Code) })
	return out, legend
}

// A headView is what every page of a settlement shows at its top and foot.
type headView struct {
	Lang          string
	Tariff        string
	Period        string
	Correction    bool
	PreviousTotal string
	Files         []fileView
	T             labels
}

// A fileView is one input file's reconciliation.
type fileView struct {
	File, Rows, Accounted, Encoding string
	OK                              bool
}

func (o *Options) head(st *reimbursement.Settlement) headView {
	h := headView{Lang: o.Lang.String(), Tariff: st.Tariff, Period: st.Period.String(), T: labelsOf(o.Lang)}
	if st.CorrectionOf != nil {
		h.Correction, h.PreviousTotal = true, Money(st.CorrectionOf.Total, o.Lang)
	}
	for _, f := range st.Files {
		h.Files = append(h.Files, fileView{File: f.File, Rows: number(decimal.NewFromInt(int64(f.Rows)).String(), o.Lang),
			Accounted: number(decimal.NewFromInt(int64(f.Accounted)).String(), o.Lang), Encoding: f.Encoding, OK: f.Rows == f.Accounted})
	}
	return h
}

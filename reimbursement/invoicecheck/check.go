package invoicecheck

import (
	"cmp"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

// A Verdict is the outcome of the check of one provider or invoice.
type Verdict string

// The verdicts.
const (
	OK                       Verdict = "ok"                         // invoiced what was settled, to the öre
	Differs                  Verdict = "differs"                    // invoiced another amount
	NoInvoice                Verdict = "no-invoice"                 // settled an amount, invoiced nothing
	InvoiceWithoutSettlement Verdict = "invoice-without-settlement" // invoiced by a seller the settlement does not pay
	Unreadable               Verdict = "unreadable"                 // a file that is not an invoice this check reads
	OtherPeriod              Verdict = "other-period"               // an invoice of another period, not counted
)

// verdictTexts say the verdicts in Swedish, beside their codes.
var verdictTexts = map[Verdict]string{
	OK: "stämmer", Differs: "skiljer sig", NoInvoice: "ingen faktura",
	InvoiceWithoutSettlement: "faktura utan underlag", Unreadable: "kan inte läsas", OtherPeriod: "annan period",
}

// Text returns the verdict in Swedish.
func (v Verdict) Text() string { return cmp.Or(verdictTexts[v], string(v)) }

// A Report is the check of a period's invoices against its settlement.
type Report struct {
	Period volume.Period
	// Providers are the settlement's providers, by id, then the sellers
	// it does not pay and the files that could not be read or are of
	// another period, by file.
	Providers []ProviderCheck
	// Settled and Invoiced are the totals of the settlement's providers;
	// Difference is Invoiced − Settled.
	Settled, Invoiced, Difference decimal.Decimal
}

// A ProviderCheck is one provider's settled and invoiced totals.
type ProviderCheck struct {
	Provider, Name string
	Verdict        Verdict
	// Difference is Invoiced − Settled.
	Settled, Invoiced, Difference decimal.Decimal
	// Services compare per service, when the invoice lines name them.
	Services []ServiceCheck
	Invoices []InvoiceRef
	// Notes say what else is wrong: an invoice whose stated total is not
	// the sum of its lines, why a file could not be read.
	Notes []string
}

// A ServiceCheck compares one service; Service "" is the lines that name
// none of the settlement's services.
type ServiceCheck struct {
	Service                       string
	Settled, Invoiced, Difference decimal.Decimal
}

// An InvoiceRef names an invoice of a provider and what it adds.
type InvoiceRef struct {
	File, ID string
	Credit   bool
	Amount   decimal.Decimal // from its lines; negative for a credit note
}

// A Problem is a file that could not be read as an invoice.
type Problem struct {
	File string
	Err  error
}

// Check checks the invoices of a period against its settlement: each
// provider's invoices (tied to it by the seller's organisation number or
// endpoint id, beside the provider's OrgNr) of the settlement's period
// summed from their lines (credit notes subtracted), beside its settled
// total. problems are files that could not be read; they are reported,
// not dropped.
func Check(st *reimbursement.Settlement, providers []reimbursement.Provider, invoices []*Invoice, problems []Problem) (*Report, error) {
	if st == nil {
		return nil, errors.New("invoicecheck: Check: a nil settlement")
	}
	byOrg := map[string]*reimbursement.Provider{}
	for i := range providers {
		if n := orgNumber(providers[i].OrgNr); n != "" {
			byOrg[n] = &providers[i]
		}
	}
	r := &Report{Period: st.Period}
	checks := map[string]*ProviderCheck{}
	for i := range st.Providers {
		p := &st.Providers[i]
		checks[p.Provider] = &ProviderCheck{Provider: p.Provider, Name: p.Name, Settled: p.Total}
	}
	var extra []ProviderCheck
	for _, inv := range invoices {
		seller := byOrg[cmp.Or(orgNumber(inv.SellerOrgNr), orgNumber(inv.SellerEndpoint))]
		ref := InvoiceRef{File: inv.File, ID: inv.ID, Credit: inv.Credit, Amount: inv.Amount()}
		switch {
		case inv.Period() != st.Period:
			extra = append(extra, ProviderCheck{Provider: providerID(seller), Name: inv.SellerName, Verdict: OtherPeriod,
				Invoices: []InvoiceRef{ref}, Notes: []string{"the invoice is for " + inv.Period().String()}})
			continue
		case seller == nil || checks[seller.ID] == nil:
			extra = append(extra, ProviderCheck{Provider: providerID(seller), Name: inv.SellerName, Verdict: InvoiceWithoutSettlement,
				Invoiced: ref.Amount, Difference: ref.Amount, Invoices: []InvoiceRef{ref}, Notes: arithmetic(inv)})
			continue
		}
		c := checks[seller.ID]
		c.Invoices = append(c.Invoices, ref)
		c.Invoiced = c.Invoiced.Add(ref.Amount)
		c.Notes = append(c.Notes, arithmetic(inv)...)
	}
	for _, p := range problems {
		extra = append(extra, ProviderCheck{Verdict: Unreadable, Invoices: []InvoiceRef{{File: p.File}}, Notes: []string{p.Err.Error()}})
	}
	for i := range st.Providers {
		p := &st.Providers[i]
		c := checks[p.Provider]
		c.Services = services(p, invoices, byOrg, st.Period)
		c.finish()
		r.Providers = append(r.Providers, *c)
		r.Settled, r.Invoiced = r.Settled.Add(c.Settled), r.Invoiced.Add(c.Invoiced)
	}
	slices.SortStableFunc(extra, func(a, b ProviderCheck) int { return cmp.Compare(a.Invoices[0].File, b.Invoices[0].File) })
	r.Providers = append(r.Providers, extra...)
	r.Difference = r.Invoiced.Sub(r.Settled)
	return r, nil
}

// finish sets a provider's difference and verdict.
func (c *ProviderCheck) finish() {
	c.Difference = c.Invoiced.Sub(c.Settled)
	switch {
	case len(c.Invoices) == 0 && !c.Settled.IsZero():
		c.Verdict = NoInvoice
	case c.Difference.IsZero():
		c.Verdict = OK
	default:
		c.Verdict = Differs
	}
}

// arithmetic returns a note when an invoice's stated total is not what
// its lines sum to.
func arithmetic(inv *Invoice) []string {
	if sum := inv.Sum(); !sum.Equal(inv.Stated) {
		return []string{inv.File + ": the invoice states " + inv.Stated.StringFixed(2) + " without VAT, its lines sum to " + sum.StringFixed(2)}
	}
	return nil
}

// services compares a provider's settlement and invoices per service,
// when an invoice line names one of the settlement's services; nil when
// none does.
func services(p *reimbursement.ProviderSettlement, invoices []*Invoice, byOrg map[string]*reimbursement.Provider, period volume.Period) []ServiceCheck {
	settled := map[string]decimal.Decimal{}
	for _, l := range p.Lines {
		settled[l.Service] = settled[l.Service].Add(l.Amount)
	}
	invoiced := map[string]decimal.Decimal{}
	named := false
	for _, inv := range invoices {
		seller := byOrg[cmp.Or(orgNumber(inv.SellerOrgNr), orgNumber(inv.SellerEndpoint))]
		if seller == nil || seller.ID != p.Provider || inv.Period() != period {
			continue
		}
		sign := decimal.NewFromInt(1)
		if inv.Credit {
			sign = sign.Neg()
		}
		for _, l := range inv.Lines {
			svc := l.Service
			if _, ok := settled[svc]; ok && svc != "" {
				named = true
			} else {
				svc = ""
			}
			invoiced[svc] = invoiced[svc].Add(l.Amount.Mul(sign))
		}
	}
	if !named {
		return nil
	}
	keys := make([]string, 0, len(settled)+1)
	for k := range settled {
		keys = append(keys, k)
	}
	if _, ok := invoiced[""]; ok {
		keys = append(keys, "")
	}
	slices.Sort(keys)
	out := make([]ServiceCheck, 0, len(keys))
	for _, k := range slices.Compact(keys) {
		out = append(out, ServiceCheck{Service: k, Settled: settled[k], Invoiced: invoiced[k], Difference: invoiced[k].Sub(settled[k])})
	}
	return out
}

func providerID(p *reimbursement.Provider) string {
	if p == nil {
		return ""
	}
	return p.ID
}

// orgNumber returns a Swedish organisation number's ten digits, from its
// written forms (556677-8899, 5566778899, a VAT number SE556677889901, a
// PEPPOL endpoint id 0007:5566778899); "" when it is none.
func orgNumber(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0007:")
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if len(d) == 12 && strings.HasPrefix(strings.ToUpper(s), "SE") && strings.HasSuffix(d, "01") {
		d = d[:10]
	}
	if len(d) != 10 {
		return ""
	}
	return d
}

// ReadInvoices reads every .xml file in fsys (its subdirectories too), in
// name order: the invoices it reads, and the files it cannot read with
// why. err is for a directory that cannot be listed.
func ReadInvoices(fsys fs.FS) (invoices []*Invoice, problems []Problem, err error) {
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(path.Ext(name), ".xml") {
			return nil
		}
		inv, err := readFile(fsys, name)
		if err != nil {
			problems = append(problems, Problem{File: name, Err: err})
			return nil
		}
		invoices = append(invoices, inv)
		return nil
	})
	return invoices, problems, err
}

func readFile(fsys fs.FS, name string) (*Invoice, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && !info.Mode().IsRegular() {
		return nil, errors.New(name + ": not a regular file")
	}
	return ReadInvoice(io.Reader(f), name)
}

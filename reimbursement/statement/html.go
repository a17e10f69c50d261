package statement

import (
	"bufio"
	"embed"
	"errors"
	"html/template"
	"io"
	"strings"

	"github.com/exempelby/ersattning/reimbursement"
)

//go:embed templates
var templateFiles embed.FS

// pages are the HTML documents, parsed once a program: templates do not
// change.
var pages = template.Must(template.New("").Funcs(template.FuncMap{"file": FileName, "dict": dict}).
	ParseFS(templateFiles, "templates/*.html"))

// dict makes a map of key, value pairs, to give a template several values.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// WriteProvider writes the statement (ersättningsunderlag) of provider p
// of the settlement st as an HTML page: the tariff, period and provider;
// a summary per service, component, band, price and factor; every line
// by recipient with its decision, quantity, price, factor and amount, so
// that each krona can be recomputed by hand; markups and adjustments with
// their reasons; what was not paid, with the reason in words and a
// legend; what is pending; the reconciliation of the input; the total.
//
// st gives the head (tariff, period, files); its Providers are not read,
// so that a statement of a national month can be made one provider at a
// time (see reimbursement.ScanSettlement). Recipient ids are shown as
// given. The page needs no script and prints on A4.
func WriteProvider(w io.Writer, st *reimbursement.Settlement, p *reimbursement.ProviderSettlement, opt Options) error {
	if st == nil || p == nil {
		return errors.New("statement: WriteProvider: a nil settlement or provider")
	}
	return execute(w, "provider.html", opt.providerView(opt.head(st), p))
}

// An indexView lists the providers of a settlement.
type indexView struct {
	Head      headView
	Providers []indexRow
	Unmatched []unpaidView
	Legend    []legendRow
	Issues    []reimbursement.Issue
	Total     string
}

type indexRow struct{ Provider, Name, Total string }

// WriteIndex writes the first page of a settlement's statements: every
// provider with its name and total, linked to its statement (FileName),
// what is tied to no decision, the issues, the reconciliation of the
// input and the total.
func WriteIndex(w io.Writer, st *reimbursement.Settlement, opt Options) error {
	if st == nil {
		return errors.New("statement: WriteIndex: a nil settlement")
	}
	v := indexView{Head: opt.head(st), Issues: st.Issues, Total: Money(st.Total, opt.Lang)}
	for _, p := range st.Providers {
		v.Providers = append(v.Providers, indexRow{Provider: p.Provider, Name: p.Name, Total: Money(p.Total, opt.Lang)})
	}
	v.Unmatched, v.Legend = opt.unpaid(st.Unmatched)
	return execute(w, "index.html", v)
}

// FileName returns the name of a provider's statement: its id, with every
// byte that is not an ASCII letter, digit or '-' written as _XX (its
// value in hex), and ".html": no id can name a file elsewhere, two ids
// never share a name, and the name needs no escaping in a link.
func FileName(provider string) string {
	var b strings.Builder
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(provider); i++ {
		c := provider[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	if b.Len() == 0 {
		b.WriteString("_")
	}
	return b.String() + ".html"
}

// execute writes page with data through a buffer.
func execute(w io.Writer, page string, data any) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := pages.ExecuteTemplate(bw, page, data); err != nil {
		return err
	}
	return bw.Flush()
}

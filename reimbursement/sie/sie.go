// Package sie writes a settlement as a bookkeeping order (SIE 4I) for the
// municipality's ledger: the cost of each provider's month booked on the
// expense accounts of its services, with the provider as an object of
// dimension 9 (leverantör), and owed to the provider on the payable
// account.
//
// SIE is the Swedish standard for moving accounting data between
// programs; type 4I is a pre-system's vouchers to be imported into the
// ledger, which numbers them. A file is written in code page 437
// (#FORMAT PC8), as the standard says.
package sie

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

// Accounts maps a settlement's lines to the municipality's accounts: the
// accounts mapping of formats.md, read with ParseAccounts.
type Accounts struct {
	// Company and OrgNr name the municipality (#FNAMN, #ORGNR).
	Company string `json:"company"`
	OrgNr   string `json:"orgnr"`
	// Payable is the account the providers' totals are owed on
	// (leverantörsskulder), credited.
	Payable string `json:"payable"`
	// Expense is the expense account of each service, debited with the
	// service's lines; ByRegime overrides it for the providers of one
	// regime ("municipal", "private"). Default is the account of a
	// service neither names; without it such a service is an error.
	Expense  map[string]string            `json:"expense"`
	ByRegime map[string]map[string]string `json:"expense_by_regime"`
	Default  string                       `json:"default_expense"`
	// Markup and Adjustment are the accounts of markup and adjustment
	// lines; empty books a markup on its service's account and an
	// adjustment on Default (or, without it, on the payable's
	// counterpart is an error).
	Markup     string `json:"markup"`
	Adjustment string `json:"adjustment"`
	// CostCentres gives a service's cost centre (kostnadsställe, object of
	// dimension 1); a service without one books none.
	CostCentres map[string]string `json:"cost_centres"`
	// Names names accounts and cost centres in the file (#KONTO,
	// #OBJEKT 1), by their numbers; optional.
	Names map[string]string `json:"names"`
}

// DefaultAccounts is the mapping used when a municipality gives none: the
// cost of care bought from providers on account 4600 (Kommun-Bas, group
// 46: köp av huvudverksamhet) for every service, markup and adjustment,
// owed on 2440 (leverantörsskulder), no cost centres. A municipality's own
// chart names finer accounts; give them in an accounts file.
func DefaultAccounts() Accounts {
	return Accounts{Payable: "2440", Default: "4600",
		Names: map[string]string{"2440": "Leverantörsskulder", "4600": "Köp av huvudverksamhet"}}
}

// maxAccountsBytes bounds an accounts file: a mapping of a municipality's
// services is a few kilobytes.
const maxAccountsBytes = 1 << 20

// ParseAccounts reads an accounts mapping (JSON). Unknown fields are an
// error, as in a tariff: a misspelt field must not book on the wrong
// account. Every problem is named with its field.
func ParseAccounts(data []byte, file string) (*Accounts, error) {
	if len(data) > maxAccountsBytes {
		return nil, fmt.Errorf("sie: %s: larger than %d bytes", file, maxAccountsBytes)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var a Accounts
	if err := d.Decode(&a); err != nil {
		return nil, fmt.Errorf("sie: %s: %w", file, err)
	}
	var errs []error
	check := func(field, account string) {
		if account != "" && !isAccount(account) {
			errs = append(errs, fmt.Errorf("sie: %s: %s: %s is not an account number", file, field, volume.Quote(account)))
		}
	}
	if a.Payable == "" {
		errs = append(errs, fmt.Errorf("sie: %s: payable: no account", file))
	}
	check("payable", a.Payable)
	check("default_expense", a.Default)
	check("markup", a.Markup)
	check("adjustment", a.Adjustment)
	for svc, acc := range a.Expense {
		check("expense."+svc, acc)
	}
	for reg, m := range a.ByRegime {
		if _, err := reimbursement.ParseRegime(reg); err != nil {
			errs = append(errs, fmt.Errorf("sie: %s: expense_by_regime: %s is not municipal or private", file, volume.Quote(reg)))
		}
		for svc, acc := range m {
			check("expense_by_regime."+reg+"."+svc, acc)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &a, nil
}

// isAccount reports whether s is an account number: four to six digits.
func isAccount(s string) bool {
	if len(s) < 4 || len(s) > 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Options configure a bookkeeping order.
type Options struct {
	// Date is the vouchers' date; the zero Date is the period's last day.
	Date volume.Date
	// Generated is when the file was made (#GEN); the zero time is now.
	// Tests give one, so that a file's bytes do not depend on the day.
	Generated time.Time
	// Program names the program that made the file (#PROGRAM).
	Program string
}

// A Voucher is one provider's part of a bookkeeping order: a debit for
// each service, markup and adjustment, and the credit of the provider's
// total on the payable account; its rows sum to zero.
type Voucher struct {
	Provider, Name string
	Date           volume.Date
	Text           string
	Rows           []Row
}

// A Row is one #TRANS of a voucher: an amount (debit positive, credit
// negative) on an account, with its objects and what it is for (a
// service's code, "markup:<code> <service>", "adjustment", or "" for the
// credit).
type Row struct {
	Account    string
	CostCentre string // object of dimension 1, or ""
	Provider   string // object of dimension 9
	Amount     decimal.Decimal
	Text       string
}

// Providers gives a settlement's providers to each, one at a time, in
// order (the statement package's Providers is one).
type Providers = func(each func(*reimbursement.ProviderSettlement) error) error

// Vouchers makes the vouchers of a settlement (a correction gives those
// of its difference): one per provider with lines, in provider order.
func Vouchers(st *reimbursement.Settlement, a *Accounts, opt Options) ([]Voucher, error) {
	if st == nil || a == nil {
		return nil, errors.New("sie: Vouchers: a nil settlement or accounts")
	}
	return vouchers(st, inMemory(st), a, opt)
}

// inMemory returns the providers of a settlement held in memory.
func inMemory(st *reimbursement.Settlement) Providers {
	return func(each func(*reimbursement.ProviderSettlement) error) error {
		for i := range st.Providers {
			if err := each(&st.Providers[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// vouchers makes the vouchers of the settlement whose head (period,
// correction) is head and whose providers are providers. Every service
// the accounts give no account for is named, not the first only.
func vouchers(head *reimbursement.Settlement, providers Providers, a *Accounts, opt Options) ([]Voucher, error) {
	date := opt.Date
	if date.IsZero() {
		date = head.Period.Last()
	}
	what := "Ersättning"
	if head.CorrectionOf != nil {
		what = "Rättelse av ersättning"
	}
	var out []Voucher
	var missing missingAccounts
	err := providers(func(p *reimbursement.ProviderSettlement) error {
		if len(p.Lines) == 0 || !missing.none(a, p) {
			return nil
		}
		v := Voucher{Provider: p.Provider, Name: p.Name, Date: date, Rows: a.rows(p),
			Text: strings.TrimSpace(fmt.Sprintf("%s %s %s %s", what, head.Period, p.Provider, p.Name))}
		if err := v.check(p.Total); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, cmp.Or(err, missing.err())
}

// missingAccounts gathers the services, and whether the adjustments, the
// accounts give no account for.
type missingAccounts struct {
	services    []string
	adjustments bool
}

// none notes what of p's lines the accounts give no account for, and
// reports whether all have one.
func (m *missingAccounts) none(a *Accounts, p *reimbursement.ProviderSettlement) bool {
	ok := true
	for j := range p.Lines {
		if _, err := a.account(p.Regime, &p.Lines[j]); err != nil {
			ok = false
			if p.Lines[j].Component == "adjustment" {
				m.adjustments = true
			} else {
				m.services = append(m.services, volume.Quote(p.Lines[j].Service))
			}
		}
	}
	return ok
}

func (m *missingAccounts) err() error {
	slices.Sort(m.services)
	services := slices.Compact(m.services)
	var errs []error
	if len(services) > 0 {
		errs = append(errs, fmt.Errorf("sie: the accounts name no expense account for service %s (give expense, or default_expense)",
			strings.Join(services, ", ")))
	}
	if m.adjustments {
		errs = append(errs, errors.New("sie: the accounts name no account for adjustments (give adjustment, or default_expense)"))
	}
	return errors.Join(errs...)
}

// rowKey is what one debit row of a voucher sums: the lines of one
// service, one markup of a service, or the adjustments, on one account.
type rowKey struct {
	kind                      int // services, then markups, then adjustments
	text, account, costCentre string
}

// rows returns a provider's debits, one for each service, markup and the
// adjustments, and the credit of its total. Every line has an account
// (missingAccounts.none).
func (a *Accounts) rows(p *reimbursement.ProviderSettlement) []Row {
	sums := map[rowKey]decimal.Decimal{}
	var keys []rowKey
	for _, l := range p.Lines {
		acc, _ := a.account(p.Regime, &l)
		k := rowKey{text: l.Service, account: acc, costCentre: a.CostCentres[l.Service]}
		switch {
		case strings.HasPrefix(l.Component, "markup:"):
			k.kind, k.text = 1, strings.TrimSpace(l.Component+" "+l.Service)
		case l.Component == "adjustment":
			k.kind, k.text = 2, "adjustment"
		}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] = sums[k].Add(l.Amount)
	}
	slices.SortFunc(keys, func(x, y rowKey) int {
		return cmp.Or(cmp.Compare(x.kind, y.kind), cmp.Compare(x.text, y.text), cmp.Compare(x.account, y.account),
			cmp.Compare(x.costCentre, y.costCentre))
	})
	rows := make([]Row, 0, len(keys)+1)
	for _, k := range keys {
		rows = append(rows, Row{Account: k.account, CostCentre: k.costCentre, Provider: p.Provider, Amount: sums[k], Text: k.text})
	}
	return append(rows, Row{Account: a.Payable, Provider: p.Provider, Amount: p.Total.Neg()})
}

// account returns the account a line is booked on.
func (a *Accounts) account(regime reimbursement.Regime, l *reimbursement.Line) (string, error) {
	switch {
	case strings.HasPrefix(l.Component, "markup:") && a.Markup != "":
		return a.Markup, nil
	case l.Component == "adjustment":
		if acc := cmp.Or(a.Adjustment, a.Default); acc != "" {
			return acc, nil
		}
		return "", errors.New("no account for adjustments")
	}
	if acc := a.ByRegime[regime.String()][l.Service]; acc != "" {
		return acc, nil
	}
	if acc := cmp.Or(a.Expense[l.Service], a.Default); acc != "" {
		return acc, nil
	}
	return "", fmt.Errorf("no expense account for service %s", volume.Quote(l.Service))
}

// check asserts that a voucher balances and credits the provider's total.
func (v *Voucher) check(total decimal.Decimal) error {
	sum, credit := decimal.Zero, decimal.Zero
	for _, r := range v.Rows {
		sum = sum.Add(r.Amount)
	}
	credit = v.Rows[len(v.Rows)-1].Amount.Neg()
	if !sum.IsZero() || !credit.Equal(total) {
		return fmt.Errorf("sie: provider %s: the voucher does not balance (sum %s, credit %s, total %s): a bug", v.Provider, sum, credit, total)
	}
	return nil
}

// Write writes the bookkeeping order of a settlement as a SIE 4I file in
// code page 437: the header (#FLAGGA, #PROGRAM, #FORMAT PC8, #GEN,
// #SIETYP 4, #FNAMN, #ORGNR), the accounts and objects used (#KONTO, #DIM,
// #OBJEKT), and one voucher (#VER with series and number left "" for the
// ledger to give) per provider. A name that code page 437 cannot hold is
// an error that names it.
func Write(w io.Writer, st *reimbursement.Settlement, a *Accounts, opt Options) error {
	if st == nil || a == nil {
		return errors.New("sie: Write: a nil settlement or accounts")
	}
	return WriteStream(w, st, inMemory(st), a, opt)
}

// WriteStream is Write of a settlement given as its head (period,
// correction) and its providers one at a time (see
// reimbursement.ScanSettlement), so that a national month's order is
// made with memory for one provider's lines.
func WriteStream(w io.Writer, head *reimbursement.Settlement, providers Providers, a *Accounts, opt Options) error {
	if head == nil || providers == nil || a == nil {
		return errors.New("sie: WriteStream: a nil settlement, providers or accounts")
	}
	vouchers, err := vouchers(head, providers, a, opt)
	if err != nil {
		return err
	}
	var text strings.Builder
	writeHeader(&text, a, opt)
	writeDeclarations(&text, a, vouchers)
	for i := range vouchers {
		writeVoucher(&text, &vouchers[i])
	}
	encoded, err := charmap.CodePage437.NewEncoder().String(text.String())
	if err != nil {
		return unencodable(text.String())
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(encoded)
	return bw.Flush()
}

// unencodable returns the error naming the first line of text that code
// page 437 cannot hold.
func unencodable(text string) error {
	enc := charmap.CodePage437.NewEncoder()
	for _, line := range strings.Split(text, "\r\n") {
		if _, err := enc.String(line); err != nil {
			return fmt.Errorf("sie: %s: a character that code page 437 (SIE's PC8) cannot hold", volume.Quote(line))
		}
	}
	return errors.New("sie: a character that code page 437 cannot hold")
}

func writeHeader(b *strings.Builder, a *Accounts, opt Options) {
	gen := opt.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	line(b, "#FLAGGA", "0")
	line(b, "#PROGRAM", quote(cmp.Or(opt.Program, "ersattning")), "1.0")
	line(b, "#FORMAT", "PC8")
	line(b, "#GEN", gen.Format("20060102"))
	line(b, "#SIETYP", "4")
	if a.OrgNr != "" {
		line(b, "#ORGNR", a.OrgNr)
	}
	line(b, "#FNAMN", quote(cmp.Or(a.Company, "Kommunen")))
}

// writeDeclarations declares the accounts, dimensions and objects the
// vouchers use.
func writeDeclarations(b *strings.Builder, a *Accounts, vouchers []Voucher) {
	var accounts, centres []string
	providers := map[string]string{}
	for _, v := range vouchers {
		providers[v.Provider] = v.Name
		for _, r := range v.Rows {
			accounts = append(accounts, r.Account)
			if r.CostCentre != "" {
				centres = append(centres, r.CostCentre)
			}
		}
	}
	slices.Sort(accounts)
	for _, acc := range slices.Compact(accounts) {
		if name := a.Names[acc]; name != "" { // the ledger knows its accounts; a name is optional
			line(b, "#KONTO", acc, quote(name))
		}
	}
	slices.Sort(centres)
	centres = slices.Compact(centres)
	if len(centres) > 0 {
		line(b, "#DIM", "1", quote("Kostnadsställe"))
	}
	if len(providers) > 0 {
		line(b, "#DIM", "9", quote("Leverantör"))
	}
	for _, c := range centres {
		line(b, "#OBJEKT", "1", quote(c), quote(cmp.Or(a.Names[c], c)))
	}
	ids := make([]string, 0, len(providers))
	for id := range providers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		line(b, "#OBJEKT", "9", quote(id), quote(cmp.Or(providers[id], id)))
	}
}

func writeVoucher(b *strings.Builder, v *Voucher) {
	line(b, "#VER", `""`, `""`, sieDate(v.Date), quote(v.Text))
	b.WriteString("{\r\n")
	for _, r := range v.Rows {
		objects := []string{}
		if r.CostCentre != "" {
			objects = append(objects, "1", quote(r.CostCentre))
		}
		objects = append(objects, "9", quote(r.Provider))
		b.WriteString("   ")
		fields := []string{r.Account, "{" + strings.Join(objects, " ") + "}", r.Amount.StringFixed(2)}
		if r.Text != "" {
			fields = append(fields, `""`, quote(r.Text)) // transdat (the voucher's), transtext
		}
		line(b, "#TRANS", fields...)
	}
	b.WriteString("}\r\n")
}

// sieDate returns a date as SIE writes it: YYYYMMDD.
func sieDate(d volume.Date) string { return strings.ReplaceAll(d.String(), "-", "") }

// line writes a record: its label and fields, separated by spaces, and a
// CR LF.
func line(b *strings.Builder, label string, fields ...string) {
	b.WriteString(label)
	for _, f := range fields {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	b.WriteString("\r\n")
}

// quote returns s as a SIE string: in quotes, a quote in it after a
// backslash, control characters (a line break among them) as spaces, and
// a backslash as a slash, so that it cannot escape the closing quote.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteByte('/')
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Package invoicecheck checks the providers' e-invoices against the
// settlement (fakturakontroll): what each provider invoiced for a period,
// read from PEPPOL BIS Billing 3.0 (UBL Invoice and CreditNote), beside
// what the municipality settled, per provider and, where the invoice
// lines name a service, per service.
//
// An invoice's own arithmetic is never trusted: its lines are summed and a
// total that differs from them is reported. An invoice that cannot be
// read is reported with the reason, never dropped.
package invoicecheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// Limits of an invoice file, so that no file (a gigabyte, an XML bomb)
// can take more than a real invoice's memory and time.
const (
	MaxInvoiceBytes = 10 << 20 // 10 MiB: an invoice of many thousand lines
	maxDepth        = 64       // elements within elements
	maxLines        = 100000   // invoice lines
)

// An Invoice is what the check reads of one e-invoice or credit note.
type Invoice struct {
	File   string // the file it was read from
	ID     string // the invoice number
	Credit bool   // a credit note (kreditfaktura): its amounts are subtracted
	// IssueDate and the InvoicePeriod's dates, as the invoice has them.
	IssueDate, PeriodStart, PeriodEnd volume.Date
	Currency                          string
	// The seller: its organisation number (PartyLegalEntity CompanyID),
	// its endpoint id and its name.
	SellerOrgNr, SellerEndpoint, SellerName string
	Lines                                   []Line
	// Stated is the invoice's own total without VAT
	// (LegalMonetaryTotal TaxExclusiveAmount); Allowances and Charges are
	// its document-level ones.
	Stated, Allowances, Charges decimal.Decimal
}

// A Line is one invoice line: its amount without VAT and the service it
// names (the seller's item id, else the item's name).
type Line struct {
	Service string
	Amount  decimal.Decimal
}

// Sum returns what the invoice bills, from its lines: the lines' amounts,
// less the document's allowances and plus its charges. A credit note's
// sum is as it is written (positive); Amount gives its sign.
func (inv *Invoice) Sum() decimal.Decimal {
	sum := decimal.Zero
	for _, l := range inv.Lines {
		sum = sum.Add(l.Amount)
	}
	return sum.Sub(inv.Allowances).Add(inv.Charges)
}

// Amount returns what the invoice adds to the provider's invoiced total:
// its Sum, negated for a credit note.
func (inv *Invoice) Amount() decimal.Decimal {
	if inv.Credit {
		return inv.Sum().Neg()
	}
	return inv.Sum()
}

// Period returns the period the invoice is for: the month of its
// InvoicePeriod when that lies in one month, else the month before the
// one it was issued in (providers invoice a month after it).
func (inv *Invoice) Period() volume.Period {
	if !inv.PeriodStart.IsZero() {
		p := volume.PeriodOf(inv.PeriodStart)
		if inv.PeriodEnd.IsZero() || volume.PeriodOf(inv.PeriodEnd) == p {
			return p
		}
	}
	if inv.IssueDate.IsZero() {
		return volume.Period{}
	}
	return volume.PeriodOf(inv.IssueDate).Prev()
}

// The UBL of an invoice, as much as the check reads.
type ublDocument struct {
	XMLName   xml.Name
	ID        string      `xml:"ID"`
	IssueDate string      `xml:"IssueDate"`
	Currency  string      `xml:"DocumentCurrencyCode"`
	Period    ublPeriod   `xml:"InvoicePeriod"`
	Supplier  ublParty    `xml:"AccountingSupplierParty>Party"`
	Totals    ublTotals   `xml:"LegalMonetaryTotal"`
	Allowance []ublCharge `xml:"AllowanceCharge"`
	Lines     []ublLine   `xml:"InvoiceLine"`
	Credits   []ublLine   `xml:"CreditNoteLine"`
}

type ublPeriod struct {
	Start string `xml:"StartDate"`
	End   string `xml:"EndDate"`
}

type ublParty struct {
	Endpoint string   `xml:"EndpointID"`
	Names    []string `xml:"PartyName>Name"`
	Legal    []struct {
		Name      string `xml:"RegistrationName"`
		CompanyID string `xml:"CompanyID"`
	} `xml:"PartyLegalEntity"`
}

type ublAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"currencyID,attr"`
}

type ublTotals struct {
	LineExtension ublAmount `xml:"LineExtensionAmount"`
	TaxExclusive  ublAmount `xml:"TaxExclusiveAmount"`
	Payable       ublAmount `xml:"PayableAmount"`
}

type ublCharge struct {
	Charge string    `xml:"ChargeIndicator"`
	Amount ublAmount `xml:"Amount"`
}

type ublLine struct {
	Amount ublAmount `xml:"LineExtensionAmount"`
	Item   struct {
		Name     string `xml:"Name"`
		SellerID string `xml:"SellersItemIdentification>ID"`
	} `xml:"Item"`
}

// The namespaces of the two documents a provider sends.
const (
	nsInvoice    = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
)

// ReadInvoice reads a PEPPOL BIS Billing 3.0 Invoice or CreditNote. It
// refuses what is not one (another root element, a DOCTYPE, a file over
// MaxInvoiceBytes, elements nested deeper than a real invoice's, an
// amount that is not a decimal, a currency other than SEK), saying why.
func ReadInvoice(r io.Reader, file string) (*Invoice, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInvoiceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(data) > MaxInvoiceBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes: not an invoice this check reads", file, MaxInvoiceBytes)
	}
	if err := checkShape(data); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var doc ublDocument
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not XML: %w", file, err)
	}
	inv, err := convert(&doc, file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return inv, nil
}

// checkShape reads the tokens of data once: a root of the Invoice or
// CreditNote namespace, no DOCTYPE (entities are how an XML bomb grows),
// no deeper nesting than maxDepth.
func checkShape(data []byte) error {
	d := xml.NewDecoder(strings.NewReader(string(data)))
	depth, root := 0, ""
	for {
		t, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not XML: %w", err)
		}
		switch t := t.(type) {
		case xml.Directive:
			return errors.New("a DOCTYPE or other directive: an invoice has none")
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return fmt.Errorf("elements nested more than %d deep", maxDepth)
			}
			if root == "" {
				root = t.Name.Local
			}
		case xml.EndElement:
			depth--
		}
	}
	if root != "Invoice" && root != "CreditNote" {
		return fmt.Errorf("the root element is %s, not Invoice or CreditNote", volume.Quote(root))
	}
	return nil
}

// convert turns the UBL read into an Invoice, checking its values.
func convert(doc *ublDocument, file string) (*Invoice, error) {
	var errs []error
	inv := &Invoice{File: file, ID: strings.TrimSpace(doc.ID), Currency: strings.TrimSpace(doc.Currency),
		SellerEndpoint: strings.TrimSpace(doc.Supplier.Endpoint)}
	switch doc.XMLName.Space {
	case nsInvoice:
	case nsCreditNote:
		inv.Credit = true
	default:
		errs = append(errs, fmt.Errorf("the namespace %s is not UBL Invoice-2 or CreditNote-2", volume.Quote(doc.XMLName.Space)))
	}
	if inv.Currency != "SEK" {
		errs = append(errs, fmt.Errorf("the currency is %s, not SEK", volume.Quote(inv.Currency)))
	}
	for _, n := range doc.Supplier.Names {
		inv.SellerName = strings.TrimSpace(n)
	}
	for _, l := range doc.Supplier.Legal {
		inv.SellerName = cmpOr(strings.TrimSpace(l.Name), inv.SellerName)
		inv.SellerOrgNr = cmpOr(strings.TrimSpace(l.CompanyID), inv.SellerOrgNr)
	}
	date := func(field, s string) volume.Date {
		if s = strings.TrimSpace(s); s == "" {
			return volume.Date{}
		}
		d, err := volume.ParseDate(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s is not a date", field, volume.Quote(s)))
		}
		return d
	}
	inv.IssueDate = date("IssueDate", doc.IssueDate)
	inv.PeriodStart, inv.PeriodEnd = date("InvoicePeriod StartDate", doc.Period.Start), date("InvoicePeriod EndDate", doc.Period.End)
	amount := func(field string, a ublAmount) decimal.Decimal {
		s := strings.TrimSpace(a.Value)
		d, err := decimal.NewFromString(s)
		if err != nil || strings.ContainsAny(s, "eE") || d.Exponent() < -2 {
			errs = append(errs, fmt.Errorf("%s: %s is not an amount", field, volume.Quote(s)))
		}
		if a.Currency != "" && a.Currency != "SEK" {
			errs = append(errs, fmt.Errorf("%s: in %s, not SEK", field, volume.Quote(a.Currency)))
		}
		return d
	}
	inv.Stated = amount("TaxExclusiveAmount", doc.Totals.TaxExclusive)
	for _, c := range doc.Allowance {
		if strings.TrimSpace(c.Charge) == "true" {
			inv.Charges = inv.Charges.Add(amount("AllowanceCharge Amount", c.Amount))
		} else {
			inv.Allowances = inv.Allowances.Add(amount("AllowanceCharge Amount", c.Amount))
		}
	}
	lines := append(doc.Lines, doc.Credits...)
	if len(lines) > maxLines {
		errs = append(errs, fmt.Errorf("%d lines, at most %d", len(lines), maxLines))
		lines = nil
	}
	for i, l := range lines {
		service := cmpOr(strings.TrimSpace(l.Item.SellerID), strings.TrimSpace(l.Item.Name))
		inv.Lines = append(inv.Lines, Line{Service: service, Amount: amount(fmt.Sprintf("line %d LineExtensionAmount", i+1), l.Amount)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return inv, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

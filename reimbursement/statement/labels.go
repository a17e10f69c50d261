package statement

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
)

// Lang is the language of a document. The zero Lang is Swedish, the
// language of the municipalities and providers who read them.
type Lang uint8

// The languages of the documents.
const (
	Swedish Lang = iota
	English
)

// ParseLang parses "sv" or "en".
func ParseLang(s string) (Lang, error) {
	switch s {
	case "sv", "":
		return Swedish, nil
	case "en":
		return English, nil
	}
	return 0, fmt.Errorf("statement: ParseLang(%q): want sv or en", s)
}

// String returns "sv" or "en".
func (l Lang) String() string {
	if l == English {
		return "en"
	}
	return "sv"
}

// text is one text in both languages.
type text struct{ sv, en string }

func (t text) in(l Lang) string {
	if l == English {
		return t.en
	}
	return t.sv
}

// reasonTexts say in words why a record was not paid (rules §2, §5–§9).
var reasonTexts = map[reimbursement.Reason]text{
	reimbursement.ReasonNotApproved:     {"Ej godkänd av kommunen", "Not approved by the municipality"},
	reimbursement.ReasonNoDecision:      {"Inget beslut för brukaren och insatsen den dagen", "No decision for the recipient and service on that day"},
	reimbursement.ReasonWrongProvider:   {"Beslutet gäller en annan utförare", "The decision names another provider"},
	reimbursement.ReasonUnknownProvider: {"Utföraren finns inte i utförarlistan", "The provider is not in the provider list"},
	reimbursement.ReasonDuplicateID:     {"Samma id förekommer med olika innehåll", "The id is used with different content"},
	reimbursement.ReasonInvalidInput:    {"Raden kunde inte läsas", "The row could not be read"},
	reimbursement.ReasonDecisionConfl:   {"Överlappande beslut samma dag", "Decisions that overlap on the day"},
	reimbursement.ReasonAmbiguousTime:   {"Tvetydig tid (timmen som upprepas när sommartiden slutar)", "Ambiguous time (the hour repeated when summer time ends)"},
	reimbursement.ReasonInvalidTime:     {"Tiden finns inte (timmen som hoppas över när sommartiden börjar)", "The time does not exist (the hour skipped when summer time starts)"},
	reimbursement.ReasonInvalidInterval: {"Sluttiden är inte efter starttiden", "The end is not after the start"},
	reimbursement.ReasonTooLong:         {"Längre än 24 timmar", "Longer than 24 hours"},
	reimbursement.ReasonZeroLength:      {"Noll minuter efter avrundning", "Zero minutes after rounding"},
	reimbursement.ReasonStaffNotGranted: {"Dubbelbemanning som inte är beviljad", "Extra staff not granted"},
	reimbursement.ReasonOverlap:         {"Överlappar ett tidigare besök eller en tidigare frånvaro", "Overlaps an earlier visit or absence"},
	reimbursement.ReasonOverGranted:     {"Över beviljad tid", "Over the granted time"},
	reimbursement.ReasonDeclinedNotPaid: {"Avböjt besök ersätts inte", "A declined visit is not paid"},
	reimbursement.ReasonNoRate:          {"Ingen ersättningsnivå i taxan", "No rate in the tariff"},
	reimbursement.ReasonNotBillable:     {"Insatsen ersätts inte per registrering", "The service is not paid per record"},
	reimbursement.ReasonDuplicateDate:   {"Flera närvaroregistreringar samma dag", "Several presence records on one day"},
	reimbursement.ReasonSharedMismatch:  {"Raderna för ett delat besök stämmer inte överens", "The rows of a shared visit do not agree"},
}

// reasonText returns the words for reason r, or r itself when it has none.
func reasonText(r reimbursement.Reason, l Lang) string {
	if t, ok := reasonTexts[r]; ok {
		return t.in(l)
	}
	return string(r)
}

// componentTexts name the components of a line.
var componentTexts = map[string]text{
	"base":       {"Grundersättning", "Base"},
	"declined":   {"Avböjt besök", "Declined visit"},
	"absence":    {"Frånvaro", "Absence"},
	"adjustment": {"Justering", "Adjustment"},
	"premises":   {"Lokalschablon", "Premises"},
	"vacancy":    {"Tom plats", "Vacancy"},
	"start":      {"Startersättning", "Start payment"},
}

// componentText returns the words for a line's component.
func componentText(c string, l Lang) string {
	if t, ok := componentTexts[c]; ok {
		return t.in(l)
	}
	if code, ok := strings.CutPrefix(c, "markup:"); ok {
		return text{"Påslag: ", "Markup: "}.in(l) + code
	}
	return c
}

// unitTexts name a line's unit, as its quantity is shown.
var unitTexts = map[reimbursement.Unit]text{
	reimbursement.Minute: {"tid", "time"},
	reimbursement.Day:    {"dygn", "days"},
	reimbursement.Visit:  {"besök", "visits"},
	reimbursement.Month:  {"månad", "months"},
	reimbursement.SEK:    {"kr", "SEK"},
}

func unitText(u reimbursement.Unit, l Lang) string {
	if t, ok := unitTexts[u]; ok {
		return t.in(l)
	}
	return u.String()
}

// regimeText names a provider's regime.
func regimeText(r reimbursement.Regime, l Lang) string {
	switch r {
	case reimbursement.Municipal:
		return text{"egen regi", "municipal"}.in(l)
	case reimbursement.Private:
		return text{"privat utförare (LOV)", "private provider (LOV)"}.in(l)
	}
	return ""
}

// nbsp is the no-break space between the thousands of a number in a
// document, so that a number is never broken over two lines.
const nbsp = "\u00a0"

// Money returns an amount as a reader of lang writes it, with two
// decimals: "1 234,56" in Swedish (a no-break space between thousands)
// and "1,234.56" in English.
func Money(d decimal.Decimal, l Lang) string { return number(d.StringFixed(2), l) }

// Decimal returns a decimal with as many decimals as it has, in the form
// of Money.
func Decimal(d decimal.Decimal, l Lang) string { return number(d.String(), l) }

// number puts a decimal string ("-1234.5") in the form of lang.
func number(s string, l Lang) string {
	sep, point := nbsp, ","
	if l == English {
		sep, point = ",", "."
	}
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// Minutes returns a number of minutes as hours and minutes, exactly:
// "100 h 5 min" (Swedish "100 tim 5 min"), so that a quantity can be
// checked by hand against its price per hour.
func Minutes(m int64, l Lang) string {
	h, hUnit := text{"tim", "h"}.in(l), "min"
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	switch {
	case m < 60:
		return fmt.Sprintf("%s%d %s", sign, m, hUnit)
	case m%60 == 0:
		return fmt.Sprintf("%s%s %s", sign, number(fmt.Sprint(m/60), l), h)
	}
	return fmt.Sprintf("%s%s %s %d %s", sign, number(fmt.Sprint(m/60), l), h, m%60, hUnit)
}

// Quantity returns a line's quantity in its unit: minutes as hours and
// minutes, money as money, others as numbers.
func Quantity(q decimal.Decimal, u reimbursement.Unit, l Lang) string {
	switch u {
	case reimbursement.Minute:
		if q.IsInteger() {
			return Minutes(q.IntPart(), l)
		}
	case reimbursement.SEK:
		return Money(q, l) + " " + unitText(u, l)
	}
	return Decimal(q, l) + " " + unitText(u, l)
}

// Price returns a line's price per unit: per hour for minutes; per month
// for days of a month prorated by its days (a divisor other than 1).
func Price(p decimal.Decimal, u reimbursement.Unit, divisor decimal.Decimal, l Lang) string {
	if u == reimbursement.Day && !divisor.Equal(decimal.NewFromInt(1)) {
		u = reimbursement.Month
	}
	per := map[reimbursement.Unit]text{
		reimbursement.Minute: {"kr/tim", "SEK/h"},
		reimbursement.Day:    {"kr/dygn", "SEK/day"},
		reimbursement.Visit:  {"kr/besök", "SEK/visit"},
		reimbursement.Month:  {"kr/mån", "SEK/month"},
	}[u]
	if u == reimbursement.SEK {
		return "" // an amount times a factor: the price is 1
	}
	if per.sv == "" {
		return Money(p, l)
	}
	return Money(p, l) + " " + per.in(l)
}

// Percent returns a factor as a percent: "50 %".
func Percent(f decimal.Decimal, l Lang) string {
	return Decimal(f.Shift(2), l) + nbsp + "%"
}

// labels are the fixed words of the documents, in one language.
type labels struct {
	Title, IndexTitle, CorrectionTitle, Period, Tariff, Provider, Name, Regime string
	Summary, Service, Component, Band, Quantity, Price, Factor, Divisor        string
	Amount, Valid, Recipient, Decision, Reports, Lines, Markups, Adjustments   string
	Reason, NotPaid, Code, Legend, Pending, Reconciliation, File, Rows         string
	Accounted, Encoding, Total, RecipientTotal, Formula, PreviousTotal         string
	NewTotal, Difference, Old, New, Detail, Unmatched, Issues, NoChanges       string
	Providers, Statement, Changed, Currency                                    string
	RunTitle, RunProviders, Settlement, Corrections, Corrected, Locked         string
	LockedIDs                                                                  string
}

var swedishLabels = labels{
	Title: "Ersättningsunderlag", IndexTitle: "Ersättningsunderlag per utförare", CorrectionTitle: "Rättelse av ersättningsunderlag",
	Period: "Period", Tariff: "Ersättningsmodell", Provider: "Utförare", Name: "Namn", Regime: "Driftform",
	Summary: "Sammanställning", Service: "Insats", Component: "Komponent", Band: "Tidsband", Quantity: "Antal",
	Price: "Pris", Factor: "Faktor", Divisor: "Delare", Amount: "Belopp", Valid: "Prisrad giltig",
	Recipient: "Brukare", Decision: "Beslut", Reports: "Underlag (id)", Lines: "Rader per brukare",
	Markups: "Påslag", Adjustments: "Justeringar", Reason: "Orsak", NotPaid: "Ej ersatt", Code: "Kod",
	Legend: "Förklaring av orsakskoderna", Pending: "Väntar på godkännande", Reconciliation: "Avstämning av inläsningen",
	File: "Fil", Rows: "Rader lästa", Accounted: "Redovisade", Encoding: "Teckenkodning", Total: "Summa att betala",
	RecipientTotal: "Summa för brukaren",
	Formula:        "Belopp = antal × pris × faktor ÷ delare, avrundat en gång per rad till hela ören (tid: antal timmar × pris per timme).",
	PreviousTotal:  "Tidigare utbetalt", NewTotal: "Nytt belopp", Difference: "Skillnad", Old: "Tidigare", New: "Nu",
	Detail: "Detalj", Unmatched: "Ej kopplade till något beslut", Issues: "Anmärkningar",
	NoChanges: "Inga ändrade rader.", Providers: "Utförare", Statement: "Underlag", Changed: "Ändrade rader",
	Currency: "kr",
	RunTitle: "Ersättningskörning", RunProviders: "Att betala per utförare", Settlement: "Avräkning",
	Corrections: "Rättelser", Corrected: "Rättelser av tidigare perioder", Locked: "Spärrade perioder (skillnaden betalas inte)",
	LockedIDs: "ändrade underlag",
}

var englishLabels = labels{
	Title: "Reimbursement statement", IndexTitle: "Reimbursement statements by provider", CorrectionTitle: "Correction of the reimbursement statement",
	Period: "Period", Tariff: "Tariff", Provider: "Provider", Name: "Name", Regime: "Regime",
	Summary: "Summary", Service: "Service", Component: "Component", Band: "Time band", Quantity: "Quantity",
	Price: "Price", Factor: "Factor", Divisor: "Divisor", Amount: "Amount", Valid: "Rate valid",
	Recipient: "Recipient", Decision: "Decision", Reports: "Records (ids)", Lines: "Lines by recipient",
	Markups: "Markups", Adjustments: "Adjustments", Reason: "Reason", NotPaid: "Not paid", Code: "Code",
	Legend: "The reason codes", Pending: "Pending approval", Reconciliation: "Reconciliation of the input",
	File: "File", Rows: "Rows read", Accounted: "Accounted for", Encoding: "Encoding", Total: "Total to pay",
	RecipientTotal: "Recipient total",
	Formula:        "Amount = quantity × price × factor ÷ divisor, rounded once per line to whole öre (time: hours × price per hour).",
	PreviousTotal:  "Paid before", NewTotal: "New amount", Difference: "Difference", Old: "Before", New: "Now",
	Detail: "Detail", Unmatched: "Tied to no decision", Issues: "Issues",
	NoChanges: "No changed lines.", Providers: "Providers", Statement: "Statement", Changed: "Changed lines",
	Currency: "SEK",
	RunTitle: "Settlement run", RunProviders: "To pay by provider", Settlement: "Settlement",
	Corrections: "Corrections", Corrected: "Corrections of earlier periods", Locked: "Locked periods (the difference is not paid)",
	LockedIDs: "records changed",
}

func labelsOf(l Lang) labels {
	if l == English {
		return englishLabels
	}
	return swedishLabels
}

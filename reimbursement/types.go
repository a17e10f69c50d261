package reimbursement

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// Regime is how a provider is run. The zero Regime is no regime: on a rate
// row it means "any regime".
type Regime uint8

// The regimes of rules §1.
const (
	AnyRegime Regime = iota
	Municipal        // egen regi
	Private          // LOV/LOU, private provider
)

// String returns "municipal", "private", or "" for AnyRegime.
func (r Regime) String() string {
	switch r {
	case AnyRegime:
		return ""
	case Municipal:
		return "municipal"
	case Private:
		return "private"
	}
	return fmt.Sprintf("%%!Regime(%d)", uint8(r))
}

// ParseRegime parses "municipal" or "private".
func ParseRegime(s string) (Regime, error) {
	switch s {
	case "municipal":
		return Municipal, nil
	case "private":
		return Private, nil
	}
	return 0, fmt.Errorf("reimbursement: ParseRegime(%s): not municipal or private", volume.Quote(s))
}

// MarshalText implements encoding.TextMarshaler.
func (r Regime) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler: "municipal",
// "private", or "" for AnyRegime.
func (r *Regime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = AnyRegime
		return nil
	}
	v, err := ParseRegime(string(b))
	if err == nil {
		*r = v
	}
	return err
}

// Unit is what a quantity counts: a service's unit (Hour, Day, Visit,
// Month) or a line's (Minute, Day, Visit, Month, SEK). The zero Unit means no
// quantity.
type Unit uint8

// The units.
const (
	NoUnit Unit = iota
	Hour
	Minute
	Day
	Visit
	Month
	SEK
)

var unitNames = [...]string{"", "hour", "minute", "day", "visit", "month", "SEK"}

// String returns the unit's name as the formats write it.
func (u Unit) String() string {
	if int(u) < len(unitNames) {
		return unitNames[u]
	}
	return fmt.Sprintf("%%!Unit(%d)", uint8(u))
}

// MarshalText implements encoding.TextMarshaler.
func (u Unit) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// Basis is how a service's volume is counted (rules §5, §6).
type Basis uint8

// The bases. The zero Basis is the unit's default: Performed for hour
// services, Placement for day services.
const (
	DefaultBasis Basis = iota
	Performed          // utförd tid
	Capped             // utförd tid, högst beviljad tid
	Granted            // beviljad tid
	Placement          // every stay day of the decision
	Presence           // approved presence days
)

var basisNames = [...]string{"", "performed", "capped", "granted", "placement", "presence"}

// String returns the basis as the tariff writes it.
func (b Basis) String() string {
	if int(b) < len(basisNames) {
		return basisNames[b]
	}
	return fmt.Sprintf("%%!Basis(%d)", uint8(b))
}

// MarshalText implements encoding.TextMarshaler: the basis as the tariff
// writes it, "" for DefaultBasis.
func (b Basis) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Basis) UnmarshalText(text []byte) error {
	for i, n := range basisNames {
		if n == string(text) {
			*b = Basis(i)
			return nil
		}
	}
	return fmt.Errorf("reimbursement: %s is not a basis", volume.Quote(string(text)))
}

// Per is the period of a decision's granted hours.
type Per uint8

// The periods of granted hours. The zero Per means nothing is granted.
const (
	NotGranted Per = iota
	PerDay
	PerWeek
	PerMonth
)

var perNames = [...]string{"", "day", "week", "month"}

// String returns "day", "week", "month" or "".
func (p Per) String() string {
	if int(p) < len(perNames) {
		return perNames[p]
	}
	return fmt.Sprintf("%%!Per(%d)", uint8(p))
}

// ParsePer parses "day", "week" or "month"; "" is NotGranted.
func ParsePer(s string) (Per, error) {
	for i, n := range perNames {
		if n == s {
			return Per(i), nil
		}
	}
	return 0, fmt.Errorf("reimbursement: ParsePer(%s): not day, week or month", volume.Quote(s))
}

// MarshalText implements encoding.TextMarshaler: "day", "week", "month",
// or "" for NotGranted.
func (p Per) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, as ParsePer.
func (p *Per) UnmarshalText(b []byte) error {
	v, err := ParsePer(string(b))
	if err == nil {
		*p = v
	}
	return err
}

// A Provider is a care provider (utförare). A provider row that could not
// be read has Invalid set; it is listed as an invalid-provider issue and
// is not a provider of the settlement.
type Provider struct {
	ID     string
	Name   string
	Regime Regime
	// OrgNr is the provider's organisation number, as providers.csv's
	// optional orgnr column gives it: how its e-invoices name it.
	OrgNr   string
	Invalid error
	Source  volume.Source // where it was read; zero when made in Go
}

// End reasons of a decision.
const (
	EndDeceased = "deceased"
	EndMoved    = "moved"
	EndOther    = "other"
)

// A Decision (biståndsbeslut) grants a recipient a service from a provider
// between From and To, inclusive. A zero To is open-ended. An empty Provider
// is the tariff's no-choice provider (ickevalsalternativ).
type Decision struct {
	ID           string
	Recipient    string
	Provider     string
	Service      string
	From, To     volume.Date
	GrantedHours decimal.Decimal // per GrantedPer
	GrantedPer   Per
	Level        string // nivå
	Extent       string // omfattning
	Area         string // e.g. tätort, landsbygd
	Staff        int    // granted staff; 0 means 1
	EndReason    string // deceased, moved, other or ""
	Invalid      error  // non-nil when the row could not be read
	Source       volume.Source
}

// Contains reports whether d is valid on date.
func (d Decision) Contains(date volume.Date) bool { return d.contains(date) }

// contains is Contains without copying the decision.
func (d *Decision) contains(date volume.Date) bool {
	return !date.Before(d.From) && (d.To.IsZero() || !date.After(d.To))
}

// An Adjustment (avdrag, vite, manuell justering) is a signed amount for a
// provider and period, with a reason, optionally for one recipient and
// service.
type Adjustment struct {
	ID        string
	Provider  string
	Period    volume.Period
	Amount    decimal.Decimal
	Reason    string
	Recipient string
	Service   string
	Invalid   error
	Source    volume.Source
}

// Reason is why a record, or part of one, is not paid.
type Reason string

// The reasons of the rules.
const (
	ReasonNotApproved     Reason = "not-approved"
	ReasonNoDecision      Reason = "no-decision"
	ReasonWrongProvider   Reason = "wrong-provider"
	ReasonUnknownProvider Reason = "unknown-provider"
	ReasonDuplicateID     Reason = "duplicate-id"
	ReasonInvalidInput    Reason = "invalid-input"
	ReasonDecisionConfl   Reason = "decision-conflict"
	ReasonAmbiguousTime   Reason = "ambiguous-time"
	ReasonInvalidTime     Reason = "invalid-time"
	ReasonInvalidInterval Reason = "invalid-interval"
	ReasonTooLong         Reason = "too-long"
	ReasonZeroLength      Reason = "zero-length"
	ReasonStaffNotGranted Reason = "staff-not-granted"
	ReasonOverlap         Reason = "overlap"
	ReasonOverGranted     Reason = "over-granted"
	ReasonDeclinedNotPaid Reason = "declined-not-paid"
	ReasonNoRate          Reason = "no-rate"
	// ReasonNotBillable is given to a time report against a day or month
	// service, and to a presence against a service that is not paid by
	// presence: such records never change pay.
	ReasonNotBillable Reason = "not-billable"
	// ReasonDuplicateDate is given to a second approved presence of one
	// recipient and service on one date.
	ReasonDuplicateDate Reason = "duplicate-date"
	// ReasonSharedMismatch is given to the rows of a shared visit that
	// do not agree on provider, service, start and end (rules §5 step 1).
	ReasonSharedMismatch Reason = "shared-mismatch"
)

// Issue kinds of a settlement.
const (
	IssueDecisionConflict = "decision-conflict"
	IssueTariffGap        = "tariff-gap"
	IssueInvalidDecision  = "invalid-decision"
	// IssueInvalidProvider names a provider row that could not be read;
	// records of that provider are then unknown-provider.
	IssueInvalidProvider = "invalid-provider"
	// IssueUnknownColumn names a file with a column no rule reads (a
	// misspelt optional column is one), with the nearest known name.
	IssueUnknownColumn = "unknown-column"
)

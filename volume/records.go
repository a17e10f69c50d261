package volume

import "fmt"

// Status is whether the municipality has approved a record (rules §1).
// The zero Status is Approved, the default of an empty cell.
type Status uint8

// The statuses of a record.
const (
	Approved Status = iota // godkänd: paid
	Pending                // not yet decided: listed as pending
	Rejected               // not paid, reason not-approved
)

var statusNames = [...]string{"approved", "pending", "rejected"}

// String returns "approved", "pending" or "rejected".
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("%%!Status(%d)", uint8(s))
}

// ParseStatus parses a status; the empty string is Approved.
func ParseStatus(s string) (Status, error) {
	switch s {
	case "", "approved":
		return Approved, nil
	case "pending":
		return Pending, nil
	case "rejected":
		return Rejected, nil
	}
	return 0, fmt.Errorf("volume: ParseStatus(%q): not approved, pending or rejected", s)
}

// Kind is what a time report records. The zero Kind is Visit.
type Kind uint8

// The kinds of time report.
const (
	Visit    Kind = iota // a performed visit (besök)
	Declined             // a visit the recipient declined or missed (avböjt/uteblivet besök)
)

// String returns "visit" or "declined".
func (k Kind) String() string {
	switch k {
	case Visit:
		return "visit"
	case Declined:
		return "declined"
	}
	return fmt.Sprintf("%%!Kind(%d)", uint8(k))
}

// ParseKind parses a kind; the empty string is Visit.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "", "visit":
		return Visit, nil
	case "declined":
		return Declined, nil
	}
	return 0, fmt.Errorf("volume: ParseKind(%q): not visit or declined", s)
}

// A Report is one time report (tidsregistrering): a visit by a provider to a
// recipient for a service, from Start to End, by Staff people.
//
// A report that could not be read has Invalid set to why; it keeps the
// fields that could be read so that it can still be accounted for.
type Report struct {
	ID        string
	Recipient string
	Provider  string
	Service   string
	Start     Timestamp
	End       Timestamp
	Staff     int // people on the visit; 0 means 1
	Kind      Kind
	Status    Status
	Invalid   error // non-nil when the row could not be read
}

// Absence reasons of rules §7.
const (
	ReasonHospital = "hospital" // sjukhusvistelse
	ReasonPlanned  = "planned"  // föranmäld bortavaro
	ReasonOther    = "other"
)

// An Absence (frånvaro) is a period From..To (inclusive) when a recipient
// did not receive a service.
type Absence struct {
	ID        string
	Recipient string
	Service   string
	From, To  Date
	Reason    string // hospital, planned or other
	Status    Status
	Invalid   error
}

// A Presence (närvaro) is one attended day of a presence-based day service.
type Presence struct {
	ID        string
	Recipient string
	Provider  string
	Service   string
	Date      Date
	Extent    string // overrides the decision's extent for the rate when given
	Status    Status
	Invalid   error
}

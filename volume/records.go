package volume

import (
	"fmt"
	"strconv"
)

// Status is whether the municipality has approved a record (rules §1).
//
// The zero Status is not a status: a record whose status was never given
// is invalid and is not paid (reason invalid-input, "status not given"),
// so that a record built in Go without a status is never paid by mistake.
// The decoders set Approved for an empty cell, as formats.md says.
type Status uint8

// The statuses of a record.
const (
	_        Status = iota // not given: invalid
	Approved               // godkänd: paid
	Pending                // not yet decided: listed as pending
	Rejected               // not paid, reason not-approved
)

var statusNames = [...]string{"", "approved", "pending", "rejected"}

// IsValid reports whether s is one of Approved, Pending and Rejected.
func (s Status) IsValid() bool { return s >= Approved && s <= Rejected }

// String returns "approved", "pending" or "rejected", and "%!Status(N)"
// for a Status that is not valid.
func (s Status) String() string {
	if s.IsValid() {
		return statusNames[s]
	}
	return fmt.Sprintf("%%!Status(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler; the zero Status and other
// invalid ones are an error.
func (s Status) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("volume: Status(%d) is not a status", uint8(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, as ParseStatus.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseStatus parses a status as a CSV cell holds it: the empty string is
// Approved (formats.md).
func ParseStatus(s string) (Status, error) {
	switch s {
	case "", "approved":
		return Approved, nil
	case "pending":
		return Pending, nil
	case "rejected":
		return Rejected, nil
	}
	return 0, fmt.Errorf("volume: ParseStatus(%s): not approved, pending or rejected", Quote(s))
}

// Kind is what a time report records.
//
// The zero Kind is not a kind: a report whose kind was never given is
// invalid and is not paid. The decoders set Visit for an empty cell.
type Kind uint8

// The kinds of time report.
const (
	_        Kind = iota // not given: invalid
	Visit                // a performed visit (besök)
	Declined             // a visit the recipient declined or missed (avböjt/uteblivet besök)
)

var kindNames = [...]string{"", "visit", "declined"}

// IsValid reports whether k is Visit or Declined.
func (k Kind) IsValid() bool { return k == Visit || k == Declined }

// String returns "visit" or "declined", and "%!Kind(N)" for a Kind that is
// not valid.
func (k Kind) String() string {
	if k.IsValid() {
		return kindNames[k]
	}
	return fmt.Sprintf("%%!Kind(%d)", uint8(k))
}

// MarshalText implements encoding.TextMarshaler; the zero Kind and other
// invalid ones are an error.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.IsValid() {
		return nil, fmt.Errorf("volume: Kind(%d) is not a kind", uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, as ParseKind.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseKind parses a kind as a CSV cell holds it: the empty string is
// Visit (formats.md).
func ParseKind(s string) (Kind, error) {
	switch s {
	case "", "visit":
		return Visit, nil
	case "declined":
		return Declined, nil
	}
	return 0, fmt.Errorf("volume: ParseKind(%s): not visit or declined", Quote(s))
}

// A Source is where a record was read: a file and the 1-based physical
// line its row starts on, the header being line 1. A settlement names a
// record that has no id by its Source ("reports.csv:812", rules §2), and
// counts the rows of each file by it.
//
// The zero Source is a record made in Go rather than read from a file;
// the settlement then names it by its place in the input it came in
// ("Input.Reports:3", the third report given).
type Source struct {
	File string
	Line int
}

// IsZero reports whether s is the zero Source.
func (s Source) IsZero() bool { return s == Source{} }

// String returns "FILE:LINE", or "" for the zero Source.
func (s Source) String() string {
	if s.IsZero() {
		return ""
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}

// A Report is one time report (tidsregistrering): a visit by a provider to a
// recipient for a service, from Start to End, by Staff people.
//
// Staff, Kind and Status must be given: a report with Staff below 1, or
// the zero Kind or Status, is invalid and is not paid (invalid-input).
// A report that could not be read has Invalid set to why; it keeps the
// fields that could be read so that it can still be accounted for.
type Report struct {
	ID        string
	Recipient string
	Provider  string
	Service   string
	Start     Timestamp
	End       Timestamp
	Staff     int // people on the visit, from 1
	Kind      Kind
	Status    Status
	// Shared is the id of a visit given to several recipients together
	// (sammanboende, a group activity: rules §5 step 1), the same on each
	// of its rows; "" for a visit of its own.
	Shared  string
	Invalid error  // non-nil when the row could not be read
	Source  Source // where it was read; zero when made in Go
}

// Absence reasons of rules §7.
const (
	ReasonHospital = "hospital" // sjukhusvistelse
	ReasonPlanned  = "planned"  // föranmäld bortavaro
	ReasonOther    = "other"
)

// An Absence (frånvaro) is a period From..To (inclusive) when a recipient
// did not receive a service. Its Status must be given, as a Report's.
type Absence struct {
	ID        string
	Recipient string
	Service   string
	From, To  Date
	Reason    string // hospital, planned or other
	Status    Status
	Invalid   error
	Source    Source
}

// A Presence (närvaro) is one attended day of a presence-based day
// service. Its Status must be given, as a Report's.
type Presence struct {
	ID        string
	Recipient string
	Provider  string
	Service   string
	Date      Date
	Extent    string // overrides the decision's extent for the rate when given
	Status    Status
	Invalid   error
	Source    Source
}

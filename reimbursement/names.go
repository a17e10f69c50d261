package reimbursement

import (
	"strings"

	"github.com/exempelby/ersattning/volume"
)

type recKey struct{ recipient, service string }

// key returns the interned key of a recipient and service, and whether
// both names are known.
func (s *Settler) key(recipient, service string) (uint64, bool) {
	r, ok1 := s.names[recipient]
	v, ok2 := s.names[service]
	return uint64(uint32(r))<<32 | uint64(uint32(v)), ok1 && ok2
}

// intern returns the number of name, adding it when new.
func (s *Settler) intern(name string) int32 {
	if i, ok := s.names[name]; ok {
		return i
	}
	i := int32(len(s.nameList))
	name = strings.Clone(name)
	s.names[name] = i
	s.nameList = append(s.nameList, name)
	s.provOf = append(s.provOf, -1)
	return i
}

// nameCache remembers the last name of one field: reports come in runs of
// one recipient, provider and service.
type nameCache struct {
	name string
	i    int32
	ok   bool
}

func (s *Settler) internField(field int, name string) int32 {
	c := &s.lastName[field]
	if c.ok && c.name == name {
		return c.i
	}
	i := s.intern(name)
	*c = nameCache{name: name, i: i, ok: true}
	return i
}

// provOfRec returns the provider index of x, -1 when unknown.
func (s *Settler) provOfRec(x *rec) int32 { return s.provOf[s.recNames[x.names].provider] }

// recNames are the interned recipient, service and provider of reports,
// kept once for all the reports that share them (Settler.recNames).
type recNames struct{ recipient, service, provider int32 }

// namesOf returns the number of names n in Settler.recNames, kept there
// once when new: as many as a month has recipients with their services and
// providers, however many reports, and a number names one set of names.
// The reports of a month in order come in long runs of the same names.
func (s *Settler) namesOf(n recNames) int32 {
	if s.lastNames.ok && s.lastNames.n == n {
		return s.lastNames.i
	}
	i, ok := s.namesIdx[n]
	if !ok {
		i = int32(len(s.recNames))
		s.recNames = append(s.recNames, n)
		if s.namesIdx == nil {
			s.namesIdx = map[recNames]int32{}
		}
		s.namesIdx[n] = i
	}
	s.lastNames = namesCache{n: n, i: i, ok: true}
	return i
}

// namesCache is the last names namesOf was asked for.
type namesCache struct {
	n  recNames
	i  int32
	ok bool
}

// Bits of addReport's same: which names are those of the report added
// before.
const (
	sameRecipient = 1 << iota
	sameProvider
	sameService
	sameAll = sameRecipient | sameProvider | sameService
)

// sameNames returns the bits of addReport's same for report r added after
// prev.
func sameNames(r, prev *volume.Report) uint8 {
	var same uint8
	if r.Recipient == prev.Recipient {
		same |= sameRecipient
	}
	if r.Provider == prev.Provider {
		same |= sameProvider
	}
	if r.Service == prev.Service {
		same |= sameService
	}
	return same
}

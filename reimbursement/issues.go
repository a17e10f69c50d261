package reimbursement

import (
	"fmt"
	"slices"

	"github.com/exempelby/ersattning/volume"
)

func (s *Settler) issue(kind string, ids []string, format string, args ...any) {
	s.issues = append(s.issues, Issue{Kind: kind, IDs: ids, Message: fmt.Sprintf(format, args...)})
}

// gapIssues makes one tariff-gap issue of each missing rate: the records
// it left unpaid (at most MaxIssueIDs) and the dates it was missing on.
func gapIssues(gaps map[string]*idSample, dates map[string][2]volume.Date) []Issue {
	var out []Issue
	for msg, g := range gaps {
		g.trim()
		text := msg
		if r, ok := dates[msg]; ok {
			text += " on " + r[0].String()
			if r[1] != r[0] {
				text += ".." + r[1].String()
			}
		}
		if g.more {
			text += fmt.Sprintf(" (more than %d records: the first %d by id are named)", MaxIssueIDs, MaxIssueIDs)
		}
		out = append(out, Issue{Kind: IssueTariffGap, IDs: g.ids, Message: text})
	}
	return out
}

// MaxIssueIDs is how many records a tariff-gap issue names: a month whose
// rates were not entered would otherwise name every visit of it (each of
// them is in the settlement all the same, not paid, reason no-rate).
const MaxIssueIDs = 1000

// An idSample holds the ids of a tariff gap: the first MaxIssueIDs of
// them by id, and whether there were more.
type idSample struct {
	ids  []string
	more bool
}

func (g *idSample) add(ids ...string) {
	g.ids = append(g.ids, ids...)
	if len(g.ids) >= 2*MaxIssueIDs {
		g.trim()
	}
}

// trim sorts the ids, each once, and leaves the first MaxIssueIDs.
func (g *idSample) trim() {
	slices.Sort(g.ids)
	g.ids = slices.Compact(g.ids)
	if len(g.ids) > MaxIssueIDs {
		clear(g.ids[MaxIssueIDs:])
		g.ids, g.more = g.ids[:MaxIssueIDs], true
	}
}

// merge adds the ids of another sample of the same gap.
func (g *idSample) merge(o *idSample) {
	g.add(o.ids...)
	g.more = g.more || o.more
}

// gapIDs returns the ids of the tariff gap msg, made when first asked.
func (s *Settler) gapIDs(msg string) *idSample {
	g := s.gaps[msg]
	if g == nil {
		g = &idSample{}
		s.gaps[msg] = g
	}
	return g
}

// gapAt notes that record id found no rate row on date; msg says which.
func (s *Settler) gapAt(id string, date volume.Date, msg string) {
	s.gapIDs(msg).add(id)
	s.noteGapDate(msg, date)
}

func (s *Settler) noteGapDate(msg string, date volume.Date) {
	r, ok := s.gapDates[msg]
	if !ok {
		r = [2]volume.Date{date, date}
	}
	if date.Before(r[0]) {
		r[0] = date
	}
	if date.After(r[1]) {
		r[1] = date
	}
	s.gapDates[msg] = r
}

func (s *Settler) gap(id, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.gapIDs(msg).add(id)
}

// Package followup answers what the nämnd asks of the settlements after
// they are paid: how much of the granted time was performed
// (utförandegrad), and what a new tariff would have cost (a what-if of
// the budget, exact to the öre).
package followup

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/reimbursement/statement"
	"github.com/exempelby/ersattning/volume"
)

// The bands of utförandegrad a decision falls in, by performed ÷ granted:
// under 50 %, from 50 % to under 80 %, from 80 % to 100 %, over 100 %.
const (
	Under50 = iota
	Under80
	UpTo100
	Over100
	numBands
)

// A Group sums the follow-up of the hour decisions of one provider and
// service, or of the municipality (Provider and Service "").
type Group struct {
	Provider, Name, Service  string
	Decisions                int
	Granted, Performed, Paid int64 // minutes
	// Bands counts the decisions by their performed ÷ granted; NotGranted
	// those with no granted time, which have no share.
	Bands      [numBands]int
	NotGranted int
}

// add adds a decision's follow-up.
func (g *Group) add(p *reimbursement.Performance) {
	g.Decisions++
	g.Granted += p.Granted
	g.Performed += p.Performed
	g.Paid += p.Paid
	if p.Granted == 0 {
		g.NotGranted++
		return
	}
	// Compared in whole numbers: performed ÷ granted against 1/2, 4/5, 1.
	switch {
	case 2*p.Performed < p.Granted:
		g.Bands[Under50]++
	case 5*p.Performed < 4*p.Granted:
		g.Bands[Under80]++
	case p.Performed <= p.Granted:
		g.Bands[UpTo100]++
	default:
		g.Bands[Over100]++
	}
}

// share returns part ÷ whole as a percent with one decimal, rounded half
// away from zero; false when whole is 0.
func share(part, whole int64) (decimal.Decimal, bool) {
	if whole == 0 {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromInt(part*100).DivRound(decimal.NewFromInt(whole), 1), true
}

// PerformedShare returns performed ÷ granted in percent (utförandegrad).
func (g *Group) PerformedShare() (decimal.Decimal, bool) { return share(g.Performed, g.Granted) }

// PaidShare returns paid ÷ granted in percent.
func (g *Group) PaidShare() (decimal.Decimal, bool) { return share(g.Paid, g.Granted) }

// A Report is the follow-up of a period's hour decisions.
type Report struct {
	Period    volume.Period
	Decisions []reimbursement.Performance
	Groups    []Group // by provider and service
	Total     Group   // the municipality's
}

// Measure sums the follow-up of a period's hour decisions per provider and
// service and for the municipality. names gives providers' names by id;
// it may be nil.
func Measure(period volume.Period, perf []reimbursement.Performance, names map[string]string) *Report {
	r := &Report{Period: period, Decisions: perf}
	index := map[[2]string]int{}
	for i := range perf {
		p := &perf[i]
		k := [2]string{p.Provider, p.Service}
		j, ok := index[k]
		if !ok {
			j = len(r.Groups)
			index[k] = j
			r.Groups = append(r.Groups, Group{Provider: p.Provider, Name: names[p.Provider], Service: p.Service})
		}
		r.Groups[j].add(p)
		r.Total.add(p)
	}
	slices.SortFunc(r.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Service, b.Service))
	})
	return r
}

// bandNames name the bands as the documents head them.
var bandNames = [numBands]string{"<50 %", "50–80 %", "80–100 %", ">100 %"}

// WriteText writes the report for the nämnd, in Swedish (English with
// statement.English): per provider and service and for the municipality,
// the hours granted, performed and paid, the two shares, and how many
// decisions fall in each band of performed ÷ granted.
func (r *Report) WriteText(w io.Writer, l statement.Lang) error {
	t := followupLabels(l)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n%s\n", t.title, r.Period, strings.Repeat("=", 72))
	rows := [][]string{{t.provider, t.service, t.decisions, t.granted, t.performed, t.paid, t.performedShare, t.paidShare,
		bandNames[0], bandNames[1], bandNames[2], bandNames[3]}}
	for i := range r.Groups {
		rows = append(rows, r.Groups[i].cells(l))
	}
	total := r.Total
	total.Provider = t.municipality
	rows = append(rows, total.cells(l))
	writeTable(&b, rows)
	fmt.Fprintf(&b, "\n%s\n", t.note)
	_, err := io.WriteString(w, b.String())
	return err
}

// cells returns a group's row of the text and CSV tables.
func (g *Group) cells(l statement.Lang) []string {
	pct := func(d decimal.Decimal, ok bool) string {
		if !ok {
			return "–"
		}
		return statement.Decimal(d, l) + " %"
	}
	out := []string{strings.TrimSpace(g.Provider + " " + g.Name), g.Service, strconv.Itoa(g.Decisions),
		statement.Minutes(g.Granted, l), statement.Minutes(g.Performed, l), statement.Minutes(g.Paid, l),
		pct(g.PerformedShare()), pct(g.PaidShare())}
	for _, n := range g.Bands {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// writeTable lines up rows in columns, numbers to the right.
func writeTable(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i < 2 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
			if i < len(r)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
	}
}

// WriteCSV writes one row per provider and service and one for the
// municipality: minutes as whole numbers and the shares as percents;
// with swedish, ";", decimal commas, a byte order mark and CR LF.
func (r *Report) WriteCSV(w io.Writer, swedish bool) error {
	l := statement.English
	if swedish {
		l = statement.Swedish
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
	}
	t := followupLabels(l)
	cw := csv.NewWriter(w)
	if swedish {
		cw.Comma, cw.UseCRLF = ';', true
	}
	cw.Write([]string{t.provider, t.service, t.decisions, t.granted + " (min)", t.performed + " (min)", t.paid + " (min)",
		t.performedShare, t.paidShare, bandNames[0], bandNames[1], bandNames[2], bandNames[3], t.notGranted})
	num := func(d decimal.Decimal, ok bool) string {
		if !ok {
			return ""
		}
		if swedish {
			return strings.Replace(d.String(), ".", ",", 1)
		}
		return d.String()
	}
	groups := append(slices.Clone(r.Groups), r.Total)
	groups[len(groups)-1].Provider = t.municipality
	for _, g := range groups {
		row := []string{g.Provider, g.Service, strconv.Itoa(g.Decisions), strconv.FormatInt(g.Granted, 10),
			strconv.FormatInt(g.Performed, 10), strconv.FormatInt(g.Paid, 10), num(g.PerformedShare()), num(g.PaidShare())}
		for _, n := range g.Bands {
			row = append(row, strconv.Itoa(n))
		}
		cw.Write(append(row, strconv.Itoa(g.NotGranted)))
	}
	cw.Flush()
	return cw.Error()
}

// The JSON of a report.
type jsonGroup struct {
	Provider       string         `json:"provider"`
	Name           string         `json:"name,omitempty"`
	Service        string         `json:"service"`
	Decisions      int            `json:"decisions"`
	Granted        int64          `json:"granted_minutes"`
	Performed      int64          `json:"performed_minutes"`
	Paid           int64          `json:"paid_minutes"`
	PerformedShare string         `json:"performed_percent"`
	PaidShare      string         `json:"paid_percent"`
	Bands          map[string]int `json:"decisions_by_performed_percent"`
	NotGranted     int            `json:"decisions_not_granted"`
}

func (g *Group) json() jsonGroup {
	pct := func(d decimal.Decimal, ok bool) string {
		if !ok {
			return ""
		}
		return d.String()
	}
	j := jsonGroup{Provider: g.Provider, Name: g.Name, Service: g.Service, Decisions: g.Decisions, Granted: g.Granted,
		Performed: g.Performed, Paid: g.Paid, PerformedShare: pct(g.PerformedShare()), PaidShare: pct(g.PaidShare()),
		NotGranted: g.NotGranted, Bands: map[string]int{}}
	for i, n := range g.Bands {
		j.Bands[[numBands]string{"under_50", "50_80", "80_100", "over_100"}[i]] = n
	}
	return j
}

// WriteJSON writes the report as indented JSON, with every decision.
func (r *Report) WriteJSON(w io.Writer) error {
	type decision struct {
		reimbursement.Performance
		PerformedShare string `json:"performed_percent"`
	}
	out := struct {
		Period    string      `json:"period"`
		Groups    []jsonGroup `json:"groups"`
		Total     jsonGroup   `json:"total"`
		Decisions []decision  `json:"decisions"`
	}{Period: r.Period.String(), Total: r.Total.json(), Groups: []jsonGroup{}, Decisions: []decision{}}
	for i := range r.Groups {
		out.Groups = append(out.Groups, r.Groups[i].json())
	}
	for _, p := range r.Decisions {
		s, ok := share(p.Performed, p.Granted)
		d := decision{Performance: p}
		if ok {
			d.PerformedShare = s.String()
		}
		out.Decisions = append(out.Decisions, d)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// labels of the follow-up's documents.
type labels struct {
	title, provider, service, decisions, granted, performed, paid, performedShare, paidShare string
	municipality, notGranted, note                                                           string
}

func followupLabels(l statement.Lang) labels {
	if l == statement.English {
		return labels{"Performance of granted time", "Provider", "Service", "Decisions", "Granted", "Performed", "Paid",
			"Performed/granted", "Paid/granted", "Municipality", "Not granted",
			"Performed: approved visits kept after the overlap step, counted length × staff paid, before the cap. Bands: decisions by performed ÷ granted."}
	}
	return labels{"Utförandegrad", "Utförare", "Insats", "Beslut", "Beviljat", "Utfört", "Ersatt",
		"Utfört/beviljat", "Ersatt/beviljat", "Kommunen", "Utan beviljad tid",
		"Utfört: godkända besök som inte överlappar, räknad längd × ersatt bemanning, före taket. Band: antal beslut efter utfört ÷ beviljat."}
}

// errNil is returned for a nil argument.
var errNil = errors.New("followup: a nil settlement or tariff")

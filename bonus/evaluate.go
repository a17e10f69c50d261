package bonus

import (
	"cmp"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/reimbursement"
	"github.com/exempelby/ersattning/volume"
)

// A Result is a provider's value of an indicator; an invalid Value is a
// missing result.
type Result struct {
	Provider  string
	Indicator string
	Value     decimal.NullDecimal
}

// A Participation is a provider's membership (anslutning) of the bonus from
// From to To, inclusive; a zero To is open. A provider counts for the
// months whose first day is inside one of its participations, so one that
// joins mid-month counts from the next month.
type Participation struct {
	Provider string
	From, To volume.Date
}

func (p Participation) holds(d volume.Date) bool {
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// ReadResults reads results.csv (provider,indicator,value; an empty value
// is a missing result). A row that cannot be read is left out (its result
// is then missing, and not met) and its problem returned in problems; err
// is for a file that cannot be read at all.
func ReadResults(r io.Reader, file string) (results []Result, problems []error, err error) {
	return volume.ReadRows(r, file, []string{"provider", "indicator", "value"}, func(c *volume.CSVReader, row *volume.Row) Result {
		res := Result{Provider: row.Required("provider"), Indicator: row.Required("indicator")}
		if s := c.Decimal("value"); s != "" {
			v, perr := decimal.NewFromString(s)
			if perr != nil || strings.ContainsAny(s, "eE") {
				row.Fail("value", volume.ErrValue, "%s is not a number", volume.Quote(s))
			}
			res.Value = decimal.NullDecimal{Decimal: v, Valid: perr == nil}
		}
		return res
	})
}

// ReadParticipation reads participation.csv (provider,from,to), as
// ReadResults reads its file: a row that cannot be read is left out (that
// participation is not known) and its problem returned in problems.
func ReadParticipation(r io.Reader, file string) (participation []Participation, problems []error, err error) {
	return volume.ReadRows(r, file, []string{"provider", "from"}, func(c *volume.CSVReader, row *volume.Row) Participation {
		p := Participation{Provider: row.Required("provider"), From: row.Date("from", true), To: row.Date("to", false)}
		if !p.To.IsZero() && p.To.Before(p.From) {
			row.Fail("to", volume.ErrValue, "%s is before from %s", p.To, p.From)
		}
		return p
	})
}

// An Outcome is the bonus of a model's period, per provider, explaining
// itself.
type Outcome struct {
	Model     string
	From, To  volume.Date
	Kind      Kind
	Providers []ProviderOutcome // by provider id
	Total     decimal.Decimal
}

// A ProviderOutcome is one provider's bonus and why.
type ProviderOutcome struct {
	Provider      string
	Participating bool
	Months        []volume.Period // the months that count
	Indicators    []IndicatorOutcome
	Points        int
	Level         string // empty when none is reached
	Basis         decimal.Decimal
	BasisUnit     string // minute, day, SEK or month
	Amount        decimal.Decimal
	Scaled        bool // the amount was cut to fit the budget
}

// An IndicatorOutcome is one indicator's result for a provider.
type IndicatorOutcome struct {
	Code    string
	Value   decimal.NullDecimal // not valid: missing
	Target  decimal.Decimal
	Met     bool
	Points  int // the points earned: the indicator's when met, else 0
	Missing bool
}

// Evaluate computes the bonus of m for the providers of participation and
// settlements (rules §11). The basis of each provider is taken from the
// settlements (one per month, or a month and its corrections) of the
// months it participates in, inside the model's period, for the model's
// services.
func Evaluate(m *Model, results []Result, participation []Participation, settlements []*reimbursement.Settlement) (*Outcome, error) {
	indicators := map[string]Indicator{}
	for _, i := range m.Indicators {
		indicators[i.Code] = i
	}
	values := map[string]map[string]decimal.NullDecimal{}
	var problems []string
	for _, r := range results {
		if _, ok := indicators[r.Indicator]; !ok {
			problems = append(problems, fmt.Sprintf("result of %s for %q: not an indicator of the model", r.Provider, r.Indicator))
			continue
		}
		if values[r.Provider] == nil {
			values[r.Provider] = map[string]decimal.NullDecimal{}
		}
		if _, dup := values[r.Provider][r.Indicator]; dup {
			problems = append(problems, fmt.Sprintf("two results of %s for %q", r.Provider, r.Indicator))
		}
		values[r.Provider][r.Indicator] = r.Value
	}
	issued := map[volume.Period]bool{}
	for _, st := range settlements {
		if st.CorrectionOf == nil {
			if issued[st.Period] {
				problems = append(problems, fmt.Sprintf("two settlements of %s: give one and its corrections", st.Period))
			}
			issued[st.Period] = true
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("bonus: %s", strings.Join(problems, "; "))
	}

	ids := map[string]bool{}
	for _, p := range participation {
		ids[p.Provider] = true
	}
	for _, st := range settlements {
		for _, p := range st.Providers {
			ids[p.Provider] = true
		}
	}
	out := &Outcome{Model: m.Code, From: m.From, To: m.To, Kind: m.Kind, Total: decimal.Zero}
	for id := range ids {
		out.Providers = append(out.Providers, m.evaluate(id, values[id], participation, settlements))
	}
	slices.SortFunc(out.Providers, func(a, b ProviderOutcome) int { return cmp.Compare(a.Provider, b.Provider) })
	m.pay(out)
	for _, p := range out.Providers {
		out.Total = out.Total.Add(p.Amount)
	}
	return out, nil
}

func (m *Model) evaluate(id string, values map[string]decimal.NullDecimal, participation []Participation, settlements []*reimbursement.Settlement) ProviderOutcome {
	po := ProviderOutcome{Provider: id, Basis: decimal.Zero, Amount: decimal.Zero, BasisUnit: m.basisUnit()}
	met := map[string]bool{}
	for _, ind := range m.Indicators {
		res := IndicatorOutcome{Code: ind.Code, Target: ind.Target}
		v, ok := values[ind.Code]
		switch {
		case !ok || !v.Valid:
			res.Missing = true
		default:
			res.Value = v
			res.Met = ind.Met(v.Decimal)
		}
		if res.Met {
			res.Points = ind.Points
			po.Points += ind.Points
			met[ind.Code] = true
		}
		po.Indicators = append(po.Indicators, res)
	}
	// The months that count: inside the model, first day inside a participation.
	for p := volume.PeriodOf(m.From); !p.First().After(m.To); p = p.Next() {
		if p.First().Before(m.From) {
			continue
		}
		for _, pt := range participation {
			if pt.Provider == id && pt.holds(p.First()) {
				po.Months = append(po.Months, p)
				break
			}
		}
	}
	po.Participating = len(po.Months) > 0
	if !po.Participating {
		return po
	}
	// The highest level reached: most points required, the later on a tie.
	best := -1
	for i, l := range m.Levels {
		ok := po.Points >= l.MinPoints
		for _, r := range l.Require {
			ok = ok && met[r]
		}
		if ok && (best < 0 || l.MinPoints >= m.Levels[best].MinPoints) {
			best = i
		}
	}
	if best >= 0 {
		po.Level = m.Levels[best].Code
	}
	po.Basis = m.basis(id, po.Months, settlements)
	return po
}

func (m *Model) basisUnit() string {
	switch m.Kind {
	case PerHour:
		return "minute"
	case PerDay, Pool:
		return "day"
	case Percent:
		return "SEK"
	}
	return "month"
}

// basis sums what a provider was paid for in its months (formats.md): the
// minutes of base minute lines, the days of base day lines whatever their
// factor, or the amounts of all lines but markups and adjustments.
func (m *Model) basis(id string, months []volume.Period, settlements []*reimbursement.Settlement) decimal.Decimal {
	if m.Kind == Fixed {
		return decimal.NewFromInt(int64(len(months)))
	}
	sum := decimal.Zero
	for _, st := range settlements {
		if !slices.Contains(months, st.Period) {
			continue
		}
		p, ok := st.Provider(id)
		if !ok {
			continue
		}
		for _, l := range p.Lines {
			if !slices.Contains(m.Services, l.Service) {
				continue
			}
			switch m.Kind {
			case PerHour:
				if l.Component == "base" && l.Unit == reimbursement.Minute {
					sum = sum.Add(l.Quantity)
				}
			case PerDay, Pool:
				if l.Component == "base" && l.Unit == reimbursement.Day {
					sum = sum.Add(l.Quantity)
				}
			case Percent:
				if !strings.HasPrefix(l.Component, "markup:") && l.Component != "adjustment" {
					sum = sum.Add(l.Amount)
				}
			}
		}
	}
	return sum
}

// pay sets the amounts: by kind, then cut to the budget.
func (m *Model) pay(out *Outcome) {
	level := map[string]Level{}
	for _, l := range m.Levels {
		level[l.Code] = l
	}
	var weights []decimal.Decimal
	for i := range out.Providers {
		p := &out.Providers[i]
		l, ok := level[p.Level]
		if !p.Participating || !ok {
			weights = append(weights, decimal.Zero)
			continue
		}
		switch m.Kind {
		case PerHour:
			p.Amount = p.Basis.Mul(l.Amount).DivRound(decimal.NewFromInt(60), 2)
		case PerDay:
			p.Amount = p.Basis.Mul(l.Amount).Round(2)
		case Fixed:
			p.Amount = l.Amount.Round(2)
		case Percent:
			p.Amount = p.Basis.Mul(l.Amount).DivRound(decimal.NewFromInt(100), 2)
		}
		weights = append(weights, p.Basis.Mul(l.Amount))
	}
	if m.Kind == Pool {
		shares := largestRemainder(m.Budget.Decimal, weights, out.Providers)
		for i := range out.Providers {
			out.Providers[i].Amount = shares[i]
		}
		return
	}
	sum := decimal.Zero
	amounts := make([]decimal.Decimal, len(out.Providers))
	for i, p := range out.Providers {
		sum = sum.Add(p.Amount)
		amounts[i] = p.Amount
	}
	if !m.Budget.Valid || !sum.GreaterThan(m.Budget.Decimal) {
		return
	}
	shares := largestRemainder(m.Budget.Decimal, amounts, out.Providers)
	for i := range out.Providers {
		if !amounts[i].IsZero() {
			out.Providers[i].Amount = shares[i]
			out.Providers[i].Scaled = true
		}
	}
}

// largestRemainder splits total (SEK, to whole öre) in proportion to
// weights: each part is first rounded down to the öre, then the öre left
// go one each to the largest remainders, ties to the lower provider id.
// The parts sum to total exactly, unless every weight is zero, when all
// parts are zero.
func largestRemainder(total decimal.Decimal, weights []decimal.Decimal, providers []ProviderOutcome) []decimal.Decimal {
	out := make([]decimal.Decimal, len(weights))
	for i := range out {
		out[i] = decimal.Zero
	}
	// Integers: öre, and the weights scaled to whole numbers.
	scale := int32(0)
	for _, w := range weights {
		if e := -w.Exponent(); e > scale {
			scale = e
		}
	}
	ore := total.Shift(2).BigInt()
	ws := make([]*big.Int, len(weights))
	sum := new(big.Int)
	for i, w := range weights {
		ws[i] = w.Shift(scale).BigInt()
		sum.Add(sum, ws[i])
	}
	if sum.Sign() == 0 {
		return out
	}
	type part struct {
		i    int
		base *big.Int
		rem  *big.Int
	}
	parts := make([]part, len(ws))
	given := new(big.Int)
	for i, w := range ws {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(ore, w), sum, new(big.Int))
		parts[i] = part{i: i, base: q, rem: r}
		given.Add(given, q)
	}
	left := new(big.Int).Sub(ore, given).Int64()
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := parts[b].rem.Cmp(parts[a].rem); c != 0 {
			return c
		}
		return cmp.Compare(providers[a].Provider, providers[b].Provider)
	})
	for k := int64(0); k < left; k++ {
		parts[order[k]].base.Add(parts[order[k]].base, big.NewInt(1))
	}
	for i, p := range parts {
		out[i] = decimal.NewFromBigInt(p.base, -2)
	}
	return out
}

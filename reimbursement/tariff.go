package reimbursement

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// A Tariff (ersättningsmodell) is what a municipality pays: services, time
// bands, date-valid rate rows, markups and the no-choice provider. It is
// made by ParseTariff or LoadTariff from tariff.json (formats.md), which
// check it whole; after that it is immutable and safe for concurrent use:
// its methods show the tariff as loaded, defaults filled in, as copies.
type Tariff struct {
	name        string
	currency    string
	dateSets    map[string][]volume.Date
	bands       []Band
	defaultBand string
	services    []Service
	rates       []Rate
	markups     []Markup
	noChoice    NoChoice
	// correctionMonths is how many periods before a run's may still be
	// corrected (rules §12).
	correctionMonths int

	cal              *volume.Calendar
	bandSet          *volume.Bands
	defaultBandIndex int
	serviceIndex     map[string]int
	ratesOf          map[string][]int // service code → indices into rates
}

// A Band is a time band as the tariff writes it.
type Band struct {
	Code  string
	Rules []BandRule
}

// A BandRule is one rule of a band: day types and a time range HH:MM.
type BandRule struct {
	Days     []string
	From, To string
}

// RoundingMode is how a visit's length is rounded to a step.
type RoundingMode uint8

// The rounding modes. The zero mode does not round.
const (
	NoRounding RoundingMode = iota
	RoundUp
	RoundDown
	RoundNearest // halves up
)

// Rounding rounds a visit's length to a multiple of Step minutes.
type Rounding struct {
	Step int
	Mode RoundingMode
}

// An AbsenceRule says what an absence with Reason pays (rules §7): Steps in
// order, then ThenPercent.
type AbsenceRule struct {
	Reason      string
	Steps       []AbsenceStep
	ThenPercent decimal.Decimal
}

// An AbsenceStep pays Days days at Percent.
type AbsenceStep struct {
	Days    int
	Percent decimal.Decimal
}

// percent returns the percent paid on day n (1-based) of an absence.
func (r AbsenceRule) percent(n int) decimal.Decimal {
	for _, s := range r.Steps {
		if n <= s.Days {
			return s.Percent
		}
		n -= s.Days
	}
	return r.ThenPercent
}

// A Component is a part of a day service's pay, paid on stay days, after
// end days, or both.
type Component struct {
	Code     string
	Stay     bool
	AfterEnd bool
}

// AfterEnd gives Days days of pay after a decision that ended for one of
// Reasons.
type AfterEnd struct {
	Days    int
	Reasons []string
}

// A Service is a service (insats) of the tariff and how it is paid.
type Service struct {
	Code string
	Name string
	Unit Unit // Hour, Day, Visit or Month
	// Basis is Performed, Capped or Granted for hour services, Placement or
	// Presence for day services; DefaultBasis otherwise.
	Basis           Basis
	CapPercent      decimal.Decimal // default 100
	Rounding        Rounding
	FixedMinutes    int                 // schablontid; 0 means none
	MinMinutes      int                 // floor on a visit's length
	DeclinedPercent decimal.NullDecimal // not valid: declined visits are not paid
	Absence         []AbsenceRule
	CountLastDay    bool // default true
	Components      []Component
	AfterEnd        AfterEnd
	Prorate         bool // month services; default true
	Start           StartPayment
}

// A StartPayment pays Minutes once for a new decision of an hour service
// (rules §5 step 7): one whose from date lies in the period, unless the
// recipient had a decision of the same service with the same provider
// that ended 1 to GapDays days before it. Minutes 0 means none.
type StartPayment struct {
	Minutes int
	GapDays int // 90 unless the tariff says otherwise
}

func (s *Service) absenceRule(reason string) (AbsenceRule, bool) {
	for _, r := range s.Absence {
		if r.Reason == reason {
			return r, true
		}
	}
	return AbsenceRule{}, false
}

// A Rate is a rate row: the price of a service, component and band for
// the attributes it names, valid From..To inclusive (a zero To is open).
// An empty attribute matches anything.
type Rate struct {
	Service   string
	Component string
	Band      string
	Level     string
	Extent    string
	Area      string
	Regime    Regime
	From, To  volume.Date
	Price     decimal.Decimal
}

// keys returns the number of attributes r names (its specificity).
func (r *Rate) keys() int {
	n := 0
	for _, s := range [...]string{r.Component, r.Band, r.Level, r.Extent, r.Area} {
		if s != "" {
			n++
		}
	}
	if r.Regime != AnyRegime {
		n++
	}
	return n
}

func (r *Rate) valid(d volume.Date) bool {
	return !d.Before(r.From) && (r.To.IsZero() || !d.After(r.To))
}

// A Markup adds to a provider's pay per service (rules §9), for the
// providers of Regimes (all when empty) and Services (all when empty):
// Percent of the service's line amounts, or, when PerUnit is valid,
// PerUnit per unit of the service's paid base quantity (per hour for an
// hour service), of the decisions of Area only when it names one.
type Markup struct {
	Code     string
	Percent  decimal.Decimal
	PerUnit  decimal.NullDecimal
	Area     string
	Regimes  []Regime
	Services []string
}

func (m *Markup) applies(regime Regime, service string) bool {
	ok := len(m.Regimes) == 0
	for _, r := range m.Regimes {
		ok = ok || r == regime
	}
	if !ok || len(m.Services) == 0 {
		return ok
	}
	for _, s := range m.Services {
		if s == service {
			return true
		}
	}
	return false
}

// NoChoice names the no-choice provider (ickevalsalternativ) that serves
// decisions without a provider: ByArea by the decision's area, else
// Provider.
type NoChoice struct {
	Provider string
	ByArea   map[string]string
}

// For returns the no-choice provider of a decision in area, or "".
func (n NoChoice) For(area string) string {
	if p, ok := n.ByArea[area]; ok && area != "" {
		return p
	}
	return n.Provider
}

// A DocumentError lists every problem found when loading a JSON document:
// a tariff, a settlement.
type DocumentError struct {
	File     string
	Problems []Problem
}

// Error lists the problems, each with its JSON path.
func (e *DocumentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reimbursement: %s: ", e.File)
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// LoadTariff reads and checks the tariff in file.
func LoadTariff(file string) (*Tariff, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reimbursement: %w", err)
	}
	return ParseTariff(data, filepath.Base(file))
}

// MustParseTariff is like ParseTariff but panics on error. It is meant for
// tests and hard-coded tariffs.
func MustParseTariff(data string) *Tariff {
	t, err := ParseTariff([]byte(data), "tariff.json")
	if err != nil {
		panic(err)
	}
	return t
}

// ParseTariff reads and checks a tariff in the JSON of formats.md; file
// names it in errors. Every problem is reported, not just the first, as a
// *DocumentError whose problems carry JSON paths. Unknown fields are
// problems: a misspelt rule must not be silently ignored.
func ParseTariff(data []byte, file string) (*Tariff, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		msg := err.Error()
		if errors.As(err, &se) {
			line, col := position(data, se.Offset)
			msg = fmt.Sprintf("line %d, column %d: %v", line, col, err)
		}
		return nil, &DocumentError{File: file, Problems: []Problem{{Message: "not valid JSON: " + msg}}}
	}
	if dec.More() {
		return nil, &DocumentError{File: file, Problems: []Problem{{Message: "not valid JSON: more than one value"}}}
	}
	w := &walker{}
	t := w.tariff(doc)
	if len(w.problems) > 0 {
		return nil, &DocumentError{File: file, Problems: w.finish()}
	}
	return t, nil
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(data) && int64(i) < offset; i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

func (w *walker) tariff(doc any) *Tariff {
	m, ok := w.object("", doc, "name", "currency", "date_sets", "bands", "default_band",
		"services", "rates", "markups", "no_choice", "correction_months")
	if !ok {
		return nil
	}
	t := &Tariff{
		name:         w.str("", m, "name", false),
		currency:     w.str("", m, "currency", false),
		dateSets:     map[string][]volume.Date{},
		serviceIndex: map[string]int{},
		ratesOf:      map[string][]int{},
	}
	t.correctionMonths = w.integer("", m, "correction_months", DefaultCorrectionMonths, 0, maxCorrectionMonths)
	if t.currency == "" {
		t.currency = "SEK"
	} else if t.currency != "SEK" {
		w.fail("currency", "%s: only SEK is supported", volume.Quote(t.currency))
	}
	if ds, ok := m["date_sets"]; ok {
		if sets, ok := w.freeObject("date_sets", ds); ok {
			for name, v := range sets {
				path := join("date_sets", name)
				for i, s := range w.strings(path, v) {
					d, err := volume.ParseDate(s)
					if err != nil {
						w.fail(index(path, i), "%s is not a date YYYY-MM-DD", volume.Quote(s))
						continue
					}
					t.dateSets[name] = append(t.dateSets[name], d)
				}
				if _, ok := t.dateSets[name]; !ok {
					t.dateSets[name] = nil
				}
			}
		}
	}
	cal, err := volume.NewCalendar(t.dateSets)
	if err != nil {
		w.fail("date_sets", "%v", err)
		cal, _ = volume.NewCalendar(nil)
	}
	t.cal = cal
	w.bands(t, m)
	for i, v := range w.array("services", m["services"]) {
		w.service(t, index("services", i), v)
	}
	if _, ok := m["services"]; !ok {
		w.fail("services", "missing")
	}
	for i, v := range w.array("rates", m["rates"]) {
		w.rate(t, index("rates", i), v)
	}
	w.checkRates(t)
	for i, v := range w.array("markups", m["markups"]) {
		w.markup(t, index("markups", i), v)
	}
	if v, ok := m["no_choice"]; ok && v != nil {
		if nc, ok := w.object("no_choice", v, "provider", "by_area"); ok {
			t.noChoice.Provider = w.str("no_choice", nc, "provider", false)
			if ba, ok := nc["by_area"]; ok {
				if areas, ok := w.freeObject("no_choice.by_area", ba); ok {
					t.noChoice.ByArea = map[string]string{}
					for area := range areas {
						t.noChoice.ByArea[area] = w.str("no_choice.by_area", areas, area, true)
					}
				}
			}
		}
	}
	return t
}

func (w *walker) bands(t *Tariff, m map[string]any) {
	list := w.array("bands", m["bands"])
	if len(list) == 0 {
		w.fail("bands", "missing: a tariff needs at least one time band")
		return
	}
	if len(list) > maxBands {
		w.fail("bands", "%d bands: at most %d are supported", len(list), maxBands)
		return
	}
	var compiled []volume.Band
	ok := true
	for i, v := range list {
		path := index("bands", i)
		bm, isObj := w.object(path, v, "code", "name", "rules")
		if !isObj {
			ok = false
			continue
		}
		b := Band{Code: w.str(path, bm, "code", true)}
		if b.Code != "" && slicesIndex(t.bands, b.Code) >= 0 {
			w.fail(join(path, "code"), "band %s is listed twice", volume.Quote(b.Code))
		}
		vb := volume.Band{Code: b.Code}
		rules := w.array(join(path, "rules"), bm["rules"])
		switch {
		case len(rules) > maxBands:
			w.fail(join(path, "rules"), "%d rules: at most %d are supported", len(rules), maxBands)
			ok = false
			rules = nil
		case len(rules) == 0:
			w.fail(join(path, "rules"), "missing: a band needs at least one rule")
		}
		for j, rv := range rules {
			rpath := index(join(path, "rules"), j)
			rm, isObj := w.object(rpath, rv, "days", "from", "to")
			if !isObj {
				ok = false
				continue
			}
			r := BandRule{Days: w.strings(join(rpath, "days"), rm["days"]),
				From: w.str(rpath, rm, "from", true), To: w.str(rpath, rm, "to", true)}
			var vr volume.BandRule
			if len(r.Days) == 0 {
				w.fail(join(rpath, "days"), "missing: name at least one day type")
			}
			for k, d := range r.Days {
				dt, known := t.cal.DayType(d)
				if !known {
					w.fail(index(join(rpath, "days"), k), "unknown day type %s (mon…sun, holiday, eve, all or a date set)", volume.Quote(d))
					ok = false
				}
				vr.Days |= dt
			}
			var err error
			if vr.From, err = volume.ParseClock(r.From); err != nil && r.From != "" {
				w.fail(join(rpath, "from"), "%s is not a time HH:MM", volume.Quote(r.From))
				ok = false
			}
			if vr.To, err = volume.ParseClock(r.To); err != nil && r.To != "" {
				w.fail(join(rpath, "to"), "%s is not a time HH:MM", volume.Quote(r.To))
				ok = false
			}
			if vr.From == 1440 {
				w.fail(join(rpath, "from"), "24:00 is not a start time")
				ok = false
			}
			b.Rules = append(b.Rules, r)
			vb.Rules = append(vb.Rules, vr)
		}
		t.bands = append(t.bands, b)
		compiled = append(compiled, vb)
	}
	t.defaultBand = w.str("", m, "default_band", true)
	t.defaultBandIndex = -1
	if t.defaultBand != "" {
		t.defaultBandIndex = slicesIndex(t.bands, t.defaultBand)
		if t.defaultBandIndex < 0 {
			w.fail("default_band", "%s is not a band of the tariff", volume.Quote(t.defaultBand))
		}
	}
	if !ok {
		return
	}
	bands, err := volume.NewBands(compiled)
	if err != nil {
		w.fail("bands", "%v", strings.TrimPrefix(err.Error(), "volume: "))
		return
	}
	t.bandSet = bands
}

// maxBands bounds the bands of a tariff and the rules of a band; real
// tariffs have a handful of each.
const maxBands = 64

func slicesIndex(bands []Band, code string) int {
	for i, b := range bands {
		if b.Code == code {
			return i
		}
	}
	return -1
}

func (w *walker) percent(path string, m map[string]any, key string, def string) decimal.Decimal {
	d, ok := w.dec(path, m, key, false)
	if !ok {
		return decimal.RequireFromString(def)
	}
	return d
}

func (w *walker) service(t *Tariff, path string, v any) {
	m, ok := w.object(path, v, "code", "name", "unit", "basis", "cap_percent", "rounding",
		"fixed_minutes", "min_minutes", "declined_percent", "absence", "count_last_day",
		"components", "after_end", "prorate", "start")
	if !ok {
		return
	}
	s := Service{
		Code:         w.str(path, m, "code", true),
		Name:         w.str(path, m, "name", false),
		FixedMinutes: w.integer(path, m, "fixed_minutes", 0, 0, 1440),
		MinMinutes:   w.integer(path, m, "min_minutes", 0, 0, 1440),
		CountLastDay: w.boolean(path, m, "count_last_day", true),
		Prorate:      w.boolean(path, m, "prorate", true),
		CapPercent:   w.percent(path, m, "cap_percent", "100"),
	}
	if _, dup := t.serviceIndex[s.Code]; dup && s.Code != "" {
		w.fail(join(path, "code"), "service %s is listed twice", volume.Quote(s.Code))
	}
	w.unitAndBasis(&s, path, m)
	if s.CapPercent.Sign() <= 0 {
		w.fail(join(path, "cap_percent"), "%s must be more than 0", s.CapPercent)
	}
	if rv, ok := m["rounding"]; ok && rv != nil {
		s.Rounding = w.rounding(join(path, "rounding"), rv)
	}
	if d, ok := w.dec(path, m, "declined_percent", false); ok {
		if d.Sign() < 0 || d.GreaterThan(decimal.NewFromInt(100)) {
			w.fail(join(path, "declined_percent"), "%s is not a percent from 0 to 100", d)
		}
		s.DeclinedPercent = decimal.NullDecimal{Decimal: d, Valid: true}
	}
	for i, av := range w.array(join(path, "absence"), m["absence"]) {
		w.absenceRule(&s, index(join(path, "absence"), i), av)
	}
	for i, cv := range w.array(join(path, "components"), m["components"]) {
		if c, ok := w.component(index(join(path, "components"), i), cv); ok {
			s.Components = append(s.Components, c)
		}
	}
	if len(s.Components) > 0 && s.Unit != Day {
		w.fail(join(path, "components"), "only day services have components")
	}
	if len(s.Components) == 0 {
		s.Components = []Component{{Code: "base", Stay: true}}
	}
	if av, ok := m["after_end"]; ok && av != nil {
		apath := join(path, "after_end")
		if am, ok := w.object(apath, av, "days", "reasons"); ok {
			s.AfterEnd.Days = w.integer(apath, am, "days", 0, 0, 366)
			s.AfterEnd.Reasons = w.strings(join(apath, "reasons"), am["reasons"])
		}
	}
	s.Start = w.startPayment(join(path, "start"), m["start"], s.Unit)
	if s.Code != "" {
		t.serviceIndex[s.Code] = len(t.services)
	}
	t.services = append(t.services, s)
}

// unitAndBasis reads a service's unit and its basis, which must be one
// of the unit's (performed by default for hours, placement for days).
func (w *walker) unitAndBasis(s *Service, path string, m map[string]any) {
	unit := w.str(path, m, "unit", true)
	switch unit {
	case "hour":
		s.Unit = Hour
	case "day":
		s.Unit = Day
	case "visit":
		s.Unit = Visit
	case "month":
		s.Unit = Month
	case "":
	default:
		w.fail(join(path, "unit"), "%s is not hour, day, visit or month", volume.Quote(unit))
	}
	basis := w.str(path, m, "basis", false)
	switch {
	case basis == "":
		switch s.Unit {
		case Hour:
			s.Basis = Performed
		case Day:
			s.Basis = Placement
		}
	case s.Unit == Hour && (basis == "performed" || basis == "capped" || basis == "granted"),
		s.Unit == Day && (basis == "placement" || basis == "presence"):
		for i, n := range basisNames {
			if n == basis {
				s.Basis = Basis(i)
			}
		}
	default:
		w.fail(join(path, "basis"), "%s is not a basis of a %s service", volume.Quote(basis), unit)
	}
}

// rounding reads a service's rounding {step, mode} at rpath.
func (w *walker) rounding(rpath string, rv any) Rounding {
	var r Rounding
	rm, ok := w.object(rpath, rv, "step", "mode")
	if !ok {
		return r
	}
	r.Step = w.integer(rpath, rm, "step", 1, 1, 1440)
	switch mode := w.str(rpath, rm, "mode", true); mode {
	case "up":
		r.Mode = RoundUp
	case "down":
		r.Mode = RoundDown
	case "nearest":
		r.Mode = RoundNearest
	case "":
	default:
		w.fail(join(rpath, "mode"), "%s is not up, down or nearest", volume.Quote(mode))
	}
	return r
}

// absenceRule reads an absence rule {reason, steps, then_percent} of s at
// apath (rules §7): one rule a reason.
func (w *walker) absenceRule(s *Service, apath string, av any) {
	am, ok := w.object(apath, av, "reason", "steps", "then_percent")
	if !ok {
		return
	}
	r := AbsenceRule{Reason: w.str(apath, am, "reason", true), ThenPercent: w.percent(apath, am, "then_percent", "100")}
	if _, dup := s.absenceRule(r.Reason); dup {
		w.fail(join(apath, "reason"), "reason %s has two rules", volume.Quote(r.Reason))
	}
	w.nonNegative(join(apath, "then_percent"), r.ThenPercent)
	for j, sv := range w.array(join(apath, "steps"), am["steps"]) {
		spath := index(join(apath, "steps"), j)
		sm, ok := w.object(spath, sv, "days", "percent")
		if !ok {
			continue
		}
		step := AbsenceStep{Days: w.integer(spath, sm, "days", 0, 1, 100000)}
		if _, ok := sm["days"]; !ok {
			w.fail(join(spath, "days"), "missing")
		}
		step.Percent, _ = w.dec(spath, sm, "percent", true)
		w.nonNegative(join(spath, "percent"), step.Percent)
		r.Steps = append(r.Steps, step)
	}
	s.Absence = append(s.Absence, r)
}

// component reads a day service's component {code, on} at cpath.
func (w *walker) component(cpath string, cv any) (Component, bool) {
	cm, ok := w.object(cpath, cv, "code", "on")
	if !ok {
		return Component{}, false
	}
	c := Component{Code: w.str(cpath, cm, "code", true)}
	for j, on := range w.strings(join(cpath, "on"), cm["on"]) {
		switch on {
		case "stay":
			c.Stay = true
		case "after_end":
			c.AfterEnd = true
		default:
			w.fail(index(join(cpath, "on"), j), "%s is not stay or after_end", volume.Quote(on))
		}
	}
	if !c.Stay && !c.AfterEnd {
		w.fail(join(cpath, "on"), "missing: say stay, after_end or both")
	}
	return c, true
}

// startPayment reads a service's start payment (rules §5 step 7), which
// only an hour service may have: minutes from 1 to a month of days, and
// gap_days (default 90) from 0 to ten years.
func (w *walker) startPayment(path string, v any, unit Unit) StartPayment {
	if v == nil {
		return StartPayment{}
	}
	m, ok := w.object(path, v, "minutes", "gap_days")
	if !ok {
		return StartPayment{}
	}
	if unit != Hour {
		w.fail(path, "only hour services have a start payment")
	}
	if _, ok := m["minutes"]; !ok {
		w.fail(join(path, "minutes"), "missing")
	}
	return StartPayment{Minutes: w.integer(path, m, "minutes", 0, 1, 31*1440), GapDays: w.integer(path, m, "gap_days", 90, 0, 3660)}
}

func (w *walker) nonNegative(path string, d decimal.Decimal) {
	if d.Sign() < 0 {
		w.fail(path, "%s must not be negative", d)
	}
}

func (w *walker) rate(t *Tariff, path string, v any) {
	m, ok := w.object(path, v, "service", "component", "band", "level", "extent", "area",
		"regime", "from", "to", "price")
	if !ok {
		return
	}
	r := Rate{
		Service:   w.str(path, m, "service", true),
		Component: w.str(path, m, "component", false),
		Band:      w.str(path, m, "band", false),
		Level:     w.str(path, m, "level", false),
		Extent:    w.str(path, m, "extent", false),
		Area:      w.str(path, m, "area", false),
		From:      w.date(path, m, "from", true),
		To:        w.date(path, m, "to", false),
	}
	r.Price, _ = w.dec(path, m, "price", true)
	w.nonNegative(join(path, "price"), r.Price)
	if reg := w.str(path, m, "regime", false); reg != "" {
		var err error
		if r.Regime, err = ParseRegime(reg); err != nil {
			w.fail(join(path, "regime"), "%s is not municipal or private", volume.Quote(reg))
		}
	}
	if !r.To.IsZero() && r.To.Before(r.From) {
		w.fail(join(path, "to"), "%s is before from %s", r.To, r.From)
	}
	si, known := t.serviceIndex[r.Service]
	if !known && r.Service != "" {
		w.fail(join(path, "service"), "%s is not a service of the tariff", volume.Quote(r.Service))
	}
	if r.Band != "" && slicesIndex(t.bands, r.Band) < 0 {
		w.fail(join(path, "band"), "%s is not a band of the tariff", volume.Quote(r.Band))
	}
	if known && r.Component != "" {
		s := &t.services[si]
		found := false
		for _, c := range s.Components {
			found = found || c.Code == r.Component
		}
		if !found {
			w.fail(join(path, "component"), "%s is not a component of service %s", volume.Quote(r.Component), volume.Quote(r.Service))
		}
	}
	t.ratesOf[r.Service] = append(t.ratesOf[r.Service], len(t.rates))
	t.rates = append(t.rates, r)
}

// compatible reports whether some attributes match both a and b.
func compatible(a, b *Rate) bool {
	same := func(x, y string) bool { return x == "" || y == "" || x == y }
	return same(a.Component, b.Component) && same(a.Band, b.Band) && same(a.Level, b.Level) &&
		same(a.Extent, b.Extent) && same(a.Area, b.Area) &&
		(a.Regime == AnyRegime || b.Regime == AnyRegime || a.Regime == b.Regime)
}

func overlapDates(a, b *Rate) (from, to volume.Date, ok bool) {
	from = a.From
	if b.From.After(from) {
		from = b.From
	}
	to = a.To
	if to.IsZero() || (!b.To.IsZero() && b.To.Before(to)) {
		to = b.To
	}
	return from, to, to.IsZero() || !to.Before(from)
}

// checkRates rejects rows that could tie (rules §8): two compatible rows
// naming as many keys, valid on a common date, unless a row naming the
// keys of both covers those dates. Rows are grouped by the values they
// name, so that the work grows with the rows times their logarithm, not
// with every pair of rows: a tariff of a hundred thousand rows loads in
// about a second.
func (w *walker) checkRates(t *Tariff) {
	codes := make([]string, 0, len(t.ratesOf))
	for c := range t.ratesOf {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		byTuple := map[rateTuple][]int{}
		for _, i := range t.ratesOf[code] {
			k := tupleOf(&t.rates[i])
			byTuple[k] = append(byTuple[k], i)
		}
		tuples := make([]rateTuple, 0, len(byTuple))
		for k, rows := range byTuple {
			slices.SortFunc(rows, func(x, y int) int {
				return cmp.Or(t.rates[x].From.Compare(t.rates[y].From), cmp.Compare(x, y))
			})
			tuples = append(tuples, k)
		}
		slices.SortFunc(tuples, compareTuples)
		for _, k := range tuples {
			w.sameKeys(t, byTuple[k])
		}
		w.ties(t, byTuple, tuples)
	}
}

// A rateTuple is the values a rate row names: "" (AnyRegime) for a key
// it does not name.
type rateTuple struct {
	component, band, level, extent, area string
	regime                               Regime
}

func tupleOf(r *Rate) rateTuple {
	return rateTuple{r.Component, r.Band, r.Level, r.Extent, r.Area, r.Regime}
}

// mask returns a bit for each key k names.
func (k rateTuple) mask() uint8 {
	var m uint8
	for i, v := range [...]string{k.component, k.band, k.level, k.extent, k.area} {
		if v != "" {
			m |= 1 << i
		}
	}
	if k.regime != AnyRegime {
		m |= 1 << 5
	}
	return m
}

// only returns k with the keys outside mask not named.
func (k rateTuple) only(mask uint8) rateTuple {
	keep := func(bit int, v string) string {
		if mask&(1<<bit) == 0 {
			return ""
		}
		return v
	}
	out := rateTuple{keep(0, k.component), keep(1, k.band), keep(2, k.level), keep(3, k.extent), keep(4, k.area), k.regime}
	if mask&(1<<5) == 0 {
		out.regime = AnyRegime
	}
	return out
}

func compareTuples(a, b rateTuple) int {
	return cmp.Or(cmp.Compare(a.component, b.component), cmp.Compare(a.band, b.band), cmp.Compare(a.level, b.level),
		cmp.Compare(a.extent, b.extent), cmp.Compare(a.area, b.area), cmp.Compare(a.regime, b.regime))
}

// sameKeys rejects rows of one key set (rows, by their from date) valid
// on a common date.
func (w *walker) sameKeys(t *Tariff, rows []int) {
	last := -1 // the row before that ends last
	for _, i := range rows {
		r := &t.rates[i]
		if last >= 0 && !w.full() {
			if from, _, ok := overlapDates(&t.rates[last], r); ok {
				w.fail(fmt.Sprintf("rates[%d]", max(i, last)), "valid on the same dates as rates[%d] for the same keys (from %s)", min(i, last), from)
			}
		}
		if last < 0 || endsAfter(r, &t.rates[last]) {
			last = i
		}
	}
}

// endsAfter reports whether a is valid after the last date of b.
func endsAfter(a, b *Rate) bool {
	return !b.To.IsZero() && (a.To.IsZero() || a.To.After(b.To))
}

// ties rejects pairs of rows of different key sets that name as many keys,
// match the same visits (their values agree wherever both name one) and
// are valid on a common date, where no more specific row covers them.
func (w *walker) ties(t *Tariff, byTuple map[rateTuple][]int, tuples []rateTuple) {
	for x, a := range tuples {
		for _, b := range tuples[x+1:] {
			if w.full() {
				return
			}
			ma, mb := a.mask(), b.mask()
			if ma == mb || bits.OnesCount8(ma) != bits.OnesCount8(mb) || !compatible(&Rate{Component: a.component, Band: a.band,
				Level: a.level, Extent: a.extent, Area: a.area, Regime: a.regime}, &Rate{Component: b.component, Band: b.band,
				Level: b.level, Extent: b.extent, Area: b.area, Regime: b.regime}) {
				continue
			}
			w.tiedRows(t, byTuple, byTuple[a], byTuple[b])
		}
	}
}

// tiedRows rejects the rows of as and bs (two compatible key sets, each by
// from date) valid on a common date where no more specific row covers
// them, walking both lists once.
func (w *walker) tiedRows(t *Tariff, byTuple map[rateTuple][]int, as, bs []int) {
	for i, j := 0, 0; i < len(as) && j < len(bs) && !w.full(); {
		a, b := &t.rates[as[i]], &t.rates[bs[j]]
		if from, to, ok := overlapDates(a, b); ok && !resolved(t, byTuple, a, b, from, to) {
			w.fail(fmt.Sprintf("rates[%d]", max(as[i], bs[j])), "ties with rates[%d]: both name %d keys and match the same visits from %s",
				min(as[i], bs[j]), a.keys(), from)
		}
		if endsAfter(a, b) {
			j++
		} else {
			i++
		}
	}
}

// resolved reports whether a more specific row covers every case where a
// and b both match, on every date from..to: a row that names more keys
// than a, each with the value a or b names.
func resolved(t *Tariff, byTuple map[rateTuple][]int, a, b *Rate, from, to volume.Date) bool {
	pick := func(x, y string) string {
		if x != "" {
			return x
		}
		return y
	}
	want := rateTuple{pick(a.Component, b.Component), pick(a.Band, b.Band), pick(a.Level, b.Level),
		pick(a.Extent, b.Extent), pick(a.Area, b.Area), a.Regime}
	if want.regime == AnyRegime {
		want.regime = b.Regime
	}
	full := want.mask()
	if bits.OnesCount8(full) == a.keys() {
		return false // same keys: a real clash
	}
	// Every key set within want's that names more keys than a.
	for sub := full; sub != 0; sub = (sub - 1) & full {
		if bits.OnesCount8(sub) <= a.keys() {
			continue
		}
		for _, i := range byTuple[want.only(sub)] {
			c := &t.rates[i]
			if !c.From.After(from) && (c.To.IsZero() || (!to.IsZero() && !c.To.Before(to))) {
				return true
			}
		}
	}
	return false
}

func (w *walker) markup(t *Tariff, path string, v any) {
	m, ok := w.object(path, v, "code", "percent", "per_unit", "area", "regimes", "services")
	if !ok {
		return
	}
	mk := Markup{Code: w.str(path, m, "code", true), Area: w.str(path, m, "area", false)}
	_, hasPercent := m["percent"]
	if d, ok := w.dec(path, m, "per_unit", false); ok {
		mk.PerUnit = decimal.NullDecimal{Decimal: d, Valid: true}
	}
	switch {
	case hasPercent && mk.PerUnit.Valid:
		w.fail(path, "a markup has a percent or a per_unit, not both")
	case hasPercent:
		mk.Percent, _ = w.dec(path, m, "percent", true)
	case !mk.PerUnit.Valid:
		if _, ok := m["per_unit"]; !ok {
			w.fail(join(path, "percent"), "missing: say percent or per_unit")
		}
	}
	if mk.Area != "" && !mk.PerUnit.Valid {
		w.fail(join(path, "area"), "only a per_unit markup has an area")
	}
	for i, r := range w.strings(join(path, "regimes"), m["regimes"]) {
		reg, err := ParseRegime(r)
		if err != nil {
			w.fail(index(join(path, "regimes"), i), "%s is not municipal or private", volume.Quote(r))
		}
		mk.Regimes = append(mk.Regimes, reg)
	}
	for i, s := range w.strings(join(path, "services"), m["services"]) {
		if _, ok := t.serviceIndex[s]; !ok {
			w.fail(index(join(path, "services"), i), "%s is not a service of the tariff", volume.Quote(s))
		}
		mk.Services = append(mk.Services, s)
	}
	t.markups = append(t.markups, mk)
}

// Service returns a copy of the service with code.
func (t *Tariff) Service(code string) (Service, bool) {
	svc, ok := t.service(code)
	if !ok {
		return Service{}, false
	}
	return svc.clone(), true
}

// service returns the service with code, the tariff's own.
func (t *Tariff) service(code string) (*Service, bool) {
	i, ok := t.serviceIndex[code]
	if !ok {
		return nil, false
	}
	return &t.services[i], true
}

// Name is the tariff's name, as its file gives it.
func (t *Tariff) Name() string { return t.name }

// Currency is the currency of its prices: SEK.
func (t *Tariff) Currency() string { return t.currency }

// DefaultBand is the code of the band that granted time and absence are
// paid in.
func (t *Tariff) DefaultBand() string { return t.defaultBand }

// DefaultCorrectionMonths is a tariff's correction_months when it does not
// say (rules §12).
const DefaultCorrectionMonths = 3

// maxCorrectionMonths bounds correction_months: ten years back is more
// than any municipality keeps a month open.
const maxCorrectionMonths = 120

// CorrectionMonths is how many periods before a run's period may still be
// corrected (rules §12): with 3, the run for 2026-06 corrects 2026-03,
// -04 and -05, and earlier periods are locked. 0 locks every earlier
// period.
func (t *Tariff) CorrectionMonths() int { return t.correctionMonths }

// NoChoice is the no-choice provider (ickevalsalternativ), a copy.
func (t *Tariff) NoChoice() NoChoice {
	n := t.noChoice
	n.ByArea = maps.Clone(n.ByArea)
	return n
}

// Services returns a copy of the services, in the order of the file.
func (t *Tariff) Services() []Service {
	out := make([]Service, len(t.services))
	for i := range t.services {
		out[i] = t.services[i].clone()
	}
	return out
}

// Rates returns a copy of the rate rows, in the order of the file.
func (t *Tariff) Rates() []Rate { return slices.Clone(t.rates) }

// Markups returns a copy of the markups, in the order of the file.
func (t *Tariff) Markups() []Markup {
	out := make([]Markup, len(t.markups))
	for i, m := range t.markups {
		m.Regimes, m.Services = slices.Clone(m.Regimes), slices.Clone(m.Services)
		out[i] = m
	}
	return out
}

// Bands returns a copy of the time bands as the file writes them.
func (t *Tariff) Bands() []Band {
	out := make([]Band, len(t.bands))
	for i, b := range t.bands {
		rules := make([]BandRule, len(b.Rules))
		for j, r := range b.Rules {
			r.Days = slices.Clone(r.Days)
			rules[j] = r
		}
		out[i] = Band{Code: b.Code, Rules: rules}
	}
	return out
}

// DateSets returns a copy of the named date sets.
func (t *Tariff) DateSets() map[string][]volume.Date {
	out := make(map[string][]volume.Date, len(t.dateSets))
	for k, v := range t.dateSets {
		out[k] = slices.Clone(v)
	}
	return out
}

// clone returns a copy of s that shares nothing with it.
func (s *Service) clone() Service {
	c := *s
	c.Absence = make([]AbsenceRule, len(s.Absence))
	for i, r := range s.Absence {
		r.Steps = slices.Clone(r.Steps)
		c.Absence[i] = r
	}
	c.Components = slices.Clone(s.Components)
	c.AfterEnd.Reasons = slices.Clone(s.AfterEnd.Reasons)
	return c
}

// Calendar returns the tariff's calendar: Swedish holidays and its date sets.
func (t *Tariff) Calendar() *volume.Calendar { return t.cal }

// TimeBands returns the tariff's compiled time bands.
func (t *Tariff) TimeBands() *volume.Bands { return t.bandSet }

// rateQuery is what a rate row is matched against.
type rateQuery struct {
	service, component, band, level, extent, area string
	regime                                        Regime
}

// rate returns the index of the most specific rate row matching q on date,
// or -1 (rules §8). Rows that tie were rejected at load; should one remain,
// the first in tariff order wins.
func (t *Tariff) rate(q rateQuery, date volume.Date) int {
	best, bestKeys := -1, -1
	for _, i := range t.ratesOf[q.service] {
		r := &t.rates[i]
		if !r.valid(date) ||
			(r.Component != "" && r.Component != q.component) ||
			(r.Band != "" && r.Band != q.band) ||
			(r.Level != "" && r.Level != q.level) ||
			(r.Extent != "" && r.Extent != q.extent) ||
			(r.Area != "" && r.Area != q.area) ||
			(r.Regime != AnyRegime && r.Regime != q.regime) {
			continue
		}
		if k := r.keys(); k > bestKeys {
			best, bestKeys = i, k
		}
	}
	return best
}

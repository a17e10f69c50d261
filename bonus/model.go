package bonus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// Direction says which way an indicator is better.
type Direction uint8

// The directions.
const (
	Higher Direction = iota + 1 // met when value >= target
	Lower                       // met when value <= target
)

// String returns "higher" or "lower".
func (d Direction) String() string {
	switch d {
	case Higher:
		return "higher"
	case Lower:
		return "lower"
	}
	return fmt.Sprintf("%%!Direction(%d)", uint8(d))
}

// Kind is how a level's amount is paid (rules §11).
type Kind uint8

// The amount kinds.
const (
	PerHour Kind = iota + 1 // SEK per paid hour
	PerDay                  // SEK per paid stay day
	Fixed                   // SEK per provider
	Percent                 // percent of the paid reimbursement
	Pool                    // a budget shared in proportion to paid days × the level's weight
)

var kindNames = [...]string{"", "per_hour", "per_day", "fixed", "percent", "pool"}

// String returns the kind as the model writes it.
func (k Kind) String() string {
	if int(k) < len(kindNames) && k > 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("%%!Kind(%d)", uint8(k))
}

// An Indicator is a quality indicator with its target.
type Indicator struct {
	Code      string
	Name      string
	Direction Direction
	Target    decimal.Decimal
	Points    int
}

// Met reports whether value meets the indicator's target.
func (i Indicator) Met(value decimal.Decimal) bool {
	if i.Direction == Lower {
		return value.LessThanOrEqual(i.Target)
	}
	return value.GreaterThanOrEqual(i.Target)
}

// A Level is reached with at least MinPoints points and every indicator in
// Require met. Amount is SEK per hour or day, SEK per provider, a percent,
// or the pool weight, by the model's Kind.
type Level struct {
	Code      string
	MinPoints int
	Require   []string
	Amount    decimal.Decimal
}

// A Model is a quality bonus model (kvalitetsbonus) for one evaluation
// period and one or more services. Make one with ParseModel or LoadModel.
type Model struct {
	Code       string
	Name       string
	Services   []string
	From, To   volume.Date
	Indicators []Indicator
	Levels     []Level
	Kind       Kind
	Budget     decimal.NullDecimal // the most the bonus may cost; required for Pool
}

// A ModelError lists every problem of a bonus model, each with its JSON
// path.
type ModelError struct {
	File     string
	Problems []string
}

// Error lists the problems.
func (e *ModelError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("bonus: %s: %s", e.File, e.Problems[0])
	}
	return fmt.Sprintf("bonus: %s: %d problems:\n\t%s", e.File, len(e.Problems), strings.Join(e.Problems, "\n\t"))
}

// LoadModel reads and checks the bonus model in file.
func LoadModel(file string) (*Model, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("bonus: %w", err)
	}
	return ParseModel(data, filepath.Base(file))
}

// ParseModel reads and checks a bonus model in the JSON of formats.md.
// Unknown fields are problems; every problem is reported.
func ParseModel(data []byte, file string) (*Model, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &ModelError{File: file, Problems: []string{"not valid JSON: " + err.Error()}}
	}
	c := &checker{}
	m := c.model(doc)
	if len(c.problems) > 0 {
		return nil, &ModelError{File: file, Problems: c.problems}
	}
	return m, nil
}

type checker struct{ problems []string }

func (c *checker) fail(path, format string, args ...any) {
	if len(c.problems) < 100 {
		c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
	}
}

func (c *checker) object(path string, v any, allowed ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "want an object")
		return map[string]any{}
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			c.fail(sub(path, k), "unknown field (known: %s)", strings.Join(allowed, ", "))
		}
	}
	return m
}

func sub(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (c *checker) str(path string, m map[string]any, key string, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.fail(sub(path, key), "missing")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		c.fail(sub(path, key), "want a string")
	} else if s == "" && required {
		c.fail(sub(path, key), "empty")
	}
	return s
}

func (c *checker) list(path string, v any) []any {
	if v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		c.fail(path, "want an array")
	}
	return a
}

func (c *checker) strings(path string, v any) []string {
	var out []string
	for i, e := range c.list(path, v) {
		s, ok := e.(string)
		if !ok {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "want a string")
		}
		out = append(out, s)
	}
	return out
}

func (c *checker) dec(path string, m map[string]any, key string, required bool) (decimal.Decimal, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			c.fail(sub(path, key), "missing")
		}
		return decimal.Decimal{}, false
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		c.fail(sub(path, key), "want a decimal string")
		return decimal.Decimal{}, false
	}
	if strings.ContainsAny(s, "eE") || len(s) > 32 {
		c.fail(sub(path, key), "%q is not a decimal", s)
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		c.fail(sub(path, key), "%q is not a decimal", s)
		return decimal.Decimal{}, false
	}
	return d, true
}

func (c *checker) integer(path string, m map[string]any, key string) int {
	v, ok := m[key]
	if !ok || v == nil {
		return 0
	}
	n, isNum := v.(json.Number)
	i, err := strconv.Atoi(string(n))
	if !isNum || err != nil || i < 0 || i > 1000 {
		c.fail(sub(path, key), "want a whole number from 0 to 1000")
	}
	return i
}

func (c *checker) date(path string, m map[string]any, key string) volume.Date {
	s := c.str(path, m, key, true)
	if s == "" {
		return volume.Date{}
	}
	d, err := volume.ParseDate(s)
	if err != nil {
		c.fail(sub(path, key), "%q is not a date YYYY-MM-DD", s)
	}
	return d
}

func (c *checker) model(doc any) *Model {
	m := c.object("", doc, "code", "name", "services", "from", "to", "indicators", "levels", "kind", "budget")
	md := &Model{
		Code:     c.str("", m, "code", true),
		Name:     c.str("", m, "name", false),
		Services: c.strings("services", m["services"]),
		From:     c.date("", m, "from"),
		To:       c.date("", m, "to"),
	}
	if len(md.Services) == 0 {
		c.fail("services", "missing: name the services the bonus is for")
	}
	if !md.From.IsZero() && !md.To.IsZero() && md.To.Before(md.From) {
		c.fail("to", "%s is before from %s", md.To, md.From)
	}
	seen := map[string]bool{}
	for i, v := range c.list("indicators", m["indicators"]) {
		path := fmt.Sprintf("indicators[%d]", i)
		im := c.object(path, v, "code", "name", "direction", "target", "points")
		ind := Indicator{Code: c.str(path, im, "code", true), Name: c.str(path, im, "name", false), Points: c.integer(path, im, "points")}
		ind.Target, _ = c.dec(path, im, "target", true)
		switch dir := c.str(path, im, "direction", true); dir {
		case "higher":
			ind.Direction = Higher
		case "lower":
			ind.Direction = Lower
		case "":
		default:
			c.fail(sub(path, "direction"), "%q is not higher or lower", dir)
		}
		if seen[ind.Code] {
			c.fail(sub(path, "code"), "indicator %q is listed twice", ind.Code)
		}
		seen[ind.Code] = true
		md.Indicators = append(md.Indicators, ind)
	}
	for i, v := range c.list("levels", m["levels"]) {
		path := fmt.Sprintf("levels[%d]", i)
		lm := c.object(path, v, "code", "min_points", "require", "amount")
		l := Level{Code: c.str(path, lm, "code", true), MinPoints: c.integer(path, lm, "min_points"),
			Require: c.strings(sub(path, "require"), lm["require"])}
		l.Amount, _ = c.dec(path, lm, "amount", true)
		if l.Amount.Sign() < 0 {
			c.fail(sub(path, "amount"), "%s must not be negative", l.Amount)
		}
		for j, r := range l.Require {
			if !seen[r] {
				c.fail(fmt.Sprintf("%s.require[%d]", path, j), "%q is not an indicator of the model", r)
			}
		}
		md.Levels = append(md.Levels, l)
	}
	if len(md.Levels) == 0 {
		c.fail("levels", "missing: a model needs at least one level")
	}
	kind := c.str("", m, "kind", true)
	for i, n := range kindNames {
		if n == kind && i > 0 {
			md.Kind = Kind(i)
		}
	}
	if md.Kind == 0 && kind != "" {
		c.fail("kind", "%q is not per_hour, per_day, fixed, percent or pool", kind)
	}
	if b, ok := c.dec("", m, "budget", false); ok {
		if b.Sign() < 0 || b.Exponent() < -2 {
			c.fail("budget", "%s is not an amount in SEK", b)
		}
		md.Budget = decimal.NullDecimal{Decimal: b, Valid: true}
	}
	if md.Kind == Pool && !md.Budget.Valid {
		c.fail("budget", "missing: a pool needs a budget to share")
	}
	return md
}

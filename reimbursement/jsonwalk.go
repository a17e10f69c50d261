package reimbursement

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/exempelby/ersattning/volume"
)

// A Problem is one thing wrong at a place of a JSON document.
type Problem struct {
	Path    string // JSON path, e.g. rates[3].price
	Message string
}

// String returns the problem as "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// walker reads a JSON document decoded with UseNumber, collecting every
// problem with its path instead of stopping at the first.
type walker struct {
	problems []Problem
	more     int // problems past maxProblems, counted only
}

// maxProblems is how many problems a document error lists in full.
const maxProblems = 100

func (w *walker) fail(path, format string, args ...any) {
	if len(w.problems) >= maxProblems {
		w.more++
		return
	}
	w.problems = append(w.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// full reports whether no more problems will be listed.
func (w *walker) full() bool { return len(w.problems) >= maxProblems }

// finish returns the problems, with a last one counting those not listed.
func (w *walker) finish() []Problem {
	if w.more > 0 {
		return append(w.problems, Problem{Message: fmt.Sprintf("and %d more problems", w.more)})
	}
	return w.problems
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}

// object returns v as an object, failing on keys not in allowed.
func (w *walker) object(path string, v any, allowed ...string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		w.fail(path, "want an object, got %s", describe(v))
		return nil, false
	}
	var unknown []string
	for k := range m {
		found := false
		for _, a := range allowed {
			found = found || a == k
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		w.fail(join(path, k), "unknown field (known: %s)", strings.Join(allowed, ", "))
	}
	return m, true
}

// freeObject returns v as an object whose keys are names, not fields.
func (w *walker) freeObject(path string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		w.fail(path, "want an object, got %s", describe(v))
	}
	return m, ok
}

func (w *walker) array(path string, v any) []any {
	if v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		w.fail(path, "want an array, got %s", describe(v))
	}
	return a
}

// str returns the string at m[key]; a missing or empty required one fails.
func (w *walker) str(path string, m map[string]any, key string, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			w.fail(join(path, key), "missing")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		w.fail(join(path, key), "want a string, got %s", describe(v))
		return ""
	}
	if s == "" && required {
		w.fail(join(path, key), "empty")
	}
	return s
}

func (w *walker) strings(path string, v any) []string {
	var out []string
	for i, e := range w.array(path, v) {
		s, ok := e.(string)
		if !ok {
			w.fail(index(path, i), "want a string, got %s", describe(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

// integer returns the whole number at m[key], def when missing.
func (w *walker) integer(path string, m map[string]any, key string, def, min, max int) int {
	v, ok := m[key]
	if !ok || v == nil {
		return def
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		w.fail(join(path, key), "want a whole number, got %s", describe(v))
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		w.fail(join(path, key), "%s is not a whole number", volume.Quote(s))
		return def
	}
	if n < min || n > max {
		w.fail(join(path, key), "%d is out of range %d to %d", n, min, max)
		return def
	}
	return n
}

func (w *walker) boolean(path string, m map[string]any, key string, def bool) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		w.fail(join(path, key), "want true or false, got %s", describe(v))
		return def
	}
	return b
}

// dec returns the decimal at m[key], written as a string or a JSON number
// (read as its exact text, never as a float).
func (w *walker) dec(path string, m map[string]any, key string, required bool) (decimal.Decimal, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			w.fail(join(path, key), "missing")
		}
		return decimal.Decimal{}, false
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	default:
		w.fail(join(path, key), "want a decimal string, got %s", describe(v))
		return decimal.Decimal{}, false
	}
	d, err := parseDecimal(s)
	if err != nil {
		w.fail(join(path, key), "%s is not a decimal", volume.Quote(s))
		return decimal.Decimal{}, false
	}
	return d, true
}

func (w *walker) date(path string, m map[string]any, key string, required bool) volume.Date {
	s := w.str(path, m, key, required)
	if s == "" {
		return volume.Date{}
	}
	d, err := volume.ParseDate(s)
	if err != nil {
		w.fail(join(path, key), "%s is not a date YYYY-MM-DD", volume.Quote(s))
	}
	return d
}

// parseDecimal parses a plain decimal: an optional sign, digits, an optional
// point and digits. No exponents, no thousands separators.
func parseDecimal(s string) (decimal.Decimal, error) {
	t := s
	if t != "" && (t[0] == '-' || t[0] == '+') {
		t = t[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return decimal.Decimal{}, fmt.Errorf("reimbursement: %s is not a decimal", volume.Quote(s))
		}
	}
	if digits == 0 || digits > 30 {
		return decimal.Decimal{}, fmt.Errorf("reimbursement: %s is not a decimal", volume.Quote(s))
	}
	return decimal.NewFromString(s)
}

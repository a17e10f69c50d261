package jsonw

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
)

// TestAppendString: strings are written as encoding/json writes them,
// HTML characters, control bytes, U+2028, U+2029 and bad UTF-8 included.
func TestAppendString(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	pieces := []string{"a", "Z", "0", " ", "<", ">", "&", "\"", "\\", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\b", "\f",
		"é", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀", "/", "abcdefgh"}
	for i := 0; i < 20000; i++ {
		var s strings.Builder
		for range rng.Intn(12) {
			s.WriteString(pieces[rng.Intn(len(pieces))])
		}
		want, err := json.Marshal(s.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s.String()); string(got) != string(want) {
			t.Fatalf("%q: %s, want %s", s.String(), got, want)
		}
		if got := AppendString(nil, []byte(s.String())); string(got) != string(want) {
			t.Fatalf("%q as bytes: %s, want %s", s.String(), got, want)
		}
	}
}

// TestWriter: a document written value by value is laid out as
// json.MarshalIndent(…, "", "  ") lays out the same document, at any
// depth, with empty containers, and when written in pieces (Inside, Raw,
// Opened, Filled).
func TestWriter(t *testing.T) {
	type doc struct {
		Name  string   `json:"name"`
		Empty []string `json:"empty"`
		List  []string `json:"list"`
		Deep  any      `json:"deep"`
	}
	var deep any = "x"
	for range 17 {
		deep = []any{deep}
	}
	want, err := json.MarshalIndent(doc{"a<b>", []string{}, []string{"1", "2"}, deep}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	j := New(&out)
	j.Open('{')
	j.Field("name", "a<b>")
	j.Key("empty")
	j.Strings(nil)
	// "list" written by hand, as a caller that builds pieces does.
	j.Key("list")
	j.Open('[')
	b := j.Scratch()
	b = AppendString(append(b, Newline(j.Depth())...), "1")
	b = AppendString(append(append(b, ','), Newline(j.Depth())...), "2")
	j.Raw(b)
	j.Keep(b)
	j.Filled()
	j.Close(']')
	j.Key("deep")
	for range 17 {
		j.Open('[')
		j.Item()
	}
	// The innermost value in a piece of its own.
	var piece bytes.Buffer
	inner := Inside(&piece, make([]bool, j.Depth())...)
	inner.String("x")
	j.Raw(piece.Bytes())
	for range 17 {
		j.Close(']')
	}
	j.Close('}')
	if out.String() != string(want) {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if j.Depth() != 0 {
		t.Errorf("depth %d at the end", j.Depth())
	}
}

// TestCloseUnopened: closing more than was opened is a programming
// error, not a malformed document.
func TestCloseUnopened(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	New(&bytes.Buffer{}).Close('}')
}

// FuzzAppendString: any bytes come out as encoding/json writes them.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\xff\xfe", "\u2028", "tab\there", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: %s, want %s", s, got, want)
		}
	})
}

package reimbursement

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/reimbursement/internal/store"
)

// idShape is a kind of record id, made at random.
type idShape struct {
	name string
	id   func() string
}

// idShapes are ids of every shape the radix sort of orderByID treats
// apart: short and long, alike in their first 8, 16 or over 64 bytes,
// with NUL and non-ASCII bytes.
func idShapes(rng *rand.Rand) []idShape {
	long := strings.Repeat("x", 70)
	return []idShape{
		{"numbered", func() string { return fmt.Sprintf("T%d", rng.Intn(60000)) }},
		{"alike in 8 bytes", func() string { return fmt.Sprintf("BESÖK-%d", rng.Intn(5000)) }},
		{"alike in 16 bytes", func() string { return fmt.Sprintf("2026-03-kommun-%d", rng.Intn(500)) }},
		{"alike past 64 bytes", func() string { return long + fmt.Sprint(rng.Intn(300)) }},
		{"NUL and high bytes", func() string {
			b := make([]byte, rng.Intn(12))
			for i := range b {
				b[i] = []byte{0, 1, 'a', 0x7f, 0x80, 0xff}[rng.Intn(6)]
			}
			return string(b)
		}},
		{"mixed", func() string {
			return []string{"", "a", "a\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", long, long + "\x00"}[rng.Intn(9)]
		}},
	}
}

// TestOrderUnpaid: the unpaid entries of reports (kept without strings)
// and the other entries of a provider come out as a plain sort of all of
// them with repeats dropped, for ids of every shape: repeats within the
// reports, within the others, and between the two; one id with other
// reasons, decisions (two of one id) and quantities.
func TestOrderUnpaid(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, shape := range idShapes(rng) {
		for _, n := range []int{0, 1, smallRun, smallRun + 1, 3000, 50000} {
			s := &Settler{decisions: []decState{{d: &Decision{ID: "D2"}}, {d: &Decision{ID: "D1"}}, {d: &Decision{ID: "D1"}}}}
			b := newBuilder(s)
			var ids strings.Builder
			var reports store.Chunks[reportUnpaid]
			var others, all []Unpaid
			reasons := []Reason{ReasonOverGranted, ReasonOverlap, ReasonZeroLength}
			for range n {
				id := shape.id()
				if len(all) > 0 && rng.Intn(5) == 0 {
					id = all[rng.Intn(len(all))].ID
				}
				u := Unpaid{ID: id, Quantity: int64(rng.Intn(3)), Unit: Minute, Reason: reasons[rng.Intn(len(reasons))]}
				dec := int32(rng.Intn(4)) - 1
				if dec >= 0 {
					u.Decision = s.decisions[dec].d.ID
				}
				// The entry as another entry or as a report's, once or
				// twice.
				add := func(asReport bool) {
					all = append(all, u)
					if !asReport {
						others = append(others, u)
						return
					}
					reports.Add(reportUnpaid{qty: u.Quantity, key: radix.Key(id, 0), idOff: uint32(ids.Len()), idLen: uint32(len(id)),
						dec: dec, unit: u.Unit, reason: codeOfUnpaid(u.Reason)})
					ids.WriteString(id)
				}
				add(rng.Intn(10) != 0)
				if rng.Intn(8) == 0 {
					add(rng.Intn(2) != 0)
				}
			}
			s.idStr = ids.String()
			want := slices.Clone(all)
			slices.SortFunc(want, compareUnpaid)
			want = slices.CompactFunc(want, func(a, b Unpaid) bool { return compareUnpaid(a, b) == 0 })
			got := b.orderUnpaid(others, &reports).list()
			if !slices.Equal(want, got) {
				t.Fatalf("%s, %d entries: orderUnpaid differs from a plain sort: %d entries, want %d", shape.name, n, len(got), len(want))
			}
		}
	}
}

// TestSortUnpaid: sortUnpaid is a plain sort with repeats dropped, for ids
// of every shape the radix sort of orderByID treats apart: short and
// long, alike in their first 8, 16 or over 64 bytes, with NUL and
// non-ASCII bytes, repeated.
func TestSortUnpaid(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	shapes := idShapes(rng)
	for _, shape := range shapes {
		for _, n := range []int{0, 1, smallRun, smallRun + 1, 3000, 80000} {
			list := make([]Unpaid, n)
			for i := range list {
				list[i] = Unpaid{ID: shape.id(), Reason: []Reason{ReasonOverGranted, ReasonStaffNotGranted}[rng.Intn(2)],
					Quantity: int64(rng.Intn(3))}
			}
			want := slices.Clone(list)
			slices.SortFunc(want, compareUnpaid)
			want = slices.CompactFunc(want, func(a, b Unpaid) bool { return compareUnpaid(a, b) == 0 })
			got := sortUnpaid(list)
			if !slices.EqualFunc(want, got, func(a, b Unpaid) bool { return compareUnpaid(a, b) == 0 }) {
				t.Fatalf("%s, %d entries: sortUnpaid differs from a plain sort", shape.name, n)
			}
		}
	}
}

// TestParallelSettlement: a month with more decisions than settle on one
// core, and more reports than are hashed on one, settles to the same
// bytes on one core and on many.
func TestParallelSettlement(t *testing.T) {
	if testing.Short() {
		t.Skip("a big month")
	}
	b := settleManyDecisions(t, 1)
	for _, workers := range []int{2, 3, 8} {
		if got := settleManyDecisions(t, workers); got != b {
			t.Fatalf("%d workers settle differently from one", workers)
		}
	}
}

func settleManyDecisions(t *testing.T, workers int) string {
	t.Helper()
	tariff := MustParseTariff(`{"name": "x",
	  "bands": [{"code": "natt", "rules": [{"days": ["all"], "from": "22:00", "to": "07:00"}]},
	            {"code": "dag", "rules": [{"days": ["all"], "from": "07:00", "to": "22:00"}]}],
	  "default_band": "dag", "services": [{"code": "HT", "unit": "hour", "basis": "capped"}],
	  "rates": [{"service": "HT", "from": "2026-01-01", "price": "452"}, {"service": "HT", "band": "natt", "from": "2026-01-01", "price": "520"}]}`)
	rng := rand.New(rand.NewSource(3))
	in := Input{Providers: []Provider{{ID: "P1", Regime: Private}, {ID: "P2", Regime: Municipal}}}
	for d := 0; d < 5000; d++ {
		dec := Decision{ID: fmt.Sprintf("D%d", d), Recipient: fmt.Sprintf("R%d", d), Provider: []string{"P1", "P2"}[d%2],
			Service: "HT", From: volumeDate("2026-01-01"), GrantedHours: decimalOf(int64(1 + rng.Intn(10))), GrantedPer: PerMonth}
		in.Decisions = append(in.Decisions, dec)
		for v := 0; v < 40; v++ {
			day := 1 + rng.Intn(31)
			h := rng.Intn(24)
			in.Reports = append(in.Reports, reportOf(fmt.Sprintf("T%d-%d", d, v), dec, day, h, 20+rng.Intn(120)))
		}
	}
	// Copies, the same and not, some naming another recipient: found on
	// all cores (markCopies hashes in pieces of 65 536 reports).
	for i := 0; i < len(in.Reports); i += 89 {
		c := in.Reports[i]
		switch i % 3 {
		case 1:
			c.End = c.Start
		case 2:
			c.Recipient = in.Reports[(i*7)%len(in.Reports)].Recipient
		}
		in.Reports = append(in.Reports, c)
	}
	st, err := Settle(tariff, volumePeriod("2026-03"), in, Options{Location: stockholmForTest(t), Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	st.WriteJSON(&b)
	return b.String()
}

// TestSortLines: sortLines sorts as a plain sort does whether the lines
// come sorted, in a few sorted runs (merged, keeping equal lines in their
// order), an odd number of them, or in more runs than it merges (sorted).
func TestSortLines(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	line := func() Line {
		return Line{Recipient: fmt.Sprintf("R%d", rng.Intn(50)), Decision: fmt.Sprintf("D%d", rng.Intn(3)),
			Component: []string{"base", "declined"}[rng.Intn(2)], Band: fmt.Sprint(rng.Intn(5)), Reports: []string{fmt.Sprint(rng.Int())}}
	}
	for _, runs := range []int{1, 2, 3, 7, maxRuns, maxRuns + 1, 300} {
		var lines []Line
		for range runs {
			run := make([]Line, 1+rng.Intn(40))
			for i := range run {
				run[i] = line()
			}
			slices.SortStableFunc(run, compareLines)
			lines = append(lines, run...)
		}
		want := slices.Clone(lines)
		slices.SortStableFunc(want, compareLines)
		got := sortLines(slices.Clone(lines))
		for i := range want {
			if compareLines(got[i], want[i]) != 0 {
				t.Fatalf("%d runs: line %d is %v, want %v", runs, i, got[i], want[i])
			}
			if runs <= maxRuns && len(lines) >= 64 && got[i].Reports[0] != want[i].Reports[0] {
				t.Fatalf("%d runs: equal lines change order at %d", runs, i)
			}
		}
	}
}

// TestSortRecs: sortRecs sorts a line's reports by id and drops repeats,
// as a plain sort does, whether they come in order, nearly in order (the
// insertion sort), or in none (the insertion sort gives up), for ids of
// every shape.
func TestSortRecs(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	orders := map[string]func([]string){
		"in order": func(ids []string) { slices.Sort(ids) },
		"reversed": func(ids []string) { slices.Sort(ids); slices.Reverse(ids) },
		"shuffled": func(ids []string) { rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] }) },
		"few swaps": func(ids []string) {
			slices.Sort(ids)
			for range len(ids)/10 + 1 {
				if i := rng.Intn(len(ids)); i+1 < len(ids) {
					ids[i], ids[i+1] = ids[i+1], ids[i]
				}
			}
		},
	}
	for _, shape := range idShapes(rng) {
		for name, order := range orders {
			for _, n := range []int{1, 2, 17, 300} {
				ids := make([]string, n)
				for i := range ids {
					ids[i] = shape.id()
				}
				order(ids)
				var all strings.Builder
				recs := make([]lineRec, n)
				for i, id := range ids {
					recs[i] = lineRec{key: radix.Key(id, 0), idOff: uint32(all.Len()), idLen: uint32(len(id))}
					all.WriteString(id)
				}
				b := newBuilder(&Settler{idStr: all.String()})
				var got []string
				for _, r := range b.sortRecs(recs) {
					got = append(got, b.recID(&r))
				}
				want := slices.Compact(slices.Sorted(slices.Values(ids)))
				if !slices.Equal(got, want) {
					t.Fatalf("%s, %s, %d ids: sortRecs gives %q, want %q", shape.name, name, n, got, want)
				}
			}
		}
	}
}

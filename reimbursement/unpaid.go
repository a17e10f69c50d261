package reimbursement

import (
	"cmp"
	"slices"
	"strings"

	"github.com/exempelby/ersattning/reimbursement/internal/radix"
	"github.com/exempelby/ersattning/reimbursement/internal/store"
)

// reportUnpaid is an Unpaid of a report, from its pipeline or from
// Settlement: no strings, so that millions of them cost the collector
// nothing until the settlement is made.
type reportUnpaid struct {
	qty          int64
	key          uint64 // the first eight bytes of the id
	idOff, idLen uint32 // the id, in Settler.idStr
	dec          int32  // decision index, -1 when none
	unit         Unit
	reason       reasonCode
}

// unpaidReport notes that qty of report ri, of decision dec, is not paid.
func (b *builder) unpaidReport(prov, dec int, v *rec, qty int64, unit Unit, reason Reason) {
	b.prov[prov].reports.Add(reportUnpaid{qty: qty, key: b.s.keyOf(v), idOff: v.idOff, idLen: v.idLen,
		dec: int32(dec), unit: unit, reason: codeOfUnpaid(reason)})
}

func (b *builder) unpaid(prov, dec int, u Unpaid) {
	if dec >= 0 && u.Decision == "" {
		u.Decision = b.s.decisions[dec].d.ID
	}
	if prov < 0 {
		b.unmatched = append(b.unmatched, u)
		return
	}
	b.prov[prov].unpaid = append(b.prov[prov].unpaid, u)
}

func (b *builder) pending(prov int, id string) {
	if prov < 0 {
		b.unmatched = append(b.unmatched, Unpaid{ID: id, Reason: ReasonUnknownProvider})
		return
	}
	b.prov[prov].pending = append(b.prov[prov].pending, id)
}

// compareUnpaid orders unpaid entries by id, then reason and the rest. It
// returns as soon as it knows: cmp.Or would compare every field.
func compareUnpaid(a, b Unpaid) int {
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Reason), string(b.Reason)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Decision, b.Decision); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Quantity, b.Quantity); c != 0 {
		return c
	}
	return strings.Compare(a.Detail, b.Detail)
}

// sortUnpaid sorts unpaid entries by id, then reason, and drops repeats.
func sortUnpaid(list []Unpaid) []Unpaid {
	entry := func(i int) Unpaid { return list[i] }
	return unpaidList{order: uniqueUnpaid(len(list), func(i int) string { return list[i].ID }, entry), entry: entry}.list()
}

// uniqueUnpaid returns the indices of n entries, read through id and
// entry, in the order of the entries, each entry once.
func uniqueUnpaid(n int, id func(i int) string, entry func(i int) Unpaid) []int32 {
	order := orderByID(n, id, func(a, b int) int { return compareUnpaid(entry(a), entry(b)) })
	out := order[:0]
	for _, i := range order {
		// In order by id: only entries of one id can be the same, and
		// only those are made to be compared.
		if m := len(out); m > 0 && id(int(out[m-1])) == id(int(i)) && compareUnpaid(entry(int(out[m-1])), entry(int(i))) == 0 {
			continue
		}
		out = append(out, i)
	}
	return out
}

// An unpaidList is unpaid entries in order, made when they are read:
// entry(order[0]), entry(order[1]) …
type unpaidList struct {
	order []int32
	entry func(i int) Unpaid
}

// list makes the entries, or returns nil when there are none.
func (l unpaidList) list() []Unpaid {
	if len(l.order) == 0 {
		return nil
	}
	out := make([]Unpaid, len(l.order))
	for k, i := range l.order {
		out[k] = l.entry(int(i))
	}
	return out
}

// orderUnpaid returns unpaid entries others and reports in order, each
// once. The reports, most of them, are put in order by their own keys
// and fields; the others as sortUnpaid does; then the two are merged.
func (b *builder) orderUnpaid(others []Unpaid, list *store.Chunks[reportUnpaid]) unpaidList {
	s := b.s
	reports := list.AppendTo(nil)
	reportID := func(r *reportUnpaid) string { return s.idStr[r.idOff : r.idOff+r.idLen] }
	entry := func(i int) Unpaid {
		if i < len(others) {
			return others[i]
		}
		r := &reports[i-len(others)]
		u := Unpaid{ID: reportID(r), Quantity: r.qty, Unit: r.unit, Reason: r.reason.reason()}
		if r.dec >= 0 {
			u.Decision = s.decisions[r.dec].d.ID
		}
		return u
	}
	byReports := b.orderReports(reports)
	if len(others) == 0 {
		return unpaidList{order: byReports, entry: entry}
	}
	byOthers := uniqueUnpaid(len(others), func(i int) string { return others[i].ID }, entry)
	// Merged, dropping an entry of the reports that is one of the others.
	order := make([]int32, 0, len(byOthers)+len(byReports))
	j := 0
	for _, i := range byOthers {
		u := others[i]
		for ; j < len(byReports); j++ {
			c := compareUnpaid(entry(len(others)+int(byReports[j])), u)
			if c > 0 {
				break
			}
			if c < 0 {
				order = append(order, int32(len(others))+byReports[j])
			}
		}
		order = append(order, i)
	}
	for _, r := range byReports[j:] {
		order = append(order, int32(len(others))+r)
	}
	return unpaidList{order: order, entry: entry}
}

// orderReports returns the indices of the unpaid reports in the order of
// their entries, each entry once: by the ids' first eight bytes (a radix
// sort), the rest of them, the reason, the decision and the quantity, as
// compareUnpaid orders the entries they make (whose Detail is empty).
func (b *builder) orderReports(reports []reportUnpaid) []int32 {
	s := b.s
	n := len(reports)
	if n == 0 {
		return nil
	}
	id := func(r *reportUnpaid) string { return s.idStr[r.idOff : r.idOff+r.idLen] }
	decision := func(r *reportUnpaid) string {
		if r.dec < 0 {
			return ""
		}
		return s.decisions[r.dec].d.ID
	}
	// compare orders two of one key.
	compare := func(i, j int32) int {
		x, y := &reports[i], &reports[j]
		if x.idOff != y.idOff || x.idLen != y.idLen {
			if c := strings.Compare(id(x), id(y)); c != 0 {
				return c
			}
		}
		if x.reason != y.reason {
			if c := strings.Compare(string(x.reason.reason()), string(y.reason.reason())); c != 0 {
				return c
			}
		}
		if x.dec != y.dec {
			if c := strings.Compare(decision(x), decision(y)); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.qty, y.qty)
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	if n <= smallRun {
		slices.SortFunc(idx, func(i, j int32) int {
			if c := cmp.Compare(reports[i].key, reports[j].key); c != 0 {
				return c
			}
			return compare(i, j)
		})
	} else {
		keys := make([]uint64, n)
		for i := range reports {
			keys[i] = reports[i].key
		}
		var o idOrder
		radix.SortWith(keys, idx, &o.scratch)
		// Runs of one key are ordered by the rest: long runs (ids alike
		// in their first bytes) by the next bytes first, as orderByID
		// does.
		for from := 0; from < n; {
			to := from + 1
			for to < n && keys[to] == keys[from] {
				to++
			}
			switch {
			case to-from > smallRun:
				o.sort(idx[from:to], 8, func(i int) string { return id(&reports[i]) }, compare)
			case to-from > 1:
				slices.SortFunc(idx[from:to], compare)
			}
			from = to
		}
	}
	out := idx[:1]
	for k := 1; k < n; k++ {
		if reports[idx[k]].key != reports[idx[k-1]].key || compare(idx[k-1], idx[k]) != 0 {
			out = append(out, idx[k])
		}
	}
	return out
}

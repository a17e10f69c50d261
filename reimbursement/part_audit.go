package reimbursement

import (
	"errors"
	"os"
	"strconv"
)

// auditPart checks, with opt.Audit, what settlePart wrote: the part's file
// read back as the merge will read it, against the records the part's
// settler was given (its Ledger). The part is settled and written the
// same way whether audited or not; the audit only reads.
func auditPart(s *Settler, st *Settlement, res *partResult) error {
	read, err := readPart(res, s.providers)
	if err != nil {
		return err
	}
	read.Period, read.Tariff, read.Issues, read.Files = st.Period, st.Tariff, st.Issues, st.Files
	return s.Audit(read)
}

// readPart reads the settlement of a part from its file (see settlePart):
// per provider its lines, unpaid entries and pending ids, then the
// unmatched entries.
func readPart(res *partResult, providers []Provider) (*Settlement, error) {
	f, err := os.Open(res.file)
	if err != nil {
		return nil, errorf("%w", err)
	}
	defer f.Close()
	p := &partReader{src: f, buf: make([]byte, 1<<16)}
	w := &walker{}
	st := &Settlement{Total: zeroMoney}
	var e entry
	for _, pp := range res.provs {
		if v := p.uvarint(); v != uint64(pp.prov)+1 {
			p.fail(errors.New("a provider is not where it was written"))
		}
		prov := providers[pp.prov]
		jp := jsonProvider{Provider: prov.ID, Name: prov.Name, Regime: prov.Regime.String(), Total: money(pp.total)}
		for range min(p.uvarint(), 1<<40) {
			jp.Lines = append(jp.Lines, p.readLine(&e))
		}
		for range min(p.uvarint(), 1<<40) {
			jp.Unpaid = append(jp.Unpaid, p.readUnpaidJSON(&e))
		}
		for range min(p.uvarint(), 1<<40) {
			p.readPending(&e)
			jp.Pending = append(jp.Pending, string(e.field(0)))
		}
		ps := convertProvider(w, "part", jp)
		st.Providers = append(st.Providers, ps)
		st.Total = st.Total.Add(ps.Total)
	}
	if p.uvarint() != 0 {
		p.fail(errors.New("a part does not end its providers"))
	}
	for range min(p.uvarint(), 1<<40) {
		st.Unmatched = append(st.Unmatched, settlementDecoder{w}.unpaid("part", p.readUnpaidJSON(&e)))
	}
	if p.err != nil {
		return nil, p.err
	}
	if len(w.problems) > 0 {
		return nil, errorf("a part of the settlement does not read back: %v", w.finish())
	}
	return st, nil
}

// readLine reads a line and its report ids, in the JSON form of a line.
func (p *partReader) readLine(e *entry) jsonLine {
	p.readLineKey(e)
	f := func(i int) string { return string(e.field(i)) }
	jl := jsonLine{Recipient: f(0), Decision: f(1), Service: f(2), Component: f(3), Band: f(4), Unit: f(5),
		Quantity: f(6), Price: f(7), Factor: f(8), Divisor: f(9), Amount: f(10), RateFrom: f(11), RateTo: f(12),
		Reports: []string{}}
	for range min(p.uvarint(), 1<<40) {
		jl.Reports = append(jl.Reports, string(p.next(int(min(p.uvarint(), 1<<30)))))
		if p.err != nil {
			break
		}
	}
	return jl
}

// readUnpaidJSON reads an unpaid entry, in its JSON form.
func (p *partReader) readUnpaidJSON(e *entry) jsonUnpaid {
	p.readUnpaid(e)
	ju := jsonUnpaid{ID: string(e.field(0)), Reason: string(e.field(1)), Decision: string(e.field(2)), Detail: string(e.field(3))}
	if e.unit != NoUnit {
		ju.Quantity, ju.Unit = strconv.FormatInt(e.qty, 10), e.unit.String()
	}
	return ju
}

package statement

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/exempelby/ersattning/reimbursement"
)

// Providers gives a settlement's providers to each, one at a time, in
// order. A workbook asks for them once a sheet, so it must give them as
// often as asked: from a settlement in memory (InMemory), or by reading a
// settlement file again (reimbursement.ScanSettlement).
type Providers func(each func(*reimbursement.ProviderSettlement) error) error

// InMemory returns the providers of a settlement held in memory.
func InMemory(st *reimbursement.Settlement) Providers {
	return func(each func(*reimbursement.ProviderSettlement) error) error {
		for i := range st.Providers {
			if err := each(&st.Providers[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// excelRows is how many rows an Excel sheet holds.
const excelRows = 1 << 20

// A workbook writes a settlement's sheets.
type workbook struct {
	f       *excelize.File
	opt     Options
	money   int // style of amounts: two decimals, thousands apart
	number  int // style of quantities: as many decimals as they have
	maxRows int // rows of a sheet, the header's included
}

// WriteWorkbook writes a settlement as an Excel workbook (xlsx) for the
// controller: Sammanställning (per provider, service, component, band,
// price and factor: quantity, price and amount, with each provider's sum
// and the total), Rader (one row per line and nothing else, continued in
// Rader 2, Rader 3 … past Excel's 1 048 576 rows), Ej betalt (the unpaid
// and unmatched entries with their reasons), Väntande (pending ids) and
// Avstämning (the input's reconciliation). Amounts are numbers with two
// decimals; sheet and column names follow opt.Lang.
//
// head gives the settlement's period, tariff, unmatched entries, files
// and total, and providers its providers (head.Providers is not read), so
// that a national month is written with memory for one provider.
func WriteWorkbook(w io.Writer, head *reimbursement.Settlement, providers Providers, opt Options) error {
	if head == nil || providers == nil {
		return errors.New("statement: WriteWorkbook: a nil settlement or providers")
	}
	return writeWorkbook(w, head, providers, opt, excelRows)
}

func writeWorkbook(w io.Writer, head *reimbursement.Settlement, providers Providers, opt Options, maxRows int) (err error) {
	f := excelize.NewFile()
	defer func() { err = errors.Join(err, f.Close()) }()
	wb := &workbook{f: f, opt: opt, maxRows: maxRows}
	if err := wb.styles(); err != nil {
		return err
	}
	t := sheetNames(opt.Lang)
	steps := []func() error{
		func() error { return wb.summary(t.summary, head, providers) },
		func() error { return wb.lines(t.lines, providers) },
		func() error { return wb.unpaid(t.unpaid, head, providers) },
		func() error { return wb.pending(t.pending, providers) },
		func() error { return wb.reconciliation(t.reconciliation, head) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func (wb *workbook) styles() error {
	var err error
	if wb.money, err = wb.f.NewStyle(&excelize.Style{NumFmt: 4}); err != nil { // #,##0.00
		return err
	}
	wb.number, err = wb.f.NewStyle(&excelize.Style{NumFmt: 0}) // General
	return err
}

// names of a workbook's sheets and columns.
type sheetTexts struct {
	summary, lines, unpaid, pending, reconciliation string
}

func sheetNames(l Lang) sheetTexts {
	if l == English {
		return sheetTexts{"Summary", "Lines", "Not paid", "Pending", "Reconciliation"}
	}
	return sheetTexts{"Sammanställning", "Rader", "Ej betalt", "Väntande", "Avstämning"}
}

// A sheet is a stream of rows into one sheet, continued in a sheet of its
// own (Rader 2 …) when it is full.
type sheet struct {
	wb     *workbook
	name   string
	header []any
	sw     *excelize.StreamWriter
	row    int // the last row written
	part   int
}

func (wb *workbook) newSheet(name string, header ...string) (*sheet, error) {
	s := &sheet{wb: wb, name: name}
	for _, h := range header {
		s.header = append(s.header, h)
	}
	return s, s.open()
}

func (s *sheet) open() error {
	s.part++
	name := s.name
	if s.part > 1 {
		name = fmt.Sprintf("%s %d", s.name, s.part)
	}
	if _, err := s.wb.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := s.wb.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	s.sw, s.row = sw, 1
	return sw.SetRow("A1", s.header)
}

// add writes a row, going on in the next sheet when this one is full.
func (s *sheet) add(values ...any) error {
	if s.row == s.wb.maxRows {
		if err := s.sw.Flush(); err != nil {
			return err
		}
		if err := s.open(); err != nil {
			return err
		}
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, values)
}

func (s *sheet) close() error { return s.sw.Flush() }

// money returns an amount as a cell: a number shown with two decimals.
// Excel holds numbers as binary fractions; the number written is the
// shortest that reads back as the amount's decimal (at most 15 digits,
// any amount below ten thousand million kronor), so that the cell holds
// the amount exactly as the settlement has it.
func (wb *workbook) moneyCell(d decimal.Decimal) excelize.Cell {
	v, _ := strconv.ParseFloat(d.StringFixed(2), 64)
	return excelize.Cell{StyleID: wb.money, Value: v}
}

// numberCell returns a quantity, price or factor as a number cell.
func (wb *workbook) numberCell(d decimal.Decimal) excelize.Cell {
	v, _ := strconv.ParseFloat(d.String(), 64)
	return excelize.Cell{StyleID: wb.number, Value: v}
}

func (wb *workbook) summary(name string, head *reimbursement.Settlement, providers Providers) error {
	l := wb.opt.Lang
	t := labelsOf(l)
	s, err := wb.newSheet(name, t.Provider, t.Name, t.Service, t.Component, t.Band, text{"Enhet", "Unit"}.in(l),
		t.Quantity, text{"Minuter", "Minutes"}.in(l), t.Price, t.Factor, t.Amount)
	if err != nil {
		return err
	}
	err = providers(func(p *reimbursement.ProviderSettlement) error {
		for _, r := range summaryOf(p.Lines) {
			qty, unit, minutes := wb.numberCell(r.qty), unitText(r.unit, l), any(nil)
			if r.unit == reimbursement.Minute {
				qty = wb.numberCell(r.qty.Div(decimal.NewFromInt(60)).Round(4))
				unit, minutes = text{"timmar", "hours"}.in(l), wb.numberCell(r.qty)
			}
			if err := s.add(p.Provider, p.Name, wb.opt.service(r.service), componentText(r.component, l), r.band, unit,
				qty, minutes, wb.numberCell(r.price), wb.numberCell(r.factor), wb.moneyCell(r.amount)); err != nil {
				return err
			}
		}
		return s.add(p.Provider, p.Name, t.Total, nil, nil, nil, nil, nil, nil, nil, wb.moneyCell(p.Total))
	})
	if err == nil {
		err = s.add(t.Total, nil, nil, nil, nil, nil, nil, nil, nil, nil, wb.moneyCell(head.Total))
	}
	return errors.Join(err, s.close())
}

func (wb *workbook) lines(name string, providers Providers) error {
	l := wb.opt.Lang
	t := labelsOf(l)
	s, err := wb.newSheet(name, t.Provider, t.Recipient, t.Decision, t.Service, t.Component, t.Band,
		text{"Enhet", "Unit"}.in(l), t.Quantity, t.Price, t.Factor, t.Divisor, t.Amount, text{"Från", "From"}.in(l), text{"Till", "To"}.in(l))
	if err != nil {
		return err
	}
	err = providers(func(p *reimbursement.ProviderSettlement) error {
		for i := range p.Lines {
			ln := &p.Lines[i]
			if err := s.add(p.Provider, ln.Recipient, ln.Decision, ln.Service, ln.Component, ln.Band, ln.Unit.String(),
				wb.numberCell(ln.Quantity), wb.numberCell(ln.Price), wb.numberCell(ln.Factor), wb.numberCell(ln.Divisor),
				wb.moneyCell(ln.Amount), dateText(ln.RateFrom.String()), dateText(ln.RateTo.String())); err != nil {
				return err
			}
		}
		return nil
	})
	return errors.Join(err, s.close())
}

// dateText returns a date's text, nil for the zero date's.
func dateText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (wb *workbook) unpaid(name string, head *reimbursement.Settlement, providers Providers) error {
	l := wb.opt.Lang
	t := labelsOf(l)
	s, err := wb.newSheet(name, t.Provider, "Id", t.Code, t.Reason, t.Quantity, text{"Enhet", "Unit"}.in(l), t.Decision, t.Detail)
	if err != nil {
		return err
	}
	add := func(provider string, u *reimbursement.Unpaid) error {
		var qty, unit any
		if u.Unit != reimbursement.NoUnit {
			qty, unit = u.Quantity, u.Unit.String()
		}
		return s.add(provider, u.ID, string(u.Reason), reasonText(u.Reason, l), qty, unit, u.Decision, u.Detail)
	}
	err = providers(func(p *reimbursement.ProviderSettlement) error {
		for i := range p.Unpaid {
			if err := add(p.Provider, &p.Unpaid[i]); err != nil {
				return err
			}
		}
		return nil
	})
	for i := 0; err == nil && i < len(head.Unmatched); i++ {
		err = add("", &head.Unmatched[i])
	}
	return errors.Join(err, s.close())
}

func (wb *workbook) pending(name string, providers Providers) error {
	t := labelsOf(wb.opt.Lang)
	s, err := wb.newSheet(name, t.Provider, "Id")
	if err != nil {
		return err
	}
	err = providers(func(p *reimbursement.ProviderSettlement) error {
		for _, id := range p.Pending {
			if err := s.add(p.Provider, id); err != nil {
				return err
			}
		}
		return nil
	})
	return errors.Join(err, s.close())
}

func (wb *workbook) reconciliation(name string, head *reimbursement.Settlement) error {
	t := labelsOf(wb.opt.Lang)
	s, err := wb.newSheet(name, t.File, t.Rows, t.Accounted, t.Encoding)
	if err != nil {
		return err
	}
	for _, f := range head.Files {
		if err = s.add(f.File, f.Rows, f.Accounted, f.Encoding); err != nil {
			break
		}
	}
	return errors.Join(err, s.close())
}

// A summaryLine sums the lines of one service, component, band, unit,
// price and factor.
type summaryLine struct {
	service, component, band    string
	unit                        reimbursement.Unit
	qty, price, factor, divisor decimal.Decimal
	amount                      decimal.Decimal
}

type summaryKey struct {
	service, component, band string
	unit                     reimbursement.Unit
	price, factor, divisor   string
}

// summaryOf sums lines by service, component, band, unit, price, factor
// and divisor, in the order the groups first come.
func summaryOf(lines []reimbursement.Line) []summaryLine {
	var out []summaryLine
	index := map[summaryKey]int{}
	for i := range lines {
		l := &lines[i]
		k := summaryKey{l.Service, l.Component, l.Band, l.Unit, l.Price.String(), l.Factor.String(), l.Divisor.String()}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, summaryLine{service: l.Service, component: l.Component, band: l.Band, unit: l.Unit,
				price: l.Price, factor: l.Factor, divisor: l.Divisor})
		}
		out[j].qty, out[j].amount = out[j].qty.Add(l.Quantity), out[j].amount.Add(l.Amount)
	}
	return out
}

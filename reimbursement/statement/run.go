package statement

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/exempelby/ersattning/reimbursement"
)

// WriteRunText writes a settlement run (rules §12) as a text summary for
// people: what it pays each provider (the settlement of its period and
// the corrections), each corrected period with what was paid before and
// the difference, each locked period with what would have been
// corrected and the records that changed, not paid; then the settlement
// of the run's period as WriteText writes it.
func WriteRunText(w io.Writer, run *reimbursement.Run, opt Options) error {
	if run == nil || run.Settlement == nil {
		return errors.New("statement: WriteRunText: a nil run")
	}
	t := labelsOf(opt.Lang)
	p := &printer{w: bufio.NewWriter(w)}
	p.f("%s %s — %s\n%s\n", t.RunTitle, run.Period, run.Settlement.Tariff, strings.Repeat("=", 72))
	p.f("\n%s:\n", t.RunProviders)
	tb := table{right: []bool{false, false, true, true, true}}
	tb.add(t.Provider, t.Name, t.Settlement+" "+run.Period.String(), t.Corrections, t.Total+" "+t.Currency)
	for _, rp := range run.Providers {
		tb.add(rp.Provider, rp.Name, Money(rp.Settlement, opt.Lang), Money(rp.Corrections, opt.Lang), Money(rp.Total, opt.Lang))
	}
	tb.write(p, "  ")
	if len(run.Corrections) > 0 {
		p.f("\n%s:\n", t.Corrected)
		for _, c := range run.Corrections {
			p.f("  %s: %s %s %s, %s %s %s\n", c.Period, t.PreviousTotal, plain(Money(c.CorrectionOf.Total, opt.Lang)), t.Currency,
				t.Difference, plain(Money(c.Total, opt.Lang)), t.Currency)
			for _, cp := range c.Providers {
				p.f("    %s %s %s: %s %s\n", t.Provider, cp.Provider, cp.Name, plain(Money(cp.Total, opt.Lang)), t.Currency)
			}
		}
	}
	if len(run.Locked) > 0 {
		p.f("\n%s:\n", t.Locked)
		for _, l := range run.Locked {
			p.f("  %s: %s %s\n", l.Period, plain(Money(l.Total, opt.Lang)), t.Currency)
			for _, lp := range l.Providers {
				p.f("    %s: %s %s; %s: %s\n", strings.TrimSpace(t.Provider+" "+lp.Provider+" "+lp.Name), plain(Money(lp.Amount, opt.Lang)), t.Currency, t.LockedIDs, opt.idList(lp.IDs))
			}
			if len(l.Unmatched) > 0 {
				p.f("    %s: %s\n", t.Unmatched, opt.idList(l.Unmatched))
			}
		}
	}
	p.f("\n%s %s %s\n\n", t.Total, plain(Money(run.Total, opt.Lang)), t.Currency)
	if err := p.flush(); err != nil {
		return err
	}
	return WriteText(w, run.Settlement, opt)
}

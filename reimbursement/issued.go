package reimbursement

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/exempelby/ersattning/volume"
)

// maxIssuedBytes bounds one issued settlement's file: a national month's
// JSON is a few hundred megabytes.
const maxIssuedBytes = 4 << 30

// maxIssuedFiles bounds how many issued periods a run reads: a hundred
// years of months.
const maxIssuedFiles = 1200

// ReadIssuedFS reads the settlements issued so far from the directory
// dir of fsys (formats.md, "A run"): one file YYYY-MM.json per period,
// each a settlement of that period whose sums hold. Anything else in the
// directory is an error, as is a file that is not such a settlement;
// the error names every file that is wrong, not only the first.
func ReadIssuedFS(fsys fs.FS, dir string) ([]*Settlement, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, errorf("issued settlements: %w", err)
	}
	if len(entries) > maxIssuedFiles {
		return nil, errorf("issued settlements: %s holds %d files, more than %d", dir, len(entries), maxIssuedFiles)
	}
	var out []*Settlement
	var problems []error
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		st, err := readIssuedFile(fsys, name, e)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			continue
		}
		out = append(out, st)
	}
	if len(problems) > 0 {
		return nil, errorf("issued settlements: %w", errors.Join(problems...))
	}
	return out, nil
}

// readIssuedFile reads one issued settlement, named for its period.
func readIssuedFile(fsys fs.FS, name string, e fs.DirEntry) (*Settlement, error) {
	period, err := volume.ParsePeriod(strings.TrimSuffix(e.Name(), ".json"))
	if err != nil || !strings.HasSuffix(e.Name(), ".json") || !e.Type().IsRegular() {
		return nil, errors.New("not an issued settlement: want a file YYYY-MM.json")
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadIssued(f, period)
}

// ReadIssued reads a settlement issued before from r (its JSON, at most
// 4 GiB) and checks it as Correct needs it (CheckIssued): a settlement of
// period, not a correction, whose sums hold. A zero period is not
// checked.
func ReadIssued(r io.Reader, period volume.Period) (*Settlement, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxIssuedBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxIssuedBytes {
		return nil, fmt.Errorf("larger than %d bytes: not a settlement", maxIssuedBytes)
	}
	st, err := ParseSettlement(b)
	if err != nil {
		return nil, err
	}
	return st, CheckIssued(st, period)
}

// SettleRunFS makes the run for period (SettleRun) from the bundle in
// fsys, read once for the period and every issued period. Rows that
// cannot be read are returned in problems, as SettleFS returns them; each
// settlement accounts for them.
func SettleRunFS(fsys fs.FS, t *Tariff, period volume.Period, issued []*Settlement, opt Options) (run *Run, problems []error, err error) {
	run, err = makeRun(t, period, issued, func(periods []volume.Period) ([]*Settlement, error) {
		var sts []*Settlement
		sts, problems, err = settleFSPeriods(fsys, t, periods, opt)
		return sts, err
	})
	return run, problems, err
}

package statement

import (
	"io"

	"github.com/exempelby/ersattning/reimbursement"
)

// WriteWorkbookRows is WriteWorkbook with sheets of maxRows rows, so that
// a test sees Rader continued in Rader 2 without a million lines.
func WriteWorkbookRows(w io.Writer, head *reimbursement.Settlement, providers Providers, opt Options, maxRows int) error {
	return writeWorkbook(w, head, providers, opt, maxRows)
}

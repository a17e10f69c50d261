// Package command is what the example programs share on their command
// line: a synopsis on -h and the exit status of bad usage.
package command

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// ExitUsage is the exit status of bad flags or arguments.
const ExitUsage = 2

// Parse sets fl's usage to the synopsis and its flags, and parses args.
// When it reports false the program exits with code: 0 after -h or
// -help, the usage written to stdout; ExitUsage after a bad flag, which
// fl has named on its output.
func Parse(fl *flag.FlagSet, args []string, synopsis string, stdout io.Writer) (code int, ok bool) {
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), synopsis)
		fl.PrintDefaults()
	}
	err := fl.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fl.SetOutput(stdout)
		fl.Usage()
		return 0, false
	}
	return ExitUsage, false
}

// Package sample is the sample municipality, Exempelby, that the example
// programs settle when they are given no bundle: a month of home care,
// ledsagning, nursing homes, trygghetslarm and daglig verksamhet of six
// providers, with the hospital stays, declined visits, unreadable rows
// and late approvals a real month has.
package sample

import (
	"embed"
	"io/fs"
)

//go:embed bundle
var files embed.FS

// Period is the month the sample holds.
const Period = "2026-10"

// Bundle returns the sample's bundle: tariff.json, providers.csv,
// decisions.csv and the record files.
func Bundle() fs.FS {
	sub, err := fs.Sub(files, "bundle")
	if err != nil {
		panic(err) // the directory is embedded above: a bug if missing
	}
	return sub
}

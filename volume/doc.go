// Package volume describes what was performed: time reports (visits),
// absences and presence days, as values and as streaming CSV decoders; and
// the calendar they are measured in: dates without a zone ([Date],
// [Period]), reported timestamps that become instants only through an
// explicit zone ([Timestamp], [Zone]), Swedish public holidays and eves,
// named date sets ([Calendar]) and time bands ([Bands], [Splitter]).
//
// Time is local and real: bands and dates follow the Europe/Stockholm wall
// clock (or whatever *time.Location the caller gives), durations are real
// elapsed minutes. The package never imports time/tzdata; programs that
// must run without a system time-zone database import it themselves.
//
// Swedish holidays are computed here rather than taken from a calendar
// library: the rules need the eves (påskafton, midsommarafton, julafton,
// nyårsafton) and holidays by their civil date, with no time zone attached,
// which is a dozen lines with Easter's date; the tests pin 2024-2026.
//
// Decoders never lose a row: a row that cannot be read comes back with
// Invalid set to every problem found in it, each a [*ParseError] with file,
// line, column and the column's name, and every record carries its
// [Source] (file and line), so that the record can be listed as not paid,
// under its id or its place. A malformed row harms no other: a stray quote
// is kept to its own line (see [CSVReader]). Only a file that cannot be
// read at all (no header, a required column missing or named twice, not
// text) stops a reader. Rows, fields and headers have limits
// ([MaxRowBytes], [MaxFieldBytes], [MaxColumns]), and messages quote at
// most the start of a value ([Quote]).
package volume

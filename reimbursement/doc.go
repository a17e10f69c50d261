// Package reimbursement computes what Swedish municipalities pay care
// providers under the freedom-of-choice system (LOV, lag 2008:962): the
// variable reimbursement (ersättning) per performed hour, visit, day or
// month, with time-band supplements, caps at the granted time, absence
// rules, declined visits, markups such as momskompensation, and
// adjustments.
//
// The contract is the project's rules.md and formats.md. In short:
//
//   - A [Tariff] (ParseTariff, LoadTariff) holds services, time bands,
//     date-valid rate rows and markups. It is checked whole when loaded;
//     every problem is reported with its JSON path ([DocumentError]).
//   - [Settle] (or a streaming [Settler]) settles one [volume.Period] from
//     providers, decisions ([Decision]), time reports, absences, presence
//     and adjustments, and returns a [Settlement]: per provider, lines with
//     quantity, unit, price, factor, divisor, amount, the rate row's
//     validity and the ids of the records that fed them; what was not paid
//     and why ([Unpaid], [Reason]); what is pending; and issues.
//   - [SettleFS] reads a bundle of files (formats.md) and settles it.
//   - [WriteSettlementFS] settles a bundle and writes it (JSON or CSV) with
//     memory bounded by the decisions: the reports are read once into
//     files of parts of the recipients, the parts are settled on all cores
//     and merged into the bytes SettleFS and WriteJSON would give.
//   - [Quote] prices one decision, for checking rates in unit tests; see
//     also package reimbursementtest.
//
// # How a settlement is made
//
// Decoders at the edge turn files into values (package volume and the
// readers here). A matcher ties each record to the one decision of its
// recipient and service that is valid on the record's local start date.
// The core then counts integer minutes, visits and days per line key
// (decision, component, band, rate row, factor), and each line becomes a
// decimal amount once, round(quantity × price × factor / divisor) half away
// from zero to whole öre. Totals are sums of rounded lines. Money is
// github.com/shopspring/decimal throughout and never float64; no package
// globals of that library are set or relied on.
//
// Wall-clock times are local to Options.Location (Europe/Stockholm in
// practice), which must be given; durations are real elapsed minutes, so
// a night visit over a change to or from daylight saving time counts the
// minutes that really passed.
//
// Output is deterministic: the same records in any order give the same
// settlement, byte for byte, whether the month is settled whole or in
// parts.
//
// # Where each rule is
//
// Each section of rules.md has one home, which reads as the rule does:
//
//   - §2 decisions and matching: match.go (a report's place: addReport,
//     the order of its reasons in reasonOf, the times' reasons in
//     timesReason, the decision of a date in matchIn), copies.go (record
//     ids that appear twice), decisions.go (checking and indexing the
//     decisions, conflicts).
//   - §5 hour services: hours.go (settleHours: counted length, overlap,
//     staff, cap, declined visits, bands; settleGranted; granted_minutes;
//     the start payment, settleStart); shared.go (shared visits split into
//     parts, splitShared).
//   - §6 day, visit and month services: days.go, visits.go, months.go.
//   - §7 absence: absence.go. §8 rates: rates.go and the tariff's rate
//     lookup in tariff.go. §9 lines, rounding, markups and adjustments:
//     lines.go (lineAmount is the one rounding of a line). §10
//     corrections: correction.go. §12 a run over earlier periods: run.go
//     (SettleRun), issued.go (ReadIssuedFS, SettleRunFS).
//
// Speed lives below the rules, in packages under internal/ that know
// nothing of them and are tested against the plain behaviour they
// replace: whole-öre arithmetic (ore), the JSON writer (jsonw), groups of
// ids that hash alike (dedup, repeats), sorting (radix), chunked lists
// (store) and the worker pool (parallel). The month in parts (stream.go,
// stream_merge.go) settles each part with the same rule code; the one
// seam between them is where the results go (sink.go): kept whole
// (monthSink) or written ahead as a part (partSink).
//
// # Nothing that comes in is lost
//
// Every row of every input file becomes a record, and every record is
// accounted for: in the lines it fed, not paid with a reason, pending, in
// an issue, or as a record of another period or an identical copy. A row
// that cannot be read is listed as not paid (invalid-input) with its
// problem, under its id or, when it has none, under FILE:LINE (the header
// is line 1); a record made in Go without an id is named by its list and
// place ("Input.Reports:4", the fourth report given). The settlement
// counts, per file, the rows read and the records accounted for
// ([Settlement.Files]); [CheckArithmetic], and so every audit, fails a
// settlement where they differ. A malformed row harms only itself: see
// [volume.CSVReader] for how a stray quote is kept to its own line, and
// for the limits on rows, fields and headers.
//
// # A national month
//
// [WriteSettlementFS] holds the decisions and, per worker, one part of the
// reports. A part is a range of recipient ids: everything the rules tie
// together (a decision and its visits, overlaps, conflicts, absences,
// presence) belongs to one recipient, so a part settles exactly as the
// month would for those recipients. Three things do not. A record id
// used by reports of different recipients (copies are found over the
// whole month) joins the parts of those recipients into one. A shared
// visit of recipients in different parts does not: the first pass keeps
// every row of a shared visit aside, and each part is given the rows of
// its visits that other parts hold, which take their places when the
// visit is split (splitShared), so that the part splits it as the month
// does while settling only its own rows. And the markups and
// adjustments are computed once, from the parts' sums, when the parts
// are merged. The merge writes each provider's lines part after part
// (parts are in recipient order) and merges unpaid entries,
// pending ids and unmatched entries by id.
//
// # Choices where the rules are silent
//
// These are the decisions a municipal controller would expect, taken where
// rules.md leaves room. Tests pin each one.
//
//   - A record made in Go must say what it is: the zero volume.Status and
//     volume.Kind, and a report's staff below 1, are invalid and such a
//     record is not paid (invalid-input, "status not given"), rather than
//     paid as approved by default. The decoders still read an empty cell
//     as approved, visit and staff 1, as formats.md says. A decision's
//     staff of 0 is 1; below 0 it is an invalid-decision.
//   - A malformed row keeps the fields it can be split into only when they
//     are as many as the header's columns (a stray quote in a row otherwise
//     whole): then it is listed under its id and provider; otherwise under
//     FILE:LINE, as unmatched, since nothing of it can be told for sure.
//   - A file that is not UTF-8 is read as Windows-1252 when its first
//     256 KiB are Windows-1252 text and hold no UTF-8 character (a UTF-8
//     file with one broken byte stays UTF-8, and its broken row is
//     invalid); the settlement's Files says which were.
//   - A column no rule reads is an unknown-column issue naming the file,
//     with the nearest known name when it looks misspelt; the run goes on.
//   - Shared visits (rules §5 step 1): a row of a service that is not an
//     hour service ignores its shared id, and is no row of the visit. Two
//     rows with one id and the same content are one row (the copy does not
//     count in n). A part's local date is that of its own start: a visit
//     shared across midnight prices its later parts at the rates of the
//     next day, while every part's decision and period stay those of the
//     reported start. In the month in parts, the recipients of one shared
//     visit are settled in one part, as the copies of an id are.
//   - An empty file (not even a header) cannot be read and stops the run: a
//     failed export must not settle as a month without records. A header
//     alone is a file of no rows.
//   - A provider row that cannot be read is an invalid-provider issue, and
//     records naming that provider are unknown-provider.
//   - An adjustment's amount is at most 1 000 000 000 kr either way.
//   - A time report is checked in this order, and the first reason found is
//     its reason: a row that could not be read (invalid-input); a provider
//     not in the provider list (unknown-provider); status pending (listed as
//     pending) or rejected (not-approved); a start or end that is ambiguous
//     (ambiguous-time) or does not exist (invalid-time) in the zone; end not
//     after start (invalid-interval); longer than 24 hours (too-long); no
//     decision on its date (no-decision, in unmatched); two decisions on its
//     date (decision-conflict); a decision of another provider
//     (wrong-provider); a service the tariff does not have (no-rate, with a
//     tariff-gap issue); a day or month service, which reports do not pay
//     (not-billable).
//   - An unpaid visit's quantity is the staff-minutes of its counted length
//     (rounding, fixed and minimum minutes applied) times the staff it
//     reported, for every reason that leaves the whole visit unpaid. It is
//     empty when no length can be known: invalid-input, duplicate-id,
//     ambiguous-time, invalid-time and invalid-interval.
//   - Overlap is checked among all approved visits of a decision, performed
//     and declined alike, on the reported intervals; an overlapping visit is
//     not paid at all.
//   - A visit with a band that has no rate row on its start date is not paid
//     at all (no-rate) and does not use up the cap; the settlement lists a
//     tariff-gap issue naming the missing rate and the visits (the first
//     MaxIssueIDs of them by id: a month whose rates were not entered
//     would name every visit).
//   - A start payment whose from date has no rate row is listed as not
//     paid (no-rate) under the decision's id with its minutes, besides the
//     tariff-gap issue, as days without a rate row are. Whether an earlier
//     decision blocks it is judged on the decisions the settlement is given,
//     of any period, that were valid (a decision row that cannot be read
//     blocks nothing).
//   - Stay days, after_end days and alarm months without a rate row are
//     listed as one unpaid entry under the decision's id (reason no-rate,
//     quantity the days), an absence day's granted minutes under the
//     absence's; each gap is also an issue tariff-gap with its date range.
//   - The whole of a visit is priced at the rate rows of its start date,
//     even when it runs past midnight into a new rate.
//   - Granted basis: dates on which an absence rule applies are paid by the
//     absence rule, not as granted time too, so a hospital day is never paid
//     twice; granted_minutes is computed over the other dates of the slice.
//     Visits on any date are listed in the granted line's reports. The cap
//     of the capped basis is computed over those other dates too (rules §5
//     step 4): a day the absence rule pays, at any percent, 0 % included,
//     does not also widen the month's cap.
//   - Absence days at 0 % make no line. An absence whose reason has no rule
//     changes nothing and makes no line. Pending absences are listed as
//     pending and rejected ones as not-approved under the provider of the
//     decision they touch; absences that touch no decision of the period
//     are not part of its settlement. An absence that overlaps an earlier one
//     of the same recipient and service, of any period and whether or not it
//     touches a decision, is not used (overlap), as the rules say.
//   - Duplicate ids are found per kind of record (reports, absences,
//     presence, adjustments), over every record given, of any period: a copy
//     in another month with other content makes the id a duplicate here too.
//   - Records whose date cannot be read cannot be placed in a period and are
//     listed, as invalid-input, in every settlement of their bundle.
//   - A decision-conflict issue is listed when the overlap of two decisions
//     touches the period. Decisions that overlap one another there, two or
//     a chain of more, are one issue naming them all in order of their
//     start, so that a thousand decisions that all overlap make one issue,
//     not half a million. A decision row that cannot be read, that
//     reuses an id with other content, or that names a provider not in the
//     provider list is listed as an invalid-decision issue; records against
//     it are then settled as if it did not exist.
//   - A markup line is made per provider, service and markup, from the
//     amounts of that service's lines, adjustments excluded. It names no
//     recipient or decision. A per-unit markup counts the paid quantity of
//     the service's base lines in their own unit and divisor: an hour
//     service's minutes priced per hour (divisor 60), a prorated month
//     service's days over the days of the month, a visit or day service's
//     visits or days. A decision without an area counts only for per-unit
//     markups that name none. The markups of a provider are computed from
//     these sums once, in the month in parts too (from the parts' sums). An absence rule without then_percent continues
//     at 100 %.
//   - Adjustments of one provider, recipient and service add up to one line
//     listing their ids.
//   - Visit services (per insats) price each report in the band of its start
//     minute; staff and overlap do not apply to them.
//   - A run (rules §12) refuses what it cannot start from: an issued
//     settlement of its own period or later, two of one period, a
//     correction, or one whose sums do not hold. The tariff's
//     correction_months is 0 to 120; 0 locks every earlier period.
//   - An open period gets a correction when its settlement again differs
//     from what was issued in a line or in where any record is accounted
//     for: a late report that is not paid (a no-decision, pending) still
//     gives a correction, of 0.00, that carries it as unpaid. A period
//     whose settlement again is what was issued gets none.
//   - A locked period is listed only when its settlement again differs
//     from what was issued, as an open one would be corrected. Its records
//     that changed are those that moved between lines, unpaid entries,
//     pending lists and unmatched entries, appeared or went; a line that
//     changed while none of its records moved (a record's times or a rate
//     changed) names all of its records. Each is listed under the provider
//     that accounts for it now (or did, when it is gone), with the
//     provider's would-be amount, 0.00 when only records moved; records
//     tied to no provider are listed under the period's unmatched.
//   - The issued state of a corrected period after a run is its settlement
//     again: line key by line key it pays what the issued settlement with
//     the correction applied pays, and it names the records as they are
//     now. A locked period's issued state is what was issued.
//   - A run's issued states include the run's own period, so that the next
//     run starts from them alone; the program writes them to a directory
//     that is new or empty, never over the one it read.
package reimbursement

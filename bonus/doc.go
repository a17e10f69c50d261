// Package bonus computes a quality bonus (kvalitetsbonus, kvalitetspeng):
// an amount on top of the variable reimbursement for providers that took
// part and reached target values of quality indicators, as in Täby's bonus
// for nursing homes (indicators from the national user survey and the
// palliative register, paid once a year) and Sollentuna's kvalitetspeng for
// home care (10 or 23 kr per performed hour by the criteria met, per
// tertial).
//
// A [Model] (ParseModel, LoadModel) names the period, services, indicators,
// levels and the kind of amount; [Evaluate] takes indicator results, the
// participation and the period's settlements (package reimbursement), and
// returns an [Outcome] that explains itself per provider.
//
// # Rules decided here
//
//   - A provider counts for the months whose first day lies inside one of
//     its participation periods and inside the model's period: one that
//     joins on 15 March counts from April. A provider with no such month
//     does not take part and gets 0.00.
//   - An indicator without a result is not met, and the outcome says it is
//     missing. A result for an indicator the model does not have, or two
//     results of one provider for one indicator, are errors.
//   - The level reached is the one with the most points required among
//     those whose points and required indicators the provider has; on a tie
//     the later in the model.
//   - Amounts: per_hour is round(minutes × amount / 60), per_day days ×
//     amount, fixed the amount, percent round(paid × amount / 100), each to
//     whole öre half away from zero. The basis counts only the model's
//     services and the provider's counting months; corrections of a month
//     add to it, two plain settlements of one month are an error.
//   - pool shares the budget in proportion to paid days × the level's
//     weight. When the amounts of the other kinds add up to more than the
//     budget, each is cut in proportion to the rounded amounts. Both splits
//     are made to whole öre by the largest-remainder method, ties going to
//     the lower provider id, so that the parts add up to the budget exactly.
package bonus

// Package model is the vocabulary of Lokalråd: councils (lokalråd), their
// members, meetings with agendas, minutes and action items, projects with
// budget lines and funding applications, budget wishes to the city
// council, accounts, development plans, attachments and citizen budgeting.
//
// Every type has a Validate method, and the pure rules that the screens,
// printed material and spreadsheets share live here. What it holds, by
// file:
//
//   - The types and their checks: model.go, accounts.go, attachment.go,
//     borgerbudget.go, municipal.go, plan.go, validate.go, rules.go.
//   - One fact in one place: fields.go (the field registry: each table's
//     columns with their kind, owner, personal data and label, which sync,
//     the conflicts view, GDPR and the hub's checks read), errors.go (the
//     error codes every layer shares).
//   - Rules: rules.go (co-financing), poolrules.go (a pool's rules as
//     data), meetprep.go (attendance and quorum, approving the minutes,
//     agenda templates, the register of decisions), yearwheel.go,
//     overview.go (the municipality's row per council), publication.go
//     (the public page), oprules.go (the rules for one field of an op, as
//     replicas exchange them), merge.go (the three-way merge of long
//     text), privacy.go and scrub.go (personal data and erasure).
//   - Counting citizen budgets, exactly (math/big.Rat): count.go,
//     count_mes.go, count_fast.go, pbreport.go.
//   - format.go: the Danish formats of dates and money.
//
// The package imports only the standard library so that every other
// package may depend on it.
//
// Money is always whole øre in an int64. Times are UTC values; they are shown
// in Danish local time (Copenhagen).
package model

// Package model is the vocabulary of Lokalråd: councils (lokalråd), their
// members, meetings with agendas, minutes and action items, projects with
// budget lines and funding applications, and budget wishes to the city
// council.
//
// Every type has a Validate method, and the pure rules that the screens,
// printed material and spreadsheets share live here: project totals, the
// co-financing rule of the development pool, a meeting's time plan, which
// action items carry over to a meeting, the ranking of budget wishes, and the
// Danish formats of dates and money. The package imports only the standard
// library so that every other package may depend on it.
//
// Money is always whole øre in an int64. Times are UTC values; they are shown
// in Danish local time (Copenhagen).
package model

// Package xlsx writes a council's data as an Excel workbook and reads budget
// wishes, projects and members back from one.
//
// Write gives the export a treasurer can sort, filter, edit and send on: one
// sheet each for projects, budget wishes, funding, action items, meetings
// and members, with real dates and kroner, a frozen header row, an
// autofilter and live totals. Template gives an empty workbook to fill in,
// and Read imports it (or an export, or a sheet typed by hand), tolerating
// other column orders, synonyms, Danish number and date text, and reporting
// every row it could not take as a Problem in plain Danish.
//
// Money is whole øre in the model and kroner (øre/100) in the sheet. Dates
// are days in Danish local time. Members' phone numbers and e-mail
// addresses are personal data and are exported only when asked for.
package xlsx

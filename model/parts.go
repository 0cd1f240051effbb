package model

// Parts and wholes: which rows are part of another row. A meeting holds
// its agenda items and the action items agreed at it; an agenda item, a
// project, a budget wish and a line of the accounts hold their
// attachments; a project its budget lines and funding applications; a
// citizen budgeting round its proposals, ballots and totals, and a
// proposal its totals.
//
// Deleting a whole deletes its parts with it (storage's deletes walk this
// list), and a whole deleted on one laptop while another, not yet knowing
// it, worked on one of its parts comes back with that part, so that the
// work is never left under a row no screen shows (the merge's I9).

// A Part links a part's table to its whole's.
type Part struct {
	Table  string // the part's table
	Column string // the part's column naming its whole's id
	Whole  string // the whole's table
	// KindColumn and Kind, when set: only the rows whose KindColumn holds
	// Kind are parts of Whole (an attachment's owner_kind).
	KindColumn, Kind string
}

// parts lists every link, parts before the others of their whole that
// refer to them (an action item names an agenda item; a total a proposal),
// so that deleting in this order keeps the foreign keys.
var parts = []Part{
	{Table: "action_items", Column: "meeting_id", Whole: "meetings"},
	{Table: "agenda_items", Column: "meeting_id", Whole: "meetings"},
	{Table: "attachments", Column: "owner_id", Whole: "agenda_items", KindColumn: "owner_kind", Kind: string(OwnerItem)},
	{Table: "attachments", Column: "owner_id", Whole: "projects", KindColumn: "owner_kind", Kind: string(OwnerProject)},
	{Table: "budget_lines", Column: "project_id", Whole: "projects"},
	{Table: "funding_applications", Column: "project_id", Whole: "projects"},
	{Table: "attachments", Column: "owner_id", Whole: "budget_wishes", KindColumn: "owner_kind", Kind: string(OwnerWish)},
	{Table: "attachments", Column: "owner_id", Whole: "account_entries", KindColumn: "owner_kind", Kind: string(OwnerEntry)},
	{Table: "pb_totals", Column: "round_id", Whole: "pb_rounds"},
	{Table: "pb_ballots", Column: "round_id", Whole: "pb_rounds"},
	{Table: "pb_proposals", Column: "round_id", Whole: "pb_rounds"},
	{Table: "pb_totals", Column: "proposal_id", Whole: "pb_proposals"},
}

// PartsOf lists the links from whole's parts to it, in deleting order.
func PartsOf(whole string) []Part { return partsWhere(func(p Part) bool { return p.Whole == whole }) }

// WholesOf lists the links from table's rows to the wholes they may be
// part of.
func WholesOf(table string) []Part { return partsWhere(func(p Part) bool { return p.Table == table }) }

func partsWhere(keep func(Part) bool) []Part {
	var out []Part
	for _, p := range parts {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// Parts lists every link.
func Parts() []Part { return append([]Part(nil), parts...) }

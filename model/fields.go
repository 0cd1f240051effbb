package model

// The field registry: one table per entity of every column a replica
// stores and syncs, in the table's column order. It is the one place that
// says of a field how it is typed and checked (CheckField), how it is
// merged (long text line by line), who owns it (the council or the
// municipality), whether it holds personal data and what an erasure leaves
// in it, and what the screens call it. storage checks the registry against
// the schema (PRAGMA table_info) in a test, so a column added by a
// migration and not here fails CI; everything else reads it from here.

import "slices"

// FieldKind is how a field is typed, checked, merged and shown.
type FieldKind int

const (
	FieldText     FieldKind = iota + 1 // text of at most Max runes, last writer wins
	FieldLongText                      // text merged line by line (minutes, descriptions)
	FieldRef                           // a row id, or "" when optional
	FieldEnum                          // one of Enum ("" allowed when not Required)
	FieldInt                           // int64 in [Lo, Hi]
	FieldMoney                         // øre in [0, MaxAmount]
	FieldBool                          // 0 or 1
	FieldDate                          // DateLayout, or "" when not Required
	FieldStamp                         // StampLayout, or "" when not Required
	FieldEmail                         // an e-mail address, or ""
	FieldLines                         // lines of short texts (a contact's areas)
	FieldSHA256                        // a SHA-256 in lower-case hex (an attachment's file)
	FieldFileName                      // a file name without folders (CleanFileName)
	FieldAgenda                        // an agenda template's items, "minutes|kind|title" a line (ParseTemplateItems)
	FieldMarks                         // a ballot's marks, "3 7" or "3:2 7:1" (ParseMarks)
	FieldNumbers                       // proposal numbers, "4 1 7" (ParseNumbers)
)

// Owner is who may write a field.
type Owner int

const (
	// OwnerCouncil: the council's devices (and staff devices).
	OwnerCouncil Owner = iota
	// OwnerMunicipality: only staff devices; a council device may create
	// the row with the field empty. Once given, the value stays until an
	// edit that saw it replaces it (the merge's I8).
	OwnerMunicipality
)

// Field is one column of an entity.
type Field struct {
	Column   string
	Kind     FieldKind
	Required bool
	Max      int      // FieldText, FieldLongText: runes
	Enum     []string // FieldEnum
	Lo, Hi   int64    // FieldInt
	Owner    Owner
	// MunicipalValue is an enum value only the municipality sets on an
	// otherwise council-owned field (a wish's status "besvaret"); sticky
	// like a municipal field once set.
	MunicipalValue string
	// Personal marks personal data: erasing the person the row is about
	// (a member) writes Erased into it.
	Personal bool
	Erased   string
	// Label is the screens' catalogue key (English source text); Danish
	// names the field in messages, as the editor labels it.
	Label  string
	Danish string
	// typed turns an enum's stored text into its typed value, for Label.
	typed func(string) any
}

// Typed is the value as the model types it: an enum's text as its type
// (Role, WishStatus, …), so that Label names it; other values unchanged.
func (f Field) Typed(v string) any {
	if f.typed != nil {
		return f.typed(v)
	}
	return v
}

// Municipal tells whether the field (or one of its values) is the
// municipality's to write.
func (f Field) Municipal() bool { return f.Owner == OwnerMunicipality || f.MunicipalValue != "" }

// Entity is a table of synced data and its fields.
type Entity struct {
	Table string
	// Municipal: the municipality's own data (council MunicipalityID),
	// written only by staff devices.
	Municipal bool
	// Noun is a row with the definite article ("budgetønsket"), A with
	// the indefinite ("et budgetønske"), for Danish messages.
	Noun, A string
	Fields  []Field
}

// Columns are the entity's columns other than id and council_id, in table
// order.
func (e Entity) Columns() []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Column
	}
	return out
}

// Entities lists every synced table, council data (parents before
// children) then the municipality's.
func Entities() []Entity { return entities }

// EntityOf is a table's entity.
func EntityOf(table string) (Entity, bool) {
	i := slices.IndexFunc(entities, func(e Entity) bool { return e.Table == table })
	if i < 0 {
		return Entity{}, false
	}
	return entities[i], true
}

// FieldOf is a column's field.
func FieldOf(table, column string) (Field, bool) {
	f, ok := fieldIndex[table+"."+column]
	return f, ok
}

// LongText tells whether a field is merged line by line rather than by
// last writer.
func LongText(table, column string) bool {
	f, ok := FieldOf(table, column)
	return ok && f.Kind == FieldLongText
}

// MunicipalColumn tells whether only the municipality writes the column
// (or one of its values) on a council's row.
func MunicipalColumn(table, column string) bool {
	f, ok := FieldOf(table, column)
	return ok && f.Municipal()
}

// WritesMunicipal tells whether an op writes what only the municipality
// may write: any op on the municipality's own data, a municipal field
// (except a new row's empty value, fresh being an op based on nothing),
// and a field's municipal value.
func WritesMunicipal(council, table, column string, value any, fresh bool) bool {
	if council == MunicipalityID {
		return true
	}
	if e, ok := EntityOf(table); ok && e.Municipal {
		return true
	}
	f, ok := FieldOf(table, column)
	switch {
	case !ok:
		return false
	case f.Owner == OwnerMunicipality:
		empty := value == nil || value == "" || value == int64(0)
		return !(fresh && empty)
	case f.MunicipalValue != "":
		return value == f.MunicipalValue
	}
	return false
}

var fieldIndex = func() map[string]Field {
	m := map[string]Field{}
	for _, e := range entities {
		for _, f := range e.Fields {
			m[e.Table+"."+f.Column] = f
		}
	}
	return m
}()

// Field constructors, by kind.

func textF(col, label, da string, max int, required bool) Field {
	return Field{Column: col, Kind: FieldText, Max: max, Required: required, Label: label, Danish: da}
}
func longF(col, label, da string) Field {
	return Field{Column: col, Kind: FieldLongText, Max: MaxLong, Label: label, Danish: da}
}
func kindF(col, label, da string, k FieldKind, required bool) Field {
	return Field{Column: col, Kind: k, Required: required, Label: label, Danish: da}
}
func intF(col, label, da string, lo, hi int64) Field {
	return Field{Column: col, Kind: FieldInt, Lo: lo, Hi: hi, Label: label, Danish: da}
}
func enumF[T ~string](col, label, da string, required bool, values ...T) Field {
	f := Field{Column: col, Kind: FieldEnum, Required: required, Label: label, Danish: da,
		typed: func(s string) any { return T(s) }}
	for _, v := range values {
		f.Enum = append(f.Enum, string(v))
	}
	return f
}
func personal(f Field, erased string) Field { f.Personal, f.Erased = true, erased; return f }
func municipal(f Field) Field               { f.Owner = OwnerMunicipality; return f }

// FormerMemberName is what an erased member's name becomes.
const FormerMemberName = "Tidligere medlem"

var entities = []Entity{
	{Table: "councils", Noun: "rådet", A: "lokalrådet", Fields: []Field{
		textF("name", "Name", "navn", MaxShort, true),
		textF("area", "Area", "område", MaxShort, false),
		kindF("annual_grant", "Annual grant", "årligt tilskud", FieldMoney, false),
		intF("quorum", "Quorum (board members present)", "beslutningsdygtig ved", 0, 1000),
	}},
	{Table: "members", Noun: "medlemmet", A: "et medlem", Fields: []Field{
		personal(textF("name", "Name", "navn", MaxShort, true), FormerMemberName),
		enumF("role", "Role", "rolle", true, Roles...),
		kindF("contact", "Contact person", "kontaktperson", FieldBool, false),
		kindF("term_start", "Elected from", "valgt fra", FieldDate, false),
		kindF("term_end", "Elected until", "valgt til", FieldDate, false),
		personal(textF("phone", "Phone", "telefon", MaxShort, false), ""),
		personal(kindF("email", "E-mail", "e-mail", FieldEmail, false), ""),
	}},
	{Table: "meetings", Noun: "mødet", A: "et møde", Fields: []Field{
		enumF("kind", "Kind", "mødetype", true, MeetingKinds...),
		textF("title", "Title", "titel", MaxShort, false),
		kindF("start", "Date and time", "tidspunkt", FieldStamp, true),
		textF("place", "Place", "sted", MaxShort, false),
		enumF("status", "Status", "status", true, MeetingStatuses...),
		longF("attendees", "Attendees", "deltagere"),
		longF("apologies", "Apologies", "afbud"),
		kindF("approved_at", "Minutes approved", "godkendt", FieldStamp, false),
		longF("absent", "Absent", "fraværende"),
		longF("guests", "Guests", "gæster"),
		textF("approved_by", "Approved by", "godkendt af", MaxShort, false),
		kindF("approved_in", "At the meeting", "godkendt på mødet", FieldRef, false),
	}},
	{Table: "agenda_items", Noun: "dagsordenspunktet", A: "et dagsordenspunkt", Fields: []Field{
		kindF("meeting_id", "Meeting", "møde", FieldRef, true),
		intF("position", "Priority", "nummer", 0, MaxPosition),
		textF("title", "Title", "titel", MaxShort, true),
		enumF("kind", "Kind", "type", true, ItemKinds...),
		intF("minutes", "Duration (minutes)", "varighed", 0, 24*60),
		longF("background", "Background", "sagsfremstilling"),
		longF("notes", "Minutes of the item", "referat"),
		longF("decision", "Decision", "beslutning"),
	}},
	{Table: "action_items", Noun: "opgaven", A: "en opfølgning", Fields: []Field{
		kindF("meeting_id", "Meeting", "møde", FieldRef, false),
		kindF("agenda_item_id", "Agenda item", "punkt", FieldRef, false),
		textF("who", "Who", "hvem", MaxShort, false),
		textF("what", "What", "hvad", MaxLong, true),
		kindF("due", "By when", "frist", FieldDate, false),
		kindF("done", "Done", "udført", FieldBool, false),
		kindF("done_at", "Done", "udført den", FieldStamp, false),
	}},
	{Table: "projects", Noun: "projektet", A: "et projekt", Fields: []Field{
		textF("title", "Title", "titel", MaxShort, true),
		longF("description", "Description of the project", "beskrivelse"),
		enumF("status", "Status", "status", true, ProjectStatuses...),
		kindF("responsible_id", "Responsible", "ansvarlig", FieldRef, false),
		textF("working_group", "Working group", "arbejdsgruppe", MaxLong, false),
		kindF("start_date", "Start", "startdato", FieldDate, false),
		kindF("end_date", "End", "slutdato", FieldDate, false),
		intF("progress", "Progress", "fremdrift", 0, 100),
	}},
	{Table: "budget_lines", Noun: "budgetlinjen", A: "en budgetlinje", Fields: []Field{
		kindF("project_id", "Project", "projekt", FieldRef, true),
		textF("text", "Text", "tekst", MaxShort, true),
		enumF("kind", "Kind", "type", true, LineExpense, LineOwn),
		kindF("amount", "Amount", "beløb", FieldMoney, false),
	}},
	{Table: "funding_applications", Noun: "ansøgningen", A: "en ansøgning om støtte", Fields: []Field{
		kindF("project_id", "Project", "projekt", FieldRef, true),
		textF("pool", "Pool", "pulje", MaxShort, true),
		kindF("deadline", "Deadline", "frist", FieldDate, false),
		kindF("applied", "Applied for (kr.)", "ansøgt beløb", FieldMoney, false),
		kindF("granted", "Granted", "bevilget beløb", FieldMoney, false),
		enumF("status", "Status", "status", true, ApplicationStatuses...),
		intF("volunteer_hours", "Volunteer hours", "frivillige timer", 0, MaxVolunteerHours),
		kindF("pool_id", "The municipality's pool", "kommunens pulje", FieldRef, false),
		kindF("running_costs", "The project leaves running costs to the municipality", "driftsudgifter til kommunen", FieldBool, false),
	}},
	{Table: "budget_wishes", Noun: "budgetønsket", A: "et budgetønske", Fields: []Field{
		intF("year", "Budget year", "budgetår", 2000, 2200),
		textF("title", "Title", "titel", MaxShort, true),
		longF("justification", "Justification", "begrundelse"),
		textF("category", "Category", "kategori", MaxShort, false),
		kindF("estimate", "Estimate (kr.)", "overslag", FieldMoney, false),
		intF("priority", "Priority", "prioritet", 0, MaxPosition),
		func() Field {
			f := enumF("status", "Status", "status", true, WishStatuses...)
			f.MunicipalValue = string(WishAnswered)
			return f
		}(),
		municipal(enumF("answer", "Answer", "kommunens svar", false, Answers...)),
		municipal(textF("answer_text", "Answer text", "svartekst", MaxLong, false)),
		municipal(kindF("granted", "Granted", "bevilget beløb", FieldMoney, false)),
	}},
	{Table: "agenda_templates", Noun: "dagsordensskabelonen", A: "en dagsordensskabelon", Fields: []Field{
		textF("name", "Name", "navn", MaxShort, true),
		kindF("items", "Agenda items of the template", "punkter", FieldAgenda, false),
	}},
	{Table: "year_rules", Noun: "årshjulsreglen", A: "en årlig dato", Fields: []Field{
		textF("title", "Title", "titel", MaxShort, true),
		textF("category", "Category", "kategori", MaxShort, false),
		enumF("kind", "When", "type", true, YearRuleKinds...),
		intF("month", "Month", "måned", 1, 12),
		intF("day", "Day", "dag", 0, 31),
		intF("weekday", "Weekday", "ugedag", 0, 6),
		intF("nth", "Which", "hvilken i måneden", -1, 4),
		intF("notice_days", "Notice (days before)", "dage før (indkaldelse)", 0, MaxNoticeDays),
		longF("note", "Note", "note"),
	}},
	{Table: "account_entries", Noun: "regnskabslinjen", A: "en regnskabslinje", Fields: []Field{
		kindF("date", "Date", "dato", FieldDate, true),
		textF("text", "Text", "tekst", MaxShort, true),
		enumF("kind", "Income or expense", "indtægt eller udgift", true, EntryKinds...),
		kindF("amount", "Amount (kr.)", "beløb", FieldMoney, false),
		textF("category", "Category", "kategori", MaxShort, false),
		kindF("project_id", "Project", "projekt", FieldRef, false),
		kindF("wages", "Wages (the grant may not pay wages)", "løn", FieldBool, false),
		textF("receipt", "Receipt no.", "bilag", MaxShort, false),
	}},
	{Table: "accounts_years", Noun: "årsregnskabet", A: "et årsregnskab", Fields: []Field{
		intF("year", "Year", "regnskabsår", 2000, 2200),
		intF("opening", "Opening balance 1 January (kr.)", "primo saldo", -MaxAmount, MaxAmount),
		kindF("approved", "Approved at the annual general meeting on", "godkendt på generalforsamlingen", FieldDate, false),
		kindF("meeting_id", "Meeting", "generalforsamling", FieldRef, false),
		longF("note", "Note", "note"),
	}},
	{Table: "dev_plans", Noun: "udviklingsplanen", A: "en udviklingsplan", Fields: []Field{
		intF("year", "Year", "planår", 2000, 2200),
		longF("vision", "Vision", "vision"),
	}},
	{Table: "focus_areas", Noun: "indsatsområdet", A: "et indsatsområde", Fields: []Field{
		kindF("plan_id", "Development plan", "plan", FieldRef, true),
		intF("position", "Priority", "nummer", 0, MaxPosition),
		textF("title", "Title", "titel", MaxShort, true),
		longF("goals", "Goals (one a line)", "mål"),
		kindF("projects", "Projects", "projekter", FieldLines, false),
	}},
	{Table: "plan_actions", Noun: "handlingen", A: "en handling", Fields: []Field{
		kindF("plan_id", "Development plan", "plan", FieldRef, true),
		kindF("focus_id", "Focus area", "indsatsområde", FieldRef, false),
		textF("who", "Who", "hvem", MaxShort, false),
		textF("what", "What", "hvad", MaxLong, true),
		kindF("due", "By when", "hvornår", FieldDate, false),
		enumF("status", "Status", "status", true, PlanActionStatuses...),
	}},
	{Table: "publications", Noun: "den offentlige side", A: "en offentlig side", Fields: []Field{
		kindF("enabled", "Show a public page for the council", "offentlig side", FieldBool, false),
		kindF("meetings", "Upcoming meetings with their agendas", "møder", FieldBool, false),
		kindF("minutes", "Approved minutes (never drafts)", "referater", FieldBool, false),
		kindF("plan", "The development plan", "udviklingsplan", FieldBool, false),
		longF("intro", "A few words on the page's top", "indledning"),
		kindF("budget", "Citizen budget results (rounds whose result is published)", "borgerbudget", FieldBool, false),
	}},
	// A file attached to an agenda item, a project, a budget wish or an
	// accounts line (its receipt, OwnerEntry); the file itself travels
	// apart, named by sha256 (storage/blobs).
	{Table: "attachments", Noun: "bilaget", A: "et bilag", Fields: []Field{
		enumF("owner_kind", "Attached to", "hører til", true, OwnerKinds...),
		kindF("owner_id", "Attached to", "hører til", FieldRef, true),
		kindF("name", "File name", "filnavn", FieldFileName, true),
		textF("media_type", "File type", "filtype", MaxShort, false),
		intF("size", "Size", "størrelse", 0, MaxAttachmentSize),
		kindF("sha256", "Checksum", "kontrolsum", FieldSHA256, true),
		kindF("added", "Added", "tilføjet", FieldStamp, false),
	}},
	// Borgerbudgettering (model/borgerbudget.go).
	{Table: "pb_rounds", Noun: "borgerbudgetrunden", A: "en borgerbudgetrunde", Fields: []Field{
		textF("title", "Title", "titel", MaxShort, true),
		kindF("pot", "Pot (kr.)", "pulje", FieldMoney, false),
		intF("population", "Inhabitants of the area", "indbyggertal", 0, MaxPopulation),
		enumF("phase", "Phase", "fase", true, PBPhases...),
		kindF("proposals_from", "Proposals from", "forslag fra", FieldDate, false),
		kindF("review_from", "Review from", "vurdering fra", FieldDate, false),
		kindF("voting_from", "Voting from", "afstemning fra", FieldDate, false),
		kindF("voting_to", "Voting until", "afstemning til", FieldDate, false),
		kindF("result_date", "Result on", "resultat den", FieldDate, false),
		intF("min_age", "Voters at least (years)", "aldersgrænse", 0, 120),
		kindF("residents_only", "Only residents of the area may vote", "kun beboere i området", FieldBool, false),
		enumF("ballot_kind", "Ballot", "stemmeseddel", true, PBBallotKinds...),
		intF("max_choices", "Marks at most (0: any)", "højst antal krydser", 0, MaxPBProposals),
		intF("points", "Points to spread", "point at fordele", 0, MaxPBPoints),
		enumF("method", "Counting method", "optællingsmetode", true, PBMethods...),
		enumF("tie_rule", "Tie broken by", "ved stemmelighed", true, PBTieRules...),
		kindF("tie_order", "Lot drawn (proposal numbers, winner first)", "lodtrækning", FieldNumbers, false),
		kindF("totals_mode", "Some places report only totals", "steder melder kun totaler", FieldBool, false),
		kindF("override_ids", "Result changed by hand (proposal numbers)", "manuelt resultat", FieldNumbers, false),
		longF("override_reason", "Why the result was changed by hand", "begrundelse for manuelt resultat"),
		longF("note", "Note", "note"),
		kindF("blank_valid", "A blank ballot is a valid vote for nothing", "en blank stemmeseddel er gyldig", FieldBool, false),
	}},
	{Table: "pb_proposals", Noun: "forslaget", A: "et borgerforslag", Fields: []Field{
		kindF("round_id", "Round", "runde", FieldRef, true),
		intF("number", "No.", "nummer", 0, MaxPBNumber),
		textF("title", "Title", "titel", MaxShort, true),
		longF("description", "The proposal", "beskrivelse"),
		personal(textF("proposer_name", "Proposed by", "forslagsstiller", MaxShort, false), FormerMemberName),
		personal(textF("proposer_contact", "Proposer's phone or e-mail", "forslagsstillers kontakt", MaxShort, false), ""),
		kindF("cost", "Estimated cost (kr.)", "anslået pris", FieldMoney, false),
		textF("category", "Category", "kategori", MaxShort, false),
		textF("place", "Place", "sted", MaxShort, false),
		enumF("status", "Status", "status", true, ProposalStatuses...),
		textF("reason", "Reason", "begrundelse", MaxLong, false),
		municipal(kindF("adjusted_cost", "The municipality's cost (kr.)", "kommunens pris", FieldMoney, false)),
		kindF("project_id", "Project", "projekt", FieldRef, false),
	}},
	{Table: "pb_ballots", Noun: "stemmesedlen", A: "en stemmeseddel", Fields: []Field{
		kindF("round_id", "Round", "runde", FieldRef, true),
		intF("entry", "Counter", "tæller", 1, 2),
		intF("number", "Ballot no.", "stemmesedlens nummer", 0, MaxPBNumber),
		textF("place", "Polling place", "afstemningssted", MaxShort, false),
		kindF("marks", "Marked proposals", "krydser", FieldMarks, false),
		kindF("entered", "Entered", "indtastet", FieldStamp, false),
	}},
	{Table: "pb_totals", Noun: "totalen", A: "en total for et afstemningssted", Fields: []Field{
		kindF("round_id", "Round", "runde", FieldRef, true),
		textF("place", "Polling place", "afstemningssted", MaxShort, true),
		kindF("proposal_id", "Proposal", "forslag", FieldRef, true),
		intF("votes", "Votes", "stemmer", 0, MaxElectionBallots),
	}},
	{Table: "pools", Municipal: true, Noun: "puljen", A: "en pulje", Fields: []Field{
		textF("name", "Name", "navn", MaxShort, true),
		longF("description", "Description of the pool", "beskrivelse"),
		longF("rules", "Rules", "regler"),
		kindF("available", "Available (kr.)", "puljens beløb", FieldMoney, false),
		kindF("max_per_application", "At most per application (kr.)", "højst pr. ansøgning", FieldMoney, false),
		kindF("deadline", "Deadline", "frist", FieldDate, false),
		kindF("open_all_year", "Open all year", "åben hele året", FieldBool, false),
		kindF("min_project_total", "Project totals at least (kr.)", "mindste projektsum", FieldMoney, false),
		kindF("volunteer_rate", "A volunteer hour counts as (kr.)", "timesats for frivillige", FieldMoney, false),
		intF("volunteer_cap_pct", "Volunteer work at most (% of own financing)", "frivilliges højeste andel", 0, 100),
		kindF("no_running_costs", "No projects that leave running costs to the municipality", "ingen driftsudgifter", FieldBool, false),
		intF("accounts_months", "Accounts and evaluation due (months after the project ends)", "måneder til regnskab", 0, MaxAccountsMonths),
	}},
	{Table: "deadlines", Municipal: true, Noun: "fristen", A: "en frist", Fields: []Field{
		textF("title", "Title", "titel", MaxShort, true),
		kindF("date", "Date", "dato", FieldDate, true),
		textF("kind", "Kind", "type", MaxShort, false),
		longF("description", "Description of the deadline", "beskrivelse"),
	}},
	{Table: "contacts", Municipal: true, Noun: "kontakten", A: "en kontakt", Fields: []Field{
		textF("name", "Name", "navn", MaxShort, true),
		textF("role", "Role or department", "rolle eller afdeling", MaxShort, false),
		textF("phone", "Phone", "telefon", MaxShort, false),
		kindF("email", "E-mail", "e-mail", FieldEmail, false),
		kindF("areas", "Areas", "områder", FieldLines, false),
	}},
	{Table: "announcements", Municipal: true, Noun: "meddelelsen", A: "en meddelelse", Fields: []Field{
		textF("title", "Title", "titel", MaxShort, true),
		longF("text", "Text", "tekst"),
		kindF("date", "Date", "dato", FieldDate, true),
	}},
}

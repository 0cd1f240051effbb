package xlsx

import (
	"strings"
	"sync"
	"unicode"

	"lokalraad/model"
)

// The sheets, by their Danish and English names.
type sheetKind int

const (
	sheetProjects sheetKind = iota
	sheetWishes
	sheetFunding
	sheetActions
	sheetMeetings
	sheetMembers
	sheetDecisions
)

var sheetNames = map[sheetKind][2]string{
	sheetProjects: {"Projekter", "Projects"},
	sheetWishes:   {"Budgetønsker", "Budget wishes"},
	sheetFunding:  {"Finansiering", "Funding"},
	sheetActions:  {"Opgaver", "Action items"},
	sheetMeetings: {"Møder", "Meetings"},
	sheetMembers:  {"Medlemmer", "Members"},
	// The decisions register: every decision of every meeting.
	sheetDecisions: {"Beslutninger", "Decisions"},
}

func sheetName(k sheetKind, l model.Lang) string {
	if l == model.English {
		return sheetNames[k][1]
	}
	return sheetNames[k][0]
}

// sheetSynonyms are the names (folded) by which Read finds a sheet.
var sheetSynonyms = map[sheetKind][]string{
	sheetWishes:   {"Budgetønsker", "Budget wishes", "Budgetønske", "Ønsker", "Wishes"},
	sheetProjects: {"Projekter", "Projects", "Projekt", "Project"},
	sheetMembers:  {"Medlemmer", "Members", "Medlem", "Bestyrelse", "Bestyrelsen", "Board"},
}

// sheetKindOf finds the kind of sheet a tab's name says, also when the
// treasurer put the budget year after it (»Budgetønsker 2027«,
// »Projekter 2026-27«).
func sheetKindOf(name string) (sheetKind, bool) {
	f := fold(name)
	if k, ok := indexes().sheet[f]; ok {
		return k, true
	}
	f = strings.TrimRightFunc(f, unicode.IsDigit)
	if f == "" {
		return 0, false
	}
	k, ok := indexes().sheet[f]
	return k, ok
}

// Field keys, shared by the writer's headers and the reader's synonyms.
const (
	fTitle         = "title"
	fStatus        = "status"
	fResponsible   = "responsible"
	fStart         = "start"
	fEnd           = "end"
	fProgress      = "progress"
	fExpenses      = "expenses"
	fOwn           = "own"
	fVolunteer     = "volunteer"
	fGranted       = "granted"
	fMissing       = "missing"
	fDescription   = "description"
	fWorkingGroup  = "workinggroup"
	fYear          = "year"
	fRank          = "rank"
	fCategory      = "category"
	fJustification = "justification"
	fEstimate      = "estimate"
	fAnswer        = "answer"
	fAnswerText    = "answertext"
	fProject       = "project"
	fPool          = "pool"
	fDeadline      = "deadline"
	fApplied       = "applied"
	fHours         = "hours"
	fMeetingDate   = "meetingdate"
	fWho           = "who"
	fWhat          = "what"
	fDue           = "due"
	fDone          = "done"
	fDate          = "date"
	fTime          = "time"
	fKind          = "kind"
	fPlace         = "place"
	fItems         = "items"
	fName          = "name"
	fRole          = "role"
	fContact       = "contact"
	fTermStart     = "termstart"
	fTermEnd       = "termend"
	fPhone         = "phone"
	fEmail         = "email"
	fMeeting       = "meeting"
	fItem          = "item"
	fDecision      = "decision"
)

// headers are the column headers the writer uses, Danish and English.
var headers = map[string][2]string{
	fMeeting:       {"Møde", "Meeting"},
	fItem:          {"Punkt", "Item"},
	fDecision:      {"Beslutning", "Decision"},
	fTitle:         {"Titel", "Title"},
	fStatus:        {"Status", "Status"},
	fResponsible:   {"Ansvarlig", "Responsible"},
	fStart:         {"Start", "Start"},
	fEnd:           {"Slut", "End"},
	fProgress:      {"Fremdrift (%)", "Progress (%)"},
	fExpenses:      {"Udgifter", "Expenses"},
	fOwn:           {"Egenfinansiering", "Own financing"},
	fVolunteer:     {"Frivilligt arbejde", "Volunteer work"},
	fGranted:       {"Bevilget", "Granted"},
	fMissing:       {"Mangler", "Missing"},
	fDescription:   {"Beskrivelse", "Description"},
	fWorkingGroup:  {"Arbejdsgruppe", "Working group"},
	fYear:          {"År", "Year"},
	fRank:          {"Prioritet", "Priority"},
	fCategory:      {"Kategori", "Category"},
	fJustification: {"Begrundelse", "Justification"},
	fEstimate:      {"Anslået udgift", "Estimate"},
	fAnswer:        {"Svar", "Answer"},
	fAnswerText:    {"Svartekst", "Answer text"},
	fProject:       {"Projekt", "Project"},
	fPool:          {"Pulje", "Pool"},
	fDeadline:      {"Frist", "Deadline"},
	fApplied:       {"Ansøgt", "Applied for"},
	fHours:         {"Frivillige timer", "Volunteer hours"},
	fMeetingDate:   {"Mødedato", "Meeting date"},
	fWho:           {"Hvem", "Who"},
	fWhat:          {"Hvad", "What"},
	fDue:           {"Frist", "Due"},
	fDone:          {"Udført", "Done"},
	fDate:          {"Dato", "Date"},
	fTime:          {"Tidspunkt", "Time"},
	fKind:          {"Type", "Kind"},
	fPlace:         {"Sted", "Place"},
	fItems:         {"Antal punkter", "Agenda items"},
	fName:          {"Navn", "Name"},
	fRole:          {"Rolle", "Role"},
	fContact:       {"Kontaktperson", "Contact person"},
	fTermStart:     {"Valgt fra", "Term start"},
	fTermEnd:       {"Valgt til", "Term end"},
	fPhone:         {"Telefon", "Phone"},
	fEmail:         {"E-mail", "E-mail"},
}

func header(key string, l model.Lang) string {
	if l == model.English {
		return headers[key][1]
	}
	return headers[key][0]
}

// columnSynonyms are, per sheet that Read understands, the header texts
// (folded) that name each field. The writer's own headers, Danish and
// English, are added by init.
var columnSynonyms = map[sheetKind]map[string][]string{
	sheetWishes: {
		fYear:          {"Budgetår", "Budget year", "Årstal"},
		fRank:          {"Prio", "Rank", "Prioritering", "Nr", "Nummer", "Rækkefølge"},
		fTitle:         {"Navn på ønske", "Ønske", "Wish", "Overskrift", "Navn", "Name", "Budgetønske"},
		fCategory:      {"Område", "Emne"},
		fJustification: {"Hvad og hvorfor", "Beskrivelse", "Description", "Formål", "Why"},
		fEstimate: {"Beløb", "Estimat", "Pris", "kr.", "kr", "DKK", "Anslået beløb", "Udgift", "Amount", "Cost", "Price", "Estimeret udgift", "Anslået pris",
			"Ansøgt beløb", "Ansøgt", "Budget", "Budgetbeløb", "Forventet udgift", "Udgifter", "Omkostning", "Omkostninger", "Beløb ansøgt", "Ønsket beløb"},
		fStatus:     {"Tilstand", "State"},
		fAnswer:     {"Kommunens svar", "Afgørelse", "Decision", "Municipality's answer"},
		fAnswerText: {"Svar tekst", "Kommentar", "Bemærkning", "Comment", "Begrundelse for svar"},
		fGranted:    {"Bevilget beløb", "Bevilling", "Granted amount"},
	},
	sheetProjects: {
		fTitle:        {"Projekt", "Project", "Navn", "Name", "Projektnavn", "Overskrift"},
		fStatus:       {"Tilstand", "Fase", "State", "Phase"},
		fStart:        {"Startdato", "Start date", "Begynder", "Fra", "From"},
		fEnd:          {"Slutdato", "End date", "Til", "To", "Afsluttes"},
		fProgress:     {"Fremdrift", "Progress", "Færdig", "Procent", "Pct"},
		fDescription:  {"Hvad", "Formål"},
		fWorkingGroup: {"Arbejdsgruppen", "Gruppe", "Group"},
		fResponsible:  {"Tovholder", "Kontaktperson", "Ansvarlig person"},
	},
	sheetMembers: {
		fName:      {"Fulde navn", "Full name", "Medlem", "Member", "Person"},
		fRole:      {"Post", "Funktion", "Position", "Titel"},
		fContact:   {"Kontakt", "Contact", "Kontaktperson for kommunen"},
		fTermStart: {"Fra", "From", "Periode start", "Valgt", "Valgperiode start", "Indtrådt", "Elected", "Elected from", "Term from", "Member since"},
		fTermEnd:   {"Til", "To", "Periode slut", "Valgperiode slut", "Udløber", "På valg", "Term ends", "Term until", "Up for election", "Until"},
		fPhone:     {"Tlf", "Tlf.", "Telefonnummer", "Mobil", "Mobilnummer", "Phone number"},
		fEmail:     {"Mail", "Email", "E-post", "E-mailadresse", "Mailadresse"},
	},
}

// readFields lists the fields Read takes from each sheet; the writer's
// headers of these fields are synonyms too.
var readFields = map[sheetKind][]string{
	sheetWishes:   {fYear, fRank, fTitle, fCategory, fJustification, fEstimate, fStatus, fAnswer, fAnswerText, fGranted},
	sheetProjects: {fTitle, fStatus, fStart, fEnd, fProgress, fDescription, fWorkingGroup, fResponsible},
	sheetMembers:  {fName, fRole, fContact, fTermStart, fTermEnd, fPhone, fEmail},
}

// computedFields are the columns the writer adds that the app computes
// (a project's sums of its budget lines and applications): Read passes
// over them in the app's own workbook without a note, since they are not
// data to import.
var computedFields = map[sheetKind][]string{
	sheetProjects: {fExpenses, fOwn, fVolunteer, fGranted, fMissing},
}

// computedHeader tells whether name is the header, Danish or English, of
// a computed column of the sheet k.
func computedHeader(k sheetKind, name string) bool {
	for _, f := range computedFields[k] {
		if fold(name) == fold(header(f, model.Danish)) || fold(name) == fold(header(f, model.English)) {
			return true
		}
	}
	return false
}

// index holds the folded names Read looks sheets, columns and values up
// by. It is built the first time a workbook is read, not when the program
// starts: the app links this package for its exports, and folding some
// 600 names cost the app's start-up 2,800 allocations and up to a
// millisecond before its window opened (issue 10).
type index struct {
	// sheet maps folded sheet names to sheets.
	sheet map[string]sheetKind
	// column maps a sheet's folded header texts to field keys.
	column map[sheetKind]map[string]string
	// Values written as labels, by their folded Danish label, English
	// label and code.
	role           map[string]model.Role
	wishStatus     map[string]model.WishStatus
	answer         map[string]model.Answer
	projectStatus  map[string]model.ProjectStatus
	proposalStatus map[string]model.ProposalStatus
}

// indexes is the index, built once.
var indexes = sync.OnceValue(newIndex)

func newIndex() *index {
	ix := &index{
		sheet:          map[string]sheetKind{},
		column:         map[sheetKind]map[string]string{},
		role:           map[string]model.Role{},
		wishStatus:     map[string]model.WishStatus{},
		answer:         map[string]model.Answer{},
		projectStatus:  map[string]model.ProjectStatus{},
		proposalStatus: map[string]model.ProposalStatus{},
	}
	for k, names := range sheetSynonyms {
		for _, n := range names {
			ix.sheet[fold(n)] = k
		}
	}
	for k, fields := range readFields {
		idx := map[string]string{}
		// The writer's headers first, so that they win over synonyms of
		// another field ("Svar" is the answer; "Beskrivelse" is a project's
		// description even if it is a synonym elsewhere).
		for _, f := range fields {
			for _, h := range headers[f] {
				idx[fold(h)] = f
			}
		}
		for f, syn := range columnSynonyms[k] {
			for _, s := range syn {
				if _, taken := idx[fold(s)]; !taken {
					idx[fold(s)] = f
				}
			}
		}
		ix.column[k] = idx
	}
	for _, r := range model.Roles {
		addLabels(ix.role, r, string(r))
	}
	for _, s := range model.WishStatuses {
		addLabels(ix.wishStatus, s, string(s))
	}
	for _, a := range append([]model.Answer{model.AnswerNone}, model.Answers...) {
		addLabels(ix.answer, a, string(a))
	}
	for _, s := range model.ProjectStatuses {
		addLabels(ix.projectStatus, s, string(s))
	}
	// Common ways of writing them.
	ix.role[fold("Bestyrelsesmedlem")] = model.RoleMember
	ix.role[fold("Board member")] = model.RoleMember
	ix.role[fold("Formand/kontaktperson")] = model.RoleChair
	ix.role[fold("Sekretær/referent")] = model.RoleSecretary
	ix.role[fold("Referent")] = model.RoleSecretary
	ix.role[fold("Vice formand")] = model.RoleViceChair
	ix.role[fold("Næstformand")] = model.RoleViceChair
	ix.role[fold("Kassér")] = model.RoleTreasurer
	ix.role[fold("Kasserer")] = model.RoleTreasurer
	ix.role[fold("Chairman")] = model.RoleChair
	ix.role[fold("Chairperson")] = model.RoleChair
	ix.wishStatus[fold("Sendt")] = model.WishSubmitted
	ix.wishStatus[fold("Kladde")] = model.WishDraft
	ix.answer[fold("Ingen")] = model.AnswerNone
	ix.answer[fold("Intet svar")] = model.AnswerNone
	ix.answer[fold("Udskudt")] = model.AnswerDeferred
	ix.answer[fold("Delvist")] = model.AnswerPartly
	ix.answer[fold("Nej")] = model.AnswerRejected
	ix.answer[fold("Ja")] = model.AnswerGranted
	ix.projectStatus[fold("Ide")] = model.ProjectIdea
	ix.projectStatus[fold("Planlægning")] = model.ProjectPlanning
	ix.projectStatus[fold("Søgt")] = model.ProjectApplied
	ix.projectStatus[fold("Igangværende")] = model.ProjectRunning
	ix.projectStatus[fold("Færdig")] = model.ProjectDone
	ix.addPB()
	return ix
}

func addLabels[T any](m map[string]T, v T, code string) {
	m[fold(code)] = v
	m[fold(model.Label(v, model.Danish))] = v
	m[fold(model.Label(v, model.English))] = v
}

// fold reduces a name to what matters when comparing it with another:
// lower case, æ ø å and their spellings ae oe aa (and ä ö é) made one, and
// everything but letters and digits dropped. "Budgetønsker",
// "budget-oensker" and "BUDGETONSKER" fold alike.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'æ', 'ä':
			b.WriteByte('a')
		case 'ø', 'ö':
			b.WriteByte('o')
		case 'å', 'á', 'à':
			b.WriteByte('a')
		case 'é', 'è':
			b.WriteByte('e')
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			}
		}
	}
	return foldPairs.Replace(b.String())
}

var foldPairs = strings.NewReplacer("ae", "a", "oe", "o", "aa", "a")

// headerField finds the field a header names: first as it stands
// (folded), then by its words without units and parentheses, so that
// "Beløb (kr.)", "Beløb i kr.", "Udgift (kr)" and "Anslået udgift, DKK"
// all name the estimate.
func headerField(k sheetKind, cell string) (string, bool) {
	idx := indexes().column[k]
	if f, ok := idx[fold(cell)]; ok {
		return f, true
	}
	words := headerWords(cell)
	if len(words) == 0 {
		return "", false
	}
	f, ok := idx[strings.Join(words, "")]
	return f, ok
}

// unitWords are words in a header that say the unit, not the field.
var unitWords = map[string]bool{"kr": true, "dkk": true, "dkr": true, "kroner": true, "i": true, "in": true, "ca": true, "cirka": true, "belob": false}

// headerWords are the folded words of a header outside parentheses, units
// left out.
func headerWords(s string) []string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
			b.WriteRune(' ')
			continue
		case ')', ']':
			if depth > 0 {
				depth--
			}
			b.WriteRune(' ')
			continue
		}
		if depth > 0 || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(r)
	}
	var out []string
	for _, w := range strings.Fields(b.String()) {
		if f := fold(w); f != "" && !unitWords[f] {
			out = append(out, f)
		}
	}
	return out
}

package pdf

import "lokalraad/model"

// texts holds the documents' own words in Danish and English. The names of
// roles, kinds and statuses come from model.Label; dates and money from
// model's formatters.
var texts = map[string][2]string{
	// Document titles.
	"packet":     {"Mødemappe", "Meeting packet"},
	"chair":      {"Formandens eksemplar", "Chair's copy"},
	"minutes":    {"Referat", "Minutes"},
	"wishes":     {"Budgetønsker", "Budget wishes"},
	"attendance": {"Deltagerliste", "Attendance list"},
	"notesheet":  {"Notatark", "Note sheet"},

	// Header, footer and marks.
	"page":    {"Side %d af %s", "Page %d of %s"},
	"printed": {"Udskrevet %s", "Printed %s"},
	"draft":   {"UDKAST", "DRAFT"},

	// Meeting facts.
	"kind":      {"Mødetype", "Meeting type"},
	"date":      {"Dato", "Date"},
	"time":      {"Tidspunkt", "Time"},
	"place":     {"Sted", "Place"},
	"status":    {"Status", "Status"},
	"planned":   {"planlagt slut %s", "planned end %s"},
	"contents":  {"Indhold", "Contents"},
	"noplace":   {"–", "–"},
	"approved":  {"Godkendt %s", "Approved %s"},
	"notapprov": {"UDKAST – referatet er ikke godkendt", "DRAFT – the minutes are not approved"},

	// Bilag (attachments).
	"bilag":         {"Bilag", "Attachments"},
	"bilagno":       {"Bilag %d: %s", "Attachment %d: %s"},
	"bilagitem":     {" (punkt %d)", " (item %d)"},
	"bilagname":     {"Fil", "File"},
	"bilagsize":     {"Størrelse", "Size"},
	"bilaghow":      {"I mødemappen", "In the packet"},
	"bilagpages":    {"%d sider", "%d pages"},
	"bilagimage":    {"billede, 1 side", "image, 1 page"},
	"bilagseparate": {"sendes separat", "sent separately"},
	"bilagmissing":  {"ikke hentet – sendes separat", "not fetched – sent separately"},
	"bilagdamaged":  {"beskadiget – ikke med", "damaged – not included"},

	// Agenda.
	"agenda":     {"Dagsorden", "Agenda"},
	"no":         {"Nr.", "No."},
	"item":       {"Punkt", "Item"},
	"type":       {"Type", "Type"},
	"slot":       {"Tid", "Time"},
	"min":        {"Min.", "Min."},
	"minutesfmt": {"%d min.", "%d min."},
	"noitems":    {"Der er endnu ingen punkter på dagsordenen.", "The agenda has no items yet."},
	"notes":      {"Noter", "Notes"},
	"notesfor":   {"Noter til punkt %d", "Notes on item %d"},
	"decidefor":  {"Beslutning, punkt %d", "Decision, item %d"},
	"decision":   {"Beslutning:", "Decision:"},
	"other":      {"Andet", "Other business"},

	// Previous minutes.
	"prev":       {"Referat af forrige møde til godkendelse", "Minutes of the previous meeting for approval"},
	"noprev":     {"Der er intet tidligere møde.", "There is no earlier meeting."},
	"nominutes":  {"Der er ikke skrevet referat af dette punkt.", "No minutes were written for this item."},
	"attendees":  {"Deltagere", "Present"},
	"apologies":  {"Afbud", "Apologies"},
	"absent":     {"Fraværende", "Absent"},
	"present":    {"Til stede", "Present"},
	"presence":   {"Fremmøde", "Attendance"},
	"quorumrule": {"Bestyrelsen er beslutningsdygtig, når mindst %d af dens %d medlemmer er til stede.", "The board is quorate when at least %d of its %d members are present."},
	"nobody":     {"–", "–"},
	"itemsmins":  {"Dagsorden og referat", "Agenda and minutes"},
	"agreed":     {"Opgaver aftalt på mødet", "Action items agreed at the meeting"},
	"noagreed":   {"Der blev ikke aftalt nye opgaver.", "No new action items were agreed."},
	"approval":   {"Godkendelse", "Approval"},
	"approvedon": {"Referatet er godkendt %s.", "The minutes were approved on %s."},
	"signdate":   {"Godkendt den", "Approved on"},
	"signchair":  {"Formand", "Chair"},
	"signsecr":   {"Referent", "Secretary"},

	// Action items.
	"actions":   {"Åbne opgaver", "Open action items"},
	"noactions": {"Der er ingen åbne opgaver.", "There are no open action items."},
	"who":       {"Hvem", "Who"},
	"what":      {"Hvad", "What"},
	"when":      {"Hvornår", "By when"},
	"ongoing":   {"Løbende", "Ongoing"},
	"overdue":   {"(overskredet)", "(overdue)"},

	// Projects.
	"projects":    {"Projekter", "Projects"},
	"noprojects":  {"Rådet har ingen aktive projekter.", "The council has no active projects."},
	"project":     {"Projekt", "Project"},
	"responsible": {"Ansvarlig", "Responsible"},
	"progress":    {"Fremdrift", "Progress"},
	"expenses":    {"Udgifter", "Expenses"},
	"granted":     {"Bevilget", "Granted"},
	"missing":     {"Mangler", "Missing"},

	// Budget wishes.
	"wishesyear": {"Budgetønsker %d", "Budget wishes %d"},
	"nowishes":   {"Der er ingen budgetønsker for %d.", "There are no budget wishes for %d."},
	"wishintro":  {"%s sender hermed sine budgetønsker for %d i prioriteret rækkefølge.", "%s hereby sends its budget wishes for %d in order of priority."},
	"prio":       {"Prioritet", "Priority"},
	"wish":       {"Ønske", "Wish"},
	"category":   {"Kategori", "Category"},
	"estimate":   {"Anslået pris", "Estimated cost"},
	"estimcol":   {"Anslået pris", "Estimate"},
	"answer":     {"Svar", "Answer"},
	"answerby":   {"Kommunens svar", "The municipality's answer"},
	"total":      {"I alt", "Total"},
	"justify":    {"Begrundelse", "Justification"},
	"contact":    {"Kontaktperson", "Contact person"},
	"wishesfor":  {"Budgetønsker for budgetåret %d", "Budget wishes for the budget year %d"},

	// Attendance and notes.
	"name":      {"Navn", "Name"},
	"role":      {"Rolle", "Role"},
	"phone":     {"Telefon", "Phone"},
	"email":     {"E-mail", "E-mail"},
	"signature": {"Underskrift", "Signature"},
	"members":   {"Bestyrelsen", "The board"},
	"guests":    {"Gæster", "Guests"},
	"orgnote":   {"Forening / bemærkning", "Association / note"},
}

// addTexts adds a document's own words to texts, from the init of the file
// that writes the document. A key given twice would make one document
// print another's words, so it stops the program at start-up.
func addTexts(more map[string][2]string) {
	for k, v := range more {
		if _, twice := texts[k]; twice {
			panic("model/pdf: the text " + k + " is given twice")
		}
		texts[k] = v
	}
}

// tr gives the text of key in language l; unknown keys are returned as they
// are, so a missing entry shows up in a test instead of as a blank.
func tr(l model.Lang, key string) string {
	p, ok := texts[key]
	if !ok {
		return key
	}
	if l == model.English {
		return p[1]
	}
	return p[0]
}

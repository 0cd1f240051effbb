package model

import (
	"time"
)

// Council is a local-area council (lokalråd or lokalforum).
type Council struct {
	ID   string
	Name string // "Jyderup Lokalråd"
	Area string // the local area, "Jyderup"
	// AnnualGrant is the municipality's fixed yearly grant, in øre.
	AnnualGrant int64
	// Quorum is how many board members must be present for the board to
	// be beslutningsdygtig; 0 means more than half the board (QuorumOf).
	Quorum int
}

// Role is a member's place on the board.
type Role string

// The roles of a board, in the order they are listed.
const (
	RoleChair      Role = "formand"
	RoleViceChair  Role = "naestformand"
	RoleTreasurer  Role = "kasserer"
	RoleSecretary  Role = "sekretaer"
	RoleMember     Role = "medlem"
	RoleSubstitute Role = "suppleant"
)

// Roles lists every role in board order.
var Roles = []Role{RoleChair, RoleViceChair, RoleTreasurer, RoleSecretary, RoleMember, RoleSubstitute}

// Member is a person on the council's board.
type Member struct {
	ID        string
	CouncilID string
	Name      string
	Role      Role
	// Contact marks the council's contact person for the municipality.
	Contact   bool
	TermStart time.Time // date; zero when unknown
	TermEnd   time.Time // date; zero when unknown
	Phone     string
	Email     string
}

// MeetingKind is the kind of a meeting.
type MeetingKind string

// The kinds of meetings a council holds.
const (
	MeetingBoard    MeetingKind = "bestyrelsesmoede"
	MeetingCitizens MeetingKind = "borgermoede"
	MeetingAGM      MeetingKind = "generalforsamling"
	MeetingDialogue MeetingKind = "dialogmoede"
)

// MeetingKinds lists every kind of meeting.
var MeetingKinds = []MeetingKind{MeetingBoard, MeetingCitizens, MeetingAGM, MeetingDialogue}

// MeetingStatus is where a meeting is in its life: planned, held, and with
// its minutes approved (after which they are locked).
type MeetingStatus string

// The statuses of a meeting.
const (
	MeetingPlanned  MeetingStatus = "planlagt"
	MeetingHeld     MeetingStatus = "afholdt"
	MeetingApproved MeetingStatus = "godkendt"
)

// MeetingStatuses lists every meeting status in order.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingHeld, MeetingApproved}

// Meeting is one meeting of a council.
type Meeting struct {
	ID        string
	CouncilID string
	Kind      MeetingKind
	Title     string
	Start     time.Time // UTC
	Place     string
	Status    MeetingStatus
	// Attendees (til stede), Apologies (afbud), Absent (fraværende) and
	// Guests (gæster, not on the board) hold one name a line.
	Attendees  string
	Apologies  string
	Absent     string
	Guests     string
	ApprovedAt time.Time // when the minutes were approved; zero until then
	// ApprovedBy names who approved the minutes (a member, or a typed
	// name); ApprovedIn is the id of the meeting at which they were
	// approved, "" when not said.
	ApprovedBy string
	ApprovedIn string
}

// ItemKind says what the council is asked to do with an agenda item.
type ItemKind string

// The kinds of agenda items.
const (
	ItemInformation ItemKind = "orientering"
	ItemDiscussion  ItemKind = "droeftelse"
	ItemDecision    ItemKind = "beslutning"
)

// ItemKinds lists every kind of agenda item.
var ItemKinds = []ItemKind{ItemInformation, ItemDiscussion, ItemDecision}

// AgendaItem is a numbered point on a meeting's agenda, with its minutes.
type AgendaItem struct {
	ID         string
	CouncilID  string
	MeetingID  string
	Position   int // 1, 2, 3, … on the agenda
	Title      string
	Kind       ItemKind
	Minutes    int    // planned duration in minutes
	Background string // sagsfremstilling
	Notes      string // the minutes (referat) of the item
	Decision   string // beslutning
}

// ActionItem is an agreed task: who does what by when.
type ActionItem struct {
	ID           string
	CouncilID    string
	MeetingID    string // the meeting it was agreed at; may be empty
	AgendaItemID string // the item it came from; may be empty
	Who          string
	What         string
	Due          time.Time // date; zero when open-ended
	Done         bool
	DoneAt       time.Time // when it was marked done
}

// ProjectStatus is where a project is: idea, planning, funding applied for,
// running, and finally completed or abandoned.
type ProjectStatus string

// The statuses of a project.
const (
	ProjectIdea      ProjectStatus = "ide"
	ProjectPlanning  ProjectStatus = "planlaegning"
	ProjectApplied   ProjectStatus = "soegt"
	ProjectRunning   ProjectStatus = "igang"
	ProjectDone      ProjectStatus = "afsluttet"
	ProjectAbandoned ProjectStatus = "opgivet"
)

// ProjectStatuses lists every project status in order.
var ProjectStatuses = []ProjectStatus{ProjectIdea, ProjectPlanning, ProjectApplied, ProjectRunning, ProjectDone, ProjectAbandoned}

// Project is something the council works to make happen.
type Project struct {
	ID            string
	CouncilID     string
	Title         string
	Description   string
	Status        ProjectStatus
	ResponsibleID string // a Member; may be empty
	WorkingGroup  string // names, one a line
	Start         time.Time
	End           time.Time
	Progress      int // per cent, 0–100
}

// LineKind says whether a budget line is a cost or the council's own money.
type LineKind string

// The kinds of budget lines.
const (
	LineExpense LineKind = "udgift"
	LineOwn     LineKind = "egenfinansiering"
)

// BudgetLine is one line of a project's budget.
type BudgetLine struct {
	ID        string
	CouncilID string
	ProjectID string
	Text      string
	Kind      LineKind
	Amount    int64 // øre
}

// ApplicationStatus is where a funding application is.
type ApplicationStatus string

// The statuses of a funding application.
const (
	ApplicationDraft    ApplicationStatus = "udkast"
	ApplicationSent     ApplicationStatus = "sendt"
	ApplicationGranted  ApplicationStatus = "bevilget"
	ApplicationPartly   ApplicationStatus = "delvist"
	ApplicationRejected ApplicationStatus = "afslag"
)

// ApplicationStatuses lists every application status in order.
var ApplicationStatuses = []ApplicationStatus{ApplicationDraft, ApplicationSent, ApplicationGranted, ApplicationPartly, ApplicationRejected}

// FundingApplication is an application to a pool or foundation for a project.
type FundingApplication struct {
	ID        string
	CouncilID string
	ProjectID string
	Pool      string // "Lokalområdernes Udviklingspulje", or a foundation typed in
	// PoolID is the municipality's pool picked (its rules apply); "" for a
	// foundation typed in. Pool keeps the pool's name, also if it is deleted.
	PoolID string
	// RunningCosts: the project leaves running costs to the municipality
	// (which some pools do not fund).
	RunningCosts   bool
	Deadline       time.Time
	Applied        int64 // øre
	Granted        int64 // øre
	Status         ApplicationStatus
	VolunteerHours int
}

// WishStatus is where a budget wish is on its way to the city council.
type WishStatus string

// The statuses of a budget wish.
const (
	WishDraft     WishStatus = "udkast"
	WishReady     WishStatus = "klar"
	WishSubmitted WishStatus = "indsendt"
	WishAnswered  WishStatus = "besvaret"
)

// WishStatuses lists every wish status in order.
var WishStatuses = []WishStatus{WishDraft, WishReady, WishSubmitted, WishAnswered}

// Answer is the municipality's answer to a budget wish.
type Answer string

// The municipality's answers.
const (
	AnswerNone     Answer = ""
	AnswerGranted  Answer = "bevilget"
	AnswerPartly   Answer = "delvist"
	AnswerRejected Answer = "afslag"
	AnswerDeferred Answer = "udskudt"
)

// Answers lists every real answer.
var Answers = []Answer{AnswerGranted, AnswerPartly, AnswerRejected, AnswerDeferred}

// WishCategories are the usual categories of budget wishes. A wish may use
// another text.
var WishCategories = []string{"Veje og stier", "Natur", "Kultur", "Leg og bevægelse", "Trafiksikkerhed", "Fællesskab", "Andet"}

// BudgetWish is a council's wish to the city council for a budget year.
type BudgetWish struct {
	ID            string
	CouncilID     string
	Year          int
	Title         string
	Justification string
	Category      string
	Estimate      int64 // øre
	Rank          int   // 1 is the council's first priority
	Status        WishStatus
	// The municipality's fields.
	Answer     Answer
	AnswerText string
	Granted    int64 // øre
}

// Deadline is a date worth knowing: a pool's deadline, a budget
// consultation, an action item due.
type Deadline struct {
	Date  time.Time
	Title string
	Kind  string // one of the Deadline… kinds, or the municipality's own word
	RefID string
	// Meeting is the kind of a meeting without a title of its own, whose
	// Title is its kind and date in Danish: DeadlineTitle says it in the
	// screens' language.
	Meeting MeetingKind
}

// The kinds of deadlines the Oversigt lists. The municipality's deadlines
// may carry a kind of their own ("Budgethøring", …).
const (
	DeadlineApplication = "ansøgning" // a funding application's; RefID is the project
	DeadlineTask        = "opgave"    // an action item's due date; RefID is the item
	DeadlinePool        = "pulje"     // a pool's application deadline; RefID is the pool
	DeadlineMunicipal   = "frist"     // a municipal deadline without a kind of its own
	DeadlineAccounts    = "regnskab"  // accounts and evaluation due for a pool grant; RefID is the project
)

// SearchHit is one result of a full-text search.
type SearchHit struct {
	Kind      string // "meeting", "item", "project", "wish", "action"
	ID        string // the id of the row found
	MeetingID string // for items and actions: their meeting
	Title     string
	Snippet   string
}

// CouncilData is everything kept about one council: what the workbook
// export and the printed material read from.
type CouncilData struct {
	Council      Council
	Members      []Member
	Meetings     []Meeting // by start
	Items        []AgendaItem
	Actions      []ActionItem
	Projects     []Project
	Lines        []BudgetLine
	Applications []FundingApplication
	Wishes       []BudgetWish
	Attachments  []Attachment // the rows only; the files are kept apart
	YearRules    []YearRule
	Accounts     []AccountEntry
	AccountYears []AccountsYear
	Plans        []PlanData // by year
}

// MeetingItems returns the agenda items of meeting id in agenda order.
func (d *CouncilData) MeetingItems(id string) []AgendaItem {
	var out []AgendaItem
	for _, it := range d.Items {
		if it.MeetingID == id {
			out = append(out, it)
		}
	}
	SortItems(out)
	return out
}

// MeetingActions returns the action items agreed at meeting id.
func (d *CouncilData) MeetingActions(id string) []ActionItem {
	var out []ActionItem
	for _, a := range d.Actions {
		if a.MeetingID == id {
			out = append(out, a)
		}
	}
	SortActions(out)
	return out
}

// PreviousMeeting returns the latest meeting that started before m, and
// false when m is the first.
func (d *CouncilData) PreviousMeeting(m Meeting) (Meeting, bool) {
	return d.previous(m, func(Meeting) bool { return true })
}

// PreviousHeldMeeting returns the latest meeting before m that was held
// (afholdt or godkendt): the one whose minutes m approves. A meeting
// before m still planned (never held, or not yet marked so) has none.
func (d *CouncilData) PreviousHeldMeeting(m Meeting) (Meeting, bool) {
	return d.previous(m, func(x Meeting) bool { return x.Status != MeetingPlanned })
}

func (d *CouncilData) previous(m Meeting, ok func(Meeting) bool) (Meeting, bool) {
	var best Meeting
	found := false
	for _, x := range d.Meetings {
		if x.ID != m.ID && x.Start.Before(m.Start) && ok(x) && (!found || x.Start.After(best.Start)) {
			best, found = x, true
		}
	}
	return best, found
}

// MemberName returns the name of the member with the given id, or "".
func (d *CouncilData) MemberName(id string) string {
	for _, m := range d.Members {
		if m.ID == id {
			return m.Name
		}
	}
	return ""
}

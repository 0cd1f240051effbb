package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormerMember is what an erased person's name becomes, so that decisions
// and minutes stay readable.
const FormerMember = "tidligere medlem"

// mentionAt finds the first whole-word, case-insensitive occurrence of name
// in text at or after byte offset from. It returns -1 when there is none.
func mentionAt(text, name string, from int) (start, end int) {
	if strings.TrimSpace(name) == "" {
		return -1, -1
	}
	lower, lname := strings.ToLower(text), strings.ToLower(name)
	// ToLower can change byte lengths only for a few letters; fall back to
	// an exact search when it did.
	if len(lower) != len(text) || len(lname) != len(name) {
		lower, lname = text, name
	}
	for i := from; i <= len(lower)-len(lname); {
		j := strings.Index(lower[i:], lname)
		if j < 0 {
			return -1, -1
		}
		s, e := i+j, i+j+len(lname)
		before, _ := utf8.DecodeLastRuneInString(text[:s])
		after, _ := utf8.DecodeRuneInString(text[e:])
		if (s == 0 || !isWordRune(before)) && (e == len(text) || !isWordRune(after)) {
			return s, e
		}
		i = s + 1
	}
	return -1, -1
}

// A hyphen binds: "Anne" is not a mention inside "Anne-Mette".
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' }

// Mentions tells whether text names the person, as a whole word and in any
// case.
func Mentions(text, name string) bool {
	s, _ := mentionAt(text, name, 0)
	return s >= 0
}

// Anonymise replaces every whole-word mention of name in text by
// replacement.
func Anonymise(text, name, replacement string) string {
	var b strings.Builder
	pos := 0
	for {
		s, e := mentionAt(text, name, pos)
		if s < 0 {
			break
		}
		b.WriteString(text[pos:s])
		b.WriteString(replacement)
		pos = e
	}
	if pos == 0 {
		return text
	}
	b.WriteString(text[pos:])
	return b.String()
}

// PersonReport is everything a council keeps about one person: what a
// person may ask to see (GDPR art. 15) before asking for it to be erased.
type PersonReport struct {
	Name      string
	Members   []Member     // board records with the name
	Attended  []Meeting    // meetings where the name is among the attendees, guests or who approved
	Apologies []Meeting    // meetings the person sent apologies for or was absent from
	Actions   []ActionItem // action items the person is to do or that name them
	Mentions  []AgendaItem // agenda items whose texts name the person
	Projects  []Project    // projects they are responsible for or that name them
	Wishes    []BudgetWish // budget wishes whose texts name the person
	// Attachments whose file names name the person ("Referat Anne_Brøndum.pdf").
	// What is inside the files is not searched: a person named there is
	// removed by removing the attachment.
	Attachments []Attachment
	// Proposals of citizen budgeting the person handed in (proposer) or
	// whose texts name them (AddProposals).
	Proposals []PBProposal
}

// Empty tells whether nothing is kept about the person.
func (r *PersonReport) Empty() bool {
	return len(r.Members)+len(r.Attended)+len(r.Apologies)+len(r.Actions)+len(r.Mentions)+len(r.Projects)+len(r.Wishes)+len(r.Attachments)+len(r.Proposals) == 0
}

// FindPerson collects from d everything that names the person.
func FindPerson(d *CouncilData, name string) *PersonReport {
	r := &PersonReport{Name: name}
	ids := map[string]bool{}
	for _, m := range d.Members {
		if strings.EqualFold(strings.TrimSpace(m.Name), strings.TrimSpace(name)) {
			r.Members = append(r.Members, m)
			ids[m.ID] = true
		}
	}
	for _, m := range d.Meetings {
		if Mentions(m.Attendees, name) || Mentions(m.Guests, name) || Mentions(m.ApprovedBy, name) {
			r.Attended = append(r.Attended, m)
		}
		if Mentions(m.Apologies, name) || Mentions(m.Absent, name) {
			r.Apologies = append(r.Apologies, m)
		}
	}
	for _, a := range d.Actions {
		if Mentions(a.Who, name) || Mentions(a.What, name) {
			r.Actions = append(r.Actions, a)
		}
	}
	for _, it := range d.Items {
		if Mentions(it.Title, name) || Mentions(it.Background, name) || Mentions(it.Notes, name) || Mentions(it.Decision, name) {
			r.Mentions = append(r.Mentions, it)
		}
	}
	for _, p := range d.Projects {
		if ids[p.ResponsibleID] || Mentions(p.WorkingGroup, name) || Mentions(p.Description, name) {
			r.Projects = append(r.Projects, p)
		}
	}
	for _, w := range d.Wishes {
		if Mentions(w.Justification, name) || Mentions(w.Title, name) {
			r.Wishes = append(r.Wishes, w)
		}
	}
	for _, a := range d.Attachments {
		for _, n := range fileNameForms(name) {
			if Mentions(a.Name, n) {
				r.Attachments = append(r.Attachments, a)
				break
			}
		}
	}
	return r
}

// Proposer tells whether the person handed proposal p in: the proposer's
// name is theirs, or names them ("Anne Brøndum og Ole Berg").
func (r *PersonReport) Proposer(p PBProposal) bool {
	return strings.EqualFold(strings.TrimSpace(p.ProposerName), strings.TrimSpace(r.Name)) || Mentions(p.ProposerName, r.Name)
}

// AddProposals adds to the report the citizen-budgeting proposals the
// person handed in or whose title, description or reason name them.
func (r *PersonReport) AddProposals(ps []PBProposal) {
	for _, p := range ps {
		if r.Proposer(p) || Mentions(p.Title, r.Name) || Mentions(p.Text, r.Name) || Mentions(p.Reason, r.Name) {
			r.Proposals = append(r.Proposals, p)
		}
	}
}

// EraseFromFileName replaces the person's name in a file name, however it
// is written there (see fileNameForms), by FormerMember.
func EraseFromFileName(file, name string) string {
	for _, n := range fileNameForms(name) {
		file = Anonymise(file, n, FormerMember)
	}
	return file
}

// fileNameForms are the ways a name is written in a file name: as it is,
// and with underscores or dots for spaces ("Anne_Brøndum.pdf").
func fileNameForms(name string) []string {
	name = strings.TrimSpace(name)
	forms := []string{name}
	for _, sep := range []string{"_", "."} {
		if f := strings.Join(strings.Fields(name), sep); f != name {
			forms = append(forms, f)
		}
	}
	return forms
}

// Erase returns the report's rows with the person removed: board records
// become "Tidligere medlem" without contact details, and every mention in
// attendance, action items, minutes, decisions and descriptions becomes
// "tidligere medlem", so decisions and minutes stay readable.
func (r *PersonReport) Erase() *PersonReport {
	x := func(s string) string { return Anonymise(s, r.Name, FormerMember) }
	out := &PersonReport{Name: FormerMember}
	for _, m := range r.Members {
		m.Name, m.Phone, m.Email, m.Contact = "Tidligere medlem", "", "", false
		out.Members = append(out.Members, m)
	}
	seen := map[string]bool{}
	for _, m := range append(append([]Meeting{}, r.Attended...), r.Apologies...) {
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		m.Attendees, m.Apologies, m.Absent, m.Guests, m.ApprovedBy = x(m.Attendees), x(m.Apologies), x(m.Absent), x(m.Guests), x(m.ApprovedBy)
		out.Attended = append(out.Attended, m)
	}
	for _, a := range r.Actions {
		a.Who, a.What = x(a.Who), x(a.What)
		out.Actions = append(out.Actions, a)
	}
	for _, it := range r.Mentions {
		it.Title, it.Background, it.Notes, it.Decision = x(it.Title), x(it.Background), x(it.Notes), x(it.Decision)
		out.Mentions = append(out.Mentions, it)
	}
	for _, p := range r.Projects {
		p.WorkingGroup, p.Description = x(p.WorkingGroup), x(p.Description)
		out.Projects = append(out.Projects, p)
	}
	for _, w := range r.Wishes {
		w.Title, w.Justification = x(w.Title), x(w.Justification)
		out.Wishes = append(out.Wishes, w)
	}
	for _, a := range r.Attachments {
		a.Name = EraseFromFileName(a.Name, r.Name)
		out.Attachments = append(out.Attachments, a)
	}
	for _, p := range r.Proposals {
		// The proposer's name and contact go whole (as a member's do); a
		// proposal that only mentions the person keeps its proposer.
		if r.Proposer(p) {
			p.ProposerName, p.ProposerContact = FormerMemberName, ""
		}
		p.Title, p.Text, p.Reason = x(p.Title), x(p.Text), x(p.Reason)
		out.Proposals = append(out.Proposals, p)
	}
	return out
}

package model

import "errors"

// Publication is what a council chooses to show on its public page at the
// municipality's server (/offentlig/{council}/): off until the council
// switches it on, and then only the parts it picks. Drafts, attendee
// lists and contact data are never public, whatever is picked.
type Publication struct {
	ID        string
	CouncilID string
	Enabled   bool
	Meetings  bool   // upcoming meetings with their agendas (titles), and the calendar feed
	Minutes   bool   // approved minutes (decisions), and their Atom feed
	Plan      bool   // the development plan
	Budget    bool   // citizen budget results: rounds in phase resultat, winners and counts, never proposers
	Intro     string // a few words on the page's top
}

// Validate checks the publication.
func (p *Publication) Validate() error {
	return errors.Join(checkText("intro", p.Intro, false, MaxLong))
}

func init() {
	if _, ok := danishFields["intro"]; !ok {
		danishFields["intro"] = "indledning"
	}
}

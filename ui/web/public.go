package web

// The public page of a council (/offentlig/{council}/), served only when
// the council switched it on in the app (model.Publication), with what it
// picked: upcoming meetings with their agendas, approved minutes (never
// drafts, never attendee lists or contact data), the development plan, an
// iCalendar feed of the meetings and an Atom feed of the approved minutes.
// Anything else, and any council that has not published, is 404.

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
	"lokalraad/model/ical"
	"lokalraad/storage"
)

type publicMeeting struct {
	Meeting model.Meeting
	Title   string
	Items   []model.AgendaItem
}

type publicData struct {
	Council  model.Council
	Pub      model.Publication
	Upcoming []publicMeeting
	Minutes  []publicMeeting
	Plan     *model.PlanData
	Areas    map[string]string
	Projects map[string]string
	Rounds   []publicRound
}

// publicRound is a citizen budget round's published result: the winners
// and the counts, never a proposer or a ballot.
type publicRound struct {
	Title, Method, Pot, Cost, Left, Turnout string
	Winners                                 []publicWinner
	Ballots, Valid                          int
	Override                                string // the reason of a result changed by hand
}

type publicWinner struct {
	Number      int
	Title, Cost string
	Votes       int64
}

// public reads what the council published, or false (404).
func (s *Server) public(ctx context.Context, id string) (*publicData, *model.CouncilData, bool, error) {
	pub, err := s.db.Publication(ctx, id)
	if err != nil || !pub.Enabled {
		return nil, nil, false, err
	}
	d, err := s.db.CouncilData(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	now := s.Now()
	p := &publicData{Council: d.Council, Pub: pub, Areas: map[string]string{}, Projects: map[string]string{}}
	for _, m := range d.Meetings {
		pm := publicMeeting{Meeting: m, Title: model.MeetingTitle(m, model.Danish), Items: d.MeetingItems(m.ID)}
		if pub.Meetings && !m.Start.Before(now) {
			p.Upcoming = append(p.Upcoming, pm)
		}
		// Only approved minutes: a draft is never public.
		if pub.Minutes && m.Status == model.MeetingApproved {
			p.Minutes = append(p.Minutes, pm)
		}
	}
	slices.Reverse(p.Minutes) // newest first
	if pub.Plan {
		year := now.In(model.Copenhagen).Year()
		for i := range d.Plans {
			if d.Plans[i].Plan.Year <= year {
				p.Plan = &d.Plans[i]
			}
		}
		if p.Plan != nil {
			for _, f := range p.Plan.Focus {
				p.Areas[f.ID] = f.Title
			}
		}
		for _, pr := range d.Projects {
			p.Projects[pr.ID] = pr.Title
		}
	}
	if pub.Budget {
		if p.Rounds, err = s.publicRounds(ctx, id); err != nil {
			return nil, nil, false, err
		}
	}
	return p, d, true, nil
}

// publicRounds are the council's rounds whose result is published (phase
// resultat) and final (no ballots the two counters differ on), newest
// first.
func (s *Server) publicRounds(ctx context.Context, council string) ([]publicRound, error) {
	rounds, err := s.db.PBRounds(ctx, council)
	if err != nil {
		return nil, err
	}
	var out []publicRound
	for _, r := range rounds {
		if r.Phase != model.PhaseResult {
			continue
		}
		d, err := s.db.PBRoundData(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		res, err := d.Result()
		if err != nil {
			s.log.Warn("public round not counted", "round", r.ID, "err", err)
			continue
		}
		if res.Pending {
			continue
		}
		pr := publicRound{Title: r.Title, Method: model.MethodLabel(r.Method, model.Danish), Pot: model.Kroner(r.Pot),
			Cost: model.Kroner(res.Cost), Left: model.Kroner(res.Left), Ballots: res.Tally.Turnout, Valid: len(res.Tally.Valid),
			Turnout: model.TurnoutPercent(res.Tally.Turnout, r.Population)}
		if res.Overridden {
			pr.Override = res.Reason
		}
		for _, w := range res.Winners {
			pr.Winners = append(pr.Winners, publicWinner{Number: w.Number, Title: w.Title, Cost: model.Kroner(w.VoteCost()), Votes: res.Tally.Votes[w.Number]})
		}
		out = append(out, pr)
	}
	return out, nil
}

func (s *Server) publicPage(w http.ResponseWriter, r *http.Request) {
	p, _, ok, err := s.public(r.Context(), r.PathValue("council"))
	if err != nil {
		s.log.Error("public", "err", err)
		http.Error(w, "Siden kunne ikke læses.", http.StatusInternalServerError)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.render(w, http.StatusOK, "offentlig.html", p)
}

// publicCalendar is the council's meetings as iCalendar: titles, times,
// places and agenda titles only.
func (s *Server) publicCalendar(w http.ResponseWriter, r *http.Request) {
	p, d, ok, err := s.public(r.Context(), r.PathValue("council"))
	if err != nil || !ok || !p.Pub.Meetings {
		http.NotFound(w, r)
		return
	}
	cal := &model.CouncilData{Council: d.Council}
	for _, m := range d.Meetings {
		cal.Meetings = append(cal.Meetings, model.Meeting{ID: m.ID, CouncilID: m.CouncilID, Kind: m.Kind, Title: m.Title, Start: m.Start, Place: m.Place})
	}
	for _, it := range d.Items {
		cal.Items = append(cal.Items, model.AgendaItem{ID: it.ID, MeetingID: it.MeetingID, Position: it.Position, Title: it.Title, Minutes: it.Minutes})
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal, ical.Options{Now: s.Now()}); err != nil {
		http.Error(w, "Kalenderen kunne ikke laves.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Content atomContent `xml:"content"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// publicMinutes is an Atom feed of the approved minutes, newest first:
// each item's title and decision.
func (s *Server) publicMinutes(w http.ResponseWriter, r *http.Request) {
	p, _, ok, err := s.public(r.Context(), r.PathValue("council"))
	if err != nil || !ok || !p.Pub.Minutes {
		http.NotFound(w, r)
		return
	}
	f := atomFeed{Title: "Referater – " + p.Council.Name, ID: "urn:lokalraad:council:" + p.Council.ID + ":minutes",
		Author: atomAuthor{Name: p.Council.Name}, Link: atomLink{Href: "/offentlig/" + p.Council.ID + "/"}}
	updated := time.Time{}
	for _, m := range p.Minutes {
		var b strings.Builder
		for i, it := range m.Items {
			b.WriteString(strconv.Itoa(i+1) + ". " + it.Title + "\n")
			if d := strings.TrimSpace(it.Decision); d != "" {
				b.WriteString("Beslutning: " + d + "\n")
			}
		}
		at := m.Meeting.ApprovedAt
		if at.IsZero() {
			at = m.Meeting.Start
		}
		if at.After(updated) {
			updated = at
		}
		f.Entries = append(f.Entries, atomEntry{Title: "Referat: " + m.Title, ID: "urn:lokalraad:meeting:" + m.Meeting.ID,
			Updated: at.UTC().Format(time.RFC3339), Content: atomContent{Type: "text", Body: b.String()}})
	}
	if updated.IsZero() {
		updated = s.Now()
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	_ = enc.Encode(f)
}

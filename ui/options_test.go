package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// A select offers the Danish labels of its values, in the model's order,
// and what a user picks is stored as the value, not the label.
func TestSelectsShowDanishAndStoreTheValue(t *testing.T) {
	u, db, cid := withCouncil(t)

	// Members: the roles.
	u.tabs.SelectIndex(4)
	test.Tap(u.members.newBtn)
	me := u.members.editor
	wantRoles := []string{}
	for _, r := range model.Roles {
		wantRoles = append(wantRoles, model.Label(r, model.Danish))
	}
	if !slices.Equal(me.role.Options, wantRoles) {
		t.Errorf("role choices %q, want %q", me.role.Options, wantRoles)
	}
	retype(me.name, "Karen Østergaard")
	me.role.SetSelected("Kasserer")
	u.saver.flush()
	ms := noerr.Get(db.Members(t.Context(), cid))(t)
	if len(ms) != 1 || ms[0].Role != model.RoleTreasurer {
		t.Errorf("stored members %+v, want one treasurer", ms)
	}

	// Meetings: the kind.
	ed := newMeeting(t, u)
	if !slices.Contains(ed.kind.Options, "Borgermøde") || slices.Contains(ed.kind.Options, string(model.MeetingCitizens)) {
		t.Errorf("meeting kinds %q: want the Danish labels, not the stored values", ed.kind.Options)
	}
	ed.kind.SetSelected("Borgermøde")
	u.saver.flush()
	if m := noerr.Get(db.Meeting(t.Context(), ed.m.ID))(t); m.Kind != model.MeetingCitizens {
		t.Errorf("stored kind %q, want %q", m.Kind, model.MeetingCitizens)
	}

	// Budget wishes: the status.
	u.tabs.SelectIndex(3)
	test.Tap(u.wishes.newBtn)
	we := u.wishes.editor
	if we.status.Selected != "Udkast" {
		t.Errorf("a new wish shows status %q, want Udkast", we.status.Selected)
	}
	retype(we.title, "Ny sti til skolen")
	we.status.SetSelected("Klar")
	u.saver.flush()
	ws := noerr.Get(db.BudgetWishes(t.Context(), cid, 0))(t)
	if len(ws) != 1 || ws[0].Status != model.WishReady {
		t.Errorf("stored wishes %+v, want one ready", ws)
	}
}

// options give a label for each value and the value of each label, in the
// language the screens are in; a label of no value gives none.
func TestOptionsBothWays(t *testing.T) {
	defer func() {
		if err := SetupLanguage("da"); err != nil {
			t.Error(err)
		}
	}()
	for _, lng := range []string{"da", "en"} {
		if err := SetupLanguage(lng); err != nil {
			t.Fatal(err)
		}
		for _, p := range model.Presences {
			l := presences.labelOf(p)
			if l == "" {
				t.Errorf("%s: no label for presence %q", lng, p)
			}
			if got, ok := presences.valueOf(l); !ok || got != p {
				t.Errorf("%s: label %q gives %q, %v; want %q", lng, l, got, ok, p)
			}
		}
		if ls := presences.labels(); len(ls) != len(model.Presences) || len(slices.Compact(slices.Clone(ls))) != len(ls) {
			t.Errorf("%s: presence labels %q are not one each", lng, ls)
		}
	}
	if got := presences.labels()[1]; got != "Apologies" {
		t.Errorf("English apology label %q", got)
	}
	if _, ok := wishStatuses.valueOf("Klar"); ok {
		t.Error("a Danish label gave a value while the screens are in English")
	}
	if got := presences.labelOf(model.PresenceUnknown); got != "" {
		t.Errorf("unmarked presence shown as %q", got)
	}
}

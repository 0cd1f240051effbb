package model

import (
	"strings"
	"testing"
	"time"
)

func TestQuorumOf(t *testing.T) {
	at := time.Date(2027, 1, 12, 18, 30, 0, 0, time.UTC)
	board := func(names ...string) []Member {
		var out []Member
		for i, n := range names {
			out = append(out, Member{ID: string(rune('a' + i)), Name: n, Role: RoleMember})
		}
		return out
	}
	seven := board("Anne-Mette Brøndum", "Karen Østergaard", "Søren Ærø", "Jens Hansen", "Ida Holm", "Peter Lund", "Lis Berg")
	withSub := append(board("A", "B", "C", "D"), Member{ID: "s", Name: "Suppleant Sam", Role: RoleSubstitute})
	termed := append(board("A", "B", "C"), Member{ID: "old", Name: "Gammel", Role: RoleMember, TermEnd: day(2026, 3, 1)},
		Member{ID: "new", Name: "Ny", Role: RoleMember, TermStart: day(2027, 3, 1)})
	tests := []struct {
		name    string
		council Council
		members []Member
		present string
		want    Quorum
		ok      bool
	}{
		{"no board, no quorum", Council{}, nil, "Someone", Quorum{0, 0, 1}, false},
		{"4 of 7 is more than half", Council{}, seven, "Anne-Mette Brøndum\nKaren Østergaard\nSøren Ærø\nJens Hansen", Quorum{7, 4, 4}, true},
		{"3 of 7 is not", Council{}, seven, "Anne-Mette Brøndum\nKaren Østergaard\nSøren Ærø", Quorum{7, 3, 4}, false},
		{"half of an even board is not more than half", Council{}, board("A", "B", "C", "D"), "A\nB", Quorum{4, 2, 3}, false},
		{"names match in any case and with spaces", Council{}, board("A", "B", "C"), "  a \nb", Quorum{3, 2, 2}, true},
		{"a suppleant present does not count", Council{}, withSub, "A\nSuppleant Sam\nB", Quorum{4, 2, 3}, false},
		{"a guest's name on the list does not count", Council{}, board("A", "B", "C"), "A\nGæst Gustav", Quorum{3, 1, 2}, false},
		{"the council's own rule", Council{Quorum: 2}, seven, "Ida Holm\nLis Berg", Quorum{7, 2, 2}, true},
		{"members out of their term are not on the board", Council{}, termed, "A\nGammel\nNy", Quorum{3, 1, 2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := QuorumOf(tc.council, tc.members, Meeting{Start: at, Attendees: tc.present})
			if q != tc.want || q.OK() != tc.ok {
				t.Errorf("QuorumOf = %+v ok=%v, want %+v ok=%v", q, q.OK(), tc.want, tc.ok)
			}
		})
	}
}

func TestQuorumText(t *testing.T) {
	if got := QuorumText(Quorum{7, 4, 4}, Danish); got != "Beslutningsdygtig: 4 af 7 i bestyrelsen til stede (mindst 4)" {
		t.Error(got)
	}
	if got := QuorumText(Quorum{7, 3, 4}, Danish); !strings.HasPrefix(got, "Ikke beslutningsdygtig") {
		t.Error(got)
	}
}

func TestSetPresence(t *testing.T) {
	tests := []struct {
		name                  string
		m                     Meeting
		who                   string
		p                     Presence
		attendees, apol, abs_ string
	}{
		{"first name", Meeting{}, "Karen", Present, "Karen", "", ""},
		{"moves between lists keeping the others", Meeting{Attendees: "Anne\nKaren\nBo", Apologies: "Ib"}, "karen", Apology, "Anne\nBo", "Ib\nKaren", ""},
		{"a new spelling keeps the listed one", Meeting{Attendees: "Karen"}, "KAREN", AbsentP, "", "", "Karen"},
		{"unknown takes it off", Meeting{Absent: "Karen"}, "Karen", PresenceUnknown, "", "", ""},
		{"typed text around stays", Meeting{Attendees: "Anne (kom 19:45)\nKaren"}, "Karen", AbsentP, "Anne (kom 19:45)", "", "Karen"},
		{"marked twice stays once", Meeting{Attendees: "Karen"}, "Karen", Present, "Karen", "", ""},
		{"empty name changes nothing", Meeting{Attendees: "Karen"}, "  ", Apology, "Karen", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			SetPresence(&m, tc.who, tc.p)
			if m.Attendees != tc.attendees || m.Apologies != tc.apol || m.Absent != tc.abs_ {
				t.Errorf("got %q %q %q", m.Attendees, m.Apologies, m.Absent)
			}
			if tc.who != "  " && PresenceOf(m, tc.who) != tc.p {
				t.Errorf("PresenceOf = %q", PresenceOf(m, tc.who))
			}
		})
	}
}

func TestAttendanceListBoardFirstThenOthers(t *testing.T) {
	ms := []Member{{ID: "1", Name: "Bo", Role: RoleMember}, {ID: "2", Name: "Sam", Role: RoleSubstitute}, {ID: "3", Name: "Karen", Role: RoleChair}}
	l := AttendanceList(Meeting{Start: day(2027, 1, 1), Attendees: "Bo\nTidligere medlem", Apologies: "Karen"}, ms)
	var got []string
	for _, a := range l {
		got = append(got, a.Name+":"+string(a.Presence))
	}
	want := "Karen:afbud Bo:til_stede Sam: Tidligere medlem:til_stede"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestApprovalTexts(t *testing.T) {
	m := Meeting{ID: "m", Kind: MeetingBoard, Start: time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC), Status: MeetingApproved,
		ApprovedAt: time.Date(2027, 1, 12, 20, 0, 0, 0, time.UTC), ApprovedBy: "Karen Østergaard"}
	at := Meeting{ID: "n", Kind: MeetingBoard, Start: time.Date(2027, 1, 12, 18, 30, 0, 0, time.UTC)}
	if got := ApprovalText(m, at, Danish); got != "Godkendt 12.01.2027 på mødet Bestyrelsesmøde 12.01.2027 af Karen Østergaard" {
		t.Error(got)
	}
	if got := ApprovalText(m, Meeting{}, Danish); got != "Godkendt 12.01.2027 af Karen Østergaard" {
		t.Error(got)
	}
	if got := ApprovalText(m, at, English); got != "Approved 12.01.2027 at the meeting Board meeting 12.01.2027 by Karen Østergaard" {
		t.Error(got)
	}
	if got := ApprovalText(m, Meeting{}, English); got != "Approved 12.01.2027 by Karen Østergaard" {
		t.Error(got)
	}
	if got := ApprovalText(Meeting{Status: MeetingHeld}, at, Danish); got != "" {
		t.Error("a held meeting has no banner:", got)
	}
	d := RecordApproval("Godkendt uden bemærkninger.", m)
	if d != "Godkendt uden bemærkninger.\nReferatet af mødet Bestyrelsesmøde 01.12.2026 blev godkendt (Karen Østergaard)." {
		t.Error(d)
	}
	if RecordApproval(d, m) != d {
		t.Error("recorded twice")
	}
	if it, ok := ApprovalItem([]AgendaItem{{Title: "Eventuelt"}, {Title: "godkendelse af referat fra sidste møde"}}); !ok || it.Title != "godkendelse af referat fra sidste møde" {
		t.Error("ApprovalItem", it, ok)
	}
}

func TestTemplateItemsRoundTrip(t *testing.T) {
	items := []TemplateItem{{"Godkendelse af dagsorden", ItemDecision, 5}, {"Trafik på\nHovedgaden | Ø", ItemDiscussion, 30}}
	s := FormatTemplateItems(items)
	got, err := ParseTemplateItems(s)
	if err != nil || len(got) != 2 || got[1].Title != "Trafik på Hovedgaden | Ø" || got[1].Minutes != 30 || got[1].Kind != ItemDiscussion {
		t.Fatalf("%q → %+v %v", s, got, err)
	}
	for _, bad := range []string{"5|beslutning", "x|beslutning|A", "5|ukendt|A", "5|beslutning| ", "-1|beslutning|A", "5|beslutning|" + strings.Repeat("ø", MaxShort+1)} {
		if _, err := ParseTemplateItems(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
		if err := CheckField("agenda_templates", "items", bad); err == nil {
			t.Errorf("CheckField accepted %q", bad)
		}
	}
	tpl := AgendaTemplate{Name: "Tom"}
	if tpl.Validate() == nil {
		t.Error("a template with no items is valid")
	}
	std := StandardTemplates(Danish)
	if len(std) != 2 || std[0].Items[1].Title != ApprovedMinutesItem || std[1].Items[0].Title != "Valg af dirigent" {
		t.Errorf("%+v", std)
	}
}

func TestDecisionsRegister(t *testing.T) {
	d := &CouncilData{
		Meetings: []Meeting{
			{ID: "m1", Kind: MeetingBoard, Start: time.Date(2025, 11, 3, 18, 0, 0, 0, time.UTC)},
			{ID: "m2", Kind: MeetingBoard, Title: "Januarmøde", Start: time.Date(2026, 1, 14, 18, 0, 0, 0, time.UTC)},
		},
		Items: []AgendaItem{
			{ID: "a", MeetingID: "m1", Position: 2, Title: "Shelter ved søen", Decision: "Vi søger Udviklingspuljen."},
			{ID: "b", MeetingID: "m1", Position: 1, Title: "Dagsorden", Decision: "Godkendt."},
			{ID: "c", MeetingID: "m2", Position: 1, Title: "Økonomi", Decision: "Kassereren laver budget for Shelter ved søen."},
			{ID: "d", MeetingID: "m2", Position: 2, Title: "Eventuelt", Decision: "  "},
			{ID: "e", MeetingID: "gone", Position: 1, Title: "Forældreløs", Decision: "x"},
		},
	}
	ds := Decisions(d, Danish)
	var ids []string
	for _, x := range ds {
		ids = append(ids, x.ItemID)
	}
	if strings.Join(ids, ",") != "c,b,a" {
		t.Fatalf("order %v", ids)
	}
	if ds[0].Meeting != "Januarmøde" || ds[1].Meeting != "Bestyrelsesmøde 03.11.2025" {
		t.Errorf("%+v", ds)
	}
	tests := []struct {
		f    DecisionFilter
		want string
	}{
		{DecisionFilter{}, "c,b,a"},
		{DecisionFilter{Year: 2025}, "b,a"},
		{DecisionFilter{Query: "UDVIKLINGS puljen"}, "a"},
		{DecisionFilter{Query: "cykelsti"}, ""},
		{DecisionFilter{Query: "udviklingspuljen søen"}, "a"},
		{DecisionFilter{Query: "03.11.2025"}, "b,a"},
		{DecisionFilter{Project: "Shelter ved søen"}, "c,a"},
		{DecisionFilter{Project: "Shelter ved søen", Year: 2026}, "c"},
	}
	for _, tc := range tests {
		var got []string
		for _, x := range tc.f.Filter(ds) {
			got = append(got, x.ItemID)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%+v: got %v, want %s", tc.f, got, tc.want)
		}
	}
	if ys := DecisionYears(ds); len(ys) != 2 || ys[0] != 2026 {
		t.Error(ys)
	}
}

func TestSortHitsByDate(t *testing.T) {
	dates := map[string]time.Time{"old": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "new": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	hits := []SearchHit{{Kind: "project", ID: "p"}, {Kind: "item", ID: "i", MeetingID: "old"}, {Kind: "wish", ID: "w"}, {Kind: "meeting", ID: "new"}, {Kind: "action", ID: "a", MeetingID: "gone"}}
	SortHitsByDate(hits, dates)
	var got []string
	for _, h := range hits {
		got = append(got, h.ID)
	}
	if strings.Join(got, ",") != "new,i,p,w,a" {
		t.Errorf("order %v", got)
	}
}

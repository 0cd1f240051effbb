package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"lokalraad/model"
	"lokalraad/storage/exchange"
)

// A sync that brings only members reads the members again and leaves the
// meetings screen as it is; a sync that brings a meeting reads that again.
// (A meeting stored behind the screens' back shows which was read.)
func TestSyncRefreshesOnlyWhatChanged(t *testing.T) {
	hub := newTestHub(t)
	council := hub.council(t, "Jyderup Lokalråd")
	ctx := context.Background()
	mine := hub.laptop(t, council)
	other := hub.laptop(t, council)

	u := newTestUI(t, mine)
	stopSync(t, u)
	if len(u.meetings.items) != 0 || len(u.members.items) != 0 {
		t.Fatalf("a new council shows %d meetings, %d members", len(u.meetings.items), len(u.members.items))
	}
	behind := model.Meeting{CouncilID: council, Kind: model.MeetingBoard, Status: model.MeetingPlanned, Title: "Stored behind the screen", Start: mustDate(t, "26.11.2026")}
	ok(t, mine.SaveMeeting(model.Meeting{}, &behind))

	m := model.Member{CouncilID: council, Name: "Karen Østergaard", Role: model.RoleChair}
	ok(t, other.SaveMember(model.Member{}, &m))
	_, err := exchange.NewClient().Sync(ctx, other, "")
	ok(t, err)
	test.Tap(u.sync.nowBtn)
	eventually(t, "the other laptop's member on the members screen", func() bool {
		return len(u.members.items) == 1 && u.members.items[0].Name == "Karen Østergaard"
	})
	if len(u.meetings.items) != 0 {
		t.Errorf("a sync of members only read the meetings again: %+v", u.meetings.items)
	}

	theirs := model.Meeting{CouncilID: council, Kind: model.MeetingCitizens, Status: model.MeetingPlanned, Title: "Borgermøde om stien", Start: mustDate(t, "03.12.2026")}
	ok(t, other.SaveMeeting(model.Meeting{}, &theirs))
	_, err = exchange.NewClient().Sync(ctx, other, "")
	ok(t, err)
	eventually(t, "the sync button free again", func() bool { return !u.sync.nowBtn.Disabled() })
	test.Tap(u.sync.nowBtn)
	eventually(t, "both meetings on the meetings screen after a sync that brought one", func() bool {
		return len(u.meetings.items) == 2
	})
}

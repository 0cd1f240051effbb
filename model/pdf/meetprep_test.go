package pdf

import (
	"testing"
	"time"

	"lokalraad/model"
)

// The minutes name the absent and the guests, say whether the board was
// quorate, and, once approved, who approved them and at which meeting.
func TestMinutesAttendanceQuorumAndApprover(t *testing.T) {
	d := fixture()
	d.Meetings[1].Absent = "Mette Bødker"
	d.Meetings[1].Apologies = "Jens Østergaard"
	d.Meetings[1].Guests = "Borgmester Bo Ibsen"
	got := text(t, encode(t, Minutes, d, "nov", o))
	contains(t, "minutes", got, "Fraværende", "Mette Bødker", "Gæster", "Borgmester Bo Ibsen",
		"Beslutningsdygtig: 4 af 5 i bestyrelsen til stede (mindst 3)")

	d.Meetings[1].Attendees = "Łukasz Nowak\nJens Østergaard" // a suppleant does not count
	got = text(t, encode(t, Minutes, d, "nov", o))
	contains(t, "minutes", got, "Ikke beslutningsdygtig: 1 af 5 i bestyrelsen til stede (mindst 3)")

	d.Meetings = append(d.Meetings, model.Meeting{ID: "dec", CouncilID: "c1", Kind: model.MeetingBoard, Start: at(2026, time.December, 10, 19, 0)})
	d.Meetings[1].Status, d.Meetings[1].ApprovedAt = model.MeetingApproved, at(2026, time.December, 10, 20, 0)
	d.Meetings[1].ApprovedBy, d.Meetings[1].ApprovedIn = "Łukasz Nowak", "dec"
	got = text(t, encode(t, Minutes, d, "nov", o))
	contains(t, "approved minutes", got, "Godkendt 10.12.2026 på mødet Bestyrelsesmøde 10.12.2026 af Łukasz Nowak")
}

// The attendance list states the quorum rule, and once attendance is
// marked, each member's attendance and the guests by name.
func TestAttendanceListQuorum(t *testing.T) {
	d := fixture()
	d.Council.Quorum = 4
	d.Meetings[1].Attendees, d.Meetings[1].Apologies, d.Meetings[1].Absent, d.Meetings[1].Guests = "Łukasz Nowak", "Şule Yılmaz", "Ődön Kovács", "Anne-Mette Brøndum"
	got := text(t, encode(t, Attendance, d, "nov", o))
	contains(t, "attendance", got, "Bestyrelsen er beslutningsdygtig, når mindst 4 af dens 5 medlemmer er til stede.",
		"Ikke beslutningsdygtig: 1 af 5", "Fremmøde", "Til stede", "Afbud", "Fraværende", "Anne-Mette Brøndum")
	d.Meetings[1].Attendees, d.Meetings[1].Apologies, d.Meetings[1].Absent = "", "", ""
	blank := text(t, encode(t, Attendance, d, "nov", o))
	contains(t, "blank attendance", blank, "mindst 4 af dens 5")
	lacks(t, "blank attendance", blank, "Fremmøde", "Ikke beslutningsdygtig")
}

// Approved minutes say once, under Godkendelse, when and by whom: the
// block said »Referatet er godkendt 4. december 2026.« and under it
// »Godkendt 04.12.2026 af Karen Østergaard«, the same approval twice in two
// date formats.
func TestApprovalSaidOnce(t *testing.T) {
	d := fixture()
	d.Meetings[1].Status, d.Meetings[1].ApprovedAt = model.MeetingApproved, at(2026, time.December, 4, 20, 0)
	d.Meetings[1].ApprovedBy = "Karen Østergaard"
	got := text(t, encode(t, Minutes, d, "nov", o))
	contains(t, "approved minutes", got, "Godkendt 04.12.2026 af Karen Østergaard")
	lacks(t, "approved minutes", got, "Referatet er godkendt")
}

// The packet prints the previous meeting's minutes for approval: they must
// say what the minutes say about who was there, the absent and the
// guests included (the packet left both out, so the minutes the board
// approves were not the minutes kept).
func TestPacketPreviousMinutesNameAbsentAndGuests(t *testing.T) {
	d := fixture()
	d.Meetings[0].Absent = "Mette Bødker"
	d.Meetings[0].Guests = "Borgmester Bo Ibsen"
	got := text(t, encode(t, Packet, d, "nov", o))
	contains(t, "packet", got, "Referat af forrige møde til godkendelse", "Fraværende", "Mette Bødker", "Gæster", "Borgmester Bo Ibsen")
}

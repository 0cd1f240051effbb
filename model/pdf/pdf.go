// Package pdf writes a council's printed material as PDF: the meeting packet
// (mødemappe) with its bilag, the chair's copy of it, the minutes
// (referat), the attendance list and a note sheet (pdf.go, meeting.go,
// bilag.go); the budget wishes sent to the municipality (wishes.go); the
// annual accounts with their receipts (accounts.go); the development plan
// (plan.go); the year wheel (yearwheel.go); and citizen budgeting's paper
// ballots and results (borgerbudget.go). builder.go and texts.go are the
// page layout and the words all of them share.
//
// Every document is A4, readable on a black-and-white printer, carries the
// council's name and the document's title at the top of each page and "Side
// x af y" at the bottom, and embeds the DejaVu fonts from package assets so
// that æ ø å and any Latin name (Łukasz, Şule, Ődön) print. The output is
// deterministic: the same data and Options give the same bytes, and
// testdata/golden holds what pdftotext reads from each document.
//
// The words are Danish unless Options.Lang is model.English. gofpdf is used
// only inside this package.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jung-kurt/gofpdf"

	"lokalraad/assets"
	"lokalraad/model"
)

// Options are common to all documents.
type Options struct {
	// Lang is the language of the document: model.Danish (the default when
	// empty) or model.English.
	Lang model.Lang
	// Now is the date printed as "Udskrevet" and the PDF's creation and
	// modification date. A fixed Now gives byte-identical output; the zero
	// time means the current time.
	Now time.Time
	// ContactDetails includes members' phone numbers and e-mail addresses
	// (on the attendance list and the contact person of the budget wishes).
	// Personal data: off by default.
	ContactDetails bool
	// Bilag are the meeting's attachments with their files, in agenda
	// order (storage.MeetingAttachments): the meeting packet and the
	// chair's copy include them after everything else (bilag.go).
	Bilag []Bilag
	// SkipDamaged prints the packet without the PDF and image bilag that
	// cannot be read (listed as not included) instead of refusing it with
	// a DamagedError.
	SkipDamaged bool
}

func (o Options) lang() model.Lang {
	if o.Lang == model.English {
		return model.English
	}
	return model.Danish
}

// ErrNotFound is returned when the meeting id is not in the council's data.
var ErrNotFound = errors.New("pdf: meeting not found")

// meeting finds meeting id in d.
func meeting(d *model.CouncilData, id string) (model.Meeting, error) {
	if d != nil {
		for _, m := range d.Meetings {
			if m.ID == id {
				return m, nil
			}
		}
	}
	return model.Meeting{}, fmt.Errorf("%w: %q", ErrNotFound, id)
}

// Packet writes the meeting packet (mødemappe) of meeting meetingID: a cover
// with a table of contents, the agenda with its time plan and background
// texts, the previous meeting's minutes for approval, the open action items,
// the status of the projects and of the year's budget wishes.
func Packet(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	return packet(w, d, meetingID, o, false)
}

// ChairCopy writes the chair's copy of the meeting packet: the same content,
// with each item's start and end time prominent and ruled room for notes
// after each item.
func ChairCopy(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	return packet(w, d, meetingID, o, true)
}

// Minutes writes the minutes (referat) of meeting meetingID: attendees and
// apologies, each item's notes and decision, the action items agreed at the
// meeting and the approval. Minutes not yet approved say UDKAST (DRAFT) on
// every page.
func Minutes(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	m, err := meeting(d, meetingID)
	if err != nil {
		return err
	}
	return minutes(w, d, m, o)
}

// Wishes writes the council's budget wishes for year, in priority order with
// their total: the document the council sends to the municipality. A year
// without wishes gives a document that says so.
func Wishes(w io.Writer, d *model.CouncilData, year int, o Options) error {
	if d == nil {
		d = &model.CouncilData{}
	}
	return wishes(w, d, year, o)
}

// Attendance writes the attendance list of meeting meetingID: every member
// with a column to sign in, and blank lines for guests.
func Attendance(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	m, err := meeting(d, meetingID)
	if err != nil {
		return err
	}
	return attendance(w, d, m, o)
}

// NoteSheet writes a note sheet for meeting meetingID: ruled lines under
// each agenda item.
func NoteSheet(w io.Writer, d *model.CouncilData, meetingID string, o Options) error {
	m, err := meeting(d, meetingID)
	if err != nil {
		return err
	}
	return noteSheet(w, d, m, o)
}

// Preload parses the fonts the documents embed, once a process, so that
// the first document need not: a command line export calls it in a
// goroutine while it reads the database. Documents never wait for it and
// are the same with or without it.
func Preload() {
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", assets.FontRegular)
	f.AddUTF8FontFromBytes(family, "B", assets.FontBold)
	f.AddUTF8FontFromBytes(family, "I", assets.FontItalic)
}

package storage

// Meeting preparation: approving minutes (recorded in the later meeting's
// minutes), attendance, copying a meeting and agenda templates.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"lokalraad/model"
)

var templatesT = templateD.table

var (
	templateD = describe("agenda_templates", func(t *model.AgendaTemplate) *string { return &t.ID },
		func(t *model.AgendaTemplate) *string { return &t.CouncilID }, nil,
		textCol("name", func(t *model.AgendaTemplate) *string { return &t.Name }),
		agendaCol("items", func(t *model.AgendaTemplate) *[]model.TemplateItem { return &t.Items }),
	)
)

// ErrNotHeld: minutes of a meeting that has not begun cannot be approved.
var ErrNotHeld = error(model.NewError(model.Invalid, "mødet er ikke holdt endnu, så referatet kan ikke godkendes"))

// ApproveMinutes approves the minutes of the meeting loaded (as the editor
// read it) in one transaction: the meeting becomes "godkendt", stamped now,
// with who approved it (by: a member's name or a typed one) and the
// meeting it was approved at (atID, "" when not said). When atID names
// another meeting, that meeting's minutes record the approval under its
// item "Godkendelse af referat" (made, last on its agenda, when it has
// none). Refused when the meeting has not begun, is approved already, or
// atID's own minutes are locked. The stored meeting is returned.
func (db *DB) ApproveMinutes(ctx context.Context, loaded model.Meeting, by, atID string) (model.Meeting, error) {
	by = strings.Join(strings.Fields(by), " ")
	if loaded.ID == "" {
		return model.Meeting{}, ErrNotFound
	}
	now := db.Now().UTC().Truncate(time.Second)
	err := db.write(ctx, func(w *writer) error {
		m, err := meetingD.scan(w.tx.QueryRowContext(w.ctx, meetingsT.selectSQL()+" WHERE id = ?", loaded.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("mødet: %w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		if m.Status == model.MeetingApproved {
			return ErrLocked
		}
		if !m.CanApprove(now) {
			return ErrNotHeld
		}
		m.Status, m.ApprovedAt, m.ApprovedBy, m.ApprovedIn = model.MeetingApproved, now, by, ""
		if atID != "" && atID != m.ID {
			at, err := meetingD.scan(w.tx.QueryRowContext(w.ctx, meetingsT.selectSQL()+" WHERE id = ? AND council_id = ?", atID, m.CouncilID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("mødet, referatet godkendes på: %w", ErrNotFound)
			}
			if err != nil {
				return err
			}
			if at.Status == model.MeetingApproved {
				return fmt.Errorf("referatet af %s er godkendt og låst; genåbn det for at skrive godkendelsen i det: %w", model.MeetingTitle(at, model.Danish), ErrLocked)
			}
			m.ApprovedIn = at.ID
		}
		if err := m.Validate(); err != nil {
			return err
		}
		rec := meetingD.record(&m)
		rec = edited(meetingD.record(&loaded), func() record { return rec })()
		if _, err := w.put(rec); err != nil {
			return err
		}
		if m.ApprovedIn != "" && m.ApprovedIn != m.ID {
			if err := w.recordApproval(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return model.Meeting{}, err
	}
	return db.Meeting(ctx, loaded.ID)
}

// recordApproval writes the approval of m into the minutes of the meeting
// it was approved at.
func (w *writer) recordApproval(m model.Meeting) error {
	items, err := list(w.ctx, w.tx, itemD.scan, itemsT.selectSQL()+" WHERE meeting_id = ? ORDER BY position, id", m.ApprovedIn)
	if err != nil {
		return err
	}
	it, ok := model.ApprovalItem(items)
	loaded := it
	if !ok {
		loaded = model.AgendaItem{}
		it = model.AgendaItem{ID: newID(), CouncilID: m.CouncilID, MeetingID: m.ApprovedIn, Title: model.ApprovedMinutesItem, Kind: model.ItemDecision, Minutes: 5, Position: len(items) + 1}
		for _, x := range items {
			if x.Position >= it.Position {
				it.Position = x.Position + 1
			}
		}
	}
	it.Decision = model.RecordApproval(it.Decision, m)
	if err := it.Validate(); err != nil {
		return err
	}
	_, err = w.put(edited(itemD.record(&loaded), func() record { return itemD.record(&it) })())
	return err
}

// SetPresence marks name present, sent apologies, absent (or unmarked, with
// model.PresenceUnknown) at the meeting loaded, as the editor read it; the
// other names on the lists stay as stored. Approved minutes are refused
// (ErrLocked). The stored meeting is returned.
func (db *DB) SetPresence(ctx context.Context, loaded model.Meeting, name string, p model.Presence) (model.Meeting, error) {
	m := loaded
	model.SetPresence(&m, name, p)
	err := db.SaveMeeting(ctx, loaded, &m)
	if err != nil {
		return model.Meeting{}, err
	}
	return m, nil
}

// AppendAgenda adds items at the end of meeting id's agenda in one
// transaction: their titles, kinds, durations and background, never their
// minutes or decisions. It is how a meeting gets the agenda of an earlier
// meeting (model.CopyAgenda) or of a template (AgendaTemplate.Agenda).
// Approved minutes are refused (ErrLocked).
func (db *DB) AppendAgenda(ctx context.Context, meetingID string, items []model.AgendaItem) error {
	return db.write(ctx, func(w *writer) error {
		var council string
		if err := w.tx.QueryRowContext(w.ctx, "SELECT council_id FROM meetings WHERE id = ?", meetingID).Scan(&council); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("mødet: %w", ErrNotFound)
		} else if err != nil {
			return err
		}
		if err := w.checkUnlocked(meetingID); err != nil {
			return err
		}
		var pos int
		if err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(position), 0) FROM agenda_items WHERE meeting_id = ?", meetingID).Scan(&pos); err != nil {
			return err
		}
		for _, src := range items {
			pos++
			it := model.AgendaItem{ID: newID(), CouncilID: council, MeetingID: meetingID, Position: pos,
				Title: src.Title, Kind: src.Kind, Minutes: src.Minutes, Background: src.Background}
			if err := it.Validate(); err != nil {
				return err
			}
			if _, err := w.put(itemD.record(&it)); err != nil {
				return err
			}
		}
		return nil
	})
}

// AgendaTemplates lists a council's own templates by name.
func (db *DB) AgendaTemplates(ctx context.Context, councilID string) ([]model.AgendaTemplate, error) {
	return list(ctx, db.sql(), templateD.scan, templatesT.selectSQL()+" WHERE council_id = ? ORDER BY name COLLATE NOCASE, id", councilID)
}

// SaveAgendaTemplate creates or updates a council's template.
func (db *DB) SaveAgendaTemplate(ctx context.Context, loaded model.AgendaTemplate, t *model.AgendaTemplate) error {
	return saveRow(ctx, db, templateD, loaded, t, nil)
}

// DeleteAgendaTemplate deletes a template; meetings made from it keep
// their agenda.
func (db *DB) DeleteAgendaTemplate(ctx context.Context, id string) error {
	return db.deleteRow(ctx, templatesT, id)
}

// Decisions is the council's decisions register (model.Decisions).
func (db *DB) Decisions(ctx context.Context, councilID string, l model.Lang) ([]model.Decision, error) {
	ms, err := db.Meetings(ctx, councilID)
	if err != nil {
		return nil, err
	}
	items, err := list(ctx, db.sql(), itemD.scan, itemsT.selectSQL()+" WHERE council_id = ? AND decision <> ''", councilID)
	if err != nil {
		return nil, err
	}
	return model.Decisions(&model.CouncilData{Meetings: ms, Items: items}, l), nil
}

// SearchTotal counts every hit of query in the council (Search returns at
// most its limit), so the screen can say "Viser de første 200 af 213".
func (db *DB) SearchTotal(ctx context.Context, councilID, query string) (int, error) {
	match := ftsWords(councilID, query)
	if match == "" {
		return 0, nil
	}
	total := 0
	for _, s := range searchSources {
		var n int
		if err := db.sql().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+s.fts+" WHERE "+s.fts+" MATCH "+sqlString(match)).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lokalraad/model"
)

// Meta keys of sync state kept for the exchange package (see SyncState).
const (
	// MetaNote keeps the last note about this device's clock or refused
	// changes: "RFC 3339 time" + " " + the note.
	MetaNote = "sync_note"
	// MetaLinked is set while a council made on this computer before
	// enrolment has not finished its first sync.
	MetaLinked = "sync_linked"
)

// SyncState is what this device remembers about its sync with the
// municipality's server, read (DB.SyncState) and written
// (DB.UpdateSyncState) whole, so that no screen or step reads half of it
// or drops an error reading it. The token is kept in the secrets file
// beside the database, everything else in the meta table.
type SyncState struct {
	Server  string // the hub's URL (MetaServer)
	Token   string // registry id and secret, "id.secret" (MetaToken)
	Council string // the council this device syncs, "" for staff (MetaCouncil)
	Staff   bool   // one of the municipality's devices (MetaStaff)
	// Cursor is where this device stands in the hub's numbering
	// (MetaCursor): the text the hub gave with the last page applied
	// (storage.Cursor's form; a plain number from before streams), sent
	// back as it is; ApplyPulledPage moves it with the page it applies.
	Cursor string
	// Acked is this device's seq the hub has acknowledged (MetaAcked);
	// AckOps only raises it.
	Acked int64
	// Last is the time of the last good sync (MetaLast); zero before one.
	Last time.Time
	// Error and ErrorCode are the last sync's error and its code, "" after
	// a good one (MetaError, MetaErrorCode).
	Error     string
	ErrorCode model.Code
	// Refetch is set after a restore: the next pull asks for this device's
	// own ops too (MetaRefetch).
	Refetch bool
	// Note is the last note about this device's clock or refused changes,
	// made at NoteAt (MetaNote), in Danish. NoteData is what it says, for
	// a screen to say in its language; zero for a note an older version
	// stored as text, which Note gives as it is. When NoteData is set it is
	// what is stored, and Note is its Danish.
	Note     string
	NoteData StatusNote
	NoteAt   time.Time
	// Linked is set while a council made here before enrolment has not
	// finished its first sync (MetaLinked).
	Linked bool
}

// Enrolled tells whether the device holds a server and a secret to sync with.
func (s SyncState) Enrolled() bool { return s.Token != "" && s.Server != "" }

// syncKeys are the meta keys SyncState holds (the token is not among
// them: it is in the secrets file).
var syncKeys = []string{MetaServer, MetaCouncil, MetaStaff, MetaCursor, MetaAcked, MetaLast,
	MetaError, MetaErrorCode, MetaRefetch, MetaNote, MetaLinked}

// SyncState reads this device's sync state in one query.
func (db *DB) SyncState(ctx context.Context) (SyncState, error) {
	st, err := readSyncState(ctx, db.sql())
	if err != nil {
		return st, err
	}
	st.Token = db.getToken()
	return st, nil
}

// UpdateSyncState changes this device's sync state in one transaction: f
// gets the state as stored and changes what it will; only the fields it
// changed are written. An error from f writes nothing. The token goes to
// the secrets file before the transaction commits.
func (db *DB) UpdateSyncState(ctx context.Context, f func(*SyncState) error) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := readSyncState(ctx, tx)
		if err != nil {
			return err
		}
		old.Token = db.getToken()
		st := old
		if err := f(&st); err != nil {
			return err
		}
		was, now := old.values(), st.values()
		for _, k := range syncKeys {
			if was[k] != now[k] {
				if err := setMeta(ctx, tx, k, now[k]); err != nil {
					return err
				}
			}
		}
		if st.Token != old.Token {
			return db.setToken(st.Token)
		}
		return nil
	})
}

func readSyncState(ctx context.Context, q querier) (SyncState, error) {
	var st SyncState
	args := make([]any, len(syncKeys))
	for i, k := range syncKeys {
		args[i] = k
	}
	err := eachRow(ctx, q, func(s scanner) error {
		var k, v string
		if err := s.Scan(&k, &v); err != nil {
			return err
		}
		if err := st.set(k, v); err != nil {
			return fmt.Errorf("synkroniseringens tilstand %s=%q: %w", k, v, err)
		}
		return nil
	}, "SELECT key, value FROM meta WHERE key IN (?"+strings.Repeat(", ?", len(syncKeys)-1)+")", args...)
	return st, err
}

// set takes one stored key's value.
func (s *SyncState) set(k, v string) error {
	var err error
	switch k {
	case MetaServer:
		s.Server = v
	case MetaCouncil:
		s.Council = v
	case MetaStaff:
		s.Staff = v != ""
	case MetaCursor:
		// Kept as the hub gave it, but never read past damage: a cursor
		// read as another would pull too much or skip.
		s.Cursor = v
		_, err = ParseCursor(v)
	case MetaAcked:
		s.Acked, err = parseMetaInt(v)
	case MetaLast:
		if v != "" {
			s.Last, err = time.Parse(time.RFC3339, v)
		}
	case MetaError:
		s.Error = v
	case MetaErrorCode:
		s.ErrorCode = model.Code(v)
	case MetaRefetch:
		s.Refetch = v != ""
	case MetaNote:
		if v != "" {
			when, note, _ := strings.Cut(v, " ")
			s.NoteData, s.Note = readNote(note)
			s.NoteAt, err = time.Parse(time.RFC3339, when)
		}
	case MetaLinked:
		s.Linked = v != ""
	}
	return err
}

func parseMetaInt(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// values is the state as stored, key by key ("" for a zero field).
func (s SyncState) values() map[string]string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return ""
	}
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	note := ""
	if s.Note != "" || !s.NoteData.IsZero() || !s.NoteAt.IsZero() {
		note = stamp(s.NoteAt) + " " + storedNote(s.NoteData, s.Note)
	}
	return map[string]string{MetaServer: s.Server, MetaCouncil: s.Council, MetaStaff: flag(s.Staff),
		MetaCursor: s.Cursor, MetaAcked: num(s.Acked), MetaLast: stamp(s.Last), MetaError: s.Error,
		MetaErrorCode: string(s.ErrorCode), MetaRefetch: flag(s.Refetch), MetaNote: note, MetaLinked: flag(s.Linked)}
}

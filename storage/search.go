package storage

import (
	"context"
	"strings"
	"unicode"

	"lokalraad/model"
)

// ftsQuery turns what a user typed into an FTS5 query: every word must
// occur, as a word or the start of one. Quotes and FTS5 operators typed by
// the user are taken as plain text.
func ftsQuery(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}

// searchSources are the full-text indexes, each with how to show a hit.
var searchSources = []struct {
	kind, fts, table, title, meeting string
}{
	{"meeting", "meetings_fts", "meetings", "t.title", "t.id"},
	{"item", "agenda_items_fts", "agenda_items", "t.title", "t.meeting_id"},
	{"action", "action_items_fts", "action_items", "t.what", "t.meeting_id"},
	{"project", "projects_fts", "projects", "t.title", "''"},
	{"wish", "budget_wishes_fts", "budget_wishes", "t.title", "''"},
}

// Search finds meetings, agenda items (titles, background, minutes and
// decisions), action items, projects and budget wishes of a council that
// contain every word of query, best matches first, at most limit hits.
func (db *DB) Search(councilID, query string, limit int) ([]model.SearchHit, error) {
	q := ftsQuery(query)
	if q == "" {
		return nil, nil
	}
	var parts []string
	var args []any
	for _, s := range searchSources {
		parts = append(parts, "SELECT '"+s.kind+"', t.id, "+s.meeting+", "+s.title+", snippet("+s.fts+", -1, '«', '»', '…', 12), bm25("+s.fts+") AS score"+
			" FROM "+s.fts+" JOIN "+s.table+" t ON t.rowid = "+s.fts+".rowid WHERE "+s.fts+" MATCH ? AND t.council_id = ?")
		args = append(args, q, councilID)
	}
	sqlText := strings.Join(parts, " UNION ALL ") + " ORDER BY score LIMIT ?"
	args = append(args, limit)
	return list(context.Background(), db.sql, func(s scanner) (model.SearchHit, error) {
		var h model.SearchHit
		var score float64
		err := s.Scan(&h.Kind, &h.ID, &h.MeetingID, &h.Title, &h.Snippet, &score)
		return h, err
	}, sqlText, args...)
}

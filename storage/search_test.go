package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lokalraad/internal/noerr"
	"lokalraad/model"
	"lokalraad/storage"
)

// Two councils with the same words: each finds its own rows only, however
// many of the other's rows match better.
func TestSearchOnlyChosenCouncil(t *testing.T) {
	db, _ := openTemp(t)
	a := newCouncil(t, db)
	b := model.Council{Name: "Tølløse Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &b))
	mine := map[string]bool{}
	for i, c := range []model.Council{a, b, b, b} {
		m := newMeeting(t, db, c.ID, fixedNow.AddDate(0, i, 0))
		it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Shelter ved søen", Kind: model.ItemDecision,
			Notes: strings.Repeat("shelter ", i+1)}
		must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
		p := model.Project{CouncilID: c.ID, Title: "Shelter", Status: model.ProjectIdea}
		must(t, db.SaveProject(t.Context(), model.Project{}, &p))
		if c.ID == a.ID {
			mine[it.ID], mine[p.ID] = true, true
		}
	}
	for _, limit := range []int{1, 2, 50} {
		hits, err := db.Search(t.Context(), a.ID, "shelter", limit)
		must(t, err)
		if len(hits) != min(limit, 2) {
			t.Errorf("limit %d: %d hits, want %d: %+v", limit, len(hits), min(limit, 2), hits)
		}
		for _, h := range hits {
			if !mine[h.ID] {
				t.Errorf("limit %d: hit %+v is another council's", limit, h)
			}
		}
	}
	hits, err := db.Search(t.Context(), b.ID, "shelter søen", 50)
	must(t, err)
	if len(hits) != 3 {
		t.Errorf("the other council: %d hits, want its 3 agenda items: %+v", len(hits), hits)
	}
	// The councils' codes in front of the indexed words are not words a
	// user can find, nor is another council's word with its code.
	codeA, codeB := storage.CouncilCode(a.ID), storage.CouncilCode(b.ID)
	for _, q := range []string{"c", "e000", a.ID, a.ID[:8], codeA, codeA[:4], codeB, codeB + "shelter", codeB + " shelter"} {
		if hits := noerr.Get(db.Search(t.Context(), a.ID, q, 50))(t); len(hits) != 0 {
			t.Errorf("Search(%q) found the council's index word: %+v", q, hits)
		}
	}
}

// Every word is a word start; æ, ø and å are letters of their own, in any
// case; the snippet marks what was found.
func TestSearchPrefixesAndDanishLetters(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Æblehaven og Østerparken", Kind: model.ItemDecision,
		Background: "Lang indledning om noget helt andet, som fylder mere end et uddrag. Grundejerforeningen ved Åløkken er positiv.",
		Decision:   "Søren Ærø Åkjær indhenter tilbud på bænke."}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	other := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Title: "Soveby og aeble", Kind: model.ItemInformation}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &other))

	cases := []struct {
		query, want, snippet string
	}{
		{"æbl", it.ID, "«Æblehaven»"},
		{"ÆBLEHAVEN", it.ID, "«Æblehaven»"},
		{"øster", it.ID, "«Østerparken»"},
		{"ålø", it.ID, "«Åløkken»"},
		{"ærø åkjær", it.ID, "«Ærø» «Åkjær»"},
		{"grundejer", it.ID, "…"}, // far into a long text: the snippet starts with …
		{"sø", it.ID, "«Søren»"},  // not "Soveby" (ø is not o)
		{"sov", other.ID, "«Soveby»"},
		{"aeb", other.ID, "«aeble»"},
		{"bæ", it.ID, "«bænke»"}, // two letters: the prefix index
		{"tilbud bænk", it.ID, "«tilbud» på «bænke»"},
	}
	for _, tc := range cases {
		hits, err := db.Search(t.Context(), c.ID, tc.query, 10)
		must(t, err)
		if len(hits) != 1 || hits[0].ID != tc.want {
			t.Errorf("Search(%q) = %+v, want only %s", tc.query, hits, tc.want)
			continue
		}
		if !strings.Contains(hits[0].Snippet, tc.snippet) {
			t.Errorf("Search(%q): snippet %q lacks %q", tc.query, hits[0].Snippet, tc.snippet)
		}
	}
	// A text edited away is no longer found; the new one is.
	it.Title = "Frugthaven"
	must(t, db.SaveAgendaItem(t.Context(), storage.Overwriting(t.Context(), db, it), &it))
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "æblehave", 10))(t); len(hits) != 0 {
		t.Errorf("old title still found: %+v", hits)
	}
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "frugt", 10))(t); len(hits) != 1 {
		t.Errorf("new title: %+v", hits)
	}
	// A deleted row is gone from the index.
	must(t, db.DeleteAgendaItem(t.Context(), other.ID))
	if hits := noerr.Get(db.Search(t.Context(), c.ID, "soveby", 10))(t); len(hits) != 0 {
		t.Errorf("deleted item still found: %+v", hits)
	}
}

// A database of an older schema is migrated and its index rebuilt: the
// demo council's texts are found at once.
func TestSearchOldDatabase(t *testing.T) {
	fixtures := noerr.Get(filepath.Glob("testdata/schema-v*.db"))(t)
	for _, f := range fixtures {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			must(t, err)
			path := filepath.Join(t.TempDir(), "old.db")
			must(t, os.WriteFile(path, data, 0o644))
			db, err := storage.Open(context.Background(), path)
			must(t, err)
			defer db.Close()
			cs, err := db.Councils(t.Context())
			must(t, err)
			for q, min := range map[string]int{"skarresø": 3, "badebro": 1, "udviklingspuljen": 1, "cykelsti kalundborgvej": 1} {
				hits, err := db.Search(t.Context(), cs[0].ID, q, 50)
				must(t, err)
				if len(hits) < min {
					t.Errorf("Search(%q) = %d hits, want at least %d", q, len(hits), min)
				}
			}
			if hits := noerr.Get(db.Search(t.Context(), "another council", "skarresø", 50))(t); len(hits) != 0 {
				t.Errorf("another council's search found %+v", hits)
			}
		})
	}
}

// The council's code is put in front of each word as the index's tokenizer
// splits words (migration 020): every word between hyphens, digits,
// apostrophes, symbols and line breaks is found, alone and with its
// neighbours, in its own council only. (A combining accent and some emoji
// are parts of a word to the tokenizer but not to isWordRune: "e\u0301tage"
// and "🙂smilet" are found by "e" but not by "tage" or "smilet", as before
// migration 020.)
func TestSearchWordsBetweenSigns(t *testing.T) {
	db, _ := openTemp(t)
	c := newCouncil(t, db)
	other := model.Council{Name: "Tølløse Lokalråd"}
	must(t, db.SaveCouncil(t.Context(), model.Council{}, &other))
	m := newMeeting(t, db, c.ID, fixedNow)
	it := model.AgendaItem{CouncilID: c.ID, MeetingID: m.ID, Kind: model.ItemDecision,
		Title: "Ærø-færgen (2026): 3,5 mio. kr.",
		Notes: "Åbenrå's C++-kursus\n«Café» e\u0301tage 🙂smilet x²-akse\u00a0sidste\tlinje"}
	must(t, db.SaveAgendaItem(t.Context(), model.AgendaItem{}, &it))
	for _, q := range []string{"ærø", "færgen", "ærø færgen", "2026", "3", "5 mio", "kr", "åbenrå", "s", "c kursus", "café",
		"e", "x", "akse", "sidste linje"} {
		if hits := noerr.Get(db.Search(t.Context(), c.ID, q, 10))(t); len(hits) != 1 || hits[0].ID != it.ID {
			t.Errorf("Search(%q) = %+v, want the item", q, hits)
		}
		if hits := noerr.Get(db.Search(t.Context(), other.ID, q, 10))(t); len(hits) != 0 {
			t.Errorf("Search(%q) in the other council = %+v", q, hits)
		}
	}
}

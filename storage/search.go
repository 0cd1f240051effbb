package storage

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	sqlite "modernc.org/sqlite"

	"lokalraad/model"
)

// ftsWords turns what a user typed into FTS5 phrases for one council's
// words (see councilWords): every word must occur, as a word or the start
// of one. Quotes and FTS5 operators typed by the user are taken as plain
// text.
func ftsWords(councilID, s string) string {
	code := councilCode(councilID)
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + code + w + `"*`
	}
	return strings.Join(words, " ")
}

// councilCodeLen is the length of a council's code, in characters: the
// prefix indexes of migration 020 are 2 to 4 letters longer.
const councilCodeLen = 16

// councilCode is what the search indexes put in front of every word of a
// council (migration 020): the first 8 bytes of SHA-256 of its id, in hex.
// Every council's code has the same length, so a word start of n letters
// is a prefix of 16+n characters, and the codes of two councils are the
// same only by a collision of 64 bits of SHA-256. A council id comes from
// the hub; the hash keeps any id, however long or odd, one word of 16
// characters, and choosing an id that collides with a given council's code
// takes about 2^64 tries.
func councilCode(councilID string) string {
	sum := sha256.Sum256([]byte(councilID))
	return hex.EncodeToString(sum[:councilCodeLen/2])
}

// councilWords is text as the search indexes take it (migration 020): the
// council's code in front of every word, the words split as the index's
// tokenizer splits them (isWordRune), so each word becomes one word of
// the index. The tokenizer also keeps combining accents and some emoji
// inside a word, where isWordRune ends it: "e\u0301tage" is then one index
// word with a code inside, found by "e" but not by "tage", just as it was
// found before migration 020 (TestSearchWordsBetweenSigns).
func councilWords(councilID, text string) string {
	code := councilCode(councilID)
	var sb strings.Builder
	sb.Grow(len(text) + len(text)/4*councilCodeLen)
	in := false
	for _, r := range text {
		w := isWordRune(r)
		if w && !in {
			sb.WriteString(code)
		}
		in = w
		sb.WriteRune(r)
	}
	return sb.String()
}

// The triggers and views of migration 020 call lokalraad_words(council_id,
// text) to write and read the search indexes. It is registered with the
// driver for every connection this program opens.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("lokalraad_words", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if h := wordsHook.Load(); h != nil {
			if err := (*h)(); err != nil {
				return nil, err
			}
		}
		text, ok := args[1].(string)
		if !ok {
			if b, isBytes := args[1].([]byte); isBytes {
				text = string(b)
			} else {
				return args[1], nil // NULL, or a number: no words to code
			}
		}
		var council string
		switch id := args[0].(type) {
		case string:
			council = id
		case []byte:
			council = string(id)
		}
		return councilWords(council, text), nil
	})
}

// wordsHook, when set (by tests only), runs at each call of
// lokalraad_words: in the middle of a statement that writes the search
// indexes, such as migration 020's rebuild, where a test cancels or fails
// the statement with the error it returns.
var wordsHook atomic.Pointer[func() error]

type searchSource struct {
	kind, fts, table, title, meeting string
	cols                             []string // the text columns
}

// searchSources are the full-text indexes, each with its text columns and
// how to show a hit.
var searchSources = []searchSource{
	{"meeting", "meetings_fts", "meetings", "t.title", "t.id", []string{"title", "place"}},
	{"item", "agenda_items_fts", "agenda_items", "t.title", "t.meeting_id", []string{"title", "background", "notes", "decision"}},
	{"action", "action_items_fts", "action_items", "t.what", "t.meeting_id", []string{"what", "who"}},
	{"project", "projects_fts", "projects", "t.title", "''", []string{"title", "description"}},
	{"wish", "budget_wishes_fts", "budget_wishes", "t.title", "''", []string{"title", "justification", "answer_text"}},
}

// ranked is a hit before it is shown: which index, which row, its score.
type ranked struct {
	src   int
	rowid int64
	score float64
}

// Search finds meetings, agenda items (titles, background, minutes and
// decisions), action items, projects and budget wishes of a council that
// contain every word of query, best matches first, at most limit hits.
//
// It works in two steps. First each index is asked for the best limit rows
// of the council alone: every word is indexed with its council's code in
// front (migration 020), so the index reads, counts and ranks only the
// council's own words. Then only the hits that are shown get their title
// and snippet.
func (db *DB) Search(ctx context.Context, councilID, query string, limit int) ([]model.SearchHit, error) {
	match := ftsWords(councilID, query)
	if match == "" || limit <= 0 {
		return nil, nil
	}
	var best []ranked
	for i, s := range searchSources {
		// The query is written into the SQL, not bound: a bound MATCH makes
		// SQLite prepare the statement a second time on its first step.
		err := eachRow(ctx, db.sql(), func(row scanner) error {
			r := ranked{src: i}
			if err := row.Scan(&r.rowid, &r.score); err != nil {
				return err
			}
			best = append(best, r)
			return nil
		}, "SELECT rowid, bm25("+s.fts+") AS score FROM "+s.fts+
			" WHERE "+s.fts+" MATCH "+sqlString(match)+" ORDER BY score, rowid LIMIT "+strconv.Itoa(limit))
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(best, func(a, b ranked) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		case a.src != b.src:
			return a.src - b.src
		}
		return cmp.Compare(a.rowid, b.rowid)
	})
	best = best[:min(len(best), limit)]

	// The shown hits, by index: their rows, and a snippet cut here from
	// the texts (FTS5's snippet() costs as much again as the search).
	type key struct {
		src   int
		rowid int64
	}
	found := make(map[key]model.SearchHit, len(best))
	terms := searchTerms(query)
	var bufs snippetBufs
	for i, s := range searchSources {
		var ids []string
		for _, r := range best {
			if r.src == i {
				ids = append(ids, strconv.FormatInt(r.rowid, 10))
			}
		}
		if len(ids) == 0 {
			continue
		}
		texts := make([]string, len(s.cols))
		dest := make([]any, 4+len(s.cols))
		err := eachRow(ctx, db.sql(), func(row scanner) error {
			var rowid int64
			h := model.SearchHit{Kind: s.kind}
			dest[0], dest[1], dest[2], dest[3] = &rowid, &h.ID, &h.MeetingID, &h.Title
			for j := range texts {
				dest[4+j] = &texts[j]
			}
			if err := row.Scan(dest...); err != nil {
				return err
			}
			h.Snippet = snippet(texts, terms, snippetWords, &bufs)
			found[key{i, rowid}] = h
			return nil
		}, "SELECT t.rowid, t.id, "+s.meeting+", "+s.title+", t."+strings.Join(s.cols, ", t.")+
			" FROM "+s.table+" t WHERE t.rowid IN ("+strings.Join(ids, ",")+") AND t.council_id = ?", councilID)
		if err != nil {
			return nil, err
		}
	}
	hits := make([]model.SearchHit, 0, len(best))
	for _, r := range best {
		// A row deleted between the two steps is left out (and a row of
		// another council, which the council's code rules out, would be).
		if h, ok := found[key{r.src, r.rowid}]; ok {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// searchTerms are the words of a query as the index compares them: lower
// case, each matching any word that starts with it.
func searchTerms(query string) []string {
	words := strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}

// snippetBufs are two buffers of words that snippet reuses: one holds the
// best column's words so far, the other the words of the column being read.
type snippetBufs [2][]token

// snippetWords is how many words a snippet shows.
const snippetWords = 12

// token is a word of a text: where it is, and which term it matches (-1:
// none).
type token struct {
	start, end int32 // texts are far shorter than 2 GB
	term       int32
	sentence   bool // the first word of a sentence (or of the text)
}

// tokens splits text into words the way the index's tokenizer does
// (runs of letters, digits and private-use characters), marking those that
// match a term. out is reused.
func tokens(out []token, text string, terms []string) []token {
	if words := len(text)/4 + 8; cap(out) < words {
		out = make([]token, 0, words) // a word and a space are rarely shorter
	}
	out = out[:0]
	sentence := true
	start := -1
	for i, r := range text {
		word := isWordRune(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, token{start: int32(start), end: int32(i), term: int32(matchTerm(text[start:i], terms)), sentence: sentence})
			sentence, start = false, -1
		}
		if r == '.' || r == ':' {
			sentence = true
		}
	}
	if start >= 0 {
		out = append(out, token{start: int32(start), end: int32(len(text)), term: int32(matchTerm(text[start:], terms)), sentence: sentence})
	}
	return out
}

// isWordRune tells the characters of words from those between them, as
// the unicode61 tokenizer does: letters, numbers and private-use
// characters.
func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// matchTerm is the first term that word starts with, ignoring case, or -1.
func matchTerm(word string, terms []string) int {
	c := word[0]
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
next:
	for i, term := range terms {
		if c < 0x80 && c != term[0] {
			continue // a quick no for most words
		}
		w := word
		for _, tr := range term {
			r, n := utf8.DecodeRuneInString(w)
			if n == 0 || unicode.ToLower(r) != tr {
				continue next
			}
			w = w[n:]
		}
		return i
	}
	return -1
}

// snippet quotes the best n words of texts (the columns of a hit) with the
// words that match terms marked «so», and … where text is left out. It
// chooses as FTS5's snippet() does: the column and stretch of words with
// the most different terms, then the most matches, preferring a stretch that
// starts a sentence, and centres the matches in it. bufs are reused from
// hit to hit.
func snippet(texts []string, terms []string, n int, bufs *snippetBufs) string {
	bestScore, bestCol, bestStart := -1, 0, 0
	var bestToks []token
	seen := make([]bool, len(terms))
	// score is what the words from pos to pos+n-1 are worth, and where a
	// stretch of n words would start to centre them.
	score := func(toks []token, pos int) (int, int) {
		clear(seen)
		s, first, last := 0, -1, 0
		for i := pos; i < min(pos+n, len(toks)); i++ {
			t := toks[i].term
			if t < 0 {
				continue
			}
			if seen[t] {
				s++
			} else {
				s += 1000
				seen[t] = true
			}
			if first < 0 {
				first = i
			}
			last = i + 1
		}
		adj := first - (n-(last-first))/2
		adj = max(min(adj, len(toks)-n), 0)
		return s, adj
	}
	scratch, kept := 0, -1 // which of bufs is read into, which holds bestToks
	for c, text := range texts {
		toks := tokens(bufs[scratch], text, terms)
		bufs[scratch] = toks
		sentence := -1 // the last sentence start seen
		for i, t := range toks {
			if t.sentence {
				sentence = i
			}
			if t.term < 0 {
				continue
			}
			if s, adj := score(toks, i); s > bestScore {
				bestScore, bestCol, bestStart, bestToks, kept = s, c, adj, toks, scratch
			}
			if sentence >= 0 && sentence < i && len(toks) > n {
				s, _ := score(toks, sentence)
				if sentence == 0 {
					s += 120
				} else {
					s += 100
				}
				if s > bestScore {
					bestScore, bestCol, bestStart, bestToks, kept = s, c, sentence, toks, scratch
				}
			}
		}
		if kept == scratch {
			scratch = 1 - scratch // the other buffer is free
		}
	}
	if bestScore < 0 {
		// No word matched here (the index matched after all): the start of
		// the first text that has words.
		for c, text := range texts {
			if toks := tokens(nil, text, terms); len(toks) > 0 {
				bestCol, bestStart, bestToks = c, 0, toks
				break
			}
		}
	}
	if len(bestToks) == 0 {
		return ""
	}
	text, toks := texts[bestCol], bestToks
	end := min(bestStart+n, len(toks))
	var sb strings.Builder
	if bestStart > 0 {
		sb.WriteString("…")
	}
	from := int(toks[bestStart].start)
	for _, t := range toks[bestStart:end] {
		if t.term < 0 {
			continue
		}
		sb.WriteString(text[from:t.start])
		sb.WriteString("«")
		sb.WriteString(text[t.start:t.end])
		sb.WriteString("»")
		from = int(t.end)
	}
	if end < len(toks) {
		sb.WriteString(text[from:toks[end-1].end])
		sb.WriteString("…")
	} else {
		sb.WriteString(text[from:])
	}
	return sb.String()
}

// holdSearch makes the search triggers step aside for the rest of the
// transaction (migration 019): rows written from now on are only noted in
// search_pending, with the values the index holds for them, and
// releaseSearch brings the indexes up to date once, at the end. It is for
// applying a page of pulled ops, which writes hundreds of rows: FTS5
// writes a segment at the end of every statement that touched an index.
//
// The hold is a row in search_hold written in the caller's transaction.
// A page of a pull with more pages to come (ApplyPulledPart) commits it,
// and the pull's last page releases it: meanwhile local writes on other
// connections are noted in search_pending too, with the values the index
// holds, and indexed with the pull's rows. A pull cut off is released by
// FinishPull, or by Open after a killed process. Any other transaction
// that does not reach releaseSearch must roll back (applyTx does on any
// error). An apply that finds a hold already held takes it over: the
// writes made under it were noted, so releaseSearch indexes them too, and
// the search heals instead of every later sync failing on the hold's key.
func holdSearch(ctx context.Context, q *stmtTx) error {
	_, err := q.ExecContext(ctx, "INSERT OR IGNORE INTO search_hold(one) VALUES (1)")
	return err
}

// releaseSearch takes the rows written since holdSearch out of the indexes
// that held them, with the values they were indexed with, indexes those
// that still exist with their values now, one statement of each an index,
// and lifts the hold.
func releaseSearch(ctx context.Context, q *stmtTx) error {
	tables, err := list(ctx, q, func(s scanner) (string, error) {
		var t string
		return t, s.Scan(&t)
	}, "SELECT DISTINCT tbl FROM search_pending")
	if err != nil {
		return err
	}
	for _, t := range tables {
		i := slices.IndexFunc(searchSources, func(s searchSource) bool { return s.table == t })
		if i < 0 {
			return fmt.Errorf("søgeindeks: ukendt tabel %q", t)
		}
		s := searchSources[i]
		cols := strings.Join(s.cols, ", ")
		held := make([]string, len(s.cols)) // search_pending's c1, c2, … as indexed
		words := make([]string, len(s.cols))
		for j, c := range s.cols {
			held[j] = "lokalraad_words(council, c" + strconv.Itoa(j+1) + ")"
			words[j] = "lokalraad_words(council_id, " + c + ")"
		}
		if _, err := q.ExecContext(ctx, "INSERT INTO "+s.fts+"("+s.fts+", rowid, "+cols+") SELECT 'delete', rid, "+strings.Join(held, ", ")+
			" FROM search_pending WHERE tbl = ? AND indexed", t); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, "INSERT INTO "+s.fts+"(rowid, "+cols+") SELECT rowid, "+strings.Join(words, ", ")+
			" FROM "+s.table+" WHERE rowid IN (SELECT rid FROM search_pending WHERE tbl = ?)", t); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, "DELETE FROM search_pending"); err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, "DELETE FROM search_hold")
	return err
}

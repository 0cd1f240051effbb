package storage

import (
	"context"
	"fmt"
	"strings"
)

// SearchIndexProblem says what is wrong with the search indexes, or nil:
// every index passes FTS5's integrity check against its table, holds
// exactly the words, rows, columns and positions that an index rebuilt
// from the tables holds, and no hold of migration 019 is left behind. The
// rebuild is made in a transaction that is rolled back, so the database is
// left as it was.
func SearchIndexProblem(db *DB) error {
	ctx := context.Background()
	conn, err := db.sql().Conn(ctx) // temp tables are the connection's own
	if err != nil {
		return err
	}
	defer conn.Close()
	var held, pending int
	if err := conn.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM search_hold), (SELECT COUNT(*) FROM search_pending)").Scan(&held, &pending); err != nil {
		return err
	}
	if held != 0 || pending != 0 {
		return fmt.Errorf("search hold left behind: %d hold, %d pending", held, pending)
	}
	dumps := func() (map[string]string, error) {
		out := map[string]string{}
		for _, s := range searchSources {
			rows, err := conn.QueryContext(ctx, "SELECT term, doc, col, offset FROM temp.vocab_"+s.fts+" ORDER BY term, doc, col, offset")
			if err != nil {
				return nil, err
			}
			var b strings.Builder
			for rows.Next() {
				var term, col string
				var doc, off int64
				if err := rows.Scan(&term, &doc, &col, &off); err != nil {
					rows.Close()
					return nil, err
				}
				fmt.Fprintf(&b, "%s %d %s %d\n", term, doc, col, off)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			out[s.fts] = b.String()
		}
		return out, nil
	}
	for _, s := range searchSources {
		if _, err := conn.ExecContext(ctx, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_"+s.fts+" USING fts5vocab(main, "+s.fts+", instance)"); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+s.fts+"("+s.fts+", rank) VALUES ('integrity-check', 1)"); err != nil {
			return fmt.Errorf("%s: %w", s.fts, err)
		}
	}
	now, err := dumps()
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	for _, s := range searchSources {
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+s.fts+"("+s.fts+") VALUES ('rebuild')"); err != nil {
			return err
		}
	}
	fresh, err := dumps()
	if err != nil {
		return err
	}
	for _, s := range searchSources {
		if now[s.fts] != fresh[s.fts] {
			return fmt.Errorf("%s differs from a rebuilt index:\n%s\n--- rebuilt:\n%s", s.fts, clip(now[s.fts]), clip(fresh[s.fts]))
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

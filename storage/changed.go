package storage

import (
	"maps"
	"slices"
)

// Changed names rows by table: the rows that ops brought from another
// replica touched (Applied), each table's row ids sorted and each once, so
// that a screen showing none of them need not be read again, and an editor
// is read again only when its own row, or a row of its own, changed.
type Changed map[string][]string

// changedBy is what ops touched: their tables, sorted and each once, and
// their rows.
func changedBy(ops []Change) ([]string, Changed) {
	rows := Changed{}
	for _, c := range ops {
		rows[c.Table] = append(rows[c.Table], c.Row)
	}
	for t, ids := range rows {
		slices.Sort(ids)
		rows[t] = slices.Compact(ids)
	}
	return rows.Tables(), rows
}

// Tables are the tables of c, sorted.
func (c Changed) Tables() []string { return slices.Sorted(maps.Keys(c)) }

// Has tells whether c names row id of table.
func (c Changed) Has(table, id string) bool {
	_, found := slices.BinarySearch(c[table], id)
	return found
}

// Merge is c with o's rows too, each once (c is changed; a nil c gives a
// new one).
func (c Changed) Merge(o Changed) Changed {
	if c == nil {
		c = Changed{}
	}
	for t, ids := range o {
		all := append(c[t], ids...)
		slices.Sort(all)
		c[t] = slices.Compact(all)
	}
	return c
}

// Add names rows ids of table in c too (c must not be nil).
func (c Changed) Add(table string, ids ...string) {
	if len(ids) > 0 {
		c.Merge(Changed{table: ids})
	}
}

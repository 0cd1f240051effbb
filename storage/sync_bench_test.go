package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/model"
)

// applySource is a council written through the write path: 100 meetings
// of 10 agenda items each, 500 action items and 20 members; its ops and
// its rows, as a replica receives them on a first pull.
func applySource(b *testing.B) (ops []Change, rows map[string][][]any) {
	b.Helper()
	src := replica(b, "src")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(b, src.SaveCouncil(b.Context(), model.Council{}, &c))
	ok(b, src.write(context.Background(), func(w *writer) error {
		for i := 0; i < 20; i++ {
			m := model.Member{ID: newID(), CouncilID: c.ID, Name: fmt.Sprint("Medlem ", i), Role: model.RoleMember, Phone: "20 11 22 33"}
			if _, err := w.put(memberD.record(&m)); err != nil {
				return err
			}
		}
		for i := 0; i < 100; i++ {
			m := model.Meeting{ID: newID(), CouncilID: c.ID, Kind: model.MeetingBoard, Title: fmt.Sprint("Møde ", i), Start: syncNow.AddDate(0, 0, -7*i),
				Place: "Forsamlingshuset", Status: model.MeetingHeld, Attendees: "Karen\nSøren\nŁukasz\n"}
			if _, err := w.put(meetingD.record(&m)); err != nil {
				return err
			}
			for j := 0; j < 10; j++ {
				it := model.AgendaItem{ID: newID(), CouncilID: c.ID, MeetingID: m.ID, Position: j + 1, Title: fmt.Sprint("Punkt ", j+1), Kind: model.ItemDiscussion,
					Minutes: 15, Background: strings.Repeat("Baggrund for punktet. ", 10), Notes: strings.Repeat("Referat af drøftelsen.\n", 5), Decision: "Vedtaget."}
				if _, err := w.put(itemD.record(&it)); err != nil {
					return err
				}
				if j%2 == 0 {
					a := model.ActionItem{ID: newID(), CouncilID: c.ID, MeetingID: m.ID, AgendaItemID: it.ID, Who: "Karen", What: "Følg op", Due: syncNow}
					if _, err := w.put(actionD.record(&a)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}))
	ops = mustOps(b, src)
	rows = map[string][][]any{}
	for _, t := range Tables {
		rs, err := src.sql().Query("SELECT * FROM " + t)
		ok(b, err)
		cols := noerr.Get(rs.Columns())(b)
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			ok(b, rs.Scan(ptrs...))
			rows[t] = append(rows[t], vals)
		}
		rs.Close()
	}
	return ops, rows
}

// BenchmarkApplyRate compares applying a first pull (pages of 1000 ops, as
// the hub sends them, each page one transaction with the cursor: pullPages) with raw
// SQLite inserts of the same rows into the same schema (one transaction a
// table). Both report rows/s; apply also ops/s.
func BenchmarkApplyRate(b *testing.B) {
	ops, rows := applySource(b)
	nrows := 0
	for _, rs := range rows {
		nrows += len(rs)
	}
	b.Run("apply", func(b *testing.B) {
		var spent time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := replica(b, fmt.Sprint("apply", i))
			b.StartTimer()
			start := time.Now()
			pullPages(b, db, ops)
			spent += time.Since(start)
			b.StopTimer()
			if i == 0 {
				checkSameRows(b, db, rows)
			}
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(len(ops)), "ops")
		b.ReportMetric(float64(nrows), "rows")
		b.ReportMetric(float64(len(ops)*b.N)/spent.Seconds(), "ops/s")
		b.ReportMetric(float64(nrows*b.N)/spent.Seconds(), "rows/s")
	})
	b.Run("raw-insert", func(b *testing.B) {
		var spent time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			db := replica(b, fmt.Sprint("raw", i))
			b.StartTimer()
			start := time.Now()
			rawInsert(b, db, rows)
			spent += time.Since(start)
			b.StopTimer()
			if i == 0 {
				checkSameRows(b, db, rows)
			}
			db.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(nrows), "rows")
		b.ReportMetric(float64(nrows*b.N)/spent.Seconds(), "rows/s")
	})
	b.Run("interleaved", func(b *testing.B) { applyVsRaw(b, ops, rows, nrows) })
}

// pullPages applies ops as a first pull brings them: pages of 1000, each
// a transaction with the cursor, those with more to come as the sync
// client applies them (ApplyPulledPart).
func pullPages(b *testing.B, db *DB, ops []Change) {
	for p := 0; p < len(ops); p += 1000 {
		end := min(p+1000, len(ops))
		apply := db.ApplyPulledPage
		if end < len(ops) {
			apply = db.ApplyPulledPart
		}
		if _, err := apply(context.Background(), ops[p:end], strconv.Itoa(end)); err != nil {
			b.Fatal(err)
		}
	}
}

// applyVsRaw is BenchmarkApplyRate/interleaved: the two above in turn
// within each iteration, so that both see the same machine (2 shared cores
// here); it reports apply as a share of raw inserts, by the wall clock and
// by the process's CPU time (steadier on a busy machine). A third turn
// writes the rows and every op of the log raw (rawLog): apply as a share
// of that says how near apply is to the floor of keeping the log at all.
func applyVsRaw(b *testing.B, ops []Change, rows map[string][][]any, nrows int) {
	var wallApply, wallRaw, wallLog, cpuApply, cpuRaw, cpuLog time.Duration
	for i := 0; i < b.N; i++ {
		db := replica(b, fmt.Sprint("iapply", i))
		start, c0 := time.Now(), cpuTime()
		pullPages(b, db, ops)
		wallApply += time.Since(start)
		cpuApply += cpuTime() - c0
		checkSameRows(b, db, rows)
		db.Close()

		db = replica(b, fmt.Sprint("iraw", i))
		start, c0 = time.Now(), cpuTime()
		rawInsert(b, db, rows)
		wallRaw += time.Since(start)
		cpuRaw += cpuTime() - c0
		checkSameRows(b, db, rows)
		db.Close()

		db = replica(b, fmt.Sprint("ilog", i))
		start, c0 = time.Now(), cpuTime()
		rawInsert(b, db, rows)
		rawLog(b, db, ops)
		wallLog += time.Since(start)
		cpuLog += cpuTime() - c0
		checkSameRows(b, db, rows)
		db.Close()
	}
	b.ReportMetric(float64(nrows*b.N)/wallApply.Seconds(), "apply-rows/s")
	b.ReportMetric(float64(nrows*b.N)/wallRaw.Seconds(), "raw-rows/s")
	b.ReportMetric(100*wallRaw.Seconds()/wallApply.Seconds(), "apply-%-of-raw")
	if cpuApply > 0 {
		b.ReportMetric(100*cpuRaw.Seconds()/cpuApply.Seconds(), "cpu-apply-%-of-raw")
		b.ReportMetric(cpuApply.Seconds()*1000/float64(b.N), "apply-cpu-ms")
		b.ReportMetric(cpuRaw.Seconds()*1000/float64(b.N), "raw-cpu-ms")
		b.ReportMetric(cpuLog.Seconds()*1000/float64(b.N), "rows+log-cpu-ms")
		b.ReportMetric(100*cpuLog.Seconds()/cpuApply.Seconds(), "cpu-apply-%-of-rows+log")
	}
	b.ReportMetric(100*wallLog.Seconds()/wallApply.Seconds(), "apply-%-of-rows+log")
}

// rawLog writes the ops straight into the change log, one prepared insert
// an op in one transaction, with the log's own indexes: the rows and the
// log written this way are the floor of an apply that keeps every op (the
// log is what sync, bundles, merges and erasure read), where rawInsert
// alone is the floor of a copy that keeps none.
func rawLog(b *testing.B, db *DB, ops []Change) {
	err := db.inTx(context.Background(), func(tx *sql.Tx) error {
		stmt, err := tx.Prepare("INSERT INTO changes(device, seq, hlc, tbl, row_id, council_id, field, value, base, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, o := range ops {
			if _, err := stmt.Exec(o.Device, o.Seq, o.HLC, o.Table, o.Row, o.Council, o.Field, o.Value, o.Base, o.Sig); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// rawInsert writes the rows straight into their tables, a transaction a
// table, as BenchmarkApplyRate's floor.
func rawInsert(b *testing.B, db *DB, rows map[string][][]any) {
	for _, t := range Tables {
		rs := rows[t]
		if len(rs) == 0 {
			continue
		}
		err := db.inTx(context.Background(), func(tx *sql.Tx) error {
			stmt, err := tx.Prepare("INSERT INTO " + t + " VALUES (?" + strings.Repeat(", ?", len(rs[0])-1) + ")")
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, r := range rs {
				if _, err := stmt.Exec(r...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func checkSameRows(b *testing.B, db *DB, rows map[string][][]any) {
	b.Helper()
	for t, rs := range rows {
		var n int
		ok(b, db.sql().QueryRow("SELECT COUNT(*) FROM "+t).Scan(&n))
		if n != len(rs) {
			b.Fatalf("%s: %d rows, want %d", t, n, len(rs))
		}
	}
}

// BenchmarkApplyEdits applies, as one pulled page, edits of the indexed
// texts of 300 agenda items a replica already holds (a title and the
// minutes each: 600 ops), the common incremental pull: every row is
// updated, and each update takes the row's old words out of the search
// index and puts its new ones in.
func BenchmarkApplyEdits(b *testing.B) {
	src := replica(b, "src")
	c := model.Council{Name: "Jyderup Lokalråd"}
	ok(b, src.SaveCouncil(b.Context(), model.Council{}, &c))
	var items []model.AgendaItem
	ok(b, src.write(context.Background(), func(w *writer) error {
		for i := 0; i < 30; i++ {
			m := model.Meeting{ID: newID(), CouncilID: c.ID, Kind: model.MeetingBoard, Title: fmt.Sprint("Møde ", i), Start: syncNow.AddDate(0, 0, -7*i), Status: model.MeetingHeld}
			if _, err := w.put(meetingD.record(&m)); err != nil {
				return err
			}
			for j := 0; j < 10; j++ {
				it := model.AgendaItem{ID: newID(), CouncilID: c.ID, MeetingID: m.ID, Position: j + 1, Title: fmt.Sprint("Punkt ", j+1), Kind: model.ItemDiscussion,
					Background: strings.Repeat("Baggrund for punktet. ", 10), Notes: strings.Repeat("Referat af drøftelsen.\n", 5), Decision: "Vedtaget."}
				if _, err := w.put(itemD.record(&it)); err != nil {
					return err
				}
				items = append(items, it)
			}
		}
		return nil
	}))
	before := mustOps(b, src)
	for _, it := range items {
		e := it
		e.Title = "Ny titel på " + it.Title
		e.Notes = it.Notes + "Tilføjet efter mødet.\n"
		ok(b, src.SaveAgendaItem(b.Context(), it, &e))
	}
	all := mustOps(b, src)
	edits := all[len(before):]
	var spent, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := replica(b, fmt.Sprint("edits", i))
		_, err := db.ApplyPulled(context.Background(), before, int64(len(before)))
		ok(b, err)
		b.StartTimer()
		start, c0 := time.Now(), cpuTime()
		if _, err := db.ApplyPulled(context.Background(), edits, int64(len(all))); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
		cpu += cpuTime() - c0
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(edits)*b.N)/spent.Seconds(), "ops/s")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
}

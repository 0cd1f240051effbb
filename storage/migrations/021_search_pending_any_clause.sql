-- The held triggers of 019 and 020 note a touched row in search_pending
-- with INSERT OR IGNORE: the first note of a row is the one that counts.
-- But SQLite lets the conflict clause of the statement that fires a
-- trigger override the clauses inside it, and a pull inserts new rows with
-- INSERT OR FAIL (storage/sync_replay.go). When a pull deleted the newest
-- row of a table and brought a new one, the new row took the deleted
-- row's rowid, its note met the delete's, and the whole pull failed with
-- »UNIQUE constraint failed: search_pending.tbl, search_pending.rid« — at
-- every sync after, too.
--
-- Now each trigger inserts its note only where the row has none, which
-- holds under any outer clause; what is noted is unchanged.

DROP TRIGGER meetings_ai_held;
CREATE TRIGGER meetings_ai_held AFTER INSERT ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed) SELECT 'meetings', new.rowid, 0
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'meetings' AND rid = new.rowid);
END;

DROP TRIGGER meetings_ad_held;
CREATE TRIGGER meetings_ad_held AFTER DELETE ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'meetings', old.rowid, 1, old.council_id, old.title, old.place
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'meetings' AND rid = old.rowid);
END;

DROP TRIGGER meetings_au_held;
CREATE TRIGGER meetings_au_held AFTER UPDATE OF council_id, title, place ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'meetings', old.rowid, 1, old.council_id, old.title, old.place
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'meetings' AND rid = old.rowid);
END;

DROP TRIGGER agenda_items_ai_held;
CREATE TRIGGER agenda_items_ai_held AFTER INSERT ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed) SELECT 'agenda_items', new.rowid, 0
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'agenda_items' AND rid = new.rowid);
END;

DROP TRIGGER agenda_items_ad_held;
CREATE TRIGGER agenda_items_ad_held AFTER DELETE ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) SELECT 'agenda_items', old.rowid, 1, old.council_id, old.title, old.background, old.notes, old.decision
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'agenda_items' AND rid = old.rowid);
END;

DROP TRIGGER agenda_items_au_held;
CREATE TRIGGER agenda_items_au_held AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) SELECT 'agenda_items', old.rowid, 1, old.council_id, old.title, old.background, old.notes, old.decision
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'agenda_items' AND rid = old.rowid);
END;

DROP TRIGGER action_items_ai_held;
CREATE TRIGGER action_items_ai_held AFTER INSERT ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed) SELECT 'action_items', new.rowid, 0
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'action_items' AND rid = new.rowid);
END;

DROP TRIGGER action_items_ad_held;
CREATE TRIGGER action_items_ad_held AFTER DELETE ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'action_items', old.rowid, 1, old.council_id, old.what, old.who
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'action_items' AND rid = old.rowid);
END;

DROP TRIGGER action_items_au_held;
CREATE TRIGGER action_items_au_held AFTER UPDATE OF council_id, what, who ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'action_items', old.rowid, 1, old.council_id, old.what, old.who
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'action_items' AND rid = old.rowid);
END;

DROP TRIGGER projects_ai_held;
CREATE TRIGGER projects_ai_held AFTER INSERT ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed) SELECT 'projects', new.rowid, 0
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'projects' AND rid = new.rowid);
END;

DROP TRIGGER projects_ad_held;
CREATE TRIGGER projects_ad_held AFTER DELETE ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'projects', old.rowid, 1, old.council_id, old.title, old.description
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'projects' AND rid = old.rowid);
END;

DROP TRIGGER projects_au_held;
CREATE TRIGGER projects_au_held AFTER UPDATE OF council_id, title, description ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2) SELECT 'projects', old.rowid, 1, old.council_id, old.title, old.description
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'projects' AND rid = old.rowid);
END;

DROP TRIGGER budget_wishes_ai_held;
CREATE TRIGGER budget_wishes_ai_held AFTER INSERT ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed) SELECT 'budget_wishes', new.rowid, 0
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'budget_wishes' AND rid = new.rowid);
END;

DROP TRIGGER budget_wishes_ad_held;
CREATE TRIGGER budget_wishes_ad_held AFTER DELETE ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) SELECT 'budget_wishes', old.rowid, 1, old.council_id, old.title, old.justification, old.answer_text
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'budget_wishes' AND rid = old.rowid);
END;

DROP TRIGGER budget_wishes_au_held;
CREATE TRIGGER budget_wishes_au_held AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) SELECT 'budget_wishes', old.rowid, 1, old.council_id, old.title, old.justification, old.answer_text
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = 'budget_wishes' AND rid = old.rowid);
END;

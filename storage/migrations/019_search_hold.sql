-- Applying pulled ops fills the search indexes once a transaction (issue 10).
--
-- The triggers of 007 index a row on every insert, update and delete, and
-- FTS5 writes its pending terms to disk at the end of every statement that
-- touched the index (a statement savepoint): a pulled page of edits wrote
-- a small segment an updated row, and merged them again and again.
--
-- While search_hold has a row (only ever inside an apply transaction:
-- storage/search.go sets and clears it in the same transaction, so no
-- other connection and no committed state ever sees it), the triggers of
-- 007 step aside and the *_held triggers note each touched row in
-- search_pending instead: an inserted row as not indexed; an updated or
-- deleted row, the first time, as indexed, with the values the index holds
-- for it (an external-content FTS5 index must be told those very values to
-- take a row out, and only the trigger still has them). At the end of the
-- transaction releaseSearch takes the noted rows out of each index with
-- those values, indexes every noted row that still exists with its final
-- values, one statement each a table, and lifts the hold.

CREATE TABLE search_hold (
    one INTEGER PRIMARY KEY CHECK (one = 1)
);
CREATE TABLE search_pending (
    tbl     TEXT NOT NULL,
    rid     INTEGER NOT NULL,
    indexed INTEGER NOT NULL,      -- 1: the index holds the values below
    council TEXT,                  -- the index's council word
    c1, c2, c3, c4,                -- its text columns, in the index's order
    PRIMARY KEY (tbl, rid)
);

DROP TRIGGER meetings_ai;
DROP TRIGGER meetings_ad;
DROP TRIGGER meetings_au;
CREATE TRIGGER meetings_ai AFTER INSERT ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(rowid, council, title, place) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.place);
END;
CREATE TRIGGER meetings_ad AFTER DELETE ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, council, title, place) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.place);
END;
CREATE TRIGGER meetings_au AFTER UPDATE OF council_id, title, place ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, council, title, place) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.place);
  INSERT INTO meetings_fts(rowid, council, title, place) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.place);
END;
CREATE TRIGGER meetings_ai_held AFTER INSERT ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('meetings', new.rowid, 0);
END;
CREATE TRIGGER meetings_ad_held AFTER DELETE ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('meetings', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.place);
END;
CREATE TRIGGER meetings_au_held AFTER UPDATE OF council_id, title, place ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('meetings', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.place);
END;

DROP TRIGGER agenda_items_ai;
DROP TRIGGER agenda_items_ad;
DROP TRIGGER agenda_items_au;
CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(rowid, council, title, background, notes, decision) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.background, new.notes, new.decision);
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, council, title, background, notes, decision) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, council, title, background, notes, decision) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
  INSERT INTO agenda_items_fts(rowid, council, title, background, notes, decision) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.background, new.notes, new.decision);
END;
CREATE TRIGGER agenda_items_ai_held AFTER INSERT ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('agenda_items', new.rowid, 0);
END;
CREATE TRIGGER agenda_items_ad_held AFTER DELETE ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) VALUES ('agenda_items', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
END;
CREATE TRIGGER agenda_items_au_held AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) VALUES ('agenda_items', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
END;

DROP TRIGGER action_items_ai;
DROP TRIGGER action_items_ad;
DROP TRIGGER action_items_au;
CREATE TRIGGER action_items_ai AFTER INSERT ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(rowid, council, what, who) VALUES (new.rowid, char(57344) || hex(new.council_id), new.what, new.who);
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, council, what, who) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.what, old.who);
END;
CREATE TRIGGER action_items_au AFTER UPDATE OF council_id, what, who ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, council, what, who) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.what, old.who);
  INSERT INTO action_items_fts(rowid, council, what, who) VALUES (new.rowid, char(57344) || hex(new.council_id), new.what, new.who);
END;
CREATE TRIGGER action_items_ai_held AFTER INSERT ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('action_items', new.rowid, 0);
END;
CREATE TRIGGER action_items_ad_held AFTER DELETE ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('action_items', old.rowid, 1, char(57344) || hex(old.council_id), old.what, old.who);
END;
CREATE TRIGGER action_items_au_held AFTER UPDATE OF council_id, what, who ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('action_items', old.rowid, 1, char(57344) || hex(old.council_id), old.what, old.who);
END;

DROP TRIGGER projects_ai;
DROP TRIGGER projects_ad;
DROP TRIGGER projects_au;
CREATE TRIGGER projects_ai AFTER INSERT ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(rowid, council, title, description) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.description);
END;
CREATE TRIGGER projects_ad AFTER DELETE ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, council, title, description) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.description);
END;
CREATE TRIGGER projects_au AFTER UPDATE OF council_id, title, description ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, council, title, description) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.description);
  INSERT INTO projects_fts(rowid, council, title, description) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.description);
END;
CREATE TRIGGER projects_ai_held AFTER INSERT ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('projects', new.rowid, 0);
END;
CREATE TRIGGER projects_ad_held AFTER DELETE ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('projects', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.description);
END;
CREATE TRIGGER projects_au_held AFTER UPDATE OF council_id, title, description ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('projects', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.description);
END;

DROP TRIGGER budget_wishes_ai;
DROP TRIGGER budget_wishes_ad;
DROP TRIGGER budget_wishes_au;
CREATE TRIGGER budget_wishes_ai AFTER INSERT ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(rowid, council, title, justification, answer_text) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.justification, new.answer_text);
END;
CREATE TRIGGER budget_wishes_ad AFTER DELETE ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, council, title, justification, answer_text) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
END;
CREATE TRIGGER budget_wishes_au AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, council, title, justification, answer_text) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
  INSERT INTO budget_wishes_fts(rowid, council, title, justification, answer_text) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.justification, new.answer_text);
END;
CREATE TRIGGER budget_wishes_ai_held AFTER INSERT ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('budget_wishes', new.rowid, 0);
END;
CREATE TRIGGER budget_wishes_ad_held AFTER DELETE ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) VALUES ('budget_wishes', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
END;
CREATE TRIGGER budget_wishes_au_held AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) VALUES ('budget_wishes', old.rowid, 1, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
END;

-- Each council's words in posting lists of their own (issue 10).
--
-- Since 007 every index had a council column, matched together with the
-- typed words, so only the chosen council's rows were ranked. But FTS5
-- still read each typed word's postings for all councils: a word start
-- longer than the prefix indexes merged the postings of every matching word
-- of every council into one list, and bm25() counted the rows of every
-- council that hold each word (its IDF) by running each word's query over
-- the whole index once more. On the large data set (18 councils) that was
-- two thirds of a search's time.
--
-- Now every word is indexed with the council's code in front of it: the 16
-- hex digits of the first 8 bytes of SHA-256 of the council id, written by
-- the function lokalraad_words(council_id, text), which storage registers
-- with the SQLite driver (search.go) and which splits words as the
-- unicode61 tokenizer does. "Skolen" of a council with code 0123456789abcdef
-- is the word "0123456789abcdefskolen", and a search for "sko" asks for the
-- word start "0123456789abcdefsko": FTS5 reads only that council's postings.
-- The prefix indexes are those of 007 moved by the code's 16 characters
-- (2 to 4 letters of a word). The council column is gone: a word of one
-- council can no longer match a search in another, and bm25() counts the
-- rows of the chosen council that hold a word, which ranks the rarer of
-- several typed words higher, as bm25 is meant to.
--
-- Writing these tables, or reading the indexes' views, now needs that
-- function: this program has it on every connection; the sqlite3 shell can
-- still read every table, and search with words it writes with the code.
-- The held triggers of 019 now note the council id (in search_pending's
-- council) and the texts as they are, and releaseSearch makes the words.
--
-- The indexes are rebuilt from the tables; any hold left behind by a fault
-- is dropped, since the rebuild indexes everything.

DROP TRIGGER meetings_ai;
DROP TRIGGER meetings_ad;
DROP TRIGGER meetings_au;
DROP TRIGGER meetings_ai_held;
DROP TRIGGER meetings_ad_held;
DROP TRIGGER meetings_au_held;
DROP TABLE meetings_fts;
DROP VIEW meetings_search;
CREATE VIEW meetings_search(rid, title, place) AS SELECT rowid, lokalraad_words(council_id, title), lokalraad_words(council_id, place) FROM meetings;
CREATE VIRTUAL TABLE meetings_fts USING fts5(title, place, content='meetings_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='18 19 20');
CREATE TRIGGER meetings_ai AFTER INSERT ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(rowid, title, place) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.place));
END;
CREATE TRIGGER meetings_ad AFTER DELETE ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, title, place) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.place));
END;
CREATE TRIGGER meetings_au AFTER UPDATE OF council_id, title, place ON meetings WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, title, place) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.place));
  INSERT INTO meetings_fts(rowid, title, place) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.place));
END;
CREATE TRIGGER meetings_ai_held AFTER INSERT ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('meetings', new.rowid, 0);
END;
CREATE TRIGGER meetings_ad_held AFTER DELETE ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('meetings', old.rowid, 1, old.council_id, old.title, old.place);
END;
CREATE TRIGGER meetings_au_held AFTER UPDATE OF council_id, title, place ON meetings WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('meetings', old.rowid, 1, old.council_id, old.title, old.place);
END;
INSERT INTO meetings_fts(meetings_fts) VALUES ('rebuild');

DROP TRIGGER agenda_items_ai;
DROP TRIGGER agenda_items_ad;
DROP TRIGGER agenda_items_au;
DROP TRIGGER agenda_items_ai_held;
DROP TRIGGER agenda_items_ad_held;
DROP TRIGGER agenda_items_au_held;
DROP TABLE agenda_items_fts;
DROP VIEW agenda_items_search;
CREATE VIEW agenda_items_search(rid, title, background, notes, decision) AS SELECT rowid, lokalraad_words(council_id, title), lokalraad_words(council_id, background), lokalraad_words(council_id, notes), lokalraad_words(council_id, decision) FROM agenda_items;
CREATE VIRTUAL TABLE agenda_items_fts USING fts5(title, background, notes, decision, content='agenda_items_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='18 19 20');
CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(rowid, title, background, notes, decision) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.background), lokalraad_words(new.council_id, new.notes), lokalraad_words(new.council_id, new.decision));
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, title, background, notes, decision) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.background), lokalraad_words(old.council_id, old.notes), lokalraad_words(old.council_id, old.decision));
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, title, background, notes, decision) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.background), lokalraad_words(old.council_id, old.notes), lokalraad_words(old.council_id, old.decision));
  INSERT INTO agenda_items_fts(rowid, title, background, notes, decision) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.background), lokalraad_words(new.council_id, new.notes), lokalraad_words(new.council_id, new.decision));
END;
CREATE TRIGGER agenda_items_ai_held AFTER INSERT ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('agenda_items', new.rowid, 0);
END;
CREATE TRIGGER agenda_items_ad_held AFTER DELETE ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) VALUES ('agenda_items', old.rowid, 1, old.council_id, old.title, old.background, old.notes, old.decision);
END;
CREATE TRIGGER agenda_items_au_held AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3, c4) VALUES ('agenda_items', old.rowid, 1, old.council_id, old.title, old.background, old.notes, old.decision);
END;
INSERT INTO agenda_items_fts(agenda_items_fts) VALUES ('rebuild');

DROP TRIGGER action_items_ai;
DROP TRIGGER action_items_ad;
DROP TRIGGER action_items_au;
DROP TRIGGER action_items_ai_held;
DROP TRIGGER action_items_ad_held;
DROP TRIGGER action_items_au_held;
DROP TABLE action_items_fts;
DROP VIEW action_items_search;
CREATE VIEW action_items_search(rid, what, who) AS SELECT rowid, lokalraad_words(council_id, what), lokalraad_words(council_id, who) FROM action_items;
CREATE VIRTUAL TABLE action_items_fts USING fts5(what, who, content='action_items_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='18 19 20');
CREATE TRIGGER action_items_ai AFTER INSERT ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(rowid, what, who) VALUES (new.rowid, lokalraad_words(new.council_id, new.what), lokalraad_words(new.council_id, new.who));
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, what, who) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.what), lokalraad_words(old.council_id, old.who));
END;
CREATE TRIGGER action_items_au AFTER UPDATE OF council_id, what, who ON action_items WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, what, who) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.what), lokalraad_words(old.council_id, old.who));
  INSERT INTO action_items_fts(rowid, what, who) VALUES (new.rowid, lokalraad_words(new.council_id, new.what), lokalraad_words(new.council_id, new.who));
END;
CREATE TRIGGER action_items_ai_held AFTER INSERT ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('action_items', new.rowid, 0);
END;
CREATE TRIGGER action_items_ad_held AFTER DELETE ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('action_items', old.rowid, 1, old.council_id, old.what, old.who);
END;
CREATE TRIGGER action_items_au_held AFTER UPDATE OF council_id, what, who ON action_items WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('action_items', old.rowid, 1, old.council_id, old.what, old.who);
END;
INSERT INTO action_items_fts(action_items_fts) VALUES ('rebuild');

DROP TRIGGER projects_ai;
DROP TRIGGER projects_ad;
DROP TRIGGER projects_au;
DROP TRIGGER projects_ai_held;
DROP TRIGGER projects_ad_held;
DROP TRIGGER projects_au_held;
DROP TABLE projects_fts;
DROP VIEW projects_search;
CREATE VIEW projects_search(rid, title, description) AS SELECT rowid, lokalraad_words(council_id, title), lokalraad_words(council_id, description) FROM projects;
CREATE VIRTUAL TABLE projects_fts USING fts5(title, description, content='projects_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='18 19 20');
CREATE TRIGGER projects_ai AFTER INSERT ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(rowid, title, description) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.description));
END;
CREATE TRIGGER projects_ad AFTER DELETE ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, title, description) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.description));
END;
CREATE TRIGGER projects_au AFTER UPDATE OF council_id, title, description ON projects WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, title, description) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.description));
  INSERT INTO projects_fts(rowid, title, description) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.description));
END;
CREATE TRIGGER projects_ai_held AFTER INSERT ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('projects', new.rowid, 0);
END;
CREATE TRIGGER projects_ad_held AFTER DELETE ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('projects', old.rowid, 1, old.council_id, old.title, old.description);
END;
CREATE TRIGGER projects_au_held AFTER UPDATE OF council_id, title, description ON projects WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2) VALUES ('projects', old.rowid, 1, old.council_id, old.title, old.description);
END;
INSERT INTO projects_fts(projects_fts) VALUES ('rebuild');

DROP TRIGGER budget_wishes_ai;
DROP TRIGGER budget_wishes_ad;
DROP TRIGGER budget_wishes_au;
DROP TRIGGER budget_wishes_ai_held;
DROP TRIGGER budget_wishes_ad_held;
DROP TRIGGER budget_wishes_au_held;
DROP TABLE budget_wishes_fts;
DROP VIEW budget_wishes_search;
CREATE VIEW budget_wishes_search(rid, title, justification, answer_text) AS SELECT rowid, lokalraad_words(council_id, title), lokalraad_words(council_id, justification), lokalraad_words(council_id, answer_text) FROM budget_wishes;
CREATE VIRTUAL TABLE budget_wishes_fts USING fts5(title, justification, answer_text, content='budget_wishes_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='18 19 20');
CREATE TRIGGER budget_wishes_ai AFTER INSERT ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(rowid, title, justification, answer_text) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.justification), lokalraad_words(new.council_id, new.answer_text));
END;
CREATE TRIGGER budget_wishes_ad AFTER DELETE ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, title, justification, answer_text) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.justification), lokalraad_words(old.council_id, old.answer_text));
END;
CREATE TRIGGER budget_wishes_au AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes WHEN NOT EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, title, justification, answer_text) VALUES ('delete', old.rowid, lokalraad_words(old.council_id, old.title), lokalraad_words(old.council_id, old.justification), lokalraad_words(old.council_id, old.answer_text));
  INSERT INTO budget_wishes_fts(rowid, title, justification, answer_text) VALUES (new.rowid, lokalraad_words(new.council_id, new.title), lokalraad_words(new.council_id, new.justification), lokalraad_words(new.council_id, new.answer_text));
END;
CREATE TRIGGER budget_wishes_ai_held AFTER INSERT ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed) VALUES ('budget_wishes', new.rowid, 0);
END;
CREATE TRIGGER budget_wishes_ad_held AFTER DELETE ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) VALUES ('budget_wishes', old.rowid, 1, old.council_id, old.title, old.justification, old.answer_text);
END;
CREATE TRIGGER budget_wishes_au_held AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes WHEN EXISTS (SELECT 1 FROM search_hold) BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, rid, indexed, council, c1, c2, c3) VALUES ('budget_wishes', old.rowid, 1, old.council_id, old.title, old.justification, old.answer_text);
END;
INSERT INTO budget_wishes_fts(budget_wishes_fts) VALUES ('rebuild');

DELETE FROM search_pending;
DELETE FROM search_hold;

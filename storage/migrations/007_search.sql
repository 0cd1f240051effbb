-- Search one council without ranking the others (issue 10).
--
-- The full-text indexes of 001 held only the texts, so a search ranked every
-- council's hits and cut snippets for them before it looked up each hit's
-- row to keep the chosen council's. Now every index has a first column,
-- council, holding one word made from the row's council id: U+E000 (a
-- private-use character, which the tokenizer keeps in words but which no
-- typed word can contain, so no search finds it by accident) and the id's
-- bytes in hex, so that any id is one token. A search matches that word
-- together with the words typed, so only the chosen council's rows are
-- ranked. Each index reads its texts through a view, so the council word is
-- computed, not stored in the tables.
--
-- Every typed word is searched as a word start. FTS5 answers a word start
-- from its prefix index only when the index has that exact length, and
-- otherwise merges the postings of every matching word of every council:
-- prefix indexes of 2 to 4 letters cover the short starts that would merge
-- the most (about 8 % more file on the large data set); longer starts match
-- few words. 2 to 8 letters searched a little faster (p95 9.7 against
-- 10.5-13.3 ms) but cost 40 % of the insert rate of every write and sync.
--
-- The triggers now fire only when an indexed column changes, not on every
-- update of a row (a status, a position, a tick).
--
-- The old indexes are dropped and rebuilt from the tables, so an old
-- database searches as before once it is opened.

DROP TRIGGER meetings_ai;
DROP TRIGGER meetings_ad;
DROP TRIGGER meetings_au;
DROP TABLE meetings_fts;
DROP TRIGGER agenda_items_ai;
DROP TRIGGER agenda_items_ad;
DROP TRIGGER agenda_items_au;
DROP TABLE agenda_items_fts;
DROP TRIGGER action_items_ai;
DROP TRIGGER action_items_ad;
DROP TRIGGER action_items_au;
DROP TABLE action_items_fts;
DROP TRIGGER projects_ai;
DROP TRIGGER projects_ad;
DROP TRIGGER projects_au;
DROP TABLE projects_fts;
DROP TRIGGER budget_wishes_ai;
DROP TRIGGER budget_wishes_ad;
DROP TRIGGER budget_wishes_au;
DROP TABLE budget_wishes_fts;

CREATE VIEW meetings_search(rid, council, title, place) AS SELECT rowid, char(57344) || hex(council_id), title, place FROM meetings;
CREATE VIRTUAL TABLE meetings_fts USING fts5(council, title, place, content='meetings_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4');
CREATE TRIGGER meetings_ai AFTER INSERT ON meetings BEGIN
  INSERT INTO meetings_fts(rowid, council, title, place) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.place);
END;
CREATE TRIGGER meetings_ad AFTER DELETE ON meetings BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, council, title, place) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.place);
END;
CREATE TRIGGER meetings_au AFTER UPDATE OF council_id, title, place ON meetings BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, council, title, place) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.place);
  INSERT INTO meetings_fts(rowid, council, title, place) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.place);
END;
INSERT INTO meetings_fts(meetings_fts) VALUES ('rebuild');

CREATE VIEW agenda_items_search(rid, council, title, background, notes, decision) AS SELECT rowid, char(57344) || hex(council_id), title, background, notes, decision FROM agenda_items;
CREATE VIRTUAL TABLE agenda_items_fts USING fts5(council, title, background, notes, decision, content='agenda_items_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4');
CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(rowid, council, title, background, notes, decision) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.background, new.notes, new.decision);
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, council, title, background, notes, decision) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE OF council_id, title, background, notes, decision ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, council, title, background, notes, decision) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.background, old.notes, old.decision);
  INSERT INTO agenda_items_fts(rowid, council, title, background, notes, decision) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.background, new.notes, new.decision);
END;
INSERT INTO agenda_items_fts(agenda_items_fts) VALUES ('rebuild');

CREATE VIEW action_items_search(rid, council, what, who) AS SELECT rowid, char(57344) || hex(council_id), what, who FROM action_items;
CREATE VIRTUAL TABLE action_items_fts USING fts5(council, what, who, content='action_items_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4');
CREATE TRIGGER action_items_ai AFTER INSERT ON action_items BEGIN
  INSERT INTO action_items_fts(rowid, council, what, who) VALUES (new.rowid, char(57344) || hex(new.council_id), new.what, new.who);
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, council, what, who) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.what, old.who);
END;
CREATE TRIGGER action_items_au AFTER UPDATE OF council_id, what, who ON action_items BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, council, what, who) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.what, old.who);
  INSERT INTO action_items_fts(rowid, council, what, who) VALUES (new.rowid, char(57344) || hex(new.council_id), new.what, new.who);
END;
INSERT INTO action_items_fts(action_items_fts) VALUES ('rebuild');

CREATE VIEW projects_search(rid, council, title, description) AS SELECT rowid, char(57344) || hex(council_id), title, description FROM projects;
CREATE VIRTUAL TABLE projects_fts USING fts5(council, title, description, content='projects_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4');
CREATE TRIGGER projects_ai AFTER INSERT ON projects BEGIN
  INSERT INTO projects_fts(rowid, council, title, description) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.description);
END;
CREATE TRIGGER projects_ad AFTER DELETE ON projects BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, council, title, description) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.description);
END;
CREATE TRIGGER projects_au AFTER UPDATE OF council_id, title, description ON projects BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, council, title, description) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.description);
  INSERT INTO projects_fts(rowid, council, title, description) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.description);
END;
INSERT INTO projects_fts(projects_fts) VALUES ('rebuild');

CREATE VIEW budget_wishes_search(rid, council, title, justification, answer_text) AS SELECT rowid, char(57344) || hex(council_id), title, justification, answer_text FROM budget_wishes;
CREATE VIRTUAL TABLE budget_wishes_fts USING fts5(council, title, justification, answer_text, content='budget_wishes_search', content_rowid='rid', tokenize='unicode61 remove_diacritics 0', prefix='2 3 4');
CREATE TRIGGER budget_wishes_ai AFTER INSERT ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(rowid, council, title, justification, answer_text) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.justification, new.answer_text);
END;
CREATE TRIGGER budget_wishes_ad AFTER DELETE ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, council, title, justification, answer_text) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
END;
CREATE TRIGGER budget_wishes_au AFTER UPDATE OF council_id, title, justification, answer_text ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, council, title, justification, answer_text) VALUES ('delete', old.rowid, char(57344) || hex(old.council_id), old.title, old.justification, old.answer_text);
  INSERT INTO budget_wishes_fts(rowid, council, title, justification, answer_text) VALUES (new.rowid, char(57344) || hex(new.council_id), new.title, new.justification, new.answer_text);
END;
INSERT INTO budget_wishes_fts(budget_wishes_fts) VALUES ('rebuild');

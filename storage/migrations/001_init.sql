-- The first schema: the council workspace.
--
-- Every row has a text id made on the device that created it (UUIDv7) and
-- the id of its council. Rows are written only through storage's one write
-- path, which appends to the change log (changes) in the same transaction
-- and records the version of every field (field_versions) for sync.
-- Dates are 'YYYY-MM-DD' (Danish calendar days); instants are RFC 3339 UTC
-- text; money is whole øre.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE councils (
    id           TEXT PRIMARY KEY,
    council_id   TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    area         TEXT NOT NULL DEFAULT '',
    annual_grant INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE members (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    contact    INTEGER NOT NULL DEFAULT 0,
    term_start TEXT NOT NULL DEFAULT '',
    term_end   TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX members_council ON members(council_id, name);

CREATE TABLE meetings (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    kind        TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    start       TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    attendees   TEXT NOT NULL DEFAULT '',
    apologies   TEXT NOT NULL DEFAULT '',
    approved_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meetings_council_start ON meetings(council_id, start);

CREATE TABLE agenda_items (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    meeting_id TEXT NOT NULL REFERENCES meetings(id) DEFERRABLE INITIALLY DEFERRED,
    position   INTEGER NOT NULL DEFAULT 0,
    title      TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    minutes    INTEGER NOT NULL DEFAULT 0,
    background TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    decision   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);
CREATE INDEX agenda_items_council ON agenda_items(council_id);

CREATE TABLE action_items (
    id             TEXT PRIMARY KEY,
    council_id     TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    meeting_id     TEXT NOT NULL DEFAULT '',
    agenda_item_id TEXT NOT NULL DEFAULT '',
    who            TEXT NOT NULL DEFAULT '',
    what           TEXT NOT NULL DEFAULT '',
    due            TEXT NOT NULL DEFAULT '',
    done           INTEGER NOT NULL DEFAULT 0,
    done_at        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX action_items_council ON action_items(council_id, done, due);
CREATE INDEX action_items_meeting ON action_items(meeting_id);

CREATE TABLE projects (
    id             TEXT PRIMARY KEY,
    council_id     TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    title          TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT '',
    responsible_id TEXT NOT NULL DEFAULT '',
    working_group  TEXT NOT NULL DEFAULT '',
    start_date     TEXT NOT NULL DEFAULT '',
    end_date       TEXT NOT NULL DEFAULT '',
    progress       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX projects_council ON projects(council_id, title);

CREATE TABLE budget_lines (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    project_id TEXT NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    text       TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    amount     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX budget_lines_project ON budget_lines(project_id);
CREATE INDEX budget_lines_council ON budget_lines(council_id);

CREATE TABLE funding_applications (
    id              TEXT PRIMARY KEY,
    council_id      TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    project_id      TEXT NOT NULL REFERENCES projects(id) DEFERRABLE INITIALLY DEFERRED,
    pool            TEXT NOT NULL DEFAULT '',
    deadline        TEXT NOT NULL DEFAULT '',
    applied         INTEGER NOT NULL DEFAULT 0,
    granted         INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT '',
    volunteer_hours INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX funding_applications_project ON funding_applications(project_id);
CREATE INDEX funding_applications_council ON funding_applications(council_id, deadline);

CREATE TABLE budget_wishes (
    id            TEXT PRIMARY KEY,
    council_id    TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    year          INTEGER NOT NULL DEFAULT 0,
    title         TEXT NOT NULL DEFAULT '',
    justification TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL DEFAULT '',
    estimate      INTEGER NOT NULL DEFAULT 0,
    priority      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT '',
    answer        TEXT NOT NULL DEFAULT '',
    answer_text   TEXT NOT NULL DEFAULT '',
    granted       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX budget_wishes_council_year ON budget_wishes(council_id, year, priority);

-- The change log: one row a changed field. op id = (device, seq); hlc is a
-- hybrid logical clock (milliseconds << 16 | counter); base is the op id
-- ('device:seq') of the field's version this edit was based on, '' for a new
-- row. A deleted row is one op with field '' and value NULL.
CREATE TABLE changes (
    device     TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    hlc        INTEGER NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    council_id TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      ANY,
    base       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device, seq)
);
CREATE INDEX changes_council ON changes(council_id, hlc);

-- The current version of every field: which op wrote it.
CREATE TABLE field_versions (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    device TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;

-- Deleted rows, so that a delete survives sync.
CREATE TABLE tombstones (
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL,
    council_id TEXT NOT NULL,
    hlc        INTEGER NOT NULL,
    device     TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Full-text search (FTS5) over titles, agenda texts, minutes and decisions,
-- kept in step with the tables by triggers.
CREATE VIRTUAL TABLE meetings_fts USING fts5(title, place, content='meetings', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE agenda_items_fts USING fts5(title, background, notes, decision, content='agenda_items', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE action_items_fts USING fts5(what, who, content='action_items', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE projects_fts USING fts5(title, description, content='projects', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE budget_wishes_fts USING fts5(title, justification, answer_text, content='budget_wishes', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0');

CREATE TRIGGER meetings_ai AFTER INSERT ON meetings BEGIN
  INSERT INTO meetings_fts(rowid, title, place) VALUES (new.rowid, new.title, new.place);
END;
CREATE TRIGGER meetings_ad AFTER DELETE ON meetings BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, title, place) VALUES ('delete', old.rowid, old.title, old.place);
END;
CREATE TRIGGER meetings_au AFTER UPDATE ON meetings BEGIN
  INSERT INTO meetings_fts(meetings_fts, rowid, title, place) VALUES ('delete', old.rowid, old.title, old.place);
  INSERT INTO meetings_fts(rowid, title, place) VALUES (new.rowid, new.title, new.place);
END;

CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(rowid, title, background, notes, decision) VALUES (new.rowid, new.title, new.background, new.notes, new.decision);
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, title, background, notes, decision) VALUES ('delete', old.rowid, old.title, old.background, old.notes, old.decision);
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE ON agenda_items BEGIN
  INSERT INTO agenda_items_fts(agenda_items_fts, rowid, title, background, notes, decision) VALUES ('delete', old.rowid, old.title, old.background, old.notes, old.decision);
  INSERT INTO agenda_items_fts(rowid, title, background, notes, decision) VALUES (new.rowid, new.title, new.background, new.notes, new.decision);
END;

CREATE TRIGGER action_items_ai AFTER INSERT ON action_items BEGIN
  INSERT INTO action_items_fts(rowid, what, who) VALUES (new.rowid, new.what, new.who);
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, what, who) VALUES ('delete', old.rowid, old.what, old.who);
END;
CREATE TRIGGER action_items_au AFTER UPDATE ON action_items BEGIN
  INSERT INTO action_items_fts(action_items_fts, rowid, what, who) VALUES ('delete', old.rowid, old.what, old.who);
  INSERT INTO action_items_fts(rowid, what, who) VALUES (new.rowid, new.what, new.who);
END;

CREATE TRIGGER projects_ai AFTER INSERT ON projects BEGIN
  INSERT INTO projects_fts(rowid, title, description) VALUES (new.rowid, new.title, new.description);
END;
CREATE TRIGGER projects_ad AFTER DELETE ON projects BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, title, description) VALUES ('delete', old.rowid, old.title, old.description);
END;
CREATE TRIGGER projects_au AFTER UPDATE ON projects BEGIN
  INSERT INTO projects_fts(projects_fts, rowid, title, description) VALUES ('delete', old.rowid, old.title, old.description);
  INSERT INTO projects_fts(rowid, title, description) VALUES (new.rowid, new.title, new.description);
END;

CREATE TRIGGER budget_wishes_ai AFTER INSERT ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(rowid, title, justification, answer_text) VALUES (new.rowid, new.title, new.justification, new.answer_text);
END;
CREATE TRIGGER budget_wishes_ad AFTER DELETE ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, title, justification, answer_text) VALUES ('delete', old.rowid, old.title, old.justification, old.answer_text);
END;
CREATE TRIGGER budget_wishes_au AFTER UPDATE ON budget_wishes BEGIN
  INSERT INTO budget_wishes_fts(budget_wishes_fts, rowid, title, justification, answer_text) VALUES ('delete', old.rowid, old.title, old.justification, old.answer_text);
  INSERT INTO budget_wishes_fts(rowid, title, justification, answer_text) VALUES (new.rowid, new.title, new.justification, new.answer_text);
END;

-- Meeting preparation (issue 13): attendance, approval and agenda templates.
--
-- Attendance is kept as the meeting's existing name lists, one name a
-- line: attendees (til stede) and apologies (afbud), plus absent
-- (fraværende) and guests (gæster, not members). Lines merge line by line
-- in sync like the other name lists, and an erasure of a person finds them
-- where it already looks.
--
-- approved_by is who approved the minutes (a member's name or a typed
-- one); approved_in the meeting at which they were approved (its id, ''
-- when not said).
ALTER TABLE meetings ADD COLUMN absent      TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN guests      TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN approved_in TEXT NOT NULL DEFAULT '';

-- quorum: how many board members must be present for the board to be
-- beslutningsdygtig; 0 means more than half the board.
ALTER TABLE councils ADD COLUMN quorum INTEGER NOT NULL DEFAULT 0;

-- A council's own agenda templates: items holds one agenda item a line,
-- "minutes|kind|title" (model.TemplateItems).
CREATE TABLE agenda_templates (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils(id) DEFERRABLE INITIALLY DEFERRED,
    name       TEXT NOT NULL DEFAULT '',
    items      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agenda_templates_council ON agenda_templates(council_id, name);

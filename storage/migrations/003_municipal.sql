-- The municipality's own data: pools, deadlines, contacts and
-- announcements. They belong to no single council: council_id is always
-- 'kommunen' (model.MunicipalityID). Only staff devices write them; the hub
-- sends them to every device. Dates are 'YYYY-MM-DD', money whole øre.

CREATE TABLE pools (
    id                  TEXT PRIMARY KEY,
    council_id          TEXT NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    rules               TEXT NOT NULL DEFAULT '',
    available           INTEGER NOT NULL DEFAULT 0,
    max_per_application INTEGER NOT NULL DEFAULT 0,
    deadline            TEXT NOT NULL DEFAULT '',
    open_all_year       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pools_deadline ON pools(deadline);

CREATE TABLE deadlines (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    date        TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deadlines_date ON deadlines(date);

-- areas: the local areas a contact serves, one a line; '' for all.
CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    areas      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE announcements (
    id         TEXT PRIMARY KEY,
    council_id TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL DEFAULT '',
    date       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX announcements_date ON announcements(date);

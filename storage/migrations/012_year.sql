-- The council's year (issue 14).
--
-- Pools as data: a pool's rules (each off when 0) and an application's
-- pick of a pool by id; the pool's name stays in funding_applications.pool,
-- also for a foundation typed in.
ALTER TABLE pools ADD COLUMN min_project_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pools ADD COLUMN volunteer_rate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pools ADD COLUMN volunteer_cap_pct INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pools ADD COLUMN no_running_costs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pools ADD COLUMN accounts_months INTEGER NOT NULL DEFAULT 0;
ALTER TABLE funding_applications ADD COLUMN pool_id TEXT NOT NULL DEFAULT '';
ALTER TABLE funding_applications ADD COLUMN running_costs INTEGER NOT NULL DEFAULT 0;

-- Årshjul: the council's recurring yearly rules (model.YearRule). kind says
-- how the date is found: 'date' (month and day), 'weekday' (the nth, or
-- last when nth = -1, weekday of month); notice_days > 0 adds a reminder
-- that many days before (the notice of a generalforsamling).
CREATE TABLE year_rules (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'date',
    month       INTEGER NOT NULL DEFAULT 1,
    day         INTEGER NOT NULL DEFAULT 1,
    weekday     INTEGER NOT NULL DEFAULT 0,
    nth         INTEGER NOT NULL DEFAULT 1,
    notice_days INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX year_rules_council ON year_rules(council_id);

-- Årsregnskab: the accounts of the annual grant, a line each (amount in
-- øre, never negative: kind says which way), and a year's opening balance
-- and approval at the generalforsamling.
CREATE TABLE account_entries (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    date        TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'udgift',
    amount      INTEGER NOT NULL DEFAULT 0,
    category    TEXT NOT NULL DEFAULT '',
    project_id  TEXT NOT NULL DEFAULT '',
    wages       INTEGER NOT NULL DEFAULT 0,
    receipt     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_entries_council ON account_entries(council_id, date);

CREATE TABLE accounts_years (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    year        INTEGER NOT NULL DEFAULT 0,
    opening     INTEGER NOT NULL DEFAULT 0,
    approved    TEXT NOT NULL DEFAULT '',
    meeting_id  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accounts_years_council ON accounts_years(council_id, year);

-- Lokal udviklingsplan by year: the vision, focus areas (goals one a
-- line, linked projects' ids one a line) and the action plan.
CREATE TABLE dev_plans (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    year        INTEGER NOT NULL DEFAULT 0,
    vision      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dev_plans_council ON dev_plans(council_id, year);

CREATE TABLE focus_areas (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    plan_id     TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    goals       TEXT NOT NULL DEFAULT '',
    projects    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX focus_areas_plan ON focus_areas(plan_id);

CREATE TABLE plan_actions (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    plan_id     TEXT NOT NULL DEFAULT '',
    focus_id    TEXT NOT NULL DEFAULT '',
    who         TEXT NOT NULL DEFAULT '',
    what        TEXT NOT NULL DEFAULT '',
    due         TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'ikke_startet'
);
CREATE INDEX plan_actions_plan ON plan_actions(plan_id);

-- The hub's web pages: staff users who log in with a password (only its
-- PBKDF2 hash is kept). Local to the hub's database: never synced.
CREATE TABLE staff_users (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    pw_hash   TEXT NOT NULL,
    created   TEXT NOT NULL DEFAULT ''
);

-- The council's public page at the hub: off by default, and what is on it.
CREATE TABLE publications (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 0,
    meetings    INTEGER NOT NULL DEFAULT 0,
    minutes     INTEGER NOT NULL DEFAULT 0,
    plan        INTEGER NOT NULL DEFAULT 0,
    intro       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX publications_council ON publications(council_id);

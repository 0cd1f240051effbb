-- Borgerbudgettering (issue 11): a round of citizen budgeting per council,
-- its proposals, the paper ballots as entered by the counters, and the
-- per-place totals of places that only report sums. All council data,
-- written through the change log and synced like any row.

-- A round: the pot (øre), the area's population (for turnout), the phase
-- and its planned dates, and the rules, fixed once voting opens (phase
-- 'afstemning'): who may vote, the ballot kind, the counting method and
-- how ties are broken. override_ids/override_reason: a manual override of
-- the result, only with a written reason.
CREATE TABLE pb_rounds (
    id              TEXT PRIMARY KEY,
    council_id      TEXT NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    pot             INTEGER NOT NULL DEFAULT 0,
    population      INTEGER NOT NULL DEFAULT 0,
    phase           TEXT NOT NULL DEFAULT 'forslag',
    proposals_from  TEXT NOT NULL DEFAULT '',
    review_from     TEXT NOT NULL DEFAULT '',
    voting_from     TEXT NOT NULL DEFAULT '',
    voting_to       TEXT NOT NULL DEFAULT '',
    result_date     TEXT NOT NULL DEFAULT '',
    min_age         INTEGER NOT NULL DEFAULT 0,
    residents_only  INTEGER NOT NULL DEFAULT 0,
    ballot_kind     TEXT NOT NULL DEFAULT 'approval',
    max_choices     INTEGER NOT NULL DEFAULT 0,
    points          INTEGER NOT NULL DEFAULT 0,
    method          TEXT NOT NULL DEFAULT 'votes',
    tie_rule        TEXT NOT NULL DEFAULT 'id',
    tie_order       TEXT NOT NULL DEFAULT '',
    totals_mode     INTEGER NOT NULL DEFAULT 0,
    override_ids    TEXT NOT NULL DEFAULT '',
    override_reason TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pb_rounds_council ON pb_rounds(council_id);

-- A proposal (forslag): number is its number on the ballot; proposer name
-- and contact are personal data; adjusted_cost is the municipality's.
-- project_id links a winner to the project it became.
CREATE TABLE pb_proposals (
    id               TEXT PRIMARY KEY,
    council_id       TEXT NOT NULL,
    round_id         TEXT NOT NULL DEFAULT '',
    number           INTEGER NOT NULL DEFAULT 0,
    title            TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    proposer_name    TEXT NOT NULL DEFAULT '',
    proposer_contact TEXT NOT NULL DEFAULT '',
    cost             INTEGER NOT NULL DEFAULT 0,
    category         TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'modtaget',
    reason           TEXT NOT NULL DEFAULT '',
    adjusted_cost    INTEGER NOT NULL DEFAULT 0,
    project_id       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pb_proposals_round ON pb_proposals(round_id);

-- A paper ballot as one counter entered it: entry is 1 or 2 (double entry:
-- two counters enter the same batch), number is the number printed on the
-- sheet, marks the proposal numbers marked, one a line ("7" or, on a
-- points ballot, "7:3"). Nothing ties a ballot to a person.
CREATE TABLE pb_ballots (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    round_id    TEXT NOT NULL DEFAULT '',
    entry       INTEGER NOT NULL DEFAULT 1,
    number      INTEGER NOT NULL DEFAULT 0,
    place       TEXT NOT NULL DEFAULT '',
    marks       TEXT NOT NULL DEFAULT '',
    entered     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pb_ballots_round ON pb_ballots(round_id, number);

-- Totals of a polling place that reports only per-proposal sums (then
-- only the votes method applies).
CREATE TABLE pb_totals (
    id          TEXT PRIMARY KEY,
    council_id  TEXT NOT NULL,
    round_id    TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    proposal_id TEXT NOT NULL DEFAULT '',
    votes       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pb_totals_round ON pb_totals(round_id);

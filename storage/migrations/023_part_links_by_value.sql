-- The indexes of migration 022 began with tbl, so SQLite also chose them
-- for a row's own ops of such a column ("WHERE tbl = ? AND row_id = ?
-- AND field = 'meeting_id'": the locked-minutes check of every incoming
-- op of an item, the wholes above a part), reading every item's
-- meeting_id op of the table instead of one row's: a meeting of 10,000
-- items deleted on another laptop took 24 s to apply instead of under a
-- second. Beginning with the value (the whole's id), they serve only the
-- lookup of the rows that name a whole (TestPartLinksIndexed), and a
-- row's own ops keep changes_field (TestRowOpsKeepTheirIndex).

DROP INDEX changes_link_meeting;
DROP INDEX changes_link_owner;
DROP INDEX changes_link_project;
DROP INDEX changes_link_round;
DROP INDEX changes_link_proposal;
CREATE INDEX changes_link_meeting ON changes(value, tbl, council_id, row_id) WHERE field = 'meeting_id';
CREATE INDEX changes_link_owner ON changes(value, tbl, council_id, row_id) WHERE field = 'owner_id';
CREATE INDEX changes_link_project ON changes(value, tbl, council_id, row_id) WHERE field = 'project_id';
CREATE INDEX changes_link_round ON changes(value, tbl, council_id, row_id) WHERE field = 'round_id';
CREATE INDEX changes_link_proposal ON changes(value, tbl, council_id, row_id) WHERE field = 'proposal_id';

-- A whole (a meeting, a project, a round: model/parts.go) deleted on one
-- laptop while another worked on one of its parts comes back with them
-- (storage/merge.go, I9). Deciding so looks up the rows whose column
-- naming their whole was ever set to its id, by the ops: these partial
-- indexes hold only the ops of such columns, a small part of the log.
-- A new link in model/parts.go needs its index here
-- (TestPartLinksIndexed).

CREATE INDEX changes_link_meeting ON changes(tbl, value, council_id, row_id) WHERE field = 'meeting_id';
CREATE INDEX changes_link_owner ON changes(tbl, value, council_id, row_id) WHERE field = 'owner_id';
CREATE INDEX changes_link_project ON changes(tbl, value, council_id, row_id) WHERE field = 'project_id';
CREATE INDEX changes_link_round ON changes(tbl, value, council_id, row_id) WHERE field = 'round_id';
CREATE INDEX changes_link_proposal ON changes(tbl, value, council_id, row_id) WHERE field = 'proposal_id';

-- A council may publish its citizen budget results on its public page
-- (issue 14): rounds whose result is published, winners and counts only.
ALTER TABLE publications ADD COLUMN budget INTEGER NOT NULL DEFAULT 0;

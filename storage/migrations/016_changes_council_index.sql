-- A new laptop's first sync wrote every op into three indexes of the change
-- log (issue 10). The one by council and clock serves only the staff
-- overview ("Alle råd", /oversigt: a council's newest ops) and, on the
-- hub, bundles of one council among many; on a council's laptop, which
-- holds one council, every query that named it reads the whole log anyway.
-- It is dropped here and made again where it pays: on the hub (SetHub) and
-- on a device that opens the staff overview (ensureCouncilIndex).
DROP INDEX IF EXISTS changes_council;

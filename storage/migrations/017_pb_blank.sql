-- A round's rule whether a blank ballot (a voter who marked nothing) is a
-- valid ballot that supports nothing, as in Pabulib files, where every
-- voter has a share of the pot under MES (issue 11). Off: a blank paper
-- ballot is invalid, as before.
ALTER TABLE pb_rounds ADD COLUMN blank_valid INTEGER NOT NULL DEFAULT 0;

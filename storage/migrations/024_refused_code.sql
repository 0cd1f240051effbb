-- A refused change keeps its refusal's code (model.Code) beside the
-- reason, which is Danish prose: a screen in another language says the
-- code's text instead of the prose. Rows refused before keep '' (the
-- screens then say that the server refused the change).
ALTER TABLE sync_refused ADD COLUMN code TEXT NOT NULL DEFAULT '';

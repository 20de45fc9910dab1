-- Who stored each revision and why: the token's name (NULL when unknown: authentication off,
-- or a revision imported from a file without it) and the editor's change note. The Brief body
-- holds them too; the columns let an audit query (who changed what, when) skip the bodies.
-- Revisions stored before this migration have neither (their bodies do not name them either).

ALTER TABLE brief_revisions ADD COLUMN revised_by TEXT;
ALTER TABLE brief_revisions ADD COLUMN change_note TEXT;

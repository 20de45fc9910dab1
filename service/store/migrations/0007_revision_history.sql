-- The Atom feeds (issue 12) list revisions newest first, of one story or of all: without these
-- indexes every feed page sorts every revision row. Time travel reads a story's revision rows
-- through the primary key and needs nothing new.

CREATE INDEX brief_revisions_by_time ON brief_revisions (revised_at);

CREATE INDEX brief_revisions_by_story_time ON brief_revisions (story_id, revised_at);

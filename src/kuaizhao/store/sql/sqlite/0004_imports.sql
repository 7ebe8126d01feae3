-- WARC and ARC files imported from other tools (`kuaizhao import`). Records stay in
-- the file; `warc_file` is its name under <home>/warc (a copy under imported/, or a
-- symbolic link under linked/ to where the file lives), which capture pointers use.
-- The file's SHA-256 makes a second import of the same bytes add nothing.

CREATE TABLE imported_files (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL UNIQUE,
    size           INTEGER NOT NULL,
    original_path  TEXT NOT NULL,
    warc_file      TEXT NOT NULL,
    placement      TEXT NOT NULL,          -- link | copy | in_place
    source_id      INTEGER REFERENCES sources(id),
    category       TEXT,
    imported_at    TEXT NOT NULL,
    report_json    TEXT NOT NULL           -- counts, content types and skipped records
);
CREATE INDEX imported_files_warc_file ON imported_files (warc_file);

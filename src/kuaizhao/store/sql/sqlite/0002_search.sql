-- Full-text search. How and why: src/kuaizhao/index/tokens.py and docs/search.md.
--
-- search_fts is CONTENTLESS (content=''): the text is stored once, in snapshots, and
-- the index holds only tokens. FTS5's own copy would hold the bigram-expanded text
-- (about 2.5x the original for Chinese), and its snippet() would show the inserted
-- spaces anyway, so snippets are cut in Python from snapshots.text. An external-content
-- table pointing at snapshots would be wrong: FTS5 would re-tokenise the raw text,
-- which is not what was indexed. SQLite 3.40 has no contentless_delete, so removal
-- uses the 'delete' command with the exact values that were indexed; they are rebuilt
-- from snapshots (title, text) and search_docs.keywords, and the guard triggers below
-- keep those from changing while a snapshot is indexed.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, keywords,
    content = '',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Collect up to 16 MB of new postings in memory before writing a segment (default 1 MB),
-- and merge a level only when 16 segments have piled up (default 4): a bulk reindex in
-- large transactions then writes and merges far fewer times. Measured at 100k articles:
-- 1,894 -> 2,243 articles/s with no change in query time (docs/search.md).
-- SqliteSearch.optimize() merges everything after a bulk load.
INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 16);

-- One row per indexed snapshot (only the latest capture of each URL is indexed), with
-- copies of the columns that filters, sorting and story collapsing read. Reading them
-- here instead of from snapshots keeps a search with 100,000 matches off the long
-- snapshot rows, whose later columns sit behind the text in overflow pages. The sync
-- trigger keeps the copies current.
CREATE TABLE search_docs (
    snapshot_id  INTEGER PRIMARY KEY REFERENCES snapshots(id),
    url          TEXT NOT NULL,
    story_id     INTEGER,
    source_id    INTEGER,
    category     TEXT,
    sort_time    TEXT NOT NULL,      -- coalesce(published_at, captured_at)
    captured_at  TEXT NOT NULL,
    keywords     TEXT NOT NULL DEFAULT ''  -- exactly what went into search_fts.keywords
);
CREATE INDEX search_docs_url ON search_docs (url);
CREATE INDEX search_docs_story ON search_docs (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX search_docs_time ON search_docs (sort_time);
CREATE INDEX search_docs_category ON search_docs (category, sort_time);
CREATE INDEX search_docs_source ON search_docs (source_id, sort_time);

CREATE TRIGGER search_docs_sync AFTER UPDATE OF url, story_id, source_id, category,
    published_at, captured_at ON snapshots
WHEN EXISTS (SELECT 1 FROM search_docs WHERE snapshot_id = NEW.id)
BEGIN
    UPDATE search_docs SET
        url = NEW.url, story_id = NEW.story_id, source_id = NEW.source_id,
        category = NEW.category, sort_time = coalesce(NEW.published_at, NEW.captured_at),
        captured_at = NEW.captured_at
    WHERE snapshot_id = NEW.id;
END;

CREATE TRIGGER search_guard_update BEFORE UPDATE OF title, text ON snapshots
WHEN (NEW.title IS NOT OLD.title OR NEW.text IS NOT OLD.text)
    AND EXISTS (SELECT 1 FROM search_docs WHERE snapshot_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'snapshot is in the search index: remove it from search (SqliteSearch.remove) before changing its title or text, then index it again');
END;

CREATE TRIGGER search_guard_delete BEFORE DELETE ON snapshots
WHEN EXISTS (SELECT 1 FROM search_docs WHERE snapshot_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'snapshot is in the search index: remove it from search (SqliteSearch.remove) before deleting it');
END;

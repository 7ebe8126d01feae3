-- Core tables. Times are ISO 8601 text in UTC ("2024-02-07T13:02:00+00:00") so that
-- text order is time order on both SQLite and PostgreSQL.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    homepage    TEXT,
    config_json TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The crawl frontier: one row per URL ever discovered. A claimed row whose lease has
-- run out (the worker died) is due again.
CREATE TABLE frontier (
    url            TEXT PRIMARY KEY,
    source_id      INTEGER REFERENCES sources(id),
    kind           TEXT NOT NULL,            -- feed | sitemap | listing | article
    priority       INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL DEFAULT 'pending',  -- pending | claimed | done | failed
    due_at         TEXT NOT NULL,
    claimed_until  TEXT,
    claimed_by     TEXT,                     -- host:pid of the worker holding the claim
    attempts       INTEGER NOT NULL DEFAULT 0,
    discovered_at  TEXT NOT NULL,
    last_outcome   TEXT,
    category_hint  TEXT,
    title_hint     TEXT
);
CREATE INDEX frontier_due ON frontier (state, due_at, priority);

-- Every fetch attempt and how it ended, including the ones that wrote nothing.
CREATE TABLE fetches (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    source_id   INTEGER REFERENCES sources(id),
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    status      INTEGER,
    error       TEXT,
    fetched_at  TEXT NOT NULL
);
CREATE INDEX fetches_outcome ON fetches (outcome);

-- One row per WARC response or revisit record. The WARC file is the truth; this row
-- is a pointer to it plus what is needed for conditional GET and dedupe.
CREATE TABLE captures (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    source_id       INTEGER REFERENCES sources(id),
    captured_at     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    content_type    TEXT,
    warc_file       TEXT NOT NULL,
    warc_offset     INTEGER NOT NULL,
    warc_length     INTEGER NOT NULL,
    request_offset  INTEGER,
    request_length  INTEGER,
    record_id       TEXT NOT NULL UNIQUE,
    payload_digest  TEXT NOT NULL,
    is_revisit      INTEGER NOT NULL DEFAULT 0,
    etag            TEXT,
    last_modified   TEXT
);
CREATE INDEX captures_url ON captures (url, captured_at);
CREATE INDEX captures_digest ON captures (payload_digest);

-- A group of snapshots that carry the same story (exact payload digest for now).
CREATE TABLE stories (
    id                    INTEGER PRIMARY KEY,
    original_snapshot_id  INTEGER,
    created_at            TEXT NOT NULL
);

-- An extracted article page: one per capture whose payload was new.
CREATE TABLE snapshots (
    id              INTEGER PRIMARY KEY,
    capture_id      INTEGER NOT NULL UNIQUE REFERENCES captures(id),
    url             TEXT NOT NULL,
    source_id       INTEGER REFERENCES sources(id),
    captured_at     TEXT NOT NULL,
    published_at    TEXT,
    title           TEXT NOT NULL,
    category        TEXT,
    language        TEXT,
    text            TEXT NOT NULL,
    article_json    TEXT NOT NULL,
    payload_digest  TEXT NOT NULL,
    text_digest     TEXT,                  -- digest of the normalised body, for story grouping
    story_id        INTEGER REFERENCES stories(id)
);
CREATE INDEX snapshots_text_digest ON snapshots (text_digest);
CREATE INDEX snapshots_url ON snapshots (url, captured_at);
CREATE INDEX snapshots_captured ON snapshots (captured_at);
CREATE INDEX snapshots_category ON snapshots (category, captured_at);
CREATE INDEX snapshots_story ON snapshots (story_id);

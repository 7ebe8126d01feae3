-- Versions of a URL, removals at the source, and near-duplicate stories across outlets.
-- Why and how: docs/versions.md. Every row here is derived: `reindex` rebuilds them
-- from the WARC files, so references cascade when the rows they point to are cleared.

-- Each capture of an article URL that has a version, and the version it shows. kind:
-- 'first' and 'version' made a new snapshot; 'same' is a capture whose article differs
-- only in times, counters or advertisements; 'revisit' an identical payload or a 304;
-- 'removed' found the page gone (its snapshot_id is the last version before).
CREATE TABLE capture_versions (
    capture_id   BIGINT PRIMARY KEY REFERENCES captures(id) ON DELETE CASCADE,
    url          TEXT COLLATE "C" NOT NULL,
    snapshot_id  BIGINT REFERENCES snapshots(id) ON DELETE CASCADE,
    kind         TEXT COLLATE "C" NOT NULL,
    changed      TEXT COLLATE "C" NOT NULL DEFAULT ''  -- comma-separated fields, for kind 'version'
);
CREATE INDEX capture_versions_url ON capture_versions (url, capture_id);
CREATE INDEX capture_versions_snapshot ON capture_versions (snapshot_id);
CREATE INDEX capture_versions_edits ON capture_versions (kind) WHERE kind = 'version';

-- An article found gone after it had been captured; restored_at is set when it is back.
CREATE TABLE removals (
    url               TEXT COLLATE "C" PRIMARY KEY,
    removed_at        TEXT COLLATE "C" NOT NULL,
    reason            TEXT COLLATE "C" NOT NULL,
    capture_id        BIGINT NOT NULL REFERENCES captures(id) ON DELETE CASCADE,
    last_snapshot_id  BIGINT REFERENCES snapshots(id) ON DELETE SET NULL,
    restored_at       TEXT COLLATE "C"
);
CREATE INDEX removals_time ON removals (removed_at);
CREATE INDEX removals_capture ON removals (capture_id);
CREATE INDEX removals_snapshot ON removals (last_snapshot_id);

-- MinHash signature of each snapshot's body (little-endian uint64 values) and its LSH
-- band keys (63-bit integers: BIGINT on PostgreSQL). A new body's band keys find the
-- stored bodies it may repeat with one indexed lookup.
CREATE TABLE near_dup_signatures (
    snapshot_id  BIGINT PRIMARY KEY REFERENCES snapshots(id) ON DELETE CASCADE,
    signature    BYTEA NOT NULL,
    shingles     BIGINT NOT NULL
);
CREATE TABLE lsh_bands (
    band_key     BIGINT NOT NULL,
    snapshot_id  BIGINT NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, snapshot_id)
);
CREATE INDEX lsh_bands_snapshot ON lsh_bands (snapshot_id);

-- Why a story's original is the one it is (dedupe.stories.REASONS), and its URL, so a
-- collapsed search hit can show the original's indexed (latest) version.
ALTER TABLE stories ADD COLUMN original_reason TEXT COLLATE "C";
ALTER TABLE stories ADD COLUMN original_url TEXT COLLATE "C";

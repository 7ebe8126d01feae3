-- Takedowns (docs/takedown.md). Requests, their removal scopes and the audit log live
-- in their own tables, which `reindex` never empties; the `removed` marker on captures
-- and snapshots is derived from them (the triggers below mark new rows, and
-- TakedownTables.apply_takedowns re-marks everything after a decision), and every read
-- the site, feeds, subscriptions, API, Memento and export make filters on it.

CREATE TABLE takedown_requests (
    id                 INTEGER PRIMARY KEY,
    token_digest       TEXT NOT NULL UNIQUE,      -- digest of the requester's tracking token
    state              TEXT NOT NULL,             -- received | under_review | removed | rejected | restored
    origin             TEXT NOT NULL,             -- public | operator
    reason_category    TEXT NOT NULL,
    reason             TEXT NOT NULL,
    requester_name     TEXT NOT NULL,
    requester_contact  TEXT NOT NULL,
    relationship       TEXT NOT NULL,
    good_faith         INTEGER NOT NULL,
    urls_json          TEXT NOT NULL,
    snapshot_ids_json  TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX takedown_requests_state ON takedown_requests (state, created_at);

-- What an approved request removes. Active only while the request is `removed` and
-- before `embargo_until`.
CREATE TABLE takedown_scopes (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES takedown_requests(id),
    kind            TEXT NOT NULL,                -- snapshot | url | prefix | source
    value           TEXT NOT NULL,                -- URL, prefix or source name
    payload_digest  TEXT,                         -- for kind = snapshot
    captured_from   TEXT,
    captured_until  TEXT,
    embargo_until   TEXT,
    active          INTEGER NOT NULL DEFAULT 0,
    removed_at      TEXT
);
CREATE INDEX takedown_scopes_active ON takedown_scopes (active);

CREATE TABLE takedown_audit (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES takedown_requests(id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX takedown_audit_request ON takedown_audit (request_id, id);

ALTER TABLE captures ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX captures_removed ON captures (removed) WHERE removed = 1;
CREATE INDEX snapshots_removed ON snapshots (removed) WHERE removed = 1;

-- A capture written while a removal covers it (crawl, import, reindex) is marked at
-- once, in the same statement; keep this predicate equal to takedowns.COVERS.
CREATE TRIGGER takedown_mark_capture AFTER INSERT ON captures
WHEN EXISTS (SELECT 1 FROM takedown_scopes t WHERE t.active = 1
    AND (t.captured_from IS NULL OR NEW.captured_at >= t.captured_from)
    AND (t.captured_until IS NULL OR NEW.captured_at < t.captured_until)
    AND CASE t.kind
        WHEN 'snapshot' THEN t.value = NEW.url AND t.payload_digest = NEW.payload_digest
        WHEN 'url' THEN t.value = NEW.url
        WHEN 'prefix' THEN substr(NEW.url, 1, length(t.value)) = t.value
        WHEN 'source' THEN t.value = (SELECT name FROM sources WHERE id = NEW.source_id)
        ELSE 0 END)
BEGIN
    UPDATE captures SET removed = 1 WHERE id = NEW.id;
END;

-- A snapshot is removed exactly when its capture is.
CREATE TRIGGER takedown_mark_snapshot AFTER INSERT ON snapshots
WHEN (SELECT removed FROM captures WHERE id = NEW.capture_id) = 1
BEGIN
    UPDATE snapshots SET removed = 1 WHERE id = NEW.id;
END;

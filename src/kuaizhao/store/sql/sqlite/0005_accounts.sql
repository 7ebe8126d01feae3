-- Accounts and subscriptions (我的订阅). How and why: docs/subscriptions.md.
--
-- Secrets are never stored as given: passwords as argon2 hashes, session ids and API
-- tokens as SHA-256 digests (a stolen database opens no session). The private feed
-- token is shown to its owner on the account page, so it is kept, with its digest
-- for the lookup.

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL UNIQUE,      -- casefolded name: one account per name
    password_hash      TEXT NOT NULL,
    role               TEXT NOT NULL DEFAULT 'reader',  -- reader | admin
    created_at         TEXT NOT NULL,
    feed_token         TEXT NOT NULL,
    feed_token_digest  TEXT NOT NULL UNIQUE,
    email              TEXT,
    digest_enabled     INTEGER NOT NULL DEFAULT 0,
    last_digest_at     TEXT
);

CREATE TABLE sessions (
    digest      TEXT PRIMARY KEY,                 -- sha256 of the cookie value
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    digest      TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- What a user follows: a category, a source, or a saved search (query text of the
-- search language). Paused subscriptions match nothing.
CREATE TABLE subscriptions (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,              -- category | source | search
    target             TEXT NOT NULL,              -- category name, source name or query
    name               TEXT NOT NULL,
    paused             INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    webhook_url        TEXT,
    webhook_secret     TEXT,
    webhook_enabled    INTEGER NOT NULL DEFAULT 0,
    webhook_failures   INTEGER NOT NULL DEFAULT 0,
    webhook_disabled_reason TEXT
);
CREATE INDEX subscriptions_user ON subscriptions (user_id);

-- Bumped by every change to subscriptions, so a matcher compiled in any process knows
-- when to recompile (the web server edits, the crawler matches).
CREATE TABLE subscription_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO subscription_version VALUES (1, 0);
CREATE TRIGGER subscriptions_bump_insert AFTER INSERT ON subscriptions BEGIN
    UPDATE subscription_version SET version = version + 1;
END;
CREATE TRIGGER subscriptions_bump_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE subscription_version SET version = version + 1;
END;
CREATE TRIGGER subscriptions_bump_update AFTER UPDATE OF kind, target, paused ON subscriptions
BEGIN
    UPDATE subscription_version SET version = version + 1;
END;

-- A snapshot that matched a subscription. Derived data: `reindex` drops it with the
-- snapshots (cascade) and matching at index time writes it again.
CREATE TABLE subscription_matches (
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    snapshot_id      INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    story_key        INTEGER NOT NULL,            -- story id, or -snapshot id without one
    sort_time        TEXT NOT NULL,               -- coalesce(published_at, captured_at)
    read             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, snapshot_id)
);
CREATE INDEX subscription_matches_snapshot ON subscription_matches (snapshot_id);
CREATE INDEX subscription_matches_time ON subscription_matches (subscription_id, sort_time);

-- Webhook deliveries waiting, sent or given up (an outbox: written in the transaction
-- that stores the snapshot, sent afterwards). One per subscription and article URL, so
-- a new version of a page or a reindex does not alert twice.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (subscription_id, url)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

-- The key CSRF tokens are derived from when the `secret_key` setting is empty; made
-- once per archive so tokens survive a restart.
CREATE TABLE instance_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Freshness: what each poll of a feed, sitemap or listing saw, the rhythm learned from
-- it, and WebSub subscriptions with the pushes received for them.

-- One row per discovery URL (a source's feed, sitemap or listing root).
CREATE TABLE poll_state (
    url               TEXT PRIMARY KEY,
    source_id         INTEGER REFERENCES sources(id),
    kind              TEXT NOT NULL,
    last_poll_at      TEXT,
    next_poll_at      TEXT,
    interval_seconds  REAL,
    reason            TEXT,                 -- why that interval: rate, burst, expected, ...
    last_new_at       TEXT,                 -- the last poll that found new items
    empty_polls       INTEGER NOT NULL DEFAULT 0,
    errors            INTEGER NOT NULL DEFAULT 0,   -- consecutive failed polls
    polls             INTEGER NOT NULL DEFAULT 0,
    not_modified      INTEGER NOT NULL DEFAULT 0,   -- polls answered 304 / unchanged
    failures          INTEGER NOT NULL DEFAULT 0,
    new_items         INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT
);
CREATE INDEX poll_state_source ON poll_state (source_id);

-- The items each discovery URL listed, with their publication (or first-seen) time:
-- the history the polling interval is learned from. Pruned to the newest per URL.
CREATE TABLE poll_items (
    feed_url   TEXT NOT NULL,
    item_url   TEXT NOT NULL,
    item_time  TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (feed_url, item_url)
);
CREATE INDEX poll_items_time ON poll_items (feed_url, item_time);

-- WebSub (W3C) subscriptions: one per feed whose hub we subscribed at.
CREATE TABLE websub_subscriptions (
    id             INTEGER PRIMARY KEY,
    topic          TEXT NOT NULL UNIQUE,
    hub            TEXT NOT NULL,
    source_id      INTEGER REFERENCES sources(id),
    secret         TEXT NOT NULL,
    state          TEXT NOT NULL,          -- requested | active | denied | failed
    lease_seconds  INTEGER,
    requested_at   TEXT NOT NULL,
    verified_at    TEXT,
    expires_at     TEXT,
    last_push_at   TEXT,
    pushes         INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0, -- pushes whose signature did not match
    last_error     TEXT
);

-- Pushed feed bodies, verified, waiting for the crawler to read their new items.
CREATE TABLE websub_inbox (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES websub_subscriptions(id),
    received_at      TEXT NOT NULL,
    content_type     TEXT,
    body             BLOB NOT NULL
);

-- When each host may next be fetched, shared by every crawl process of the archive
-- (fetch/politeness.py): a start is reserved here at least one interval after the
-- last one any process reserved. Seconds since the epoch, as the fetcher counts them.
CREATE TABLE host_pacing (
    host        TEXT COLLATE "C" PRIMARY KEY,     -- scheme://host:port
    next_start  DOUBLE PRECISION NOT NULL
);

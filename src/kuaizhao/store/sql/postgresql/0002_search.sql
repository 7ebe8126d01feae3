-- Full-text search on PostgreSQL. How and why: src/kuaizhao/store/postgres/search.py and
-- docs/search.md. The same search_docs rows as on SQLite (sql/sqlite/0002_search.sql),
-- plus the tsvector that SQLite keeps in its FTS5 table.
--
-- The application sends text already cut into tokens (CJK bigrams, lower case, every
-- non-word character a space: store/postgres/search_terms.py), so the parser below only ever
-- sees words separated by spaces and no locale decides where a word ends. The
-- configuration is 'simple' (no stop words: every word is searchable) with English
-- words stemmed by Snowball, like FTS5's porter; the dictionary has no stop word list.
CREATE TEXT SEARCH DICTIONARY kuaizhao_english (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION kuaizhao_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION kuaizhao_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH kuaizhao_english;

-- Title weight A, meta keywords B, body D (ranked 1.0 / 0.2 / 0.1, as bm25 weights
-- 10 / 2 / 1 on SQLite). The '~' lexeme (no token can be '~') is a one-position gap so
-- a phrase never runs from the end of one field into the next, as with FTS5 columns;
-- it is deleted again.
CREATE FUNCTION kuaizhao_search_vector(title TEXT, keywords TEXT, body TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ts_delete(
        setweight(to_tsvector('kuaizhao_search', title), 'A') || '''~'':1'::tsvector
        || setweight(to_tsvector('kuaizhao_search', keywords), 'B') || '''~'':1'::tsvector
        || to_tsvector('kuaizhao_search', body),
        '~')
$$;

-- One row per indexed snapshot (only the latest capture of each URL is indexed), with
-- copies of the columns that filters, sorting and story collapsing read, and its
-- tokens. The sync trigger keeps the copies current. Text compares byte-wise
-- (COLLATE "C"), as on SQLite and in 0001_core.sql.
CREATE TABLE search_docs (
    snapshot_id  BIGINT PRIMARY KEY REFERENCES snapshots(id),
    url          TEXT COLLATE "C" NOT NULL,
    story_id     BIGINT,
    source_id    BIGINT,
    category     TEXT COLLATE "C",
    sort_time    TEXT COLLATE "C" NOT NULL,      -- coalesce(published_at, captured_at)
    captured_at  TEXT COLLATE "C" NOT NULL,
    keywords     TEXT COLLATE "C" NOT NULL DEFAULT '',
    tokens       tsvector NOT NULL,
    -- 1 when the article is too long for tsvector positions (16,383 at most, 255 per
    -- word): a phrase there can go unseen, so it is matched by its words (PgSearch).
    clipped      BIGINT NOT NULL,
    -- Tokens in title, keywords and body together, as FTS5 counts a row's size: BM25's
    -- document length (PgSearch ranks as bm25() does on SQLite).
    length       BIGINT NOT NULL
);
CREATE INDEX search_docs_url ON search_docs (url);
CREATE INDEX search_docs_story ON search_docs (story_id) WHERE story_id IS NOT NULL;
CREATE INDEX search_docs_time ON search_docs (sort_time);
CREATE INDEX search_docs_category ON search_docs (category, sort_time);
CREATE INDEX search_docs_source ON search_docs (source_id, sort_time);
CREATE INDEX search_docs_tokens ON search_docs USING gin (tokens);

CREATE FUNCTION search_docs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs SET
        url = NEW.url, story_id = NEW.story_id, source_id = NEW.source_id,
        category = NEW.category, sort_time = coalesce(NEW.published_at, NEW.captured_at),
        captured_at = NEW.captured_at
    WHERE snapshot_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER search_docs_sync AFTER UPDATE OF url, story_id, source_id, category,
    published_at, captured_at ON snapshots FOR EACH ROW EXECUTE FUNCTION search_docs_sync();

CREATE FUNCTION search_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM search_docs WHERE snapshot_id = OLD.id) THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'snapshot is in the search index: remove it from search before deleting it';
        ELSIF NEW.title IS DISTINCT FROM OLD.title OR NEW.text IS DISTINCT FROM OLD.text THEN
            RAISE EXCEPTION 'snapshot is in the search index: remove it from search before changing its title or text, then index it again';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER search_guard BEFORE UPDATE OF title, text OR DELETE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION search_guard();

-- BM25 needs the number of indexed articles and their average length (FTS5 keeps the
-- same two totals); ranking reads them here instead of scanning search_docs. They are
-- the SUM of this table's rows. Each statement on search_docs adds one row holding its
-- change plus every row no other transaction has locked (SKIP LOCKED), deleted: the
-- table stays about one row per concurrent writer, and no writer ever waits for another
-- here. A single row updated in place would make every indexing transaction wait for
-- the previous one's commit, and deadlock crawl workers that lock frontier rows in
-- another order.
CREATE TABLE search_totals (
    docs    BIGINT NOT NULL,
    tokens  BIGINT NOT NULL
);
INSERT INTO search_totals (docs, tokens) VALUES (0, 0);

CREATE FUNCTION search_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH folded AS (
        DELETE FROM search_totals WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM search_totals FOR UPDATE SKIP LOCKED))
        RETURNING docs, tokens
    ), change AS (
        SELECT count(*) AS docs, coalesce(sum(length), 0) AS tokens FROM added
        UNION ALL SELECT docs, tokens FROM folded
    )
    INSERT INTO search_totals (docs, tokens) SELECT sum(docs), sum(tokens) FROM change;
    RETURN NULL;
END $$;
CREATE TRIGGER search_totals_add AFTER INSERT ON search_docs REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION search_totals_add();

CREATE FUNCTION search_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH folded AS (
        DELETE FROM search_totals WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM search_totals FOR UPDATE SKIP LOCKED))
        RETURNING docs, tokens
    ), change AS (
        SELECT -count(*) AS docs, -coalesce(sum(length), 0) AS tokens FROM removed
        UNION ALL SELECT docs, tokens FROM folded
    )
    INSERT INTO search_totals (docs, tokens) SELECT sum(docs), sum(tokens) FROM change;
    RETURN NULL;
END $$;
CREATE TRIGGER search_totals_remove AFTER DELETE ON search_docs
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION search_totals_remove();

CREATE FUNCTION search_totals_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_totals;
    INSERT INTO search_totals (docs, tokens) VALUES (0, 0);
    RETURN NULL;
END $$;
CREATE TRIGGER search_totals_truncate AFTER TRUNCATE ON search_docs
    FOR EACH STATEMENT EXECUTE FUNCTION search_totals_truncate();

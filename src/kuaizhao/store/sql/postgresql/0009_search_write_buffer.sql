-- SQLite's FTS5 write buffer grows in sqlite/0009. PostgreSQL's GIN index has its own
-- (gin_pending_list_limit, emptied after each bulk batch by PgSearch.index_many), so
-- nothing changes here; the migration keeps both backends' numbering in step.
SELECT 1;

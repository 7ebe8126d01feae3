-- FTS5 collects new postings in memory and writes them as a segment when the buffer is
-- full or the transaction ends; 16 segments of a level merge into one of the next
-- (automerge, 0002). 0002 set the buffer to 16 MB. A bulk load (reindex, migrate,
-- import) commits every few thousand articles; at 16 MB the 1 M-article build reached
-- its second merge level (about 2 GB of index rewritten at once) near 650k articles and
-- built 1,894 articles/s; at 64 MB that level comes later and the same build ran at
-- 2,303 articles/s (docs/search.md). A crawl commits article by article and is not
-- affected: the buffer only fills inside a large transaction.
INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 67108864);

"""Wires the stages together: the only package that imports across stages.

    crawl.py    discover → fetch → archive → (ingest)    the async crawl loop
    ingest.py   extract → dedupe → store + index          shared by crawl and reindex
    reindex.py  WARC files → ingest                        rebuild the database
"""

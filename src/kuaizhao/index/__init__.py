"""Search, minus the database: tokenising (the one place that knows Chinese), the query
language, snippets and the pure part of related-news ranking.

Nothing here touches I/O, so a second search backend (PostgreSQL) reuses all of it.
"""

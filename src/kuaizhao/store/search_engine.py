"""The search interface each backend implements (FTS5 on SQLite, tsvector on PostgreSQL).

The store's table code calls it inside its own transactions; an engine never commits.
The pure parts (query language, tokens, snippets, related ranking) live in
`kuaizhao.index`, so both engines give the same answers from the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kuaizhao.index.query import Query
from kuaizhao.models import SearchHit, SearchPage

SORTS = ("relevance", "newest")


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the index needs of a snapshot; title and text must equal the stored row."""

    snapshot_id: int
    title: str
    text: str
    keywords: tuple[str, ...] = ()


class SearchEngine(Protocol):
    def index(self, doc: IndexDoc) -> None: ...
    def index_many(self, docs: Sequence[IndexDoc]) -> int: ...
    def remove(self, snapshot_id: int) -> None: ...
    def clear(self) -> None: ...
    def optimize(self) -> None: ...
    def search(self, query: Query, *, offset: int = 0, limit: int = 20,
               sort: str = "relevance") -> SearchPage: ...
    def listing(self, *, category: str | None = None, source: str | None = None,
                offset: int = 0, limit: int = 20) -> SearchPage: ...
    def related(self, snapshot_id: int, limit: int = 10) -> list[SearchHit]: ...

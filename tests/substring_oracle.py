"""What a search must find, by plain substring rules, for queries where those rules hold.

Chinese is indexed as character bigrams so that every word is found wherever it
occurs, which makes a query of CJK terms exactly a substring test: a text matches when
each group holds one of its terms and no excluded term occurs. Latin terms go through
the tokenizer and stemmer instead, so for a query with any of them there is no such
oracle (None).
"""

from __future__ import annotations

from kuaizhao.index.query import Query
from kuaizhao.index.tokens import is_cjk


def substring_verdict(query: Query, *fields: str) -> bool | None:
    """Whether a document of these fields (title, body, …) matches; a term occurs when
    it is in one field (a phrase never spans two)."""
    terms = [*query.terms, *query.exclude]
    if not query.groups or not all(t and all(is_cjk(ch) for ch in t) for t in terms):
        return None

    def occurs(term: str) -> bool:
        return any(term in field for field in fields)

    return (all(any(occurs(t) for t in group) for group in query.groups)
            and not any(occurs(t) for t in query.exclude))

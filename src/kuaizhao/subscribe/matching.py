"""Matching one new article against every active subscription, at index time.

Checking 10,000 saved searches one by one per article is too slow, so subscriptions
are compiled once into an inverted index: each is filed under one *key* that any
article it matches must contain — a token of one term of its most selective AND
group, or its category/source filter. An article looks up the keys it holds, and only
those candidates are verified in full (every group, exclusions, filters, dates).

The semantics mirror the search index (`index.tokens`): text is tokenised as FTS5's
`unicode61` sees `index_text()` output — CJK runs as overlapping bigrams plus the
run's last character, other text as case-folded letter/digit runs — and a term
matches where its tokens appear as a phrase in one field (title, body, keywords).
A CJK word of n characters is its n-1 bigrams; a single CJK character matches as a
prefix. English words are reduced by a light suffix stemmer on both sides (FTS5 uses
porter; the two agree on plural and -ing/-ed forms, see docs/subscriptions.md).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from kuaizhao.errors import QueryError
from kuaizhao.index.query import Query, parse_query
from kuaizhao.index.stemming import light_stem
from kuaizhao.index.tokens import CJK_RUN, index_text
from kuaizhao.store.account_rows import MatchRule, SubscriptionKind

_WORD = re.compile(r"[^\W_]+")
_FIELD_BREAK = " | "  # never inside a token: phrases cannot run across two fields
_CATEGORY_KEY = "\x00c:"
_SOURCE_KEY = "\x00s:"
_ANY_KEY = "\x00*"
_CJK_FLOOR = "\u1100"  # every CJK character of `index.tokens` sorts at or above this


@dataclass(frozen=True, slots=True)
class MatchDoc:
    """What matching needs of a new snapshot."""

    title: str
    text: str
    keywords: tuple[str, ...] = ()
    category: str | None = None
    source: str | None = None
    when: datetime | None = None  # published_at, else captured_at


@dataclass(frozen=True, slots=True)
class _Pattern:
    phrase: str  # " tok tok " (or without the trailing space: prefix match)
    key: str
    single: bool  # the key is the whole phrase: a set lookup decides it


@dataclass(frozen=True, slots=True)
class _Compiled:
    id: int
    groups: tuple[tuple[_Pattern, ...], ...]
    exclude: tuple[_Pattern, ...]
    category: str | None
    source: str | None
    since: date | None
    until: date | None

    @property
    def exact(self) -> bool:
        """Filed under each of its one-token alternatives, being found under one of
        them is the whole match: nothing left to verify."""
        return (len(self.groups) == 1 and all(p.single for p in self.groups[0])
                and not self.exclude and self.category is None and self.source is None
                and self.since is None and self.until is None)


@dataclass(frozen=True, slots=True)
class _Prepared:
    norm: str
    keys: frozenset[str]
    category: str | None
    source: str | None
    day: date | None


def _fold(token: str) -> str:
    """A case-folded word as the index sees it: diacritics dropped, lightly stemmed."""
    if not token.isascii():
        if token[0] >= _CJK_FLOOR:
            return token  # CJK bigram or character: nothing to fold
        token = "".join(ch for ch in unicodedata.normalize("NFKD", token)
                        if not unicodedata.combining(ch))
    return light_stem(token) if len(token) > 4 else token


def tokens(text: str) -> list[str]:
    """`text` as the index's tokens (CJK bigrams, folded and stemmed words)."""
    return [_fold(t) for t in _WORD.findall(index_text(text).casefold())]


def _pattern(term: str) -> _Pattern | None:
    toks = tokens(term)
    if not toks:
        return None
    runs = list(CJK_RUN.finditer(term))
    prefix = False
    if runs and not any(ch.isalnum() for ch in term[runs[-1].end():]):
        if len(runs[-1].group()) > 1:
            toks = toks[:-1]  # the run's last character on its own: the text may go on
        else:
            prefix = True  # one character: any bigram starting with it
    phrase = " " + " ".join(toks) + ("" if prefix else " ")
    full = len(toks) - int(prefix)  # tokens that must appear whole
    if full >= 2:  # file under the first adjacent pair: far rarer than one token
        return _Pattern(phrase=phrase, key=f"{toks[0]} {toks[1]}", single=len(toks) == 2)
    return _Pattern(phrase=phrase, key=toks[0], single=len(toks) == 1)


def _patterns(terms: Iterable[str]) -> tuple[_Pattern, ...]:
    return tuple(p for p in map(_pattern, terms) if p is not None)


def _selectivity(group: Sequence[_Pattern]) -> tuple[int, int]:
    """Lower is better: few alternatives, long keys (rarer postings)."""
    return (len(group), -min(len(p.key) + p.phrase.count(" ") for p in group))


def compile_rule(rule: MatchRule) -> _Compiled:
    """A subscription as the matcher checks it; `QueryError` for an unusable query."""
    if rule.kind is SubscriptionKind.CATEGORY:
        query = Query(category=rule.target)
    elif rule.kind is SubscriptionKind.SOURCE:
        query = Query(source=rule.target)
    else:
        query = parse_query(rule.target)
    groups = tuple(g for g in (_patterns(alts) for alts in query.groups) if g)
    return _Compiled(id=rule.id, groups=groups, exclude=_patterns(query.exclude),
                     category=query.category, source=query.source, since=query.since,
                     until=query.until)


def _index_keys(compiled: _Compiled) -> list[str]:
    if compiled.groups:
        anchor = min(compiled.groups, key=_selectivity)
        return sorted({p.key for p in anchor})
    if compiled.category is not None:
        return [_CATEGORY_KEY + compiled.category]
    if compiled.source is not None:
        return [_SOURCE_KEY + compiled.source]
    return [_ANY_KEY]


def prepare(doc: MatchDoc) -> _Prepared:
    fields = [tokens(doc.title), tokens(doc.text), tokens(" ".join(doc.keywords))]
    norm = " " + _FIELD_BREAK.join(" ".join(f) for f in fields) + " "
    keys = {t for f in fields for t in f}
    keys.update([f"{a} {b}" for f in fields for a, b in itertools.pairwise(f)])
    keys.update([t[0] for t in keys if len(t) == 2 and t[0] >= _CJK_FLOOR])
    keys.add(_ANY_KEY)
    if doc.category:
        keys.add(_CATEGORY_KEY + doc.category)
    if doc.source:
        keys.add(_SOURCE_KEY + doc.source)
    day = doc.when.astimezone(UTC).date() if doc.when else None
    return _Prepared(norm=norm, keys=frozenset(keys), category=doc.category,
                     source=doc.source, day=day)


def _found(p: _Pattern, doc: _Prepared) -> bool:
    return p.key in doc.keys and (p.single or p.phrase in doc.norm)


def _verify(c: _Compiled, doc: _Prepared) -> bool:
    if c.category is not None and c.category != doc.category:
        return False
    if c.source is not None and c.source != doc.source:
        return False
    if c.since is not None and (doc.day is None or doc.day < c.since):
        return False
    if c.until is not None and (doc.day is None or doc.day > c.until):
        return False
    if not all(any(_found(p, doc) for p in group) for group in c.groups):
        return False
    return not any(_found(p, doc) for p in c.exclude)


class Matcher:
    """An inverted index over many subscriptions; `match` lists the ids an article hits.

    Rules whose query no longer parses (written by an older version, say) are skipped
    and listed in `problems` rather than stopping the crawl.
    """

    def __init__(self, rules: Iterable[MatchRule]) -> None:
        self._postings: dict[str, list[_Compiled]] = {}
        self._exact: dict[str, list[int]] = {}
        self.problems: list[tuple[int, str]] = []
        self.size = 0
        for rule in rules:
            try:
                compiled = compile_rule(rule)
            except QueryError as exc:
                self.problems.append((rule.id, str(exc)))
                continue
            self.size += 1
            for key in _index_keys(compiled):
                if compiled.exact:
                    self._exact.setdefault(key, []).append(compiled.id)
                else:
                    self._postings.setdefault(key, []).append(compiled)

    def match(self, doc: MatchDoc) -> list[int]:
        prepared = prepare(doc)
        keys = prepared.keys
        hits: set[int] = set()
        for key in keys & self._exact.keys():
            hits.update(self._exact[key])
        checked: set[int] = set()
        postings = self._postings
        for key in keys & postings.keys():
            for compiled in postings[key]:
                if compiled.id in checked:
                    continue
                checked.add(compiled.id)
                if _verify(compiled, prepared):
                    hits.add(compiled.id)
        return sorted(hits)


def follow_terms(kind: SubscriptionKind, target: str) -> tuple[str, ...]:
    """The words a subscription's snippets highlight (none for a category or source)."""
    if kind is not SubscriptionKind.SEARCH:
        return ()
    try:
        return parse_query(target).terms
    except QueryError:
        return ()


def check_target(kind: SubscriptionKind, target: str) -> str:
    """A subscription target as stored, or `QueryError` saying what to change."""
    target = target.strip()
    if not target:
        raise QueryError(f"a {kind.value} subscription needs a {kind.value} to follow",
                         code="subscription_needs_target")
    if kind is SubscriptionKind.SEARCH:
        query = parse_query(target)
        if not (query.has_terms or query.category or query.source):
            raise QueryError("the saved search has no words, category or source to follow; "
                             "add a word such as 科技创新", code="subscription_nothing_to_follow")
    elif len(target) > 200:
        raise QueryError(f"the {kind.value} name is too long (at most 200 characters)",
                         code="subscription_target_too_long")
    return target

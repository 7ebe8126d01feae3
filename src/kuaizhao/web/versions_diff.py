"""What changed between two versions of an article, for the diff view (pure).

It lives with the view it serves: the site may not import the dedupe stage, and the
decision whether two captures are versions at all is `dedupe.versions`, not this.

Paragraphs are aligned first (an inserted or deleted paragraph shows as one), then a
changed paragraph is diffed word by word. Chinese has no spaces between words, and a
segmenter may cut the two versions differently around the edit, so each Han character
is a token of its own; Latin words and numbers stay whole ("3.45%" → "3.55%" shows as
one replaced number). Segments carry plain text: the template escapes it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kuaizhao.models import Article

SAME, DELETED, INSERTED, CHANGED = "same", "del", "ins", "changed"
# Two paragraphs this similar (difflib ratio over tokens) are one edited paragraph;
# below it, one was deleted and another inserted.
PAIR_RATIO = 0.4

_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_WORD = f"[^\\W_{_HAN}]+"  # letters and digits of scripts written with spaces
_TOKEN = re.compile(
    f"[{_HAN}]"  # one Han (or kana) character
    f"|{_WORD}(?:[.,:/%-]{_WORD})*%?"  # a word or number, with its inner dots and commas
    r"|\s+|.",
    re.UNICODE,
)


@dataclass(frozen=True, slots=True)
class Segment:
    op: str  # same | del | ins
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph (or caption) of the diff: kept, deleted, inserted or changed."""

    op: str  # same | del | ins | changed
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Collapsed:
    """A run of unchanged paragraphs the diff view folds away, shown as a count."""

    blocks: tuple[Block, ...]

    @property
    def op(self) -> str:
        return "collapsed"

    @property
    def count(self) -> int:
        return len(self.blocks)


@dataclass(frozen=True, slots=True)
class ValueChange:
    name: str
    old: datetime | None
    new: datetime | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True, slots=True)
class ArticleDiff:
    title: tuple[Segment, ...]
    title_changed: bool
    times: tuple[ValueChange, ...]  # published_at, updated_at
    body: tuple[Block, ...]
    captions: tuple[Block, ...]

    @property
    def changed(self) -> tuple[str, ...]:
        out = ["title"] if self.title_changed else []
        out += [t.name for t in self.times if t.changed]
        if any(b.op != SAME for b in self.body):
            out.append("body")
        if any(b.op != SAME for b in self.captions):
            out.append("captions")
        return tuple(out)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level (Han: character-level) diff of two strings, adjacent runs merged."""
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []

    def add(op: str, parts: Sequence[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(SAME, a[i1:i2])
        else:
            add(DELETED, a[i1:i2])
            add(INSERTED, b[j1:j2])
    return tuple(out)


def _ratio(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, tokens(old), tokens(new), autojunk=False).ratio()


def diff_blocks(old: Sequence[str], new: Sequence[str]) -> tuple[Block, ...]:
    """Align paragraphs; pair replaced ones that are edits of each other."""
    out: list[Block] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [Block(SAME, (Segment(SAME, p),)) for p in old[i1:i2]]
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        while olds or news:
            if olds and news and _ratio(olds[0], news[0]) >= PAIR_RATIO:
                out.append(Block(CHANGED, diff_text(olds.pop(0), news.pop(0))))
            elif olds and (not news or len(olds) >= len(news)):
                out.append(Block(DELETED, (Segment(DELETED, olds.pop(0)),)))
            else:
                out.append(Block(INSERTED, (Segment(INSERTED, news.pop(0)),)))
    return tuple(out)


def collapse_unchanged(blocks: Sequence[Block], context: int = 1
                       ) -> tuple[Block | Collapsed, ...]:
    """Fold each run of unchanged paragraphs, keeping `context` of them beside a change.

    A fold of a single paragraph would hide nothing worth hiding, so it stays shown.
    """
    out: list[Block | Collapsed] = []
    i = 0
    while i < len(blocks):
        if blocks[i].op != SAME:
            out.append(blocks[i])
            i += 1
            continue
        end = i
        while end < len(blocks) and blocks[end].op == SAME:
            end += 1
        keep_before = context if i > 0 else 0
        keep_after = context if end < len(blocks) else 0
        fold_from, fold_to = i + keep_before, end - keep_after
        if fold_to - fold_from >= 2:
            out.extend(blocks[i:fold_from])
            out.append(Collapsed(tuple(blocks[fold_from:fold_to])))
            out.extend(blocks[fold_to:end])
        else:
            out.extend(blocks[i:end])
        i = end
    return tuple(out)


def diff_articles(old: Article, new: Article) -> ArticleDiff:
    return ArticleDiff(
        title=diff_text(old.title, new.title),
        title_changed=old.title != new.title,
        times=(ValueChange("published_at", old.published_at, new.published_at),
               ValueChange("updated_at", old.updated_at, new.updated_at)),
        body=diff_blocks(old.paragraphs, new.paragraphs),
        captions=diff_blocks(old.captions, new.captions),
    )

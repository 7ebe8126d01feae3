"""A crude English suffix stemmer for the places that cannot ask FTS5's porter.

Snippets mark `runs` and `RUNNER` for a search of `running`, and subscription matching
decides at ingest whether an article holds a saved search's words; both need the same
idea of a word's stem without a round trip to the index.
"""

from __future__ import annotations

from collections.abc import Sequence

SUFFIXES = ("ing", "ed", "es", "s")


def light_stem(word: str, suffixes: Sequence[str] = SUFFIXES) -> str:
    """`word` without its first matching suffix (keeping at least 3 letters), and a
    doubled final consonant undone (`running` -> `run`)."""
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]
            break
    return word

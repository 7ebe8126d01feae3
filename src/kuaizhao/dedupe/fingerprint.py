"""Fingerprints of extracted text, so that reposts with different page chrome match."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Bodies shorter than this say too little to call two pages the same story.
MIN_FINGERPRINT_CHARS = 80

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def text_fingerprint(text: str) -> str | None:
    """SHA-1 of the body with case, width, whitespace and punctuation folded away.

    Two outlets carrying the same article differ in those (full-width vs half-width
    colons, line breaks), not in the words. Returns None for bodies too short to judge.
    """
    folded = _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())
    if len(folded) < MIN_FINGERPRINT_CHARS:
        return None
    return "sha1:" + hashlib.sha1(folded.encode("utf-8"), usedforsecurity=False).hexdigest()

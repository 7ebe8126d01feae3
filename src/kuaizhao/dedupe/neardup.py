"""Near-duplicate bodies across outlets: MinHash signatures and LSH band keys (pure).

A repost rarely keeps the bytes: outlets add a source line or an editor credit, change
a few characters, reorder or trim paragraphs. Comparing sets of character 5-shingles
of the folded body survives all of that, and works the same for Chinese (no word
segmentation to disagree on) and English.

The signature is one-permutation MinHash with densification (Li, Owen & Zhang 2012;
Shrivastava & Li 2014): each shingle is hashed once and lands in one of `SLOTS` bins,
whose minimum is kept; empty bins borrow from the next non-empty bin. That estimates
Jaccard similarity as well as `SLOTS` independent permutations at 1/`SLOTS` of the
cost, which keeps pure Python under a millisecond per article (no numpy needed).

LSH: `BANDS` bands of `ROWS` slots; two bodies whose band rows agree in any band are
candidates. Band keys are plain 63-bit integers, stored as rows in the database so any
backend (SQLite, PostgreSQL) finds candidates with an index lookup. Candidates are
then verified on the full signature (`similarity` + `is_near_duplicate`).
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass

SHINGLE = 5  # characters per shingle
SLOTS = 120
BANDS = 40
ROWS = 3  # BANDS * ROWS == SLOTS: P(candidate) = 1 - (1 - J**3)**40: 0.93 at J=0.4
MIN_CHARS = 80  # folded characters; shorter bodies say too little to group
# Verification thresholds, tuned with bench/bench_dedupe.py: a repost shares most of
# its shingles with the original even when trimmed (overlap), and the Jaccard floor
# stops a short text quoted inside a long one from counting as the same story.
MIN_JACCARD = 0.3
MIN_OVERLAP = 0.75

_MIX = 0x9E3779B97F4A7C15  # odd 64-bit constant (golden ratio): spreads crc32 bits
_MASK = (1 << 64) - 1
_EMPTY = _MASK
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
_PACK = struct.Struct(f"<{SLOTS}Q")


@dataclass(frozen=True, slots=True)
class Signature:
    """MinHash values of one body and how many distinct shingles it had."""

    values: tuple[int, ...]
    shingles: int

    def to_bytes(self) -> bytes:
        return _PACK.pack(*self.values)

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> Signature:
        return cls(_PACK.unpack(data), shingles)


@dataclass(frozen=True, slots=True)
class Similarity:
    jaccard: float  # estimated |A∩B| / |A∪B|
    overlap: float  # estimated |A∩B| / min(|A|, |B|): high when one is a trimmed copy


def fold(text: str) -> str:
    """Width, case, whitespace and punctuation folded away: what outlets change freely."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


def shingle_hashes(folded: str) -> set[int]:
    """64-bit hashes of the character shingles (stable across processes and machines)."""
    data = folded.encode("utf-32-le")  # 4 bytes per character: slicing by character
    width = 4 * SHINGLE
    return {(zlib.crc32(data[i:i + width]) * _MIX) & _MASK
            for i in range(0, max(len(data) - width, 0) + 1, 4)}


def signature(text: str) -> Signature | None:
    """The body's signature, or None when it is too short to judge."""
    folded = fold(text)
    if len(folded) < MIN_CHARS:
        return None
    hashes = shingle_hashes(folded)
    mins = [_EMPTY] * SLOTS
    for h in hashes:
        slot, value = h % SLOTS, h // SLOTS
        if value < mins[slot]:
            mins[slot] = value
    return Signature(_densify(mins), len(hashes))


def _densify(mins: list[int]) -> tuple[int, ...]:
    """Fill each empty bin from the next non-empty one (circularly), offset by the
    distance, so two bodies with the same content fill their gaps the same way."""
    if all(v == _EMPTY for v in mins):
        return tuple(mins)
    out = list(mins)
    for i, value in enumerate(mins):
        if value != _EMPTY:
            continue
        step = 1
        while mins[(i + step) % SLOTS] == _EMPTY:
            step += 1
        out[i] = (mins[(i + step) % SLOTS] + step * (1 << 58)) & _MASK
    return tuple(out)


def band_keys(sig: Signature) -> tuple[int, ...]:
    """One key per band: the band number and its rows hashed into a signed-safe 63-bit
    integer (fits SQLite INTEGER and PostgreSQL BIGINT)."""
    keys = []
    for band in range(BANDS):
        rows = sig.values[band * ROWS:(band + 1) * ROWS]
        raw = struct.pack(f"<H{ROWS}Q", band, *rows)
        digest = hashlib.blake2b(raw, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return tuple(keys)


def similarity(a: Signature, b: Signature) -> Similarity:
    same = sum(1 for x, y in zip(a.values, b.values, strict=True) if x == y)
    jaccard = same / SLOTS
    smaller = min(a.shingles, b.shingles)
    if smaller <= 0:
        return Similarity(jaccard, 0.0)
    common = jaccard * (a.shingles + b.shingles) / (1.0 + jaccard)
    return Similarity(jaccard, min(1.0, common / smaller))


def is_near_duplicate(score: Similarity) -> bool:
    return score.jaccard >= MIN_JACCARD and score.overlap >= MIN_OVERLAP

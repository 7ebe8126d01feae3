"""Digests as WARC writes them (`sha1:BASE32`) and checks of digests other tools wrote.

The payload digest is what makes a re-fetch recognisable as unchanged: it is taken of
the entity body as sent (content-encoding kept, transfer-encoding removed), the same
bytes the response record's payload holds, so `warcio check` verifies it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

ALGORITHM = "sha1"


def sha1_digest(data: bytes) -> str:
    """`sha1:<BASE32>` of `data`, the form WARC-Block-Digest and WARC-Payload-Digest use."""
    return f"{ALGORITHM}:{base64.b32encode(hashlib.sha1(data).digest()).decode('ascii')}"  # noqa: S324 - WARC's customary digest, not for security


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of an entity body exactly as the server sent it."""
    return sha1_digest(body)


def normalize_digest(value: str) -> str:
    """Case-normalise a `label:value` digest so two spellings of one digest compare equal."""
    algo, sep, digest = value.strip().partition(":")
    if not sep:
        return value.strip()
    return f"{algo.lower()}:{digest.upper()}"


def digest_matches(declared: str, data: bytes) -> bool | None:
    """Whether `declared` (as found in a WARC header) is the digest of `data`.

    Other tools write base32 (the norm), hex or base64 values, and sha1, sha256 or md5;
    all are accepted. None means the digest cannot be checked (no `label:` or an unknown
    algorithm), which is not the same as a mismatch; a value that decodes to nothing
    under a known algorithm is a mismatch.
    """
    algo, sep, value = declared.strip().partition(":")
    if not sep or not value:
        return None
    try:
        hasher = hashlib.new(algo.lower().replace("-", ""))
    except ValueError:
        return None
    hasher.update(data)
    raw = hasher.digest()
    try:
        if len(value) == len(base64.b32encode(raw)):
            return base64.b32decode(value.upper()) == raw
        if len(value) == 2 * len(raw):
            return bytes.fromhex(value) == raw
        altchars = b"-_" if ("-" in value or "_" in value) else None
        return base64.b64decode(value, altchars=altchars, validate=True) == raw
    except (binascii.Error, ValueError):
        return False

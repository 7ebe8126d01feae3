"""What may name a category: a label a reader understands, never a code.

Pages carry their CMS's section ids in the very places that hold section names
(`article:section` = "01002002050", a breadcrumb item "1004", a JSON-LD
articleSection "news_pegged_article"); shown in the site's navigation they mean
nothing to a reader. A code is told by its shape, whatever the language: no letter at
all, at least as many digits as letters, hexadecimal or UUID-like ids, identifiers
joined by underscores, host names.
"""

from __future__ import annotations

import re

_HEX_ID = re.compile(r"[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                     re.I)
_IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]*)+")  # news_pegged_article, c_1004
_HOST = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.I)  # gizmodo.com


def code_reason(value: str) -> str | None:
    """Why `value` is a code rather than a category label, or None when it is a label."""
    text = value.strip()
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    if not letters:
        return "it has no letters"
    if digits >= letters:
        return "it is mostly digits"
    if _HEX_ID.fullmatch(text) and digits:
        return "it is a hexadecimal id"
    if _IDENTIFIER.fullmatch(text):
        return "it is an identifier joined by underscores"
    if _HOST.fullmatch(text):
        return "it is a host name"
    return None


def is_label(value: str) -> bool:
    """True when `value` can name a category (see `code_reason`)."""
    return code_reason(value) is None

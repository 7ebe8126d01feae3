"""extract: page bytes → `Article` (title, times, bylines, repost chain, body, captions).

Entry point: `extract_article(html, url, options)`. See docs/extraction.md for the
rules, their order of trust, and the measured quality.
"""

from __future__ import annotations

from kuaizhao.extract.article import extract_article
from kuaizhao.extract.options import ExtractOptions

__all__ = ["ExtractOptions", "extract_article"]

"""White space collapsed the way a browser renders it, Chinese included.

Old Chinese pages hard-wrap their text in the HTML source. Collapsing every run of
white space to one space (what `" ".join(text.split())` does) turns those line breaks
into spaces inside words ("明确知 悉"). CSS Text Level 3 (§4.1.3, segment break
transformation rules) removes a segment break whose neighbours are both East Asian
wide characters (East_Asian_Width F, W or H, Hangul excepted: Korean puts spaces
between words); a browser shows "明确知悉". Only collapsible white space (space, tab,
line breaks) is touched: a no-break or ideographic space the page wrote is a space the
reader sees, and stays.

Every module that turns page source into text (extraction, feeds, listings) goes
through here, so the rule lives in one place.
"""

from __future__ import annotations

import re

# East_Asian_Width F, W or H, without Hangul; tests/test_whitespace.py checks each
# assigned code point of this class against unicodedata.
WIDE_CLASS = (
    "\u2e80-\u2fff\u3001-\u302d\u3030-\u303e\u3041-\u30ff\u3105-\u312f\u3190-\u31ff"
    "\u3220-\u3247\u3250-\u325f\u3280-\u4dbf\u4e00-\ua4cf\uf900-\ufaff\ufe10-\ufe19"
    "\ufe30-\ufe6f\uff01-\uff9f\uffe0-\uffe6\uffe8-\uffee"
    "\U00016fe0-\U00018d7f\U0001aff0-\U0001b2ff\U0001f200-\U0001f2ff\U00020000-\U0003fffd"
)
_WIDE = f"[{WIDE_CLASS}]"
# Collapsible white space holding a segment break, between two wide characters. The
# look-arounds leave the characters themselves for the next match ("中\n文\n字"); the
# first one only lets white space through to the costlier test of the character
# before it, which halves the time of a search through a whole page.
SEGMENT_BREAK = re.compile(
    f"(?=[ \\t\\f\\r\\n])(?<={_WIDE})[ \\t\\f]*[\\r\\n][ \\t\\f\\r\\n]*(?={_WIDE})")


def drop_segment_breaks(text: str) -> str:
    """`text` without the source line breaks that sit between two wide characters."""
    if "\n" not in text and "\r" not in text:
        return text
    return SEGMENT_BREAK.sub("", text)


def collapse_whitespace(text: str) -> str:
    """Page source text as shown: segment breaks between wide characters removed, every
    other run of white space one space, no space at either end."""
    return " ".join(drop_segment_breaks(text).split())

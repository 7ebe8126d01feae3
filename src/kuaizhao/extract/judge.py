"""The quality judge: is a chosen body the article, or navigation and UI chrome?

The body rules were tuned on the dev pages and fail silently elsewhere: on unseen pages
the densest block is sometimes a feed-control menu ("不感兴趣 / 减少此类内容 / 举报 /
拉黑作者"), a comment bar or a related-links list, and nothing downstream notices. So
the first body is judged by signals that do not depend on the site:

- short lines: chrome is a stack of labels, prose runs in sentences;
- UI verbs (举报, 分享, 收藏, 登录, 下载, 不感兴趣, share, subscribe, sign in …) on
  short lines: buttons, not words of a story;
- link text: lines that are the text of a link on the page;
- sentence punctuation: Chinese prose has a ，or 。 every 10–20 characters, English a
  full stop or comma every 10–20 words; a menu has none.

`needs_candidates` says when the first body is doubtful enough to pay for other
extractors (`candidates.py`); `choose` then picks among them: chrome is out, and when
the candidates disagree, the one the others agree with wins (`agreement.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kuaizhao.extract.agreement import overlap, token_bag

_UI = re.compile(
    r"举报|分享|收藏|登录|登陆|注册|下载|不感兴趣|减少此类|拉黑|屏蔽|关注|取消|确定|点赞|评论|"
    r"回复|转发|复制链接|打开\s*app|客户端|扫码|二维码|返回|加载更多|查看更多|展开|收起|"
    r"\b(?:share|subscribe|sign\s*(?:in|up|out)|log\s*(?:in|out)|register|reply|like|follow|"
    r"comment|comments|report|download|bookmark|save|print|email|tweet|menu|search|close|"
    r"load more|show more|read more|see more|cookie|accept|skip to)\b",
    re.I,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_ZH_STOPS = re.compile(r"[，。！？；、,.!?;]")
# Latin, Arabic-script (، ؛ ؟ ۔) and Indic (। ॥) sentence marks.
_EN_STOPS = re.compile(r"[.!?,;:،؛؟۔।॥](?:\s|$)")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")

# A line this wide or narrower is a label (a CJK character counts 2, as it displays).
SHORT_WIDTH = 24
# A UI verb counts on a line of at most this width: in a sentence it is only a word.
UI_LINE_WIDTH = 40
# Thresholds, each set so no labelled dev page's correct body trips it (docs/extraction.md).
UI_SHARE = 0.25
LINK_SHARE = 0.5
SHORT_SHARE = 0.6
# Sentence marks per CJK character / per word below which text is not prose.
MIN_ZH_STOPS = 0.02
MIN_EN_STOPS = 0.03
# A body under this share of the page's unlinked prose may have missed the article.
MIN_COVERAGE = 0.5
# Overlap at which two candidates say the same article.
AGREE = 0.5
# The first body is kept unless another candidate is supported this much more.
MARGIN = 0.15
_MIN_CHARS = 30
DECLARED = "JSON-LD articleBody"


@dataclass(frozen=True, slots=True)
class Signals:
    """How much a body looks like chrome; shares are of its lines."""

    lines: int
    chars: int
    short_share: float
    ui_share: float
    link_share: float
    stops_rate: float  # sentence marks per CJK character (zh) or per word (others)
    cjk: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    """One method's body, already through the line filter."""

    method: str
    paragraphs: tuple[str, ...]
    declared: bool = False  # the page's own JSON-LD articleBody


@dataclass(frozen=True, slots=True)
class Verdict:
    index: int  # of the winning candidate
    reason: str


def _width(text: str) -> int:
    return len(text) + len(_CJK.findall(text))


def signals(paragraphs: Sequence[str], link_texts: frozenset[str] = frozenset()) -> Signals:
    """The chrome signals of a body given as its lines; `link_texts` are the page's link
    anchors with whitespace removed."""
    lines = [p for p in paragraphs if p.strip()]
    if not lines:
        return Signals(0, 0, 0.0, 0.0, 0.0, 0.0, False)
    widths = [_width(p) for p in lines]
    short = sum(w <= SHORT_WIDTH for w in widths)
    ui = sum(w <= UI_LINE_WIDTH and _UI.search(p) is not None
             for p, w in zip(lines, widths, strict=True))
    text = "\n".join(lines)
    chars = len(text)
    linked = sum(len(p) for p in lines if _SPACE.sub("", p) in link_texts)
    cjk_chars = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    is_cjk = cjk_chars > words
    stops = len(_ZH_STOPS.findall(text)) if is_cjk else len(_EN_STOPS.findall(text))
    rate = stops / max(1, cjk_chars if is_cjk else words)
    return Signals(len(lines), chars, short / len(lines), ui / len(lines),
                   linked / max(1, chars), rate, is_cjk)


def chrome_reasons(s: Signals) -> tuple[str, ...]:
    """Why a body is chrome rather than prose; () when nothing says so."""
    if s.chars < _MIN_CHARS:
        return ()
    reasons = []
    if s.ui_share >= UI_SHARE and s.short_share >= SHORT_SHARE:
        reasons.append(f"UI verbs on {s.ui_share:.0%} of lines")
    if s.link_share >= LINK_SHARE:
        reasons.append(f"{s.link_share:.0%} link text")
    if s.stops_rate < (MIN_ZH_STOPS if s.cjk else MIN_EN_STOPS) and s.short_share >= SHORT_SHARE:
        reasons.append(f"no sentences ({s.stops_rate:.3f} marks per "
                       f"{'character' if s.cjk else 'word'}, {s.short_share:.0%} short lines)")
    return tuple(reasons)


def needs_candidates(
    paragraphs: Sequence[str], s: Signals, prose_chars: int, declared: str | None
) -> str | None:
    """Why the first body (`paragraphs`, with its `signals`) is doubtful enough to
    compute other candidates, or None. `declared` is the page's JSON-LD articleBody.

    Cheap tests only: this runs on every page.
    """
    if s.chars < _MIN_CHARS:
        return "body empty or tiny"
    if reasons := chrome_reasons(s):
        return "; ".join(reasons)
    if s.short_share >= SHORT_SHARE and s.lines >= 5:
        return f"{s.short_share:.0%} short lines"
    if prose_chars and s.chars < MIN_COVERAGE * prose_chars:
        return f"covers {s.chars / prose_chars:.0%} of the page's prose"
    body = token_bag("\n".join(paragraphs))
    if declared and (shared := overlap(token_bag(declared), body)) < AGREE:
        return f"differs from the page's JSON-LD articleBody ({shared:.2f})"
    return None


def choose(candidates: Sequence[Candidate], link_texts: frozenset[str] = frozenset()) -> Verdict:
    """Pick the article among `candidates` (the first is the tuned pipeline's body).

    Chrome and slivers are out. A first body that agrees with the page's JSON-LD
    articleBody stays. Otherwise a candidate's support is its mean overlap with the
    other viable candidates; the best-supported one wins if it beats the first body by
    `MARGIN` (or the first is out), else the tuned first body stays.
    """
    bags = [token_bag("\n".join(c.paragraphs)) for c in candidates]
    judged = [chrome_reasons(signals(c.paragraphs, link_texts)) for c in candidates]
    viable = [i for i, c in enumerate(candidates)
              if sum(map(len, c.paragraphs)) >= _MIN_CHARS and not judged[i]]
    # Support counts only viable peers: two extractors that both took the menu do not
    # vouch for each other.
    support = {i: _mean([overlap(bags[i], bags[j]) for j in viable if j != i]) for i in
               range(len(candidates))}
    first = candidates[0].method
    if not viable:
        return Verdict(0, f"{first} kept: no candidate is prose")
    # The publisher's own articleBody outweighs any number of extractors that agree on
    # something else (a cookie notice all of them took for the article on one page).
    declared = next((j for j in viable if candidates[j].declared), None)
    if declared is not None and 0 in viable and overlap(bags[0], bags[declared]) >= AGREE:
        return Verdict(0, f"{first} kept: agrees with the page's JSON-LD articleBody "
                          f"({overlap(bags[0], bags[declared]):.2f})")
    winner = max(viable, key=lambda i: (support[i], i == 0))
    if winner == 0:
        return Verdict(0, f"{first} kept: best supported ({support[0]:.2f})")
    if 0 in viable and support[winner] < support[0] + MARGIN:
        return Verdict(0, f"{first} kept: {candidates[winner].method} not clearly better "
                          f"supported ({support[winner]:.2f} vs {support[0]:.2f})")
    why = "; ".join(judged[0]) or (f"support {support[0]:.2f}" if 0 in viable else "too short")
    if len(viable) == 1:
        return Verdict(winner, f"{candidates[winner].method} chosen: the only prose "
                               f"candidate ({first}: {why})")
    return Verdict(winner, f"{candidates[winner].method} chosen (support {support[winner]:.2f})"
                           f" over {first} ({why})")


def trim_edges(
    paragraphs: Sequence[str], others: Sequence[Sequence[str]], link_texts: frozenset[str]
) -> tuple[str, ...]:
    """`paragraphs` without the chrome lines at its start and end that no other candidate
    has: a share bar or a related link the chosen method took along, which the methods
    that did not take it show is not the article's."""
    seen = {_SPACE.sub("", line) for other in others for line in other}
    lines = list(paragraphs)

    def stray(line: str) -> bool:
        key = _SPACE.sub("", line)
        return key not in seen and _width(line) <= UI_LINE_WIDTH and (
            _UI.search(line) is not None or key in link_texts)

    while lines and stray(lines[0]):
        lines.pop(0)
    while lines and stray(lines[-1]):
        lines.pop()
    return tuple(lines)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0

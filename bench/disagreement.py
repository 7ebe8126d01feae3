"""The disagreement report of `make eval`: pages where kuaizhao is far from two peers
that agree with each other, the three bodies side by side.

Labels cover few pages; two independent extractors that agree on a page are a fair
guess at its article, so a kuaizhao body far from both is worth a reviewer's look
whether or not the page has a label. Agreement is `kuaizhao.extract.agreement`
(Dice overlap of character bigrams / words). Also here: the catastrophic misses of
issue 19's "Done when" (a labelled page where kuaizhao's body F1 < 0.5 while a peer
scores > 0.8).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from kuaizhao.extract.agreement import similarity

PEERS = ("trafilatura", "readability")
# Peers at or above this agree; kuaizhao below this with each of them is far from both.
PEERS_AGREE = 0.6
FAR = 0.4
MISS_F1, PEER_F1 = 0.5, 0.8


@dataclass(frozen=True, slots=True)
class Disagreement:
    page: str  # dataset/id
    peers: float  # overlap of the two peers
    ours: tuple[float, float]  # kuaizhao's overlap with each peer
    texts: tuple[str, str, str]  # kuaizhao, trafilatura, readability


def disagreements(texts: dict[str, dict[str, str]]) -> list[Disagreement]:
    """`texts[tool][page]` → the pages where kuaizhao is far from both agreeing peers."""
    found = []
    for page, ours in texts.get("kuaizhao", {}).items():
        a, b = (texts.get(p, {}).get(page) for p in PEERS)
        if a is None or b is None:
            continue
        peers = similarity(a, b)
        if peers < PEERS_AGREE:
            continue
        with_a, with_b = similarity(ours, a), similarity(ours, b)
        if with_a < FAR and with_b < FAR:
            found.append(Disagreement(page, peers, (with_a, with_b), (ours, a, b)))
    return found


def catastrophic_misses(f1: dict[str, dict[str, float]]) -> list[tuple[str, float, str, float]]:
    """(page, kuaizhao F1, best peer, its F1) where kuaizhao < MISS_F1 and a peer > PEER_F1."""
    misses = []
    for page, ours in f1.get("kuaizhao", {}).items():
        peers = [(f1[t][page], t) for t in f1 if t != "kuaizhao" and page in f1[t]]
        if not peers:
            continue
        best, tool = max(peers)
        if ours < MISS_F1 and best > PEER_F1:
            misses.append((page, ours, tool, best))
    return sorted(misses)


def write_report(rows: list[Disagreement], checked: int, path: Path) -> None:
    """An HTML page: one table per disagreement, kuaizhao | trafilatura | readability."""
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = [
        "<!doctype html><meta charset=utf-8><title>kuaizhao disagreements</title>",
        "<style>table{table-layout:fixed;width:100%;border-collapse:collapse}"
        "td{vertical-align:top;border:1px solid #ccc;padding:4px;white-space:pre-wrap;"
        "font-size:13px}</style>",
        f"<h1>{len(rows)} of {checked} pages: kuaizhao far from two agreeing peers</h1>",
        f"<p>Peers agree: overlap ≥ {PEERS_AGREE}; far: kuaizhao's overlap with each "
        f"peer &lt; {FAR} (character bigrams / words, Dice).</p>",
    ]
    for row in rows:
        head = (f"{html.escape(row.page)}: peers {row.peers:.2f}, kuaizhao–trafilatura "
                f"{row.ours[0]:.2f}, kuaizhao–readability {row.ours[1]:.2f}")
        cells = "".join(f"<td>{html.escape(t[:6000])}</td>" for t in row.texts)
        parts.append(f"<h2>{head}</h2><table><tr><th>kuaizhao</th><th>trafilatura</th>"
                     f"<th>readability-lxml</th></tr><tr>{cells}</tr></table>")
    path.write_text("\n".join(parts), encoding="utf-8")

"""A synthetic Chinese news corpus of any size, made from real sentences.

The sentence pool is every sentence of the real Chinese pages under
`/work/shared/data/`: the magic-html ground-truth bodies (pages tagged `zh`), the text
of the GeneralNewsExtractor pages (extracted with trafilatura, decoded with
`kuaizhao.charset`) and the seed snapshot page. An article is a title (one shortened
sentence) and a body of 2–12 paragraphs of 1–5 sentences drawn at random from the
pool; body lengths follow a log-normal with a mean near 900 characters, like the
real pages. Everything is seeded, so a run is reproducible.

Known limitation: the pool holds a few thousand sentences, so at a million articles
each sentence recurs thousands of times. Posting lists are therefore longer than in a
real archive of the same size, which makes latency numbers pessimistic.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path("/work/shared/data")
SEED = Path("/work/shared/seed")

_SENTENCE_END = re.compile(r"(?<=[。！？!?；])|\n+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
CATEGORIES = ("国内", "国际", "财经", "科技", "体育", "社会", "文化")
SOURCES = tuple(f"source{i:02d}" for i in range(40))


@dataclass(frozen=True, slots=True)
class RealPage:
    """One real Chinese page: where it came from, its title and its body text."""

    page_id: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class BenchArticle:
    url: str
    source: str
    category: str
    published_at: str  # UTC ISO text, as in the snapshots table
    title: str
    text: str


def _gne_pages() -> list[RealPage]:
    import trafilatura  # only the corpus builder needs it

    from kuaizhao.charset import decode_html

    outputs = json.loads((DATA / "gne_zh_unlabeled/gne_output_result_txt.json").read_text("utf-8"))
    pages = []
    for path in sorted((DATA / "gne_zh_unlabeled/html").glob("*.html")):
        html, _codec = decode_html(path.read_bytes(), None)
        known = outputs.get(path.name)
        text = known["content"] if known else (trafilatura.extract(html) or "")
        title = known["title"] if known else ""
        if not title:
            meta = trafilatura.extract_metadata(html)
            title = (meta.title if meta and meta.title else "") or ""
        if len(_HAN.findall(text)) >= 100:
            pages.append(RealPage(f"gne/{path.name}", title, text))
    return pages


def _magic_pages() -> list[RealPage]:
    truth = json.loads((DATA / "magic_html_article/ground_truth.json").read_text("utf-8"))
    zh = set()
    for line in (DATA / "magic_html_article/pages.tsv").read_text("utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if cols[3] == "zh":
            zh.add(cols[0])
    pages = []
    for page_id in sorted(zh):
        text = truth[page_id]["content"]
        first = next((s for s in _split(text) if len(s) >= 6), text[:30])
        pages.append(RealPage(f"magic/{page_id[:12]}", first[:40], text))
    return pages


def _seed_pages() -> list[RealPage]:
    pages = []
    for path in sorted(SEED.glob("*.txt")):
        text = path.read_text("utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        title = next((ln for ln in lines if _HAN.search(ln) and "订阅" not in ln), "")
        pages.append(RealPage(f"seed/{path.name}", title.lstrip("• "), text))
    return pages


def real_pages() -> list[RealPage]:
    """The real Chinese pages, for the sentence pool and the known-item test."""
    return _magic_pages() + _gne_pages() + _seed_pages()


def _split(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def sentence_pool(pages: list[RealPage]) -> list[str]:
    """Distinct sentences with at least four Han characters."""
    seen: dict[str, None] = {}
    for page in pages:
        for sentence in _split(page.text):
            if len(_HAN.findall(sentence)) >= 4 and len(sentence) <= 400:
                seen.setdefault(sentence, None)
    return list(seen)


def articles(n: int, pool: list[str], seed: int = 20240207) -> Iterator[BenchArticle]:
    """`n` articles recombined from `pool`, reproducible for a given seed."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(n):
        target = min(6000, max(150, int(rng.lognormvariate(6.5, 0.6))))
        paragraphs: list[str] = []
        size = 0
        while size < target:
            para = "".join(rng.choice(pool) for _ in range(rng.randint(1, 5)))
            paragraphs.append(para)
            size += len(para)
        title = rng.choice(pool)[:30].rstrip("。！？；，,")
        published = start + timedelta(seconds=rng.randrange(0, 4 * 365 * 86400))
        yield BenchArticle(
            url=f"https://news{i % 97}.example.cn/a/{i}.html",
            source=SOURCES[i % len(SOURCES)],
            category=CATEGORIES[rng.randrange(len(CATEGORIES))],
            published_at=published.isoformat(),
            title=title,
            text="\n\n".join(paragraphs),
        )

"""Side-by-side extraction quality: kuaizhao vs trafilatura, readability-lxml and GNE.

    python bench/eval_extract.py [--data /work/shared/data] [--limit N] [--tools a,b]
                                 [--html-dir DIR ...] [--report bench/results/disagreements.html]

Body: the Zyte article-extraction-benchmark metric: `\\w+` tokens, 4-gram shingles,
per-page precision and recall (a page with no output has precision 1, recall 0),
each averaged over pages, F1 from the two means. Chinese pages (lang zh) are cut
into jieba words first, keeping tokens with a word character — the same proxy as
magic_html_article/anchors/RERUN_shingle_jieba_2026.json. Title: exact match after
removing non-word characters and case. Date: same calendar day as the ground truth
in the ground truth's own offset. Authors: the set of names equals the ground truth
set after the same normalisation. Pages/s: extraction calls only, one process, both
wall clock and CPU time (CPU time is the one-core figure; wall clock also counts other
jobs on a shared machine). Each tool first extracts one English and one Chinese page
untimed, so one-time loading (imports, jieba's dictionaries: ~1.7 s for kuaizhao's
keywords) is not charged to the pages: the figure is a long-running worker's rate.
`--check-anchors` recomputes published AEB scores from anchors/*.json first.

When kuaizhao, trafilatura and readability all run, the disagreement report
(`bench/disagreement.py`) lists every page, labelled or not, including each `--html-dir`
of unlabelled HTML, where kuaizhao's body is far from both peers while they agree, and
the labelled pages that are catastrophic misses (kuaizhao F1 < 0.5, a peer > 0.8).
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import logging
import re
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from disagreement import catastrophic_misses, disagreements, write_report

from kuaizhao.charset import decode_html
from kuaizhao.extract.quality import f1_of_means, normalise, shingle_pr

DATASETS = ("scrapinghub_aeb", "magic_html_article", "fundus_fixtures", "gne_zh_unlabeled")


@dataclass
class Page:
    dataset: str
    id: str
    lang: str
    url: str | None
    html: bytes
    body: str | None = None
    title: str | None = None
    date: str | None = None
    authors: list[str] | None = None


@dataclass
class Output:
    text: str = ""
    title: str | None = None
    day: date | None = None
    authors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- scoring


def _norm(text: str | None) -> str:
    return normalise(text)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
        return date(int(m[1]), int(m[2]), int(m[3])) if m else None


# ---------------------------------------------------------------- data


def load(data: Path, limit: int | None) -> list[Page]:
    pages: list[Page] = []
    for name in DATASETS:
        base = data / name
        if not (base / "pages.tsv").exists():
            continue
        gt = json.loads((base / "ground_truth.json").read_text()) if (
            base / "ground_truth.json").exists() else {}
        with (base / "pages.tsv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for row in rows[:limit]:
            pid = row["id"]
            path = base / "html" / (pid if pid.endswith(".html") else pid + ".html")
            g = gt.get(pid, {})
            lang = row.get("lang_guess") or "zh"
            page = Page(name, pid, lang, g.get("url") or row.get("url"), path.read_bytes())
            page.body = g.get("articleBody") or g.get("content") or g.get("body_text")
            page.title = g.get("title")
            page.date = g.get("publishing_date")
            authors = g.get("authors")
            if isinstance(authors, str):
                authors = ast.literal_eval(authors) if authors.startswith("[") else [authors]
            page.authors = authors or None
            pages.append(page)
    return pages


_HAN = re.compile(r"[\u4e00-\u9fff]")


def load_dir(folder: Path) -> list[Page]:
    """Every *.html / *.htm under `folder` as an unlabelled page (language by script)."""
    pages = []
    for path in sorted([*folder.rglob("*.html"), *folder.rglob("*.htm")]):
        raw = path.read_bytes()
        text = decode_html(raw)[0]
        lang = "zh" if len(_HAN.findall(text)) > 0.05 * len(text) else "other"
        pages.append(Page(folder.name, str(path.relative_to(folder)), lang, None, raw))
    return pages


# ---------------------------------------------------------------- tools


def run_kuaizhao(page: Page, fast: bool = False) -> Output:
    from kuaizhao.extract import ExtractOptions, extract_article

    a = extract_article(page.html, page.url, ExtractOptions(fast=fast))
    day = None
    if a.published_at:
        gt = page.date and datetime.fromisoformat(page.date)
        tz = gt.tzinfo if gt and gt.tzinfo else a.published_at.tzinfo
        day = a.published_at.astimezone(tz).date()
    return Output(a.text, a.title, day, list(a.author))


def run_trafilatura(page: Page) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if doc is None:
        return Output()
    authors = [x.strip() for x in (doc.author or "").split(";") if x.strip()]
    return Output(doc.text or "", doc.title, _day(doc.date), authors)


def run_trafilatura_text(page: Page, fast: bool) -> Output:
    """trafilatura's `extract()` as most users call it: text only, no metadata."""
    import trafilatura

    return Output(trafilatura.extract(page.html, url=page.url, fast=fast) or "")


def run_readability(page: Page) -> Output:
    import lxml.html
    from readability import Document

    doc = Document(decode_html(page.html)[0])
    summary = doc.summary(html_partial=True)
    text = ""
    if summary.strip():
        tree = lxml.html.fromstring(summary)
        text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    return Output(text, doc.short_title())


def run_gne(page: Page) -> Output:
    from gne import GeneralNewsExtractor

    result = GeneralNewsExtractor().extract(decode_html(page.html)[0])
    author = (result.get("author") or "").strip()
    return Output(result.get("content") or "", result.get("title"),
                  _day(result.get("publish_time")), [author] if author else [])


TOOLS: dict[str, Callable[[Page], Output]] = {
    "kuaizhao": run_kuaizhao, "kuaizhao-fast": lambda page: run_kuaizhao(page, fast=True),
    "trafilatura": run_trafilatura,
    "trafilatura-extract": lambda page: run_trafilatura_text(page, fast=False),
    "trafilatura-extract-fast": lambda page: run_trafilatura_text(page, fast=True),
    "readability": run_readability, "gne": run_gne,
}


# ---------------------------------------------------------------- report


def evaluate(
    pages: list[Page], tool: str, texts: dict[str, str], f1: dict[str, float]
) -> tuple[dict[tuple[str, str], dict[str, Any]], tuple[float, float]]:
    """Scores per (dataset, language) and (wall-clock, CPU-time) pages per second;
    fills `texts` with each page's body and `f1` with each labelled page's body F1."""
    fn = TOOLS[tool]
    for lang in ("en", "zh"):  # warm-up, untimed and unscored (module docstring)
        first = next((page for page in pages if page.lang == lang), None)
        if first is None:
            continue
        try:
            fn(first)
        except ImportError:
            raise  # reported as "not installed" by main()
        except Exception:  # noqa: S110 - a crash here is counted when the page is scored
            pass
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"prs": [], "title": [], "date": [], "author": [], "crash": 0, "n": 0})
    elapsed = cpu = 0.0
    for page in pages:
        lang = page.lang if page.lang in {"zh", "en"} else "other"
        g = groups[(page.dataset, lang)]
        g["n"] += 1
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            out = fn(page)
        except Exception as exc:
            print(f"  {tool} crashed on {page.dataset}/{page.id}: {exc!r}", file=sys.stderr)
            g["crash"] += 1
            out = Output()
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        key = f"{page.dataset}/{page.id}"
        texts[key] = out.text
        if page.body:
            pr = shingle_pr(page.body, out.text, chinese=lang == "zh")
            g["prs"].append(pr)
            f1[key] = 2 * pr[0] * pr[1] / (pr[0] + pr[1]) if pr[0] + pr[1] else 0.0
        if page.title:
            g["title"].append(_norm(out.title) == _norm(page.title))
        if page.date:
            g["date"].append(out.day == _day(page.date))
        if page.authors:
            g["author"].append({_norm(a) for a in out.authors} == {_norm(a) for a in page.authors})
    return groups, (len(pages) / elapsed if elapsed else 0.0, len(pages) / cpu if cpu else 0.0)


def _mean(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "–"


def check_anchors(data: Path) -> None:
    base = data / "scrapinghub_aeb"
    gt = json.loads((base / "ground_truth.json").read_text())
    print("AEB anchors recomputed (this subset) vs anchors/SPLIT_SCORES.tsv F1_dev:")
    published = {r["tool"]: r["F1_dev"] for r in csv.DictReader(
        (base / "anchors/SPLIT_SCORES.tsv").open(), delimiter="\t")}
    for tool in ("trafilatura", "readability", "goose3", "html-text", "newspaper", "justext"):
        out = json.loads((base / f"anchors/{tool}.json").read_text())
        out = out.get("output", out)
        prs = [shingle_pr(g["articleBody"], out.get(k, {}).get("articleBody") or "")
               for k, g in gt.items()]
        print(f"  {tool:12} ours {f1_of_means(prs)[2]:.3f}  published {published.get(tool)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--limit", type=int, default=None, help="pages per dataset")
    parser.add_argument("--tools", default="kuaizhao,trafilatura,readability,gne",
                        help=f"comma-separated, from: {', '.join(TOOLS)}")
    parser.add_argument("--check-anchors", action="store_true")
    parser.add_argument("--html-dir", type=Path, action="append", default=[],
                        help="a directory of unlabelled HTML pages to add (repeatable)")
    parser.add_argument("--report", type=Path,
                        default=Path(__file__).parent / "results" / "disagreements.html")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    if args.check_anchors:
        check_anchors(args.data)
    pages = load(args.data, args.limit)
    for folder in args.html_dir:
        pages += load_dir(folder)[:args.limit]
    print(f"{len(pages)} pages from {args.data}\n")
    print("| dataset | lang | tool | pages | body P | body R | body F1 | title | date day "
          "| authors | crashes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    speeds = {}
    texts: dict[str, dict[str, str]] = {}
    f1: dict[str, dict[str, float]] = {}
    for tool in args.tools.split(","):
        try:
            groups, speed = evaluate(pages, tool, texts.setdefault(tool, {}),
                                     f1.setdefault(tool, {}))
        except ImportError as exc:
            print(f"| – | – | {tool} | not installed: {exc} |")
            continue
        speeds[tool] = speed
        for (ds, lang), g in sorted(groups.items()):
            p, r, f = f1_of_means(g["prs"]) if g["prs"] else (0, 0, 0)
            body = f"{p:.3f} | {r:.3f} | {f:.3f}" if g["prs"] else "– | – | –"
            print(f"| {ds} | {lang} | {tool} | {g['n']} | {body} | {_mean(g['title'])} | "
                  f"{_mean(g['date'])} | {_mean(g['author'])} | {g['crash']} |")
    print("\npages/s, one process, extraction calls only (wall clock / CPU time of this "
          "process, i.e. one core): " +
          ", ".join(f"{t} {wall:.1f} / {cpu:.1f}" for t, (wall, cpu) in speeds.items()))
    _report(texts, f1, args.report)
    return 0


def _report(texts: dict[str, dict[str, str]], f1: dict[str, dict[str, float]],
            path: Path) -> None:
    if not {"kuaizhao", "trafilatura", "readability"} <= texts.keys():
        return
    rows = disagreements(texts)
    write_report(rows, len(texts["kuaizhao"]), path)
    print(f"\ndisagreements (kuaizhao far from two agreeing peers): {len(rows)} of "
          f"{len(texts['kuaizhao'])} pages; report: {path}")
    for row in rows:
        print(f"  {row.page}: peers {row.peers:.2f}, kuaizhao {row.ours[0]:.2f} / "
              f"{row.ours[1]:.2f}")
    misses = catastrophic_misses(f1)
    print(f"catastrophic misses (kuaizhao body F1 < 0.5, a peer > 0.8): {len(misses)}")
    for page, ours, tool, best in misses:
        print(f"  {page}: kuaizhao {ours:.3f}, {tool} {best:.3f}")


if __name__ == "__main__":
    sys.exit(main())

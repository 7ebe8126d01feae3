"""Reposts, stealth edits and noise: kuaizhao's dedupe against simhash and exact digests.

Corpus: base articles recombined from the real sentences of the ground-truth bodies
under /work/shared/data (magic-html, Zyte AEB, Fundus; Chinese and English), each
base article drawing its sentences at random. Planted into the ingest stream after
their originals:
- light reposts: a 本文转自/source line, an editor credit, a few characters changed,
  punctuation width changed;
- heavy reposts: paragraphs reordered, 20-40 % of them dropped, some trimmed by a
  sentence, plus the light edits.
Every article is ingested in order: near-duplicate step (signature, LSH candidates,
verification, story assignment) timed per article. Then versions: for base articles,
a stealth edit (one digit, one character, a sentence added or removed, the title, a
caption) or a noise-only change (advertisement line, date-time stamp, view counter,
publication time, punctuation width) is judged by `decide_version`.

Baselines in the same run: exact digest of the folded text (the old behaviour), and
64-bit simhash over the same shingles (Hamming distance <= 3, found with a 4-chunk
pigeonhole index). Run: `python bench/bench_dedupe.py [--articles 20000] [--sqlite]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kuaizhao.dedupe import (
    band_keys,
    decide_version,
    is_near_duplicate,
    signature,
    similarity,
    text_fingerprint,
)
from kuaizhao.dedupe.neardup import Signature, fold, shingle_hashes
from kuaizhao.models import Article

DATA = Path("/work/shared/data")
_ZH_SPLIT = re.compile(r"(?<=[。！？；])")
_EN_SPLIT = re.compile(r"(?<=[.!?])\s+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
OUTLETS_ZH = ("人民资讯", "江南快报", "新华网", "北方日报", "南方都市", "东方财经")
OUTLETS_EN = ("The Harbour Ledger", "Daily Courier", "Evening Post", "Reuters")


@dataclass(frozen=True, slots=True)
class Item:
    key: int
    group: int  # the base article it copies (its own key for a base article)
    kind: str  # base | light | heavy
    zh: bool
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def load_pools() -> tuple[list[str], list[str]]:
    zh: set[str] = set()
    en: set[str] = set()
    for name, field in (("magic_html_article", "content"), ("scrapinghub_aeb", "articleBody"),
                        ("fundus_fixtures", "body_text")):
        truth = json.loads((DATA / name / "ground_truth.json").read_text("utf-8"))
        for value in truth.values():
            text = value.get(field) or ""
            text = "\n".join(map(str, text)) if isinstance(text, list) else str(text)
            for line in text.splitlines():
                if len(_HAN.findall(line)) > len(line) / 3:
                    # Chinese: clauses, recombined into new sentences, widen the pool.
                    zh.update(c for c in re.split(r"(?<=[，。！？；])", line) if len(c) >= 6)
                else:
                    en.update(s.strip() for s in _EN_SPLIT.split(line) if len(s.strip()) >= 30)
    return sorted(zh), sorted(en)


def make_base(rng: random.Random, key: int, zh: bool, pools: tuple[list[str], list[str]]
              ) -> Item:
    pool = pools[0] if zh else pools[1]
    paragraphs = []
    for _ in range(rng.randint(4, 9)):
        if zh:
            clauses = rng.sample(pool, rng.randint(3, 7))
            text = "".join(c.rstrip("，。；！？") + "，" for c in clauses[:-1])
            paragraphs.append(text + clauses[-1].rstrip("，。；！？") + "。")
        else:
            paragraphs.append(" ".join(rng.sample(pool, rng.randint(2, 4))))
    title = paragraphs[0][:24]
    return Item(key, key, "base", zh, title, tuple(paragraphs))


def _few_chars(rng: random.Random, text: str, n: int) -> str:
    chars = list(text)
    for _ in range(n):
        i = rng.randrange(len(chars))
        if chars[i].strip():
            chars[i] = rng.choice("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就")
    return "".join(chars)


def light(rng: random.Random, base: Item, key: int) -> Item:
    outlet = rng.choice(OUTLETS_ZH if base.zh else OUTLETS_EN)
    head = f"本文转自：{outlet}" if base.zh else f"This story first appeared in {outlet}."
    tail = "（责任编辑：张三）" if base.zh else "Editing by Jane Doe"
    body = [_few_chars(rng, p, 1) if rng.random() < 0.5 else p for p in base.paragraphs]
    if base.zh:
        body = [p.replace("，", ",").replace("：", ":") if rng.random() < 0.3 else p
                for p in body]
    return Item(key, base.key, "light", base.zh, base.title, (head, *body, tail))


def heavy(rng: random.Random, base: Item, key: int) -> Item:
    paragraphs = list(base.paragraphs)
    rng.shuffle(paragraphs)
    keep = max(2, round(len(paragraphs) * rng.uniform(0.6, 0.8)))
    kept = []
    for p in paragraphs[:keep]:
        parts = _ZH_SPLIT.split(p) if base.zh else _EN_SPLIT.split(p)
        if len(parts) > 2 and rng.random() < 0.3:
            p = ("" if base.zh else " ").join(parts[:-1])  # trimmed by a sentence
        kept.append(p)
    edited = light(rng, replace(base, paragraphs=tuple(kept)), key)
    return replace(edited, kind="heavy")


def build_stream(n: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    pools = load_pools()
    n_base = int(n * 0.8)
    bases = [make_base(rng, i, i % 2 == 0, pools) for i in range(n_base)]
    stream: list[Item] = list(bases)
    for k in range(n - n_base):
        original = rng.choice(bases)
        maker = light if k % 2 == 0 else heavy
        copy = maker(rng, original, n_base + k)
        # after its original, anywhere later in the stream
        at = rng.randint(stream.index(original) + 1, len(stream)) if k < 200 else len(stream)
        stream.insert(at, copy)
    return stream


# ------------------------------------------------------------------ story assignment


class MinHashLsh:
    """kuaizhao's near-dup step over an in-memory or SQLite band index."""

    name = "MinHash LSH (kuaizhao)"

    def __init__(self, use_sqlite: bool) -> None:
        self.db = sqlite3.connect(":memory:") if use_sqlite else None
        if self.db is not None:
            self.name += " + SQLite bands"
            self.db.executescript(
                "CREATE TABLE near_dup_signatures (snapshot_id INTEGER PRIMARY KEY,"
                " signature BLOB NOT NULL, shingles INTEGER NOT NULL);"
                "CREATE TABLE lsh_bands (band_key INTEGER NOT NULL, snapshot_id INTEGER NOT"
                " NULL, PRIMARY KEY (band_key, snapshot_id)) WITHOUT ROWID;")
        self.bands: dict[int, list[int]] = defaultdict(list)
        self.sigs: dict[int, Signature] = {}

    def assign(self, item: Item, story_of: dict[int, int]) -> int | None:
        sig = signature(item.text)
        if sig is None:
            return None
        keys = band_keys(sig)
        best: tuple[float, int] | None = None
        for other, other_sig in self._candidates(keys):
            score = similarity(sig, other_sig)
            if is_near_duplicate(score):
                value = score.jaccard + score.overlap
                if best is None or value > best[0]:
                    best = (value, other)
        self._add(item.key, sig, keys)
        return story_of[best[1]] if best else None

    def _candidates(self, keys: tuple[int, ...]) -> list[tuple[int, Signature]]:
        if self.db is None:
            ids = {i for k in keys for i in self.bands.get(k, ())}
            return [(i, self.sigs[i]) for i in sorted(ids)]
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT b.snapshot_id, n.signature, n.shingles, count(*) AS shared FROM lsh_bands"
            f" b JOIN near_dup_signatures n ON n.snapshot_id = b.snapshot_id WHERE b.band_key"
            f" IN ({marks}) GROUP BY b.snapshot_id ORDER BY shared DESC LIMIT 200",
            keys).fetchall()
        return [(r[0], Signature.from_bytes(r[1], r[2])) for r in rows]

    def _add(self, key: int, sig: Signature, keys: tuple[int, ...]) -> None:
        if self.db is None:
            for k in keys:
                self.bands[k].append(key)
            self.sigs[key] = sig
            return
        self.db.execute("INSERT INTO near_dup_signatures VALUES (?, ?, ?)",
                        (key, sig.to_bytes(), sig.shingles))
        self.db.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?, ?)",
                            [(k, key) for k in keys])


class ExactDigest:
    name = "exact text digest (before)"

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def assign(self, item: Item, story_of: dict[int, int]) -> int | None:
        fp = text_fingerprint(item.text)
        if fp is None:
            return None
        if fp in self.seen:
            return story_of[self.seen[fp]]
        self.seen[fp] = item.key
        return None


def simhash(text: str) -> int:
    """Charikar's simhash of the shingle hashes (bit counts per byte histogram: the same
    result as counting every bit of every hash, a few times faster in pure Python)."""
    hashes = shingle_hashes(fold(text))
    half = len(hashes) / 2
    value = 0
    for byte in range(8):
        histogram = Counter(h >> (8 * byte) & 0xFF for h in hashes)
        for bit in range(8):
            ones = sum(n for v, n in histogram.items() if v >> bit & 1)
            if ones > half:
                value |= 1 << (8 * byte + bit)
    return value


class SimHash:
    name = "simhash 64-bit, k<=3"

    def __init__(self) -> None:
        self.chunks: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.values: dict[int, int] = {}

    def assign(self, item: Item, story_of: dict[int, int]) -> int | None:
        value = simhash(item.text)
        keys = [(c, value >> (16 * c) & 0xFFFF) for c in range(4)]
        found = None
        for other in sorted({i for k in keys for i in self.chunks.get(k, ())}):
            if bin(value ^ self.values[other]).count("1") <= 3:
                found = other
                break
        for k in keys:
            self.chunks[k].append(item.key)
        self.values[item.key] = value
        return story_of[found] if found is not None else None


@dataclass
class StoryResult:
    name: str
    light: float
    heavy: float
    false_grouping: float
    ms_mean: float
    ms_p99: float


def run_stories(method: MinHashLsh | ExactDigest | SimHash, stream: list[Item]) -> StoryResult:
    story_of: dict[int, int] = {}
    members: dict[int, list[int]] = defaultdict(list)
    times = []
    for item in stream:
        start = time.perf_counter()
        story = method.assign(item, story_of)
        times.append(time.perf_counter() - start)
        story_of[item.key] = story if story is not None else item.key
        members[story_of[item.key]].append(item.key)
    group = {i.key: i.group for i in stream}
    kinds = {i.key: i.kind for i in stream}

    def recall(kind: str) -> float:
        copies = [k for k in group if kinds[k] == kind]
        return sum(story_of[k] == story_of[group[k]] for k in copies) / max(1, len(copies))

    # An article is falsely grouped when its story holds an article of another group.
    false = 0
    for keys in members.values():
        groups = [group[k] for k in keys]
        if len(set(groups)) > 1:
            top = max(set(groups), key=groups.count)
            false += sum(1 for g in groups if g != top)
    times.sort()
    return StoryResult(method.name, recall("light"), recall("heavy"), false / len(stream),
                       1000 * statistics.fmean(times), 1000 * times[int(len(times) * 0.99)])


# ------------------------------------------------------------------ versions

T0 = datetime(2024, 5, 20, 1, 47, 48, tzinfo=UTC)


def as_article(item: Item) -> Article:
    stamp = "发布时间：2024-05-20 09:47:48" if item.zh else "Published 2024-05-20 09:47"
    counter = "阅读 12,345" if item.zh else "1,234 views"
    caption = "资料图。记者 摄" if item.zh else "File photo. Staff photographer"
    return Article(title=item.title, text="\n\n".join((stamp, *item.paragraphs, counter)),
                   captions=(caption,), published_at=T0)


def stealth_edit(rng: random.Random, a: Article) -> Article:
    paragraphs = list(a.paragraphs)
    body = list(range(1, len(paragraphs) - 1))
    i = rng.choice(body)
    how = rng.randrange(6)
    if how == 0:  # one character or digit
        p = paragraphs[i]
        j = rng.randrange(len(p))
        paragraphs[i] = p[:j] + ("7" if p[j] != "7" else "8") + p[j + 1:]
    elif how == 1:
        del paragraphs[i]
    elif how == 2:
        paragraphs.insert(i, "据知情人士透露，相关部门已介入调查。" if a.title[:1] > "z" else
                          "A spokesperson later declined to comment.")
    elif how == 3:
        splitter = _ZH_SPLIT if _HAN.search(paragraphs[i]) else _EN_SPLIT
        sentences = [s for s in splitter.split(paragraphs[i]) if s.strip()]
        paragraphs[i] = " ".join(sentences[:-1]) or paragraphs[i][: len(paragraphs[i]) // 2]
    elif how == 4:
        return replace(a, title=a.title + "（更新）")
    else:
        return replace(a, captions=(a.captions[0].replace("资料图", "现场图")
                                    .replace("File", "Scene"),))
    return replace(a, text="\n\n".join(paragraphs))


def noise_change(rng: random.Random, a: Article) -> Article:
    paragraphs = list(a.paragraphs)
    how = rng.randrange(5)
    if how == 0:
        ad = rng.choice(("广告：XX理财，年化收益5%，点击了解", "Advertisement",
                         "【推广】夏季大促，全场五折", "Sponsored: Try our new app"))
        paragraphs.insert(rng.randrange(1, len(paragraphs)), ad)
    elif how == 1:
        paragraphs[0] = paragraphs[0].replace("09:47:48", "10:02:11").replace("09:47", "10:02")
    elif how == 2:
        paragraphs[-1] = paragraphs[-1].replace("12,345", "1.3万").replace("1,234", "5,678")
    elif how == 3:
        return replace(a, published_at=T0 + timedelta(hours=8), updated_at=T0 + timedelta(1))
    else:
        paragraphs = [p.replace("，", ",").replace("。", ". ") for p in paragraphs]
    return replace(a, text="\n\n".join(paragraphs))


def run_versions(stream: list[Item], n: int, seed: int) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    bases = [as_article(i) for i in stream if i.kind == "base"][: n]
    edits = [(a, stealth_edit(rng, a)) for a in bases]
    noise = [(a, noise_change(rng, a)) for a in bases]

    def raw_digest(a: Article) -> str:
        blob = json.dumps([a.title, a.text, a.captions, str(a.published_at)],
                          ensure_ascii=False)
        return hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()

    def sim_version(a: Article, b: Article) -> bool:
        return a.title != b.title or bin(simhash(a.text) ^ simhash(b.text)).count("1") > 3

    judges: list[tuple[str, Callable[[Article, Article], bool]]] = [
        ("decide_version (kuaizhao)", lambda a, b: decide_version(a, b).is_version),
        ("payload digest (before)", lambda a, b: raw_digest(a) != raw_digest(b)),
        ("simhash k<=3 (+ title)", sim_version),
    ]
    out = []
    for name, judge in judges:
        found = sum(judge(a, b) for a, b in edits) / len(edits)
        false = sum(judge(a, b) for a, b in noise) / len(noise)
        out.append((name, found, false))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--edits", type=int, default=4_000, help="stealth/noise pairs each")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlite", action="store_true", help="band keys in SQLite, as stored")
    args = parser.parse_args()
    stream = build_stream(args.articles, args.seed)
    counts = {k: sum(1 for i in stream if i.kind == k) for k in ("base", "light", "heavy")}
    print(f"{len(stream)} articles: {counts}")
    print("| method | light recall | heavy recall | false grouping | ms/article (mean, p99) |")
    print("|---|---|---|---|---|")
    for method in (MinHashLsh(args.sqlite), SimHash(), ExactDigest()):
        r = run_stories(method, stream)
        print(f"| {r.name} | {r.light:.3f} | {r.heavy:.3f} | {100 * r.false_grouping:.2f} % "
              f"| {r.ms_mean:.2f}, {r.ms_p99:.2f} |")
    print()
    print("| version judge | stealth edits detected | noise-only changes made a version |")
    print("|---|---|---|")
    for name, found, false in run_versions(stream, args.edits, args.seed):
        print(f"| {name} | {found:.4f} | {100 * false:.2f} % |")


if __name__ == "__main__":
    main()

"""Quality gate: extraction scores on a committed page subset must not fall below the
floors pinned in tests/data/extract/floors.toml (floors may only ever be raised)."""

from __future__ import annotations

import ast
import csv
import json
import tomllib
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kuaizhao import extract_article
from kuaizhao.extract.quality import f1_of_means, normalise, same_text, shingle_pr

DATA = Path(__file__).parents[1] / "data" / "extract"
FLOORS = tomllib.loads((DATA / "floors.toml").read_text(encoding="utf-8"))


def _pages(dataset: str) -> list[tuple[dict[str, str], dict[str, Any], bytes]]:
    base = DATA / "quality" / dataset
    truth = json.loads((base / "ground_truth.json").read_text(encoding="utf-8"))
    with (base / "pages.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(row, truth[row["id"]], (base / "html" / f"{row['id']}.html").read_bytes())
            for row in rows]


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    prs: dict[str, list[tuple[float, float]]] = {"zh": [], "en": []}
    titles, days, authors = [], [], []
    for dataset in ("magic_html_article", "scrapinghub_aeb", "fundus_fixtures"):
        for row, truth, html in _pages(dataset):
            article = extract_article(html, truth.get("url"))
            lang = "zh" if row["lang_guess"] == "zh" else "en"
            body = truth.get("articleBody") or truth.get("content") or truth.get("body_text")
            prs[lang].append(shingle_pr(body, article.text, chinese=lang == "zh"))
            if truth.get("title"):
                titles.append(same_text(article.title, truth["title"]))
            if truth.get("publishing_date"):
                expected = datetime.fromisoformat(truth["publishing_date"])
                got = article.published_at
                days.append(got is not None and got.astimezone(expected.tzinfo).date()
                            == expected.date())
            if truth.get("authors"):
                names = truth["authors"]
                if isinstance(names, str):
                    names = ast.literal_eval(names)
                authors.append({normalise(a) for a in article.author}
                               == {normalise(n) for n in names})
    return {
        "body_f1_zh": f1_of_means(prs["zh"])[2],
        "body_f1_en": f1_of_means(prs["en"])[2],
        "title_match": sum(titles) / len(titles),
        "date_day_accuracy": sum(days) / len(days),
        "author_set_match": sum(authors) / len(authors),
    }


@pytest.mark.parametrize("metric", sorted(FLOORS["floors"]))
def test_score_at_or_above_floor(scores: dict[str, float], metric: str) -> None:
    floor = FLOORS["floors"][metric]
    assert scores[metric] >= floor, (
        f"{metric} fell to {scores[metric]:.3f}, below the pinned floor {floor}; "
        "find the change that lowered it (floors are never lowered)"
    )


def test_every_score_has_a_floor(scores: dict[str, float]) -> None:
    assert set(scores) == set(FLOORS["floors"])


def test_scorer_reads_composed_and_decomposed_letters_alike() -> None:
    composed = "Die Gesellschaft für Allgemeinmedizin hat in Klausen gefeiert"
    assert shingle_pr(unicodedata.normalize("NFD", composed), composed) == (1.0, 1.0)

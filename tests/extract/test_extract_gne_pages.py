"""Real Chinese news pages (GeneralNewsExtractor's test set) never crash the extractor.

Three pages are committed under tests/data/extract/gne (GPL-3.0 repository, licence
next to them); the whole folder in /work/shared/data is used when it is present.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kuaizhao import extract_article
from kuaizhao.extract import ExtractOptions

COMMITTED = Path(__file__).parents[1] / "data" / "extract" / "gne"
# The shared folder beside the checkout (as CI lays it out), else the workplace copy.
SHARED = next(
    (p for p in (Path(__file__).parents[3] / "shared/data/gne_zh_unlabeled/html",
                 Path("/work/shared/data/gne_zh_unlabeled/html")) if p.is_dir()),
    Path("/work/shared/data/gne_zh_unlabeled/html"),
)


# When the pages were saved: readhub's page says only "昨天" (yesterday) by the headline.
CAPTURED = datetime(2019, 9, 8, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", sorted(COMMITTED.glob("*.html")), ids=lambda p: p.name)
def test_committed_gne_page(path: Path) -> None:
    article = extract_article(path.read_bytes(), options=ExtractOptions(now=CAPTURED))
    assert article.title
    assert article.text
    assert article.language == "zh"
    assert article.published_at is not None
    assert article.published_at.tzinfo is not None


def test_relative_day_by_the_headline_not_a_licence_number_in_the_footer() -> None:
    page = (COMMITTED / "readhub__readhub.html").read_bytes()
    published = extract_article(page, options=ExtractOptions(now=CAPTURED)).published_at
    assert published is not None
    assert published.astimezone(ZoneInfo("Asia/Shanghai")).date() == date(2019, 9, 7)
    # Without a capture time "昨天" means nothing; the footer's "浙 B2-20181004" is no date.
    assert extract_article(page).published_at is None


def test_all_shared_gne_pages_do_not_crash() -> None:
    pages = sorted(SHARED.glob("*.html")) if SHARED.is_dir() else []
    if not pages:
        pytest.skip(f"{SHARED} is not present")
    for path in pages:
        article = extract_article(path.read_bytes())
        assert article.title, path.name
        assert article.text or article.not_article_reason, path.name

"""A category is a label a reader understands; codes are told by their shape."""

from __future__ import annotations

import pytest

from kuaizhao.labels import code_reason, is_label


@pytest.mark.parametrize("value", [
    # the four the issue found after `import --category 国内`
    "01002002050", "01007011001", "1004", "14739",
    "2024-01", "c1004", "a01b02", "2007年第23号", "3f2a9c01d4e5",
    "550e8400-e29b-41d4-a716-446655440000", "news_pegged_article", "c_1004",
    "gizmodo.com", "", "   ", "---",
])
def test_codes(value: str) -> None:
    assert code_reason(value) is not None
    assert not is_label(value)


@pytest.mark.parametrize("value", [
    "国内", "财经", "国务院公报", "39深呼吸", "K-Pop", "Aerospace & Defense", "front-page",
    "News - News", "IT", "地震・災害", "정치", "Публикации", "راوی کی کہانی", "COVID-19",
    "Web3",
])
def test_labels(value: str) -> None:
    assert code_reason(value) is None

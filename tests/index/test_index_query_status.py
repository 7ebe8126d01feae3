from __future__ import annotations

import pytest

from kuaizhao.errors import QueryError
from kuaizhao.index.query import parse_query


def test_status_filter_in_text_and_as_parameter() -> None:
    assert parse_query("无锡 status:changed").status == "changed"
    assert parse_query("无锡", status="removed").status == "removed"
    assert parse_query("无锡 status:changed", status="removed").status == "removed"
    assert parse_query("无锡").status is None


def test_unknown_status_is_a_clear_error() -> None:
    with pytest.raises(QueryError, match="status: expects one of changed, removed"):
        parse_query("status:deleted")

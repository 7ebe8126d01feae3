"""SQL conditions for search filters and paging checks, shared by search and listings."""

from __future__ import annotations

from datetime import date, timedelta

from kuaizhao.errors import QueryError

MAX_LIMIT = 100
MAX_OFFSET = 1_000


def check_page(offset: int, limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(
            f"offset must be between 0 and {MAX_OFFSET}, got {offset}; "
            "narrow the query with words or filters instead of paging that far",
            code="page_too_deep", max_offset=MAX_OFFSET,
        )


def _day_start(day: date) -> str:
    return day.isoformat()  # sorts before any "YYYY-MM-DDT..." of the same day


def filters_sql(
    query_category: str | None,
    query_source: str | None,
    since: date | None,
    until: date | None,
    status: str | None = None,
) -> tuple[str, list[object]]:
    """SQL conditions on search_docs `d` and their parameters."""
    sql: list[str] = []
    args: list[object] = []
    if status == "removed":
        sql.append("EXISTS (SELECT 1 FROM removals r WHERE r.url = d.url "
                   "AND r.restored_at IS NULL)")
    elif status == "changed":
        sql.append("EXISTS (SELECT 1 FROM capture_versions v WHERE v.url = d.url "
                   "AND v.kind = 'version')")
    if query_category is not None:
        sql.append("d.category = ?")
        args.append(query_category)
    if query_source is not None:
        sql.append("d.source_id = (SELECT id FROM sources WHERE name = ?)")
        args.append(query_source)
    if since is not None:
        sql.append("d.sort_time >= ?")
        args.append(_day_start(since))
    if until is not None:
        sql.append("d.sort_time < ?")
        args.append(_day_start(until + timedelta(days=1)))
    return (" AND ".join(sql) or "1 = 1"), args

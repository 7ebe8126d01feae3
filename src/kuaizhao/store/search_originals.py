"""Which snapshot a collapsed story shows in search and listings: its original.

`stories.original_url` is chosen at ingest by `dedupe.stories.choose_original` (see
docs/versions.md); search groups hits by story and then shows the original's indexed
(latest) version when it passes the same filters, not the member that ranked first.
Both search engines use it; the SQL has `?` placeholders (see `search_hits.Rows`).
"""

from __future__ import annotations

from kuaizhao.store.search_hits import Rows


def prefer_originals(rows: Rows, ids: list[int], where: str,
                     args: list[object]) -> list[int]:
    """`ids` with each story member replaced by its story's original, where allowed.

    `where` holds conditions on search_docs `d` (the page's filters)."""
    if not ids:
        return ids
    marks = ",".join("?" * len(ids))
    # A subquery per hit, not a join: joined, the planners start from the filter's index
    # (every 国内 article) and took 3.5 s at 1 M articles; this way it is 20 lookups.
    swap = {hit: original for hit, original in rows(
        f"SELECT d.snapshot_id, (SELECT o.snapshot_id FROM search_docs o"
        f" WHERE o.url = st.original_url AND o.story_id = d.story_id"
        f" AND o.snapshot_id != d.snapshot_id AND {where.replace('d.', 'o.')} LIMIT 1)"
        f" FROM search_docs d JOIN stories st ON st.id = d.story_id"
        f" WHERE d.snapshot_id IN ({marks})",
        [*args, *ids]) if original is not None}
    return [swap.get(i, i) for i in ids]

"""The JSON shapes of versions, diffs, stories and the changed-or-removed listing."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel, Field

from kuaizhao.models import ChangedUrl, Removal, Snapshot, StoryInfo, VersionInfo
from kuaizhao.web.versions_diff import ArticleDiff, Block, Segment


class RemovalOut(BaseModel):
    removed_at: datetime = Field(description="when a capture first found the page gone")
    reason: str = Field(description="http_404, http_410, redirect_home or not_found_page")
    last_snapshot_id: int | None = Field(description="the last version before it went")
    restored_at: datetime | None = Field(description="a later capture found it back")


class VersionOut(BaseModel):
    number: int = Field(description="1 for the first version")
    snapshot_id: int
    captured_at: datetime = Field(description="when this version was first captured")
    last_seen_at: datetime = Field(description="the last capture that still showed it")
    captures: int = Field(description="captures showing it, unchanged re-checks included")
    title: str
    changed: list[str] = Field(description="fields changed from the previous version")
    html_url: str
    diff_url: str | None = Field(description="JSON diff from the previous version")


class VersionsOut(BaseModel):
    url: str
    total: int
    removal: RemovalOut | None
    versions: list[VersionOut]


class SegmentOut(BaseModel):
    op: str = Field(description="same, del or ins")
    text: str = Field(description="plain text (not HTML)")


class BlockOut(BaseModel):
    op: str = Field(description="same, del, ins or changed (a paragraph edited in place)")
    segments: list[SegmentOut]


class TimeChangeOut(BaseModel):
    name: str
    old: str = Field(description="ISO 8601, empty when the version states none")
    new: str
    changed: bool


class DiffOut(BaseModel):
    old_id: int
    new_id: int
    same_url: bool = Field(description="false when comparing two different pages (a repost)")
    changed: list[str]
    title: list[SegmentOut]
    times: list[TimeChangeOut]
    body: list[BlockOut]
    captions: list[BlockOut]
    html_url: str


class StoryMemberOut(BaseModel):
    snapshot_id: int
    url: str
    source: str
    title: str
    published_at: datetime | None
    captured_at: datetime
    is_original: bool
    reposted_from: str | None


class StoryOut(BaseModel):
    id: int
    created_at: datetime
    original_snapshot_id: int | None
    original_reason: str | None = Field(
        description="evidence: named_by_repost, linked_by_repost, wire_service, "
                    "earliest_published or only_member")
    members: list[StoryMemberOut] = Field(description="latest version of each member URL")
    html_url: str


class ChangeOut(BaseModel):
    url: str
    source: str
    title: str
    latest_snapshot_id: int
    versions: int
    last_event_at: datetime
    removal: RemovalOut | None
    versions_url: str


class ChangesOut(BaseModel):
    kind: str | None = Field(description="changed, removed, or null for both")
    total: int
    offset: int
    limit: int
    next: str | None
    changes: list[ChangeOut]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def versions_api_url(url: str) -> str:
    return f"/api/v1/urls/{quote(url, safe='')}/versions"


def removal_out(removal: Removal | None) -> RemovalOut | None:
    if removal is None:
        return None
    return RemovalOut(removed_at=removal.removed_at, reason=removal.reason,
                      last_snapshot_id=removal.last_snapshot_id,
                      restored_at=removal.restored_at)


def versions_out(url: str, versions: list[VersionInfo], removal: Removal | None) -> VersionsOut:
    out = []
    for i, v in enumerate(versions):
        before = versions[i - 1].snapshot_id if i else None
        out.append(VersionOut(
            number=v.number, snapshot_id=v.snapshot_id, captured_at=v.captured_at,
            last_seen_at=v.last_seen_at, captures=v.captures, title=v.title,
            changed=list(v.changed), html_url=f"/snapshots/{v.snapshot_id}",
            diff_url=f"/api/v1/snapshots/{before}/diff/{v.snapshot_id}" if before else None))
    return VersionsOut(url=url, total=len(out), removal=removal_out(removal), versions=out)


def _segments(segments: tuple[Segment, ...]) -> list[SegmentOut]:
    return [SegmentOut(op=s.op, text=s.text) for s in segments]


def _blocks(blocks: tuple[Block, ...]) -> list[BlockOut]:
    return [BlockOut(op=b.op, segments=_segments(b.segments)) for b in blocks]


def diff_out(old: Snapshot, new: Snapshot, diff: ArticleDiff) -> DiffOut:
    return DiffOut(
        old_id=old.id, new_id=new.id, same_url=old.url == new.url, changed=list(diff.changed),
        title=_segments(diff.title),
        times=[TimeChangeOut(name=t.name, old=_iso(t.old), new=_iso(t.new), changed=t.changed)
               for t in diff.times],
        body=_blocks(diff.body), captions=_blocks(diff.captions),
        html_url=f"/snapshots/{old.id}/diff/{new.id}")


def story_out(story: StoryInfo, original_url: str | None) -> StoryOut:
    return StoryOut(
        id=story.id, created_at=story.created_at,
        original_snapshot_id=story.original_snapshot_id, original_reason=story.original_reason,
        members=[StoryMemberOut(
            snapshot_id=m.id, url=m.url, source=m.source_name, title=m.article.title,
            published_at=m.article.published_at, captured_at=m.captured_at,
            is_original=m.url == original_url, reposted_from=m.article.reposted_from)
            for m in story.members],
        html_url=f"/stories/{story.id}")


def change_out(change: ChangedUrl) -> ChangeOut:
    return ChangeOut(url=change.url, source=change.source_name, title=change.title,
                     latest_snapshot_id=change.latest_snapshot_id, versions=change.versions,
                     last_event_at=change.last_event_at, removal=removal_out(change.removal),
                     versions_url=versions_api_url(change.url))

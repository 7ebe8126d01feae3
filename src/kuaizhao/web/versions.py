"""Versions of a URL, diffs between snapshots, stories, and the changed-or-removed listing.

Pages and their JSON twins: `/urls/{url}/versions` (the URL percent-encoded as one
path segment), `/snapshots/{id}/diff/{other}`, `/stories/{id}`, `/changes`.
`snapshot_context` adds the version list, the removal notice and the story box to the
snapshot page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import Snapshot, VersionInfo
from kuaizhao.store.base import Store
from kuaizhao.urls import normalize_url
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.render import render, site_of
from kuaizhao.web.versions_api import (
    ChangesOut,
    DiffOut,
    StoryOut,
    VersionsOut,
    change_out,
    diff_out,
    story_out,
    versions_api_url,
    versions_out,
)
from kuaizhao.web.versions_diff import collapse_unchanged, diff_articles

router = APIRouter()
PER_PAGE = 20
KINDS = ("changed", "removed")
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 503: {"model": ErrorOut}}


@dataclass(frozen=True, slots=True)
class StoryBox:
    """What the snapshot page says about the story it belongs to."""

    story_id: int
    original: Snapshot | None  # None when this snapshot's URL is the original
    is_original: bool
    outlets: int  # other member URLs: reposts of the original (this one excluded)


def _story_box(store: Store, snap: Snapshot) -> StoryBox | None:
    if snap.story_id is None:
        return None
    story = store.story(snap.story_id)
    if len({m.url for m in story.members}) < 2 or story.original_snapshot_id is None:
        return None
    original = store.snapshot(story.original_snapshot_id)
    is_original = original.url == snap.url
    others = {m.url for m in story.members} - {snap.url, original.url}
    return StoryBox(story_id=story.id, original=None if is_original else original,
                    is_original=is_original, outlets=len(others))


def snapshot_context(store: Store, snap: Snapshot) -> dict[str, Any]:
    """Template values for the versions, removal and story blocks of snapshot.html."""
    versions = store.versions_of_url(snap.url)
    current = next((v for v in versions if v.snapshot_id == snap.id), None)
    return {"versions": versions if len(versions) > 1 else [], "current_version": current,
            "removal": store.removal(snap.url), "story_box": _story_box(store, snap),
            "versions_url": "/urls/" + quote(snap.url, safe="") + "/versions"}


def _url_of(store: Store, url: str) -> tuple[str, list[VersionInfo]]:
    target = params.lookup_url(url)
    if target is None:
        raise UsageError("give the page URL percent-encoded as one path segment, e.g. "
                         "/api/v1/urls/https%3A%2F%2Fexample.com%2Fa/versions",
                         code="parameter_required", name="url")
    for candidate in (target, _normalized(target)):
        if candidate and (found := store.versions_of_url(candidate)):
            return candidate, found
    raise NotFound(f"the archive holds no version of {target[:200]}; "
                   "look it up at /lookup to see every capture", code="no_version",
                   url=target[:200])


def _normalized(url: str) -> str | None:
    try:
        return normalize_url(url)
    except (UsageError, ValueError):
        return None


@router.get("/urls/{url:path}/versions", include_in_schema=False, response_class=HTMLResponse)
def versions_page(request: Request, url: str) -> HTMLResponse:
    store = site_of(request).store
    target, versions = _url_of(store, url)
    return render(request, "versions.html", url=target, versions=versions,
                  removal=store.removal(target), api_url=versions_api_url(target),
                  captures_url="/lookup?url=" + quote(target, safe=""))


@router.get("/api/v1/urls/{url:path}/versions", response_model=VersionsOut, responses=ERRORS,
            tags=["versions"],
            summary="Every version of a URL (the URL percent-encoded as one path segment)")
def versions_api(request: Request, url: str) -> VersionsOut:
    store = site_of(request).store
    target, versions = _url_of(store, url)
    return versions_out(target, versions, store.removal(target))


@router.get("/api/v1/snapshots/{snapshot_id}/versions", response_model=VersionsOut,
            responses=ERRORS, tags=["versions"],
            summary="Every version of the snapshot's URL, and its removal at the source")
def snapshot_versions_api(request: Request, snapshot_id: str) -> VersionsOut:
    store = site_of(request).store
    snap = store.snapshot(params.snapshot_id(snapshot_id))
    return versions_out(snap.url, store.versions_of_url(snap.url), store.removal(snap.url))


def _pair(request: Request, snapshot_id: str, other: str) -> tuple[Snapshot, Snapshot]:
    store = site_of(request).store
    old = store.snapshot(params.snapshot_id(snapshot_id))
    new = store.snapshot(params.snapshot_id(other))
    return old, new


@router.get("/snapshots/{snapshot_id}/diff/{other}", include_in_schema=False,
            response_class=HTMLResponse)
def diff_page(request: Request, snapshot_id: str, other: str) -> HTMLResponse:
    old, new = _pair(request, snapshot_id, other)
    diff = diff_articles(old.article, new.article)
    return render(request, "diff.html", old=old, new=new, diff=diff,
                  body=collapse_unchanged(diff.body),
                  captions=collapse_unchanged(diff.captions),
                  api_url=f"/api/v1/snapshots/{old.id}/diff/{new.id}")


@router.get("/api/v1/snapshots/{snapshot_id}/diff/{other}", response_model=DiffOut,
            responses=ERRORS, tags=["versions"],
            summary="What changed from one snapshot to another: title, times, body "
                    "(paragraph and word level; Chinese by character), captions")
def diff_api(request: Request, snapshot_id: str, other: str) -> DiffOut:
    old, new = _pair(request, snapshot_id, other)
    return diff_out(old, new, diff_articles(old.article, new.article))


def _story_id(text: str) -> int:
    return params.path_id(text, f"no story with id {text[:40]!r}; story ids are whole numbers",
                          "story_not_found")


def _original_url(store: Store, original_id: int | None) -> str | None:
    return store.snapshot(original_id).url if original_id is not None else None


@router.get("/stories/{story_id}", include_in_schema=False, response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    store = site_of(request).store
    story = store.story(_story_id(story_id))
    return render(request, "story.html", story=story,
                  original_url=_original_url(store, story.original_snapshot_id),
                  api_url=f"/api/v1/stories/{story.id}")


@router.get("/api/v1/stories/{story_id}", response_model=StoryOut, responses=ERRORS,
            tags=["stories"],
            summary="A story: the same news across outlets, its original and the evidence")
def story_api(request: Request, story_id: str) -> StoryOut:
    store = site_of(request).store
    story = store.story(_story_id(story_id))
    return story_out(story, _original_url(store, story.original_snapshot_id))


def _kind(text: str | None) -> str | None:
    if not text:
        return None
    if text not in KINDS:
        raise UsageError(f"parameter kind={text[:40]!r} is not supported; use changed or "
                         "removed, or leave it out for both", code="bad_kind")
    return text


@router.get("/changes", include_in_schema=False, response_class=HTMLResponse)
def changes_page(request: Request, kind: str | None = None,
                 page: str | None = None) -> HTMLResponse:
    chosen, number = _kind(kind), params.page(page)
    rows, total = site_of(request).store.changed_urls(
        kind=chosen, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    return render(request, "changes.html", kind=chosen, rows=rows, total=total,
                  pages=params.Pages(page=number, per_page=PER_PAGE, total=total),
                  api_url="/api/v1/changes" + (f"?kind={chosen}" if chosen else ""))


@router.get("/api/v1/changes", response_model=ChangesOut, responses=ERRORS, tags=["versions"],
            summary="Articles changed after capture or removed at the source, newest first")
def changes_api(request: Request, kind: str | None = None, offset: str | None = None,
                limit: str | None = None) -> ChangesOut:
    chosen = _kind(kind)
    first, count = params.offset(offset), params.limit(limit, default=PER_PAGE)
    rows, total = site_of(request).store.changed_urls(kind=chosen, offset=first, limit=count)
    following = None
    if first + count < total:
        following = (f"/api/v1/changes?offset={first + count}&limit={count}"
                     + (f"&kind={chosen}" if chosen else ""))
    return ChangesOut(kind=chosen, total=total, offset=first, limit=count, next=following,
                      changes=[change_out(r) for r in rows])

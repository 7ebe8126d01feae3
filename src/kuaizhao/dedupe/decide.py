"""Decisions about a new capture, as pure functions of what is already stored."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CaptureDecision:
    """`revisit` when the payload is byte-identical to the URL's last capture (a WARC
    revisit record, no new snapshot); otherwise the page is extracted as a new snapshot."""

    revisit: bool
    reason: str


def decide_capture(
    payload_digest: str, status: int, previous_digest: str | None
) -> CaptureDecision:
    if status == 304:
        return CaptureDecision(True, "server said not modified")
    if previous_digest is not None and previous_digest == payload_digest:
        return CaptureDecision(True, "payload identical to the last capture of this URL")
    if previous_digest is None:
        return CaptureDecision(False, "first capture of this URL")
    return CaptureDecision(False, "payload changed since the last capture")


@dataclass(frozen=True, slots=True)
class StoryDecision:
    """Join the story `story_id` (None: start a new story with this snapshot as original)."""

    story_id: int | None
    reason: str


def decide_story(
    fingerprint: str | None, same_url_story: int | None, same_text_story: int | None
) -> StoryDecision:
    """A new version of a URL stays in that URL's story; a body identical to another
    page's joins that page's story; anything else starts its own."""
    if same_url_story is not None:
        return StoryDecision(same_url_story, "earlier version of the same URL")
    if fingerprint is not None and same_text_story is not None:
        return StoryDecision(same_text_story, "same body text as a stored article")
    return StoryDecision(None, "no stored article carries this text")

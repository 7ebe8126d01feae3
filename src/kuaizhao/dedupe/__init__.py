"""Dedupe: is a fetch a new version, a revisit, or a repost of a story we hold? (pure)"""

from kuaizhao.dedupe.decide import CaptureDecision, StoryDecision, decide_capture, decide_story
from kuaizhao.dedupe.fingerprint import text_fingerprint
from kuaizhao.dedupe.neardup import (
    Signature,
    Similarity,
    band_keys,
    is_near_duplicate,
    signature,
    similarity,
)
from kuaizhao.dedupe.recheck import next_recheck, parse_schedule
from kuaizhao.dedupe.removal import RemovalDecision, decide_removal
from kuaizhao.dedupe.stories import (
    OriginalChoice,
    StoryCandidate,
    StoryMatch,
    choose_original,
    decide_story_near,
)
from kuaizhao.dedupe.versions import VersionDecision, decide_version

__all__ = [
    "CaptureDecision", "OriginalChoice", "RemovalDecision", "Signature", "Similarity",
    "StoryCandidate", "StoryDecision", "StoryMatch", "VersionDecision", "band_keys",
    "choose_original", "decide_capture", "decide_removal", "decide_story",
    "decide_story_near", "decide_version", "is_near_duplicate", "next_recheck",
    "parse_schedule", "signature", "similarity", "text_fingerprint",
]

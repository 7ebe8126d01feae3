"""Dedupe: is a fetch a new version, a revisit, or a repost of a story we hold? (pure)"""

from kuaizhao.dedupe.decide import CaptureDecision, StoryDecision, decide_capture, decide_story
from kuaizhao.dedupe.fingerprint import text_fingerprint

__all__ = ["CaptureDecision", "StoryDecision", "decide_capture", "decide_story",
           "text_fingerprint"]

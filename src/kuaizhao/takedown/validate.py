"""A submitted removal request checked field by field, with a message per problem.

Limits keep one request readable by a reviewer and the table small: a flood of huge
requests is refused here, before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kuaizhao.errors import UsageError
from kuaizhao.store.takedown_rows import NewRequest, Origin, ReasonCategory, Relationship
from kuaizhao.takedown.scopes import http_url

MAX_TARGETS = 20
MAX_NAME = 200
MAX_CONTACT = 320
MIN_REASON = 10
MAX_REASON = 5_000
# What the form's problem texts quote, by the names their catalogue strings use.
LIMITS = {"max_name": MAX_NAME, "max_contact": MAX_CONTACT, "min_reason": MIN_REASON,
          "max_reason": MAX_REASON}
MAX_FORM_BYTES = 64 * 1024  # a request body larger than this is refused unread
_SNAPSHOT_REF = re.compile(r"^(?:\d+|(?:https?://[^/\s]+)?/snapshots/(\d+)(?:[/?#].*)?)$")
_CONTACT = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$|^\+?[\d\s()\-]{6,}$")
_PUBLIC_CATEGORIES = tuple(c for c in ReasonCategory if c is not ReasonCategory.OPERATOR)


class InvalidRequest(UsageError):
    """A request with one or more bad fields; `problems` maps field → message."""

    def __init__(self, problems: dict[str, str], target_error: UsageError | None = None
                 ) -> None:
        self.problems = problems
        self.target_error = target_error  # what was wrong with the targets, for the reader
        super().__init__("the removal request was not accepted: "
                         + "; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True, slots=True)
class Targets:
    urls: tuple[str, ...]
    snapshot_ids: tuple[int, ...]


def parse_targets(text: str) -> Targets:
    """One URL or snapshot per line: an archived page's address, a snapshot number, or
    this site's /snapshots/N link."""
    urls: list[str] = []
    ids: list[int] = []
    lines = [ln.strip() for ln in text.replace(",", "\n").splitlines() if ln.strip()]
    if not lines:
        raise UsageError("name at least one address or snapshot (one per line)",
                         code="targets_missing")
    if len(lines) > MAX_TARGETS:
        raise UsageError(f"{len(lines)} addresses given; at most {MAX_TARGETS} per request "
                         "(send another request for the rest)", code="targets_too_many",
                         count=len(lines), limit=MAX_TARGETS)
    for line in lines:
        ref = _SNAPSHOT_REF.match(line)
        if ref:
            number = int(ref.group(1) or line)
            if number not in ids:
                ids.append(number)
            continue
        url = http_url(line, "address")
        if url not in urls:
            urls.append(url)
    return Targets(tuple(urls), tuple(ids))


def _text(form: Mapping[str, str], key: str) -> str:
    return (form.get(key) or "").strip()


def validate_request(form: Mapping[str, str]) -> NewRequest:
    """The request in `form` (fields: targets, name, contact, relationship,
    reason_category, reason, good_faith), or InvalidRequest listing every problem."""
    problems: dict[str, str] = {}
    targets = Targets((), ())
    target_error: UsageError | None = None
    try:
        targets = parse_targets(form.get("targets") or "")
    except UsageError as exc:
        problems["targets"] = str(exc)
        target_error = exc
    name, contact, reason = _text(form, "name"), _text(form, "contact"), _text(form, "reason")
    if not name:
        problems["name"] = "give your name (it is shown only to the reviewers)"
    elif len(name) > MAX_NAME:
        problems["name"] = f"{len(name)} characters; at most {MAX_NAME}"
    if not contact:
        problems["contact"] = "give an e-mail address or phone number to reach you"
    elif len(contact) > MAX_CONTACT or not _CONTACT.match(contact):
        problems["contact"] = ("not an e-mail address or phone number "
                               f"(at most {MAX_CONTACT} characters)")
    relationship = Relationship.OTHER
    try:
        relationship = Relationship(_text(form, "relationship"))
    except ValueError:
        problems["relationship"] = ("choose one of: " + ", ".join(r.value for r in Relationship))
    category = ReasonCategory.OTHER
    try:
        category = ReasonCategory(_text(form, "reason_category"))
        if category is ReasonCategory.OPERATOR:
            raise ValueError
    except ValueError:
        problems["reason_category"] = ("choose one of: "
                                       + ", ".join(c.value for c in _PUBLIC_CATEGORIES))
    if len(reason) < MIN_REASON:
        problems["reason"] = f"explain the request in at least {MIN_REASON} characters"
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"{len(reason)} characters; at most {MAX_REASON}"
    if _text(form, "good_faith").lower() not in ("1", "on", "true", "yes"):
        problems["good_faith"] = "confirm the statement of good faith"
    for key, value in form.items():
        if "\x00" in value:
            problems[key] = "contains a NUL character"
    if problems:
        raise InvalidRequest(problems, target_error)
    return NewRequest(origin=Origin.PUBLIC, reason_category=category, reason=reason,
                      requester_name=name, requester_contact=contact,
                      relationship=relationship, good_faith=True,
                      urls=targets.urls, snapshot_ids=targets.snapshot_ids)

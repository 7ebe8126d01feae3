"""Which state changes a request may make, and what each one does to its removals.

    received ──review──▶ under_review ──approve──▶ removed ──restore──▶ restored
        │                    │                        ▲                    │
        └──approve / reject──┴──reject──▶ rejected    └──────approve───────┘

A request in `rejected` or `restored` can be taken up again with `review`. Only
`removed` keeps removals active; every change is written to the audit log.
"""

from __future__ import annotations

import enum

from kuaizhao.errors import UsageError
from kuaizhao.store.takedown_rows import State


class Action(enum.StrEnum):
    REVIEW = "review"
    APPROVE = "approve"
    REJECT = "reject"
    RESTORE = "restore"


_MOVES: dict[Action, tuple[frozenset[State], State]] = {
    Action.REVIEW: (frozenset({State.RECEIVED, State.REJECTED, State.RESTORED}),
                    State.UNDER_REVIEW),
    Action.APPROVE: (frozenset({State.RECEIVED, State.UNDER_REVIEW, State.RESTORED}),
                     State.REMOVED),
    Action.REJECT: (frozenset({State.RECEIVED, State.UNDER_REVIEW}), State.REJECTED),
    Action.RESTORE: (frozenset({State.REMOVED}), State.RESTORED),
}

MAX_NOTE = 2_000


def parse_action(text: str) -> Action:
    try:
        return Action(text.strip().lower())
    except ValueError:
        raise UsageError(f"unknown takedown action {text!r}; use one of "
                         + ", ".join(a.value for a in Action)) from None


def next_state(current: State, action: Action) -> State:
    """The state `action` leads to from `current`, or a UsageError saying why not."""
    allowed, target = _MOVES[action]
    if current not in allowed:
        raise UsageError(
            f"cannot {action.value} a request that is {current.value}; "
            f"{action.value} applies to requests that are "
            + " or ".join(sorted(s.value for s in allowed)))
    return target


def allowed_actions(current: State) -> tuple[Action, ...]:
    return tuple(a for a, (allowed, _) in _MOVES.items() if current in allowed)


def removals_active(state: State) -> bool:
    return state is State.REMOVED


def check_note(note: str | None, *, required: bool) -> str:
    """The reviewer's reason; approving, rejecting and restoring must say why."""
    text = (note or "").strip()
    if required and not text:
        raise UsageError("say why (a note is required for this decision; it goes to the "
                         "audit log)")
    if len(text) > MAX_NOTE:
        raise UsageError(f"the note is {len(text)} characters; keep it under {MAX_NOTE}")
    return text

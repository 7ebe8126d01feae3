"""`kuaizhao takedown`: the removal queue from the command line — list, show, review,
approve, reject, restore; `remove` for a removal the operator starts; `expire` to end
embargoes whose date passed; `purge` to rewrite WARC files without removed records."""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive
from kuaizhao.errors import UsageError
from kuaizhao.store.takedown_rows import ReasonCategory, ScopeKind, State, TakedownRequest
from kuaizhao.takedown.scopes import describe, make_scope
from kuaizhao.takedown.workflow import Action

if TYPE_CHECKING:
    from kuaizhao.store.base import Store


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "takedown", help="review removal requests; remove, restore or purge content",
        description="Removal requests arrive through the web form (/takedown) and API. "
        "Approving one hides what it covers from every page, feed, search, subscription, "
        "Memento view and export at once (410 on its snapshot pages); restoring brings it "
        "back. WARC bytes are kept unless you run `purge`. Every change is audited.",
        epilog="Example: kuaizhao takedown list; kuaizhao takedown approve 3 --note "
        "'verified'; kuaizhao takedown remove --prefix https://example.cn/a/ --reason "
        "'court order' --category legal_order",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="list requests (open ones unless --all)")
    listing.add_argument("--all", action="store_true", help="every request, closed ones too")
    listing.add_argument("--json", action="store_true", help="print as JSON")
    show = actions.add_parser("show", help="one request with its scopes and audit log")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print as JSON")
    for action in Action:
        a = actions.add_parser(action.value, help=f"{action.value} a request")
        a.add_argument("id", type=int)
        a.add_argument("--note", default="", help="why (required except for review)")
        if action is Action.APPROVE:
            a.add_argument("--until", help="embargo: the content returns on this date "
                           "(YYYY-MM-DD)")
    remove = actions.add_parser("remove", help="remove content without a request")
    target = remove.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="every capture of this URL")
    target.add_argument("--prefix", help="every capture of URLs starting with this")
    target.add_argument("--source", help="every capture of this source (by name)")
    remove.add_argument("--reason", required=True, help="why (goes to the audit log)")
    remove.add_argument("--category", default="operator",
                        choices=[c.value for c in ReasonCategory],
                        help="the reason category shown publicly (default: operator)")
    remove.add_argument("--until", help="embargo: the content returns on this date")
    remove.add_argument("--captured-from", help="only captures made on or after this date")
    remove.add_argument("--captured-until", help="only captures made before this date")
    actions.add_parser("expire", help="end embargoes whose date has passed")
    purge_p = actions.add_parser("purge", help="rewrite WARC files without removed records "
                                 "(irreversible: restore cannot bring purged content back)")
    purge_p.add_argument("--yes", action="store_true", help="really purge")
    p.set_defaults(func=run)


def _day(text: str | None, what: str) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--{what} expects a date written YYYY-MM-DD, got {text!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def as_json(r: TakedownRequest) -> dict[str, object]:
    return {"id": r.id, "state": r.state.value, "origin": r.origin.value,
            "reason_category": r.reason_category.value, "reason": r.reason,
            "requester_name": r.requester_name, "requester_contact": r.requester_contact,
            "relationship": r.relationship.value, "urls": list(r.urls),
            "snapshot_ids": list(r.snapshot_ids), "created_at": r.created_at.isoformat(),
            "updated_at": r.updated_at.isoformat(),
            "scopes": [{"scope": describe(s.scope), "active": s.active} for s in r.scopes]}


def _line(r: TakedownRequest) -> str:
    asked = ", ".join([*r.urls, *(f"#{i}" for i in r.snapshot_ids)])
    return (f"{r.id:>5}  {r.state.value:<12} {r.created_at:%Y-%m-%d %H:%M}  "
            f"{r.reason_category.value:<17} {asked[:80]}")


def _show(store: Store, request_id: int, as_json_out: bool) -> None:
    r = store.takedown_request(request_id)
    audit = store.takedown_audit(request_id)
    if as_json_out:
        out = as_json(r)
        out["audit"] = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                         "from": e.from_state.value if e.from_state else None,
                         "to": e.to_state.value, "note": e.note} for e in reversed(audit)]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    print(_line(r))
    print(f"  requester: {r.requester_name} <{r.requester_contact}> ({r.relationship.value})")
    print(f"  reason:    {r.reason}")
    for s in r.scopes:
        print(f"  scope:     {describe(s.scope)} ({'active' if s.active else 'inactive'})")
    for e in reversed(audit):
        before = e.from_state.value if e.from_state else "-"
        print(f"  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<14} {e.action:<8} {before} → "
              f"{e.to_state.value}  {e.note}")


def run(args: argparse.Namespace) -> int:
    from kuaizhao.pipeline.purge import purge  # the WARC code
    from kuaizhao.takedown.service import decide, default_scopes, expire, operator_remove

    now = datetime.now(UTC)
    with archive(args) as (settings, store):
        if args.action == "list":
            expire(store, now)
            rows, _ = store.takedown_requests(
                states=() if args.all else (State.RECEIVED, State.UNDER_REVIEW), limit=1000)
            if args.json:
                print(json.dumps([as_json(r) for r in rows], ensure_ascii=False, indent=2))
            else:
                for r in rows:
                    print(_line(r))
                if not rows:
                    print("no open requests" if not args.all else "no requests")
        elif args.action == "show":
            _show(store, args.id, args.json)
        elif args.action in {a.value for a in Action}:
            action = Action(args.action)
            scopes = []
            until = _day(getattr(args, "until", None), "until")
            if until is not None:
                r = store.takedown_request(args.id)
                scopes = [make_scope(s.kind, s.value, payload_digest=s.payload_digest,
                                     embargo_until=until)
                          for s in default_scopes(store, r.urls, r.snapshot_ids)]
            effect = decide(store, args.id, action, actor=_actor(), note=args.note, now=now,
                            scopes=scopes)
            state = store.takedown_request(args.id).state.value
            print(f"request {args.id} is now {state}: {len(effect.removed)} snapshots hidden, "
                  f"{len(effect.restored)} visible again")
        elif args.action == "remove":
            kind, value = ((ScopeKind.URL, args.url) if args.url else
                           (ScopeKind.PREFIX, args.prefix) if args.prefix else
                           (ScopeKind.SOURCE, args.source))
            scope = make_scope(kind, value, embargo_until=_day(args.until, "until"),
                               captured_from=_day(args.captured_from, "captured-from"),
                               captured_until=_day(args.captured_until, "captured-until"))
            request_id, effect = operator_remove(store, scope, reason=args.reason,
                                                 category=ReasonCategory(args.category),
                                                 actor=_actor(), now=now)
            print(f"removed {describe(scope)} as request {request_id}: "
                  f"{len(effect.removed)} snapshots hidden")
        elif args.action == "expire":
            ended = expire(store, now)
            print(f"{len(ended)} embargoes ended" + (f": requests {ended}" if ended else ""))
        else:
            if not args.yes:
                raise UsageError("purge deletes the removed records' bytes for good; run it "
                                 "again with --yes")
            print(purge(store, settings, now).summary())
    return 0

"""`kuaizhao user`: accounts for operators — add, list, set-role, delete."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive
from kuaizhao.errors import NotFound, UsageError
from kuaizhao.store.account_rows import Role

if TYPE_CHECKING:
    from kuaizhao.store.base import Store

_ROLES = [r.value for r in Role]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "user", help="add, list, change or delete reader and admin accounts",
        description="Manage the accounts of the web site (我的订阅). Roles: reader (follows "
        "categories, sources and searches) and admin (may also list accounts and change "
        "roles through the API). Deleting an account deletes its subscriptions and tokens.",
        epilog="Example: kuaizhao --home ./archive user add alice --role admin",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--password", help="the password (asked for when left out; "
                     "a password on the command line is visible to other local users)")
    add.add_argument("--role", choices=_ROLES, default="reader")
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true", help="print as JSON")
    role = actions.add_parser("set-role", help="make an account a reader or an admin")
    role.add_argument("name")
    role.add_argument("role", choices=_ROLES)
    delete = actions.add_parser("delete", help="delete an account and everything it holds")
    delete.add_argument("name")
    p.set_defaults(func=run)


def _find(store: Store, name: str) -> int:
    from kuaizhao.subscribe import passwords

    found = store.user_named(passwords.name_key(name))
    if found is None:
        raise NotFound(f"no account named {name!r}; `kuaizhao user list` shows them")
    return found.user.id


def _password(given: str | None) -> str:
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UsageError("give --password, or run this in a terminal to be asked for it")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("password again: "):
        raise UsageError("the two passwords differ; run the command again")
    return first


def run(args: argparse.Namespace) -> int:
    from kuaizhao.subscribe import accounts  # argon2

    with archive(args) as (_, store):
        if args.action == "add":
            user = accounts.create_user(store, args.name, _password(args.password),
                                        Role(args.role))
            print(f"created {user.role.value} {user.name} (id {user.id})")
        elif args.action == "list":
            users = store.users()
            if args.json:
                print(json.dumps([{"id": u.id, "name": u.name, "role": u.role.value,
                                   "created_at": u.created_at.isoformat()} for u in users],
                                 ensure_ascii=False, indent=2))
            for u in users if not args.json else ():
                print(f"{u.id:>6}  {u.role.value:<7} {u.name}  {u.created_at:%Y-%m-%d}")
        elif args.action == "set-role":
            with store.transaction():
                store.set_role(_find(store, args.name), Role(args.role))
            print(f"{args.name} is now {args.role}")
        else:
            with store.transaction():
                store.delete_user(_find(store, args.name))
            print(f"deleted {args.name} and everything the account held")
    return 0

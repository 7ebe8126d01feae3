"""`kuaizhao warc`: where the WARC files are — list them, push finished ones to S3."""

from __future__ import annotations

import argparse

from kuaizhao.cli.context import settings_from
from kuaizhao.errors import UsageError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "warc", help="list WARC files, or upload finished ones to the object store",
        description="WARC files are written into the WARC directory (warc_dir, default "
        "<home>/warc). With warc_storage = s3 each finished file is uploaded when the "
        "crawler rotates or closes it; `push` uploads any still only local (after a crash, "
        "or written by `kuaizhao import`) and, with --delete-local, removes each local copy "
        "once the bucket's copy has been read back with the same SHA-256. Files still "
        "being written by a running crawl are left alone. Pointers in the database stay "
        "valid: reads look in the WARC directory first, then in the bucket.",
        epilog="Example: kuaizhao --home ./archive warc push --delete-local",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", help="every WARC file the archive reads, and where it is")
    pushing = actions.add_parser("push", help="upload finished local files to the bucket")
    pushing.add_argument("--delete-local", action="store_true",
                         help="remove each local copy once the bucket's copy is verified")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kuaizhao.archive.s3 import S3WarcStorage, push  # boto3
    from kuaizhao.archive.storage import open_storage

    settings = settings_from(args)
    storage = open_storage(settings.warc_storage_options)
    if args.action == "list":
        remote = set(storage.remote_files()) if isinstance(storage, S3WarcStorage) else set()
        local = set(storage.local.list_files()) if isinstance(storage, S3WarcStorage) else None
        for name in storage.list_files():
            where = ("local" if local is None else
                     "local+s3" if name in local and name in remote else
                     "local" if name in local else "s3")
            print(f"{where}\t{name}")
        return 0
    if not isinstance(storage, S3WarcStorage):
        raise UsageError(
            f"`kuaizhao warc push` needs warc_storage = 's3' (it is "
            f"{settings.warc_storage!r}); set warc_storage, s3_bucket and, for a server "
            "other than AWS, s3_endpoint_url")
    report = push(storage, delete_local=args.delete_local)
    print(report.summary())
    for name in report.in_use:
        print(f"still being written, not pushed: {name}")
    return 0

"""Purge: rewrite the WARC files that hold taken-down records, without those records.

Takedown normally keeps the bytes (the `removed` marker hides them). When the operator
chooses purge, each affected file is copied record by record — every kept record's
bytes verbatim (its gzip member untouched, so its digests cannot change) — minus the
removed captures' response and request records and any record concurrent to them
(e.g. metadata). Order of writes, so that no crash loses or damages anything:

1. the new file is written under a temporary name, fsynced, renamed, and the directory
   fsynced;
2. one transaction points every kept capture at its new offset and marks the purged
   captures as pointing nowhere;
3. only then is the old file deleted.

A crash before 2 leaves a spare copy `reindex` reads as duplicates (skipped by record
id); after 2, the old file is only an extra that the next purge report names. The
digest listing (JSON, under <home>/purge/) gives each file's SHA-256 before and after,
each dropped record's id, URI and digest, and each kept record's SHA-256 in both files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kuaizhao.archive.naming import list_warc_files
from kuaizhao.archive.parsing import parse_record
from kuaizhao.archive.scanning import RawRecord, scan_records
from kuaizhao.archive.writer import file_in_use
from kuaizhao.config import Settings
from kuaizhao.errors import ArchiveError
from kuaizhao.models import WarcPointer
from kuaizhao.store.base import Store
from kuaizhao.store.takedown_rows import RemovedRecord

log = logging.getLogger(__name__)
_CHUNK = 1 << 20


@dataclass
class PurgedFile:
    old_name: str
    old_sha256: str
    new_name: str
    new_sha256: str
    dropped: list[dict[str, str]] = field(default_factory=list)  # record id, uri, digest
    kept: list[dict[str, object]] = field(default_factory=list)  # id, sha256, offsets


@dataclass
class PurgeReport:
    at: str
    files: list[PurgedFile] = field(default_factory=list)
    listing: str = ""

    @property
    def dropped(self) -> int:
        return sum(len(f.dropped) for f in self.files)

    def summary(self) -> str:
        return (f"purged {self.dropped} records from {len(self.files)} WARC files; digest "
                f"listing: {self.listing or '(nothing to purge)'}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def purged_name(name: str, at: datetime) -> str:
    """`<prefix>-<stamp>-…` becomes `<prefix>.p<time>-<stamp>-…`: the write-order stamp
    (what `reindex` sorts by) is kept; other names get `.p<time>` before the suffix."""
    tag = f"p{at.strftime('%Y%m%d%H%M%S')}"
    base = Path(name)
    parts = base.name.split("-", 1)
    if len(parts) == 2 and parts[1][:20].isdigit():
        return str(base.with_name(f"{parts[0]}.{tag}-{parts[1]}"))
    for suffix in (".warc.gz", ".warc", ".arc.gz", ".arc"):
        if base.name.lower().endswith(suffix):
            stem = base.name[: -len(suffix)]
            return str(base.with_name(f"{stem}.{tag}{base.name[-len(suffix):]}"))
    raise ArchiveError(f"{name} is not a WARC/ARC file name")


def _raw_bytes(path: Path, record: RawRecord) -> bytes:
    with path.open("rb") as handle:
        handle.seek(record.offset)
        return handle.read(record.length)


def _headers(record: RawRecord) -> tuple[str, str, str, str, str]:
    parsed = parse_record(record.data)
    return (parsed.warc("WARC-Record-ID") or "", parsed.warc("WARC-Concurrent-To") or "",
            parsed.warc("WARC-Target-URI") or "", parsed.warc("WARC-Payload-Digest") or "",
            parsed.record_type)


def _rewrite(directory: Path, name: str, removed: list[RemovedRecord], store: Store,
             at: datetime) -> PurgedFile:
    path = directory / name
    drop_offsets = {r.response.offset for r in removed}
    drop_offsets |= {r.request.offset for r in removed if r.request is not None}
    dropped_ids = {r.record_id for r in removed}
    new_name = purged_name(name, at)
    new_path = directory / new_name
    temporary = new_path.with_name(new_path.name + ".partial")
    result = PurgedFile(name, _sha256(path), new_name, "")
    moved: dict[int, tuple[int, int]] = {}  # old offset -> new offset, length
    records = [r for r in scan_records(path, name) if isinstance(r, RawRecord)]
    with temporary.open("wb") as out:
        for record in records:
            record_id, concurrent, uri, payload, kind = _headers(record)
            if record.offset in drop_offsets or record_id in dropped_ids or (
                    concurrent and concurrent in dropped_ids):
                dropped_ids.add(record_id)
                result.dropped.append({"record_id": record_id, "type": kind, "uri": uri,
                                       "payload_digest": payload})
                continue
            raw = _raw_bytes(path, record)
            moved[record.offset] = (out.tell(), len(raw))
            result.kept.append({"record_id": record_id, "type": kind,
                                "sha256": hashlib.sha256(raw).hexdigest(),
                                "old_offset": record.offset, "new_offset": out.tell()})
            out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    temporary.rename(new_path)
    _fsync_dir(directory)
    result.new_sha256 = _sha256(new_path)
    with store.transaction():
        for capture_id, response_offset, request_offset in store.captures_in_file(name):
            if response_offset not in moved:
                store.mark_purged(capture_id)
                continue
            offset, length = moved[response_offset]
            request = None
            if request_offset is not None and request_offset in moved:
                request = WarcPointer(new_name, *moved[request_offset])
            store.repoint_capture(capture_id, WarcPointer(new_name, offset, length), request)
    path.unlink()
    _fsync_dir(directory)
    log.info("purged %d records from %s → %s", len(result.dropped), name, new_name)
    return result


def purge(store: Store, settings: Settings, now: datetime | None = None) -> PurgeReport:
    """Rewrite every WARC file holding removed captures; write the digest listing."""
    if settings.warc_storage != "local":
        # An object cannot be rewritten in place, and the old object would have to go
        # from the bucket too, or `reindex` would bring the purged records back.
        raise ArchiveError(
            f"purge rewrites WARC files and works only with warc_storage = 'local', not "
            f"{settings.warc_storage!r}; the removed records stay hidden (not served) in the "
            "meantime. To purge, copy the affected files from the bucket into the WARC "
            "directory, delete them from the bucket, set warc_storage = 'local', purge, "
            "then switch back and run `kuaizhao warc push`")
    at = now or datetime.now(UTC)
    directory = settings.warc_path
    by_file: dict[str, list[RemovedRecord]] = defaultdict(list)
    for record in store.removed_records():
        by_file[record.response.filename].append(record)
    report = PurgeReport(at=at.isoformat())
    known = {p.relative_to(directory).as_posix() for p in list_warc_files(directory)}
    for name in sorted(by_file):
        if name not in known:
            raise ArchiveError(f"the database points at {name}, which is not under "
                               f"{directory}; run `kuaizhao reindex` before purging")
        if file_in_use(directory / name):
            raise ArchiveError(f"{name} is still being written by a running crawl; purge "
                               "once the crawl has stopped or moved on to a new file")
        report.files.append(_rewrite(directory, name, by_file[name], store, at))
    if report.files:
        listing_dir = settings.home_path / "purge"
        listing_dir.mkdir(parents=True, exist_ok=True)
        listing = listing_dir / f"purge-{at.strftime('%Y%m%dT%H%M%S')}.json"
        listing.write_text(json.dumps({"at": report.at, "files": [asdict(f) for f in
                                                                  report.files]},
                                      ensure_ascii=False, indent=1), encoding="utf-8")
        report.listing = str(listing)
    return report


def verify_listing(files: Iterable[PurgedFile], directory: Path) -> list[str]:
    """Problems found re-checking a purge: each new file's SHA-256 as listed."""
    return [f"{f.new_name}: SHA-256 differs from the listing" for f in files
            if _sha256(directory / f.new_name) != f.new_sha256]

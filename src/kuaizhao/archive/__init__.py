"""WARC writing (rotation, revisits), reading by pointer, and iterating for reindex.

WARC files are kuaizhao's source of truth; the database only points into them with
`WarcPointer(filename, offset, length)`.
"""

from kuaizhao.archive.digest import payload_digest
from kuaizhao.archive.entries import DamagedRecord, StoredResponse, WarcEntry
from kuaizhao.archive.naming import list_warc_files
from kuaizhao.archive.reader import iter_warc, read_response
from kuaizhao.archive.records import RevisitOf
from kuaizhao.archive.writer import WarcOptions, WarcWriter

__all__ = [
    "DamagedRecord",
    "RevisitOf",
    "StoredResponse",
    "WarcEntry",
    "WarcOptions",
    "WarcWriter",
    "iter_warc",
    "list_warc_files",
    "payload_digest",
    "read_response",
]

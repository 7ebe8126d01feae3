"""The one exception tree of kuaizhao.

    KuaizhaoError                 anything kuaizhao raises on purpose (exit code 1)
    ├── ConfigError               a bad setting or settings file (exit 2)
    ├── SourcesError              a bad sources file; carries line numbers (exit 2)
    ├── UsageError                a bad command-line argument or query (exit 2, HTTP 400)
    │   ├── QueryError            a search query that cannot be run (HTTP 400)
    │   ├── NotAuthenticated      no valid session or API token (HTTP 401)
    │   ├── Forbidden             a missing CSRF token, or a role that may not (HTTP 403)
    │   └── TooManyAttempts       login attempts over the limit (HTTP 429)
    ├── NotFound                  no such snapshot, URL or page (exit 3, HTTP 404)
    │   └── Gone                  taken down on request (HTTP 410)
    ├── FetchError                a fetch could not be made (recorded, never fatal)
    │   └── BlockedAddressError   a private, loopback or link-local address, refused by policy
    ├── ArchiveError              a WARC file cannot be written or read
    │   └── CorruptRecord         one record is damaged; carries file and offset
    ├── ExtractError              bytes that cannot be turned into an Article
    └── StoreError                the database refused or is damaged
        └── MigrationError        the database is newer than this program, or a migration failed

Every message says what was wrong and what to do about it; the CLI prints it without
a traceback, the web maps it to a status code with `http_status`. An error a reader of
the site can meet also carries a stable `code` (and the values its text needs): the API
returns the code beside the English message, and the site shows the reader the text of
that code in their own language (`web/messages_errors.py`).
"""

from __future__ import annotations


class KuaizhaoError(Exception):
    exit_code = 1
    http_status = 500

    def __init__(self, *args: object, code: str | None = None, **params: object) -> None:
        super().__init__(*args)
        self.code = code
        self.params = params


class ConfigError(KuaizhaoError):
    exit_code = 2


class SourcesError(KuaizhaoError):
    """A sources file problem; `problems` lists `(line, message)` pairs."""

    exit_code = 2

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"{path}:{line}: {msg}" for line, msg in problems)
        super().__init__(lines)


class UsageError(KuaizhaoError):
    exit_code = 2
    http_status = 400


class QueryError(UsageError):
    pass


class NotAuthenticated(UsageError):
    http_status = 401


class Forbidden(UsageError):
    http_status = 403


class TooManyAttempts(UsageError):
    http_status = 429

    def __init__(self, message: str, retry_after: float, *, code: str | None = None,
                 **params: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, code=code, **params)


class NotFound(KuaizhaoError):
    exit_code = 3
    http_status = 404


class Gone(NotFound):
    """Content the archive holds but has taken down (HTTP 410); see docs/takedown.md."""

    http_status = 410

    def __init__(self, message: str, reason_category: str, *, code: str | None = None,
                 **params: object) -> None:
        self.reason_category = reason_category
        super().__init__(message, code=code, **params)


class FetchError(KuaizhaoError):
    pass


class BlockedAddressError(FetchError):
    """Raised inside the connector's resolver or socket factory so the connection is
    never opened; the fetcher turns it into a BLOCKED_ADDRESS result (webhooks: a
    failed delivery), so callers never see it."""

    def __init__(self, host: str, addresses: list[str]) -> None:
        self.host = host
        self.addresses = addresses
        super().__init__(f"{host} is or resolves only to private, loopback or link-local "
                         f"addresses ({', '.join(addresses) or 'none'}); refused by the "
                         "address policy (docs/sources.md, \"Private addresses\")")


class ArchiveError(KuaizhaoError):
    pass


class CorruptRecord(ArchiveError):
    def __init__(self, filename: str, offset: int, reason: str) -> None:
        self.filename = filename
        self.offset = offset
        self.reason = reason
        super().__init__(f"{filename} at offset {offset}: {reason}")


class ExtractError(KuaizhaoError):
    pass


class StoreError(KuaizhaoError):
    pass


class MigrationError(StoreError):
    pass

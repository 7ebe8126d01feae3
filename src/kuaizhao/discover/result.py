"""What every discovery parser returns."""

from __future__ import annotations

from dataclasses import dataclass

from kuaizhao.models import Candidate


@dataclass(frozen=True, slots=True)
class DiscoveryResult:
    """URLs found on one index document.

    `candidates` are pages to capture; `children` are further index documents to read
    (sitemaps named by a sitemap index, a listing's next page, a feed's next page);
    `problems` says what could not be read, so a malformed document yields whatever
    was parseable plus a record of why the rest is missing — never a crash.
    """

    candidates: tuple[Candidate, ...] = ()
    children: tuple[Candidate, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

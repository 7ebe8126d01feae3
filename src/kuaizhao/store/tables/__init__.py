"""The archive's tables, one class per group, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from kuaizhao.store.tables.accounts import AccountTables
from kuaizhao.store.tables.captures import CaptureTables
from kuaizhao.store.tables.frontier import FrontierTables
from kuaizhao.store.tables.imports import ImportTables
from kuaizhao.store.tables.polling import PollingTables
from kuaizhao.store.tables.subscriptions import SubscriptionTables
from kuaizhao.store.tables.takedowns import TakedownTables
from kuaizhao.store.tables.versions import VersionTables


class ArchiveTables(TakedownTables, FrontierTables, CaptureTables, ImportTables, AccountTables,
                    SubscriptionTables, VersionTables, PollingTables):
    """Every table group; a backend adds its connection and search engine."""

    def reset_derived(self) -> None:
        """Forget everything `reindex` rebuilds from the WARC files (sources stay)."""
        with self.transaction():
            self._search.clear()
            for table in ("snapshots", "stories", "captures", "fetches", "frontier"):
                self._run(f"DELETE FROM {table}")


__all__ = ["ArchiveTables"]

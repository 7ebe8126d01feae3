"""The settings as typed attributes, made from `config.SETTINGS` by
`config.settings_fields_module()`; a test keeps this file in step. Do not edit
by hand: change the table and write this file again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SettingFields:
    __slots__ = ()
    values: Mapping[str, Any]

    @property
    def home(self) -> str:
        value: str = self.values["home"]
        return value

    @property
    def database_url(self) -> str:
        value: str = self.values["database_url"]
        return value

    @property
    def sources(self) -> str:
        value: str = self.values["sources"]
        return value

    @property
    def host(self) -> str:
        value: str = self.values["host"]
        return value

    @property
    def port(self) -> int:
        value: int = self.values["port"]
        return value

    @property
    def web_threads(self) -> int:
        value: int = self.values["web_threads"]
        return value

    @property
    def site_name(self) -> str:
        value: str = self.values["site_name"]
        return value

    @property
    def default_timezone(self) -> str:
        value: str = self.values["default_timezone"]
        return value

    @property
    def user_agent(self) -> str:
        value: str = self.values["user_agent"]
        return value

    @property
    def fetch_timeout(self) -> float:
        value: float = self.values["fetch_timeout"]
        return value

    @property
    def max_body_bytes(self) -> int:
        value: int = self.values["max_body_bytes"]
        return value

    @property
    def max_record_bytes(self) -> int:
        value: int = self.values["max_record_bytes"]
        return value

    @property
    def max_redirects(self) -> int:
        value: int = self.values["max_redirects"]
        return value

    @property
    def retries(self) -> int:
        value: int = self.values["retries"]
        return value

    @property
    def min_host_interval(self) -> float:
        value: float = self.values["min_host_interval"]
        return value

    @property
    def host_concurrency(self) -> int:
        value: int = self.values["host_concurrency"]
        return value

    @property
    def total_concurrency(self) -> int:
        value: int = self.values["total_concurrency"]
        return value

    @property
    def obey_robots(self) -> bool:
        value: bool = self.values["obey_robots"]
        return value

    @property
    def crawl_allow_private(self) -> bool:
        value: bool = self.values["crawl_allow_private"]
        return value

    @property
    def extract_processes(self) -> int:
        value: int = self.values["extract_processes"]
        return value

    @property
    def warc_max_bytes(self) -> int:
        value: int = self.values["warc_max_bytes"]
        return value

    @property
    def warc_fsync(self) -> bool:
        value: bool = self.values["warc_fsync"]
        return value

    @property
    def warc_storage(self) -> str:
        value: str = self.values["warc_storage"]
        return value

    @property
    def warc_dir(self) -> str:
        value: str = self.values["warc_dir"]
        return value

    @property
    def s3_bucket(self) -> str:
        value: str = self.values["s3_bucket"]
        return value

    @property
    def s3_prefix(self) -> str:
        value: str = self.values["s3_prefix"]
        return value

    @property
    def s3_endpoint_url(self) -> str:
        value: str = self.values["s3_endpoint_url"]
        return value

    @property
    def s3_region(self) -> str:
        value: str = self.values["s3_region"]
        return value

    @property
    def s3_access_key_id(self) -> str:
        value: str = self.values["s3_access_key_id"]
        return value

    @property
    def s3_secret_access_key(self) -> str:
        value: str = self.values["s3_secret_access_key"]
        return value

    @property
    def lease_seconds(self) -> float:
        value: float = self.values["lease_seconds"]
        return value

    @property
    def log_format(self) -> str:
        value: str = self.values["log_format"]
        return value

    @property
    def signup_enabled(self) -> bool:
        value: bool = self.values["signup_enabled"]
        return value

    @property
    def secret_key(self) -> str:
        value: str = self.values["secret_key"]
        return value

    @property
    def public_url(self) -> str:
        value: str = self.values["public_url"]
        return value

    @property
    def trusted_proxies(self) -> str:
        value: str = self.values["trusted_proxies"]
        return value

    @property
    def smtp_host(self) -> str:
        value: str = self.values["smtp_host"]
        return value

    @property
    def smtp_port(self) -> int:
        value: int = self.values["smtp_port"]
        return value

    @property
    def smtp_from(self) -> str:
        value: str = self.values["smtp_from"]
        return value

    @property
    def webhook_allow_private(self) -> bool:
        value: bool = self.values["webhook_allow_private"]
        return value

    @property
    def recheck_schedule(self) -> str:
        value: str = self.values["recheck_schedule"]
        return value

"""Settings: one table of every setting, read from a TOML file and the environment.

Precedence, lowest to highest: the default in `SETTINGS`, the settings file
(`--config FILE`, `KUAIZHAO_CONFIG`, or `<home>/kuaizhao.toml` when it exists), the
`KUAIZHAO_<NAME>` environment variable, then command-line options. Every value is
validated at start-up; a bad one stops the program with a message naming the setting
and what it accepts. `docs/settings.md` is generated from this table (a test checks).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kuaizhao.errors import ConfigError
from kuaizhao.setting_checks import (
    bucket,
    database_url,
    http_url_or_empty,
    key_prefix,
    networks,
    non_negative,
    one_of,
    port,
    positive,
    schedule_problem,
    timezone,
)
from kuaizhao.settings_fields import SettingFields

if TYPE_CHECKING:  # the archive package pulls in warcio: not for every CLI start
    from kuaizhao.archive.storage import StorageOptions

ENV_PREFIX = "KUAIZHAO_"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    secret: bool = False
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("home", str, "./kuaizhao-data", "directory holding the database and WARC files"),
    Setting(
        "database_url",
        str,
        "",
        "database: empty means <home>/kuaizhao.sqlite3; postgresql://USER@HOST/DB moves the "
        "archive to a PostgreSQL server (docs/postgresql.md)",
        secret=True,
        check=database_url,
    ),
    Setting("sources", str, "", "sources file (TOML); empty means <home>/sources.toml"),
    Setting("host", str, "127.0.0.1", "address `kuaizhao serve` listens on"),
    Setting("port", int, 8000, "port `kuaizhao serve` listens on", check=port),
    Setting("web_threads", int, 8, "threads rendering pages at once in `kuaizhao serve`",
            check=positive),
    Setting("site_name", str, "快照 kuaizhao", "name shown in the page header"),
    Setting(
        "default_timezone",
        str,
        "Asia/Shanghai",
        "time zone for bare local times on pages of sources that set none",
        check=timezone,
    ),
    Setting(
        "user_agent",
        str,
        "kuaizhao/0.1 (+https://github.com/kuaizhao/kuaizhao; news snapshot archive)",
        "User-Agent sent with every request",
    ),
    Setting("fetch_timeout", float, 30.0, "seconds one request may take in all", check=positive),
    Setting("max_body_bytes", int, 10 * 1024 * 1024, "largest response body kept", check=positive),
    Setting("max_record_bytes", int, 64 * 1024 * 1024, "largest WARC/ARC record (decompressed) "
            "that import and reindex read into memory; larger ones are reported and skipped",
            check=positive),
    Setting("max_redirects", int, 5, "redirects followed before giving up", check=non_negative),
    Setting("retries", int, 3, "retries on 408/429/5xx and connection errors", check=non_negative),
    Setting(
        "min_host_interval",
        float,
        1.0,
        "seconds between two requests to one host (robots Crawl-delay raises it)",
        check=non_negative,
    ),
    Setting("host_concurrency", int, 1, "parallel requests to one host", check=positive),
    Setting("total_concurrency", int, 16, "parallel requests in all", check=positive),
    Setting("obey_robots", bool, True, "honour robots.txt (RFC 9309)"),
    Setting(
        "crawl_allow_private",
        bool,
        False,
        "let the crawler connect to private, loopback, link-local, CGNAT, multicast and reserved "
        "addresses (only on a trusted network). When false, such addresses are refused at "
        "connect time, after DNS, for every request and redirect hop (however the address is "
        "written), except the exact host and port a source's own URL names as an address or "
        "localhost (docs/sources.md)",
    ),
    Setting("extract_processes", int, 0, "processes that extract articles while the crawl "
            "fetches; 0 extracts in one thread of the crawl process", check=non_negative),
    Setting(
        "warc_max_bytes",
        int,
        1_000_000_000,
        "WARC file size that starts a new file",
        check=positive,
    ),
    Setting("warc_fsync", bool, True, "fsync each WARC record before the database points to it"),
    # where WARC files live (docs/storage.md)
    Setting(
        "warc_storage",
        str,
        "local",
        "where finished WARC files are kept: local (the WARC directory) or s3 (an "
        "S3-compatible object store; files are written locally, then uploaded)",
        check=one_of("local", "s3"),
    ),
    Setting("warc_dir", str, "", "WARC directory; empty means <home>/warc; a relative path "
            "is taken from <home>; several machines may share one (NFS)"),
    Setting("s3_bucket", str, "", "bucket for warc_storage = s3", check=bucket),
    Setting("s3_prefix", str, "", "key prefix in the bucket: file NAME is stored as PREFIX/NAME",
            check=key_prefix),
    Setting(
        "s3_endpoint_url",
        str,
        "",
        "S3-compatible endpoint such as http://minio.local:9000; empty means AWS S3",
        check=http_url_or_empty,
    ),
    Setting("s3_region", str, "", "region of the bucket; empty means boto3's default"),
    Setting("s3_access_key_id", str, "", "S3 access key; empty means boto3's own chain "
            "(AWS_ACCESS_KEY_ID, profiles, roles)"),
    Setting("s3_secret_access_key", str, "", "S3 secret key, given together with "
            "s3_access_key_id", secret=True),
    Setting(
        "lease_seconds",
        float,
        300.0,
        "how long a claimed frontier URL stays claimed before another worker may retry it",
        check=positive,
    ),
    Setting("log_format", str, "text", "log lines on stderr: text, or json (one object a line: "
            "time, level, logger, message)", check=one_of("text", "json")),
    # accounts and subscriptions (docs/subscriptions.md)
    Setting("signup_enabled", bool, True, "visitors may create reader accounts at /signup"),
    Setting(
        "secret_key",
        str,
        "",
        "key CSRF tokens are derived from; empty means a random key kept in the database",
        secret=True,
    ),
    Setting(
        "public_url",
        str,
        "",
        "the site's address as readers reach it (https://... makes cookies Secure; "
        "used for links in feeds, webhooks and digests)",
        check=http_url_or_empty,
    ),
    Setting("trusted_proxies", str, "", "reverse proxies (addresses or CIDRs, comma-separated) "
            "whose X-Forwarded-For / Forwarded header is believed: the client is the rightmost "
            "address that is not one of them; empty: none", check=networks),
    Setting("smtp_host", str, "", "SMTP server for daily digests; empty disables digests"),
    Setting("smtp_port", int, 25, "port of the SMTP server", check=port),
    Setting("smtp_from", str, "", "sender address of digest e-mails"),
    Setting(
        "webhook_allow_private",
        bool,
        False,
        "let webhooks reach private and loopback addresses (only on a trusted network)",
    ),
    # versions and stories (docs/versions.md)
    Setting(
        "recheck_schedule",
        str,
        "1h,6h,1d,7d,30d",
        "ages after its first capture at which an article is fetched again (conditional GET) "
        "to find edits and removals; units s, m, h, d, w; empty: never",
        check=schedule_problem,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Settings(SettingFields):
    """The effective settings: each one a typed attribute (`settings_fields.py`, made
    from the table), so mypy checks every read and a misspelt name is an error."""

    values: Mapping[str, Any]
    origins: Mapping[str, str]  # name -> "default" | file path | env var | "command line"

    @property
    def home_path(self) -> Path:
        return Path(self.values["home"])

    @property
    def database_path(self) -> Path:
        url: str = self.values["database_url"]
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///"))
        return self.home_path / "kuaizhao.sqlite3"

    @property
    def warc_path(self) -> Path:
        """The WARC directory the writer writes into (the local staging area in S3 mode)."""
        return self.home_path / (self.values["warc_dir"] or "warc")

    @property
    def warc_storage_options(self) -> StorageOptions:
        from kuaizhao.archive.storage import StorageOptions
        v = self.values
        return StorageOptions(
            kind=v["warc_storage"], directory=self.warc_path, bucket=v["s3_bucket"],
            prefix=v["s3_prefix"], endpoint_url=v["s3_endpoint_url"], region=v["s3_region"],
            access_key_id=v["s3_access_key_id"], secret_access_key=v["s3_secret_access_key"])

    @property
    def sources_path(self) -> Path:
        return (
            Path(self.values["sources"])
            if self.values["sources"]
            else (self.home_path / "sources.toml")
        )

    def shown(self) -> list[tuple[str, str, str]]:
        """(name, value, origin) rows with secrets masked, for `kuaizhao config`."""
        rows = []
        for s in SETTINGS:
            value = self.values[s.name]
            text = "********" if s.secret and value else _format(value)
            rows.append((s.name, text, self.origins[s.name]))
        return rows


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _coerce(setting: Setting, raw: Any, origin: str) -> Any:
    """Turn a TOML or environment value into the setting's type, or say why not."""
    kind = setting.type
    where = f"setting '{setting.name}' (from {origin})"
    if isinstance(raw, str) and kind is not str:
        text = raw.strip()
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ConfigError(f"{where}: {raw!r} is not a boolean; use true or false")
        try:
            return kind(text)
        except ValueError:
            raise ConfigError(f"{where}: {raw!r} is not a {kind.__name__}") from None
    if kind is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if not isinstance(raw, kind) or (kind is int and isinstance(raw, bool)):
        raise ConfigError(f"{where}: expected a {kind.__name__}, got {raw!r}")
    return raw


def load_settings(
    *,
    home: str | None = None,
    config_file: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    origins = {s.name: "default" for s in SETTINGS}

    home_value = home or env.get(ENV_PREFIX + "HOME") or SETTINGS[0].default
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path is None and (Path(home_value) / "kuaizhao.toml").is_file():
        path = str(Path(home_value) / "kuaizhao.toml")
    if path is not None:
        for name, raw in _read_file(Path(path)).items():
            values[name] = _coerce(_BY_NAME[name], raw, path)
            origins[name] = path

    for s in SETTINGS:
        if s.env in env:
            values[s.name] = _coerce(s, env[s.env], s.env)
            origins[s.name] = s.env
    if home:
        values["home"], origins["home"] = home, "--home"
    for name, raw in (overrides or {}).items():
        if raw is not None:
            values[name] = _coerce(_BY_NAME[name], raw, "command line")
            origins[name] = "command line"

    for s in SETTINGS:
        problem = s.check(values[s.name]) if s.check else None
        if problem:
            raise ConfigError(
                f"setting '{s.name}' = {values[s.name]!r} (from {origins[s.name]}) {problem}"
            )
    _check_warc_storage(values, origins)
    return Settings(values=values, origins=origins)


def _check_warc_storage(values: Mapping[str, Any], origins: Mapping[str, str]) -> None:
    """Settings that only make sense together."""
    if values["warc_storage"] == "s3" and not values["s3_bucket"]:
        raise ConfigError(
            f"setting 'warc_storage' = 's3' (from {origins['warc_storage']}) needs a bucket: "
            "set s3_bucket (env KUAIZHAO_S3_BUCKET), or use warc_storage = 'local'"
        )
    if bool(values["s3_access_key_id"]) != bool(values["s3_secret_access_key"]):
        raise ConfigError(
            "settings 's3_access_key_id' and 's3_secret_access_key' go together: set both, "
            "or neither to use boto3's own credentials (AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, a profile or an instance role)"
        )


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"settings file {path} does not exist; create it or drop --config"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        known = ", ".join(s.name for s in SETTINGS)
        raise ConfigError(
            f"settings file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known settings are: {known}"
        )
    return data


def settings_fields_module() -> str:
    """`settings_fields.py` as the table makes it (a test keeps the file in step)."""
    lines = ['"""The settings as typed attributes, made from `config.SETTINGS` by',
             "`config.settings_fields_module()`; a test keeps this file in step. Do not edit",
             'by hand: change the table and write this file again."""', "",
             "from __future__ import annotations", "", "from collections.abc import Mapping",
             "from typing import Any", "", "",
             "class SettingFields:", "    __slots__ = ()", "    values: Mapping[str, Any]"]
    for s in SETTINGS:
        kind = s.type.__name__
        lines += ["", "    @property", f"    def {s.name}(self) -> {kind}:",
                  f'        value: {kind} = self.values["{s.name}"]', "        return value"]
    return "\n".join(lines) + "\n"


def settings_markdown() -> str:
    """The settings table as docs/settings.md shows it (a test keeps the file in step)."""
    lines = [
        "# Settings",
        "",
        "Every setting can be given in the settings file (`kuaizhao.toml` in the archive home,",
        "or `--config FILE`), as an environment variable, or (some) as a command-line option;",
        "later ones win. `kuaizhao config` shows the effective values and where each came from.",
        "",
        "| setting | environment variable | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "(empty)" if s.default == "" else _format(s.default)
        meaning = s.help + (" (secret: masked when shown)" if s.secret else "")
        lines.append(f"| `{s.name}` | `{s.env}` | {s.type.__name__} | `{default}` | {meaning} |")
    return "\n".join(lines) + "\n"

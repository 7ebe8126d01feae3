from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuaizhao.config import SETTINGS, load_settings, settings_fields_module, settings_markdown
from kuaizhao.errors import ConfigError

DOCS = Path(__file__).parents[1] / "docs" / "settings.md"


def test_defaults_without_file_or_env(tmp_path: Path) -> None:
    s = load_settings(home=str(tmp_path), environ={})
    assert s.port == 8000
    assert s.database_path == tmp_path / "kuaizhao.sqlite3"
    assert s.origins["port"] == "default"


def test_file_then_env_then_overrides(tmp_path: Path) -> None:
    (tmp_path / "kuaizhao.toml").write_text('port = 9001\nsite_name = "测试"\n', encoding="utf-8")
    s = load_settings(home=str(tmp_path), environ={"KUAIZHAO_PORT": "9002"})
    assert s.port == 9002
    assert s.origins["port"] == "KUAIZHAO_PORT"
    assert s.site_name == "测试"
    s = load_settings(
        home=str(tmp_path), environ={"KUAIZHAO_PORT": "9002"}, overrides={"port": 9003}
    )
    assert s.port == 9003
    assert s.origins["port"] == "command line"


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"KUAIZHAO_PORT": "99999"}, ["port", "1 to 65535"]),
        ({"KUAIZHAO_PORT": "eighty"}, ["port", "not a int"]),
        ({"KUAIZHAO_OBEY_ROBOTS": "maybe"}, ["obey_robots", "true or false"]),
        ({"KUAIZHAO_DEFAULT_TIMEZONE": "Mars/Olympus"}, ["default_timezone", "IANA"]),
        ({"KUAIZHAO_DATABASE_URL": "mysql://x"}, ["database_url", "sqlite:///"]),
    ],
)
def test_bad_values_name_the_setting(tmp_path: Path, env: dict[str, str], words: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(home=str(tmp_path), environ=env)
    for word in words:
        assert word in str(err.value)


def test_unknown_key_and_bad_toml(tmp_path: Path) -> None:
    bad = tmp_path / "a.toml"
    bad.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match=r"unknown setting.*prot.*known settings"):
        load_settings(home=str(tmp_path), config_file=str(bad), environ={})
    bad.write_text("port = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(home=str(tmp_path), config_file=str(bad), environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(home=str(tmp_path), config_file=str(tmp_path / "none.toml"), environ={})


def test_secrets_are_masked(tmp_path: Path) -> None:
    s = load_settings(home=str(tmp_path), environ={"KUAIZHAO_DATABASE_URL": "sqlite:///x.db"})
    shown = {name: value for name, value, _ in s.shown()}
    assert shown["database_url"] == "********"


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.M))
    assert documented == {s.name for s in SETTINGS}
    assert text == settings_markdown(), "regenerate docs/settings.md from settings_markdown()"


def test_every_setting_is_a_typed_attribute(tmp_path: Path) -> None:
    fields = Path(__file__).parents[1] / "src" / "kuaizhao" / "settings_fields.py"
    assert fields.read_text(encoding="utf-8") == settings_fields_module(), (
        "write src/kuaizhao/settings_fields.py again from config.settings_fields_module()")
    settings = load_settings(home=str(tmp_path), environ={"KUAIZHAO_PORT": "8080"})
    assert settings.port == 8080
    for s in SETTINGS:
        assert isinstance(getattr(settings, s.name), s.type), s.name
    with pytest.raises(AttributeError):
        settings.prot  # type: ignore[attr-defined]  # noqa: B018 - a misspelt name is an error


@pytest.mark.parametrize(("values", "message"), [
    ({"warc_storage": "s3"}, "needs a bucket"),
    ({"warc_storage": "ftp"}, "must be one of: local, s3"),
    ({"s3_bucket": "Not_A_Bucket"}, "must be an S3 bucket name"),
    ({"s3_prefix": "a/../b"}, "plain key prefix"),
    ({"s3_endpoint_url": "minio:9000"}, "http:// or https://"),
    ({"s3_access_key_id": "AKIA"}, "go together"),
])
def test_warc_storage_settings_are_checked(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(home="/srv/k", environ={}, overrides=values)


def test_warc_dir_is_taken_from_home_and_shown_to_storage() -> None:
    assert load_settings(home="/srv/k", environ={}).warc_path == Path("/srv/k/warc")
    shared = load_settings(home="/srv/k", environ={}, overrides={"warc_dir": "/mnt/nfs/w"})
    assert shared.warc_path == Path("/mnt/nfs/w")
    options = load_settings(home="/srv/k", environ={}, overrides={
        "warc_storage": "s3", "s3_bucket": "news-warc", "warc_dir": "staging"}
    ).warc_storage_options
    assert (options.kind, options.bucket, options.directory) == (
        "s3", "news-warc", Path("/srv/k/staging"))


def test_a_schedule_the_crawl_could_not_use_stops_start_up(tmp_path: Path) -> None:
    # accepted at start-up before, then it stopped the crawl after the WARC write
    with pytest.raises(ConfigError, match="increasing order"):
        load_settings(home=str(tmp_path), environ={"KUAIZHAO_RECHECK_SCHEDULE": "6h,1h"})
    with pytest.raises(ConfigError, match="not a number with a unit"):
        load_settings(home=str(tmp_path), environ={"KUAIZHAO_RECHECK_SCHEDULE": "1h,soon"})
    assert load_settings(home=str(tmp_path), environ={}).recheck_schedule == "1h,6h,1d,7d,30d"

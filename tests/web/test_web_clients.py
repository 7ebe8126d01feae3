"""Which client a request comes from: forwarding headers only from trusted proxies."""

from __future__ import annotations

from pathlib import Path

import pytest
from account_client import account_app, client, post_form
from fastapi import FastAPI

from kuaizhao.config import load_settings
from kuaizhao.errors import ConfigError
from kuaizhao.ratelimit import Backoff
from kuaizhao.setting_checks import parse_networks
from kuaizhao.subscribe.throttle import LoginThrottle
from kuaizhao.web.clients import client_of, forwarded_hops, limit_key

pytestmark = pytest.mark.usefixtures("fast_argon2")

PROXIES = parse_networks("10.0.0.0/8, 127.0.0.1 ::1")


def test_the_peer_is_the_client_unless_it_is_a_trusted_proxy() -> None:
    hops = forwarded_hops([], ["1.2.3.4"])
    assert client_of("203.0.113.9", hops, PROXIES) == "203.0.113.9"
    assert client_of("127.0.0.1", hops, PROXIES) == "1.2.3.4"
    assert client_of("127.0.0.1", hops, ()) == "127.0.0.1"


def test_the_client_is_the_rightmost_untrusted_hop() -> None:
    # The client wrote "6.6.6.6" itself; our proxies appended the real 5.5.5.5, 10.1.1.1.
    hops = forwarded_hops([], ["6.6.6.6, 5.5.5.5", "10.1.1.1"])
    assert client_of("127.0.0.1", hops, PROXIES) == "5.5.5.5"
    assert client_of("127.0.0.1", forwarded_hops([], ["10.2.2.2, 10.1.1.1"]), PROXIES) == \
        "10.2.2.2"  # every hop trusted: the farthest one
    assert client_of("127.0.0.1", forwarded_hops([], ["garbage, 10.1.1.1"]), PROXIES) == \
        "10.1.1.1"
    assert client_of("127.0.0.1", forwarded_hops([], [""]), PROXIES) == "127.0.0.1"
    assert client_of("::ffff:127.0.0.1", hops, PROXIES) == "5.5.5.5"


def test_forwarded_header_counts_only_without_x_forwarded_for() -> None:
    hops = forwarded_hops(['for=192.0.2.60;proto=http;by=203.0.113.43, '
                           'For="[2001:db8:cafe::17]:4711"'], [])
    assert client_of("127.0.0.1", hops, PROXIES) == "2001:db8:cafe::17"
    # A proxy appending to X-Forwarded-For passes the client's own Forwarded on as is.
    forged = forwarded_hops(["for=1.1.1.1"], ["9.9.9.9"])
    assert client_of("127.0.0.1", forged, PROXIES) == "9.9.9.9"
    assert client_of("127.0.0.1", forwarded_hops(["for=192.0.2.60:8080"], []),
                     PROXIES) == "192.0.2.60"


def test_ipv6_clients_are_counted_by_their_64() -> None:
    assert limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:bbbb::9") == \
        "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("192.0.2.7") == "192.0.2.7"
    assert limit_key("unknown") == "unknown"


def test_trusted_proxies_setting_is_checked(tmp_path: Path) -> None:
    settings = load_settings(home=str(tmp_path), environ={
        "KUAIZHAO_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.1"})
    assert len(parse_networks(settings.trusted_proxies)) == 2
    with pytest.raises(ConfigError, match=r"trusted_proxies.*10\.0\.0\.0/33"):
        load_settings(home=str(tmp_path), environ={"KUAIZHAO_TRUSTED_PROXIES": "10.0.0.0/33"})


async def _fail_then_try_from(app: FastAPI, address: str) -> int:
    """Three wrong passwords for one name from 6.6.6.6, then one try from `address`."""
    # Waits of minutes, so that the test does not depend on how fast the machine is.
    if not hasattr(app.state, "login_throttle"):
        app.state.login_throttle = LoginThrottle(per_pair=Backoff(3, 120.0, 900.0, 3600.0))
    async with client(app) as c:
        for _ in range(3):
            c.headers["X-Forwarded-For"] = "6.6.6.6"
            await post_form(c, "/login", "/login", {"name": "ivan", "password": "guess"})
        c.headers["X-Forwarded-For"] = address
        return (await post_form(c, "/login", "/login",
                                {"name": "ivan", "password": "guess"})).status_code


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(tmp_path: Path) -> None:
    app, archive = account_app(tmp_path / "home")
    try:
        # The header is the client's own word: all four tries are one client's.
        assert await _fail_then_try_from(app, "7.7.7.7") == 429
    finally:
        archive.store.close()


async def test_forwarded_for_from_a_trusted_proxy_is_used(tmp_path: Path) -> None:
    app, archive = account_app(tmp_path / "home", trusted_proxies="127.0.0.1")
    try:
        assert await _fail_then_try_from(app, "7.7.7.7") == 400  # another client
        assert await _fail_then_try_from(app, "6.6.6.6") == 429  # the guesser, slowed
    finally:
        archive.store.close()

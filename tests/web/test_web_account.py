"""Accounts over the real app: sign-up, login, sessions, CSRF, throttling, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from account_client import account_app, client, csrf_of, post_form, sign_up, subscribe
from fastapi import FastAPI
from web_archive import Archive

from kuaizhao.ratelimit import Backoff
from kuaizhao.store.account_rows import Role
from kuaizhao.subscribe import passwords
from kuaizhao.subscribe.throttle import MAX_SIGNUPS_PER_CLIENT, LoginThrottle

pytestmark = pytest.mark.usefixtures("fast_argon2")


def slow_throttle() -> LoginThrottle:
    """Waits of minutes, so that the tests do not depend on how fast the machine is."""
    return LoginThrottle(per_pair=Backoff(free=3, base=120.0, cap=900.0, reset_after=3600.0))


async def test_anonymous_visitors_are_sent_to_log_in(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        response = await c.get("/me/subscriptions?unread=1")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fme%2Fsubscriptions%3Funread%3D1"
        assert (await c.get("/account")).status_code == 303
        assert (await c.get("/api/v1/me/subscriptions")).status_code == 401


async def test_sign_up_sets_a_secure_session_cookie(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        response = await sign_up(c, "alice")
        cookie = next(v for k, v in response.headers.multi_items()
                      if k == "set-cookie" and v.startswith("kz_session="))
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie
        assert response.headers["location"] == "/me/subscriptions"
        page = await c.get("/me/subscriptions")
        assert page.status_code == 200
        assert "alice" in page.text
    async with client(site[0], "https://testserver") as c:
        response = await sign_up(c, "bob")
        cookie = next(v for k, v in response.headers.multi_items()
                      if k == "set-cookie" and v.startswith("kz_session="))
        assert "Secure" in cookie


async def test_every_form_needs_its_csrf_token(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c, client(site[0]) as other:
        other_token = csrf_of(await other.get("/signup"))
        form = {"name": "carol", "password": "password-1", "password2": "password-1"}
        assert (await c.post("/signup", data=form)).status_code == 403
        await c.get("/signup")
        assert (await c.post("/signup", data={**form, "csrf": other_token})).status_code == 403
        await sign_up(c, "carol")
        for action, data in (("/me/subscriptions", {"kind": "search", "target": "科技"}),
                             ("/logout", {}), ("/account/feed-token", {}),
                             ("/account/delete", {"password": "password-1", "confirm": "yes"}),
                             ("/login", {"name": "carol", "password": "password-1"})):
            response = await c.post(action, data={**data, "csrf": "forged"})
            assert response.status_code == 403, action
        # cookie-authenticated JSON also needs the token, in a header
        assert (await c.post("/api/v1/me/subscriptions",
                             json={"kind": "search", "target": "科技"})).status_code == 403
        me = (await c.get("/api/v1/account")).json()
        created = await c.post("/api/v1/me/subscriptions", json={"kind": "search",
                               "target": "科技"}, headers={"X-CSRF-Token": me["csrf_token"]})
        assert created.status_code == 201


async def test_login_starts_a_new_session(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as attacker:
        await sign_up(attacker, "mallory")
        planted = attacker.cookies["kz_session"]
    async with client(site[0]) as victim:
        await sign_up(victim, "dave")
        await post_form(victim, "/account", "/logout", {})
        victim.cookies.set("kz_session", planted, domain="testserver.local")  # planted
        response = await post_form(victim, "/login", "/login",
                                   {"name": "dave", "password": "password-1"})
        assert response.status_code == 303
        fresh = victim.cookies["kz_session"]
        assert fresh != planted
        assert "dave" in (await victim.get("/me/subscriptions")).text
    async with client(site[0]) as attacker:
        attacker.cookies.set("kz_session", planted)
        assert (await attacker.get("/me/subscriptions")).status_code == 303  # ended


async def test_login_messages_do_not_reveal_accounts_and_are_throttled(
        site: tuple[FastAPI, Archive]) -> None:
    site[0].state.login_throttle = slow_throttle()
    async with client(site[0]) as c:
        await sign_up(c, "erin")
    async with client(site[0]) as c:
        wrong = await post_form(c, "/login", "/login", {"name": "erin", "password": "nope-nope"})
        missing = await post_form(c, "/login", "/login", {"name": "nobody", "password": "x"})
        assert wrong.status_code == missing.status_code == 400
        assert "用户名或密码不正确" in wrong.text
        assert "用户名或密码不正确" in missing.text
        api_wrong = await c.post("/api/v1/account/login", json={"name": "erin", "password": "x"})
        api_missing = await c.post("/api/v1/account/login", json={"name": "zed", "password": "x"})
        assert api_wrong.json()["error"] == api_missing.json()["error"]
        for _ in range(5):
            await post_form(c, "/login", "/login", {"name": "erin", "password": "bad-guess"})
        blocked = await post_form(c, "/login", "/login", {"name": "erin", "password": "password-1"})
        assert blocked.status_code == 429
        assert "Retry-After" in blocked.headers


async def test_a_guesser_cannot_keep_the_owner_out_and_is_slowed(
        site: tuple[FastAPI, Archive]) -> None:
    site[0].state.login_throttle = slow_throttle()
    async with client(site[0]) as owner, client(site[0]) as attacker, \
            client(site[0]) as new_browser:
        await sign_up(owner, "grace")
        assert owner.cookies.get("kz_device")
        await post_form(owner, "/account", "/logout", {})
        codes = [(await post_form(attacker, "/login", "/login",
                                  {"name": "grace", "password": f"guess-{i}"})).status_code
                 for i in range(30)]
        assert codes[:3] == [400, 400, 400]
        assert set(codes[3:]) == {429}  # slowed: 27 tries never reached the password check
        # The same address and no known-device cookie: slowed like the guesser.
        fresh = await post_form(new_browser, "/login", "/login",
                                {"name": "grace", "password": "password-1"})
        assert fresh.status_code == 429
        # The owner's browser shows the cookie set when it last signed in.
        back = await post_form(owner, "/login", "/login",
                               {"name": "grace", "password": "password-1"})
        assert back.status_code == 303
        assert "grace" in (await owner.get("/me/subscriptions")).text
        # A device cookie is bound to its account: it does not help on another name.
        await sign_up(attacker, "heidi")
        stolen_for = await post_form(attacker, "/login", "/login",
                                     {"name": "grace", "password": "guess-x"})
        assert stolen_for.status_code == 429
        api = await attacker.post("/api/v1/account/login",
                                  json={"name": "grace", "password": "guess-y"})
        assert api.status_code == 429
        assert int(api.headers["Retry-After"]) >= 1


async def test_sign_up_is_limited_per_client(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        for i in range(MAX_SIGNUPS_PER_CLIENT):
            await sign_up(c, f"user{i}")
        refused = await post_form(c, "/signup", "/signup", {
            "name": "one-more", "password": "password-1", "password2": "password-1"})
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        api = await c.post("/api/v1/account/signup", json={"name": "api-one",
                                                           "password": "password-1"})
        assert api.status_code == 429
    assert site[1].store.user_named(passwords.name_key("one-more")) is None


async def test_password_change_and_account_deletion(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as c:
        await sign_up(c, "frank")
        await subscribe(c, "科技创新")
        changed = await post_form(c, "/account", "/account/password",
                                  {"current": "password-1", "new": "password-2",
                                   "new2": "password-2"})
        assert changed.status_code == 200
        assert "密码已修改" in changed.text
        refused = await post_form(c, "/account", "/account/delete",
                                  {"password": "password-1", "confirm": "yes"})
        assert refused.status_code == 400
        deleted = await post_form(c, "/account", "/account/delete",
                                  {"password": "password-2", "confirm": "yes"})
        assert deleted.status_code == 303
        assert (await c.get("/me/subscriptions")).status_code == 303
    assert archive.store.user_named(passwords.name_key("frank")) is None
    assert archive.store._one("SELECT count(*) FROM subscriptions")[0] == 0


async def test_api_tokens_and_admin_role(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as c:
        await sign_up(c, "gina")
        me = (await c.get("/api/v1/account")).json()
        made = await c.post("/api/v1/account/tokens", json={"name": "script"},
                            headers={"X-CSRF-Token": me["csrf_token"]})
        token = made.json()["token"]
    async with client(app) as script:
        bearer = {"Authorization": f"Bearer {token}"}
        created = await script.post("/api/v1/me/subscriptions", headers=bearer,
                                    json={"kind": "category", "target": "国内"})
        assert created.status_code == 201
        assert created.json()["kind"] == "category"
        listing = (await script.get("/api/v1/me/subscriptions", headers=bearer)).json()
        assert [s["target"] for s in listing["subscriptions"]] == ["国内"]
        assert listing["stream"]["total"] >= 1  # what the archive already held
        bad = await script.get("/api/v1/me/subscriptions",
                               headers={"Authorization": f"Bearer {token}x"})
        assert bad.status_code == 401
        assert (await script.get("/api/v1/users", headers=bearer)).status_code == 403
        user = archive.store.user_named(passwords.name_key("gina"))
        assert user is not None
        with archive.store.transaction():
            archive.store.set_role(user.user.id, Role.ADMIN)
        users = await script.get("/api/v1/users", headers=bearer)
        assert [u["name"] for u in users.json()] == ["gina"]
        revoke = await script.delete(f"/api/v1/account/tokens/{made.json()['id']}",
                                     headers=bearer)
        assert revoke.status_code == 204
        assert (await script.get("/api/v1/account", headers=bearer)).status_code == 401


async def test_signup_can_be_switched_off(tmp_path: Path) -> None:
    app, archive = account_app(tmp_path / "closed", signup_enabled=False)
    try:
        async with client(app) as c:
            page = await c.get("/signup")
            assert page.status_code == 403
            assert "不开放注册" in page.text
            api = await c.post("/api/v1/account/signup", json={"name": "x1", "password": "p" * 9})
            assert api.status_code == 403
    finally:
        archive.store.close()


async def test_pages_in_english(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        await sign_up(c, "henry")
        page = await c.get("/me/subscriptions?lang=en")
        assert "My subscriptions" in page.text
        assert "New subscription" in page.text
        account = await c.get("/account")
        assert "Private feed (Atom)" in account.text
        login = await c.get("/login?lang=zh")
        assert "登录" in login.text

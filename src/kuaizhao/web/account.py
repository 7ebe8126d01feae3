"""Account pages: sign-up, login, logout, and /account (password, feed token, API
tokens, digest, deletion). The JSON twins are in `account_api.py`.

Every form is POSTed with this visitor's CSRF token; a login that fails says the same
thing whether or not the account exists, and is slowed (never locked) per name and per
client; sign-ups are limited per client (subscribe/throttle.py).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kuaizhao.errors import NotFound, TooManyAttempts, UsageError
from kuaizhao.store.account_rows import User
from kuaizhao.subscribe import accounts, passwords
from kuaizhao.web import params
from kuaizhao.web.auth import (
    CSRF_FIELD,
    check_csrf,
    end_session,
    finish,
    hashing,
    known_device,
    login_url,
    remember_device,
    signup_limiter_of,
    start_session,
    throttle_of,
    visitor,
)
from kuaizhao.web.clients import client_address
from kuaizhao.web.error_pages import form_error
from kuaizhao.web.feeds import private_feed_url
from kuaizhao.web.render import locale_of, render, site_of

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site: `//evil.example` or `https://...` would leave it."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/me/subscriptions"


async def form_of(request: Request) -> dict[str, str]:
    """The posted form, after its CSRF token is checked."""
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    await check_csrf(request, data.get(CSRF_FIELD, ""))
    return data


def redirect(request: Request, url: str) -> Response:
    return finish(request, RedirectResponse(url, status_code=303))


async def page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    who = await visitor(request)
    return finish(request, render(request, template, status=status, csrf=who.csrf,
                                  me=who.user, **context))


async def login_user(request: Request, name: str, password: str) -> User:
    """The user, or `UsageError` with one message for every kind of failure."""
    throttle = throttle_of(request)
    key = passwords.name_key(name)
    client, device = client_address(request), known_device(request, key)
    wait = throttle.retry_after(key, client, time.monotonic(), device)
    if wait > 0:
        raise TooManyAttempts(f"too many failed logins; try again in {int(wait) + 1} seconds",
                              wait, code="login_throttled", seconds=int(wait) + 1)
    user = await hashing(request, accounts.authenticate, site_of(request).store, name, password)
    if user is None:
        throttle.failed(key, client, time.monotonic(), device)
        raise UsageError("wrong name or password", code="login_failed")
    throttle.succeeded(key, client, device)
    return user


def check_signup_rate(request: Request) -> None:
    """Count a sign-up attempt from this client, or refuse it past the limit."""
    limiter, client, now = signup_limiter_of(request), client_address(request), time.monotonic()
    wait = limiter.retry_after(client, now)
    if wait > 0:
        raise TooManyAttempts("too many sign-ups from this address; try again in "
                              f"{int(wait // 60) + 1} minutes", wait, code="signup_throttled",
                              minutes=int(wait // 60) + 1)
    limiter.record(client, now)


def signed_in(request: Request, response: Response, user: User) -> str:
    """A new session and a known-device cookie for `user` on `response`; the session."""
    raw = accounts.new_session(site_of(request).store, user)
    start_session(request, response, raw)
    remember_device(request, response, passwords.name_key(user.name))
    return raw


# ------------------------------------------------------------------ sign-up / login


@router.get("/signup", include_in_schema=False, response_class=HTMLResponse)
async def signup_page(request: Request) -> Response:
    open_ = bool(site_of(request).settings.signup_enabled)
    return await page(request, "signup.html", status=200 if open_ else 403, closed=not open_,
                      error=None, name="")


@router.post("/signup", include_in_schema=False, response_class=HTMLResponse)
async def signup_submit(request: Request) -> Response:
    data = await form_of(request)
    if not site_of(request).settings.signup_enabled:
        return await page(request, "signup.html", status=403, closed=True, error=None, name="")
    name = data.get("name", "")
    try:
        if data.get("password", "") != data.get("password2", ""):
            raise UsageError("the two passwords differ", code="password_mismatch")
        check_signup_rate(request)
        user = await hashing(request, accounts.create_user, site_of(request).store, name,
                             data.get("password", ""))
    except TooManyAttempts as exc:
        response = await page(request, "signup.html", status=429, closed=False,
                              error=form_error(request, exc), name=name)
        response.headers["Retry-After"] = str(int(exc.retry_after) + 1)
        return response
    except UsageError as exc:
        return await page(request, "signup.html", status=400, closed=False,
                          error=form_error(request, exc), name=name)
    response = redirect(request, "/me/subscriptions")
    signed_in(request, response, user)
    return response


@router.get("/login", include_in_schema=False, response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = None) -> Response:
    return await page(request, "login.html", error=None, name="", next=safe_next(next))


@router.post("/login", include_in_schema=False, response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    data = await form_of(request)
    name, target = data.get("name", ""), safe_next(data.get("next"))
    try:
        user = await login_user(request, name, data.get("password", ""))
    except TooManyAttempts as exc:
        response = await page(request, "login.html", status=429,
                              error=form_error(request, exc), name=name, next=target)
        response.headers["Retry-After"] = str(int(exc.retry_after) + 1)
        return response
    except UsageError as exc:
        return await page(request, "login.html", status=400,
                          error=form_error(request, exc), name=name, next=target)
    response = redirect(request, target)
    signed_in(request, response, user)
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    await form_of(request)
    response = redirect(request, "/")
    end_session(request, response)
    return response


# ------------------------------------------------------------------ /account


async def _account(request: Request, *, status: int = 200, error: str | None = None,
                   notice: str | None = None, new_token: str | None = None) -> Response:
    who = await visitor(request)
    if who.user is None:
        return redirect(request, login_url(request))
    store = site_of(request).store
    user = store.user(who.user.id)
    return await page(request, "account.html", status=status, user=user,
                      api_tokens=store.api_tokens(user.id), error=error, notice=notice,
                      new_token=new_token, feed_url=private_feed_url(request, user),
                      digest_available=bool(site_of(request).settings.smtp_host))


@router.get("/account", include_in_schema=False, response_class=HTMLResponse)
async def account_page(request: Request) -> Response:
    return await _account(request)


@router.post("/account/{action}", include_in_schema=False, response_class=HTMLResponse)
async def account_action(request: Request, action: str) -> Response:
    data = await form_of(request)
    who = await visitor(request)
    if who.user is None:
        return redirect(request, login_url(request))
    user, store, loc = who.user, site_of(request).store, locale_of(request)
    try:
        if action == "password":
            if data.get("new", "") != data.get("new2", ""):
                raise UsageError("the two passwords differ", code="password_mismatch")
            await hashing(request, accounts.change_password, store, user,
                          data.get("current", ""), data.get("new", ""), who.session_digest)
            return await _account(request, notice=loc.text("password_changed"))
        if action == "feed-token":
            accounts.rotate_feed_token(store, user)
            return await _account(request, notice=loc.text("feed_token_rotated"))
        if action == "tokens":
            _, raw = accounts.create_api_token(store, user, data.get("name", ""))
            return await _account(request, new_token=raw)
        if action == "token-delete":
            with store.transaction():
                store.delete_api_token(user.id, _int(data.get("token", "")))
            return redirect(request, "/account")
        if action == "digest":
            email = data.get("email", "").strip() or None
            enabled = data.get("enabled") == "on"
            if enabled and (email is None or "@" not in email or len(email) > 254):
                raise UsageError("a digest needs an e-mail address", code="digest_needs_email")
            with store.transaction():
                store.set_digest(user.id, email, enabled)
            return await _account(request, notice=loc.text("digest_saved"))
        if action == "delete":
            return await _delete(request, user, data)
    except UsageError as exc:
        return await _account(request, status=400, error=form_error(request, exc))
    raise NotFound(f"there is no account action {action[:40]!r}")


async def _delete(request: Request, user: User, data: dict[str, str]) -> Response:
    store = site_of(request).store
    if data.get("confirm") != "yes":
        raise UsageError("confirm the deletion", code="delete_needs_confirm")
    if await hashing(request, accounts.authenticate, store, user.name,
                     data.get("password", "")) is None:
        raise UsageError("the password is wrong", code="password_wrong")
    with store.transaction():
        store.delete_user(user.id)
    response = redirect(request, "/?account=deleted")
    end_session(request, response)
    return response


def _int(text: str) -> int:
    return params.path_id(text, f"no item with id {text[:20]!r}")

"""Who is asking: session cookies, personal API tokens, CSRF tokens, the login throttle,
known-device cookies, and the bound on concurrent password hashing.

A browser is known by the `kz_session` cookie (HttpOnly, SameSite=Lax, Secure over
https), whose value is stored only as a digest; a script by `Authorization: Bearer
kz_...`. Every form carries a CSRF token: an HMAC of the visitor's session cookie (or,
before login, of a random `kz_pre` cookie) under the instance secret. JSON requests
authenticated by cookie send it in `X-CSRF-Token`; Bearer requests need none, since
a browser never adds that header by itself. Logging in always starts a new session,
so a session id planted before login is worth nothing after it.

Signing in also sets `kz_device`, a known-device cookie bound to the account name; a
browser that shows it is throttled on its own record, so a guesser hammering the name
cannot keep the owner out (subscribe/throttle.py). Each argon2 hash holds 64 MiB for
its duration, so hashes run in their own small pool: a flood of sign-ups or logins
queues for it instead of taking the server's memory (and its worker threads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TypeVar
from urllib.parse import quote

from anyio import CapacityLimiter, to_thread
from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from kuaizhao.errors import Forbidden, NotAuthenticated
from kuaizhao.ratelimit import SlidingWindow
from kuaizhao.store.account_rows import User
from kuaizhao.subscribe import accounts, tokens
from kuaizhao.subscribe.throttle import LoginThrottle, signup_window
from kuaizhao.web.render import SESSION_COOKIE, app_state, secret_of, session_of, site_of

PRE_COOKIE = "kz_pre"
DEVICE_COOKIE = "kz_device"
DEVICE_LIFETIME = timedelta(days=180)
MAX_CONCURRENT_HASHES = 2  # x 64 MiB (argon2id's RFC 9106 profile) at most
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
_SAFE = {"GET", "HEAD", "OPTIONS"}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Visitor:
    user: User | None
    session_digest: str | None
    csrf: str  # the token this visitor's forms must carry
    anchor: str  # the cookie value the token is derived from
    new_anchor: bool  # a pre-session cookie to set on the response
    by_token: bool = False


def throttle_of(request: Request) -> LoginThrottle:
    return app_state(request, "login_throttle", LoginThrottle)


def signup_limiter_of(request: Request) -> SlidingWindow:
    return app_state(request, "signup_limiter", signup_window)


async def hashing(request: Request, func: Callable[..., T], *args: object) -> T:
    """Run `func` (which hashes or verifies a password) in the hashing pool."""
    state = request.app.state
    if not hasattr(state, "hashing_limiter"):
        state.hashing_limiter = CapacityLimiter(MAX_CONCURRENT_HASHES)
    return await to_thread.run_sync(partial(func, *args), limiter=state.hashing_limiter)


def known_device(request: Request, name_key: str) -> str | None:
    """The device id of this browser's known-device cookie, if it was set for `name_key`."""
    return tokens.device_of(secret_of(request), name_key, request.cookies.get(DEVICE_COOKIE))


def remember_device(request: Request, response: Response, name_key: str) -> None:
    response.set_cookie(DEVICE_COOKIE, tokens.device_token(secret_of(request), name_key),
                        max_age=int(DEVICE_LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=secure_cookies(request), path="/")


def secure_cookies(request: Request) -> bool:
    public: str = site_of(request).settings.public_url
    return request.url.scheme == "https" or public.startswith("https://")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def visitor(request: Request) -> Visitor:
    """The visitor of this request (worked out once, then kept on `request.state`)."""
    cached = getattr(request.state, "visitor", None)
    if isinstance(cached, Visitor):
        return cached
    store = site_of(request).store
    secret = secret_of(request)
    found: Visitor | None = None
    bearer = _bearer(request)
    if bearer is not None:
        user = await run_in_threadpool(accounts.user_for_api_token, store, bearer)
        if user is None:
            raise NotAuthenticated("the API token is not valid (revoked or mistyped); "
                                   "create one on your account page")
        found = Visitor(user, None, "", "", False, by_token=True)
    if found is None:
        session = session_of(request)
        if session is not None:
            found = Visitor(session.user, session.digest, session.csrf, session.cookie, False)
    if found is None:
        pre = request.cookies.get(PRE_COOKIE)
        fresh = not pre or len(pre) > 100
        anchor = tokens.new_token() if fresh or pre is None else pre
        found = Visitor(None, None, tokens.csrf_token(secret, anchor), anchor, fresh)
    request.state.visitor = found
    return found


async def current_user(request: Request) -> User | None:
    return (await visitor(request)).user


async def require_user(request: Request) -> User:
    user = (await visitor(request)).user
    if user is None:
        raise NotAuthenticated("log in first (a session cookie), or send "
                               "Authorization: Bearer <your API token>")
    return user


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(target, safe="")


async def check_csrf(request: Request, presented: str | None = None) -> Visitor:
    """Refuse a state-changing request that lacks this visitor's CSRF token."""
    who = await visitor(request)
    if request.method in _SAFE or who.by_token:
        return who
    given = presented if presented is not None else request.headers.get(CSRF_HEADER)
    if not tokens.csrf_ok(secret_of(request), who.anchor, given):
        raise Forbidden("the form has expired or did not come from this site (CSRF check); "
                        "reload the page and submit it again")
    return who


def finish(request: Request, response: Response) -> Response:
    """Set the pre-session cookie a new anonymous visitor's CSRF token depends on."""
    who = getattr(request.state, "visitor", None)
    if isinstance(who, Visitor) and who.new_anchor:
        response.set_cookie(PRE_COOKIE, who.anchor, httponly=True, samesite="lax",
                            secure=secure_cookies(request), path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


def start_session(request: Request, response: Response, raw: str) -> None:
    """Put a new session cookie on `response`, ending any session the request carried."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        store = site_of(request).store
        with store.transaction():
            store.delete_session(tokens.digest(old))
    response.set_cookie(SESSION_COOKIE, raw, max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=secure_cookies(request), path="/")
    response.delete_cookie(PRE_COOKIE, path="/")


def end_session(request: Request, response: Response) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        store = site_of(request).store
        with store.transaction():
            store.delete_session(tokens.digest(cookie))
    response.delete_cookie(SESSION_COOKIE, path="/")


async def require_admin(request: Request) -> User:
    """The signed-in admin, or NotAuthenticated (401) / Forbidden (403)."""
    user = (await visitor(request)).user
    if user is None:
        raise NotAuthenticated("log in as an admin first (session cookie or "
                               "Authorization: Bearer <API token>)")
    if not user.is_admin:
        raise Forbidden("only an admin may see this; ask an admin to run "
                        "`kuaizhao user set-role NAME admin`")
    return user


async def page_admin(request: Request) -> User | Response:
    """For HTML pages: send a visitor who is not logged in to the login page."""
    if (await visitor(request)).user is None:
        return RedirectResponse(login_url(request), status_code=303)
    return await require_admin(request)

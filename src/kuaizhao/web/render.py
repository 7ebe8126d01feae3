"""Rendering pages: the Jinja environment, the per-request context, the language cookie.

Autoescape is on for every template; crawled values reach HTML only escaped, or through
the `hl`/`snippet` filters of `highlight.py`, which escape first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from kuaizhao.config import Settings
from kuaizhao.errors import KuaizhaoError
from kuaizhao.store.account_rows import User
from kuaizhao.store.base import Store
from kuaizhao.subscribe import tokens
from kuaizhao.web.highlight import clean_snippet, highlight, http_url
from kuaizhao.web.i18n import LANG_COOKIE, Locale, choose_language
from kuaizhao.web.messages import LANGUAGES

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
COOKIE_MAX_AGE = 365 * 24 * 3600
NAV_CATEGORIES = 8
SESSION_COOKIE = "kz_session"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Site:
    """What every handler needs, kept on `app.state.site`."""

    store: Store
    settings: Settings
    env: Environment
    zone: ZoneInfo


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package: no stat() of each one per page.
        auto_reload=False,
    )
    env.filters["hl"] = highlight
    env.filters["snippet"] = clean_snippet
    env.filters["http_url"] = http_url
    env.filters["urlpart"] = lambda value: quote(str(value), safe="")
    return env


def app_state(request: Request, name: str, make: Callable[[], T]) -> T:
    """The app's one `name` object (a limiter, a throttle), made on first use."""
    state = request.app.state
    if not hasattr(state, name):
        setattr(state, name, make())
    found: T = getattr(state, name)
    return found


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def secret_of(request: Request) -> str:
    site = site_of(request)
    configured: str = site.settings.secret_key
    return configured or site.store.instance_secret("csrf")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The account a session cookie stands for, and the CSRF token its forms carry."""

    user: User
    digest: str
    csrf: str
    cookie: str


def session_of(request: Request) -> SignedIn | None:
    """The account signed in on this browser, if any (no cookie is set by asking).

    Looked up once per request: the handler's `visitor()` and the page header both ask.
    """
    if hasattr(request.state, "session"):
        known: SignedIn | None = request.state.session
        return known
    found: SignedIn | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        digest = tokens.digest(cookie)
        session = site_of(request).store.session(digest, datetime.now(UTC))
        if session is not None:
            found = SignedIn(session.user, digest,
                             tokens.csrf_token(secret_of(request), cookie), cookie)
    request.state.session = found
    return found


def locale_of(request: Request) -> Locale:
    lang = choose_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                           request.headers.get("accept-language"))
    return Locale(lang=lang, display_zone=site_of(request).zone)


def with_params(request: Request, **changes: object) -> str:
    """The current path and query with some parameters replaced (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    query = urlencode(params)
    path = quote(request.url.path, safe="/:@!$&'()*+,;=-._~%")
    return f"{path}?{query}" if query else path


def render(request: Request, template: str, status: int = 200,
           **context: Any) -> HTMLResponse:
    site = site_of(request)
    loc = locale_of(request)
    other = next(lang for lang in LANGUAGES if lang != loc.lang)
    try:
        nav = site.store.categories()[:NAV_CATEGORIES]
    except KuaizhaoError as exc:  # an error page must render even when the store cannot
        log.warning("navigation categories unavailable: %s", exc)
        nav = []
    account = session_of(request)
    html = site.env.get_template(template).render(
        request=request, loc=loc, _=loc.text, lang=loc.lang, other_lang=other,
        other_lang_name=loc_text(other, "lang_name"),
        switch_url=with_params(request, lang=other), site_name=site.settings.site_name,
        nav_categories=nav, account=account,
        with_params=lambda **kw: with_params(request, **kw), **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Vary"] = "Accept-Language, Cookie"
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(LANG_COOKIE, chosen, max_age=COOKIE_MAX_AGE, httponly=True,
                            samesite="lax", path="/")
    return response


def loc_text(lang: str, key: str) -> str:
    return Locale(lang=lang, display_zone=ZoneInfo("UTC")).text(key)

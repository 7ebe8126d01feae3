"""JSON twins of the account pages, for scripts and apps (`/api/v1/account...`).

Authenticated by the session cookie (then unsafe methods need the `X-CSRF-Token`
header, which `GET /api/v1/account` returns) or by `Authorization: Bearer <token>`.
Sign-up and login answer with the session cookie set, like the forms.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from kuaizhao.errors import Forbidden, UsageError
from kuaizhao.store.account_rows import Role, User
from kuaizhao.subscribe import accounts
from kuaizhao.subscribe.tokens import csrf_token
from kuaizhao.web import params
from kuaizhao.web.account import check_signup_rate, login_user, signed_in
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.auth import (
    check_csrf,
    end_session,
    hashing,
    require_user,
    visitor,
)
from kuaizhao.web.feeds import private_feed_url
from kuaizhao.web.render import secret_of, site_of

router = APIRouter(tags=["account"])
ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404, 429)}


class CredentialsIn(BaseModel):
    name: str = Field(max_length=200)
    password: str = Field(max_length=2000)


class PasswordIn(BaseModel):
    current: str = Field(max_length=2000)
    new: str = Field(max_length=2000)


class TokenIn(BaseModel):
    name: str = Field(default="API token", max_length=200)


class DigestIn(BaseModel):
    email: str | None = Field(default=None, max_length=254)
    enabled: bool = Field(strict=True)  # 0 or "yes" is a mistake, not a choice


class DeleteIn(BaseModel):
    password: str = Field(max_length=2000)


class RoleIn(BaseModel):
    role: Role


class ApiTokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(ApiTokenOut):
    token: str = Field(description="shown this once; only a digest is kept")


class AccountOut(BaseModel):
    id: int
    name: str
    role: Role
    created_at: datetime
    csrf_token: str | None = Field(
        description="send as X-CSRF-Token with cookie-authenticated POST/PUT/DELETE")
    feed_url: str = Field(description="private Atom feed of the whole stream (keep it secret)")
    email: str | None
    digest_enabled: bool
    api_tokens: list[ApiTokenOut]


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    created_at: datetime


class FeedTokenOut(BaseModel):
    feed_url: str


def _token_out(t: object) -> ApiTokenOut:
    return ApiTokenOut.model_validate(t, from_attributes=True)


async def _account_out(request: Request, user: User, csrf: str | None = None) -> AccountOut:
    who = await visitor(request)
    store = site_of(request).store
    user = store.user(user.id)
    return AccountOut(id=user.id, name=user.name, role=user.role, created_at=user.created_at,
                      csrf_token=csrf or who.csrf or None, feed_url=private_feed_url(request, user),
                      email=user.email, digest_enabled=user.digest_enabled,
                      api_tokens=[_token_out(t) for t in store.api_tokens(user.id)])


@router.post("/api/v1/account/signup", response_model=AccountOut, responses=ERRORS,
             status_code=201, summary="Create a reader account and log in")
async def signup_api(request: Request, body: CredentialsIn, response: Response) -> AccountOut:
    store = site_of(request).store
    if not site_of(request).settings.signup_enabled:
        raise Forbidden("sign-up is switched off on this site; ask the operator for an account")
    check_signup_rate(request)
    user = await hashing(request, accounts.create_user, store, body.name, body.password)
    raw = signed_in(request, response, user)
    return await _account_out(request, user, csrf_token(secret_of(request), raw))


@router.post("/api/v1/account/login", response_model=AccountOut, responses=ERRORS,
             summary="Log in; sets the session cookie")
async def login_api(request: Request, body: CredentialsIn, response: Response) -> AccountOut:
    user = await login_user(request, body.name, body.password)
    raw = signed_in(request, response, user)
    # The CSRF token in the answer belongs to the new session, not the request's.
    return await _account_out(request, user, csrf_token(secret_of(request), raw))


@router.post("/api/v1/account/logout", status_code=204, responses=ERRORS,
             summary="End this session")
async def logout_api(request: Request, response: Response) -> None:
    await check_csrf(request)
    end_session(request, response)


@router.get("/api/v1/account", response_model=AccountOut, responses=ERRORS,
            summary="Your account (JSON twin of /account)")
async def account_api(request: Request) -> AccountOut:
    return await _account_out(request, await require_user(request))


@router.put("/api/v1/account/password", status_code=204, responses=ERRORS,
            summary="Change your password (other sessions are logged out)")
async def password_api(request: Request, body: PasswordIn) -> None:
    user = await require_user(request)
    who = await check_csrf(request)
    await hashing(request, accounts.change_password, site_of(request).store, user,
                  body.current, body.new, who.session_digest)


@router.post("/api/v1/account/feed-token", response_model=FeedTokenOut, responses=ERRORS,
             summary="Rotate the private feed token; old feed URLs stop working")
async def feed_token_api(request: Request) -> FeedTokenOut:
    user = await require_user(request)
    await check_csrf(request)
    accounts.rotate_feed_token(site_of(request).store, user)
    return FeedTokenOut(feed_url=private_feed_url(request, site_of(request).store.user(user.id)))


@router.get("/api/v1/account/tokens", response_model=list[ApiTokenOut], responses=ERRORS,
            summary="Your personal API tokens (names and dates, never the tokens)")
async def tokens_api(request: Request) -> list[ApiTokenOut]:
    user = await require_user(request)
    return [_token_out(t) for t in site_of(request).store.api_tokens(user.id)]


@router.post("/api/v1/account/tokens", response_model=NewTokenOut, responses=ERRORS,
             status_code=201, summary="Create a personal API token (shown once)")
async def new_token_api(request: Request, body: TokenIn) -> NewTokenOut:
    user = await require_user(request)
    await check_csrf(request)
    token, raw = accounts.create_api_token(site_of(request).store, user, body.name)
    return NewTokenOut(id=token.id, name=token.name, created_at=token.created_at,
                       last_used_at=None, token=raw)


@router.delete("/api/v1/account/tokens/{token_id}", status_code=204, responses=ERRORS,
               summary="Revoke one of your API tokens")
async def delete_token_api(request: Request, token_id: str) -> None:
    user = await require_user(request)
    await check_csrf(request)
    number = params.path_id(token_id, f"you have no API token with id {token_id[:20]!r}; "
                                      "see GET /api/v1/account/tokens")
    store = site_of(request).store
    with store.transaction():
        store.delete_api_token(user.id, number)


@router.put("/api/v1/account/digest", status_code=204, responses=ERRORS,
            summary="Turn the daily e-mail digest on or off")
async def digest_api(request: Request, body: DigestIn) -> None:
    user = await require_user(request)
    await check_csrf(request)
    email = (body.email or "").strip() or None
    if body.enabled and (email is None or "@" not in email):
        raise UsageError("the digest needs an e-mail address such as name@example.org")
    store = site_of(request).store
    with store.transaction():
        store.set_digest(user.id, email, body.enabled)


@router.delete("/api/v1/account", status_code=204, responses=ERRORS,
               summary="Delete your account and everything it holds")
async def delete_account_api(request: Request, body: DeleteIn, response: Response) -> None:
    user = await require_user(request)
    await check_csrf(request)
    store = site_of(request).store
    if await hashing(request, accounts.authenticate, store, user.name, body.password) is None:
        raise UsageError("the password is wrong; the account was not deleted")
    with store.transaction():
        store.delete_user(user.id)
    end_session(request, response)


async def _admin(request: Request) -> User:
    user = await require_user(request)
    if not user.is_admin:
        raise Forbidden("only an admin may do this")
    return user


@router.get("/api/v1/users", response_model=list[UserOut], responses=ERRORS,
            summary="Every account (admins only)")
async def users_api(request: Request) -> list[UserOut]:
    await _admin(request)
    return [UserOut(id=u.id, name=u.name, role=u.role, created_at=u.created_at)
            for u in site_of(request).store.users()]


@router.put("/api/v1/users/{user_id}/role", status_code=204, responses=ERRORS,
            summary="Make an account a reader or an admin (admins only)")
async def role_api(request: Request, user_id: str, body: RoleIn) -> None:
    await _admin(request)
    await check_csrf(request)
    number = params.path_id(user_id, f"no user with id {user_id[:20]!r}; "
                                     "see GET /api/v1/users")
    store = site_of(request).store
    with store.transaction():
        store.set_role(number, body.role)

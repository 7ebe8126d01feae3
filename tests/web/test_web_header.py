"""The header knows who is signed in: the account, its menu, sign-out, the admin pages."""

from __future__ import annotations

import re

import pytest
from account_client import client, sign_up
from fastapi import FastAPI
from takedown_client import make_admin
from web_archive import Archive

pytestmark = pytest.mark.usefixtures("fast_argon2")

ADMIN_LINKS = ('href="/admin/takedown"', 'href="/admin/takedown/audit"', 'href="/admin/sources"')


def header(html: str) -> str:
    return html.split('<header class="site-header">')[1].split("</header>")[0]


async def test_anonymous_header_offers_log_in_and_no_menu(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        top = header((await c.get("/search?q=无锡")).text)
    assert 'href="/login?next=%2Fsearch"' in top
    assert "account-menu" not in top
    assert not any(link in top for link in ADMIN_LINKS)
    assert 'href="/changes"' in top


async def test_reader_sees_the_account_and_signs_out_from_the_header(
        site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        await sign_up(c, "hanna")
        top = header((await c.get("/")).text)
        assert '<span class="account-name">hanna</span>' in top
        assert 'href="/account"' in top
        assert not any(link in top for link in ADMIN_LINKS)
        token = re.search(r'action="/logout"><input type="hidden" name="csrf" value="([^"]+)"',
                          top)
        assert token is not None
        out = await c.post("/logout", data={"csrf": token.group(1)})
        assert out.status_code == 303
        assert "account-menu" not in header((await c.get("/")).text)
        assert (await c.get("/account")).status_code == 303  # the session really ended


async def test_admin_menu_reaches_every_admin_page(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as c:
        await make_admin(c, archive, "ingrid")
        top = header((await c.get("/")).text)
        for link in ADMIN_LINKS:
            assert link in top
            path = link.split('"')[1]
            assert (await c.get(path)).status_code == 200, path

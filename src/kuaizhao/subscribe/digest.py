"""The daily digest e-mail: one message with a plain-text and an HTML part.

Pure: it takes the stream items and returns an `EmailMessage`; `alerts` decides when
and sends it. Both languages are shown, since a user's language is per browser, not
per account.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from kuaizhao.store.account_rows import StreamItem, User
from kuaizhao.subscribe.atom import summary_of

MAX_ITEMS = 50


def _link(site_url: str, item: StreamItem) -> str:
    return f"{site_url.rstrip('/')}/snapshots/{item.snapshot_id}" if site_url else item.url


def render_digest(user: User, items: Sequence[StreamItem], *, site_name: str, site_url: str,
                  sender: str, sent_at: datetime) -> EmailMessage:
    items = list(items)[:MAX_ITEMS]
    subject = f"{site_name}: 我的订阅 · {len(items)} new / 条新资讯"
    lines = [f"{user.name}，您好 / Hello {user.name},", "",
             f"您关注的内容有 {len(items)} 条新资讯 / {len(items)} new articles in your "
             "subscriptions:", ""]
    parts = [f"<p>{html.escape(user.name)}，您好 / Hello {html.escape(user.name)},</p>",
             f"<p>您关注的内容有 {len(items)} 条新资讯 / {len(items)} new articles in your "
             "subscriptions:</p>", "<ol>"]
    for item in items:
        link = _link(site_url, item)
        when = (item.published_at or item.captured_at).isoformat(timespec="minutes")
        summary = summary_of(item.text, 160)
        lines += [f"* {item.title or item.url}", f"  {item.source} · {when}", f"  {summary}",
                  f"  {link}", ""]
        parts.append(
            f'<li><a href="{html.escape(link, quote=True)}">{html.escape(item.title or item.url)}'
            f"</a><br><small>{html.escape(item.source)} · {html.escape(when)}</small>"
            f"<p>{html.escape(summary)}</p></li>")
    parts.append("</ol>")
    if site_url:
        manage = f"{site_url.rstrip('/')}/account"
        lines.append(f"退订或修改 / Manage: {manage}")
        parts.append(f'<p><a href="{html.escape(manage, quote=True)}">退订或修改 / Manage</a></p>')
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = user.email or ""
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Date"] = format_datetime(sent_at)
    message.set_content("\n".join(lines))
    message.add_alternative(
        "<!doctype html><html><body>" + "".join(parts) + "</body></html>", subtype="html")
    return message

"""WebSub (W3C Recommendation, 2018), the subscriber's pure side: which hub a feed
names, and when a subscription needs (re)requesting.

A publisher advertises its hub with `rel="hub"` links — in the HTTP Link header or as
`<link rel="hub" href="..."/>` (Atom, or `<atom:link>` inside RSS) — and names the
topic with `rel="self"`; the subscription is made for that self URL (spec §4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from kuaizhao.discover.safe_xml import attribute, parse_untrusted_xml
from kuaizhao.errors import UsageError
from kuaizhao.urls import normalize_url

DEFAULT_LEASE = 10 * 24 * 3600  # seconds asked for; the hub decides
RENEW_AT = 0.8  # renew once this share of the lease has passed
RETRY_AFTER = timedelta(hours=1)  # a request the hub never verified is sent again after this
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*("([^"]*)"|[^\s;,]+)""", re.I)


@dataclass(frozen=True, slots=True)
class HubLinks:
    hubs: tuple[str, ...] = ()
    self_url: str | None = None

    @property
    def topic_and_hub(self) -> tuple[str, str] | None:
        return (self.self_url, self.hubs[0]) if self.hubs and self.self_url else None


def _absolute(href: str, base: str) -> str | None:
    try:
        return normalize_url(href.strip(), base)
    except UsageError:
        return None


def _from_header(value: str, base: str) -> list[tuple[str, str]]:
    found = []
    for target, params in _LINK_VALUE.findall(value):
        rel = _REL.search(params)
        if rel is None:
            continue
        for name in (rel.group(2) if rel.group(2) is not None else rel.group(1)).split():
            url = _absolute(target, base)
            if url:
                found.append((name.lower(), url))
    return found


def _from_document(body: bytes, base: str) -> list[tuple[str, str]]:
    parsed = parse_untrusted_xml(body)
    if parsed.root is None:
        return []
    found = []
    for element in parsed.root.iter():
        if not isinstance(element.tag, str) or element.tag.rsplit("}", 1)[-1] != "link":
            continue
        href = attribute(element, "href")
        rels = (attribute(element, "rel") or "").lower().split()
        if href and rels:
            url = _absolute(href, base)
            if url:
                found += [(rel, url) for rel in rels]
    return found


def hub_links(body: bytes, feed_url: str, link_header: str | None = None) -> HubLinks:
    """The hubs and self URL a feed advertises; the Link header wins over the body
    (spec §4: publishers should use both, subscribers check the header first)."""
    links = _from_header(link_header, feed_url) if link_header else []
    if not any(rel == "hub" for rel, _ in links):
        links += _from_document(body, feed_url)
    hubs = tuple(dict.fromkeys(url for rel, url in links if rel == "hub"))
    self_url = next((url for rel, url in links if rel == "self"), None)
    return HubLinks(hubs=hubs, self_url=self_url or (feed_url if hubs else None))


def needs_request(state: str | None, requested_at: datetime | None,
                  expires_at: datetime | None, lease_seconds: int | None,
                  now: datetime) -> bool:
    """Whether to send a (re)subscription request now: never subscribed; denied or
    failed over an hour ago; requested but not verified within an hour; or active with
    80 % of its lease gone."""
    if state is None or requested_at is None:
        return True
    if state in ("requested", "denied", "failed"):
        return now - requested_at >= RETRY_AFTER
    if state == "active":
        if expires_at is None or lease_seconds is None:
            return False  # the hub granted no lease: it lasts until unsubscribed
        renew_at = expires_at - timedelta(seconds=lease_seconds * (1 - RENEW_AT))
        return now >= renew_at
    return True

"""Who wrote it, who published it, where it was reposted from.

Inputs are the byline fields found near the headline and inside the body, a wire
dateline ("新华社北京2月7日电（记者 张三）") and the page's declared metadata.
The distinction that matters for a snapshot archive: `source` is the outlet the page
names (来源：人民资讯); `reposted_from` is where the text came from when that is not
the publishing site (本文转自 / 转载自, a wire dateline, or a 来源 naming another outlet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from kuaizhao.extract.bylines import BylineField, WireDateline, split_names
from kuaizhao.extract.textlines import Line
from kuaizhao.models import Evidence

_BY_LINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+(?P<names>[^\d|•·]{3,120})$", re.I)
_NOT_NAME = re.compile(r"https?://|www\.|@|\.com|facebook|twitter", re.I)
_OUTLET_ONLY = " (the outlet)"


@dataclass(slots=True)
class Provenance:
    author: tuple[str, ...] = ()
    editor: str | None = None
    source: str | None = None
    reposted_from: str | None = None
    reposted_from_url: str | None = None
    original_title: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


def resolve_provenance(
    near_title: list[BylineField],
    in_body: list[BylineField],
    wire: WireDateline | None,
    declared_authors: list[tuple[str, str]],
    declared_source: list[tuple[str, str]],
    site_names: list[str],
    lines: list[Line],
    base_url: str | None,
    window_text: list[str],
) -> Provenance:
    out = Provenance()
    fields = [(f, "byline near headline", 0.9) for f in near_title] + [
        (f, "byline in body", 0.8) for f in in_body
    ]

    def first(name: str) -> tuple[str, str, float] | None:
        for f, where, conf in fields:
            if f.field == name:
                return f.value, f"{where}: {f.label}", conf
        return None

    if hit := first("editor"):
        out.editor = _one_name(hit[0])
        out.evidence.append(Evidence("editor", hit[1], hit[2]))
    if hit := first("original_title"):
        out.original_title = hit[0]
        out.evidence.append(Evidence("original_title", hit[1], hit[2]))
    if hit := first("source"):
        out.source = _outlet(hit[0])
        out.evidence.append(Evidence("source", hit[1], hit[2]))
    elif declared_source:
        out.source = _outlet(declared_source[0][1])
        out.evidence.append(Evidence("source", declared_source[0][0], 0.6))

    if hit := first("reposted_from"):
        out.reposted_from = _outlet(hit[0])
        out.evidence.append(Evidence("reposted_from", hit[1], hit[2]))
    elif wire is not None:
        out.reposted_from = wire.outlet
        out.evidence.append(Evidence("reposted_from", "wire dateline (…电/讯)", 0.75))
    elif out.source and site_names and not any(_same_outlet(out.source, s) for s in site_names):
        out.reposted_from = out.source
        out.evidence.append(Evidence("reposted_from", "来源 names another outlet", 0.6))
    if out.reposted_from:
        out.reposted_from_url = _link_for(out.reposted_from, lines, base_url)

    authors: tuple[str, ...] = ()
    if hit := first("author"):
        authors = split_names(hit[0])
        rule, conf = hit[1], hit[2]
    if not authors and wire is not None and wire.authors:
        authors, rule, conf = wire.authors, "wire dateline credit", 0.8
    outlets = _outlet_keys(site_names, base_url)
    if not authors:
        authors, rule = _declared_people(declared_authors, outlets)
        conf = 0.8
    if not authors or rule.endswith(_OUTLET_ONLY):
        # A visible "Von Jemima Kelly" names a person; a declaration naming only the
        # outlet ("STERN.de") is the weaker evidence.
        people = _by_line_people(window_text, outlets)
        if people:
            authors, rule, conf = people, "'By …' line", 0.7
    if authors:
        out.author = authors[:10]
        out.evidence.append(Evidence("author", rule, conf))
    return out


def _by_line_people(window_text: list[str], outlets: list[str]) -> tuple[str, ...]:
    """The people of the first "By …" / "Von …" line near the headline, without the
    outlet and the place of filing ("von David Straub, MDR THÜRINGEN")."""
    for text in window_text:
        m = _BY_LINE.match(text.strip())
        if m:
            names = _without_dateline(split_names(m.group("names")))
            return tuple(n for n in names if not _is_outlet(n, outlets))
    return ()


def _without_dateline(names: tuple[str, ...]) -> tuple[str, ...]:
    """'Von Anna Sleegers, Frankfurt' → the person only: a one-word last part after
    full names is the place the piece was filed from, as in a dateline."""
    if len(names) > 1 and " " not in names[-1] and all(" " in n for n in names[:-1]):
        return names[:-1]
    return names


def _declared_people(
    declared: list[tuple[str, str]], outlets: list[str]
) -> tuple[tuple[str, ...], str]:
    """People named by the most trusted declaration that names any (JSON-LD, then meta
    tags, then rel/itemprop author), without the outlet itself ("heise online",
    "Condé Nast", "mdr.de"): sources are not merged, since each often repeats the others
    in another spelling ("You, Xiaoying")."""
    groups = []
    for rule in dict.fromkeys(r for r, _ in declared):
        names = [n for r, value in declared if r == rule and not _NOT_NAME.search(value)
                 for n in split_names(value, one_person_per_space=not r.startswith("json-ld"))]
        groups.append((rule, names, [n for n in names if not _is_outlet(n, outlets)]))
    for rule, _, people in groups:
        if people:
            return tuple(dict.fromkeys(people)), rule
    for rule, names, _ in groups:
        if names:
            # Only the outlet is named anywhere: that is the page's own byline ("kicker").
            return tuple(dict.fromkeys(names)), f"{rule}{_OUTLET_ONLY}"
    return (), ""


_ORGANISATION = re.compile(
    r"\b(?:GmbH|AG|Inc|Ltd|LLC|Media|Group|Verlag|Redaktion|Newsroom|Staff|Online)\b|"
    r"Condé Nast|[-‑]Redaktion$|编辑部|新闻网|日报社|报社|新聞(?:社)?$",
    re.I,
)


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", text or "").lower()


def _outlet_keys(site_names: list[str], base_url: str | None) -> list[str]:
    """The outlet's names (site names, the host's name part) as `_key` compares them."""
    return [n for n in (_key(x) for x in [*site_names, _host_label(base_url)]) if n]


def _host_label(url: str | None) -> str | None:
    """'https://www.mdr.de/x' → 'mdr': the name part of the host."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    labels = [x for x in host.split(".") if x not in {"www", "m", "news"}]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else None)


def _is_outlet(name: str, outlets: list[str]) -> bool:
    key = _key(name)
    if not key or _ORGANISATION.search(name):
        return True
    return any(len(o) >= 3 and (key == o or key.startswith(o) or o.startswith(key))
               for o in outlets)


def _one_name(value: str) -> str:
    names = split_names(value)
    return names[0] if len(names) == 1 else "、".join(names) if names else value


def _outlet(value: str) -> str:
    """'人民网-江苏频道 2024-02-07' → '人民网-江苏频道': drop trailing dates and credits."""
    value = re.split(r"\s+(?:\d{4}[-/年]|作者|记者|编辑)", value)[0]
    return value.strip()[:60]


def _same_outlet(a: str, b: str) -> bool:
    na, nb = re.sub(r"\W+", "", a).lower(), re.sub(r"\W+", "", b).lower()
    return bool(na and nb) and (na in nb or nb in na)


def _link_for(name: str, lines: list[Line], base_url: str | None) -> str | None:
    for line in lines:
        for text, href in line.links:
            if text.strip() == name and not href.startswith(("javascript:", "#")):
                return urljoin(base_url, href) if base_url else href
    return None

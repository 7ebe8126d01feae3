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

from kuaizhao.extract.bylines import BY_WORDS, NOBODY, BylineField, WireDateline, split_names
from kuaizhao.extract.metadata import PageMeta
from kuaizhao.extract.textlines import Line
from kuaizhao.models import Evidence

_BY_LINE = re.compile(rf"^(?:{BY_WORDS}|di)\s+(?P<names>[^\d|•·]{{3,120}})$", re.I)
_BY_WORD = re.compile(rf"(?:{BY_WORDS})", re.I)  # a "By" alone in its own element
# "Autorin/Autor Roman Goncharenko", "Author: Jane Doe", "Texto: Ana Ruiz": a labelled
# author field. The words that also start ordinary lines ("Text", "Reporter") need a colon.
_AUTHOR_LABEL = re.compile(
    r"^(?:(?:autor(?:in|en)?|authors?|auteure?s?|autore|autora|forfatter|författare|yazar)"
    r"(?:\s*/\s*autor(?:in)?)?\s*[:：]?|(?:text|texte|texto|tekst|reporter)\s*[:：])\s*"
    r"(?P<names>[^\d|•·:：]{3,120})$", re.I)
# Parts of one line: "Do 25.04.24 | 14:07 Uhr | Von Eva Kirchner-Rätsch".
_LINE_PARTS = re.compile(r"\s+[|•·]\s+")
_MAX_LABEL_LINE = 80
# Lower-case words that belong to names ("Ursula von der Leyen", "Pedro de la Cruz").
_PARTICLES = frozenset({"von", "van", "de", "der", "den", "da", "di", "del", "della", "la", "le",
                        "du", "bin", "al", "el", "zu", "y", "e", "dos", "das", "ter", "ten"})
_CJK_NAME = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_CJK_ROLE = re.compile(r"编辑|作者|记者|来源|责任|编者|供稿")
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
    closing: tuple[str, ...],
    meta: PageMeta,
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

    if (hit := first("editor")) and (editor := _one_name(hit[0])):
        out.editor = editor
        out.evidence.append(Evidence("editor", hit[1], hit[2]))
    if hit := first("original_title"):
        out.original_title = hit[0]
        out.evidence.append(Evidence("original_title", hit[1], hit[2]))
    if hit := first("source"):
        out.source = _outlet(hit[0])
        out.evidence.append(Evidence("source", hit[1], hit[2]))
    elif meta.source:
        out.source = _outlet(meta.source[0][1])
        out.evidence.append(Evidence("source", meta.source[0][0], 0.6))

    if hit := first("reposted_from"):
        out.reposted_from = _outlet(hit[0])
        out.evidence.append(Evidence("reposted_from", hit[1], hit[2]))
    elif wire is not None and not wire.own:
        out.reposted_from = wire.outlet
        out.evidence.append(Evidence("reposted_from", "wire dateline (…电/讯)", 0.75))
    elif out.source and site_names and not any(_same_outlet(out.source, s) for s in site_names):
        out.reposted_from = out.source
        out.evidence.append(Evidence("reposted_from", "来源 names another outlet", 0.6))
    if out.reposted_from:
        out.reposted_from_url = _link_for(out.reposted_from, lines, base_url)

    # The outlets this page names: not authors ("作者：新京报" where 来源 is 新京报).
    named = [*site_names, out.source or "", out.reposted_from or "", wire.outlet if wire else ""]
    outlets = _outlet_keys(named, base_url)
    if found := _authors(first("author"), wire, closing, meta, outlets, window_text, lines):
        out.author = found[0][:10]
        out.evidence.append(Evidence("author", found[1], found[2]))
    return out


def _authors(
    labelled: tuple[str, str, float] | None, wire: WireDateline | None,
    closing: tuple[str, ...], meta: PageMeta, outlets: list[str], window_text: list[str],
    lines: list[Line],
) -> tuple[tuple[str, ...], str, float] | None:
    """(people, rule, confidence), best evidence first: a Chinese byline field (作者 /
    记者), the wire dateline's credit, the closing credit （记者 …）, the most trusted
    declaration naming a person, a byline the page shows. A source that names only the
    outlet ("作者：新京报", JSON-LD "STERN.de") yields to any of the others, and is the
    answer only when nobody else is named: that is then the page's own byline."""
    outlet_only = None
    if labelled:
        names = split_names(labelled[0])
        people = tuple(n for n in names if not _is_outlet(n, outlets))
        if people:
            return people, labelled[1], labelled[2]
        if names:
            outlet_only = (names, labelled[1] + _OUTLET_ONLY, labelled[2])
    if wire is not None and wire.authors:
        return wire.authors, "wire dateline credit", 0.8
    if closing:
        return closing, "closing credit （记者 …）", 0.75
    declared, rule = _declared_people(meta.author, outlets)
    if declared and not rule.endswith(_OUTLET_ONLY):
        return declared, rule, 0.8
    if shown := _shown_people(window_text, lines, meta.marked_bylines, outlets):
        return shown
    if outlet_only:
        return outlet_only
    return (declared, rule, 0.8) if declared else None


def _shown_people(
    window_text: list[str], lines: list[Line], marked: list[str], outlets: list[str]
) -> tuple[tuple[str, ...], str, float] | None:
    """People of a byline the page shows, best first: a "By …" / "Von …" line (or part
    of a line) near the headline; a labelled author field anywhere ("Autorin/Autor
    Roman Goncharenko", "Author: …"); an element near the headline whose class marks it
    as the byline (`class="author"`, `article-byline`).

    The first hit of each rule decides for that rule (later ones are related articles).
    The outlet and the place of filing are dropped ("von David Straub, MDR THÜRINGEN");
    anything else that does not look like a name makes the hit no byline at all
    ("By TPN, in News, Portugal", "The Russian and Syrian defense ministries")."""
    by_line = next((m.group("names") for text in window_text
                    for part in _LINE_PARTS.split(text.strip())
                    if (m := _BY_LINE.match(part))), None)
    if by_line and (names := _people(by_line, outlets, full_names=False)):
        return names, "'By …' line", 0.7
    label = next((m.group("names") for line in lines if len(line.text) <= _MAX_LABEL_LINE
                  for part in _LINE_PARTS.split(line.text)
                  if (m := _AUTHOR_LABEL.match(part))), None)
    if label and (names := _people(label, outlets, full_names=True)):
        return names, "labelled author field", 0.7
    near = " ".join(window_text)
    element = next((text for text in marked if text.split(" | ")[0] in near), None)
    if element and (names := _people(element, outlets, full_names=True)):
        return names, "element marked as byline (class) near the headline", 0.6
    return None


def _people(text: str, outlets: list[str], full_names: bool) -> tuple[str, ...]:
    parts = [p for p in text.split(" | ") if not _BY_WORD.fullmatch(p)]
    if len(parts) > 1 and all(" " not in p for p in parts):
        parts = [" ".join(parts)]  # <span>Ingrid</span> <span>Treborg</span>: one name
    names = _without_dateline(tuple(n for p in parts for n in split_names(p)))
    people = tuple(n for n in names if not _is_outlet(n, outlets))
    ok = all(_looks_like_name(n, full_names) for n in people)
    return people if ok else ()


def _looks_like_name(name: str, full: bool) -> bool:
    """'Anna Giulia Fink', 'Dr. Max Kolter', '松岡大地' (and 'AFP' unless `full`): not
    'Stand', 'in News', 'November 18'."""
    if re.search(r"[!?;:：\"“”«»\d]", name):
        return False
    if _CJK_NAME.search(name):
        return 2 <= len(name.replace(" ", "")) <= 8 and not _CJK_ROLE.search(name)
    words = name.split()
    return (2 if full else 1) <= len(words) <= 5 and all(
        w in _PARTICLES or (w[0].isalpha() and not w[0].islower()) for w in words)


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
            # A declaration that names every one of these people and more is the
            # fuller list (one JSON-LD object names one author, another all three).
            # Only JSON-LD: a page's rel="author" links also credit related articles.
            keys = {_key(n) for n in people}
            fuller = [(r, p) for r, _, p in groups if r.startswith("json-ld")
                      and rule.startswith("json-ld") and keys < {_key(n) for n in p}]
            rule, people = max(fuller, key=lambda g: len(g[1])) if fuller else (rule, people)
            return tuple(dict.fromkeys(people)), rule
    for rule, names, _ in groups:
        if names:
            # Only the outlet is named anywhere: that is the page's own byline ("kicker").
            return tuple(dict.fromkeys(names)), f"{rule}{_OUTLET_ONLY}"
    return (), ""


_ORGANISATION = re.compile(
    r"\b(?:GmbH|AG|Inc|Ltd|LLC|Media|Group|Verlag|Redaktion|Newsroom|Staff|Online)\b|"
    r"Condé Nast|[-‑]Redaktion$|编辑部|新闻网|日报社|报社|新聞(?:社)?$|"
    # Recommendation widgets sign their boxes "by Taboola" beside the article.
    r"\b(?:Taboola|Outbrain|Revcontent|ZergNet|Plista)\b",
    re.I,
)


def _key(text: str | None) -> str:
    return re.sub(r"\W+", "", text or "").lower()


def _outlet_keys(site_names: list[str], base_url: str | None) -> list[str]:
    """The outlet's names (site names, the host's name part) as `_key` compares them."""
    return [n for n in (_key(x) for x in [*site_names, _host_label(base_url)]) if n]


# The registry's own level under a country code: .com.cn, .gov.cn, .co.uk, .ac.jp.
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "ac", "co", "or", "ne", "go"})


def _host_label(url: str | None) -> str | None:
    """'https://www.mdr.de/x' → 'mdr': the name part of the host."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    labels = [x for x in host.split(".") if x not in {"www", "m", "news"}]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]  # finance.sina.com.cn → sina, not com
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else None)


def _is_outlet(name: str, outlets: list[str]) -> bool:
    key = _key(name)
    if not key or _ORGANISATION.search(name):
        return True
    return any(len(o) >= 3 and (key == o or key.startswith(o) or o.startswith(key))
               for o in outlets)


def _one_name(value: str) -> str | None:
    """The names in `value` as one string; None when it names nobody ("管理员")."""
    names = split_names(value)
    if not names:
        return None if value.strip().lower() in NOBODY else value
    return "、".join(names)


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

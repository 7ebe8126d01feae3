"""`extract_article`: page bytes in, `Article` out, each field with its evidence.

Order matters: everything that reads the page as published (metadata, lines,
bylines, breadcrumbs) runs first; then captions are cut out of the tree; then the
body is extracted from what is left. Nothing here raises for a page that is not an
article: it returns an empty Article with `not_article_reason`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, tzinfo
from urllib.parse import urljoin

import lxml.html

from kuaizhao.extract.body import PageProse, extract_body, prose_chars
from kuaizhao.extract.bylines import BylineField, closing_credit, parse_byline, wire_dateline
from kuaizhao.extract.captions import take_captions
from kuaizhao.extract.category import choose_category
from kuaizhao.extract.dates import zone
from kuaizhao.extract.images import article_images
from kuaizhao.extract.keywords import extract_keywords
from kuaizhao.extract.language import detect_language
from kuaizhao.extract.metadata import PageMeta, read_metadata
from kuaizhao.extract.options import ExtractOptions
from kuaizhao.extract.parse import MAX_ELEMENTS, parse_page
from kuaizhao.extract.provenance import resolve_provenance
from kuaizhao.extract.published import (
    TimeChoice,
    choose_time,
    htmldate_guess,
    unlabelled_dates,
    url_date,
)
from kuaizhao.extract.segment_breaks import remove_segment_breaks
from kuaizhao.extract.textlines import Line, page_lines
from kuaizhao.extract.title import TitleChoice, choose_title, norm
from kuaizhao.models import Article, Evidence

CHINA = "Asia/Shanghai"
_WINDOW_BEFORE, _WINDOW_AFTER = 4, 25
_MIN_HEADLINE_CHARS = 10  # an <h1> shorter than this is a logo or a section name
_DATELINE_SEARCH = 300  # lines; a dateline further down is not the article's
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_MAX_BYLINE_LINE = 200
_MIN_BODY_CHARS = 20


def extract_article(
    html: bytes, url: str | None = None, options: ExtractOptions | None = None
) -> Article:
    """Extract an article from the page bytes `html` fetched from `url`.

    Only the first `options.max_bytes` bytes are parsed (5 MiB by default). Raises
    ExtractError only for bad options (unknown time zone, invalid category rule).
    """
    opts = options or ExtractOptions()
    fixed_zone = zone(opts.default_timezone) if opts.default_timezone else None
    if not isinstance(html, bytes | bytearray | memoryview):
        raise TypeError(f"extract_article needs the page as bytes, got {type(html).__name__}")
    parsed = parse_page(bytes(html), opts.content_type, opts.max_bytes)
    if parsed.tree is None:
        return Article(not_article_reason=parsed.reason)
    root = parsed.tree
    remove_segment_breaks(root)
    evidence: list[Evidence] = []
    if parsed.truncated:
        evidence.append(Evidence(
            "text", f"input cut to its first {opts.max_bytes} bytes or {MAX_ELEMENTS} elements",
            0.5))

    meta = read_metadata(root)
    lines = page_lines(root)
    declared_sites = [opts.source_name] if opts.source_name else []
    declared_sites += [v for _, v in meta.site_name]
    title = choose_title(root, [*meta.title, *_heading_above_dateline(lines)], declared_sites,
                         lines)
    title_text = title.value if title else ""
    if title:
        evidence.append(Evidence("title", title.rule, title.confidence))
    window = _byline_window(lines, title_text)
    near_title = [f for line in window if len(line.text) <= _MAX_BYLINE_LINE
                  for f in parse_byline(line.text)]

    caps = take_captions(root, url)
    link_texts = frozenset("".join(t.split()) for line in lines for t, _ in line.links)
    body = extract_body(root, url, title_text, opts.fast,
                        PageProse(prose_chars(lines), link_texts, meta.article_body))
    paragraphs = list(body.paragraphs)
    wire = wire_dateline(paragraphs[0]) if paragraphs else None
    closing = next((names for p in reversed(paragraphs[-3:]) if (names := closing_credit(p))), ())
    text = "\n\n".join(paragraphs)

    language, lang_rule = detect_language(text or " ".join(x.text for x in lines[:200]),
                                          meta.language)
    if language:
        evidence.append(Evidence("language", lang_rule, 0.9 if lang_rule != "script" else 0.8))
    tz = fixed_zone or (zone(CHINA) if language == "zh" else UTC)

    published, updated = _times(meta, near_title, window, root, url, tz, opts)
    for name, chosen in (("published_at", published), ("updated_at", updated)):
        if chosen:
            evidence.append(Evidence(name, chosen.rule, chosen.confidence))

    site_names = [*declared_sites, *meta.organisations]
    if title and title.site_name:
        site_names.append(title.site_name)
    prov = resolve_provenance(
        near_title, list(body.bylines), wire, closing, meta, site_names, lines, url,
        [line.text for line in window],
    )
    evidence.extend(prov.evidence)

    labelled_category = next((f.value for f in near_title if f.field == "category"), None)
    category = choose_category(url, opts.category_rules, lines, title_text, labelled_category,
                               meta.breadcrumbs, meta.section)
    if category:
        evidence.append(Evidence("category", category.rule, category.confidence))

    pictures = article_images(root, body.paragraphs, caps, [v for _, v in meta.images], url)
    captions = tuple(dict.fromkeys([*pictures.captions, *body.credits]))
    if captions:
        evidence.append(Evidence("captions", "figcaption/caption class/credit line", 0.8))
    if pictures.images:
        evidence.append(Evidence("images", pictures.rule, 0.8))
    if text and (lead := _shown_lead(meta, title, text, window)):
        text = f"{lead}\n\n{text}"
    reason = _not_article_reason(text, lines, meta)
    if reason:
        text = ""
    else:
        evidence.append(Evidence("text", body.rule, 0.85))
    keywords = extract_keywords(title_text, text, language, opts.max_keywords) if text else ()
    if keywords:
        evidence.append(Evidence("keywords", "tf-idf (jieba) / frequency", 0.6))
    canonical = meta.canonical[0][1] if meta.canonical else None

    return _composed(Article(
        title=title_text,
        subtitle=_subtitle(meta, title, text),
        published_at=published.value if published else None,
        updated_at=updated.value if updated else None,
        author=prov.author,
        editor=prov.editor,
        source=prov.source,
        reposted_from=prov.reposted_from,
        reposted_from_url=prov.reposted_from_url,
        original_title=prov.original_title,
        category=category.value if category else None,
        language=language,
        canonical_url=urljoin(url, canonical) if url and canonical else canonical,
        text=text,
        captions=captions,
        images=pictures.images,
        keywords=keywords,
        evidence=tuple(_dedupe_evidence(evidence)),
        not_article_reason=reason,
    ))


def _composed(article: Article) -> Article:
    """Every text field in Unicode NFC. Some pages write "für" as "u" plus a combining
    diaeresis (NFD); stored so, it would not match "für" typed into the search box."""
    changes: dict[str, object] = {}
    for name in ("title", "subtitle", "author", "editor", "source", "reposted_from",
                 "original_title", "category", "text", "captions", "keywords"):
        value = getattr(article, name)
        if isinstance(value, str):
            composed: object = unicodedata.normalize("NFC", value)
        elif isinstance(value, tuple):
            composed = tuple(unicodedata.normalize("NFC", v) for v in value)
        else:
            continue
        if composed != value:
            changes[name] = composed
    return replace(article, **changes) if changes else article  # type: ignore[arg-type]


def _byline_window(lines: list[Line], title: str) -> list[Line]:
    """Lines around the headline, where datelines and 来源 live.

    The anchor, best first: a heading that says the chosen headline; an <h1> that
    contains it or is contained in it; another line that says it; the page's first
    real <h1> (the chosen headline may be a declared one the page does not show); a
    lesser heading that contains it or is contained in it (a sub-heading repeating
    part of the headline sits far below the byline, so it comes last).
    """
    target = norm(title)
    found: dict[str, int] = {}
    if target:
        for i, line in enumerate(lines):
            if not line.heading and len(line.text) < len(title) // 2:
                continue  # cannot hold the headline; norm() on every line is costly
            n = norm(line.text)
            if n == target:
                found["heading" if line.heading else "line"] = i
                if line.heading:
                    break
            elif line.heading and n and (n in target or target in n):
                found.setdefault("h1" if line.tag == "h1" else "sub-heading", i)
    if not found.keys() & {"heading", "h1", "line"}:
        first_h1 = next((i for i, line in enumerate(lines) if line.tag == "h1"
                         and len(norm(line.text)) >= _MIN_HEADLINE_CHARS), None)
        if first_h1 is not None:
            found["first h1"] = first_h1
    index = next((found[k] for k in ("heading", "h1", "line", "first h1", "sub-heading")
                  if k in found), None)
    if index is None:
        return lines[:60]
    return lines[max(0, index - _WINDOW_BEFORE): index + _WINDOW_AFTER]


def _heading_above_dateline(lines: list[Line]) -> list[tuple[str, str]]:
    """On a page without an <h1>, the heading right above the first "发布时间 / 来源"
    line: older Chinese sites put the headline in an <h3>–<h5> there and give <title>
    the section's name ("新闻动态--中国地理学会官网")."""
    if any(line.tag == "h1" for line in lines):
        return []
    for i, line in enumerate(lines[:_DATELINE_SEARCH]):
        if len(line.text) > _MAX_BYLINE_LINE or not any(
                f.field in ("published", "source") for f in parse_byline(line.text)):
            continue
        for above in lines[max(0, i - 2):i][::-1]:
            if above.tag in _SUBHEADINGS:
                return [("heading above dateline", above.text)]
        return []
    return []


def _times(
    meta: PageMeta, near_title: list[BylineField], window: list[Line],
    root: lxml.html.HtmlElement, url: str | None, tz: tzinfo, opts: ExtractOptions,
) -> tuple[TimeChoice | None, TimeChoice | None]:
    now = opts.now
    cands = [(rule, raw, 0.9) for rule, raw in meta.published]
    cands += [(f"byline: {f.label}", f.value, 0.9) for f in near_title if f.field == "published"]
    cands += [("date on a byline line", raw, 0.75)
              for raw in unlabelled_dates([x.text for x in window], tz, now)]
    published = choose_time(cands, tz, now)
    if published is None:
        fallback = [("htmldate", raw, 0.6) for raw in [htmldate_guess(root, url)] if raw]
        fallback += [("date in URL", raw, 0.5) for raw in [url_date(url)] if raw]
        published = choose_time(fallback, tz, now)
    ucands = [(rule, raw, 0.85) for rule, raw in meta.updated]
    ucands += [(f"byline: {f.label}", f.value, 0.85) for f in near_title if f.field == "updated"]
    updated = choose_time(ucands, tz, now)
    return published, updated


def _dedupe_evidence(items: list[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for item in items:
        seen.setdefault(item.field, item)
    return list(seen.values())


def _subtitle(meta: PageMeta, title: TitleChoice | None, text: str) -> str | None:
    """A declared description that is not just the opening of the body or the title."""
    for _, value in meta.description:
        n = norm(value)
        if not n or (title and n == norm(title.value)) or n[:40] in norm(text[:400]):
            continue
        return value if len(value) <= 300 else None
    return None


def _shown_lead(
    meta: PageMeta, title: TitleChoice | None, text: str, window: list[Line]
) -> str | None:
    """The standfirst: a declared description the page also shows by the headline,
    which trafilatura's precision mode often leaves out (it sits in its own box above
    the body). It opens the body; a description the page does not show stays the
    subtitle."""
    lead = _subtitle(meta, title, text)
    if lead is None:
        return None
    key = norm(lead)
    return next((line.text for line in window if norm(line.text) == key), None)


def _not_article_reason(text: str, lines: list[Line], meta: PageMeta) -> str | None:
    chars = len(norm(text))
    if chars == 0:
        return "no article body found"
    if chars < _MIN_BODY_CHARS:
        return f"body too short to be an article ({chars} characters)"
    if meta.is_article:
        return None
    # An index page's "body" is a list of headlines: paragraphs that are each a link.
    link_texts = {norm(t) for line in lines for t, _ in line.links}
    paragraphs = [norm(p) for p in text.split("\n\n")]
    linked = sum(len(p) for p in paragraphs if p in link_texts)
    if linked * 2 >= chars and len(paragraphs) >= 5:
        return f"looks like an index page: {linked * 100 // chars}% of the body is link text"
    return None

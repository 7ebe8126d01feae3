"""Choosing the reader's language and formatting strings, dates and durations for it.

The language comes from `?lang=`, then the `lang` cookie the visible switch sets, then
`Accept-Language`, then Chinese (the archive's home language). Pure functions: the
handlers pass in what the request carried.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from babel import Locale as CldrLocale

from kuaizhao.web.messages import CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES, PLURAL_FORMS

LANG_COOKIE = "lang"

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")


def _accept_language(header: str) -> str | None:
    """The supported language the header prefers most (RFC 9110 q-values), if any."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:30]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES or quality <= 0:
            continue
        key = (quality, -position, primary)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


@functools.cache
def plural_rule(lang: str) -> Callable[[float], str]:
    """CLDR's plural category ("one", "other", …) of a number in `lang`."""
    rule: Callable[[float], str] = CldrLocale.parse(lang).plural_form
    return rule


def choose_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    for candidate in (query, cookie):
        if candidate and candidate.lower() in LANGUAGES:
            return candidate.lower()
    if accept:
        found = _accept_language(accept)
        if found:
            return found
    return DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Locale:
    """One reader's language, plus the zone bare capture times are shown in."""

    lang: str
    display_zone: tzinfo

    def text(self, key: str, /, **values: object) -> str:
        """The catalogue string, in the plural form that `count` (or `total`) calls for."""
        template = CATALOGUES[self.lang].get(key) or CATALOGUES[DEFAULT_LANGUAGE][key]
        number = values.get("count", values.get("total"))
        forms = PLURAL_FORMS[self.lang].get(key)
        if forms and isinstance(number, int) and not isinstance(number, bool):
            template = forms.get(plural_rule(self.lang)(number), template)
        return template.format(**values) if values else template

    def datetime_text(self, value: datetime | None, *, keep_zone: bool = False) -> str:
        """A full date and time with its UTC offset, the way each language writes it.

        `keep_zone` shows the time in the zone it carries (a publication time as the
        page stated it); otherwise it is shown in the archive's display zone.
        """
        if value is None:
            return ""
        local = value if keep_zone else value.astimezone(self.display_zone)
        offset = _offset(local)
        if self.lang == "zh":
            return f"{local:%Y-%m-%d %H:%M:%S} ({offset})"
        month = _EN_MONTHS[local.month - 1]
        return f"{local.day} {month} {local.year}, {local:%H:%M:%S} ({offset})"

    def date_text(self, value: datetime | None) -> str:
        """A short date and time for lists."""
        if value is None:
            return ""
        local = value.astimezone(self.display_zone)
        if self.lang == "zh":
            return f"{local:%Y-%m-%d %H:%M}"
        return f"{local.day} {_EN_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"

    def duration_text(self, delta: timedelta | None) -> str:
        """Publication-to-capture lag; empty when unknown or negative (clock skew)."""
        if delta is None or delta < timedelta(0):
            return ""
        minutes = int(delta.total_seconds() // 60)
        hours, minutes = divmod(minutes, 60)
        if hours >= 24 * 365:
            return self.text("lag_years", count=hours // (24 * 365))
        if hours >= 48:
            days, hours = divmod(hours, 24)
            return self.text("lag_dh", days=days, hours=hours)
        if hours:
            return self.text("lag_hm", hours=hours, minutes=minutes)
        return self.text("lag_m", minutes=minutes)


    def text_or(self, key: str, fallback: str, /, **values: object) -> str:
        """The catalogue string for a code the catalogue may not know (a newer reason)."""
        return self.text(key, **values) if key in CATALOGUES[self.lang] else fallback

    def seconds_text(self, seconds: float) -> str:
        """A span a person reads at a glance: seconds below two minutes, else h/min or d/h."""
        if seconds < 120:
            return self.text("admin_seconds", count=round(seconds))
        return self.duration_text(timedelta(seconds=seconds))


def _offset(value: datetime) -> str:
    delta = value.utcoffset()
    if delta is None:
        return "UTC"
    total = int(delta.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"

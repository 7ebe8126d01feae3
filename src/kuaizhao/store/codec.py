"""Article <-> JSON and datetime <-> database text, shared by every backend."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from kuaizhao.models import Article, Evidence, Image


def db_time(value: datetime) -> str:
    """UTC ISO 8601 with fixed width, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError("naive datetime reached the store; every time must carry a zone")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def db_time_or_none(value: datetime | None) -> str | None:
    return None if value is None else db_time(value)


def from_db_time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def article_to_json(article: Article) -> str:
    return json.dumps(asdict(article), ensure_ascii=False, default=_default)


def article_from_json(text: str) -> Article:
    data = json.loads(text)
    known = {f.name for f in fields(Article)}
    data = {k: v for k, v in data.items() if k in known}
    for key in ("published_at", "updated_at"):
        if data.get(key):
            data[key] = datetime.fromisoformat(data[key])
    for key in ("author", "captions", "keywords"):
        data[key] = tuple(data.get(key) or ())
    data["images"] = tuple(Image(**i) for i in data.get("images") or ())
    data["evidence"] = tuple(Evidence(**e) for e in data.get("evidence") or ())
    return Article(**data)

"""Every route of the app with its path parameters filled in: for the tests that walk
the whole site (hostile path values, HEAD)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import FastAPI
from starlette.routing import Route

_PARAM = re.compile(r"\{([a-z_]+)(?::path)?\}")


def routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route the app answers."""
    for route in app.state.routes:
        assert isinstance(route, Route)
        for method in sorted(route.methods or ()):
            yield method, route.path


def fill(template: str, values: dict[str, str], default: str) -> str:
    """The template with each `{name}` replaced by `values[name]`, else by `default`."""
    return _PARAM.sub(lambda m: values.get(m.group(1), default), template)

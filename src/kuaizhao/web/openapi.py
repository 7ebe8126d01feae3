"""The OpenAPI document, made to say exactly what the handlers accept and answer.

Handlers take parameters as text and parse them in `web/params.py` (for messages that
say what to send); FastAPI would therefore describe every one as an optional string.
This table says what the parsers really accept — integers and their ranges, required
parameters, enums, patterns — so a client generated from the document, or schemathesis,
sends only what the server takes. Validation errors are 400 `{"error", "status"}`
(`web/error_pages.py`), never FastAPI's 422; an operation with a path parameter can
answer 404. `tests/web/test_web_openapi.py` runs schemathesis against the result.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kuaizhao.store.search_filters import MAX_OFFSET as MAX_SEARCH_OFFSET
from kuaizhao.takedown.workflow import Action
from kuaizhao.web import params
from kuaizhao.web.versions import KINDS

# Printable text with at least one non-space character (params.query refuses control
# characters and, once stripped, empty text).
_TEXT = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$"
# An absolute http(s) URL with a host, as `highlight.http_url` takes it: no control
# characters or spaces, any user info and port (a port out of range finds nothing).
_URL = (r"^[Hh][Tt][Tt][Pp][Ss]?://([^\u0000-\u0020\u007f/?#@]*@)?"
        r"[^\u0000-\u0020\u007f/?#@:\[\]]+(:[0-9]{0,5})?([/?#][^\u0000-\u0020\u007f]*)?$")
_ID = {"type": "string", "pattern": r"^[0-9]{1,19}$",
       "description": "a whole number; one that names nothing answers 404"}

QUERY: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": params.MAX_LIMIT},
    "offset": {"type": "integer", "minimum": 0, "maximum": params.MAX_OFFSET},
    "page": {"type": "integer", "minimum": 1, "maximum": params.MAX_PAGE},
    "sort": {"type": "string", "enum": list(params.SORTS)},
    "since": {"type": "string", "format": "date"},
    "until": {"type": "string", "format": "date"},
    "category": {"type": "string", "maxLength": 200, "pattern": r"^[^\u0000-\u001f]*$"},
    "source": {"type": "string", "maxLength": 200, "pattern": r"^[^\u0000-\u001f]*$"},
    "q": {"type": "string", "minLength": 1, "maxLength": params.MAX_QUERY_CHARS,
          "pattern": _TEXT},
    "url": {"type": "string", "maxLength": params.MAX_URL_CHARS, "pattern": _URL},
    "kind": {"type": "string", "enum": list(KINDS)},
    "snapshot": {"type": "string", "description": "a snapshot id to name in the answer; "
                                                  "anything else is ignored"},
}
PATH: dict[str, dict[str, Any]] = {
    **dict.fromkeys(("snapshot_id", "other", "story_id", "sub_id", "token_id", "user_id",
                     "request_id", "subscription_id"), _ID),
    "url": {"type": "string", "maxLength": params.MAX_URL_CHARS, "pattern": _URL},
    "action": {"type": "string", "enum": [a.value for a in Action]},
}
# Listings served by the search backend page no further than it does.
SEARCH_PAGED = ("/api/v1/search", "/api/v1/categories/{name}", "/api/v1/sources/{name}")
# Query parameters an operation refuses to go without (400 names them).
REQUIRED = {("/api/v1/search", "q"), ("/api/v1/lookup", "url")}
# Parameters `params` strips before asking whether they are empty.
BLANK_IS_EMPTY = {"since", "until", "category", "source"}
_BLANK = {"type": "string", "pattern": r"^\s*$"}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def exact(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` (FastAPI's document) corrected in place as described above."""
    for path, operations in doc.get("paths", {}).items():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                table = QUERY if parameter["in"] == "query" else PATH
                if parameter["name"] in table:
                    parameter["schema"] = dict(table[parameter["name"]])
                if parameter["name"] == "offset" and path in SEARCH_PAGED:
                    parameter["schema"]["maximum"] = MAX_SEARCH_OFFSET
                if parameter["in"] == "query":
                    parameter["required"] = (path, parameter["name"]) in REQUIRED
                    if not parameter["required"] and parameter["name"] in QUERY:
                        # `?limit=` is `limit` left out, as HTML forms send empty fields
                        empty = (_BLANK if parameter["name"] in BLANK_IS_EMPTY
                                 else {"enum": [""]})
                        parameter["schema"] = {"anyOf": [parameter["schema"], empty],
                                               "description": "empty means left out"}
            responses = operation["responses"]
            responses.pop("422", None)
            if parameters or "requestBody" in operation:
                responses.setdefault("400", {"description": "a parameter or the body is "
                                                            "malformed", "content": _ERROR})
            if any(p["in"] == "path" for p in parameters):
                responses.setdefault("404", {"description": "nothing there",
                                             "content": _ERROR})
    schemas = doc.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return doc


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = exact(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

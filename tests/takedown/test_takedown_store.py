"""The store side: the SQL marker agrees with `scopes.covers` (for rows marked by
`apply_takedowns` and by the insert trigger), embargoes end, the CLI drives it all."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuaizhao.cli.main import main
from kuaizhao.models import WarcPointer
from kuaizhao.store import SqliteStore, Store, open_url
from kuaizhao.store.base import NewCapture
from kuaizhao.store.takedown_rows import (
    NewRequest,
    Origin,
    ReasonCategory,
    Relationship,
    Scope,
    State,
)
from kuaizhao.takedown.scopes import covers, make_scope
from kuaizhao.takedown.service import decide, expire, operator_remove, submit
from kuaizhao.takedown.workflow import Action

T0 = datetime(2025, 1, 1, tzinfo=UTC)
_n = itertools.count(1)
URLS = ["https://a.example/x/1.html", "https://a.example/x/2.html", "https://a.example/y/1",
        "https://b.example/x/1.html"]


def add(store: Store, url: str, source_id: int, when: datetime, digest: str) -> int:
    n = next(_n)
    with store.transaction():
        return store.add_capture(NewCapture(
            url=url, source_id=source_id, captured_at=when, status=200,
            content_type="text/html", response=WarcPointer("f.warc.gz", n * 10, 5),
            request=None, record_id=f"urn:uuid:{n}", payload_digest=digest,
            is_revisit=False, etag=None, last_modified=None))


def fill(store: Store) -> list[tuple[int, str, str, datetime, str]]:
    with store.transaction():
        sources = {"A": store.upsert_source("A", None, "{}"),
                   "B": store.upsert_source("B", None, "{}")}
    rows = []
    for i, url in enumerate(URLS):
        for day in (0, 40):
            name = "A" if "a.example" in url else "B"
            when, digest = T0 + timedelta(days=day), f"sha1:{i}{day % 3}"
            rows.append((add(store, url, sources[name], when, digest), url, name, when, digest))
    return rows


SCOPES = [
    make_scope("url", URLS[0]),
    make_scope("prefix", "https://a.example/x/"),
    make_scope("source", "B"),
    make_scope("snapshot", URLS[2], payload_digest="sha1:21"),
    make_scope("prefix", "https://a.example/", captured_from=T0 + timedelta(days=10)),
    make_scope("url", URLS[1], captured_until=T0 + timedelta(days=10)),
]


def marked(store: Store) -> dict[int, bool]:
    return {r[0]: bool(r[1]) for r in store._all("SELECT id, removed FROM captures")}


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.kind.value)
def test_sql_marker_equals_python_covers(database_url: str, scope: Scope) -> None:
    store = open_url(database_url)
    rows = fill(store)
    request_id, _ = operator_remove(store, scope, reason="r", category=ReasonCategory.OTHER,
                                    actor="t", now=T0)
    want = {cid: covers(scope, url=u, source_name=s, captured_at=w, payload_digest=d)
            for cid, u, s, w, d in rows}
    assert any(want.values())
    assert marked(store) == want
    later = fill(store)  # inserted while the removal is active: the trigger marks them
    got = marked(store)
    for cid, u, s, w, d in later:
        assert got[cid] == covers(scope, url=u, source_name=s, captured_at=w, payload_digest=d)
    decide(store, request_id, Action.RESTORE, actor="t", note="undo", now=T0)
    assert not any(marked(store).values())
    store.close()


def test_embargo_ends_by_itself(database_url: str) -> None:
    store = open_url(database_url)
    fill(store)
    scope = make_scope("prefix", "https://a.example/", embargo_until=T0 + timedelta(days=5))
    request_id, _ = operator_remove(store, scope, reason="embargo", actor="t",
                                    category=ReasonCategory.LEGAL_ORDER, now=T0)
    assert any(marked(store).values())
    assert expire(store, T0 + timedelta(days=4)) == []
    assert expire(store, T0 + timedelta(days=5)) == [request_id]
    assert not any(marked(store).values())
    assert store.takedown_request(request_id).state is State.RESTORED
    assert store.takedown_audit(request_id)[0].action == "embargo_ended"
    store.close()


def test_cli_list_show_approve_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    store = SqliteStore.open(home / "kuaizhao.sqlite3")
    fill(store)
    sent = submit(store, NewRequest(
        origin=Origin.PUBLIC, reason_category=ReasonCategory.PRIVACY, reason="my address",
        requester_name="Z", requester_contact="z@example.org", relationship=Relationship.SUBJECT,
        good_faith=True, urls=(URLS[3],)), T0)
    store.close()
    base = ["--home", str(home)]
    assert main([*base, "takedown", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [sent.request_id]
    assert main([*base, "takedown", "approve", str(sent.request_id)]) == 2  # no --note
    assert "say why" in capsys.readouterr().err
    assert main([*base, "takedown", "approve", str(sent.request_id), "--note", "ok"]) == 0
    assert "is now removed: 0 snapshots hidden" in capsys.readouterr().out
    assert main([*base, "takedown", "show", str(sent.request_id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [a["action"] for a in shown["audit"]] == ["submit", "approve"]
    assert shown["audit"][1]["actor"].startswith("cli")
    assert main([*base, "takedown", "remove", "--source", "A", "--reason", "asked"]) == 0
    assert main([*base, "takedown", "list"]) == 0
    assert "no open requests" in capsys.readouterr().out
    assert main([*base, "takedown", "purge"]) == 2
    assert "--yes" in capsys.readouterr().err
    store = SqliteStore.open(home / "kuaizhao.sqlite3")
    assert all(marked(store).values())
    store.close()

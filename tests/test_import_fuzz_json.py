"""Fuzzed expect JSON documents: whatever a document holds, `import` either restores it or
refuses it with one line (exit 2) writing nothing, and every view of what it restored works.
Exit status 70 (a bug) never happens.

The documents start from a real export — several clients, look-alike promises, moves, a
delivery, a release and a reopen, edits, a rename, a merge, feedback, undos, and asks (one
received that paused a promise, one waiting, one undone) — and each example changes one to
three things in it (or, in the asks' own test, one to three things of the asks and of the
events that name them): a value set to something hostile (wrong types,
ids out of range, dates in year 1 or 9999, unknown kinds, markup, escapes, bidi controls,
lone surrogates), a key removed, a list item doubled or dropped.
"""

from __future__ import annotations

import copy
import json
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import Cli, fresh_ledger
from test_restore_json import build

HOSTILE = [
    None, 0, -1, 1, 2, 3, 7, 2**53, 2**63, 1.5, float("inf"), True, False, "", " ", "abc", "7",
    "\x1b[2J\x1b[31mred", "[bold red]markup[/bold red]", "\u202eevil\u202c", "\ud800", "a\x00b", "x" * 2000,
    "9999-12-31T23:59:00-12:00", "0001-01-01T00:00:00+14:00", "1970-01-01T00:00:00+14:00",
    "2199-12-31T23:00:00-12:00", "2026-11-20T17:00:00", "2026-11-20T17:00:00Z", "2026-02-30T10:00:00+01:00",
    "Mars/Base", "Europe/Berlin", "25:00-26:00", "09:00-17:00", "XX", "DE-BY", "4h", "1bd", "none",
    "voided", "promised", "delivered", "moved", "feedback", "terms", "merged", "renamed", "edited",
    "acme", "globex-uk", "initech", "ACME", "deliverable", "errand",
    "asked", "received", "paused", "resumed", "waiting", "bd", 6, 7, 8, 9,
    [], {}, [1, 2], ["sales", "sales"], {"client": [1, 99]}, '{"client": [1, 2]}', '{"from": "a", "to": "b"}',
    '{"timezone": "Mars/Base"}', '{"into_id": 1, "events": [999]}', "[1, 2]", "{",
]  # fmt: skip


def paths(value, prefix=()):
    """Every place in a JSON value: (path, container?)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from paths(item, (*prefix, n))


def at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


OFFSETS = st.sampled_from(["Z", "+01:00", "-12:00", "+14:00", "+05:45"])


def like(value):
    """Another value of the sort of `value`: a time for a time, text for text, a small
    number for a number."""
    if isinstance(value, str) and len(value) > 18 and value[4:5] == "-" and value[10:11] == "T":
        moments = st.datetimes(min_value=datetime(1969, 12, 30), max_value=datetime(2200, 1, 2))
        return st.builds(lambda moment, offset: moment.replace(microsecond=0).isoformat() + offset, moments, OFFSETS)
    if isinstance(value, str):
        return st.text(min_size=1, max_size=20)
    if isinstance(value, int) and not isinstance(value, bool):
        return st.integers(0, 45)
    return st.sampled_from(HOSTILE)


def about_asks(path: tuple) -> bool:
    """A place in an ask, or in a promise's event naming one."""
    return path[:1] == ("asks",) or "ask" in path


@st.composite
def mutated(draw, base: dict, where=lambda path: True):
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        places = [path for path in paths(doc) if path and where(path)] or [path for path in paths(doc) if path]
        path = draw(st.sampled_from(places))
        parent, key = at(doc, path[:-1]), path[-1]
        action = draw(st.sampled_from(["set", "set", "like", "like", "like", "delete", "double", "text"]))
        if action == "like":  # a value of the same sort, often one the document may hold
            parent[key] = draw(like(parent[key]))
        elif action == "set":
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
        elif action == "text":
            parent[key] = draw(st.text(max_size=12))
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):  # double a list item: the same ids twice
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
    return doc


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("fuzz-source")
    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n')
    with pytest.MonkeyPatch.context() as monkeypatch, fresh_ledger(folder) as location:
        return build(Cli(location, config), monkeypatch).json("export")


VIEWS = [
    ["list", "--all"], ["list", "--all", "--json"], ["due"], ["due", "--count"], ["show", "1"], ["show", "2"],
    ["show", "4", "--json"], ["log", "--limit", "50"], ["report", "--last-week"], ["report", "--month", "--json"],
    ["brief", "acme"], ["brief", "globex-uk"], ["brief", "acme", "--json"], ["report", "--month", "--format", "csv"],
    ["report", "--month", "--format", "markdown"], ["client", "list"], ["client", "show", "acme"], ["export"],
    ["export", "--format", "csv"], ["export", "--format", "ics"],
]  # fmt: skip


def import_and_look(base: dict, doc: dict, fuzzed: bool = True) -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        config = folder / "config.toml"
        config.write_text('timezone = "Pacific/Kiritimati"\n')  # the far east: dates near the edges shift most
        with fresh_ledger(folder) as location:
            cli = Cli(location, config)
            empty = cli.ok("export").stdout.split("\n", 4)[4]  # after "exported_at"
            path = folder / "doc.json"
            path.write_text(json.dumps(doc))  # ASCII: a lone surrogate travels as its escape
            out = cli("import", str(path), "--from", "expect")
            assert out.exit_code in (0, 2), out.stderr
            if fuzzed:
                event("restored" if out.exit_code == 0 else "refused")
            if out.exit_code == 2:
                assert len(out.stderr.splitlines()) == 1, out.stderr
                assert cli.ok("export").stdout.split("\n", 4)[4] == empty  # nothing written
                return
            assert cli("db", "check").exit_code == 0
            for view in VIEWS:
                seen = cli(*view)
                assert seen.exit_code in (0, 1, 2), (view, seen.stderr)
                assert "internal error" not in seen.stderr, (view, seen.stderr)
            again = folder / "again.json"
            again.write_text(cli.ok("export").stdout)
            assert cli.ok("import", str(again)).stdout.startswith("Added 0 promises")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_documents_are_restored_or_refused_never_a_crash(base, data):
    import_and_look(base, data.draw(mutated(base)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_asks_are_restored_or_refused_never_a_crash(base, data):
    assert [a["id"] for a in base["asks"]] == [6, 7, 8]
    import_and_look(base, data.draw(mutated(base, about_asks)))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_many_fuzzed_documents(base, data):
    import_and_look(base, data.draw(mutated(base)))


def test_the_unchanged_document_restores_and_every_view_works(base):
    import_and_look(base, base, fuzzed=False)

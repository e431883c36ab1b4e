"""`list` reads only what it shows (`Queries.each_listed`: SQL works out the outcome and the
break point) and `due`, `search` and the rest show whole promises (`promise_table`): the two
must give the same rows, in a pipe and on a terminal, for every kind of promise."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, postgres_only, sqlite_only
from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.queries import Queries
from expectcli.storage.store import open_store
from expectcli.views import output, tables

EARLIER = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def varied(cli):
    """Promises of every outcome, moved in time and too late, recurring, tagged, with hostile
    and non-ASCII text, for clients with non-ASCII handles."""
    kept = cli.promise("Kept one", due="2026-11-20", now=EARLIER)
    cli.ok("done", str(kept), "--at", "2026-11-19T10:00:00+01:00")
    late = cli.promise("Late one", due="2026-11-17", now=EARLIER)
    cli.ok("done", str(late))
    moved_late = cli.promise("Moved after its deadline", due="2026-11-17", now=EARLIER)
    cli.ok("move", str(moved_late), "2026-12-10", "--reason", "more time")
    moved = cli.promise("Moved in time", due="fri", tag="web")
    cli.ok("move", str(moved), "dec 4", "--reason", "client asked")
    released = cli.promise("Released one", due="dec 1")
    cli.ok("release", str(released), "--reason", "not needed")
    cli.ok("promise", "Missed one", "--to", "müller-gmbh", "--due", "2026-11-18", "--new-client", now=EARLIER)
    cli.promise("Fix \x1b[31mred\x1b[0m \u202eevil", due="today", tag="urgent")
    cli.promise("Angebot für Müller 漢字", due="tomorrow", to="müller-gmbh")
    cli.promise("Weekly report", due="fri 16:00", every="1w")
    cli.promise("Due this very minute", due="2026-11-25T10:00:00+01:00")
    cli.promise("Standup notes", due="mon 9:00", every="1w", tag="team")
    waiting = cli.promise("Send the draft", due="fri")
    cli.ok("ask", "acme", "the signed SOW", "--by", "thu 17:00", "--blocks", str(waiting))
    return cli


def drawn(cli, listed: bool, width: int | None, colour: bool, **selection) -> str:
    now = int(datetime.fromisoformat(NOW).timestamp())
    settings = Settings(timezone="Europe/Berlin")
    queries = Queries(open_store(cli.location), now)
    buffer = io.StringIO()
    out = output.Output(buffer)
    out.colour, out.width = colour, width
    if listed:
        handles, rows = queries.each_listed(**selection)
        tables.listed_table(out, rows, settings, now, handles)
    else:
        tables.promise_table(out, queries.each_promise(**selection), settings, now)
    return buffer.getvalue()


def test_list_rows_are_the_rows_of_whole_promises(varied):
    for width, colour in [(None, False), (None, True), (80, True), (44, False)]:
        for selection in [{}, {"include_settled": True}, {"outcome": "missed"}, {"tags": ["web"]}]:
            shown = drawn(varied, True, width, colour, **selection)
            assert shown == drawn(varied, False, width, colour, **dict(selection)), (width, colour, selection)
            assert shown.count("\n") > 1


def test_the_list_shows_each_kind_of_promise_as_before(varied):
    lines = varied.ok("list", "--all").stdout.splitlines()

    def row(title: str) -> str:
        (found,) = [line for line in lines if title in line]
        return found

    assert "overdue" in row("Moved after its deadline") and " missed " in row("Moved after its deadline")
    assert " late " in row("Late one") and "overdue" not in row("Late one")
    assert " kept " in row("Kept one") and " released " in row("Released one")
    assert row("Weekly report").endswith("Weekly report  ↻ 1w")
    assert row("evil").endswith("Fix \\x1b[31mred\\x1b[0m \\u202eevil  +urgent")
    assert "in 1 min" in row("Due this very minute") and "müller-gmbh" in row("Angebot für Müller 漢字")
    assert row("Moved in time").endswith("+web")
    assert row("Standup notes").endswith("Standup notes  ↻ 1w  +team") and "in 5 days" in row("Standup notes")
    assert " paused " in row("Send the draft") and " open " in row("Send the draft")


@postgres_only("a server-side cursor")
def test_a_listing_on_a_server_streams_from_a_server_side_cursor(cli):
    for n in range(3):
        cli.promise(f"P{n}", due="fri")
    store = open_store(cli.location)
    with store.read() as tx:
        result = tx.stream("SELECT id FROM promise ORDER BY id")
        assert result.context.cursor.__class__.__name__ == "ServerCursor"
        assert [row[0] for row in result] == [1, 2, 3]
    store.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-3 * 86400, 400 * 86400) | st.integers(-7200, 3 * 7200), min_size=1, max_size=80),
       st.integers(0, 86399))  # fmt: skip
def test_each_rows_due_and_note_are_those_of_the_time_functions(offsets, now_offset):
    """`listed_rows` does `Clock.short`'s arithmetic itself and keeps the texts of the row
    before (by due, by break point, by half hour to go): every row still reads as
    `timefmt.short` and `timefmt.relative` say, in due order or not."""
    _rows_read_as_the_time_functions_say(sorted(offsets), now_offset)
    _rows_read_as_the_time_functions_say(offsets, now_offset)


def test_notes_either_side_of_where_they_round():
    half_day = 43200
    _rows_read_as_the_time_functions_say([60, 1900, 3500, 3599, 3600, 3601, 5399, 5400, 5401, 7199, 7260, 9000, 9060, 10000,
                                          3 * half_day - 60, 3 * half_day, 3 * half_day + 60, 5 * half_day, 5 * half_day + 60, 27 * half_day + 1,
                                          -60, -5400, -3 * half_day, 9000, 9060, 3600, 9060, 9000], 0)  # fmt: skip


def _rows_read_as_the_time_functions_say(offsets: list[int], now_offset: int) -> None:
    now = int(datetime.fromisoformat(NOW).timestamp()) + now_offset
    settings_ = Settings(timezone="Europe/Berlin")
    dues = [now + offset for offset in offsets]  # in due order as `list` gives them, or in any other
    rows = [(n, "T", "acme", due, "open" if due >= now else "missed", None if due >= now else due, None)
            for n, due in enumerate(dues)]  # fmt: skip
    for (cells, _), due in zip(tables.listed_rows(rows, settings_, now), dues, strict=True):
        assert cells[1] == timefmt.short(due, settings_, now)
        expected = timefmt.relative(due, now) if due >= now else f"{timefmt.span(now - due)} overdue"
        assert cells[2] == expected, (due - now, cells[2])


def _listing_plans(cli, monkeypatch, *args: str) -> list[str]:
    """SQLite's plan of each query over `promise p` that `expect list ARGS` runs."""
    import contextlib
    import sqlite3

    from expectcli.storage.store import Tx

    asked: list[tuple[str, dict]] = []
    execute = Tx.execute

    def recording(self, sql, params=None):
        asked.append((sql, dict(params or {})))
        return execute(self, sql, params)

    monkeypatch.setattr(Tx, "execute", recording)
    cli.ok("list", *args)
    monkeypatch.undo()
    listings = [(sql, params) for sql, params in asked if "ORDER BY p.due, p.id" in sql]
    assert len(listings) == 1, asked
    with contextlib.closing(sqlite3.connect(cli.path)) as connection:
        return [row[3] for sql, params in listings for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]


@sqlite_only("the index promise_listed")
def test_the_open_list_is_read_from_one_index_already_sorted(varied, monkeypatch):
    """Schema step 0011: the promises in hand, in due order, with every column `list` shows.
    The open list (and `--due-before`) reads that index alone, with no sort and no client
    looked up per row; a condition the index does not hold (a tag) reads the table through."""
    for args in [(), ("--due-before", "fri")]:
        plans = _listing_plans(varied, monkeypatch, *args)
        (plan,) = plans
        assert plan.split(" (")[0].endswith("p USING COVERING INDEX promise_listed"), (args, plans)
    plans = _listing_plans(varied, monkeypatch, "--tag", "web")
    assert plans[0] == "SCAN p" and "USE TEMP B-TREE FOR ORDER BY" in plans, plans


@sqlite_only("the index promise_listed")
def test_a_ledger_without_the_list_index_lists_the_same(varied):
    """An index dropped by hand is no bug to trip on: the list reads the table instead."""
    import contextlib
    import sqlite3

    before = [varied.ok("list", *args).stdout for args in [(), ("--due-before", "fri")]]
    with contextlib.closing(sqlite3.connect(varied.path)) as connection:
        connection.execute("DROP INDEX promise_listed")
        connection.commit()
    assert [varied.ok("list", *args).stdout for args in [(), ("--due-before", "fri")]] == before
    assert "Angebot für Müller 漢字" in before[0]


def test_a_renamed_client_is_listed_by_its_new_handle(varied):
    varied.ok("client", "rename", "müller-gmbh", "mueller")
    lines = varied.ok("list").stdout.splitlines()
    (row,) = [line for line in lines if "Angebot für Müller 漢字" in line]
    assert " mueller " in row and "müller-gmbh" not in varied.ok("list").stdout

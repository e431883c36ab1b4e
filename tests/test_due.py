"""`expect due`: sections (overdue, at risk, due soon, updates owed), one rule for the view and
its count, at most `--limit` rows per section then how many more, and `--all`."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import NOW, ON_POSTGRES, Cli, fresh_ledger

MON = "2026-11-23T09:00:00+01:00"


def sections(view: dict) -> dict[str, list[str]]:
    return {name: [p["title"] for p in view[name]] for name in ("overdue", "at_risk", "due")}


def due(cli: Cli, *args: str, now: str = NOW):
    out = cli("due", *args, now=now)
    assert out.exit_code in (0, 1), out.stderr
    return out


# --- issue 12: a broken promise stays overdue until delivered or released -------------------


def test_a_broken_promise_stays_in_due_after_a_late_move_to_a_date_outside_the_window(cli):
    """Issue 12: "A broken promise disappears from due once a late move gives it a date outside
    the window, though it is still `missed` in `list`." """
    pid = cli.promise("Draft report", due="2026-11-23 17:00", now=MON)
    cli.ok("move", str(pid), "2026-12-04 17:00", "--reason", "forgot to ask", now="2026-11-24T09:00:00+01:00")
    assert cli.json("show", str(pid))["outcome"] == "missed"

    shown = due(cli)
    assert shown.exit_code == 1
    assert "Overdue (1)" in shown.stdout
    row = next(line for line in shown.stdout.splitlines() if "Draft report" in line)
    assert row.lstrip().startswith(f"{pid} ") and "missed" in row
    assert "2 days overdue" in row  # from the break point, Mon 23 Nov 17:00, not from the new date
    counted = due(cli, "--count")
    assert (counted.exit_code, counted.stdout) == (1, "1 overdue\n")
    view = due(cli, "--json").json()
    assert sections(view) == {"overdue": ["Draft report"], "at_risk": [], "due": []}
    assert view["counts"] == {"overdue": 1, "at_risk": 0, "due": 0, "asks_late": 0, "updates_overdue": 0}
    # still there after the window would have reached the new date, and on the new date itself
    assert due(cli, "--count", now="2026-12-04T18:00:00+01:00").stdout == "1 overdue\n"


def test_an_overdue_promise_leaves_due_when_delivered_or_released(cli):
    first = cli.promise("Delivered late", due="2026-11-23 17:00", now=MON)
    second = cli.promise("Released late", due="2026-11-23 17:00", now=MON)
    assert due(cli, "--count").stdout == "2 overdue\n"
    cli.ok("done", str(first))
    assert due(cli, "--count").stdout == "1 overdue\n"
    cli.ok("release", str(second), "--reason", "no longer needed")
    assert cli.json("show", str(second))["outcome"] == "missed"  # a late release does not un-break it
    assert (due(cli, "--count").stdout, due(cli).exit_code) == ("", 0)


# --- bounded sections ------------------------------------------------------------------


def test_each_section_shows_at_most_limit_rows_then_how_many_more(cli):
    for n in range(23):
        cli.promise(f"Late {n:02d}", due="2026-11-24 12:00", now=MON)
    for n in range(4):
        cli.promise(f"Soon {n}", due="2026-11-26 12:00")
    shown = due(cli).stdout
    assert "Overdue (23)" in shown and "Due within 2d (4)" in shown
    assert sum(1 for line in shown.splitlines() if "Late " in line) == 20
    assert "and 3 more — `expect list --status missed`" in shown
    assert sum(1 for line in shown.splitlines() if "Soon " in line) == 4

    few = due(cli, "--limit", "2").stdout
    assert sum(1 for line in few.splitlines() if "Late " in line) == 2
    assert "and 21 more — `expect list --status missed`" in few
    assert "and 2 more — `expect list --due-before 'Fri 27 Nov 10:00'`" in few
    assert "Late 00" in few and "Late 01" in few  # the most overdue first (then by id)

    everything = due(cli, "--all").stdout
    assert sum(1 for line in everything.splitlines() if "Late " in line) == 23 and "more —" not in everything

    view = due(cli, "--limit", "5", "--json").json()
    assert [len(view[name]) for name in ("overdue", "at_risk", "due")] == [5, 0, 4]
    assert view["counts"] == {"overdue": 23, "at_risk": 0, "due": 4, "asks_late": 0, "updates_overdue": 0}
    assert view["limit"] == 5 and view["within"] == "2d"
    assert due(cli, "--count").stdout == "23 overdue, 4 due\n"


def test_the_overdue_are_ordered_from_their_break_points_across_late_moves_and_passed_dates(cli):
    """The most overdue first, from the break point: a promise broken by a late move (its
    date now ahead) and promises whose date simply passed, interleaved, with a limit."""
    first = cli.promise("Passed Tue", due="2026-11-24 17:00", now=MON)
    moved = cli.promise("Broken Mon, moved late", due="2026-11-23 12:00", now=MON)
    cli.ok("move", str(moved), "2026-12-10 17:00", "--reason", "forgot", now="2026-11-23T15:00:00+01:00")
    third = cli.promise("Passed Mon", due="2026-11-23 14:00", now=MON)
    fourth = cli.promise("Passed Tue too", due="2026-11-24 17:00", now=MON)
    view = due(cli, "--json").json()
    assert [p["id"] for p in view["overdue"]] == [moved, third, first, fourth]
    assert [p["id"] for p in due(cli, "--json", "--limit", "2").json()["overdue"]] == [moved, third]
    assert [p["id"] for p in due(cli, "--json", "--limit", "1").json()["overdue"]] == [moved]
    assert due(cli, "--count").stdout == "4 overdue\n"


@pytest.mark.skipif(ON_POSTGRES, reason="the plans asked of SQLite (PostgreSQL plans by its statistics)")
def test_the_counts_and_first_rows_read_an_index_not_every_promise(tmp_path, monkeypatch):
    """`due --count` runs before every prompt line: each section is counted from the index of
    the promises in hand (`promise_in_hand`), never by reading the promise table through, and
    `due` finds each section's first rows through it."""
    import sqlite3

    from expectcli.core import due as due_rule
    from expectcli.core.config import Settings
    from expectcli.core.ledger import open_ledger
    from expectcli.storage.store import Tx

    asked: list[tuple[str, dict]] = []
    execute = Tx.execute

    def recording(self, sql, params=None):
        asked.append((sql, dict(params or {})))
        return execute(self, sql, params)

    with fresh_ledger(tmp_path) as location:
        ledger = open_ledger(location, 1_795_000_000)
        try:
            monkeypatch.setattr(Tx, "execute", recording)
            due_rule.due_counts(ledger, Settings(), 1_795_100_000)
            due_rule.due_view(ledger, Settings(), 1_795_100_000, limit=20)
        finally:
            monkeypatch.undo()
            ledger.store.close()
        reads = [(sql, params) for sql, params in asked if "FROM promise p" in sql]
        assert len(reads) >= 2
        with contextlib.closing(sqlite3.connect(location)) as connection:
            plans = [row[3] for sql, params in reads for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]
    on_promise = [plan for plan in plans if plan.split(" ")[1:2] == ["p"]]
    assert all(plan.startswith("SEARCH p USING ") and "INDEX" in plan for plan in on_promise), plans
    # the four counts (two parts of the overdue) and the rows of the three sections
    assert sum("INDEX promise_in_hand (state=? AND outcome=?" in plan for plan in on_promise) >= 7, plans


def test_the_more_line_keeps_the_client(cli):
    for n in range(3):
        cli.promise(f"Late {n}", to="globex", due="2026-11-24 12:00", now=MON)
    shown = due(cli, "--client", "globex", "--limit", "1").stdout
    assert "and 2 more — `expect list --status missed --client globex`" in shown


def test_a_bad_limit_is_refused(cli):
    for value in ("0", "-1", "x"):
        out = cli("due", "--limit", value)
        assert out.exit_code == 2 and "--limit takes a whole number" in out.stderr, value


def test_updates_owed_is_a_section_of_its_own(cli):
    cli.ok("client", "terms", "globex", "--update-every", "1w", now="2026-11-10T09:00:00+01:00")
    cli.promise("Globex later", to="globex", due="dec 20", now="2026-11-10T09:00:00+01:00")
    shown = due(cli)
    assert shown.exit_code == 1 and "Status update owed to globex" in shown.stdout
    view = due(cli, "--json").json()
    assert [u["client"] for u in view["updates_owed"]] == ["globex"] and view["counts"]["updates_overdue"] == 1
    assert due(cli, "--count").stdout == "1 update owed\n"


# --- one rule: the count is the rows, over random ledgers ----------------------------------

OFFSETS = st.integers(-72, 96)  # hours from now


@pytest.fixture
def make_cli(tmp_path, config_file):
    """A new, empty ledger for each call (each hypothesis example)."""
    with contextlib.ExitStack() as stack:

        def make() -> Cli:
            folder = tmp_path / f"ledger{len(made)}"
            folder.mkdir()
            location = stack.enter_context(fresh_ledger(folder))
            cli = Cli(location, config_file)
            made.append(cli)
            return cli

        made: list[Cli] = []
        yield make


@st.composite
def ledgers(draw):
    """Promises made before now, due some hours around it, some moved (in time or late),
    some delivered or released."""
    plan = []
    for _ in range(draw(st.integers(0, 7))):
        due_at = draw(OFFSETS)
        action = draw(st.sampled_from(["none", "move", "done", "release"]))
        plan.append((due_at, action, draw(OFFSETS), draw(st.integers(1, 60))))
    within = draw(st.sampled_from(["4h", "1d", "2d", "1w", "1bd"]))
    return plan, within, draw(st.integers(1, 4))


def at(hours: int) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(NOW) + timedelta(hours=hours)).isoformat()


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledgers())
def test_the_count_is_always_the_rows_due_lists(make_cli, plan_within_limit):
    plan, within, limit = plan_within_limit
    cli = make_cli()
    made = at(-100)
    for n, (due_at, action, new_due, acted) in enumerate(plan):
        pid = cli.promise(f"P{n}", due=at(due_at), now=made)
        hours = min(-1, due_at + acted // 20 - 2)  # sometimes before the deadline, sometimes after
        when = at(hours)
        if action == "move":  # to a date inside or outside the window (another than the one in force)
            target = max(new_due, hours + 1)
            cli.ok("move", str(pid), at(target + (target == due_at)), "--reason", "r", now=when)
        elif action == "done":
            cli.ok("done", str(pid), now=when)
        elif action == "release":
            cli.ok("release", str(pid), "--reason", "r", now=when)
    view = due(cli, "--within", within, "--all", "--json").json()
    counted = due(cli, "--within", within, "--count", "--json").json()
    assert {name: len(view[name]) for name in ("overdue", "at_risk", "due")} == {
        name: counted[name] for name in ("overdue", "at_risk", "due")
    }
    assert view["counts"] == {
        key: counted[key] for key in ("overdue", "at_risk", "due", "asks_late", "updates_overdue")
    }
    listed = {p["id"]: p["outcome"] for p in cli.json("list")}  # every active promise
    assert {p["id"] for p in view["overdue"]} == {pid for pid, outcome in listed.items() if outcome == "missed"}
    assert all(listed[p["id"]] == "open" for p in view["due"])
    limited = due(cli, "--within", within, "--limit", str(limit), "--json").json()
    assert limited["counts"] == view["counts"]
    for name in ("overdue", "at_risk", "due"):
        assert limited[name] == view[name][:limit]

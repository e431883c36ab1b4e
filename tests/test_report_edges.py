"""The report's edges that the scenario tests leave alone: the version sent to a client, an
"as of" moment before a break point, a client's short working day, the rows a terminal asks for.

Each test here was written against a surviving mutant of `core/report.py` (docs/testing.md).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from conftest import NOW, Cli

MONDAY = "2026-11-16T09:00:00+01:00"  # the first day of last week, as of NOW (Wed 25 Nov)


def _cadence_client(cli: Cli) -> None:
    """acme: a weekly update cadence, one update sent on Tue 17 Nov and none since, work in
    hand (so an update is owed now), one promise kept last week and one feedback score."""
    cli.ok("client", "add", "acme", now=MONDAY)
    cli.ok("client", "terms", "acme", "--update-every", "1w", now=MONDAY)
    pid = cli.promise("Kick-off deck", to="acme", due="2026-11-18 17:00", now=MONDAY)
    cli.ok("done", str(pid), now="2026-11-18T12:00:00+01:00")
    cli.promise("Workshop", to="acme", due="2026-12-02 17:00", now=MONDAY)
    cli.ok("brief", "acme", "--sent", now="2026-11-17T10:00:00+01:00")
    cli.ok("feedback", "acme", "9", now="2026-11-18T12:00:00+01:00")


def test_the_report_for_a_client_leaves_out_our_update_cadence_and_their_scores(cli):
    _cadence_client(cli)
    ours = cli.json("report", "--last-week", "--client", "acme")
    [score] = ours["clients"]
    assert (score["nps"], score["last_update"], score["update_overdue"]) == (100, "2026-11-17T10:00:00+01:00", True)
    assert [owed["client"] for owed in ours["updates_owed"]] == ["acme"]

    theirs = cli.json("report", "--last-week", "--client", "acme", "--for-client")
    [score] = theirs["clients"]
    assert score["nps"] is None and score["last_update"] is None
    assert score["update_overdue"] is False  # not null: the same type as in our own report
    assert theirs["updates_owed"] == [] and theirs["totals"]["nps"] is None
    assert theirs["totals"]["kept"] == 1 and theirs["for_client"] is True


def test_the_report_for_a_client_never_says_the_ledger_is_empty(cli):
    """Whether the rest of the ledger is empty is ours: the client's version of an empty
    period says there is nothing for them, whatever else the ledger holds or does not."""
    cli.ok("client", "add", "acme", now=MONDAY)  # a client, and not a promise in the ledger
    ours = cli.ok("report", "--last-week", "--client", "acme", "--format", "markdown").stdout
    assert "The ledger is empty" in ours
    for ledger in ("empty", "holding another client's promise"):
        theirs = cli.ok("report", "--last-week", "--client", "acme", "--for-client", "--format", "markdown").stdout
        assert "The ledger is empty" not in theirs, ledger
        assert "No promises fall in the week of Mon 16 Nov 2026 for acme." in theirs, ledger
        cli.promise("Someone else's", to="globex", due="2026-11-18 17:00", now=MONDAY)


def test_a_report_for_a_client_needs_the_client(cli):
    """`for_client` refuses a report of every client, with the words the command line uses."""
    from expectcli.core import periods, report
    from expectcli.core.config import Settings
    from expectcli.core.ledger import open_ledger
    from expectcli.errors import BadInput

    cli.promise(to="acme", due="2026-11-18 17:00", now=MONDAY)
    now = int(datetime.fromisoformat(NOW).timestamp())
    settings = Settings(timezone="Europe/Berlin")
    ledger = open_ledger(cli.location, now)
    try:
        every_client = report.build(ledger, periods.week_of(now, settings), settings)
    finally:
        ledger.store.close()
    with pytest.raises(BadInput) as refused:
        report.for_client(every_client)
    message = "--for-client needs --client: the report to send one client"
    assert str(refused.value) == message
    out = cli("report", "--for-client")
    assert out.exit_code == 2 and out.stderr.strip().endswith(message)


def _built(cli: Cli, rows: int | None = None, now: str = NOW):
    """`report.build` of last week over the test's ledger, as a caller sees it."""
    from expectcli.core import periods, report
    from expectcli.core.config import Settings
    from expectcli.core.ledger import open_ledger

    moment = int(datetime.fromisoformat(now).timestamp())
    settings = Settings(timezone="Europe/Berlin")
    ledger = open_ledger(cli.location, moment)
    try:
        return report.build(ledger, periods.previous(periods.week_of(moment, settings), settings), settings, rows=rows)
    finally:
        ledger.store.close()


def test_a_terminal_report_reads_only_the_rows_it_shows(cli):
    """With `rows` (a terminal's view), `promises` holds at most that many kept, released and
    open promises each and none of those listed as broken or renegotiated; the totals count all."""
    for n in range(3):
        kept = cli.promise(f"Kept {n}", due=f"2026-11-1{7 + n} 17:00", now=MONDAY)
        cli.ok("done", str(kept), now=f"2026-11-1{7 + n}T12:00:00+01:00")
    cli.promise("Missed", due="2026-11-17 17:00", now=MONDAY)
    moved = cli.promise("Moved", due="2026-11-17 17:00", now=MONDAY)
    cli.ok("move", str(moved), "2026-11-19 17:00", "--reason", "scope grew", now="2026-11-17T09:00:00+01:00")
    cli.ok("done", str(moved), now="2026-11-19T12:00:00+01:00")
    for n in range(2):
        released = cli.promise(f"Released {n}", due="2026-11-27 17:00", now=MONDAY)
        cli.ok("release", str(released), "--reason", "not needed", now=f"2026-11-1{8 + n}T09:00:00+01:00")

    every = _built(cli)
    assert sorted(p.outcome for p in every.promises) == ["kept"] * 3 + [
        "missed",
        "released",
        "released",
        "renegotiated",
    ]
    shown = _built(cli, rows=1)
    assert [(p.title, p.outcome) for p in shown.promises] == [("Kept 0", "kept"), ("Released 0", "released")]
    assert shown.totals == every.totals and shown.totals.kept == 3 and shown.totals.released == 2


def test_an_as_of_moment_before_the_break_point_shows_no_slip_yet(cli):
    """A move recorded after the deadline it replaced leaves the promise missed from that
    deadline; a report "as of" a moment before it lists the promise, not yet late at all."""
    pid = cli.promise("Moved too late", due="2026-11-18 17:00", now=MONDAY)
    cli.ok("move", str(pid), "2026-11-27 17:00", "--reason", "forgot", now="2026-11-19T09:00:00+01:00")
    as_of = "2026-11-18T12:00:00+01:00"
    [broken] = cli.json("report", "--week", now=as_of)["broken"]
    assert (broken["outcome"], broken["broken_at"]) == ("missed", "2026-11-18T17:00:00+01:00")
    assert (broken["slip_hours"], broken["slip_minutes"]) == (0, 0)
    [later] = cli.json("report", "--week", now="2026-11-18T17:01:00+01:00")["broken"]
    assert (later["slip_hours"], later["slip_minutes"]) == (0.02, 1)


def test_a_client_with_a_short_working_day_is_told_early_by_its_own_day(cli):
    """A working day is the client's own: under hours of 09:30-12:00 a delivery at the start of
    the day, due at its end, two and a half hours ahead, came a working day early (though the
    default working day is eight hours)."""
    cli.ok("client", "add", "acme", now=MONDAY)
    cli.ok("client", "terms", "acme", "--hours", "09:30-12:00", now=MONDAY)
    pid = cli.promise("Morning memo", to="acme", due="2026-11-17T12:00:00+01:00", now=MONDAY)
    cli.ok("done", str(pid), now="2026-11-17T09:30:00+01:00")
    other = cli.promise("Other", to="globex", due="2026-11-17T12:00:00+01:00", now=MONDAY)
    cli.ok("done", str(other), now="2026-11-17T09:30:00+01:00")  # 2.5 hours of globex's eight: not early
    report = cli.json("report", "--last-week")
    assert [(e["title"], e["ahead_hours"]) for e in report["early"]] == [("Morning memo", 2.5)]
    assert {c["client"]: c["early"] for c in report["clients"]} == {"acme": 1, "globex": 0}


def test_a_delivery_at_the_start_of_the_configured_day_due_at_its_end_is_a_day_early(cli):
    """The working day of the config (here 08:30-17:00, eight and a half hours): delivered as
    it begins and due as it ends is a working day ahead; a minute later is not."""
    cli.config.write_text(cli.config.read_text() + 'day_start = "08:30"\n')
    first = cli.promise("On the dot", due="2026-11-17T17:00:00+01:00", now=MONDAY)
    cli.ok("done", str(first), now="2026-11-17T08:30:00+01:00")
    second = cli.promise("A minute after", due="2026-11-18T17:00:00+01:00", now=MONDAY)
    cli.ok("done", str(second), now="2026-11-18T08:31:00+01:00")
    report = cli.json("report", "--last-week")
    assert [(e["title"], e["ahead_hours"]) for e in report["early"]] == [("On the dot", 8.5)]


def test_every_short_notice_move_of_a_client_is_counted(cli):
    """Two moves of one promise, each made hours before the deadline then in force (the client
    expects a working day's notice): two short-notice moves, for the client and in all."""
    pid = cli.promise("Budget plan", to="acme", due="2026-11-17 17:00", now=MONDAY)
    cli.ok("move", str(pid), "2026-11-19 17:00", "--reason", "waiting on figures", now="2026-11-17T12:00:00+01:00")
    cli.ok("move", str(pid), "2026-11-20 17:00", "--reason", "still waiting", now="2026-11-19T12:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-20T12:00:00+01:00")
    report = cli.json("report", "--last-week")
    assert [(r["reason"], r["short_notice"]) for r in report["renegotiations"]] == [
        ("waiting on figures", True), ("still waiting", True)]  # fmt: skip
    assert report["clients"][0]["short_notice"] == 2 and report["totals"]["short_notice"] == 2

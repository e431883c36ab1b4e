"""Issue 12, "What went wrong", the bullets about the timeline and the break point, each
replayed through the command line as the consultant met it (times in Europe/Berlin, 2026).

- After a late move, the brief said "was due Fri 13 Nov 17:00, now 3 days late" on Tue 10 Nov:
  lateness from the new deadline, as an absolute value, instead of from the break point.
- A delivery typed on Thursday with `done --at "wed 15:00"`, after a move recorded Thursday
  morning, was scored `late` though it happened before its deadline.
- A slip under an hour was printed as a fraction of an hour ("0.6 h").
"""

from __future__ import annotations

import pytest

MON_2 = "2026-11-02T09:00:00+01:00"


def made_and_moved_late(cli) -> int:
    """'Draft report' due Fri 6 Nov 17:00, moved on Mon 9 Nov (after that deadline) to Fri 13 Nov."""
    pid = cli.promise("Draft report", due="2026-11-06 17:00", now=MON_2)
    cli.ok("move", str(pid), "2026-11-13 17:00", "--reason", "waiting on your data", now="2026-11-09T10:00:00+01:00")
    return pid


# -- the brief after a late move -------------------------------------------------------------


def test_the_brief_of_a_missed_promise_with_a_new_date_says_both(cli):
    made_and_moved_late(cli)
    brief = cli.ok("brief", "acme", now="2026-11-10T10:00:00+01:00").stdout
    assert "- Draft report — missed Fri 6 Nov 17:00, 4 days ago; new date Fri 13 Nov 17:00\n" in brief
    assert "now 3 days late" not in brief


def test_every_view_measures_a_late_move_from_the_break_point(cli):
    pid = made_and_moved_late(cli)
    tue = "2026-11-10T10:00:00+01:00"  # 3 days 17 h after the break point
    shown = cli.json("show", str(pid), now=tue)
    assert (shown["outcome"], shown["due"]) == ("missed", "2026-11-13T17:00:00+01:00")
    assert (shown["broken_at"], shown["slip_minutes"], shown["slip_hours"]) == ("2026-11-06T17:00:00+01:00", 5340, 89.0)
    assert [p["slip_minutes"] for p in cli.json("list", now=tue)] == [5340]
    text = cli.ok("show", str(pid), now=tue).stdout
    assert "broken at  Fri 6 Nov 17:00" in text and "late by    4 days so far" in text
    # (`due` alone lists it too once its overdue rule lands; here within the new date)
    row = next(line for line in cli("due", "--within", "1w", now=tue).stdout.splitlines() if "Draft report" in line)
    assert "4 days overdue" in row and "in 3 days" not in row
    broken = cli.json("report", "--since", "2026-11-02", "--until", "2026-11-08", now=tue)["broken"]
    assert [(b["broken_at"], b["slip_hours"]) for b in broken] == [("2026-11-06T17:00:00+01:00", 89.0)]


# -- a back-dated delivery after a move recorded later -----------------------------------------


@pytest.mark.parametrize(
    ("moved_at", "outcome"),
    [
        ("2026-11-05T09:00:00+01:00", "kept"),  # Thursday morning, after the deadline: changes nothing
        ("2026-11-04T16:00:00+01:00", "kept"),  # Wednesday 16:00, in time, but after the delivery happened
        ("2026-11-04T12:00:00+01:00", "renegotiated"),  # Wednesday noon: before the delivery, it counts
    ],
)
def test_a_delivery_is_judged_when_it_happened_not_when_it_was_typed(cli, moved_at, outcome):
    pid = cli.promise("Slides", due="2026-11-04 17:00", now=MON_2)
    cli.ok("move", str(pid), "2026-11-06 17:00", "--reason", "client asked for more", now=moved_at)
    thu = "2026-11-05T11:00:00+01:00"
    done = cli.json("done", str(pid), "--at", "wed 15:00", now=thu)[0]
    assert (done["delivered_at"], done["outcome"], done["break_point"]) == ("2026-11-04T15:00:00+01:00", outcome, None)
    if outcome == "kept":  # the move after the delivery: neither the deadline in force nor a move
        assert (done["due"], done["moves"]) == ("2026-11-04T17:00:00+01:00", 0)
    totals = cli.json("report", "--since", "2026-11-02", "--until", "2026-11-08", now=thu)["totals"]
    assert (totals["kept"], totals["renegotiated"], totals["late"]) == (outcome == "kept", outcome != "kept", 0)
    shown = cli.json("show", str(pid), now=thu)
    marked = [e["kind"] for e in shown["events"] if e["after_settlement"]]
    assert marked == (["moved"] if outcome == "kept" else [])
    text = cli.ok("show", str(pid), now=thu).stdout
    assert ("recorded after the delivery; does not change the outcome" in text) == (outcome == "kept")
    assert cli.ok("db", "check", now=thu).stdout == "The ledger is sound.\n"


def test_reopening_the_delivery_lets_the_later_move_count_again(cli):
    pid = cli.promise("Slides", due="2026-11-04 17:00", now=MON_2)
    cli.ok("move", str(pid), "2026-11-06 17:00", "--reason", "more time", now="2026-11-05T09:00:00+01:00")
    cli.ok("done", str(pid), "--at", "wed 15:00", now="2026-11-05T11:00:00+01:00")
    reopened = cli.json("reopen", str(pid), now="2026-11-05T12:00:00+01:00")
    assert (reopened["due"], reopened["outcome"], reopened["break_point"]) == (
        "2026-11-06T17:00:00+01:00", "missed", "2026-11-04T17:00:00+01:00",
    )  # fmt: skip


def test_a_delivery_in_the_future_is_refused(cli):
    pid = cli.promise("Slides", due="fri")
    size = cli.journal_size()
    out = cli("done", str(pid), "--at", "2026-11-25 10:01")
    assert out.exit_code == 2 and out.stderr.count("\n") == 1 and "future" in out.stderr
    assert cli.journal_size() == size


# -- slips under an hour in minutes ------------------------------------------------------------


def test_a_slip_under_an_hour_is_shown_in_minutes(cli):
    pid = cli.promise("Call notes", due="2026-11-24 12:00", now=MON_2)
    cli.ok("done", str(pid), "--at", "2026-11-24 12:35")
    table = cli.ok("report", "--since", "2026-11-23", "--until", "2026-11-25").stdout
    row = next(line for line in table.splitlines() if "Call notes" in line)
    assert row.rstrip().endswith("35 min")
    markdown = cli.ok("report", "--since", "2026-11-23", "--until", "2026-11-25", "--format", "markdown").stdout
    assert "| Tue 24 Nov 12:35 | 35 min |" in markdown
    assert "late by    35 min" in cli.ok("show", str(pid)).stdout
    assert cli.json("show", str(pid))["slip_minutes"] == 35

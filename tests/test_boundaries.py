"""The exact edges of the rules, through the command line: a deadline that falls on the
very minute of now, of a window's end, or of a period's start. Each test here pins one
boundary that a one-character change (`<` for `<=`) in the rules would move; the mutation
run (docs/testing.md) found them untested."""

from __future__ import annotations

import pytest

# Wednesday 25 Nov 2026, 10:00 in Berlin, as in conftest.NOW.
WED_10 = "2026-11-25T10:00:00+01:00"


def ids(rows) -> list[int]:
    return [row["id"] for row in rows]


def rows(view: dict) -> list[dict]:
    """Every promise `expect due --json` lists, section after section."""
    return view["overdue"] + view["at_risk"] + view["due"]


def due(cli, *args: str, now: str = WED_10):
    """`expect due … --json` (exit status 1 when something is overdue, so not `cli.json`)."""
    out = cli("due", *args, "--json", now=now)
    assert out.exit_code in (0, 1), out.stderr
    return out.json()


# --- overdue and due soon ----------------------------------------------------------


def test_a_promise_due_this_very_minute_is_due_not_overdue(cli):
    cli.ok("client", "terms", "acme", "--notice", "0h")  # no notice window: the due window alone
    pid = cli.promise(due="2026-11-25 12:00", now=WED_10)
    at_due = "2026-11-25T12:00:00+01:00"
    counted = due(cli, "--count", now=at_due)
    assert (counted["overdue"], counted["due"]) == (0, 1)
    assert cli("due", "--count", now=at_due).stdout.strip() == "1 due"
    assert cli.json("show", str(pid), now=at_due)["outcome"] == "open"
    assert cli("due", now=at_due).exit_code == 0  # nothing overdue yet

    a_minute_later = "2026-11-25T12:01:00+01:00"
    counted = due(cli, "--count", now=a_minute_later)
    assert (counted["overdue"], counted["due"]) == (1, 0)
    assert cli.json("show", str(pid), now=a_minute_later)["outcome"] == "missed"
    assert cli("due", now=a_minute_later).exit_code == 1


def test_the_due_window_includes_a_deadline_on_its_last_minute(cli):
    cli.ok("client", "terms", "acme", "--notice", "0h")  # no notice window: the due window alone
    on_the_edge = cli.promise("On the edge", due="2026-11-25 12:00", now=WED_10)
    cli.promise("Just beyond", due="2026-11-25 12:01", now=WED_10)
    assert ids(rows(cli.json("due", "--within", "2h", now=WED_10))) == [on_the_edge]
    assert cli.json("due", "--count", "--within", "2h", now=WED_10)["due"] == 1
    assert rows(cli.json("due", "--within", "119m", now=WED_10)) == []
    assert cli.json("due", "--count", "--within", "119m", now=WED_10)["due"] == 0


def test_the_due_listing_and_the_count_agree(cli):
    cli.ok("client", "terms", "acme", "--notice", "0h")  # no notice window: the due window alone
    for when in ("2026-11-24 12:00", "2026-11-25 10:00", "2026-11-26 09:59", "2026-11-27 10:00", "2026-11-27 10:01"):
        cli.promise(when, due=when, now="2026-11-20T09:00:00+01:00")
    listed = rows(due(cli, "--within", "2d"))
    counted = due(cli, "--count", "--within", "2d")
    overdue = [row for row in listed if row["outcome"] == "missed"]
    assert (counted["overdue"], counted["due"]) == (len(overdue), len(listed) - len(overdue)) == (1, 3)


# --- making and moving a deadline ----------------------------------------------------


def test_a_promise_due_this_very_minute_is_accepted_and_one_a_minute_ago_refused(cli):
    assert cli.json("promise", "Call back", "--to", "acme", "--due", "2026-11-25 10:00")["outcome"] == "open"
    before = cli.journal_size()
    out = cli("promise", "Call back", "--to", "acme", "--due", "2026-11-25 09:59")
    assert out.exit_code == 2 and "already past" in out.stderr and cli.journal_size() == before


def test_a_new_deadline_already_past_is_refused_and_nothing_is_written(cli):
    pid = cli.promise(due="fri", now=WED_10)
    before = cli.journal_size()
    out = cli("move", str(pid), "2026-11-25 09:59", "--reason", "too late", now=WED_10)
    assert out.exit_code == 2 and "already past" in out.stderr and out.stderr.count("\n") == 1
    assert cli.journal_size() == before
    assert cli.json("show", str(pid))["due"] == "2026-11-27T17:00:00+01:00"


def test_a_new_deadline_of_this_very_minute_is_accepted(cli):
    pid = cli.promise(due="fri", now=WED_10)
    moved = cli.json("move", str(pid), "2026-11-25 10:00", "--reason", "sooner", now=WED_10)
    assert moved["due"] == "2026-11-25T10:00:00+01:00"


@pytest.mark.parametrize(
    "moved_at, outcome, after_the_deadline",
    [("2026-11-25T10:00:00+01:00", "renegotiated", False), ("2026-11-25T10:01:00+01:00", "late", True)],
)
def test_a_move_on_the_deadline_minute_is_still_in_time(cli, moved_at, outcome, after_the_deadline):
    pid = cli.promise("Proposal", due="2026-11-25 10:00", now="2026-11-23T09:00:00+01:00")
    cli.ok("move", str(pid), "2026-11-26 17:00", "--reason", "waiting for figures", now=moved_at)
    cli.ok("done", str(pid), now="2026-11-26T12:00:00+01:00")
    shown = cli.json("show", str(pid), now="2026-11-27T09:00:00+01:00")
    assert shown["outcome"] == outcome
    report = cli.ok("report", "--format", "markdown", now="2026-11-27T09:00:00+01:00").stdout
    assert "waiting for figures" in report
    assert ("waiting for figures (after the deadline)" in report) == after_the_deadline


def test_a_release_on_the_deadline_minute_is_still_in_time(cli):
    in_time = cli.promise("In time", due="2026-11-25 10:00", now="2026-11-23T09:00:00+01:00")
    too_late = cli.promise("Too late", due="2026-11-25 10:00", now="2026-11-23T09:00:00+01:00")
    cli.ok("release", str(in_time), "--reason", "not needed", now="2026-11-25T10:00:00+01:00")
    cli.ok("release", str(too_late), "--reason", "not needed", now="2026-11-25T10:01:00+01:00")
    assert cli.json("show", str(in_time))["outcome"] == "released"
    assert cli.json("show", str(too_late))["outcome"] == "missed"


def test_a_delivery_on_the_deadline_minute_is_kept(cli):
    kept = cli.promise("Kept", due="2026-11-25 10:00", now="2026-11-23T09:00:00+01:00")
    late = cli.promise("Late", due="2026-11-25 10:00", now="2026-11-23T09:00:00+01:00")
    cli.ok("done", str(kept), "--at", "2026-11-25 10:00", now="2026-11-25T11:00:00+01:00")
    cli.ok("done", str(late), "--at", "2026-11-25 10:01", now="2026-11-25T11:00:00+01:00")
    assert cli.json("show", str(kept))["outcome"] == "kept"
    assert cli.json("show", str(late))["outcome"] == "late"


def test_a_delivery_before_the_promise_was_made_is_refused_and_one_at_that_minute_accepted(cli):
    before_it = cli.promise("Made at ten", due="fri", now=WED_10)
    at_it = cli.promise("Also made at ten", due="fri", now=WED_10)
    size = cli.journal_size()
    out = cli("done", str(before_it), "--at", "2026-11-25 09:59", now="2026-11-25T11:00:00+01:00")
    assert out.exit_code == 2 and "was made after that delivery time" in out.stderr and cli.journal_size() == size
    cli.ok("done", str(at_it), "--at", "2026-11-25 10:00", now="2026-11-25T11:00:00+01:00")
    assert cli.json("show", str(at_it))["outcome"] == "kept"


# --- report periods ------------------------------------------------------------------


def trend_line(report: str, label: str) -> str:
    return next(line.rstrip() for line in report.splitlines() if line.startswith(label))


def this_weeks_report(cli) -> str:
    """This week's table, with one open promise in it so that the trend is shown."""
    cli.promise("This week", due="2026-11-27 17:00", now=WED_10)
    return cli.ok("report").stdout


def test_a_promise_reckoned_at_a_weeks_first_instant_belongs_to_that_week(cli):
    """Week buckets are half-open: [Mon 00:00, next Mon 00:00)."""
    pid = cli.promise("Edge", due="2026-11-16 00:00", now="2026-11-12T09:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-13T09:00:00+01:00")  # kept, reckoned at its due
    last_week = cli.json("report", "--last-week")
    assert last_week["totals"]["kept"] == 1
    assert cli.json("report", "--since", "2026-11-09", "--until", "2026-11-15")["totals"]["kept"] == 0
    this_week = this_weeks_report(cli)  # the trend: the 8 weeks before this one
    assert trend_line(this_week, "Mon 16 Nov").endswith("100%")
    assert trend_line(this_week, "Mon 9 Nov").endswith("—")


def test_a_promise_reckoned_in_a_weeks_last_minute_stays_in_that_week(cli):
    pid = cli.promise("Edge", due="2026-11-15 23:59", now="2026-11-12T09:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-13T09:00:00+01:00")
    this_week = this_weeks_report(cli)
    assert trend_line(this_week, "Mon 9 Nov").endswith("100%")
    assert trend_line(this_week, "Mon 16 Nov").endswith("—")


def test_a_move_on_a_periods_first_instant_is_in_that_period(cli):
    earlier = cli.promise("Earlier", due="2026-11-13 17:00", now="2026-11-12T09:00:00+01:00")
    cli.ok("done", str(earlier), now="2026-11-13T09:00:00+01:00")  # so the week before is not empty
    pid = cli.promise("Proposal", due="2026-11-20 17:00", now="2026-11-12T09:00:00+01:00")
    cli.ok("move", str(pid), "2026-11-19 17:00", "--reason", "on the edge", now="2026-11-16T00:00:00+01:00")
    assert [r["reason"] for r in renegotiations(cli, "--last-week")] == ["on the edge"]
    assert renegotiations(cli, "--since", "2026-11-09", "--until", "2026-11-15") == []


def renegotiations(cli, *period: str) -> list[dict]:
    """The renegotiations a report lists, from its markdown (the JSON may not carry them)."""
    text = cli.ok("report", *period, "--format", "markdown").stdout
    assert "No promises fall in" not in text
    return [{"reason": "on the edge"}] if "on the edge" in text else []


# --- feedback and status updates ------------------------------------------------------


def nps(cli, *period: str):
    return cli.json("report", *period)["clients"][0]["nps"]


def test_a_score_of_6_is_a_detractor_and_9_a_promoter(cli):
    cli.promise(due="2026-11-18 17:00", now="2026-11-16T09:00:00+01:00")
    cli.ok("feedback", "acme", "6", now="2026-11-17T09:00:00+01:00")
    assert nps(cli, "--last-week") == -100
    cli.ok("feedback", "acme", "9", now="2026-11-17T09:00:00+01:00")
    assert nps(cli, "--last-week") == 0
    cli.ok("feedback", "acme", "7", now="2026-11-17T09:00:00+01:00")  # passive
    cli.ok("feedback", "acme", "8", now="2026-11-17T09:00:00+01:00")
    assert nps(cli, "--last-week") == 0


def test_feedback_on_a_periods_first_instant_is_in_that_period(cli):
    cli.promise(due="2026-11-18 17:00", now="2026-11-16T09:00:00+01:00")  # last week
    cli.promise(due="2026-11-12 17:00", now="2026-11-09T09:00:00+01:00")  # the week before
    cli.ok("feedback", "acme", "10", now="2026-11-16T00:00:00+01:00")
    assert nps(cli, "--last-week") == 100
    assert nps(cli, "--since", "2026-11-09", "--until", "2026-11-15") is None


def test_an_update_sent_this_very_minute_is_the_last_update(cli):
    cli.promise(due="fri")
    cli.ok("brief", "acme", "--sent", now=WED_10)
    assert cli.json("report", now=WED_10)["clients"][0]["last_update"] == WED_10


# --- business time -----------------------------------------------------------------


def test_a_business_day_is_the_clients_working_day_not_eight_hours(cli):
    cli.ok("client", "terms", "acme", "--respond-within", "1bd", "--hours", "09:00-13:00")
    reply = cli.json("inbound", "acme", "Send the figures", now="2026-11-30T10:00:00+01:00")  # a Monday
    assert reply["due"] == "2026-12-01T10:00:00+01:00"
    cli.ok("client", "terms", "globex", "--respond-within", "2bd", "--hours", "08:00-18:00")
    reply = cli.json("inbound", "globex", "Call back", now="2026-11-30T10:00:00+01:00")
    assert reply["due"] == "2026-12-02T10:00:00+01:00"


def test_an_inbound_request_with_a_zero_window_is_due_when_it_arrived(cli):
    cli.ok("client", "terms", "acme", "--respond-within", "0h")
    reply = cli.json("inbound", "acme", "Urgent question", "--at", "2026-11-24 10:00")
    assert reply["due"] == "2026-11-24T10:00:00+01:00" and reply["outcome"] == "missed"


# --- text ----------------------------------------------------------------------------


def test_a_title_of_exactly_1000_characters_is_accepted_and_1001_refused(cli):
    assert cli.json("promise", "x" * 1000, "--to", "acme", "--due", "fri")["title"] == "x" * 1000
    out = cli("promise", "x" * 1001, "--to", "acme", "--due", "fri")
    assert out.exit_code == 2 and "longer than 1000 characters" in out.stderr


def test_a_refused_value_of_40_characters_is_quoted_whole_and_a_longer_one_shortened(cli):
    forty, longer = "k" * 40, "k" * 41
    out = cli("promise", "Send it", "--to", "acme", "--due", "fri", "--kind", forty)
    assert out.exit_code == 2 and f"unknown kind '{forty}';" in out.stderr
    out = cli("promise", "Send it", "--to", "acme", "--due", "fri", "--kind", longer)
    assert out.exit_code == 2 and f"unknown kind '{forty}…';" in out.stderr

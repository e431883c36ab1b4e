"""Edges of the outcome rules, business time and report periods that no other test pinned:
each test here was written against a mutant of `core/outcomes.py`, `core/businesstime.py` or
`core/periods.py` that the rest of the suite let through (docs/testing.md)."""

from __future__ import annotations

import os
import sqlite3
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import NOW
from expectcli.core import outcomes, periods
from expectcli.core.businesstime import MAX_DAYS, WorkingTime, add_working_time, after, working_between
from expectcli.core.config import Settings
from expectcli.core.dates import parse_duration
from expectcli.core.ledger import open_ledger
from expectcli.core.outcomes import Step
from expectcli.errors import BadInput

H = 3600
BERLIN = ZoneInfo("Europe/Berlin")


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """The machine's own time zone set to `name` (and put back after), so that a rule which
    wrongly read it instead of the client's zone shows, wherever the tests run."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    clock.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        clock.tzset()


# -- show: the moves recorded after the delivery on the timeline -----------------------------


def moves_marked(cli, promise_id: int) -> list[bool]:
    shown = cli.json("show", str(promise_id))
    return [event["after_settlement"] for event in shown["events"] if event["kind"] == "moved"]


def test_show_marks_a_move_recorded_after_the_time_the_work_was_delivered(cli):
    pid = cli.promise("Report", due="2026-11-27")
    cli.ok("move", str(pid), "2026-11-30", "--reason", "more data", now="2026-11-26T09:00:00+01:00")
    cli.ok("done", str(pid), "--at", "2026-11-25T16:00:00+01:00", now="2026-11-26T10:00:00+01:00")
    assert moves_marked(cli, pid) == [True]
    assert cli.json("show", str(pid))["outcome"] == "kept"  # judged on the first deadline: the move changed nothing


def test_show_does_not_mark_a_move_made_before_the_delivery(cli):
    pid = cli.promise("Report", due="2026-11-27")
    cli.ok("move", str(pid), "2026-11-30", "--reason", "more data", now="2026-11-26T09:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-26T10:00:00+01:00")
    assert moves_marked(cli, pid) == [False]


def test_an_undone_delivery_does_not_make_a_later_move_unheeded(cli):
    pid = cli.promise("Report", due="2026-11-27")
    cli.ok("done", str(pid), now="2026-11-25T12:00:00+01:00")
    cli.ok("undo", now="2026-11-25T12:05:00+01:00")
    cli.ok("move", str(pid), "2026-11-30", "--reason", "more data", now="2026-11-26T09:00:00+01:00")
    assert moves_marked(cli, pid) == [False]
    assert cli.json("show", str(pid))["outcome"] == "open"


# -- the outcome expression's defaults: promise p's stored columns at :now --------------------


def test_the_outcome_expression_by_default_classifies_promise_rows_at_now(cli):
    open_id = cli.promise("Later", due="2026-12-04")
    missed_id = cli.promise("Soon", due="2026-11-26")
    paused_id = cli.promise("Waiting", due="2026-11-26")
    cli.ok("ask", "acme", "Data", "--blocks", str(paused_id))
    later = int(datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN).timestamp())
    expression = outcomes.outcome_sql()  # built here, not at import: the defaults are what is tested
    ledger = open_ledger(cli.location, later)
    try:
        with ledger.store.read() as tx:
            classified = dict(tx.all(f"SELECT p.id, {expression} FROM promise p", {"now": later}))
    finally:
        ledger.store.close()
    assert classified == {open_id: "open", missed_id: "missed", paused_id: "open"}


# -- the pure fold: histories without a promise; slips in minutes -----------------------------


def test_a_history_without_a_live_promise_has_no_pauses():
    assert outcomes.pauses([]) == []
    assert outcomes.pauses([Step("paused", 100, ask=1), Step("resumed", 200, None, 200, 1)]) == []


@pytest.mark.parametrize("seconds, minutes", [(0, 0), (1, 1), (59, 1), (60, 1), (61, 2), (3600, 60), (3601, 61)])
def test_a_slip_is_counted_in_whole_minutes_rounded_up(seconds, minutes):
    assert outcomes.slip_minutes(seconds) == minutes
    assert isinstance(outcomes.slip_minutes(seconds), int)


def test_the_reports_json_gives_a_slip_in_whole_minutes(cli):
    pid = cli.promise("Report", due="2026-11-24T10:00:00+01:00", now="2026-11-23T10:00:00+01:00")
    (broken,) = cli.json("report", "--week")["broken"]
    assert broken["id"] == pid
    assert broken["slip_minutes"] == 1440 and type(broken["slip_minutes"]) is int  # 1440, not 1440.0


# -- business time ------------------------------------------------------------------------------


OFFICE = WorkingTime("Europe/Berlin", time(9), time(17), frozenset(range(5)))


def test_a_window_in_days_keeps_the_clients_wall_clock_across_a_dst_change():
    saturday_noon = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)  # clocks go forward that night
    due = after(saturday_noon, parse_duration("1d"), OFFICE)
    assert due == datetime(2026, 3, 29, 12, 0, tzinfo=BERLIN)  # 23 hours later, still noon in Berlin
    assert due - saturday_noon == timedelta(hours=23)


def test_business_time_is_given_as_a_utc_moment_whatever_the_machines_zone():
    with machine_zone("America/New_York"):
        due = after(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), parse_duration("4h"), OFFICE)
    assert due.utcoffset() == timedelta(0)
    assert due == datetime(2026, 11, 25, 14, 0, tzinfo=BERLIN)


def test_a_request_at_closing_time_with_no_window_is_due_when_the_next_day_opens():
    wednesday_17 = datetime(2026, 11, 25, 17, 0, tzinfo=BERLIN)
    assert after(wednesday_17, parse_duration("0h"), OFFICE) == datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN)
    friday_17 = datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN)
    assert after(friday_17, parse_duration("0h"), OFFICE) == datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def test_a_request_at_closing_time_with_no_window_through_the_cli(cli):
    cli.ok("client", "add", "acme")
    cli.ok("client", "terms", "acme", "--respond-within", "0h", "--timezone", "Europe/Berlin")
    reply = cli.json("inbound", "acme", "Question", "--at", "2026-11-24T17:00:00+01:00")
    assert reply["due"].startswith("2026-11-25T09:00")


MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=BERLIN)
# The walk gives up after MAX_DAYS working days' worth of calendar days, plus a week: from a
# Monday morning, 733 whole working weeks of Monday to Friday pass, a day more is refused.
LONGEST_FROM_MONDAY = (MAX_DAYS * 7 // 5 + 7) // 7 * 5


def test_the_longest_business_time_window_passes_and_a_day_more_is_refused():
    last = add_working_time(MONDAY, LONGEST_FROM_MONDAY * timedelta(hours=8), OFFICE)
    assert last.astimezone(BERLIN).time() == time(17) and last.astimezone(BERLIN).weekday() == 4
    with pytest.raises(BadInput, match="longer than ten years of working time"):
        add_working_time(MONDAY, (LONGEST_FROM_MONDAY + 1) * timedelta(hours=8), OFFICE)


def test_with_one_working_day_a_week_ten_years_of_working_days_still_pass():
    mondays = WorkingTime("Europe/Berlin", time(9), time(17), frozenset({0}))
    last = add_working_time(MONDAY, MAX_DAYS * timedelta(hours=8), mondays)
    assert last.astimezone(BERLIN).weekday() == 0 and last.astimezone(BERLIN).time() == time(17)


@pytest.mark.parametrize(
    "zone, opens, start, end, worked",
    [
        # Los Angeles, 16:00–18:00 on Tuesday: after UTC midnight, still Tuesday for the client
        (
            "America/Los_Angeles",
            9,
            datetime(2026, 11, 25, 0, 0, tzinfo=UTC),
            datetime(2026, 11, 25, 2, 0, tzinfo=UTC),
            1,
        ),
        # Tokyo, hours 08:00-17:00, Tuesday 16:00 to Wednesday 08:30: that half hour is before UTC midnight
        ("Asia/Tokyo", 8, datetime(2026, 11, 24, 7, 0, tzinfo=UTC), datetime(2026, 11, 24, 23, 30, tzinfo=UTC), 1.5),
        # Berlin, Wednesday 08:00–10:00 UTC: 09:00–11:00 in Berlin
        ("Europe/Berlin", 9, datetime(2026, 11, 25, 8, 0, tzinfo=UTC), datetime(2026, 11, 25, 10, 0, tzinfo=UTC), 2),
        ("Europe/Berlin", 9, datetime(2026, 11, 25, 15, 0, tzinfo=UTC), datetime(2026, 11, 25, 17, 0, tzinfo=UTC), 1),
    ],
)
def test_paused_working_time_is_counted_on_the_clients_own_days_and_hours(zone, opens, start, end, worked):
    hours = WorkingTime(zone, time(opens), time(17), frozenset(range(5)))
    with machine_zone("UTC"):
        assert working_between(start, end, hours) == timedelta(hours=worked)


# -- report periods ----------------------------------------------------------------------------


def test_a_moment_at_a_periods_end_belongs_to_the_next_period_only():
    settings = Settings(timezone="Europe/Berlin")
    now = int(datetime.fromisoformat(NOW).timestamp())
    week = periods.week_of(now, settings)
    following = periods.week_of(week.end, settings)
    assert week.contains(week.end - 1) and not week.contains(week.end)
    assert following.contains(week.end) and following.start == week.end
    span = periods.span(week.start, week.end)
    assert span.contains(span.start) and not span.contains(span.end)


# -- the timeline: when a promise was made, events before it, blocks and pauses -----------------


def test_a_request_typed_in_later_was_promised_when_it_arrived(cli):
    reply = cli.json("inbound", "acme", "Question", "--at", "2026-11-24T15:00:00+01:00")
    assert reply["promised_at"] == "2026-11-24T15:00:00+01:00"
    cli.ok("move", str(reply["id"]), "+1d", "--reason", "waiting on legal")  # the fold runs again
    cli.ok("done", str(reply["id"]), now="2026-11-25T11:00:00+01:00")
    (listed,) = cli.json("list", "--all", now="2026-11-25T11:00:00+01:00")
    assert listed["promised_at"] == "2026-11-24T15:00:00+01:00" and listed["outcome"] == "renegotiated"


def test_events_before_the_promise_are_passed_over_not_the_end_of_its_history():
    state = outcomes.fold(
        [
            Step("noted", 50),
            Step("promised", 100, due=1000),
            Step("moved", 200, due=2000),
            Step("delivered", 300, None, 300),
        ]
    )
    assert state is not None
    assert (state.outcome, state.moves, state.due, state.delivered_at) == ("renegotiated", 1, 2000, 300)


def test_the_same_ask_blocking_twice_pauses_once_and_its_receipt_restarts_the_clock():
    state = outcomes.fold(
        [
            Step("promised", 0, due=1000),
            Step("paused", 100, ask=7),
            Step("paused", 200, ask=7),
            Step("resumed", 400, None, 400, 7),
        ]
    )
    assert state is not None
    assert (state.paused_since, state.due) == (None, 1300)


def test_a_block_naming_no_ask_stops_no_clock():
    state = outcomes.fold([Step("promised", 0, due=1000), Step("paused", 100)])
    assert state is not None and state.paused_since is None
    assert outcomes.pauses([Step("promised", 0, due=1000), Step("paused", 100)]) == []


def test_a_block_after_the_deadline_passed_neither_pauses_nor_hides_a_later_delivery(cli):
    pid = cli.promise("Report", due="2026-11-24", now="2026-11-23T10:00:00+01:00")
    cli.ok("ask", "acme", "Data", "--blocks", str(pid))  # Wednesday: a day after the deadline
    cli.ok("done", str(pid), now="2026-11-26T10:00:00+01:00")
    shown = cli.json("show", str(pid), now="2026-11-26T11:00:00+01:00")
    assert (shown["outcome"], shown["delivered_at"]) == ("late", "2026-11-26T10:00:00+01:00")
    assert shown["pauses"] == [] and shown["due"] == "2026-11-24T17:00:00+01:00"


def test_a_block_recorded_at_the_very_minute_of_the_deadline_still_pauses(cli):
    pid = cli.promise("Report", due="2026-11-26")  # Thursday 17:00
    ask = cli.json("ask", "acme", "Data", "--blocks", str(pid), now="2026-11-26T17:00:00+01:00")["id"]
    cli.ok("received", str(ask), now="2026-11-27T12:00:00+01:00")
    shown = cli.json("show", str(pid), now="2026-11-27T12:00:00+01:00")
    assert (shown["outcome"], shown["due"]) == ("open", "2026-11-27T12:00:00+01:00")  # 19 hours paused


def test_a_running_pause_shows_the_deadline_it_holds(cli):
    pid = cli.promise("Report", due="2026-11-26")
    cli.ok("ask", "acme", "Data", "--blocks", str(pid))
    (pause,) = cli.json("show", str(pid), now="2026-11-27T10:00:00+01:00")["pauses"]
    assert (pause["end"], pause["due_before"], pause["due_after"]) == (None, "2026-11-26T17:00:00+01:00", None)


def test_at_the_moment_a_pause_begins_the_clock_is_already_stopped():
    # open, deadline 100 passed, a pause that began at 200: stopped from 200 on, in both twins
    assert outcomes.outcome_at("open", 100, 200, paused_since=200) == "open"
    assert outcomes.outcome_at("open", 100, 200, paused_since=201) == "missed"
    with sqlite3.connect(":memory:") as db:
        expression = outcomes.outcome_sql("'open'", "100", "200", ":since")
        assert db.execute(f"SELECT {expression}", {"since": 200}).fetchone() == ("open",)
        assert db.execute(f"SELECT {expression}", {"since": 201}).fetchone() == ("missed",)


def test_no_slip_yet_as_of_a_moment_at_or_before_the_break_point():
    assert outcomes.slip(1000, None, 1000) == 0
    assert outcomes.slip(1000, None, 400) == 0
    assert outcomes.slip(1000, None, 1060) == 60
    assert outcomes.slip(1000, 1120, 5000) == 120
    assert outcomes.slip(None, None, 5000) is None


def test_a_span_not_of_whole_days_steps_back_by_its_exact_length():
    settings = Settings(timezone="Europe/Berlin")
    monday = int(datetime(2026, 11, 23, 0, 0, tzinfo=BERLIN).timestamp())
    wednesday_noon = int(datetime(2026, 11, 25, 12, 0, tzinfo=BERLIN).timestamp())
    before = periods.previous(periods.span(monday, wednesday_noon), settings)
    assert (before.start, before.end) == (monday - 60 * H, monday)
    thursday_noon = int(datetime(2026, 11, 19, 12, 0, tzinfo=BERLIN).timestamp())
    before = periods.previous(periods.span(thursday_noon, monday), settings)
    assert (before.start, before.end) == (thursday_noon - (monday - thursday_noon), thursday_noon)

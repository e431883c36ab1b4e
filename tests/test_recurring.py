"""Recurring promises (`promise --every`): each delivery or release records the next
occurrence, one period after the last due as first promised; `release --series` ends a
series. Through the real command line, at the pinned now (Wed 25 Nov 2026 10:00, Berlin)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from conftest import Cli, fresh_ledger
from expectcli.core.config import Settings
from expectcli.core.recurring import Period, next_due, parse_period
from expectcli.errors import BadInput

MON_30_NOV = "2026-11-30T10:00:00+01:00"


def weekly(cli: Cli, **options: str) -> int:
    return cli.promise("Weekly status report", due="fri", every="1w", **options)


def row(cli: Cli, promise_id: int) -> dict:
    return cli.json("show", str(promise_id))


def test_a_weekly_report_delivered_on_time_records_the_next_one_a_week_later(cli):
    first = weekly(cli, tag="status", criteria="sent to Ann", kind="reply")
    delivered = cli.json("done", str(first))
    assert len(delivered) == 1
    assert delivered[0]["outcome"] == "kept"
    after = delivered[0]["next"]
    assert after["id"] == first + 1
    assert after["due"] == "2026-12-04T17:00:00+01:00"
    assert after["promised_at"] == "2026-11-25T10:00:00+01:00"
    assert (after["title"], after["client"], after["kind"], after["tags"], after["criteria"]) == (
        "Weekly status report", "acme", "reply", ["status"], "sent to Ann",
    )  # fmt: skip
    assert (after["every"], after["series"], after["outcome"]) == ("1w", first, "open")


def test_the_text_answer_names_the_next_occurrence(cli):
    weekly(cli)
    out = cli.ok("done", "1")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Delivered #1 Weekly status report for acme — due Fri 27 Nov 17:00")
    assert lines[1].startswith("  Next: #2 Weekly status report for acme — due Fri 4 Dec 17:00 (in 9 days)")


def test_delivered_late_the_next_is_still_one_period_after_the_last_due(cli):
    weekly(cli)
    delivered = cli.json("done", "1", now=MON_30_NOV)[0]
    assert delivered["outcome"] == "late"
    assert delivered["next"]["due"] == "2026-12-04T17:00:00+01:00"


def test_moving_one_occurrence_does_not_shift_the_series(cli):
    weekly(cli)
    cli.ok("move", "1", "mon", "--reason", "client away Friday")
    delivered = cli.json("done", "1", now=MON_30_NOV)[0]
    assert delivered["outcome"] == "renegotiated"
    assert delivered["next"]["due"] == "2026-12-04T17:00:00+01:00"  # still a Friday


def test_a_missed_occurrence_stays_missed_and_the_next_still_comes(cli):
    weekly(cli)
    due = cli("due", now=MON_30_NOV)
    assert due.exit_code == 1  # overdue
    assert "Weekly status report" in due.stdout
    assert [p["id"] for p in cli.json("list", now=MON_30_NOV)] == [1]  # no next before it is closed
    released = cli.json("release", "1", "--reason", "skipped this week", now=MON_30_NOV)
    assert released["outcome"] == "missed"  # a late release leaves it missed
    assert released["next"]["due"] == "2026-12-04T17:00:00+01:00"
    assert row(cli, 1)["outcome"] == "missed"


def test_closed_more_than_a_period_late_the_passed_slots_are_skipped(cli):
    weekly(cli)
    delivered = cli.json("done", "1", now="2026-12-08T10:00:00+01:00")[0]  # a Tuesday, 11 days late
    assert delivered["outcome"] == "late"
    assert delivered["next"]["due"] == "2026-12-11T17:00:00+01:00"  # Fri 4 Dec passed: the next Friday
    assert [p["id"] for p in cli.json("list", "--all")] == [1, 2]


def test_release_series_ends_the_series(cli):
    weekly(cli)
    cli.ok("done", "1")
    out = cli.ok("release", "2", "--series", "--reason", "project over")
    assert "The series ends with #2" in out.stdout
    assert cli.json("list") == []
    assert [p["outcome"] for p in cli.json("list", "--all")] == ["kept", "released"]
    released = cli.json("undo")
    assert released["undone"]["kind"] == "released"
    assert [p["id"] for p in cli.json("list")] == [2]  # the series goes on again


def test_release_series_naming_a_closed_occurrence_points_at_the_open_one(cli):
    weekly(cli)
    cli.ok("done", "1")
    size = cli.journal_size()
    out = cli("release", "1", "--series", "--reason", "project over")
    assert out.exit_code == 2
    assert out.stderr == (
        "expect: promise 1 is already delivered; the series' open occurrence is #2:"
        " `expect release 2 --series` ends it\n"
    )
    assert cli.journal_size() == size


def test_release_without_series_records_the_next(cli):
    weekly(cli)
    released = cli.json("release", "1", "--reason", "holiday week")
    assert released["outcome"] == "released"
    assert released["next"]["due"] == "2026-12-04T17:00:00+01:00"


def test_release_series_of_a_one_off_promise_is_refused_and_writes_nothing(cli):
    cli.promise()
    size = cli.journal_size()
    out = cli("release", "1", "--series", "--reason", "over")
    assert out.exit_code == 2
    assert out.stderr == "expect: promise 1 is not recurring; leave out --series\n"
    assert cli.journal_size() == size
    assert row(cli, 1)["outcome"] == "open"


def test_undo_of_a_done_takes_back_the_next_occurrence_too(cli):
    weekly(cli)
    cli.ok("done", "1")
    out = cli.ok("undo")
    assert out.stdout.startswith("Undid done (2 events):")
    assert "delivered of #1" in out.stdout and "promised of #2" in out.stdout
    assert [(p["id"], p["outcome"]) for p in cli.json("list", "--all")] == [(1, "open")]
    assert row(cli, 2)["outcome"] == "voided"
    again = cli.json("done", "1")[0]["next"]  # delivering again records a new next, never reusing #2
    assert (again["id"], again["due"]) == (3, "2026-12-04T17:00:00+01:00")
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"


def test_done_on_occurrences_of_several_series_records_each_next_in_one_command(cli):
    weekly(cli)
    cli.promise("Monthly invoice", to="globex", due="2026-11-30", every="1m")
    cli.promise("One-off", to="acme", due="fri")
    delivered = cli.json("done", "1", "2", "3")
    nexts = {p["id"]: p["next"] and (p["next"]["id"], p["next"]["title"], p["next"]["due"]) for p in delivered}
    assert nexts == {
        1: (4, "Weekly status report", "2026-12-04T17:00:00+01:00"),
        2: (5, "Monthly invoice", "2026-12-30T17:00:00+01:00"),
        3: None,
    }
    assert cli.ok("undo").stdout.startswith("Undid done (5 events):")
    assert [p["id"] for p in cli.json("list")] == [1, 3, 2]


def test_reopening_a_delivered_occurrence_keeps_its_next_and_never_records_it_twice(cli):
    weekly(cli)
    cli.ok("done", "1")
    out = cli.ok("reopen", "1")
    assert out.stderr == "Note: the series' next occurrence #2 stays recorded; delivering #1 again records no other.\n"
    assert [p["id"] for p in cli.json("list")] == [1, 2]
    assert cli.json("done", "1")[0]["next"] is None
    assert [p["id"] for p in cli.json("list", "--all")] == [1, 2]
    assert cli.json("done", "2")[0]["next"]["id"] == 3


def test_a_monthly_series_keeps_to_the_month_end(cli):
    cli.promise("Monthly report", due="2027-01-31", every="1m")
    dues = []
    for promise_id in (1, 2, 3, 4):
        dues.append(cli.json("done", str(promise_id))[0]["next"]["due"][:10])
    assert dues == ["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]


def test_a_business_day_series_skips_the_clients_holidays(cli):
    cli.ok("client", "terms", "acme", "--holidays", "DE")
    cli.promise("Daily numbers", due="2026-12-24 12:00", every="1bd")  # Thursday; 25 and 26 Dec are holidays
    assert cli.json("done", "1")[0]["next"]["due"] == "2026-12-28T12:00:00+01:00"  # Monday
    cli.promise("Daily numbers", to="globex", due="2026-12-24 12:00", every="1bd")  # no holidays agreed
    assert cli.json("done", "3")[0]["next"]["due"] == "2026-12-25T12:00:00+01:00"


def test_back_filling_a_series_one_delivery_at_a_time(cli):
    cli.promise("Weekly status report", due="2026-11-06", every="1w", now="2026-11-02T09:00:00+01:00")
    first = cli.json("done", "1", "--at", "2026-11-06 16:00")[0]
    assert first["outcome"] == "kept"
    assert (first["next"]["promised_at"], first["next"]["due"]) == (
        "2026-11-06T16:00:00+01:00", "2026-11-13T17:00:00+01:00",
    )  # fmt: skip
    assert first["next"]["outcome"] == "missed"  # until its delivery is recorded too
    assert cli.json("done", "2", "--at", "2026-11-13 15:00")[0]["outcome"] == "kept"
    assert cli.json("done", "3", "--at", "2026-11-20 11:00")[0]["next"]["due"] == "2026-11-27T17:00:00+01:00"
    assert [p["outcome"] for p in cli.json("list", "--all")] == ["kept", "kept", "kept", "open"]


@pytest.mark.parametrize("period", ["1h", "90min", "0w", "abc", "", "1.5w", "-1w", "999m", "1 fortnight"])
def test_bad_every_values_are_refused_with_one_line_and_nothing_written(cli, period):
    cli.promise("Something else")
    size = cli.journal_size()
    out = cli("promise", "Weekly status report", "--to", "acme", "--due", "fri", "--every", period)
    assert out.exit_code == 2
    assert out.stderr.startswith("expect: ") and out.stderr.count("\n") == 1, out.stderr
    assert "--every" in out.stderr
    assert cli.journal_size() == size
    assert [p["title"] for p in cli.json("list", "--all")] == ["Something else"]


@pytest.mark.parametrize(
    "typed, stored",
    [("1w", "1w"), ("2 weeks", "2w"), ("weekly", "1w"), ("fortnightly", "2w"), ("1m", "1m"), ("month", "1m"),
     ("3 months", "3m"), ("1d", "1d"), ("daily", "1d"), ("1bd", "1bd"), ("2 business days", "2bd"), (" 1W ", "1w")],
)  # fmt: skip
def test_periods_are_stored_normalised(cli, typed, stored):
    assert cli.json("promise", "Report", "--to", "acme", "--due", "fri", "--every", typed)["every"] == stored


def test_list_marks_recurring_promises_one_line_each_in_a_pipe(cli):
    weekly(cli, tag="status")
    cli.promise("One-off proposal")
    lines = cli.ok("list").stdout.splitlines()
    assert len(lines) == 3
    assert "Weekly status report  ↻ 1w  +status" in lines[1]
    assert "↻" not in lines[2]
    listed = cli.json("list")
    assert [(p["every"], p["series"]) for p in listed] == [("1w", 1), (None, None)]


def test_show_names_the_previous_and_next_occurrences(cli):
    weekly(cli)
    cli.ok("done", "1")
    cli.ok("done", "2", now="2026-12-04T09:00:00+01:00")
    shown = cli.json("show", "2")
    assert (shown["every"], shown["series"], shown["previous"], shown["next"], shown["occurrences"]) == (
        "1w", 1, 1, 3, [1, 2, 3],
    )  # fmt: skip
    text = cli.ok("show", "2").stdout
    assert "every 1w · previous #1 · next #3 · series of #1 (3 occurrences)" in text
    assert "every 1w · first of its series · next #2" in cli.ok("show", "1").stdout
    assert (cli.json("show", "1")["previous"], cli.json("show", "3")["next"]) == (None, None)
    cli.promise("One-off")
    assert "previous" not in cli.json("show", "4")


def test_export_and_import_carry_every_and_series(cli, tmp_path, config_file):
    weekly(cli)
    cli.ok("done", "1")
    cli.promise("One-off")
    exported = cli.ok("export").stdout
    promises = json.loads(exported)["promises"]
    assert [(p.get("every"), p.get("series")) for p in promises] == [("1w", 1), ("1w", 1), (None, None)]
    file = tmp_path / "ledger.json"
    file.write_text(exported)
    with fresh_ledger(tmp_path / "copy") as location:
        (tmp_path / "copy").mkdir(exist_ok=True)
        copy = Cli(location, config_file)
        copy.ok("import", str(file))
        assert copy.ok("export").stdout.split('"clients"')[1] == exported.split('"clients"')[1]
        assert copy.json("done", "2")[0]["next"]["series"] == 1
    with fresh_ledger(tmp_path / "busy") as location:  # ids taken: an export restores only into an empty ledger
        (tmp_path / "busy").mkdir(exist_ok=True)
        busy = Cli(location, config_file)
        busy.promise("Already here")
        out = busy("import", str(file))
        assert out.exit_code == 2 and "an expect export is restored into a new, empty ledger" in out.stderr


# -- the rule itself -----------------------------------------------------------------------

BERLIN = Settings(timezone="Europe/Berlin")


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def test_parse_period_refuses_hours_and_minutes():
    assert parse_period("2w") == Period(2, "w")
    for text in ("4h", "30 minutes", "1y"):
        with pytest.raises(BadInput):
            parse_period(text)


def test_a_weekly_series_keeps_its_wall_clock_time_across_daylight_saving():
    friday = at("2026-10-23T17:00:00+02:00")  # CEST; clocks go back on Sun 25 Oct
    assert next_due(Period(1, "w"), friday, friday, friday, BERLIN, None) == at("2026-10-30T17:00:00+01:00")


def test_months_count_from_the_first_occurrence_so_a_short_month_never_shifts_the_rest():
    anchor = at("2027-01-31T17:00:00+01:00")
    feb = at("2027-02-28T17:00:00+01:00")
    assert next_due(Period(1, "m"), anchor, feb, feb, BERLIN, None) == at("2027-03-31T17:00:00+02:00")
    assert next_due(Period(3, "m"), anchor, anchor, anchor, BERLIN, None) == at("2027-04-30T17:00:00+02:00")
    late = at("2027-05-02T09:00:00+02:00")  # closed after the March and April slots passed
    assert next_due(Period(1, "m"), anchor, feb, late, BERLIN, None) == at("2027-05-31T17:00:00+02:00")


def test_the_next_slot_is_always_after_both_the_slot_and_the_close():
    slot = at("2026-11-27T17:00:00+01:00")
    for closed in (slot - 86400 * 3, slot, slot + 3600, slot + 86400 * 7, slot + 86400 * 20):
        due = next_due(Period(1, "w"), slot, slot, closed, BERLIN, None)
        assert due > max(slot, closed)
        assert due - 7 * 86400 <= max(slot, closed)
        assert datetime.fromtimestamp(due, UTC).weekday() == 4  # a Friday

"""The period a report covers: `--since`/`--until` read as whole local days that look back
from now, through the command line. (Weeks, months and the trend: tests/test_report.py and
tests/test_boundaries.py.)"""

from __future__ import annotations

import pytest

WED_10 = "2026-11-25T10:00:00+01:00"  # a Wednesday in Berlin


def period(cli, *bounds: str, now: str = WED_10) -> tuple[str, str]:
    shown = cli.json("report", *bounds, now=now)["period"]
    return shown["start"], shown["end"]


@pytest.mark.parametrize(
    "since, start",
    [
        ("mon", "2026-11-23T00:00:00+01:00"),  # this week's Monday
        ("wed", "2026-11-25T00:00:00+01:00"),  # today is a Wednesday: today, not a week ago
        ("thu", "2026-11-19T00:00:00+01:00"),  # the last Thursday
        ("sun", "2026-11-22T00:00:00+01:00"),
        ("nov 25", "2026-11-25T00:00:00+01:00"),  # today's date is today, not last year's
        ("dec 3", "2025-12-03T00:00:00+01:00"),  # the latest 3 December: last year's
        ("feb 29", "2024-02-29T00:00:00+01:00"),  # the latest 29 February, in a leap year
        ("today", "2026-11-25T00:00:00+01:00"),
        ("yesterday", "2026-11-24T00:00:00+01:00"),
    ],
)
def test_since_a_day_means_the_start_of_the_latest_such_day(cli, since, start):
    cli.promise(due="fri")
    assert period(cli, "--since", since) == (start, WED_10)


def test_until_a_day_includes_that_whole_day(cli):
    cli.promise(due="fri")
    assert period(cli, "--since", "nov 2", "--until", "nov 8") == ("2026-11-02T00:00:00+01:00",
                                                                   "2026-11-09T00:00:00+01:00")  # fmt: skip


def test_today_is_the_local_day_even_when_utc_is_still_on_yesterday(cli):
    cli.promise(due="fri")
    just_after_midnight = "2026-11-25T00:30:00+01:00"  # 23:30 UTC on the 24th
    assert period(cli, "--since", "today", "--until", "today", now=just_after_midnight) == (
        "2026-11-25T00:00:00+01:00", "2026-11-26T00:00:00+01:00")  # fmt: skip


def test_a_span_is_named_by_its_first_and_last_day(cli):
    cli.promise(due="dec 10")
    out = cli.ok("report", "--since", "nov 2", "--until", "nov 8").stdout
    assert "No promises fall in Mon 2 Nov 2026 – Sun 8 Nov 2026." in out


@pytest.mark.parametrize(
    "since, message",
    [("feb 30", "feb 30 is not a calendar date"), ("9999-12-31", "'9999-12-31' is outside the dates")],
)
def test_impossible_bounds_are_refused_naming_them(cli, since, message):
    cli.promise(due="fri")
    out = cli("report", "--since", "2026-11-01", "--until", since) if since.startswith("9") else cli(
        "report", "--since", since)  # fmt: skip
    assert out.exit_code == 2 and message in out.stderr and out.stderr.count("\n") == 1


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_the_first_and_last_accepted_days_are_whole_bounds_in_any_zone(cli, zone):
    """31 Dec 2199 ends on 1 Jan 2200, and 1 Jan 1970 in Tokyo begins in 1969 in UTC: each is
    a day the tool accepts, so each is a bound; a day outside the years is still refused."""
    cli.config.write_text(f'timezone = "{zone}"\n')
    offset = {"UTC": "+00:00", "America/New_York": "-05:00", "Asia/Tokyo": "+09:00"}[zone]
    assert period(cli, "--since", "2199-12-01", "--until", "2199-12-31") == (
        f"2199-12-01T00:00:00{offset}", f"2200-01-01T00:00:00{offset}")  # fmt: skip
    assert period(cli, "--since", "1970-01-01", "--until", "1970-01-31") == (
        f"1970-01-01T00:00:00{offset}", f"1970-02-01T00:00:00{offset}")  # fmt: skip
    assert cli.ok("report", "--since", "1970-01-01", "--until", "1970-01-31").stdout.startswith("Thu 1 Jan 1970")
    assert cli.ok("log", "--since", "1970-01-01").exit_code == 0
    for since, until in (("2199-12-01", "2200-01-01"), ("1969-12-31", "1970-01-31")):
        out = cli("report", "--since", since, "--until", until)
        assert out.exit_code == 2 and "is outside the dates this tool accepts" in out.stderr, (since, until)


@pytest.fixture
def machine_zone(monkeypatch):
    """The machine's own time zone set far from the user's (Berlin, in the config)."""
    import time

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_machines_time_zone_does_not_move_periods_or_deadlines(cli, machine_zone):
    pid = cli.promise(due="fri")
    assert cli.json("show", str(pid))["due"] == "2026-11-27T17:00:00+01:00"
    assert period(cli, "--last-week") == ("2026-11-16T00:00:00+01:00", "2026-11-23T00:00:00+01:00")
    assert period(cli, "--last-month") == ("2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00")
    late_sunday = "2026-11-29T23:30:00+01:00"  # already Monday in UTC+14
    assert period(cli, "--week", now=late_sunday) == ("2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00")


def test_a_span_has_a_trend_of_the_spans_of_the_same_length_before_it(cli):
    earlier = cli.promise("Earlier", due="2026-11-11 17:00", now="2026-11-09T10:00:00+01:00")
    cli.ok("done", str(earlier), now="2026-11-10T10:00:00+01:00")
    cli.promise("In the span", due="2026-11-18 17:00", now="2026-11-16T10:00:00+01:00")
    out = cli.ok("report", "--since", "nov 16", "--until", "nov 22").stdout
    trend = out[out.index("Kept rate, previous 8 periods") :].splitlines()[1:]
    assert [line.split("  ")[0] for line in trend] == ["Mon 21 Sep", "Mon 28 Sep", "Mon 5 Oct", "Mon 12 Oct",
                                                      "Mon 19 Oct", "Mon 26 Oct", "Mon 2 Nov", "Mon 9 Nov"]  # fmt: skip
    assert trend[-1].rstrip().endswith("100%") and trend[-2].rstrip().endswith("—")


@pytest.mark.parametrize("period, starts", [
    ("--month", ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01",
                 "2026-09-01", "2026-10-01"]),
    ("--week", ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02",
                "2026-11-09", "2026-11-16"]),
])  # fmt: skip
def test_the_trend_steps_through_whole_calendar_periods(cli, period, starts):
    """Each earlier period of the trend is a calendar month (or week) of its own, however long,
    across the change from summer time: not a copy of the length of the one after it."""
    trend = cli.json("report", period, "--json")["trend"]
    assert [point["period"]["start"][:10] for point in trend] == starts
    assert all(a["period"]["end"] == b["period"]["start"] for a, b in zip(trend, trend[1:]))
    assert all(point["period"]["start"][10:] in ("T00:00:00+01:00", "T00:00:00+02:00") for point in trend)

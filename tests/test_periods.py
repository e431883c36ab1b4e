"""Report periods: calendar weeks (starting on any weekday) and months in the user's zone."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from budget import examples
from expectcli.core import periods
from expectcli.core.config import Settings

HOUR = 3600


def at(zone: str, *args) -> int:
    """The epoch seconds of a local wall time (never in a gap or fold here)."""
    return int(datetime(*args, tzinfo=ZoneInfo(zone)).timestamp())


def hours(period: periods.Period) -> float:
    return (period.end - period.start) / HOUR


def wall(moment: int, zone: str) -> str:
    return datetime.fromtimestamp(moment, ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M %z")


BERLIN = Settings(timezone="Europe/Berlin")
BERLIN_SUNDAY = Settings(timezone="Europe/Berlin", week_start=6)
NEW_YORK = Settings(timezone="America/New_York")
NEW_YORK_SUNDAY = Settings(timezone="America/New_York", week_start=6)


@pytest.mark.parametrize(
    "settings, moment, start, length",
    [
        # Europe/Berlin springs forward on Sunday 2026-03-29 and falls back on Sunday 2026-10-25.
        (BERLIN, at("Europe/Berlin", 2026, 3, 26, 12), "Mon 2026-03-23 00:00 +0100", 167),
        (BERLIN, at("Europe/Berlin", 2026, 10, 25, 23), "Mon 2026-10-19 00:00 +0200", 169),
        (BERLIN_SUNDAY, at("Europe/Berlin", 2026, 3, 29, 12), "Sun 2026-03-29 00:00 +0100", 167),
        (BERLIN_SUNDAY, at("Europe/Berlin", 2026, 3, 28, 12), "Sun 2026-03-22 00:00 +0100", 168),
        # America/New_York springs forward on Sunday 2026-03-08 and falls back on Sunday 2026-11-01.
        (NEW_YORK, at("America/New_York", 2026, 3, 8, 12), "Mon 2026-03-02 00:00 -0500", 167),
        (NEW_YORK_SUNDAY, at("America/New_York", 2026, 3, 8, 12), "Sun 2026-03-08 00:00 -0500", 167),
        (NEW_YORK_SUNDAY, at("America/New_York", 2026, 11, 7, 23, 59), "Sun 2026-11-01 00:00 -0400", 169),
        (NEW_YORK, at("America/New_York", 2026, 11, 2, 0), "Mon 2026-11-02 00:00 -0500", 168),
        # Year edges: 2026-01-01 is a Thursday; 2027-01-01 a Friday.
        (BERLIN, at("Europe/Berlin", 2026, 1, 1, 9), "Mon 2025-12-29 00:00 +0100", 168),
        (BERLIN_SUNDAY, at("Europe/Berlin", 2026, 1, 1, 9), "Sun 2025-12-28 00:00 +0100", 168),
        (NEW_YORK, at("America/New_York", 2026, 12, 31, 23, 59), "Mon 2026-12-28 00:00 -0500", 168),
        (Settings(timezone="UTC", week_start=4), at("UTC", 2027, 1, 1), "Fri 2027-01-01 00:00 +0000", 168),
    ],
)
def test_weeks(settings, moment, start, length):
    week = periods.week_of(moment, settings)
    assert (wall(week.start, settings.timezone), hours(week)) == (start, length)
    assert week.contains(moment) and week.kind == "week"


def test_a_week_in_the_users_zone_not_utcs():
    monday_morning_in_tokyo = at("Asia/Tokyo", 2026, 11, 23, 1)  # still Sunday in UTC
    week = periods.week_of(monday_morning_in_tokyo, Settings(timezone="Asia/Tokyo"))
    assert wall(week.start, "Asia/Tokyo") == "Mon 2026-11-23 00:00 +0900"


def test_a_week_that_begins_at_a_midnight_that_does_not_exist():
    """America/Havana springs forward at midnight: on 2026-03-08 the day begins at 01:00."""
    havana = Settings(timezone="America/Havana", week_start=6)
    week = periods.week_of(at("America/Havana", 2026, 3, 10, 12), havana)
    assert wall(week.start, "America/Havana") == "Sun 2026-03-08 01:00 -0400"
    assert periods.previous(week, havana).end == week.start
    assert hours(periods.previous(week, havana)) == 168


@pytest.mark.parametrize(
    "settings, moment, first, last, length",
    [
        (BERLIN, at("Europe/Berlin", 2026, 3, 15), date(2026, 3, 1), date(2026, 3, 31), 31 * 24 - 1),
        (BERLIN, at("Europe/Berlin", 2026, 10, 31, 23, 59), date(2026, 10, 1), date(2026, 10, 31), 31 * 24 + 1),
        (NEW_YORK, at("America/New_York", 2028, 2, 29, 12), date(2028, 2, 1), date(2028, 2, 29), 29 * 24),
        (NEW_YORK, at("America/New_York", 2026, 12, 31, 23, 59), date(2026, 12, 1), date(2026, 12, 31), 31 * 24),
        (NEW_YORK, at("America/New_York", 2026, 11, 1, 0, 30), date(2026, 11, 1), date(2026, 11, 30), 30 * 24 + 1),
    ],
)
def test_months(settings, moment, first, last, length):
    month = periods.month_of(moment, settings)
    assert (periods.first_day(month, settings), periods.last_day(month, settings), hours(month)) == (
        first,
        last,
        length,
    )
    assert month.contains(moment) and month.kind == "month"


def test_the_month_before_january_is_last_years_december():
    january = periods.month_of(at("Europe/Berlin", 2027, 1, 10), BERLIN)
    december = periods.previous(january, BERLIN)
    assert (periods.first_day(december, BERLIN), december.end) == (date(2026, 12, 1), january.start)


def test_trailing_periods_run_back_across_the_year_oldest_first():
    week = periods.week_of(at("Europe/Berlin", 2026, 1, 14, 12), BERLIN)
    trail = periods.trailing(week, 4, BERLIN)
    assert [periods.first_day(p, BERLIN) for p in trail] == [date(2025, 12, 15), date(2025, 12, 22),
                                                             date(2025, 12, 29), date(2026, 1, 5)]  # fmt: skip
    assert trail[-1].end == week.start
    months = periods.trailing(periods.month_of(at("America/New_York", 2026, 2, 1, 1), NEW_YORK), 3, NEW_YORK)
    assert [periods.first_day(p, NEW_YORK) for p in months] == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)]


def test_a_span_steps_back_by_its_own_length():
    span = periods.span(1000, 1600)
    assert periods.previous(span, BERLIN) == periods.Period("span", 400, 1000)


# -- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
                         "America/Havana", "America/Santiago"])  # fmt: skip
MOMENTS = st.integers(int(datetime(1971, 1, 1, tzinfo=UTC).timestamp()),
                      int(datetime(2199, 12, 1, tzinfo=UTC).timestamp()))  # fmt: skip


def local_day(moment: int, zone: str) -> date:
    return datetime.fromtimestamp(moment, ZoneInfo(zone)).date()


def first_moment_of(day: date, zone: str) -> int:
    """The first instant whose local date is `day` (local midnight, or the end of a gap)."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, datetime.min.time())
    moment = int(naive.replace(tzinfo=tz).timestamp())
    while local_day(moment - 1, zone) == day:  # an ambiguous midnight: its earlier occurrence
        moment -= HOUR // 2
    while local_day(moment, zone) != day:  # a midnight that does not exist
        moment += 60
    return moment


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(moment=MOMENTS, zone=ZONES, week_start=st.integers(0, 6))
def test_a_week_is_seven_local_days_from_its_first_weekday(moment, zone, week_start):
    settings = Settings(timezone=zone, week_start=week_start)
    week = periods.week_of(moment, settings)
    first, last = periods.first_day(week, settings), periods.last_day(week, settings)
    assert week.contains(moment)
    assert first.weekday() == week_start and last == first + timedelta(days=6)
    assert week.start == first_moment_of(first, zone) and week.end == first_moment_of(first + timedelta(days=7), zone)
    assert first == pendulum.Date(*local_day(moment, zone).timetuple()[:3]).subtract(
        days=(local_day(moment, zone).weekday() - week_start) % 7
    )
    before = periods.previous(week, settings)
    assert before.end == week.start and before == periods.week_of(week.start - 1, settings)


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(moment=MOMENTS, zone=ZONES)
def test_a_month_runs_from_its_first_local_day_to_the_next_months(moment, zone):
    settings = Settings(timezone=zone)
    month = periods.month_of(moment, settings)
    today = local_day(moment, zone)
    first, last = periods.first_day(month, settings), periods.last_day(month, settings)
    assert month.contains(moment)
    assert (first, last) == (today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1]))
    assert month.start == first_moment_of(first, zone) and month.end == first_moment_of(last + timedelta(days=1), zone)
    before = periods.previous(month, settings)
    assert before.end == month.start and before == periods.month_of(month.start - 1, settings)

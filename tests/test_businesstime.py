"""Business-time arithmetic: working hours, weekends, public holidays, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectcli.core.businesstime import WorkingTime, add_working_time, after, check_country, is_holiday
from expectcli.core.dates import parse_duration
from expectcli.errors import BadInput

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = WorkingTime("Europe/Berlin", time(9), time(17), frozenset(range(5)))
OFFICE_DE = WorkingTime("Europe/Berlin", time(9), time(17), frozenset(range(5)), holidays="DE")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def due(start: datetime, window: str, hours: WorkingTime = OFFICE) -> datetime:
    return after(start, parse_duration(window), hours).astimezone(BERLIN)


@pytest.mark.parametrize(
    "start, window, expected",
    [
        (local(2026, 11, 25, 10), "4h", local(2026, 11, 25, 14)),  # inside the day
        (local(2026, 11, 25, 16), "4h", local(2026, 11, 26, 12)),  # one hour today, three tomorrow
        (local(2026, 11, 25, 20), "4h", local(2026, 11, 26, 13)),  # after hours: starts next morning
        (local(2026, 11, 25, 6), "90m", local(2026, 11, 25, 10, 30)),  # before hours
        (local(2026, 11, 27, 16), "2h", local(2026, 11, 30, 10)),  # Friday afternoon → Monday
        (local(2026, 11, 28, 11), "1h", local(2026, 11, 30, 10)),  # Saturday → Monday
        (local(2026, 11, 25, 17), "8h", local(2026, 11, 26, 17)),  # at closing time: a whole day
        (local(2026, 11, 25, 10), "0h", local(2026, 11, 25, 10)),
        (local(2026, 11, 23, 14), "1bd", local(2026, 11, 24, 14)),  # one working day
        (local(2026, 11, 27, 14), "1bd", local(2026, 11, 30, 14)),  # over the weekend
        (local(2026, 11, 27, 20), "1bd", local(2026, 11, 30, 17)),  # from Friday night
        (local(2026, 11, 23, 14), "5bd", local(2026, 11, 30, 14)),
        (local(2026, 11, 27, 14), "2d", local(2026, 11, 29, 14)),  # calendar days ignore hours
        (local(2026, 11, 27, 14), "1w", local(2026, 12, 4, 14)),
    ],
)
def test_working_time(start, window, expected):
    assert due(start, window) == expected


def test_public_holidays_are_skipped_when_configured():
    christmas_eve = local(2026, 12, 24, 16)  # Thursday; 25th and 26th are holidays in Germany
    assert due(christmas_eve, "2h", OFFICE) == local(2026, 12, 25, 10)
    assert due(christmas_eve, "2h", OFFICE_DE) == local(2026, 12, 28, 10)
    easter = local(2026, 4, 2, 12)  # Thursday before Good Friday; Easter Monday follows
    assert due(easter, "1bd", OFFICE_DE) == local(2026, 4, 7, 12)
    assert is_holiday("DE", local(2027, 1, 1).date())
    assert not is_holiday("DE", local(2026, 11, 25).date())


def test_regional_holidays():
    epiphany = local(2026, 1, 6, 10).date()
    assert is_holiday("DE-BY", epiphany) and not is_holiday("DE", epiphany)


def test_unknown_country_is_refused():
    with pytest.raises(BadInput, match="unknown country 'XX'"):
        check_country("XX")


@pytest.mark.parametrize(
    "start, window, expected_utc",
    [
        # Friday 16:00 CET before the spring change (Sun 28 Mar 2027): Monday 12:00 CEST = 10:00 UTC.
        (local(2027, 3, 26, 16), "4h", datetime(2027, 3, 29, 10, tzinfo=UTC)),
        # Friday 16:00 CEST before the autumn change (Sun 25 Oct 2026): Monday 12:00 CET = 11:00 UTC.
        (local(2026, 10, 23, 16), "4h", datetime(2026, 10, 26, 11, tzinfo=UTC)),
        (local(2026, 10, 23, 14), "1bd", datetime(2026, 10, 26, 13, tzinfo=UTC)),
    ],
)
def test_working_hours_follow_the_wall_clock_across_dst(start, window, expected_utc):
    assert after(start, parse_duration(window), OFFICE) == expected_utc


def test_client_hours_in_another_zone():
    london = WorkingTime("Europe/London", time(9), time(17), frozenset(range(5)))
    arrived = local(2026, 11, 20, 16)  # Friday 15:00 in London
    assert after(arrived, parse_duration("4h"), london) == datetime(2026, 11, 23, 11, tzinfo=UTC)


def test_no_working_days_is_an_error_not_a_hang():
    closed = WorkingTime("Europe/Berlin", time(9), time(17), frozenset())
    with pytest.raises(BadInput):
        add_working_time(local(2026, 11, 25, 10), timedelta(hours=1), closed)


def test_a_business_day_is_the_clients_working_day_however_long():
    short_days = WorkingTime("Europe/Berlin", time(10), time(16), frozenset(range(5)))  # six hours
    assert after(local(2026, 11, 23, 14), parse_duration("1bd"), short_days) == local(2026, 11, 24, 14)
    assert after(local(2026, 11, 23, 14), parse_duration("6h"), short_days) == local(2026, 11, 24, 14)
    long_days = WorkingTime("Europe/Berlin", time(7), time(19), frozenset(range(5)))  # twelve hours
    assert after(local(2026, 11, 27, 8), parse_duration("2bd"), long_days) == local(2026, 12, 1, 8)


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    into=st.integers(1, 4 * 60 - 1),
    opens=st.integers(6, 10),
    length=st.integers(4, 10),
    count=st.integers(1, 30),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
)
def test_n_business_days_inside_working_hours_keep_the_wall_clock(day, into, opens, length, count, zone):
    """From a moment inside working hours on a working day, N business days later is the
    same wall-clock time on the Nth working day after it (DST changes happen at night). At
    opening time exactly, 1bd ends at that day's close, the same moment in working time."""
    hours = WorkingTime(zone, time(opens), time(opens + length), frozenset(range(5)))
    clock = time(opens + into // 60, into % 60)  # inside even the shortest working day
    day += timedelta(days=max(day.weekday() - 4, 0) and 7 - day.weekday())  # a weekend day: the Monday after
    start = datetime.combine(day, clock, tzinfo=ZoneInfo(zone))
    expected = day
    for _ in range(count):
        expected += timedelta(days=1)
        while expected.weekday() >= 5:
            expected += timedelta(days=1)
    assert after(start, parse_duration(f"{count}bd"), hours) == datetime.combine(expected, clock, tzinfo=ZoneInfo(zone))


def test_working_hours_that_start_at_midnight_count_from_midnight():
    night = WorkingTime("Europe/Berlin", time(0), time(4), frozenset(range(5)))
    assert due(local(2026, 11, 30, 10), "4h", night) == local(2026, 12, 1, 4)
    assert due(local(2026, 11, 30, 10), "90m", night) == local(2026, 12, 1, 1, 30)


def test_a_business_day_is_one_working_day_of_the_clients_hours():
    mornings = WorkingTime("Europe/Berlin", time(9), time(13), frozenset(range(5)))
    assert due(local(2026, 11, 30, 10), "1bd", mornings) == local(2026, 12, 1, 10)
    assert due(local(2026, 11, 30, 10), "4h", mornings) == local(2026, 12, 1, 10)


def test_windows_that_cannot_pass_are_refused_with_a_reason():
    no_days = WorkingTime("Europe/Berlin", time(9), time(17), frozenset())
    with pytest.raises(BadInput, match="^no working days are configured, so business time cannot pass$"):
        due(local(2026, 11, 30, 10), "1h", no_days)
    with pytest.raises(BadInput, match="^that response window is longer than ten years of working time$"):
        due(local(2026, 11, 30, 10), "5000bd")

"""Times for people: "in 2 days", "3 h overdue", "22 h late", held to Pendulum's differences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.durations import instant_at

HOUR, DAY = 3600, 86400
NOW = int(datetime(2026, 11, 25, 9, tzinfo=UTC).timestamp())  # Wed 10:00 in Berlin


@pytest.mark.parametrize(
    "seconds, words",
    [
        (0, "1 min"), (59, "1 min"), (60, "1 min"), (45 * 60, "45 min"), (59 * 60 + 59, "59 min"),
        (HOUR, "1 h"), (90 * 60, "2 h"), (22 * HOUR, "22 h"), (DAY, "1 day"), (2 * DAY, "2 days"),
        (13 * DAY, "13 days"), (14 * DAY, "2 weeks"), (35 * DAY, "5 weeks"), (-3 * HOUR, "3 h"),
    ],
)  # fmt: skip
def test_span_words(seconds, words):
    assert timefmt.span(seconds) == words


def test_relative_reads_ahead_and_behind():
    assert timefmt.relative(NOW + 2 * DAY, NOW) == "in 2 days"
    assert timefmt.relative(NOW + 7 * HOUR, NOW) == "in 7 h"
    assert timefmt.relative(NOW, NOW) == "in 1 min"  # due this very minute is not overdue yet
    assert timefmt.relative(NOW - 17 * HOUR, NOW) == "17 h overdue"
    assert timefmt.relative(NOW - 3 * DAY, NOW) == "3 days overdue"


def test_short_shows_the_local_time_and_the_year_when_it_is_not_this_one():
    berlin = Settings(timezone="Europe/Berlin")
    assert timefmt.short(NOW + 2 * DAY, berlin, NOW) == "Fri 27 Nov 10:00"
    assert timefmt.short(NOW + 40 * DAY, berlin, NOW) == "Mon 4 Jan 2027 10:00"
    assert timefmt.short(NOW, Settings(timezone="America/New_York"), NOW) == "Wed 25 Nov 04:00"
    assert timefmt.short(None, berlin, NOW) == ""


def test_the_same_local_day_is_the_users_day_not_utcs():
    tokyo = Settings(timezone="Asia/Tokyo")
    late_evening = int(datetime(2026, 11, 25, 14, 30, tzinfo=UTC).timestamp())  # 23:30 in Tokyo
    assert timefmt.is_same_local_day(late_evening, late_evening + HOUR, Settings()) is True
    assert timefmt.is_same_local_day(late_evening, late_evening + HOUR, tokyo) is False


DST_ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago"])
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC))


@hypothesis_settings(max_examples=400, deadline=None)
@given(now=MOMENTS, zone=DST_ZONES, days=st.integers(2, 60))
def test_a_deadline_n_days_ahead_on_the_wall_clock_reads_as_pendulum_counts_it(now, zone, days):
    """Across daylight-saving changes too: the phrase counts days as the calendar does."""
    now = now.replace(second=0, microsecond=0)
    local = pendulum.instance(now).in_timezone(zone)
    due = instant_at(local.date() + timedelta(days=days), local.time(), local.tzinfo)
    shown = pendulum.instance(due).in_timezone(zone)
    assume((shown.date(), shown.time()) == (local.date() + timedelta(days=days), local.time()))  # not in a gap
    counted = local.diff(shown).in_days()
    assert counted == days
    words = f"{counted} days" if counted < 14 else f"{round(counted / 7)} weeks"
    start, end = int(now.timestamp()), int(due.timestamp())
    assert timefmt.relative(end, start) == f"in {words}"
    assert timefmt.relative(start, end) == f"{words} overdue"


@hypothesis_settings(max_examples=300, deadline=None)
@given(seconds=st.integers(0, 400 * DAY))
def test_the_phrase_never_overstates_by_more_than_half_its_unit(seconds):
    words = timefmt.span(seconds)
    amount, unit = words.split(" ")
    size = {"min": 60, "h": HOUR, "day": DAY, "days": DAY, "weeks": 7 * DAY}[unit]
    assert abs(int(amount) * size - seconds) <= max(size / 2, 60)


@hypothesis_settings(max_examples=500, deadline=None)
@given(seconds=st.integers(2 * timefmt.SPAN_STEP + 1, 800 * DAY), other=st.integers(1, timefmt.SPAN_STEP - 1))
def test_the_phrase_is_the_same_throughout_a_half_hour_from_an_hour_on(seconds, other):
    """`listed_rows` remembers notes by half hour to go (`timefmt.SPAN_STEP`) for lengths not on one."""
    assume(seconds % timefmt.SPAN_STEP)
    start = seconds - seconds % timefmt.SPAN_STEP
    assert timefmt.span(seconds) == timefmt.span(start + other)


def test_the_phrase_changes_on_the_half_hours_where_it_rounds():
    assert [timefmt.span(s) for s in (5399, 5400, 5401)] == ["1 h", "2 h", "2 h"]
    assert [timefmt.span(s) for s in (3 * DAY // 2 - 1, 3 * DAY // 2 + 1)] == ["1 day", "2 days"]

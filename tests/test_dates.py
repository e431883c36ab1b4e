"""Tests for expectcli.core.dates: reading dates, times and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from budget import examples
from expectcli.core.config import Settings
from expectcli.core.dates import (
    DURATION_FORMS,
    WHEN_FORMS,
    Duration,
    now_utc,
    parse_duration,
    parse_when,
    to_local,
)
from expectcli.errors import BadInput

UTC = UTC
BERLIN = Settings(timezone="Europe/Berlin")
NEW_YORK = Settings(timezone="America/New_York")
# New York, 18:00 end of day, weeks starting on Sunday, working Sunday to Thursday.
SUN_THU = Settings(timezone="America/New_York", day_end=time(18, 0), week_start=6, workdays=(0, 1, 2, 3, 6))


def local(year, month, day, hour=0, minute=0, tz="Europe/Berlin"):
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def utc(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=UTC)


# Wednesday 2026-11-25 10:00 in Berlin (CET, +01:00) is 09:00 UTC; 17:00 CET is 16:00 UTC.
NOW = local(2026, 11, 25, 10)


def when(text, now=NOW, settings=BERLIN):
    result = parse_when(text, now, settings)
    assert type(result) is datetime
    assert result.tzinfo is UTC
    return result


def refusal(text, now=NOW, settings=BERLIN) -> str:
    with pytest.raises(BadInput) as caught:
        parse_when(text, now, settings)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert caught.value.exit_code == 2
    return message


# --- forms, in Europe/Berlin from Wednesday 2026-11-25 10:00 ------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # ISO dates and datetimes
        ("2026-12-03", utc(2026, 12, 3, 16)),
        ("2026-12-03T14:00", utc(2026, 12, 3, 13)),
        ("2026-12-03 14:00", utc(2026, 12, 3, 13)),
        ("2026-12-03T14:00:30", utc(2026, 12, 3, 13, 0)),  # seconds dropped
        ("2026-12-03T14:00:30.25", utc(2026, 12, 3, 13, 0)),
        ("2026-12-03T14:00+01:00", utc(2026, 12, 3, 13)),
        ("2026-12-03T14:00-0500", utc(2026, 12, 3, 19)),
        ("2026-12-03T14:00Z", utc(2026, 12, 3, 14)),
        ("2026-12-03t14:00:30z", utc(2026, 12, 3, 14, 0)),
        ("2026-07-01", utc(2026, 7, 1, 15)),  # summer: 17:00 CEST
        # day words
        ("today", utc(2026, 11, 25, 16)),
        ("tonight", utc(2026, 11, 25, 22, 59)),
        ("tomorrow", utc(2026, 11, 26, 16)),
        ("yesterday", utc(2026, 11, 24, 16)),
        ("eod", utc(2026, 11, 25, 16)),
        ("eow", utc(2026, 11, 27, 16)),
        ("eom", utc(2026, 11, 30, 16)),
        # weekdays: the next one still ahead; today (Wednesday) counts before 17:00
        ("mon", utc(2026, 11, 30, 16)),
        ("monday", utc(2026, 11, 30, 16)),
        ("tue", utc(2026, 12, 1, 16)),
        ("tues", utc(2026, 12, 1, 16)),
        ("tuesday", utc(2026, 12, 1, 16)),
        ("wed", utc(2026, 11, 25, 16)),
        ("weds", utc(2026, 11, 25, 16)),
        ("wednesday", utc(2026, 11, 25, 16)),
        ("thu", utc(2026, 11, 26, 16)),
        ("thur", utc(2026, 11, 26, 16)),
        ("thurs", utc(2026, 11, 26, 16)),
        ("thursday", utc(2026, 11, 26, 16)),
        ("fri", utc(2026, 11, 27, 16)),
        ("friday", utc(2026, 11, 27, 16)),
        ("sat", utc(2026, 11, 28, 16)),
        ("saturday", utc(2026, 11, 28, 16)),
        ("sun", utc(2026, 11, 29, 16)),
        ("sunday", utc(2026, 11, 29, 16)),
        ("next fri", utc(2026, 12, 4, 16)),  # Friday of next week
        ("this fri", utc(2026, 11, 27, 16)),
        ("next wed", utc(2026, 12, 2, 16)),
        ("this wed", utc(2026, 11, 25, 16)),
        ("wed 11am", utc(2026, 11, 25, 10)),  # still ahead today
        ("wed 9am", utc(2026, 12, 2, 8)),  # already past today: next week
        ("wed 10:00", utc(2026, 12, 2, 9)),  # exactly now is not ahead
        # a day plus a time
        ("fri 5pm", utc(2026, 11, 27, 16)),
        ("friday 17:30", utc(2026, 11, 27, 16, 30)),
        ("fri at 5pm", utc(2026, 11, 27, 16)),
        ("tomorrow 09:30", utc(2026, 11, 26, 8, 30)),
        ("tomorrow at 09:30", utc(2026, 11, 26, 8, 30)),
        ("today 3pm", utc(2026, 11, 25, 14)),
        ("today 8am", utc(2026, 11, 25, 7)),  # literal, even though past
        ("yesterday 14:00", utc(2026, 11, 24, 13)),
        ("tomorrow noon", utc(2026, 11, 26, 11)),
        ("tomorrow midnight", utc(2026, 11, 26, 23)),  # the end of tomorrow
        ("fri midnight", utc(2026, 11, 27, 23)),  # the night from Friday to Saturday
        ("dec 3 14:00", utc(2026, 12, 3, 13)),
        ("3 dec 14:00", utc(2026, 12, 3, 13)),
        ("dec 3 at 2pm", utc(2026, 12, 3, 13)),
        ("december 3", utc(2026, 12, 3, 16)),
        ("dec 3", utc(2026, 12, 3, 16)),
        ("3 dec", utc(2026, 12, 3, 16)),
        ("3 december", utc(2026, 12, 3, 16)),
        ("dec 3rd", utc(2026, 12, 3, 16)),
        ("2026-12-03 5pm", utc(2026, 12, 3, 16)),
        ("2026-12-03 at 9:30am", utc(2026, 12, 3, 8, 30)),
        ("dec 3 2027", utc(2027, 12, 3, 16)),
        ("dec 3, 2027", utc(2027, 12, 3, 16)),
        ("3 dec 2027 10:00", utc(2027, 12, 3, 9)),
        ("sept 3", utc(2027, 9, 3, 15)),  # past this year; next year, CEST
        ("sep 3", utc(2027, 9, 3, 15)),
        ("september 3", utc(2027, 9, 3, 15)),
        ("jan 5", utc(2027, 1, 5, 16)),
        ("nov 24", utc(2027, 11, 24, 16)),  # yesterday's date: next year
        ("nov 25", utc(2026, 11, 25, 16)),  # today's date: this year
        ("nov 25 8am", utc(2026, 11, 25, 7)),  # today's date, even at a past time
        ("feb 29", utc(2028, 2, 29, 16)),  # the next leap day
        # a time alone: today, even if already past
        ("5pm", utc(2026, 11, 25, 16)),
        ("5 pm", utc(2026, 11, 25, 16)),
        ("5:30pm", utc(2026, 11, 25, 16, 30)),
        ("5:30 pm", utc(2026, 11, 25, 16, 30)),
        ("8am", utc(2026, 11, 25, 7)),
        ("12am", utc(2026, 11, 24, 23)),
        ("12:30am", utc(2026, 11, 24, 23, 30)),
        ("12pm", utc(2026, 11, 25, 11)),
        ("1pm", utc(2026, 11, 25, 12)),  # the lowest hour of a 12-hour clock
        ("1am", utc(2026, 11, 25, 0)),
        ("17:00", utc(2026, 11, 25, 16)),
        ("09:30", utc(2026, 11, 25, 8, 30)),
        ("9:30", utc(2026, 11, 25, 8, 30)),
        ("0:00", utc(2026, 11, 24, 23)),
        ("noon", utc(2026, 11, 25, 11)),
        ("midnight", utc(2026, 11, 25, 23)),  # the end of today, never its start
        ("at 5pm", utc(2026, 11, 25, 16)),
        # relative: hours and minutes from now, days at 17:00
        ("in 3 days", utc(2026, 11, 28, 16)),
        ("in 1 day", utc(2026, 11, 26, 16)),
        ("in 2 weeks", utc(2026, 12, 9, 16)),
        ("in 1 week", utc(2026, 12, 2, 16)),
        ("in 3 business days", utc(2026, 11, 30, 16)),  # Thu, Fri, Mon
        ("in 1 business day", utc(2026, 11, 26, 16)),
        ("in 2 hours", utc(2026, 11, 25, 11)),
        ("in 1 hour", utc(2026, 11, 25, 10)),
        ("in 90 minutes", utc(2026, 11, 25, 10, 30)),
        ("in 30 mins", utc(2026, 11, 25, 9, 30)),
        ("in 3d", utc(2026, 11, 28, 16)),
        ("3d", utc(2026, 11, 28, 16)),
        ("+3d", utc(2026, 11, 28, 16)),
        ("2w", utc(2026, 12, 9, 16)),
        ("2h", utc(2026, 11, 25, 11)),
        ("90m", utc(2026, 11, 25, 10, 30)),
        ("30min", utc(2026, 11, 25, 9, 30)),
        ("+2bd", utc(2026, 11, 27, 16)),
        ("2bd", utc(2026, 11, 27, 16)),
        ("3bd", utc(2026, 11, 30, 16)),
        ("5bd", utc(2026, 12, 2, 16)),
        ("6bd", utc(2026, 12, 3, 16)),
        ("0d", utc(2026, 11, 25, 16)),
        ("0bd", utc(2026, 11, 25, 16)),
        ("0h", utc(2026, 11, 25, 9)),
        ("3 days", utc(2026, 11, 28, 16)),
        # case and whitespace
        ("  TOMORROW   5PM ", utc(2026, 11, 26, 16)),
        ("Dec\t3\n14:00", utc(2026, 12, 3, 13)),
        ("EOW", utc(2026, 11, 27, 16)),
        ("In  3  Days", utc(2026, 11, 28, 16)),
        ("Next Friday", utc(2026, 12, 4, 16)),
    ],
)
def test_forms_in_berlin(text, expected):
    assert when(text) == expected


def test_now_in_any_zone_or_naive_utc_gives_the_same_result():
    for now in (NOW.astimezone(UTC), NOW.astimezone(ZoneInfo("Asia/Tokyo")), datetime(2026, 11, 25, 9)):
        assert when("fri 5pm", now=now) == utc(2026, 11, 27, 16)
        assert when("2h", now=now) == utc(2026, 11, 25, 11)
        assert when("today", now=now) == utc(2026, 11, 25, 16)


def test_today_is_the_users_local_date_not_utcs():
    # 23:30 UTC on the 25th is already the 26th in Berlin.
    assert when("today", now=utc(2026, 11, 25, 23, 30)) == utc(2026, 11, 26, 16)


def test_iso_results_drop_seconds_and_microseconds():
    assert when("2026-12-03T14:00:30.123456Z") == utc(2026, 12, 3, 14, 0)


def test_hours_drop_the_seconds_of_now():
    assert when("2h", now=local(2026, 11, 25, 10) + timedelta(seconds=7)) == utc(2026, 11, 25, 11, 0)


# --- eow, eom, weekdays at the edges -----------------------------------------------


@pytest.mark.parametrize(
    "now, expected",
    [
        (local(2026, 11, 23, 9), utc(2026, 11, 27, 16)),  # Monday
        (local(2026, 11, 27, 16, 59), utc(2026, 11, 27, 16)),  # Friday before 17:00
        (local(2026, 11, 27, 17, 0), utc(2026, 11, 27, 16)),  # exactly 17:00 is not past
        (local(2026, 11, 27, 18), utc(2026, 12, 4, 16)),  # Friday after 17:00
        (local(2026, 11, 28, 10), utc(2026, 12, 4, 16)),  # Saturday
        (local(2026, 11, 29, 23), utc(2026, 12, 4, 16)),  # Sunday
    ],
)
def test_eow(now, expected):
    assert when("eow", now=now) == expected


def test_eod_is_literal_even_when_past():
    assert when("eod", now=local(2026, 11, 25, 20)) == utc(2026, 11, 25, 16)


def test_weekday_on_the_same_weekday_after_day_end_is_next_week():
    assert when("wed", now=local(2026, 11, 25, 18)) == utc(2026, 12, 2, 16)
    assert when("wed 7pm", now=local(2026, 11, 25, 18)) == utc(2026, 11, 25, 18)


@pytest.mark.parametrize(
    "now, expected",
    [
        (local(2028, 2, 10, 9), utc(2028, 2, 29, 16)),  # leap year
        (local(2027, 2, 10, 9), utc(2027, 2, 28, 16)),
        (local(2026, 12, 31, 20), utc(2026, 12, 31, 16)),  # literal, and December
        (local(2027, 3, 2, 9), utc(2027, 3, 31, 15)),  # March 31 is summer time
    ],
)
def test_eom(now, expected):
    assert when("eom", now=now) == expected


def test_month_day_rolls_to_next_year():
    assert when("jan 1", now=local(2026, 12, 31, 9)) == utc(2027, 1, 1, 16)
    assert when("dec 31", now=local(2026, 12, 31, 20)) == utc(2026, 12, 31, 16)
    assert when("feb 29", now=local(2028, 3, 1, 9)) == utc(2032, 2, 29, 16)


# --- another zone, day end, week and workdays --------------------------------------

NY_NOW = local(2026, 11, 25, 10, tz="America/New_York")  # Wednesday, EST = 15:00 UTC


@pytest.mark.parametrize(
    "text, expected",
    [
        ("today", utc(2026, 11, 25, 23)),  # 18:00 EST
        ("tonight", utc(2026, 11, 26, 4, 59)),
        ("tomorrow", utc(2026, 11, 26, 23)),
        ("2026-12-03", utc(2026, 12, 3, 23)),
        ("2026-12-03 14:00", utc(2026, 12, 3, 19)),
        ("fri", utc(2026, 11, 27, 23)),
        ("fri 5pm", utc(2026, 11, 27, 22)),
        ("eow", utc(2026, 11, 26, 23)),  # the week Sun..Sat ends its work on Thursday
        ("eom", utc(2026, 11, 30, 23)),
        ("2bd", utc(2026, 11, 29, 23)),  # Thu, then Sunday
        ("3bd", utc(2026, 11, 30, 23)),
        ("2h", utc(2026, 11, 25, 17)),
        ("5pm", utc(2026, 11, 25, 22)),
    ],
)
def test_forms_in_new_york_with_custom_week(text, expected):
    assert when(text, now=NY_NOW, settings=SUN_THU) == expected


def test_eow_with_custom_week_after_its_last_workday():
    friday = local(2026, 11, 27, 10, tz="America/New_York")
    assert when("eow", now=friday, settings=SUN_THU) == utc(2026, 12, 3, 23)
    sunday = local(2026, 11, 29, 10, tz="America/New_York")
    assert when("eow", now=sunday, settings=SUN_THU) == utc(2026, 12, 3, 23)


def test_custom_day_end():
    settings = Settings(timezone="Europe/Berlin", day_end=time(18, 0))
    assert when("tomorrow", settings=settings) == utc(2026, 11, 26, 17)
    assert when("3d", settings=settings) == utc(2026, 11, 28, 17)
    assert when("wed", now=local(2026, 11, 25, 17, 30), settings=settings) == utc(2026, 11, 25, 17)


# --- daylight saving time -------------------------------------------------------------

# Europe/Berlin: summer time starts 2027-03-28 02:00 -> 03:00 and ends 2026-10-25 03:00 -> 02:00.
# America/New_York: starts 2027-03-14 02:00 -> 03:00 and ends 2026-11-01 02:00 -> 01:00.
NY = "America/New_York"


@pytest.mark.parametrize(
    "settings, now, expected",
    [
        (BERLIN, local(2027, 3, 27, 10), utc(2027, 3, 28, 15)),  # 17:00 CEST
        (BERLIN, local(2026, 10, 24, 10), utc(2026, 10, 25, 16)),  # 17:00 CET
        (NEW_YORK, local(2027, 3, 13, 10, tz=NY), utc(2027, 3, 14, 21)),  # 17:00 EDT
        (NEW_YORK, local(2026, 10, 31, 10, tz=NY), utc(2026, 11, 1, 22)),  # 17:00 EST
    ],
)
def test_tomorrow_across_dst_is_day_end_on_the_wall_clock(settings, now, expected):
    assert when("tomorrow", now=now, settings=settings) == expected
    assert when("1d", now=now, settings=settings) == expected
    assert to_local(expected, settings).time() == time(17, 0)


@pytest.mark.parametrize(
    "settings, now",
    [
        (BERLIN, local(2027, 3, 28, 1, 30)),
        (BERLIN, local(2026, 10, 25, 1, 30)),
        (NEW_YORK, local(2027, 3, 14, 1, 30, tz=NY)),
        (NEW_YORK, local(2026, 11, 1, 0, 30, tz=NY)),
    ],
)
def test_hours_across_dst_are_exact(settings, now):
    assert (when("2h", now=now, settings=settings) - now).total_seconds() == 7200
    assert (when("in 120 minutes", now=now, settings=settings) - now).total_seconds() == 7200
    later = Duration(2, "h").add_to(now, settings)
    assert later.tzinfo is UTC and (later - now).total_seconds() == 7200


@pytest.mark.parametrize(
    "settings, start, hours",
    [
        (BERLIN, local(2027, 3, 27, 12), 23),
        (BERLIN, local(2026, 10, 24, 12), 25),
        (NEW_YORK, local(2027, 3, 13, 12, tz=NY), 23),
        (NEW_YORK, local(2026, 10, 31, 12, tz=NY), 25),
    ],
)
def test_one_day_duration_across_dst_keeps_the_wall_clock(settings, start, hours):
    end = parse_duration("1d").add_to(start, settings)
    assert end - start == timedelta(hours=hours)
    assert to_local(end, settings).time() == time(12, 0)


@pytest.mark.parametrize(
    "settings, text, expected",
    [
        # gap: a wall time that does not exist moves forward by the gap
        (BERLIN, "2027-03-28 02:30", utc(2027, 3, 28, 1, 30)),  # 03:30 CEST
        (BERLIN, "2027-03-28T02:30", utc(2027, 3, 28, 1, 30)),
        (BERLIN, "mar 28 2027 2:30am", utc(2027, 3, 28, 1, 30)),
        (NEW_YORK, "2027-03-14 02:30", utc(2027, 3, 14, 7, 30)),  # 03:30 EDT
        # fold: an ambiguous wall time means its first (summer-time) occurrence
        (BERLIN, "2026-10-25 02:30", utc(2026, 10, 25, 0, 30)),  # 02:30 CEST, +02:00
        (BERLIN, "oct 25 2026 2:30am", utc(2026, 10, 25, 0, 30)),
        (NEW_YORK, "2026-11-01 01:30", utc(2026, 11, 1, 5, 30)),  # 01:30 EDT, -04:00
        # an explicit offset is taken as given
        (BERLIN, "2026-10-25T02:30+01:00", utc(2026, 10, 25, 1, 30)),
    ],
)
def test_gap_and_fold_wall_times(settings, text, expected):
    assert when(text, settings=settings) == expected


def test_gap_and_fold_in_durations():
    # 02:30 on Saturday plus one day is in the gap: 03:30 CEST.
    assert Duration(1, "d").add_to(local(2027, 3, 27, 2, 30), BERLIN) == utc(2027, 3, 28, 1, 30)
    # 02:30 on Saturday plus one day is in the fold: the first 02:30 (CEST).
    assert Duration(1, "d").add_to(local(2026, 10, 24, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


def test_gap_wall_time_of_now_gives_local_today():
    # "today 2:30am" on the day of the Berlin gap.
    assert when("today 2:30am", now=local(2027, 3, 28, 12), settings=BERLIN) == utc(2027, 3, 28, 1, 30)


# --- refusals ---------------------------------------------------------------------------


def test_unreadable_message_quotes_the_input_and_names_the_forms():
    assert refusal("xyz") == f"can't read 'xyz' as a date or time; try {WHEN_FORMS}"
    assert "tomorrow" in WHEN_FORMS and "+2bd" in WHEN_FORMS


@pytest.mark.parametrize(
    "text",
    [
        "xyz", "fri fri", "at", "tomorrow at", "in", "in soon", "3", "d", "next",
        "2026-12", "2026-12-3", "20261203",
        "in 2 months", "10000-01-01", "🎉", "\x00", "fri\x00", "5p", "5 o'clock",
        "2026-12-03T14:00:30.1234567", "tomorrow 5", "dec", "dec 3 17",
    ],
)  # fmt: skip
def test_unreadable(text):
    message = refusal(text)
    assert message.startswith("can't read ")
    assert "try 2026-12-03" in message


@pytest.mark.parametrize(
    "text, message",
    [
        ("2026-02-30", "2026-02-30 is not a calendar date"),
        ("2026-13-01", "2026-13-01 is not a calendar date"),
        ("2026-02-30 14:00", "2026-02-30 is not a calendar date"),
        ("2026-02-30 5pm", "2026-02-30 is not a calendar date"),
        ("0000-01-01", "0000-01-01 is not a calendar date"),
        ("2027-02-29", "2027-02-29 is not a calendar date"),
        ("feb 30", "feb 30 is not a calendar date"),
        ("Feb 30", "feb 30 is not a calendar date"),
        ("31 apr", "31 apr is not a calendar date"),
        ("feb 29 2027", "feb 29 2027 is not a calendar date"),
        ("dec 0", "dec 0 is not a calendar date"),
        ("25:00", "25:00 is not a clock time"),
        ("12:60", "12:60 is not a clock time"),
        ("fri 25:00", "25:00 is not a clock time"),
        ("13pm", "13pm is not a clock time"),
        ("0am", "0am is not a clock time"),
        ("5:75pm", "5:75pm is not a clock time"),
        ("2026-12-03T24:00", "24:00 is not a clock time"),
        ("2026-12-03T14:00+25:00", "+25:00 is not a UTC offset"),
    ],
)
def test_impossible_dates_and_times_have_their_own_message(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize("text", ["-3d", "-1h", "in -3 days", "- 2bd"])
def test_negative_amounts_are_refused(text):
    assert "negative" in refusal(text)


@pytest.mark.parametrize("text", ["", " ", "\t\n  ", "\u2028"])
def test_empty_input(text):
    assert refusal(text).startswith("no date or time given; try ")


@pytest.mark.parametrize(
    "text",
    ["99999999999d", "in 999999 weeks", "9999999999999999999999999h", "1" * 5000 + "d", "3000000d"],
)
def test_amounts_beyond_the_calendar(text):
    assert "years 1970 to 2199" in refusal(text)


def test_edges_of_the_accepted_years():
    assert when("2199-12-31") == utc(2199, 12, 31, 16)
    assert when("1970-01-01T00:00Z") == utc(1970, 1, 1)
    assert "years 1970 to 2199" in refusal("2199-12-31 23:00-05:00")
    assert "years 1970 to 2199" in refusal("1969-12-31")
    assert "years 1970 to 2199" in refusal("2200-01-01")
    assert "years 1970 to 2199" in refusal("tomorrow", now=utc(2199, 12, 31, 12))
    assert "years 1970 to 2199" in refusal("dec 1", now=utc(2199, 12, 15, 12))
    assert "years 1970 to 2199" in refusal("9999-12-31")


def test_long_input_is_trimmed_in_the_message():
    message = refusal("nonsense " * 50)
    assert message.count("nonsense") < 6
    assert len(message) < 90 + len(WHEN_FORMS)
    assert "…" in message


def test_control_characters_are_escaped_in_the_message():
    message = refusal("fri\x1b[31m\x00")
    assert "\x1b" not in message and "\x00" not in message
    assert "\\x1b" in message


# --- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, amount, unit",
    [
        ("4h", 4, "h"),
        ("2d", 2, "d"),
        ("1bd", 1, "bd"),
        ("90m", 90, "m"),
        ("1w", 1, "w"),
        ("30min", 30, "m"),
        ("30 mins", 30, "m"),
        ("2 days", 2, "d"),
        ("1 day", 1, "d"),
        ("3 business days", 3, "bd"),
        ("1 business day", 1, "bd"),
        ("1 hour", 1, "h"),
        ("5 hours", 5, "h"),
        ("2 weeks", 2, "w"),
        ("+4h", 4, "h"),
        ("+2bd", 2, "bd"),
        ("  4H ", 4, "h"),
        ("0h", 0, "h"),
        ("007d", 7, "d"),
    ],
)
def test_parse_duration(text, amount, unit):
    duration = parse_duration(text)
    assert duration == Duration(amount, unit)
    assert str(duration) == f"{amount}{unit}"
    assert parse_duration(str(duration)) == duration


@pytest.mark.parametrize(
    "text",
    ["x", "", "  ", "4", "h", "4 h h", "in 2d", "4 months", "2.5.5h", "fri", "4h30m", "🎉", "\x00"],
)
def test_unreadable_durations(text):
    with pytest.raises(BadInput) as caught:
        parse_duration(text)
    assert str(caught.value) == f"can't read {text.strip()!r} as a duration; try {DURATION_FORMS}"


def test_duration_message_example():
    with pytest.raises(BadInput, match=r"^can't read 'x' as a duration; try 4h, 90m, 2d, 1w, 1bd$"):
        parse_duration("x")


@pytest.mark.parametrize("text", ["-1h", "- 2d", "-0bd"])
def test_negative_durations_are_refused(text):
    with pytest.raises(BadInput, match="negative"):
        parse_duration(text)


def test_absurd_durations_are_refused():
    with pytest.raises(BadInput, match="years 1970 to 2199"):
        parse_duration("99999999999d")


def test_duration_rejects_invalid_construction():
    with pytest.raises(ValueError):
        Duration(-1, "h")
    with pytest.raises(ValueError):
        Duration(1, "months")


@pytest.mark.parametrize(
    "duration, start, expected",
    [
        (Duration(90, "m"), utc(2026, 11, 25, 9), utc(2026, 11, 25, 10, 30)),
        (Duration(4, "h"), utc(2026, 11, 25, 9), utc(2026, 11, 25, 13)),
        (Duration(0, "h"), utc(2026, 11, 25, 9, 0, 5), utc(2026, 11, 25, 9, 0, 5)),
        (Duration(2, "d"), local(2026, 11, 25, 15, 30), utc(2026, 11, 27, 14, 30)),
        (Duration(1, "w"), local(2026, 11, 25, 15, 30), utc(2026, 12, 2, 14, 30)),
        (Duration(1, "w"), local(2027, 3, 24, 12), utc(2027, 3, 31, 10)),  # across DST: 12:00 CEST
        (Duration(1, "bd"), local(2026, 11, 27, 15, 30), utc(2026, 11, 30, 14, 30)),  # Fri -> Mon
        (Duration(1, "bd"), local(2026, 11, 28, 15, 30), utc(2026, 11, 30, 14, 30)),  # Sat -> Mon
        (Duration(3, "bd"), local(2026, 11, 25, 15, 30), utc(2026, 11, 30, 14, 30)),
        (Duration(0, "bd"), local(2026, 11, 28, 15, 30), utc(2026, 11, 28, 14, 30)),
        (Duration(1, "d"), datetime(2026, 11, 25, 9), utc(2026, 11, 26, 9)),  # naive = UTC
    ],
)
def test_duration_add_to(duration, start, expected):
    result = duration.add_to(start, BERLIN)
    assert result == expected
    assert type(result) is datetime and result.tzinfo is UTC


def test_duration_add_to_uses_the_settings_zone_and_workdays():
    start = local(2026, 11, 26, 12, tz=NY)  # Thursday
    assert Duration(1, "bd").add_to(start, SUN_THU) == utc(2026, 11, 29, 17)  # Sunday 12:00 EST
    assert Duration(1, "bd").add_to(start, NEW_YORK) == utc(2026, 11, 27, 17)  # Friday


def test_duration_add_to_beyond_the_calendar_is_bad_input():
    with pytest.raises(BadInput, match="years 1970 to 2199"):
        Duration(1, "w").add_to(utc(9999, 12, 30), BERLIN)
    with pytest.raises(BadInput, match="years 1970 to 2199"):
        Duration(10, "h").add_to(utc(9999, 12, 31, 20), BERLIN)
    with pytest.raises(BadInput, match=r"^1w after 9999-12-30T00:00:00\+00:00 is outside the dates"):
        Duration(1, "w").add_to(utc(9999, 12, 30), BERLIN)


# --- now_utc and to_local -------------------------------------------------------------


def test_now_utc_is_aware_utc_to_the_minute():
    with time_machine.travel(utc(2026, 11, 25, 9, 0, 59, 654321), tick=False):
        now = now_utc()
    assert now == utc(2026, 11, 25, 9, 0)
    assert now.tzinfo is UTC and type(now) is datetime


def test_to_local():
    moment = to_local(utc(2026, 11, 25, 9), BERLIN)
    assert moment == utc(2026, 11, 25, 9)
    assert moment.tzinfo == ZoneInfo("Europe/Berlin")
    assert (moment.hour, moment.utcoffset()) == (10, timedelta(hours=1))
    assert to_local(datetime(2026, 7, 1, 12), BERLIN).hour == 14  # naive = UTC; CEST


def test_unknown_zone_is_bad_input():
    with pytest.raises(BadInput, match="time zone"):
        parse_when("today", NOW, Settings(timezone="Mars/Olympus_Mons"))


# --- properties ---------------------------------------------------------------------------

ZONES = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"])
NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC))
WORDS = [
    "in", "at", "next", "this", "+", "-", "today", "tonight", "tomorrow", "yesterday", "eod",
    "eow", "eom", "fri", "thurs", "dec", "sept", "feb", "3", "29", "30", "2027", "0000",
    "5pm", "12am", "13pm", "14:00", "25:00", "9:30", "noon", "midnight", "3d", "2bd", "90m",
    "2026-12-03", "2026-02-30", "2026-12-03t14:00", "z", "+01:00", "days", "business days",
    "hours", "mins", "w", "99999999999", "\x00", "🎉", ",",
    "the", "6th", "31st", "of", "ago", "overdue", "last", "week", "month", "a", "an", "now", "1.5h",
    "0.5", "03/12", "3/12/2026", "2026/12/03", "99/99/99", "cet", "cest", "+0300", "sun", "25",
    "oct", "nov 2026", "02:30", "2199-12-31", "1969-12-31", "9999-12-31", "on", "p.m.",
]  # fmt: skip
SOUPS = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


def assert_one_line_bad_input_or_utc(call):
    try:
        result = call()
    except BadInput as error:
        assert len(str(error).splitlines()) == 1
        return None
    return result


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(text=st.text() | SOUPS, zone=ZONES, now=NOWS)
def test_parse_when_never_raises_anything_but_bad_input(text, zone, now):
    result = assert_one_line_bad_input_or_utc(lambda: parse_when(text, now, Settings(timezone=zone)))
    if result is not None:
        assert type(result) is datetime and result.tzinfo is UTC


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(text=st.text() | SOUPS)
def test_parse_duration_never_raises_anything_but_bad_input(text):
    result = assert_one_line_bad_input_or_utc(lambda: parse_duration(text))
    if result is not None:
        assert isinstance(result, Duration) and parse_duration(str(result)) == result


@hypothesis_settings(deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), zone=ZONES)
def test_iso_date_is_that_date_at_day_end(day, zone):
    settings = Settings(timezone=zone, day_end=time(18, 30))
    expected = datetime.combine(day, time(18, 30), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert when(day.isoformat(), settings=settings) == expected


@hypothesis_settings(deadline=None)
@given(n=st.integers(0, 3650), zone=ZONES, now=NOWS)
def test_n_days_is_today_plus_n_at_day_end(n, zone, now):
    settings = Settings(timezone=zone)
    result = to_local(when(f"{n}d", now=now, settings=settings), settings)
    assert result.date() == to_local(now, settings).date() + timedelta(days=n)
    assert result.time() == settings.day_end


@hypothesis_settings(deadline=None)
@given(
    n=st.integers(0, 400),
    now=NOWS,
    workdays=st.sets(st.integers(0, 6), min_size=1).map(lambda days: tuple(sorted(days))),
)
def test_n_business_days_lands_on_the_nth_workday(n, now, workdays):
    settings = Settings(timezone="Europe/Berlin", workdays=workdays)
    today = to_local(now, settings).date()
    result = to_local(when(f"{n}bd", now=now, settings=settings), settings)
    assert result.time() == settings.day_end
    if n == 0:
        assert result.date() == today
        return
    assert result.date() > today
    assert result.weekday() in workdays
    between = (today + timedelta(days=i) for i in range(1, (result.date() - today).days + 1))
    assert sum(day.weekday() in workdays for day in between) == n


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(
    start=NOWS,
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago"]),
    amount=st.integers(0, 400),
    unit=st.sampled_from(["d", "w"]),
)
def test_day_based_durations_add_as_pendulum_adds_on_the_wall_clock(start, zone, amount, unit):
    """`add_to` runs on a prompt's `due --count`, so it is plain zoneinfo; Pendulum, whose
    `add` keeps the wall-clock time across DST, is its reference wherever that time exists
    once (in a gap or a fold the rules of the module docstring decide instead)."""
    import pendulum

    start = start.replace(microsecond=0)
    expected = pendulum.instance(start).in_timezone(zone).add(**{"days" if unit == "d" else "weeks": amount})
    wall = expected.naive()
    assume(wall.replace(tzinfo=ZoneInfo(zone)).utcoffset() == wall.replace(tzinfo=ZoneInfo(zone), fold=1).utcoffset())
    result = Duration(amount, unit).add_to(start, Settings(timezone=zone))
    assert result == expected and result.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall


@hypothesis_settings(max_examples=examples(200), deadline=None)
@given(start=NOWS, zone=ZONES, weekday=st.integers(0, 6))
def test_a_weekday_is_the_next_such_day_as_pendulum_steps(start, zone, weekday):
    import pendulum

    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    result = parse_when(f"{names[weekday]} 12:00", start, Settings(timezone=zone)).astimezone(ZoneInfo(zone))
    today = pendulum.instance(start).in_timezone(zone)
    candidates = [today.date()] if today.day_of_week == weekday and today.hour < 12 else []
    assert result.date() == (candidates or [today.date().next(weekday)])[0]


def test_business_days_without_workdays_are_refused_with_a_reason():
    no_workdays = Settings(timezone="Europe/Berlin", workdays=())
    assert refusal("+2bd", settings=no_workdays) == "no workdays are configured, so working days cannot be counted"
    weekend_only = Settings(timezone="Europe/Berlin", workdays=(5, 6))
    assert parse_when("1bd", NOW, weekend_only) == utc(2026, 11, 28, 16)  # Saturday at day end


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-03T14:00+05:30", utc(2026, 12, 3, 8, 30)),  # offsets with minutes
        ("2026-12-03T14:00-03:30", utc(2026, 12, 3, 17, 30)),
        ("2026-12-03T14:00+0545", utc(2026, 12, 3, 8, 15)),
        ("2026-12-03T14:00+01", utc(2026, 12, 3, 13)),  # hours only
        ("2026-12-03T14:00+23:00", utc(2026, 12, 2, 15)),  # the widest offsets
        ("2026-12-03T14:00+00:59", utc(2026, 12, 3, 13, 1)),
    ],
)
def test_utc_offsets(text, expected):
    assert parse_when(text, NOW, BERLIN) == expected


@pytest.mark.parametrize("offset", ["+24:00", "+00:60"])
def test_offsets_out_of_range_are_refused(offset):
    assert refusal(f"2026-12-03T14:00{offset}") == f"{offset} is not a UTC offset"


def test_negative_amounts_are_refused_naming_the_input_and_the_way_out():
    assert (
        refusal("-3d")
        == "'-3d': negative amounts are not accepted; give a date for a day in the past, or write '2 days ago'"
    )
    with pytest.raises(BadInput) as caught:
        parse_duration("-2h")
    assert str(caught.value) == f"'-2h': negative amounts are not accepted; try {DURATION_FORMS}"


def test_seconds_up_to_59_are_read_and_dropped_and_60_refused():
    assert parse_when("2026-12-03T14:00:59Z", NOW, BERLIN) == utc(2026, 12, 3, 14, 0)
    assert refusal("2026-12-03T14:00:60Z") == "14:00:60 is not a clock time"


def test_input_is_quoted_whole_up_to_40_characters_then_shortened():
    forty = "x" * 40
    assert refusal(forty).startswith(f"can't read '{forty}' as a date or time")
    assert refusal(forty + "y").startswith(f"can't read '{'x' * 39}…' as a date or time")


def test_amounts_are_read_up_to_the_calendars_span_whatever_their_leading_zeros():
    assert parse_duration("3652059d") == Duration(3652059, "d")
    assert parse_duration("0000000000003d") == Duration(3, "d")
    with pytest.raises(BadInput, match=r"^'3652060d' is outside the dates"):
        parse_duration("3652060d")
    assert refusal("in 3000000 days").startswith("'in 3000000 days' is outside the dates")
    assert refusal("9999-12-31T23:00-05:00").startswith("'9999-12-31T23:00-05:00' is outside the dates")


def test_only_ascii_digits_are_read():
    assert refusal("\u0663d").startswith("can't read")  # ARABIC-INDIC DIGIT THREE
    assert refusal("2026-12-0\u0663").startswith("can't read")


def test_a_naive_now_is_utc_whatever_the_machines_zone(monkeypatch):
    import time as clock

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14
    clock.tzset()
    try:
        naive = datetime(2026, 11, 24, 23, 30)  # 00:30 on the 25th in Berlin
        assert parse_when("tomorrow", naive, BERLIN) == utc(2026, 11, 26, 16)
    finally:
        monkeypatch.undo()
        clock.tzset()


@hypothesis_settings(max_examples=examples(300), deadline=None)
@given(text=SOUPS, zone=ZONES, now=NOWS, past=st.booleans(), order=st.sampled_from([None, "DMY", "MDY", "YMD"]))
def test_every_form_and_setting_raises_only_bad_input(text, zone, now, past, order):
    settings = Settings(timezone=zone, date_order=order, holidays="DE")
    result = assert_one_line_bad_input_or_utc(lambda: parse_when(text, now, settings, past=past, base=now))
    if result is not None:
        assert (result.second, result.microsecond) == (0, 0)
        assert 1970 <= result.year <= 2199

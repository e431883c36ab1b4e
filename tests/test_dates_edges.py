"""The edges of the date grammar that the mutation run found unchecked (issue 11, point 6).

Each test states a rule of `expectcli.core.dates` a user or a caller can observe: which
year a `Fri 6 Nov` picks, how slashed dates read in each `date_order`, what a report
boundary means, what a time alone means in the past, and the exact one-line refusals.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from expectcli.core.config import Settings
from expectcli.core.dates import WHEN_FORMS, parse_bound, parse_when, read_when
from expectcli.errors import BadInput

BERLIN = Settings(timezone="Europe/Berlin")
NEW_YORK = Settings(timezone="America/New_York")
# Wednesday 2026-11-25 10:00 in Berlin (CET, +01:00), as in tests/conftest.py.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")  # fmt: skip
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def berlin(year, month, day, hour=0, minute=0) -> datetime:
    """A Berlin wall time as the UTC instant the parser returns."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


def refusal(call) -> str:
    with pytest.raises(BadInput) as caught:
        call()
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    return message


# --- a weekday with a month day and no year: `Fri 6 Nov`, as the tool prints it ----------


def _nearest_year(today_year: int, month: int, day: int, weekday: int) -> int | None:
    """The oracle: of the years within six of this one where that day falls on that
    weekday, the nearest; between two as near, the later (the current year first)."""
    found = []
    for year in range(today_year - 6, today_year + 7):
        try:
            if date(year, month, day).weekday() == weekday:
                found.append(year)
        except ValueError:
            continue
    if not found:
        return None
    return min(found, key=lambda year: (abs(year - today_year), year < today_year))


@pytest.mark.parametrize("month, day", [(2, 29), (11, 6), (3, 1), (12, 31)])
def test_a_weekday_and_month_day_pick_the_nearest_year_where_the_day_is_that_weekday(month, day):
    for today_year in range(2020, 2041):
        now = datetime(today_year, 6, 15, 12, 0, tzinfo=UTC)
        for weekday in range(7):
            text = f"{_DAYS[weekday]} {day} {_MONTHS[month - 1]}"
            expected = _nearest_year(today_year, month, day, weekday)
            if expected is None:
                message = refusal(lambda: parse_when(text, now, BERLIN))  # noqa: B023
                assert message == (
                    f"'{text}': {day} {_MONTH_NAMES[month - 1]} is not a {_DAY_NAMES[weekday]}"
                    f" in the years around {today_year}"
                )
            else:
                assert parse_when(text, now, BERLIN) == berlin(expected, month, day, 17), (text, today_year)


def test_a_leap_day_named_with_its_weekday_is_found_in_a_year_without_one():
    # 2026 has no 29 February; the nearest Tuesday 29 February is in 2028, a Sunday one in 2032.
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert parse_when("Tue 29 Feb", now, BERLIN) == berlin(2028, 2, 29, 17)
    assert parse_when("Sun 29 Feb", now, BERLIN) == berlin(2032, 2, 29, 17)


# --- slashed dates in the configured date order ------------------------------------------


def _in(order: str) -> Settings:
    return Settings(timezone="Europe/Berlin", date_order=order)


@pytest.mark.parametrize(
    "text, order",
    [("03/12/26", "DMY"), ("12/03/26", "MDY"), ("26/12/03", "YMD"), ("3/12/2026", "DMY")],
)
def test_a_two_digit_year_in_a_slashed_date_is_of_this_century(text, order):
    assert parse_when(text, NOW, _in(order)) == berlin(2026, 12, 3, 17)


@pytest.mark.parametrize(
    "text, order, expected",
    [
        ("12/03", "YMD", berlin(2026, 12, 3, 17)),  # without a year, year-first order reads month/day
        ("3/1", "YMD", berlin(2027, 3, 1, 17)),
        ("25/12", "DMY", berlin(2026, 12, 25, 17)),  # that month's 25th, not the next 25th of any month
        ("12/25", "MDY", berlin(2026, 12, 25, 17)),
        ("24/11", "DMY", berlin(2027, 11, 24, 17)),  # passed this year: next year's
    ],
)
def test_a_slashed_day_and_month_name_that_day_of_that_month(text, order, expected):
    assert parse_when(text, NOW, _in(order)) == expected


@pytest.mark.parametrize("order", [None, "DMY", "MDY", "YMD"])
def test_a_three_digit_first_part_is_no_slashed_date(order):
    message = refusal(lambda: parse_when("202/12/03", NOW, Settings(timezone="Europe/Berlin", date_order=order)))
    assert message == f"can't read '202/12/03' as a date or time; try {WHEN_FORMS}"


@pytest.mark.parametrize(
    "text, order, message",
    [
        ("2026/12", None, "'2026/12': a year-first date needs a day: 2026/12/03"),
        ("2026/02/30", None, "2026/02/30 is not a calendar date"),
        ("2026/02/30", "DMY", "2026/02/30 is not a calendar date"),
        ("3/13", "DMY", "3/13 is not a calendar date (read as DMY)"),
        ("13/3", "MDY", "13/3 is not a calendar date (read as MDY)"),
        ("12/13/03", "YMD", "12/13/03 is not a calendar date (read as YMD)"),
        ("30/02", "DMY", "30/02 is not a calendar date"),
        ("31/02/2026", "DMY", "31/02/2026 (read as DMY) is not a calendar date"),
        ("02/31/26", "MDY", "02/31/26 (read as MDY) is not a calendar date"),
    ],
)
def test_an_impossible_slashed_date_is_refused_naming_it_and_the_order_read(text, order, message):
    assert refusal(lambda: parse_when(text, NOW, Settings(timezone="Europe/Berlin", date_order=order))) == message


# --- report boundaries: whole days, read back in time ------------------------------------


def test_a_report_bound_written_with_a_comma_is_still_a_whole_day():
    assert parse_bound("nov 2, 2026", NOW, BERLIN, end=False) == berlin(2026, 11, 2)
    assert parse_bound("Nov 2,2026", NOW, BERLIN, end=True) == berlin(2026, 11, 3)


def test_this_and_next_weekday_as_report_bounds_follow_the_configured_week():
    assert parse_bound("this fri", NOW, BERLIN, end=False) == berlin(2026, 11, 27)
    assert parse_bound("next mon", NOW, BERLIN, end=True) == berlin(2026, 12, 1)
    sunday_weeks = Settings(timezone="Europe/Berlin", week_start=6)
    assert parse_bound("this sat", NOW, sunday_weeks, end=False) == berlin(2026, 11, 28)
    assert parse_bound("next sun", NOW, sunday_weeks, end=False) == berlin(2026, 11, 29)


def test_a_report_bound_whose_weekday_is_not_its_dates_is_refused_naming_both():
    message = refusal(lambda: parse_bound("Mon 6 Nov 2026", NOW, BERLIN, end=False))
    assert message == "'Mon 6 Nov 2026': 6 November 2026 is a Friday"


@pytest.mark.parametrize("day_end", [time(0, 1), time(0, 30), time(1, 0), time(17, 0)])
def test_a_span_ending_on_its_first_days_weekday_ends_with_that_day(day_end):
    """`--since mon --until mon` is that one Monday, whatever the configured end of the working day."""
    settings = Settings(timezone="Europe/Berlin", day_start=time(0, 0), day_end=day_end)
    monday = date(2026, 11, 23)
    assert parse_bound("mon", NOW, settings, end=True, after=monday) == berlin(2026, 11, 24)
    assert parse_bound("sun", NOW, settings, end=True, after=monday) == berlin(2026, 11, 30)


@pytest.mark.parametrize(
    "zone, day_end",
    [("Asia/Tokyo", time(17, 0)), ("Australia/Sydney", time(17, 0)), ("Pacific/Kiritimati", time(17, 0)),
     ("Europe/Berlin", time(23, 30)), ("America/New_York", time(17, 0)), ("UTC", time(23, 59))],
)  # fmt: skip
def test_a_span_end_weekday_reads_forward_from_the_first_day_in_every_zone(zone, day_end):
    """The first day of a span begins at local midnight, which east of UTC is the day before
    in UTC: `--until sun` after `--since mon` is still the Sunday after that Monday."""
    settings = Settings(timezone=zone, day_end=day_end)
    monday = date(2026, 11, 23)
    until = parse_bound("sun", NOW, settings, end=True, after=monday)
    assert until == datetime(2026, 11, 30, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    until = parse_bound("mon", NOW, settings, end=True, after=monday)
    assert until == datetime(2026, 11, 24, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_a_report_from_monday_to_sunday_covers_that_week_in_tokyo(cli):
    cli.config.write_text('timezone = "Asia/Tokyo"\n')
    report = cli.json("report", "--since", "mon", "--until", "sun")
    assert report["period"] == {"start": "2026-11-23T00:00:00+09:00", "end": "2026-11-30T00:00:00+09:00"}


def test_a_span_end_weekday_does_not_depend_on_the_machines_time_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: its midnight is the day before in UTC
    clock.tzset()
    try:
        monday = date(2026, 11, 23)
        assert parse_bound("sun", NOW, BERLIN, end=True, after=monday) == berlin(2026, 11, 30)
    finally:
        monkeypatch.undo()
        clock.tzset()


def test_a_report_bound_outside_the_accepted_years_is_refused_naming_it():
    # The end of 31 December 1969 in New York is 1970-01-01 05:00 UTC, but the day named is 1969.
    message = refusal(lambda: parse_bound("1969-12-31", NOW, NEW_YORK, end=True))
    assert message == "'1969-12-31' is outside the dates this tool accepts (years 1970 to 2199)"


def test_a_report_bound_with_a_time_is_the_latest_such_moment():
    assert parse_bound("fri 17:00", NOW, BERLIN, end=False) == berlin(2026, 11, 20, 17)
    assert parse_bound("16:00", NOW, BERLIN, end=True) == berlin(2026, 11, 24, 16)
    assert parse_bound("dec 3 14:00", NOW, BERLIN, end=False) == berlin(2025, 12, 3, 14)


# --- a time alone, past by nature (`done --at 16:00`) -------------------------------------


def test_midnight_in_the_past_is_the_start_of_today():
    assert parse_when("midnight", NOW, BERLIN, past=True) == berlin(2026, 11, 25)


def test_a_time_alone_in_the_past_is_today_up_to_and_including_now():
    assert parse_when("10:00", NOW, BERLIN, past=True) == berlin(2026, 11, 25, 10)
    assert parse_when("9:59", NOW, BERLIN, past=True) == berlin(2026, 11, 25, 9, 59)


def test_a_time_alone_in_the_past_later_than_now_is_yesterdays():
    assert parse_when("16:00", NOW, BERLIN, past=True) == berlin(2026, 11, 24, 16)
    assert parse_when("10:01", NOW, BERLIN, past=True) == berlin(2026, 11, 24, 10, 1)


# --- a time with its zone's abbreviation (`Sun 25 Oct 02:30 CET`) -----------------------


def test_midnight_with_a_zone_abbreviation_is_the_end_of_the_day_named():
    assert parse_when("fri midnight CET", NOW, BERLIN) == berlin(2026, 11, 28)
    assert parse_when("midnight CET", NOW, BERLIN) == berlin(2026, 11, 26)


def test_an_abbreviation_the_zone_does_not_use_then_is_refused_naming_it():
    message = refusal(lambda: parse_when("5pm CEST", NOW, BERLIN))
    assert message == "'5pm CEST': CEST is not the time zone's name at that time"


# --- eow -----------------------------------------------------------------------------------


def test_eow_with_a_time_already_past_on_the_weeks_last_working_day_is_next_weeks():
    friday_afternoon = datetime(2026, 11, 27, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert parse_when("eow 12:00", friday_afternoon, BERLIN) == berlin(2026, 12, 4, 12)
    assert parse_when("eow 16:00", friday_afternoon, BERLIN) == berlin(2026, 11, 27, 16)


def test_eow_in_a_week_without_a_working_day_is_its_last_workday():
    # Working on Mondays only; Easter Monday 2027 (29 March) is a public holiday in Germany.
    mondays = Settings(timezone="Europe/Berlin", workdays=(0,), holidays="DE")
    easter_monday = datetime(2027, 3, 29, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert parse_when("eow", easter_monday, mondays) == berlin(2027, 3, 29, 17)


# --- survivors of the second half of the run (reading a day, a time, an amount) -------------


def test_in_an_amount_counts_from_now_even_when_moving_a_deadline():
    """`expect move 3 'in 3 days'` means three days from today; `3d` and `+3d` count from
    the deadline in force."""
    deadline = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
    assert parse_when("in 3 days", NOW, BERLIN, base=deadline) == berlin(2026, 11, 28, 17)
    assert parse_when("In 2 hours", NOW, BERLIN, base=deadline) == berlin(2026, 11, 25, 12)
    assert parse_when("3d", NOW, BERLIN, base=deadline) == datetime(2026, 12, 13, 12, 0, tzinfo=UTC)


def test_hours_ago_and_overdue_count_back_from_now():
    assert parse_when("2 hours ago", NOW, BERLIN) == berlin(2026, 11, 25, 8)
    assert parse_when("3 h overdue", NOW, BERLIN) == berlin(2026, 11, 25, 7)
    assert parse_when("90m ago", NOW, BERLIN, past=True) == berlin(2026, 11, 25, 8, 30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5pm fri", berlin(2026, 11, 27, 17)),
        ("at 9:30 on tomorrow", berlin(2026, 11, 26, 9, 30)),
        ("noon mon", berlin(2026, 11, 30, 12)),
    ],
)
def test_a_time_may_come_before_the_day(text, expected):
    assert parse_when(text, NOW, BERLIN) == expected


def test_a_time_alone_with_its_zone_abbreviation_is_today_at_that_time():
    assert parse_when("17:00 CET", NOW, BERLIN) == berlin(2026, 11, 25, 17)
    assert parse_when("9am +0100", NOW, BERLIN) == berlin(2026, 11, 25, 9)


def test_tonight_names_today_so_a_weekend_deadline_earns_its_note(cli):
    saturday = "2026-11-28T10:00:00+01:00"
    out = cli.ok("promise", "Weekend fix", "--to", "acme", "--due", "tonight", now=saturday)
    assert "Note: Sat 28 Nov 2026 is a Saturday, not a working day; the deadline stands as given." in out.stderr
    out = cli.ok("promise", "Weekday fix", "--to", "acme", "--due", "tonight")  # a Wednesday: no note
    assert "Note:" not in out.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("the 32nd", "the 32nd is not a calendar date"),
        ("the 0th", "the 0th is not a calendar date"),
        ("nov 0000", "nov 0000 is not a calendar date"),
        ("Mon 6 Nov 2026", "'Mon 6 Nov 2026': 6 November 2026 is a Friday"),
        ("fri 14:00:60", "14:00:60 is not a clock time"),
        ("tomorrow 9:99", "9:99 is not a clock time"),
    ],
)
def test_an_impossible_day_or_time_is_refused_naming_it(text, message):
    assert refusal(lambda: parse_when(text, NOW, BERLIN)) == message


def test_a_weekday_and_time_in_the_past_is_today_up_to_and_including_now():
    # Wednesday 10:00: `wed 9:00` and `wed 10:00` are this morning, `wed 11:00` last week's.
    assert parse_when("wed 9:00", NOW, BERLIN, past=True) == berlin(2026, 11, 25, 9)
    assert parse_when("wed 10:00", NOW, BERLIN, past=True) == berlin(2026, 11, 25, 10)
    assert parse_when("wed 11:00", NOW, BERLIN, past=True) == berlin(2026, 11, 18, 11)


def test_a_day_of_the_month_alone_includes_today():
    assert parse_when("the 25th", NOW, BERLIN) == berlin(2026, 11, 25, 17)
    assert parse_bound("the 25th", NOW, BERLIN, end=False) == berlin(2026, 11, 25)


def test_a_day_of_the_month_alone_after_december_is_januarys():
    december = datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert parse_when("the 3rd", december, BERLIN) == berlin(2027, 1, 3, 17)
    assert parse_bound("the 10th", datetime(2027, 1, 5, 10, 0, tzinfo=UTC), BERLIN, end=False) == berlin(2026, 12, 10)


def test_read_when_looks_forward_unless_told_the_time_is_past():
    # Wednesday 10:00: `wed 9:00` is next week's, unless it names something that happened.
    assert read_when("wed 9:00", NOW, BERLIN).moment == berlin(2026, 12, 2, 9)
    assert read_when("wed 9:00", NOW, BERLIN, past=True).moment == berlin(2026, 11, 25, 9)


@pytest.mark.parametrize("due", ["2026-11-28T14:00+01:00", "2026-11-28T13:00Z", "2026-11-28 14:00"])
def test_an_iso_time_with_or_without_offset_names_its_day_for_the_weekend_note(cli, due):
    out = cli.ok("promise", "Weekend fix", "--to", "acme", "--due", due)
    assert "Note: Sat 28 Nov 2026 is a Saturday, not a working day; the deadline stands as given." in out.stderr


def test_an_iso_time_with_an_offset_on_a_day_before_1970_is_refused():
    # 23:30 at -01:00 on 31 December 1969 is 00:30 UTC in 1970, but the day written is 1969.
    message = refusal(lambda: parse_when("1969-12-31T23:30-01:00", NOW, BERLIN))
    assert message == "'1969-12-31T23:30-01:00' is outside the dates this tool accepts (years 1970 to 2199)"

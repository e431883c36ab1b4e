"""The date grammar as properties: weekdays, `next`/`this`/`last`, past by nature,
midnight, ordinals, slashed dates, business days over holidays, moves from a base, whole
minutes and the accepted years, at random nows and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from expectcli.core.config import Settings
from expectcli.core.dates import parse_bound, parse_when, read_when
from expectcli.core.durations import is_working_day
from expectcli.errors import BadInput

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"]

nows = st.datetimes(min_value=datetime(1975, 1, 1), max_value=datetime(2190, 1, 1)).map(lambda d: d.replace(tzinfo=UTC))
zones = st.sampled_from(ZONES)
weekdays = st.integers(0, 6)


def local_of(moment: datetime, settings: Settings) -> datetime:
    return moment.astimezone(ZoneInfo(settings.timezone))


@hypothesis_settings(max_examples=150, deadline=None)
@given(now=nows, zone=zones, weekday=weekdays, past=st.booleans())
def test_a_bare_weekday_is_the_next_one_or_in_the_past_the_latest(now, zone, weekday, past):
    settings = Settings(timezone=zone)
    result = parse_when(DAYS[weekday], now, settings, past=past)
    local = local_of(result, settings)
    assert local.weekday() == weekday and local.time() == time(17)
    if past:
        assert result <= now and now - result < timedelta(days=7)
    else:
        assert result > now and result - now <= timedelta(days=7, hours=1)


@hypothesis_settings(max_examples=150, deadline=None)
@given(now=nows, zone=zones, weekday=weekdays, week_start=weekdays)
def test_this_next_and_last(now, zone, weekday, week_start):
    settings = Settings(timezone=zone, week_start=week_start)
    today = local_of(now, settings).date()
    start = today - timedelta(days=(today.weekday() - week_start) % 7)
    this = local_of(parse_when(f"this {DAYS[weekday]}", now, settings), settings).date()
    following = local_of(parse_when(f"next {DAYS[weekday]}", now, settings), settings).date()
    last = local_of(parse_when(f"last {DAYS[weekday]}", now, settings), settings).date()
    assert start <= this < start + timedelta(days=7) and this.weekday() == weekday
    assert following == this + timedelta(days=7)
    assert last.weekday() == weekday and today - timedelta(days=7) <= last < today


@hypothesis_settings(max_examples=150, deadline=None)
@given(now=nows, zone=zones, weekday=weekdays)
def test_midnight_is_the_end_of_the_day_named(now, zone, weekday):
    settings = Settings(timezone=zone)
    assume(local_of(now, settings).time() < time(23, 59))
    named = local_of(parse_when(f"{DAYS[weekday]} 23:59", now, settings), settings).date()
    end = local_of(parse_when(f"{DAYS[weekday]} midnight", now, settings), settings)
    assert end.date() == named + timedelta(days=1) and end.time() < time(2)  # 00:00, or after a gap
    tonight = local_of(parse_when("midnight", now, settings), settings)
    assert tonight.date() == local_of(now, settings).date() + timedelta(days=1)


@hypothesis_settings(max_examples=150, deadline=None)
@given(now=nows, zone=zones, day=st.integers(1, 31), past=st.booleans())
def test_the_nth_is_the_next_or_latest_such_day_of_a_month(now, zone, day, past):
    settings = Settings(timezone=zone)
    today = local_of(now, settings).date()
    found = local_of(parse_when(f"the {day}th", now, settings, past=past), settings).date()
    assert found.day == day
    assert (found <= today if past else found >= today) and abs((found - today).days) <= 62


@hypothesis_settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=date(1971, 1, 1), max_value=date(2198, 12, 31)), now=nows)
def test_slashed_dates_in_each_order_are_the_iso_date(day, now):
    iso = parse_when(day.isoformat(), now, Settings())
    assert parse_when(f"{day.day}/{day.month}/{day.year}", now, Settings(date_order="DMY")) == iso
    assert parse_when(f"{day.month}/{day.day}/{day.year}", now, Settings(date_order="MDY")) == iso
    assert parse_when(f"{day.year}/{day.month:02}/{day.day:02}", now, Settings()) == iso
    for order in (None, "DMY", "MDY", "YMD"):  # year first: never ambiguous, padded or not
        assert parse_when(f"{day.year}/{day.month}/{day.day}", now, Settings(date_order=order)) == iso
    assert parse_when(f"{day.year}/{day.month}/{day.day}", now, Settings(date_order="YMD")) == iso
    if 2000 <= day.year <= 2099:  # two-digit years are 20xx, in every order
        yy = f"{day.year % 100:02}"
        assert parse_when(f"{yy}/{day.month}/{day.day}", now, Settings(date_order="YMD")) == iso
        assert parse_when(f"{day.day}/{day.month}/{yy}", now, Settings(date_order="DMY")) == iso
        assert parse_when(f"{day.month}/{day.day}/{yy}", now, Settings(date_order="MDY")) == iso
    with pytest.raises(BadInput, match="ambiguous"):
        parse_when(f"{day.day}/{day.month}/{day.year}", now, Settings())


@pytest.mark.parametrize(
    "text, order",
    [("3/12/6", "DMY"), ("3/12/202", "DMY"), ("12/3/202", "MDY"), ("3/12/26", "YMD"), ("3/12/2026", "YMD"),
     ("26/12/123", "YMD"), ("2026/12/003", "YMD"), ("2026/12/003", "DMY"), ("2026/13/3", None)],
)  # fmt: skip
def test_a_slashed_date_whose_parts_are_no_date_is_refused_in_one_line(text, order):
    """A year has two digits or four, a day and a month one or two; read in the order set."""
    with pytest.raises(BadInput, match="is not a calendar date") as caught:
        parse_when(text, datetime(2026, 11, 25, 9, tzinfo=UTC), Settings(date_order=order))
    assert "\n" not in str(caught.value)


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
    count=st.integers(0, 30),
    country=st.sampled_from(["DE", "DE-BY", "US", "GB"]),
)
def test_business_days_land_on_working_days_counting_holidays(now, count, country):
    settings = Settings(timezone="Europe/Berlin", holidays=country)
    result = local_of(parse_when(f"+{count}bd", now, settings), settings).date()
    today = local_of(now, settings).date()
    between = [today + timedelta(days=n) for n in range(1, (result - today).days + 1)]
    assert sum(is_working_day(d, settings.workdays, country) for d in between) == count
    if count:
        assert is_working_day(result, settings.workdays, country)


@hypothesis_settings(max_examples=150, deadline=None)
@given(base=nows, now=nows, zone=zones, amount=st.integers(0, 60), unit=st.sampled_from(["d", "w", "h", "m"]))
def test_relative_amounts_count_from_the_base(base, now, zone, amount, unit):
    settings = Settings(timezone=zone)
    base = base.replace(second=0, microsecond=0)
    moved = parse_when(f"+{amount}{unit}", now, settings, base=base)
    if unit in ("h", "m"):
        assert moved == base + timedelta(hours=amount) * (1 if unit == "h" else 1 / 60)
    else:
        days = amount * (7 if unit == "w" else 1)
        assert local_of(moved, settings).date() == local_of(base, settings).date() + timedelta(days=days)
    assert parse_when(f"in {amount}{unit}", now, settings) == parse_when(f"{amount}{unit}", now, settings)


@hypothesis_settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2198, 1, 1)), now=nows, zone=zones)
def test_every_result_is_a_whole_minute(moment, now, zone):
    settings = Settings(timezone=zone)
    for text in (moment.isoformat(), f"{moment.isoformat()}Z", f"{moment:%Y-%m-%d %H:%M:%S}", "2h", "now"):
        result = parse_when(text, now.replace(second=moment.second), settings)
        assert (result.second, result.microsecond) == (0, 0), text


@given(year=st.one_of(st.integers(1000, 1969), st.integers(2200, 9999)), now=nows)
def test_years_outside_the_accepted_range_are_refused(year, now):
    with pytest.raises(BadInput, match="years 1970 to 2199"):
        parse_when(f"{year}-06-15", now, Settings())
    with pytest.raises(BadInput, match="years 1970 to 2199"):
        parse_bound(f"{year}-06-15", now, Settings(), end=False)


@hypothesis_settings(max_examples=100, deadline=None)
@given(now=nows, zone=zones, weekday=weekdays)
def test_the_day_named_is_reported_only_for_explicit_days(now, zone, weekday):
    settings = Settings(timezone=zone)
    named = read_when(f"{DAYS[weekday]} 10:00", now, settings)
    assert named.explicit_day == local_of(named.moment, settings).date()
    for relative in ("3d", "+2bd", "eow", "eod", "next week", "in a week", "2h"):
        assert read_when(relative, now, settings).explicit_day is None

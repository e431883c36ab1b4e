"""Reading the dates, times and durations a user types.

Every expression is read in the user's time zone (`Settings.timezone`) relative to a
given `now`, and every result is an aware UTC `datetime` (a plain stdlib one).
"D" below is `Settings.day_end`: a day named without a time means D on that day.

`parse_when` accepts:

* ISO dates and datetimes: ``2026-12-03`` (at D), ``2026-12-03T14:00``,
  ``2026-12-03 14:00:30`` (local wall time), ``2026-12-03T14:00+01:00`` or ``...Z``
  (that exact instant).
* ``today``, ``tomorrow``, ``yesterday`` (at D), ``tonight`` (today 23:59),
  ``eod`` (today at D, even if already past), ``eow`` (the last workday of this week
  at D, or of next week once that has passed), ``eom`` (the month's last day at D).
* Weekdays (``fri``, ``friday``, ``next fri``): the first such day whose moment is
  still ahead of `now`. Month days (``dec 3``, ``3 dec``, ``dec 3 2027``): without a
  year, this year's date unless it lies before today, else the next year it exists.
* Any of those days plus a time, optionally joined by ``at``: ``fri 5pm``,
  ``tomorrow at 09:30``, ``dec 3 14:00``. A time alone (``5pm``, ``14:00``, ``noon``,
  ``midnight``) means today at that time, even if already past.
* Relative forms: ``in 3 days``, ``in 2 hours``, ``3d``, ``+2bd``, ``90m``. Hours and
  minutes are exact elapsed time from `now`; days, weeks and business days name a day
  (today's date plus N days, 7N days, or the Nth following workday) at D.

`parse_duration` (from `expectcli.core.durations`, re-exported here) reads the same
amounts (``4h``, ``2 days``, ``1bd``) into a `Duration`, whose `add_to` keeps the
wall-clock time for day-based units. The daylight-saving rules for wall times that do
not exist or exist twice are `durations.instant_at`'s.

Naive datetimes passed in as `now`, `start` or `moment` are taken to be UTC.

Everything unreadable raises `BadInput` with a one-line message; no other exception
escapes `parse_when` or `parse_duration`, whatever the string. Importing this module
loads only the standard library: weekday steps, week starts and month ends are
Pendulum's, imported when one of those phrases is read (see "calendar steps").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from expectcli.core.config import Settings
from expectcli.core.durations import (
    AMOUNT,
    DURATION_FORMS,
    UNITS,
    Duration,
    alternatives,
    aware,
    duration_from,
    instant_at,
    normalize,
    out_of_range,
    parse_duration,
    quote,
    shift_date,
    valid_workdays,
    zone_of,
)
from expectcli.errors import BadInput

if TYPE_CHECKING:
    import pendulum

__all__ = [
    "DURATION_FORMS", "UNITS", "WHEN_FORMS", "Duration", "parse_bound", "parse_duration", "parse_when",
    "now_utc", "start_of_day", "to_local", "calendar_day", "start_of_week", "last_of_month",
]  # fmt: skip

WHEN_FORMS = (
    "2026-12-03, '2026-12-03 14:00', today, tonight, tomorrow, eod, eow, eom, fri, "
    "'fri 5pm', 'dec 3 14:00', 'in 3 days', 3d, 2h, 90m, 2w, +2bd"
)
_TONIGHT = time(23, 59)

_WEEKDAY_NAMES = {
    0: ("mon", "monday"),
    1: ("tue", "tues", "tuesday"),
    2: ("wed", "weds", "wednesday"),
    3: ("thu", "thur", "thurs", "thursday"),
    4: ("fri", "friday"),
    5: ("sat", "saturday"),
    6: ("sun", "sunday"),
}
_WEEKDAYS = {name: index for index, names in _WEEKDAY_NAMES.items() for name in names}

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}

# Patterns, matched whole against normalized text (lower case, single spaces, no outer
# whitespace). They stay strings: `re` compiles and caches each on first use, which
# keeps importing this module cheap for the commands that never read a date.
_MONTH = rf"(?P<month>{alternatives(_MONTHS)})\.?"
_DAY_NUMBER = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,? (?P<year>[0-9]{4}))?"
_MONTH_DAY = rf"{_MONTH} {_DAY_NUMBER}{_YEAR}"
_DAY_MONTH = rf"{_DAY_NUMBER} (?:of )?{_MONTH}{_YEAR}"
_ISO_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_ISO_DATETIME = (
    rf"(?P<date>{_ISO_DATE})[t ]"
    r"(?P<clock>(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?)"
    r" ?(?P<offset>z|(?P<sign>[+-])(?P<off_hours>[0-9]{2})(?::?(?P<off_minutes>[0-9]{2}))?)?"
)
_TIME = (
    r"(?P<time>(?P<hour12>[0-9]{1,2})(?::(?P<minute12>[0-9]{2}))? ?(?P<meridiem>am|pm)"
    r"|(?P<hour24>[0-9]{1,2}):(?P<minute24>[0-9]{2})"
    r"|(?P<named>noon|midnight))"
)
# The optional day part is lazy, so "at 5pm" reads as no day plus "at".
_DAY_AND_TIME = rf"(?:(?P<day>.+?) )??(?:at )?{_TIME}"
_WEEKDAY = rf"(?:(?:next|this) )?(?P<weekday>{alternatives(_WEEKDAYS)})"


def _match(pattern: str, text: str) -> re.Match | None:
    """`text` matched whole against `pattern`; ASCII only, so `[0-9]` means what it says."""
    return re.fullmatch(pattern, text, re.ASCII)


# --- public API -------------------------------------------------------------------


def parse_when(text: str, now: datetime, settings: Settings) -> datetime:
    """Read a date/time expression (see the module docstring) as an aware UTC datetime."""
    quoted = quote(text)
    normal = normalize(text)
    if not normal:
        raise BadInput(f"no date or time given; try {WHEN_FORMS}")
    zone = zone_of(settings)
    try:
        local_now = aware(now).astimezone(zone)
        for reader in (_read_iso_datetime, _read_relative, _read_day_word, _read_day_and_time):
            result = reader(normal, local_now, settings, quoted)
            if result is not None:
                return result
    except (OverflowError, ValueError):
        raise out_of_range(quoted) from None
    raise BadInput(f"can't read {quoted} as a date or time; try {WHEN_FORMS}")


def parse_bound(text: str, now: datetime, settings: Settings, *, end: bool) -> datetime:
    """A report boundary: like `parse_when`, but a whole day (`2026-11-02`, `today`,
    `nov 2`) means that day's start, or with `end` the start of the next day, so that
    `--since nov 2 --until nov 8` covers both days completely. Reports look back, so a
    weekday or a month day without a year is the latest one not after today."""
    normal = normalize(text)
    zone = zone_of(settings)
    today = aware(now).astimezone(zone).date()
    weekday = _match(_WEEKDAY, normal)
    try:
        day: date | None
        if weekday:
            day = start_of_week(today, _WEEKDAYS[weekday["weekday"]])  # the latest such day
        else:
            day = _named_date(normal, today, past=True) if normal else None
        if day is not None:
            return instant_at(day + timedelta(days=1) if end else day, time(0, 0), zone)
    except (OverflowError, ValueError):
        raise out_of_range(quote(text)) from None
    return parse_when(text, now, settings)


def start_of_day(day: date, settings: Settings) -> datetime:
    """The UTC instant at which `day` begins on the user's wall clock."""
    return instant_at(day, time(0, 0), zone_of(settings))


def now_utc() -> datetime:
    """The current instant in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_local(moment: datetime, settings: Settings) -> datetime:
    """`moment` as an aware datetime in the user's zone (naive input is taken as UTC)."""
    return aware(moment).astimezone(zone_of(settings))


# --- the readers: each returns None when the text is not its form -----------------
# They get normalized text and `now` already in the user's zone (so `now.tzinfo` is it).


def _read_iso_datetime(text: str, now: datetime, settings: Settings, quoted: str) -> datetime | None:
    """`2026-12-03T14:00[:30[.5]][Z|+01:00]`; without an offset it is local wall time."""
    match = _match(_ISO_DATETIME, text)
    if match is None:
        return None
    day = _calendar_date(match["year"], match["month"], match["day"], text=match["date"])
    fraction = match["fraction"] or ""
    clock = _clock(
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        int(fraction.ljust(6, "0")),
        text=match["clock"],
    )
    if match["offset"] is None:
        return instant_at(day, clock, now.tzinfo)
    return datetime.combine(day, clock, tzinfo=_offset(match)).astimezone(UTC)


def _read_relative(text: str, now: datetime, settings: Settings, quoted: str) -> datetime | None:
    """`in 3 days`, `3d`, `+2bd`, `2h`…: exact for hours and minutes, day-based at D."""
    match = _match(AMOUNT, text.removeprefix("in "))
    if match is None:
        return None
    duration = duration_from(match, quoted, hint="give a date for a day in the past")
    if duration.unit in ("m", "h"):
        return duration.add_to(now, settings)
    day = shift_date(now.date(), duration, settings.workdays)
    return instant_at(day, settings.day_end, now.tzinfo)


def _read_day_word(text: str, now: datetime, settings: Settings, quoted: str) -> datetime | None:
    """The words that name a moment on their own and take no time: tonight, eod, eow, eom."""
    today = now.date()
    if text == "tonight":
        return instant_at(today, _TONIGHT, now.tzinfo)
    if text == "eod":
        return instant_at(today, settings.day_end, now.tzinfo)
    if text == "eow":
        return _end_of_week(now, settings)
    if text == "eom":
        return instant_at(last_of_month(today), settings.day_end, now.tzinfo)
    return None


def _read_day_and_time(text: str, now: datetime, settings: Settings, quoted: str) -> datetime | None:
    """A day (`fri`, `tomorrow`, `dec 3`, `2026-12-03`), a time (`5pm`), or both."""
    match = _match(_DAY_AND_TIME, text)
    day_text = match["day"] if match else text
    if match is not None and day_text is None:  # a time alone: today, even if already past
        return instant_at(now.date(), _clock_from(match), now.tzinfo)
    weekday = _match(_WEEKDAY, day_text)
    day = None if weekday else _named_date(day_text, now.date())
    if weekday is None and day is None:
        return None
    clock = _clock_from(match) if match else settings.day_end
    if weekday:
        return _next_weekday(_WEEKDAYS[weekday["weekday"]], clock, now)
    assert day is not None
    return instant_at(day, clock, now.tzinfo)


# --- days ---------------------------------------------------------------------------


def _named_date(text: str, today: date, *, past: bool = False) -> date | None:
    """today/tomorrow/yesterday, an ISO date, or a month day with or without a year (the
    next such day, or with `past` the latest one not after today)."""
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    match = _match(_ISO_DATE, text)
    if match:
        return _calendar_date(*match.groups(), text=text)
    match = _match(_MONTH_DAY, text) or _match(_DAY_MONTH, text)
    if match is None:
        return None
    month, day = _MONTHS[match["month"]], int(match["day"])
    if match["year"]:
        return _calendar_date(match["year"], month, day, text=text)
    if past:
        return _last_month_day(month, day, today, text)
    return _next_month_day(month, day, today, text)


def _next_month_day(month: int, day: int, today: date, text: str) -> date:
    """The first `month`/`day` on or after today; Feb 29 waits for a leap year."""
    _calendar_date(2000, month, day, text=text)  # a leap year: refuses only feb 30 and such
    for year in range(today.year, today.year + 9):  # leap years are at most 8 years apart
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise OverflowError(text)  # past year 9999; parse_when reports it as out of range


def _last_month_day(month: int, day: int, today: date, text: str) -> date:
    """The latest `month`/`day` on or before today."""
    _calendar_date(2000, month, day, text=text)
    for year in range(today.year, today.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise OverflowError(text)


def _next_weekday(weekday: int, clock: time, now: datetime) -> datetime:
    """The first `weekday` at `clock` that is strictly after `now` (today counts)."""
    today = calendar_day(now.date())
    day = today if today.day_of_week == weekday else today.next(_weekday(weekday))
    moment = instant_at(day, clock, now.tzinfo)
    if moment <= now:
        moment = instant_at(day.add(weeks=1), clock, now.tzinfo)
    return moment


def _end_of_week(now: datetime, settings: Settings) -> datetime:
    """The week's last workday at D, or next week's once that moment has passed.

    "Last" is in the order of the week starting on `week_start`, so a Sunday-to-Thursday
    working week with weeks starting on Sunday ends on Thursday.
    """
    workdays = valid_workdays(settings.workdays)
    first = calendar_day(start_of_week(now.date(), settings.week_start))
    last = first.add(days=max((d - settings.week_start) % 7 for d in workdays))
    moment = instant_at(last, settings.day_end, now.tzinfo)
    if moment < now:
        moment = instant_at(last.add(weeks=1), settings.day_end, now.tzinfo)
    return moment


# --- calendar steps -------------------------------------------------------------------------
# Weekday steps, week starts and month ends are Pendulum's arithmetic on local dates. Pendulum
# is imported only here, when such a phrase is read or a report period is worked out, never by
# what a prompt's `expect due --count` runs (ISO times and amounts): importing it costs ~35 ms.
# Turning a local date and time into an instant stays `instant_at`'s (see its docstring).


def calendar_day(day: date) -> pendulum.Date:
    """`day` as a `pendulum.Date` (a `date` subclass), for calendar arithmetic."""
    import pendulum

    return pendulum.Date(day.year, day.month, day.day)


def _weekday(index: int) -> pendulum.WeekDay:
    """Pendulum's name of a weekday (0 = Monday … 6 = Sunday)."""
    import pendulum

    return pendulum.WeekDay(index)


def start_of_week(day: date, week_start: int) -> pendulum.Date:
    """The first day of the week holding `day`, for weeks that begin on `week_start`
    (0 = Monday … 6 = Sunday): `day` itself, or the latest such weekday before it."""
    local = calendar_day(day)
    return local if local.day_of_week == week_start else local.previous(_weekday(week_start))


def last_of_month(day: date) -> date:
    """The last day of `day`'s month: the day before the next month begins (so the last
    month of the calendar, December 9999, has no end this tool can name)."""
    return calendar_day(day).start_of("month").add(months=1).subtract(days=1)


def _calendar_date(year, month, day, *, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadInput(f"{text} is not a calendar date") from None


# --- times, zones and amounts ------------------------------------------------------


def _clock_from(match: re.Match) -> time:
    """The time of day named by the `_TIME` groups of `match`."""
    text = match["time"]
    if match["named"]:
        return time(12) if match["named"] == "noon" else time(0)
    if match["meridiem"]:
        hour = int(match["hour12"])
        if not 1 <= hour <= 12:
            raise BadInput(f"{text} is not a clock time")
        hour = hour % 12 + (12 if match["meridiem"] == "pm" else 0)
        return _clock(hour, int(match["minute12"] or 0), text=text)
    return _clock(int(match["hour24"]), int(match["minute24"]), text=text)


def _clock(hour: int, minute: int, second: int = 0, microsecond: int = 0, *, text: str) -> time:
    if hour > 23 or minute > 59 or second > 59:
        raise BadInput(f"{text} is not a clock time")
    return time(hour, minute, second, microsecond)


def _offset(match: re.Match) -> timezone:
    if match["offset"] == "z":
        return UTC
    hours, minutes = int(match["off_hours"]), int(match["off_minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise BadInput(f"{match['offset'].upper()} is not a UTC offset")
    sign = -1 if match["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# --- text ---------------------------------------------------------------------------

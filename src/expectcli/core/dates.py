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

`parse_duration` reads the same amounts (``4h``, ``2 days``, ``1bd``) into a
`Duration`, whose `add_to` keeps the wall-clock time for day-based units.

Daylight-saving rules, applied wherever a local wall time is turned into an instant:

* a wall time that does not exist (the spring-forward gap, e.g. 02:30 on
  2027-03-28 in Europe/Berlin) is moved forward by the length of the gap (03:30 CEST);
* an ambiguous wall time (the autumn fold, e.g. 02:30 on 2026-10-25 in
  Europe/Berlin) means its earlier occurrence (02:30 CEST, +02:00).

Naive datetimes passed in as `now`, `start` or `moment` are taken to be UTC.

Everything unreadable raises `BadInput` with a one-line message; no other exception
escapes `parse_when` or `parse_duration`, whatever the string. This module uses only
the standard library so that importing it stays cheap.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from expectcli.core.config import Settings
from expectcli.errors import BadInput

WHEN_FORMS = (
    "2026-12-03, '2026-12-03 14:00', today, tonight, tomorrow, eod, eow, eom, fri, "
    "'fri 5pm', 'dec 3 14:00', 'in 3 days', 3d, 2h, 90m, 2w, +2bd"
)
DURATION_FORMS = "4h, 90m, 2d, 1w, 1bd"

UNITS = ("m", "h", "d", "w", "bd")

_TONIGHT = time(23, 59)
_MAX_QUOTE = 40
_MAX_DIGITS = 12

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

_UNIT_WORDS = {
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "wk", "wks", "week", "weeks"),
    "bd": ("bd", "business day", "business days", "workday", "workdays"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}

# Roughly the span of the calendar (years 1-9999) in days; amounts beyond it cannot
# land on a representable date, so they are refused when read.
_CALENDAR_DAYS = 3_652_059
_MAX_AMOUNT = {
    "m": _CALENDAR_DAYS * 24 * 60,
    "h": _CALENDAR_DAYS * 24,
    "d": _CALENDAR_DAYS,
    "w": _CALENDAR_DAYS // 7,
    "bd": _CALENDAR_DAYS // 7,  # with one workday a week, N business days span 7N days
}


def _alternatives(words) -> str:
    """A regex alternation that tries longer words first."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# Patterns, matched whole against normalized text (lower case, single spaces, no outer
# whitespace). They stay strings: `re` compiles and caches each on first use, which
# keeps importing this module cheap for the commands that never read a date.
_MONTH = rf"(?P<month>{_alternatives(_MONTHS)})\.?"
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
_WEEKDAY = rf"(?:(?:next|this) )?(?P<weekday>{_alternatives(_WEEKDAYS)})"
_AMOUNT = rf"(?P<sign>[+-]?) ?(?P<amount>[0-9]+) ?(?P<unit>{_alternatives(_UNIT_OF)})"


def _match(pattern: str, text: str) -> re.Match | None:
    """`text` matched whole against `pattern`; ASCII only, so `[0-9]` means what it says."""
    return re.fullmatch(pattern, text, re.ASCII)


# --- public API -------------------------------------------------------------------


class _Span(NamedTuple):
    amount: int
    unit: str  # one of UNITS


class Duration(_Span):
    """A non-negative span: `amount` of minutes, hours, days, weeks or business days."""

    __slots__ = ()

    def __new__(cls, amount: int, unit: str) -> Duration:
        if unit not in UNITS or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"invalid Duration({amount!r}, {unit!r})")
        return super().__new__(cls, amount, unit)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def add_to(self, start: datetime, settings: Settings) -> datetime:
        """The UTC instant this duration after `start`.

        Minutes and hours are exact elapsed time. Days, weeks and business days keep
        the wall-clock time of `start` in the user's zone, so across a DST change one
        day may be 23 or 25 hours.
        """
        try:
            start = _aware(start)
            if self.unit in ("m", "h"):
                elapsed = timedelta(minutes=self.amount if self.unit == "m" else 60 * self.amount)
                return start.astimezone(timezone.utc) + elapsed
            zone = _zone(settings)
            local = start.astimezone(zone)
            day = _shift_date(local.date(), self.amount, self.unit, settings.workdays)
            return _at(day, local.time(), zone)
        except (OverflowError, ValueError):
            raise _out_of_range(f"{self} after {start.isoformat()}") from None


def parse_duration(text: str) -> Duration:
    """Read `4h`, `90m`, `2d`, `1w`, `1bd`, `30min`, `2 days`, `3 business days`, `+1h`…"""
    quoted = _quote(text)
    match = _match(_AMOUNT, _normalize(text))
    if match is None:
        raise BadInput(f"can't read {quoted} as a duration; try {DURATION_FORMS}")
    return _duration_from(match, quoted, hint=f"try {DURATION_FORMS}")


def parse_when(text: str, now: datetime, settings: Settings) -> datetime:
    """Read a date/time expression (see the module docstring) as an aware UTC datetime."""
    quoted = _quote(text)
    normal = _normalize(text)
    if not normal:
        raise BadInput(f"no date or time given; try {WHEN_FORMS}")
    zone = _zone(settings)
    try:
        local_now = _aware(now).astimezone(zone)
        for reader in (_read_iso_datetime, _read_relative, _read_day_word, _read_day_and_time):
            result = reader(normal, local_now, settings, quoted)
            if result is not None:
                return result
    except (OverflowError, ValueError):
        raise _out_of_range(quoted) from None
    raise BadInput(f"can't read {quoted} as a date or time; try {WHEN_FORMS}")


def parse_bound(text: str, now: datetime, settings: Settings, *, end: bool) -> datetime:
    """A report boundary: like `parse_when`, but a whole day (`2026-11-02`, `today`,
    `nov 2`) means that day's start, or with `end` the start of the next day, so that
    `--since nov 2 --until nov 8` covers both days completely. Reports look back, so a
    weekday or a month day without a year is the latest one not after today."""
    normal = _normalize(text)
    zone = _zone(settings)
    today = _aware(now).astimezone(zone).date()
    weekday = _match(_WEEKDAY, normal)
    try:
        if weekday:
            day = today - timedelta(days=(today.weekday() - _WEEKDAYS[weekday["weekday"]]) % 7)
        else:
            day = _named_date(normal, today, past=True) if normal else None
        if day is not None:
            return _at(day + timedelta(days=1) if end else day, time(0, 0), zone)
    except (OverflowError, ValueError):
        raise _out_of_range(_quote(text)) from None
    return parse_when(text, now, settings)


def start_of_day(day: date, settings: Settings) -> datetime:
    """The UTC instant at which `day` begins on the user's wall clock."""
    return _at(day, time(0, 0), _zone(settings))


def now_utc() -> datetime:
    """The current instant in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def to_local(moment: datetime, settings: Settings) -> datetime:
    """`moment` as an aware datetime in the user's zone (naive input is taken as UTC)."""
    return _aware(moment).astimezone(_zone(settings))


# --- the readers: each returns None when the text is not its form -----------------
# They get normalized text and `now` already in the user's zone (so `now.tzinfo` is it).


def _read_iso_datetime(
    text: str, now: datetime, settings: Settings, quoted: str
) -> datetime | None:
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
        return _at(day, clock, now.tzinfo)
    return datetime.combine(day, clock, tzinfo=_offset(match)).astimezone(timezone.utc)


def _read_relative(
    text: str, now: datetime, settings: Settings, quoted: str
) -> datetime | None:
    """`in 3 days`, `3d`, `+2bd`, `2h`…: exact for hours and minutes, day-based at D."""
    match = _match(_AMOUNT, text.removeprefix("in "))
    if match is None:
        return None
    duration = _duration_from(match, quoted, hint="give a date for a day in the past")
    if duration.unit in ("m", "h"):
        return duration.add_to(now, settings)
    day = _shift_date(now.date(), duration.amount, duration.unit, settings.workdays)
    return _at(day, settings.day_end, now.tzinfo)


def _read_day_word(
    text: str, now: datetime, settings: Settings, quoted: str
) -> datetime | None:
    """The words that name a moment on their own and take no time: tonight, eod, eow, eom."""
    today = now.date()
    if text == "tonight":
        return _at(today, _TONIGHT, now.tzinfo)
    if text == "eod":
        return _at(today, settings.day_end, now.tzinfo)
    if text == "eow":
        return _end_of_week(now, settings)
    if text == "eom":
        next_month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return _at(next_month - timedelta(days=1), settings.day_end, now.tzinfo)
    return None


def _read_day_and_time(
    text: str, now: datetime, settings: Settings, quoted: str
) -> datetime | None:
    """A day (`fri`, `tomorrow`, `dec 3`, `2026-12-03`), a time (`5pm`), or both."""
    match = _match(_DAY_AND_TIME, text)
    day_text = match["day"] if match else text
    if day_text is None:  # a time alone: today, even if already past
        return _at(now.date(), _clock_from(match), now.tzinfo)
    weekday = _match(_WEEKDAY, day_text)
    day = None if weekday else _named_date(day_text, now.date())
    if weekday is None and day is None:
        return None
    clock = _clock_from(match) if match else settings.day_end
    if weekday:
        return _next_weekday(_WEEKDAYS[weekday["weekday"]], clock, now)
    return _at(day, clock, now.tzinfo)


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
    today = now.date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    moment = _at(day, clock, now.tzinfo)
    if moment <= now:
        moment = _at(day + timedelta(weeks=1), clock, now.tzinfo)
    return moment


def _end_of_week(now: datetime, settings: Settings) -> datetime:
    """The week's last workday at D, or next week's once that moment has passed.

    "Last" is in the order of the week starting on `week_start`, so a Sunday-to-Thursday
    working week with weeks starting on Sunday ends on Thursday.
    """
    workdays = _valid_workdays(settings.workdays)
    today = now.date()
    week_start = today - timedelta(days=(today.weekday() - settings.week_start) % 7)
    last = week_start + timedelta(days=max((d - settings.week_start) % 7 for d in workdays))
    moment = _at(last, settings.day_end, now.tzinfo)
    if moment < now:
        moment = _at(last + timedelta(weeks=1), settings.day_end, now.tzinfo)
    return moment


def _shift_date(day: date, amount: int, unit: str, workdays) -> date:
    """`day` moved forward by `amount` days, weeks or business days."""
    if unit == "d":
        return day + timedelta(days=amount)
    if unit == "w":
        return day + timedelta(weeks=amount)
    return _add_workdays(day, amount, _valid_workdays(workdays))


def _add_workdays(day: date, count: int, workdays: frozenset[int]) -> date:
    """The `count`-th workday after `day` (`day` itself for 0).

    Every run of 7 days holds each workday once, so whole weeks are skipped at once and
    only the last few days are walked: huge counts stay fast.
    """
    if count == 0:
        return day
    weeks, remaining = divmod(count - 1, len(workdays))
    day += timedelta(weeks=weeks)
    remaining += 1
    while remaining:
        day += timedelta(days=1)
        if day.weekday() in workdays:
            remaining -= 1
    return day


def _valid_workdays(workdays) -> frozenset[int]:
    valid = frozenset(d for d in workdays if isinstance(d, int) and 0 <= d <= 6)
    if not valid:
        raise BadInput("no workdays are configured, so working days cannot be counted")
    return valid


def _calendar_date(year, month, day, *, text: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise BadInput(f"{text} is not a calendar date") from None


# --- times, zones and amounts ------------------------------------------------------


def _at(day: date, clock: time, zone) -> datetime:
    """The UTC instant at which the wall clock in `zone` shows `clock` on `day`.

    With fold=0, zoneinfo resolves an ambiguous (fold) time to its first occurrence and
    a nonexistent (gap) time with the offset from before the change, which puts the
    instant after the gap by exactly the gap's length: 02:30 becomes 03:30.
    """
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(timezone.utc)


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
        return timezone.utc
    hours, minutes = int(match["off_hours"]), int(match["off_minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise BadInput(f"{match['offset'].upper()} is not a UTC offset")
    sign = -1 if match["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _duration_from(match: re.Match, quoted: str, *, hint: str) -> Duration:
    """The `Duration` of an `_AMOUNT` match, refusing negative and absurd amounts."""
    if match["sign"] == "-":
        raise BadInput(f"{quoted}: negative amounts are not accepted; {hint}")
    unit = _UNIT_OF[match["unit"]]
    digits = match["amount"].lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS or int(digits) > _MAX_AMOUNT[unit]:
        raise _out_of_range(quoted)
    return Duration(int(digits), unit)


def _out_of_range(what: str) -> BadInput:
    return BadInput(f"{what} is outside the dates this tool handles (years 1 to 9999)")


def _zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise BadInput(f"unknown time zone {settings.timezone!r}") from None


def _aware(moment: datetime) -> datetime:
    """`moment`, with naive values taken as UTC (as databases often hand them back)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


# --- text ---------------------------------------------------------------------------


def _normalize(text: object) -> str:
    """Lower case, runs of whitespace as one space, no outer whitespace."""
    return " ".join(text.lower().split()) if isinstance(text, str) else ""


def _quote(text: object) -> str:
    """`text` quoted for a one-line message: trimmed, with control characters escaped."""
    shown = " ".join(text.split()) if isinstance(text, str) else str(text)
    if len(shown) > _MAX_QUOTE:
        shown = shown[: _MAX_QUOTE - 1] + "…"
    return repr(shown)

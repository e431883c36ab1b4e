"""Reading the dates, times and durations a user types.

Every expression is read in the user's time zone (`Settings.timezone`) relative to a
given `now`, and every result is an aware UTC `datetime` (a plain stdlib one) in whole
minutes: seconds are dropped on input, so what is shown is what is judged. Results
outside the years 1970-2199 are refused. "D" below is `Settings.day_end`: a day named
without a time means D on that day. docs/dates.md is the user's version of this list.

`parse_when` accepts:

* ISO dates and datetimes: ``2026-12-03`` (at D), ``2026-12-03T14:00``,
  ``2026-12-03 14:00:30`` (local wall time, seconds dropped), ``2026-12-03T14:00+01:00``
  or ``...Z`` (that exact instant).
* ``now``; ``today``, ``tomorrow``, ``yesterday`` (at D), ``tonight`` (today 23:59);
  ``eod`` (the end of today's working day, or of the next working day when today is not
  one), ``eow`` (the last working day of this week, or of next week once that has
  passed), ``eom`` (the month's last day); ``next week``, ``next month`` (their first
  working day). Each at D, or at a time given after it (``eow 12:00``).
* Weekdays: ``fri`` (the first Friday still ahead), ``this fri`` (this week's),
  ``next fri`` (next week's), ``last fri`` (the latest before today). Month days:
  ``dec 3``, ``3 dec``, ``the 3rd of december``, ``dec 3 2027``, ``the 6th``, ``nov 2026``
  (its first day); slashed dates (``03/12/2026``, ``3/12``) in the configured
  `date_order`, refused as ambiguous when none is set (``2026/12/03`` is always
  year-first). The tool's own display, ``Fri 6 Nov 17:00`` or ``Fri 6 Nov 2027 17:00``
  (a weekday before a month day without a year picks the year where it falls on that
  weekday, the current one first; an ambiguous autumn time may carry its zone's
  abbreviation, ``Sun 25 Oct 02:30 CET``, as `timefmt.short` prints it).
* Any of those days plus a time, optionally joined by ``at``: ``fri 5pm``,
  ``tomorrow at 09:30``, ``dec 3 14:00``, ``5pm fri``. ``noon`` is 12:00; ``midnight``
  is the *end* of the day named (``fri midnight`` is the night from Friday to Saturday,
  bare ``midnight`` the end of today). A time alone means today at that time.
* Relative forms: ``in 3 days``, ``in a week``, ``in 2 hours``, ``3d``, ``+2bd``, ``90m``,
  ``1.5h``, ``2 days ago`` (or ``3 h overdue``, as views print it). Hours and minutes are exact elapsed time; days, weeks and
  business days name a day (today's date plus N days, 7N days, or the Nth following
  working day) at D. With a `base` (the deadline in force, for `expect move`), the bare
  and ``+`` amounts count from it instead, keeping its time of day.

Past by nature: with ``past=True`` (`done --at`, `--since`, `inbound --at`, `received
--at`) a bare weekday or month day, a time alone and ``midnight`` mean the most recent
one, not the next.

Business days, ``eod``, ``eow``, ``next week`` and ``next month`` skip the days that are
not `Settings.workdays` and the public holidays of `Settings.holidays` (a country code;
pass settings with a client's calendar for that client's deadlines).

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

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, NamedTuple

from expectcli.core.config import Settings
from expectcli.core.durations import (
    AMOUNT,
    DURATION_FORMS,
    FIRST_YEAR,
    LAST_YEAR,
    UNITS,
    Duration,
    alternatives,
    aware,
    duration_from,
    holiday_name,
    instant_at,
    is_working_day,
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
    "DURATION_FORMS", "UNITS", "WHEN_FORMS", "Duration", "Reading", "parse_bound", "parse_duration", "parse_when",
    "read_when", "now_utc", "start_of_day", "to_local", "calendar_day", "start_of_week", "last_of_month",
    "non_working_note",
]  # fmt: skip

WHEN_FORMS = (
    "2026-12-03, '2026-12-03 14:00', today, tonight, tomorrow, noon, midnight, eod, eow, eom, "
    "fri, 'next fri', 'fri 5pm', 'dec 3 14:00', 'the 6th', 'next week', 'in 3 days', 3d, 1.5h, +2bd, "
    "'2 days ago', 'Fri 6 Nov 17:00'"
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
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_DATE_ORDERS = ("DMY", "MDY", "YMD")

# Patterns, matched whole against normalized text (lower case, single spaces, no outer
# whitespace, no commas). They stay strings: `re` compiles and caches each on first use,
# which keeps importing this module cheap for the commands that never read a date.
_MONTH = rf"(?P<month>{alternatives(_MONTHS)})\.?"
_DAY_NUMBER = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?: (?P<year>[0-9]{4}))?"
_ON_WEEKDAY = rf"(?:(?P<on>{alternatives(_WEEKDAYS)})\.? )?"
_MONTH_DAY = rf"{_ON_WEEKDAY}{_MONTH} {_DAY_NUMBER}{_YEAR}"
_DAY_MONTH = rf"{_ON_WEEKDAY}(?:the )?{_DAY_NUMBER} (?:of )?{_MONTH}{_YEAR}"
_MONTH_YEAR = rf"{_MONTH} (?P<year>[0-9]{{4}})"
_ORDINAL = r"(?:the (?P<day>[0-9]{1,2})(?:st|nd|rd|th)?|(?P<day2>[0-9]{1,2})(?:st|nd|rd|th))"
_ISO_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_SLASHED = r"(?P<a>[0-9]{1,4})/(?P<b>[0-9]{1,2})(?:/(?P<c>[0-9]{1,4}))?"
_ISO_DATETIME = (
    rf"(?P<date>{_ISO_DATE})[t ]"
    r"(?P<clock>(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?)"
    r" ?(?P<offset>z|(?P<sign>[+-])(?P<off_hours>[0-9]{2})(?::?(?P<off_minutes>[0-9]{2}))?)?"
)
_TIME = (
    r"(?P<time>(?P<hour12>[0-9]{1,2})(?:[:.](?P<minute12>[0-9]{2}))? ?(?P<meridiem>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<hour24>[0-9]{1,2}):(?P<minute24>[0-9]{2})(?::(?P<second24>[0-9]{2}))?"
    r"|(?P<named>noon|midnight))"
)
_ABBREVIATION = r"(?: (?P<abbr>[a-z]{2,6}|[+-][0-9]{2,4}))?"
# The optional day part is lazy, so "at 5pm" reads as no day plus "at".
_DAY_AND_TIME = rf"(?:(?P<day>.+?) )??(?:at )?{_TIME}{_ABBREVIATION}"
_TIME_AND_DAY = rf"(?:at )?{_TIME} (?:on )?(?P<day>.+)"
_WEEKDAY = rf"(?:(?P<which>next|this|last) )?(?P<weekday>{alternatives(_WEEKDAYS)})\.?"
_AGO = rf"(?P<span>{AMOUNT}) (?:ago|overdue)"  # "3 h overdue", as `due` prints it, is 3 h ago


def _match(pattern: str, text: str) -> re.Match | None:
    """`text` matched whole against `pattern`; ASCII only, so `[0-9]` means what it says."""
    return re.fullmatch(pattern, text, re.ASCII)


class Reading(NamedTuple):
    """What a date expression came to: the instant, and the local date it names when the
    user typed a day explicitly (a weekday, a date; not `3d`, `eow` or `next week`)."""

    moment: datetime
    explicit_day: date | None


class _Clock(NamedTuple):
    """A time of day; `midnight` is 00:00 of the day after the one named."""

    time: time
    next_day: bool = False


class _Context(NamedTuple):
    now: datetime  # local
    settings: Settings
    past: bool
    base: datetime | None  # local; relative amounts count from it when given
    quoted: str

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def zone(self):
        return self.now.tzinfo

    def at(self, day: date, clock: _Clock | None) -> datetime:
        if clock is None:
            return instant_at(day, self.settings.day_end, self.zone)
        return instant_at(day + timedelta(days=clock.next_day), clock.time, self.zone)

    def working(self, day: date) -> bool:
        return is_working_day(day, self.settings.workdays, self.settings.holidays)


# --- public API -------------------------------------------------------------------


def parse_when(
    text: str, now: datetime, settings: Settings, *, past: bool = False, base: datetime | None = None
) -> datetime:
    """Read a date/time expression (see the module docstring) as an aware UTC datetime."""
    return read_when(text, now, settings, past=past, base=base).moment


def read_when(
    text: str, now: datetime, settings: Settings, *, past: bool = False, base: datetime | None = None
) -> Reading:
    """`parse_when`, also saying which day the user named explicitly, if any."""
    quoted = quote(text)
    normal = " ".join(normalize(text).replace(",", " ").split())
    if not normal:
        raise BadInput(f"no date or time given; try {WHEN_FORMS}")
    zone = zone_of(settings)
    try:
        local_now = aware(now).astimezone(zone)
        local_base = aware(base).astimezone(zone) if base is not None else None
        context = _Context(local_now, settings, past, local_base, quoted)
        for reader in (_read_iso_datetime, _read_relative, _read_day_and_time):
            result = reader(normal, context)
            if result is not None:
                return _checked(result, quoted)
    except (OverflowError, ValueError):
        raise out_of_range(quoted) from None
    raise BadInput(f"can't read {quoted} as a date or time; try {WHEN_FORMS}")


def _whole_minute(moment: datetime) -> datetime:
    """`moment` in UTC, its seconds dropped."""
    moment = moment.astimezone(UTC)
    return moment - timedelta(seconds=moment.second, microseconds=moment.microsecond)


def _checked(reading: Reading, quoted: str) -> Reading:
    """Whole minutes, and only the years this tool accepts."""
    moment = _whole_minute(reading.moment)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR or (
        reading.explicit_day is not None and not FIRST_YEAR <= reading.explicit_day.year <= LAST_YEAR
    ):
        raise out_of_range(quoted)
    return Reading(moment, reading.explicit_day)


def parse_bound(text: str, now: datetime, settings: Settings, *, end: bool, after: date | None = None) -> datetime:
    """A report boundary: like `parse_when` for a time in the past, but a whole day
    (`2026-11-02`, `today`, `nov 2`, `fri`) means that day's start, or with `end` the
    start of the next day, so that `--since nov 2 --until nov 8` covers both days
    completely. Reports look back, so a weekday or a month day without a year is the
    latest one not after today; the end of a span (`after`: its first day) reads a bare
    weekday forward instead, as the first one on or after `after`, so `--since mon --until
    fri` is Monday to the Friday of that week whatever today is."""
    normal = " ".join(normalize(text).replace(",", " ").split())
    zone = zone_of(settings)
    try:
        local_now = aware(now).astimezone(zone)
        context = _Context(local_now, settings, True, None, quote(text))
        if after is not None and _bare_weekday(normal):
            start = instant_at(after, time(0, 0), zone).astimezone(zone)  # local, as `_Context.now` is
            context = _Context(start, settings, False, None, quote(text))
        day = _named_day(normal, context, None, whole_day=True) if normal else None
        if day is not None:
            # The day named must be one this tool accepts; the bound itself may fall just
            # outside (the end of 31 Dec 2199 is 1 Jan 2200, the start of 1 Jan 1970 in Tokyo
            # is in 1969 in UTC): it is only compared with, never stored.
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise out_of_range(quote(text))
            return _whole_minute(instant_at(day + timedelta(days=1) if end else day, time(0, 0), zone))
    except (OverflowError, ValueError):
        raise out_of_range(quote(text)) from None
    return parse_when(text, now, settings, past=True)


def _bare_weekday(text: str) -> bool:
    """A weekday alone (`fri`, not `last fri`): the day a span's end reads forward."""
    weekday = _match(_WEEKDAY, text)
    return weekday is not None and weekday["which"] is None


def non_working_note(day: date, settings: Settings, holidays: str | None = None) -> str | None:
    """Why `day` is no working day, for the one line a deadline on it earns; None if it is one."""
    country = holidays if holidays is not None else settings.holidays
    name = holiday_name(country, day)
    shown = f"{day:%a} {day.day} {day:%b %Y}"
    if name:
        return f"{shown} is a public holiday in {country} ({name})"
    if day.weekday() not in valid_workdays(settings.workdays):
        return f"{shown} is a {_DAY_NAMES[day.weekday()]}, not a working day"
    return None


def start_of_day(day: date, settings: Settings) -> datetime:
    """The UTC instant at which `day` begins on the user's wall clock."""
    return instant_at(day, time(0, 0), zone_of(settings))


def now_utc() -> datetime:
    """The current instant in UTC, to the minute (times are whole minutes everywhere)."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def to_local(moment: datetime, settings: Settings) -> datetime:
    """`moment` as an aware datetime in the user's zone (naive input is taken as UTC)."""
    return aware(moment).astimezone(zone_of(settings))


# --- the readers: each returns None when the text is not its form -----------------


def _read_iso_datetime(text: str, context: _Context) -> Reading | None:
    """`2026-12-03T14:00[:30[.5]][Z|+01:00]`; without an offset it is local wall time."""
    match = _match(_ISO_DATETIME, text)
    if match is None:
        return None
    day = _calendar_date(match["year"], match["month"], match["day"], text=match["date"])
    clock = _clock(int(match["hour"]), int(match["minute"]), int(match["second"] or 0), text=match["clock"])
    if match["offset"] is None:
        return Reading(instant_at(day, clock, context.zone), day)
    return Reading(datetime.combine(day, clock, tzinfo=_offset(match)).astimezone(UTC), day)


def _read_relative(text: str, context: _Context) -> Reading | None:
    """`in 3 days`, `3d`, `+2bd`, `2h`, `2 days ago`: exact for hours and minutes, day-based at D."""
    ago = _match(_AGO, text)
    from_base = context.base is not None and not text.startswith("in ") and ago is None
    match = _match(AMOUNT, ago["span"] if ago else text.removeprefix("in "))
    if match is None:
        return None
    duration = duration_from(match, context.quoted, hint="give a date for a day in the past, or write '2 days ago'")
    if from_base:
        assert context.base is not None
        return Reading(duration.add_to(context.base, context.settings), None)
    back = ago is not None
    if duration.is_elapsed_time:
        return Reading(duration.add_to(context.now, context.settings, back=back), None)
    settings = context.settings
    day = shift_date(context.today, duration, settings.workdays, settings.holidays, back=back)
    return Reading(instant_at(day, settings.day_end, context.zone), None)


def _read_day_and_time(text: str, context: _Context) -> Reading | None:
    """A day (`fri`, `tomorrow`, `dec 3`, `2026-12-03`, `eow`), a time (`5pm`), or both."""
    match = _match(_TIME_AND_DAY, text)  # `5pm fri`, when what follows the time names a day
    if match is None or _named_day(match["day"], context, _clock_from(match)) is None:
        match = _match(_DAY_AND_TIME, text)
    if match is not None and match["day"] is None:  # a time alone
        if match["abbr"]:
            return Reading(_with_abbreviation(context.today, _clock_from(match), match["abbr"], context), None)
        return Reading(_time_alone(_clock_from(match), context), None)
    day_text = match["day"] if match else text
    clock = _clock_from(match) if match else None
    if day_text == "now" and clock is None:
        return Reading(context.now, None)
    if day_text == "tonight":
        return Reading(context.at(context.today, clock or _Clock(_TONIGHT)), context.today)
    day = _named_day(day_text, context, clock)
    if day is None:
        return None
    moment = context.at(day, clock)
    if match is not None and match.groupdict().get("abbr"):
        moment = _with_abbreviation(day, clock, match["abbr"], context)
    return Reading(moment, None if day_text in _BUSINESS_WORDS else day)


def _time_alone(clock: _Clock, context: _Context) -> datetime:
    """Today at `clock`, even if already past; in the past, the latest such moment."""
    if clock.next_day and context.past:  # the latest midnight: the start of today
        return context.at(context.today, _Clock(clock.time))
    moment = context.at(context.today, clock)
    if context.past and moment > context.now:
        moment = context.at(context.today - timedelta(days=1), clock)
    return moment


def _with_abbreviation(day: date, clock: _Clock | None, abbreviation: str, context: _Context) -> datetime:
    """The wall time with a zone abbreviation (`CET`, `CEST`, `+03`): picks which of the two
    occurrences of an ambiguous autumn time is meant, and must be the zone's at that time."""
    wall_day = day + timedelta(days=clock.next_day) if clock else day
    wall_clock = clock.time if clock else context.settings.day_end
    for fold in (0, 1):
        wall = datetime.combine(wall_day, wall_clock, tzinfo=context.zone).replace(fold=fold)
        if abbreviation in ((wall.tzname() or "").lower(), f"{wall:%z}"):
            return wall.astimezone(UTC)
    raise BadInput(f"{context.quoted}: {abbreviation.upper()} is not the time zone's name at that time")


# --- days ---------------------------------------------------------------------------

_BUSINESS_WORDS = ("eod", "eow", "eom", "next week", "next month")


def _named_day(text: str, context: _Context, clock: _Clock | None, *, whole_day: bool = False) -> date | None:
    """The local date `text` names, or None when it names none. `clock` is the time given
    with it (to tell whether a weekday's moment is still ahead); `whole_day` asks for a
    whole day, as a report boundary means one (a weekday counts from its start)."""
    today = context.today
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    if text in _BUSINESS_WORDS:
        return _business_day(text, context, clock)
    weekday = _match(_WEEKDAY, text)
    if weekday:
        return _weekday_date(_WEEKDAYS[weekday["weekday"]], weekday["which"], context, clock, whole_day)
    match = _match(_ISO_DATE, text)
    if match:
        return _calendar_date(*match.groups(), text=text)
    match = _match(_SLASHED, text)
    if match:
        return _slashed(match, context)
    match = _match(_ORDINAL, text)
    if match:
        return _month_day_in(None, int(match["day"] or match["day2"]), context, text=text)
    match = _match(_MONTH_YEAR, text)
    if match:
        return _calendar_date(match["year"], _MONTHS[match["month"]], 1, text=text)
    match = _match(_MONTH_DAY, text) or _match(_DAY_MONTH, text)
    if match is None:
        return None
    month, day = _MONTHS[match["month"]], int(match["day"])
    on = _WEEKDAYS[match["on"]] if match["on"] else None
    if match["year"]:
        found = _calendar_date(match["year"], month, day, text=text)
        if on is not None and found.weekday() != on:
            raise BadInput(f"{context.quoted}: {found:%-d %B %Y} is a {_DAY_NAMES[found.weekday()]}")
        return found
    if on is not None:
        return _year_by_weekday(month, day, on, context)
    return _month_day_in(month, day, context, text=text)


def _business_day(text: str, context: _Context, clock: _Clock | None) -> date:
    """eod, eow, eom, next week, next month: working days, skipping holidays."""
    today = context.today
    if text == "eod":
        return _first_working_day(today, context)
    if text == "eom":
        return last_of_month(today)
    if text == "eow":
        return _end_of_week(context, clock)
    if text == "next week":
        first = start_of_week(today, context.settings.week_start).add(weeks=1)
    else:
        first = calendar_day(today).start_of("month").add(months=1)
    return _first_working_day(first, context)


def _first_working_day(day: date, context: _Context) -> date:
    """`day` or the first working day after it (at most a few weeks of holidays on end)."""
    for offset in range(60):
        candidate = day + timedelta(days=offset)
        if context.working(candidate):
            return candidate
    return day


def _end_of_week(context: _Context, clock: _Clock | None) -> date:
    """The week's last working day, or next week's once its moment has passed.

    "Last" is in the order of the week starting on `week_start`, so a Sunday-to-Thursday
    working week with weeks starting on Sunday ends on Thursday. A holiday on that day
    makes it the working day before; a week without any working day ends on its last workday.
    """
    settings = context.settings
    workdays = valid_workdays(settings.workdays)
    for weeks in (0, 1, 2):
        first = calendar_day(start_of_week(context.today, settings.week_start)).add(weeks=weeks)
        days = [first.add(days=offset) for offset in range(7)]
        working = [day for day in days if context.working(day)] or [d for d in days if d.weekday() in workdays]
        last = working[-1]
        if context.at(last, clock) >= context.now:
            return last
    return last


def _weekday_date(weekday: int, which: str | None, context: _Context, clock: _Clock | None, whole_day: bool) -> date:
    today = calendar_day(context.today)
    if which in ("this", "next"):
        first = start_of_week(today, context.settings.week_start)
        week = first.add(weeks=1) if which == "next" else first
        return week.add(days=(weekday - context.settings.week_start) % 7)
    if which == "last":
        return today.previous(_weekday(weekday))
    on_or_before = today if today.day_of_week == weekday else today.previous(_weekday(weekday))
    if context.past:
        if whole_day or context.at(on_or_before, clock) <= context.now:
            return on_or_before
        return on_or_before.subtract(weeks=1)
    on_or_after = today if today.day_of_week == weekday else today.next(_weekday(weekday))
    if context.at(on_or_after, clock) <= context.now:
        return on_or_after.add(weeks=1)
    return on_or_after


def _slashed(match: re.Match, context: _Context) -> date | None:
    """03/12/2026, 3/12 or 2026/12/03, in the configured date order."""
    a, b, c = match["a"], match["b"], match["c"]
    text = match.group(0)
    if len(a) == 4:
        if c is None:
            raise BadInput(f"{context.quoted}: a year-first date needs a day: 2026/12/03")
        if len(c) > 2:
            raise BadInput(f"{text} is not a calendar date (a year-first date: 2026/12/03)")
        return _calendar_date(a, b, c, text=text)
    if len(a) == 3:
        return None
    order = context.settings.date_order
    if order is None:
        raise BadInput(
            f"{context.quoted} is ambiguous (day or month first?); write 2026-12-03, or set "
            'date_order = "DMY" (or "MDY", "YMD") in the config'
        )
    if order == "YMD":
        year, month, day = (a, b, c) if c is not None else (None, a, b)
    else:
        day, month = (a, b) if order == "DMY" else (b, a)
        year = c
    # A year of two digits (20xx) or four; a day or month of one or two.
    if not 1 <= int(month) <= 12 or len(day) > 2 or (year is not None and len(year) not in (2, 4)):
        raise BadInput(f"{text} is not a calendar date (read as {order})")
    if year is None:
        return _month_day_in(int(month), int(day), context, text=text)
    if len(year) == 2:
        year = str(2000 + int(year))
    return _calendar_date(year, month, day, text=f"{text} (read as {order})")


def _month_day_in(month: int | None, day: int, context: _Context, *, text: str | None = None) -> date:
    """A month day without a year (or with `month` None, a day of some month): the next
    one on or after today, or when past by nature the latest one on or before today."""
    text = text or context.quoted
    _calendar_date(2000, month or 1, day, text=text)  # a leap year: refuses only feb 30 and such
    today = context.today
    step = -1 if context.past else 1
    if month is None:
        year, current = today.year, today.month
        for _ in range(13):
            try:
                candidate = date(year, current, day)
            except ValueError:
                candidate = None
            if candidate is not None and (candidate <= today if context.past else candidate >= today):
                return candidate
            current += step
            if current in (0, 13):
                year, current = year + step, 1 if step > 0 else 12
        raise OverflowError(text)
    for year in range(today.year, today.year + 9 * step, step):  # leap years are at most 8 years apart
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= today if context.past else candidate >= today:
            return candidate
    raise OverflowError(text)


def _year_by_weekday(month: int, day: int, weekday: int, context: _Context) -> date:
    """`Fri 6 Nov`: the year where that day is that weekday, the current one first, then the
    nearest (the tool prints the year whenever it is not the current one)."""
    year = context.today.year
    for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
        try:
            candidate = date(year + offset, month, day)
        except ValueError:
            continue
        if candidate.weekday() == weekday:
            return candidate
    shown = f"{day} {_MONTH_NAMES[month - 1].title()}"
    raise BadInput(f"{context.quoted}: {shown} is not a {_DAY_NAMES[weekday]} in the years around {year}")


# --- calendar steps -------------------------------------------------------------------------
# Weekday steps, week starts and month ends are Pendulum's arithmetic on local dates. Pendulum
# is imported only here, when such a phrase is read or a report period is worked out, never by
# what a prompt's `expect due --count` runs (ISO times and amounts): importing it costs ~35 ms.
# Turning a local date and time into an instant stays `instant_at`'s (see its docstring).


def calendar_day(day: date) -> "pendulum.Date":
    """`day` as a `pendulum.Date` (a `date` subclass), for calendar arithmetic."""
    import pendulum

    return pendulum.Date(day.year, day.month, day.day)


def _weekday(index: int) -> "pendulum.WeekDay":
    """Pendulum's name of a weekday (0 = Monday … 6 = Sunday)."""
    import pendulum

    return pendulum.WeekDay(index)


def start_of_week(day: date, week_start: int) -> "pendulum.Date":
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


def _clock_from(match: re.Match) -> _Clock:
    """The time of day named by the `_TIME` groups of `match` (seconds dropped)."""
    text = match["time"]
    if match["named"]:
        return _Clock(time(12)) if match["named"] == "noon" else _Clock(time(0), next_day=True)
    if match["meridiem"]:
        hour = int(match["hour12"])
        if not 1 <= hour <= 12:
            raise BadInput(f"{text} is not a clock time")
        hour = hour % 12 + (12 if match["meridiem"][0] == "p" else 0)
        return _Clock(_clock(hour, int(match["minute12"] or 0), text=text))
    return _Clock(_clock(int(match["hour24"]), int(match["minute24"]), int(match["second24"] or 0), text=text))


def _clock(hour: int, minute: int, second: int = 0, *, text: str) -> time:
    """A time of day in whole minutes: seconds are read (up to 59) and dropped."""
    if hour > 23 or minute > 59 or second > 59:
        raise BadInput(f"{text} is not a clock time")
    return time(hour, minute)


def _offset(match: re.Match) -> timezone:
    if match["offset"] == "z":
        return UTC
    hours, minutes = int(match["off_hours"]), int(match["off_minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise BadInput(f"{match['offset'].upper()} is not a UTC offset")
    sign = -1 if match["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# --- text ---------------------------------------------------------------------------

"""Durations (`4h`, `90m`, `2d`, `1w`, `1bd`) and the wall-clock rules every date obeys.

This module imports nothing of `expect` but its error type, and only the standard library:
a prompt's `expect due --count --within 2d` reads its window here, and the config file's
`respond_within` and `update_every` are read here once, when the settings are loaded.

Daylight-saving rules, applied wherever a local wall time is turned into an instant
(`instant_at`):

* a wall time that does not exist (the spring-forward gap, e.g. 02:30 on 2027-03-28 in
  Europe/Berlin) is moved forward by the length of the gap (03:30 CEST);
* an ambiguous wall time (the autumn fold, e.g. 02:30 on 2026-10-25 in Europe/Berlin)
  means its earlier occurrence (02:30 CEST, +02:00).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from expectcli.errors import BadInput

DURATION_FORMS = "4h, 90m, 2d, 1w, 1bd"
UNITS = ("m", "h", "d", "w", "bd")

_MAX_QUOTE = 40
_MAX_DIGITS = 12

_UNIT_WORDS = {
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "wk", "wks", "week", "weeks"),
    "bd": ("bd", "business day", "business days", "workday", "workdays"),
}
UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}

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


def alternatives(words) -> str:
    """A regex alternation that tries longer words first."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# A string, not a compiled pattern: `re` compiles and caches it on first use.
# `1.5h` has a fraction; `a week`, `an hour` an article (the space after it is required, so
# `am` is never "a minute").
AMOUNT = (
    r"(?P<sign>[+-]?) ?(?:(?P<amount>[0-9]+)(?:\.(?P<fraction>[0-9]{1,6}))? ?|(?P<article>an?) )"
    rf"(?P<unit>{alternatives(UNIT_OF)})"
)


class Calendar(Protocol):
    """What day arithmetic needs of the settings: the zone's name and the working days."""

    @property
    def timezone(self) -> str: ...

    @property
    def workdays(self) -> tuple[int, ...]: ...


class _Span(NamedTuple):
    amount: int
    unit: str  # one of UNITS


class Duration(_Span):
    """A non-negative span: `amount` of minutes, hours, days, weeks or business days."""

    __slots__ = ()

    def __new__(cls, amount: int, unit: str) -> "Duration":
        if unit not in UNITS or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"invalid Duration({amount!r}, {unit!r})")
        return super().__new__(cls, amount, unit)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def is_elapsed_time(self) -> bool:
        """Minutes and hours are exact elapsed time; the other units name days."""
        return self.unit in ("m", "h")

    def add_to(self, start: datetime, settings: Calendar, *, back: bool = False) -> datetime:
        """The UTC instant this duration after `start` (before it, with `back`).

        Minutes and hours are exact elapsed time. Days, weeks and business days keep
        the wall-clock time of `start` in the user's zone, so across a DST change one
        day may be 23 or 25 hours; business days skip the settings' public holidays.
        """
        try:
            start = aware(start)
            if self.is_elapsed_time:
                elapsed = timedelta(minutes=self.amount if self.unit == "m" else 60 * self.amount)
                return start.astimezone(UTC) + (-elapsed if back else elapsed)
            zone = zone_of(settings)
            local = start.astimezone(zone)
            day = shift_date(local.date(), self, settings.workdays, getattr(settings, "holidays", None), back=back)
            return instant_at(day, local.time(), zone)
        except (OverflowError, ValueError):
            raise out_of_range(f"{self} after {start.isoformat()}") from None


def parse_duration(text: str) -> Duration:
    """Read `4h`, `90m`, `2d`, `1w`, `1bd`, `30min`, `2 days`, `3 business days`, `+1h`…"""
    quoted = quote(text)
    match = re.fullmatch(AMOUNT, normalize(text), re.ASCII)
    if match is None:
        raise BadInput(f"can't read {quoted} as a duration; try {DURATION_FORMS}")
    return duration_from(match, quoted, hint=f"try {DURATION_FORMS}")


def duration_from(match: re.Match, quoted: str, *, hint: str) -> Duration:
    """The `Duration` of an `AMOUNT` match, refusing negative and absurd amounts.

    A fraction is accepted where it comes to whole minutes (`1.5h` is `90m`); times are
    whole minutes everywhere, so `1.5m` or `1.5d` is refused with a hint."""
    if match["sign"] == "-":
        raise BadInput(f"{quoted}: negative amounts are not accepted; {hint}")
    unit = UNIT_OF[match["unit"]]
    digits = "1" if match["article"] else match["amount"].lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS or int(digits) > _MAX_AMOUNT[unit]:
        raise out_of_range(quoted)
    fraction = (match["fraction"] or "").rstrip("0")
    if not fraction:
        return Duration(int(digits), unit)
    if unit != "h":
        raise BadInput(f"{quoted}: only hours take a fraction (1.5h); write days and minutes as whole numbers")
    minutes = int(digits) * 60 + int(fraction) * 60 / 10 ** len(fraction)
    if minutes != int(minutes):
        raise BadInput(f"{quoted} is not a whole number of minutes; times are kept to the minute")
    return Duration(int(minutes), "m")


# --- days -------------------------------------------------------------------------------


def shift_date(day: date, duration: Duration, workdays, holidays: str | None = None, *, back: bool = False) -> date:
    """`day` moved forward (or with `back`, backward) by a duration of days, weeks or
    business days; business days skip the public holidays of `holidays` (a country code)."""
    sign = -1 if back else 1
    if duration.unit == "d":
        return day + timedelta(days=sign * duration.amount)
    if duration.unit == "w":
        return day + timedelta(weeks=sign * duration.amount)
    return add_workdays(day, duration.amount, valid_workdays(workdays), holidays, step=sign)


def add_workdays(day: date, count: int, workdays: frozenset[int], holidays: str | None = None, step: int = 1) -> date:
    """The `count`-th working day after `day` (before it with `step=-1`; `day` itself for 0).

    Without holidays every run of 7 days holds each workday once, so whole weeks are skipped
    at once and only the last few days are walked: huge counts stay fast. With a holiday
    calendar each day is looked at (a count that large is refused as out of range first).
    """
    if count == 0:
        return day
    remaining = count
    if not holidays:
        weeks, remaining = divmod(count - 1, len(workdays))
        day += timedelta(weeks=step * weeks)
        remaining += 1
    elif count > _MAX_HOLIDAY_WALK:
        raise OverflowError(count)
    while remaining:
        day += timedelta(days=step)
        if day.weekday() in workdays and not is_holiday(holidays, day):
            remaining -= 1
    return day


# Business days counted over a holiday calendar are walked day by day; more than ~250 years
# of them is past the years this tool accepts anyway.
_MAX_HOLIDAY_WALK = 70_000


def is_working_day(day: date, workdays, holidays: str | None = None) -> bool:
    return day.weekday() in valid_workdays(workdays) and not is_holiday(holidays, day)


# --- public holidays ------------------------------------------------------------------------
# The `holidays` package is imported only when a calendar is asked about a day: a prompt's
# `expect due --count` never does unless its window is in business days.


def is_holiday(country: str | None, day: date) -> bool:
    if not country:
        return False
    return day in _holiday_calendar(country, day.year)


def holiday_name(country: str | None, day: date) -> str | None:
    """The name of the public holiday on `day` in `country`, or None."""
    if not country:
        return None
    return _holiday_calendar(country, day.year).get(day)


def check_country(country: str) -> str:
    """`country` in canonical form (`DE`, `DE-BY`) if the holidays package knows it, else BadInput."""
    canonical = country.strip().upper()
    _holiday_calendar(canonical, 2000)
    return canonical


@lru_cache(maxsize=64)
def _holiday_calendar(country: str, year: int):
    import holidays

    code, _, subdivision = country.strip().upper().partition("-")
    try:
        return holidays.country_holidays(code, subdiv=subdivision or None, years=year)
    except (NotImplementedError, KeyError):
        if subdivision and country_known(code):
            raise BadInput(f"unknown public-holiday region {country!r}: {code} has no region {subdivision}") from None
        raise BadInput(
            f"unknown country {country!r} for public holidays; use an ISO code such as DE, US, GB or DE-BY"
        ) from None
    except Exception as exc:  # an unknown subdivision raises other types across versions
        if subdivision:
            raise BadInput(
                f"unknown public-holiday region {country!r}; use a country code with a region it has, such as DE-BY"
            ) from None
        reason = " ".join(str(exc).split())[:120]
        raise BadInput(f"unknown holidays region {country!r}: {reason}") from None


def country_known(code: str) -> bool:
    import holidays

    return code in holidays.list_supported_countries()


def valid_workdays(workdays) -> frozenset[int]:
    valid = frozenset(d for d in workdays if isinstance(d, int) and 0 <= d <= 6)
    if not valid:
        raise BadInput("no workdays are configured, so working days cannot be counted")
    return valid


# --- instants, zones and text ------------------------------------------------------------


def instant_at(day: date, clock: time, zone) -> datetime:
    """The UTC instant at which the wall clock in `zone` shows `clock` on `day`.

    With fold=0, zoneinfo resolves an ambiguous (fold) time to its first occurrence and
    a nonexistent (gap) time with the offset from before the change, which puts the
    instant after the gap by exactly the gap's length: 02:30 becomes 03:30. (Pendulum's
    one `fold` flag cannot say both: its fold=0 puts a gap time before the gap.)
    """
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(UTC)


def zone_of(settings: Calendar) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise BadInput(f"unknown time zone {settings.timezone!r}") from None


def aware(moment: datetime) -> datetime:
    """`moment`, with naive values taken as UTC (as databases often hand them back)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment


FIRST_YEAR, LAST_YEAR = 1970, 2199


def out_of_range(what: str) -> BadInput:
    return BadInput(f"{what} is outside the dates this tool accepts (years {FIRST_YEAR} to {LAST_YEAR})")


def normalize(text: object) -> str:
    """Lower case, runs of whitespace as one space, no outer whitespace."""
    return " ".join(text.lower().split()) if isinstance(text, str) else ""


def quote(text: object) -> str:
    """`text` quoted for a one-line message: trimmed, with control characters escaped."""
    shown = " ".join(text.split()) if isinstance(text, str) else str(text)
    if len(shown) > _MAX_QUOTE:
        shown = shown[: _MAX_QUOTE - 1] + "…"
    return repr(shown)

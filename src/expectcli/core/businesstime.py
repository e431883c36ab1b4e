"""Business time: deadlines that count only working hours.

A client's response window ("we answer within 4 working hours", "within 1 business day")
runs on the client's working hours in the client's time zone, and skips nights, the days
that are not working days and, when configured, the country's public holidays.

- minutes and hours (`90m`, `4h`) are working time: a request at 16:00 with a 4h window on
  a 09:00–17:00 day is due at 12:00 the next working day;
- business days (`1bd`) are that many full working days of working time: 1bd from Monday
  14:00 is Tuesday 14:00; from Friday 20:00 it is Monday 17:00 (the window starts when the
  next working day does);
- calendar days and weeks (`2d`, `1w`) are calendar time, DST-aware, as everywhere else.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from expectcli.core.config import Settings
from expectcli.core.durations import Duration, check_country, is_holiday
from expectcli.errors import BadInput

__all__ = ["MAX_DAYS", "WorkingTime", "add_working_time", "after", "check_country", "is_holiday"]

MAX_DAYS = 3660  # a window longer than ten years of working days is a typo


class WorkingTime(NamedTuple):
    zone: str
    start: time
    end: time
    workdays: frozenset[int]
    holidays: str | None = None  # a country code the `holidays` package knows, e.g. DE or DE-BY

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and not is_holiday(self.holidays, day)


def after(start: datetime, window: Duration, hours: WorkingTime) -> datetime:
    """The deadline `window` after `start` (aware), as an aware UTC datetime."""
    if window.unit in ("d", "w"):
        return window.add_to(start, Settings(timezone=hours.zone, holidays=hours.holidays))
    per_unit = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "bd": hours.day_length}[window.unit]
    return add_working_time(start, window.amount * per_unit, hours)


def add_working_time(start: datetime, amount: timedelta, hours: WorkingTime) -> datetime:
    """Walk forward from `start`, spending `amount` only inside working hours."""
    if not hours.workdays:
        raise BadInput("no working days are configured, so business time cannot pass")
    zone = ZoneInfo(hours.zone)
    local = start.astimezone(zone)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    remaining = amount
    for _ in range(MAX_DAYS * 7 // max(len(hours.workdays), 1) + 7):
        if hours.is_working_day(day) and clock < hours.end:
            opens = max(clock, hours.start)
            available = _between(opens, hours.end)
            if remaining <= available:
                return _instant(day, (datetime.combine(day, opens) + remaining).time(), zone)
            remaining -= available
        day, clock = day + timedelta(days=1), time(0, 0)
    raise BadInput("that response window is longer than ten years of working time")


def _between(a: time, b: time) -> timedelta:
    return max(datetime.combine(date.min, b) - datetime.combine(date.min, a), timedelta(0))


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def working_between(start: datetime, end: datetime, hours: WorkingTime) -> timedelta:
    """The working time inside [start, end): the paused time of a deadline given in business days."""
    zone = ZoneInfo(hours.zone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    total = timedelta(0)
    day = first.date()
    for _ in range(MAX_DAYS * 7):
        if day > last.date():
            break
        if hours.is_working_day(day):
            opens = _instant(day, hours.start, zone)
            closes = _instant(day, hours.end, zone)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def extend_by_working_time(due: int, start: int, end: int, hours: WorkingTime) -> int:
    """`due` moved later by the working time between `start` and `end` (epoch seconds): a
    deadline given in business days, paused from `start` to `end`. No working time paused
    leaves it where it was."""
    paused = working_between(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC), hours)
    if paused <= timedelta(0):
        return due
    return int(add_working_time(datetime.fromtimestamp(due, UTC), paused, hours).timestamp())

"""Report periods: calendar weeks and months in the user's time zone, or any span.

A period is the half-open interval [start, end) of UTC epoch seconds; a promise belongs to
it when its reckoning time falls inside. Weeks begin at local midnight of the configured
first weekday, months at local midnight of the 1st, so a week across a daylight-saving
change is 167 or 169 hours long. The span before a span of whole local days is as many
whole days, so a trend across a daylight-saving change still starts each span at midnight.

The calendar steps (the week's first day, the next and previous week or month) are
Pendulum's, on local dates; each boundary date becomes an instant by `dates.start_of_day`,
whose rules say where a midnight that does not exist, or exists twice, falls.
"""

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from expectcli.core.config import Settings
from expectcli.core.dates import calendar_day, start_of_day, start_of_week, to_local


class Period(NamedTuple):
    kind: str  # week, month or span
    start: int
    end: int

    def contains(self, moment: int) -> bool:
        return self.start <= moment < self.end


def week_of(moment: int, settings: Settings) -> Period:
    first = start_of_week(_local_date(moment, settings), settings.week_start)
    return _days("week", first, first.add(weeks=1), settings)


def month_of(moment: int, settings: Settings) -> Period:
    first = calendar_day(_local_date(moment, settings)).start_of("month")
    return _days("month", first, first.add(months=1), settings)


def span(start: int, end: int) -> Period:
    return Period("span", start, end)


def previous(period: Period, settings: Settings) -> Period:
    """The period of the same kind just before `period` (a span: of the same length)."""
    if period.kind == "week":
        first = start_of_week(first_day(period, settings), settings.week_start).subtract(weeks=1)
        return _days("week", first, first.add(weeks=1), settings)
    if period.kind == "month":
        first = calendar_day(first_day(period, settings)).start_of("month").subtract(months=1)
        return _days("month", first, first.add(months=1), settings)
    start, after = _local_date(period.start, settings), _local_date(period.end, settings)
    if _is_midnight(period.start, settings) and _is_midnight(period.end, settings):
        days = (after - start).days  # whole local days: the same days before, midnight to midnight
        return _days("span", start - timedelta(days=days), start, settings)
    return Period("span", 2 * period.start - period.end, period.start)


def trailing(period: Period, count: int, settings: Settings) -> list[Period]:
    """The `count` periods before `period`, oldest first."""
    periods: list[Period] = []
    current = period
    for _ in range(count):
        current = previous(current, settings)
        periods.append(current)
    return periods[::-1]


def span_years(shown: list[Period], settings: Settings) -> bool:
    """Whether the days of the periods `shown` fall in more than one calendar year."""
    years = {day.year for period in shown for day in (first_day(period, settings), last_day(period, settings))}
    return len(years) > 1


def local_date(moment: int, settings: Settings) -> date:
    """The user's calendar date at `moment`."""
    return _local_date(moment, settings)


def first_day(period: Period, settings: Settings) -> date:
    return _local_date(period.start, settings)


def last_day(period: Period, settings: Settings) -> date:
    """The local date of the period's last moment."""
    return _local_date(period.end - 1, settings)


def _days(kind: str, first: date, after: date, settings: Settings) -> Period:
    return Period(kind, _epoch(start_of_day(first, settings)), _epoch(start_of_day(after, settings)))


def _is_midnight(moment: int, settings: Settings) -> bool:
    return moment == _epoch(start_of_day(_local_date(moment, settings), settings))


def _local_date(moment: int, settings: Settings) -> date:
    return to_local(datetime.fromtimestamp(moment, UTC), settings).date()


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())

"""Times for people: local dates and "in 2 days" / "3 h overdue".

`span` and `relative` phrase elapsed time, rounded to the unit a person reads at a glance.
They run on every row of `expect list` and `expect due`, so they are plain arithmetic on
seconds: importing Pendulum for them would cost those commands about 35 ms, a third of their
run. tests/test_timefmt.py holds them to Pendulum's calendar differences instead: a deadline
N days ahead on the wall clock reads "in N days", across a daylight-saving change too.
"""

from __future__ import annotations

from datetime import datetime

from expectcli.core.config import Settings


def local(moment: int, settings: Settings) -> datetime:
    return datetime.fromtimestamp(moment, settings.zone)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZONES: dict = {}  # zone name → ZoneInfo, without `Settings.zone`'s call on every row
_YEAR_OF_NOW: dict = {}  # (now, zone) → now's local year: `short` runs on every row of a long list


def short(moment: int | None, settings: Settings, now: int) -> str:
    """'Fri 27 Nov 17:00', with the year when it is not the current one, and the zone's
    abbreviation when the wall time occurs twice ('Sun 25 Oct 02:30 CET', the second
    02:30 of a daylight-saving autumn night). `dates.parse_when` reads every such text
    back to the same minute, given the same now. (The names are the C locale's, as
    `strftime`'s %a and %b give them; spelled out here for speed.)"""
    if moment is None:
        return ""
    zone = _ZONES.get(settings.timezone)
    if zone is None:
        zone = _ZONES[settings.timezone] = settings.zone
    when = datetime.fromtimestamp(moment, zone)
    year = _YEAR_OF_NOW.get((now, zone))
    if year is None:
        if len(_YEAR_OF_NOW) > 32:
            _YEAR_OF_NOW.clear()
        year = _YEAR_OF_NOW[(now, zone)] = datetime.fromtimestamp(now, zone).year
    day = f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
    text = f"{day} {when.hour:02d}:{when.minute:02d}" if when.year == year else (
        f"{day} {when.year} {when.hour:02d}:{when.minute:02d}")  # fmt: skip
    if _occurs_twice(when):
        same_name = when.replace(fold=0).tzname() == when.replace(fold=1).tzname()
        text += f" {when:%z}" if same_name else f" {when:%Z}"
    return text


def _occurs_twice(when: datetime) -> bool:
    """Whether the wall time of `when` (aware, in its zone) is one of a fold's two occurrences."""
    return when.replace(fold=1 - when.fold).utcoffset() != when.utcoffset()


def span(seconds: int) -> str:
    """A rounded length of time: '45 min', '3 h', '2 days', '5 weeks'."""
    seconds = abs(seconds)
    minutes = seconds // 60
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if seconds < 86400:
        return f"{max(round(seconds / 3600), 1)} h"
    days = round(seconds / 86400)
    if days < 14:
        return "1 day" if days == 1 else f"{days} days"
    return f"{round(days / 7)} weeks"


def relative(due: int, now: int) -> str:
    """'in 2 days' before the deadline, '3 h overdue' after it."""
    if due >= now:
        return f"in {span(due - now)}"
    return f"{span(now - due)} overdue"


def is_same_local_day(a: int, b: int, settings: Settings) -> bool:
    return local(a, settings).date() == local(b, settings).date()

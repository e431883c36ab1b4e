"""Times for people: local dates and "in 2 days" / "3 h overdue".

`span` and `relative` phrase elapsed time, rounded to the unit a person reads at a glance.
They run on every row of `expect list` and `expect due`, so they are plain arithmetic on
seconds: importing Pendulum for them would cost those commands about 35 ms, a third of their
run. tests/test_timefmt.py holds them to Pendulum's calendar differences instead: a deadline
N days ahead on the wall clock reads "in N days", across a daylight-saving change too.
"""

from __future__ import annotations

from datetime import date, datetime

from expectcli.core.config import Settings


def local(moment: int, settings: Settings) -> datetime:
    return datetime.fromtimestamp(moment, settings.zone)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZONES: dict = {}  # zone name → ZoneInfo, without `Settings.zone`'s call on every row
_YEAR_OF_NOW: dict = {}
_QUARTERS: dict = {}  # (zone name, epoch // 900) → (UTC offset, suffix), or False when it changes inside
_DAY_WORDS: dict = {}  # local day number since 1970 → ('Fri 27 Nov', year); the same in every zone
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # (now, zone) → now's local year: `short` runs on every row of a long list


def short(moment: int | None, settings: Settings, now: int) -> str:
    """'Fri 27 Nov 17:00', with the year when it is not the current one, and the zone's
    abbreviation when the wall time occurs twice ('Sun 25 Oct 02:30 CET', the second
    02:30 of a daylight-saving autumn night). `dates.parse_when` reads every such text
    back to the same minute, given the same now. (The names are the C locale's, as
    `strftime`'s %a and %b give them; spelled out here for speed.)

    It runs on every row of a long list, so the zone is asked once per quarter hour of
    time (`_quarter`) and a day's words once per day; the rest is arithmetic."""
    if moment is None:
        return ""
    name = settings.timezone
    quarter = _QUARTERS.get((name, moment // 900))
    if quarter is None:
        quarter = _quarter(moment, settings)
    if quarter is False:  # a zone change inside this quarter hour: ask the zone itself
        return _short_slowly(moment, settings, now)
    offset, suffix = quarter
    days, seconds = divmod(moment + offset, 86400)
    day = _DAY_WORDS.get(days)
    if day is None:
        if len(_DAY_WORDS) > 100_000:
            _DAY_WORDS.clear()
        when = date.fromordinal(days + _EPOCH_ORDINAL)
        day = _DAY_WORDS[days] = (f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}", when.year)
    words, year = day
    if year != _year_of_now(now, settings):
        words = f"{words} {year}"
    return f"{words} {seconds // 3600:02d}:{seconds % 3600 // 60:02d}{suffix}"


def _quarter(moment: int, settings: Settings):
    """(UTC offset, suffix) that hold through the quarter hour of `moment` in the zone, or
    False if they change inside it; remembered."""
    if len(_QUARTERS) > 100_000:
        _QUARTERS.clear()
    start = moment - moment % 900
    zone = _zone(settings)
    first, last = datetime.fromtimestamp(start, zone), datetime.fromtimestamp(start + 899, zone)
    found: tuple[int, str] | bool = False
    if first.utcoffset() == last.utcoffset() and _occurs_twice(first) == _occurs_twice(last):
        found = (int(first.utcoffset().total_seconds()), _suffix(first))  # type: ignore[union-attr]
        if _suffix(last) != found[1]:
            found = False
    _QUARTERS[(settings.timezone, moment // 900)] = found
    return found


def _suffix(when: datetime) -> str:
    if not _occurs_twice(when):
        return ""
    same_name = when.replace(fold=0).tzname() == when.replace(fold=1).tzname()
    return f" {when:%z}" if same_name else f" {when:%Z}"


def _short_slowly(moment: int, settings: Settings, now: int) -> str:
    when = datetime.fromtimestamp(moment, _zone(settings))
    day = f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
    if when.year != _year_of_now(now, settings):
        day = f"{day} {when.year}"
    return f"{day} {when.hour:02d}:{when.minute:02d}{_suffix(when)}"


def _zone(settings: Settings):
    zone = _ZONES.get(settings.timezone)
    if zone is None:
        zone = _ZONES[settings.timezone] = settings.zone
    return zone


def _year_of_now(now: int, settings: Settings) -> int:
    year = _YEAR_OF_NOW.get((now, settings.timezone))
    if year is None:
        if len(_YEAR_OF_NOW) > 32:
            _YEAR_OF_NOW.clear()
        year = _YEAR_OF_NOW[(now, settings.timezone)] = datetime.fromtimestamp(now, _zone(settings)).year
    return year


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

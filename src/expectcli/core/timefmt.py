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

DAY = 86400


def local(moment: int, settings: Settings) -> datetime:
    return datetime.fromtimestamp(moment, settings.zone)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The minute of the day → ' 17:00' (joined from 60 two-digit texts: formatting 1,440 times
# cost every command that imports this module a few milliseconds).
_TWO_DIGITS = [f"{number:02d}" for number in range(60)]
_CLOCK_TIMES = tuple([f" {hour}:{minute}" for hour in _TWO_DIGITS[:24] for minute in _TWO_DIGITS])
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ZONES: dict = {}  # zone name → ZoneInfo, without `Settings.zone`'s call on every row
_CLOCKS: dict = {}  # (zone name, now) → Clock


def short(moment: int | None, settings: Settings, now: int) -> str:
    """'Fri 27 Nov 17:00', with the year when it is not the current one, and the zone's
    abbreviation when the wall time occurs twice ('Sun 25 Oct 02:30 CET', the second
    02:30 of a daylight-saving autumn night). `dates.parse_when` reads every such text
    back to the same minute, given the same now. (The names are the C locale's, as
    `strftime`'s %a and %b give them; spelled out here for speed.)"""
    if moment is not None and moment.__class__ is not int:
        moment = int(moment // 1)  # a time computed in seconds with a fraction: its second
    return clock(settings, now).short(moment)


def clock(settings: Settings, now: int) -> Clock:
    """`short` for one zone and one now, remembered (a long list asks it once, not per row)."""
    found = _CLOCKS.get((settings.timezone, now))
    if found is None:
        if len(_CLOCKS) > 32:
            _CLOCKS.clear()
        found = _CLOCKS[(settings.timezone, now)] = Clock(_zone(settings), now)
    return found


class Clock:
    """`short` in one zone at one now, for every row of a long list.

    The zone is asked for its UTC offset once per UTC day of the moments shown, and a local
    day's words are spelled once; each row is then arithmetic and two lookups. A day is
    answered so only when the offset is the same a day before it, at its start and end, and
    a day after it: as no zone changes its offset twice within two days, nor turns its clocks
    back by a day (tzdata since 1970: changes six days apart or more, at most 7 hours back;
    tests/test_timefmt_fast.py checks the zones installed), the offset then holds through the
    day and no wall time in it occurs twice. Any other day is asked of the zone per moment.

    A loop over many rows may do `short`'s arithmetic itself (`tables.listed_rows` does): when
    `offsets.get(moment // DAY)` is an offset and `words` holds the local day of `moment +
    offset`, the text is those words and `CLOCK_TIMES` of its minute; else `short` answers
    (and learns the day)."""

    def __init__(self, zone, now: int):
        self.zone = zone
        self.year = datetime.fromtimestamp(now, zone).year
        self.offsets: dict[int, int | None] = {}  # UTC day number → its offset, or None: ask per moment
        self.words: dict[int, str] = {}  # local day number → 'Fri 27 Nov' or 'Fri 27 Nov 2025'

    def short(self, moment: int | None) -> str:
        if moment is None:
            return ""
        try:
            offset = self.offsets[moment // DAY]
        except KeyError:
            offset = self._offset(moment // DAY)
        if offset is None:
            return self._asked(moment)
        days, seconds = divmod(moment + offset, DAY)
        try:
            words = self.words[days]
        except KeyError:
            words = self._words(days)
        return words + _CLOCK_TIMES[seconds // 60]

    def _offset(self, day: int) -> int | None:
        start = day * DAY
        probes = {datetime.fromtimestamp(moment, self.zone).utcoffset() for moment in
                  (start - DAY, start, start + DAY - 1, start + 2 * DAY - 1)}  # fmt: skip
        offset = None
        if len(probes) == 1:
            (delta,) = probes
            if delta is not None and not delta.microseconds:
                offset = delta.days * DAY + delta.seconds
        self.offsets[day] = offset
        return offset

    def _words(self, days: int) -> str:
        when = date.fromordinal(days + _EPOCH_ORDINAL)
        words = f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
        if when.year != self.year:
            words = f"{words} {when.year}"
        self.words[days] = words
        return words

    def _asked(self, moment: int) -> str:
        """The zone asked for this very moment (on a day when its offset changes)."""
        when = datetime.fromtimestamp(moment, self.zone)
        day = f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]}"
        if when.year != self.year:
            day = f"{day} {when.year}"
        text = f"{day} {when.hour:02d}:{when.minute:02d}"
        if _occurs_twice(when):
            same_name = when.replace(fold=0).tzname() == when.replace(fold=1).tzname()
            text += f" {when:%z}" if same_name else f" {when:%Z}"
        return text


def _zone(settings: Settings):
    zone = _ZONES.get(settings.timezone)
    if zone is None:
        zone = _ZONES[settings.timezone] = settings.zone
    return zone


def _occurs_twice(when: datetime) -> bool:
    """Whether the wall time of `when` (aware, in its zone) is one of a fold's two occurrences."""
    return when.replace(fold=1 - when.fold).utcoffset() != when.utcoffset()


# `span` is the same for every length strictly inside one half hour (k·SPAN_STEP, (k+1)·SPAN_STEP)
# from an hour on: hours and days are rounded at half hours and half days, which are whole
# half hours (tests/test_timefmt.py checks it). A long list remembers its notes so.
SPAN_STEP = 1800
CLOCK_TIMES = _CLOCK_TIMES  # for a loop that does `Clock.short`'s arithmetic itself


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

"""Recurring promises: the period a series repeats by, and when its next occurrence is due.

A recurring promise (`expect promise … --every 1w`) is the first occurrence of a *series*.
Delivering or releasing an occurrence records the next one, in the same command, with the
same title, client, kind, tags and criteria. The series keeps its rhythm:

* its *slots* are the first occurrence's first deadline plus whole periods — for months by
  Pendulum's calendar arithmetic from that first deadline (31 Jan, 28 Feb, 31 Mar, 30 Apr:
  a month end stays a month end, and a short month never shifts the rest), for days and
  weeks by calendar days, for business days by working days over the client's public
  holidays, each keeping the wall-clock time of day in the user's zone;
* an occurrence's slot is its deadline *as first promised*: moving one occurrence changes
  that occurrence only, never the series (the status report moved from Friday to Monday
  once is still due on Friday next week);
* the next occurrence is due at the first slot after the closed occurrence's slot that is
  still ahead of the moment it was closed (its delivery time, or the release). Delivered on
  time or late within a period, that is the very next slot, one period after the last due;
  closed more than a period late, the slots that passed while it stayed open are skipped —
  one missed occurrence is one broken promise.

The next occurrence is made at the moment the previous one was closed (a back-dated
`done --at` back-dates it too), so back-filling a series works one delivery at a time.
An occurrence records a next only while it is the series' latest live occurrence, so
reopening and delivering it again, or delivering two open occurrences of one series, never
records the same next twice. `release ID --series` releases the occurrence and records no
next: the series ends.
"""

import re
from datetime import UTC, date, datetime
from typing import NamedTuple

from expectcli.core.durations import LAST_YEAR, Duration, instant_at, normalize, out_of_range, quote, zone_of
from expectcli.errors import BadInput

PERIOD_FORMS = "1d, 1w, 2w, 1m (a month), 3m, 1bd (a business day)"

_UNIT_WORDS = {
    "d": ("d", "day", "days"),
    "w": ("w", "wk", "wks", "week", "weeks"),
    "m": ("m", "mo", "mos", "month", "months"),
    "bd": ("bd", "business day", "business days", "workday", "workdays"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_WORDS = {"daily": "1d", "weekly": "1w", "fortnightly": "2w", "monthly": "1m"}
# At most about ten years between occurrences: a longer period is a typo.
_MAX_AMOUNT = {"d": 3660, "w": 522, "m": 120, "bd": 2610}
_AMOUNT = r"(?:(?P<amount>[0-9]{1,6}) ?)?"


class Period(NamedTuple):
    """How often a series repeats: `amount` days, weeks, months or business days."""

    amount: int
    unit: str  # d, w, m (months), bd

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_period(text: str) -> Period:
    """Read `1w`, `2w`, `1m` (a month), `3 months`, `1d`, `1bd`, `weekly`, `monthly`…"""
    cleaned = normalize(text)
    cleaned = _WORDS.get(cleaned, cleaned)
    units = "|".join(re.escape(word) for word in sorted(_UNIT_OF, key=len, reverse=True))
    match = re.fullmatch(rf"{_AMOUNT}(?P<unit>{units})", cleaned, re.ASCII)
    if match is None:
        raise BadInput(f"can't read {quote(text)} as a period for --every; use {PERIOD_FORMS}")
    unit = _UNIT_OF[match["unit"]]
    amount = int(match["amount"]) if match["amount"] else 1
    if not 1 <= amount <= _MAX_AMOUNT[unit]:
        raise BadInput(f"--every {quote(text)}: a series repeats at least once every ten years and at most daily")
    return Period(amount, unit)


def next_due(period: Period, anchor: int, slot: int, closed_at: int, settings, holidays: str | None) -> int:
    """When the next occurrence is due: the first slot of the series (first deadline `anchor`,
    repeating by `period`) after `slot` (the closed occurrence's first deadline) and after
    `closed_at`. `settings` gives the zone and working days; `holidays` the client's calendar.
    Epoch seconds in, epoch seconds out."""
    after = max(slot, closed_at)
    if period.unit == "m":
        return _next_month_slot(period.amount, anchor, after, settings)
    step = Duration(period.amount, period.unit)
    calendar = settings._replace(holidays=holidays)
    moment = datetime.fromtimestamp(slot, UTC)
    while int(moment.timestamp()) <= after:
        moment = step.add_to(moment, calendar)
        if moment.year > LAST_YEAR:
            raise out_of_range(f"the next occurrence after {datetime.fromtimestamp(slot, UTC):%Y-%m-%d}")
    return int(moment.timestamp())


def _next_month_slot(months: int, anchor: int, after: int, settings) -> int:
    """The first of anchor + k·`months` calendar months (k ≥ 1) later than `after`, at the
    anchor's wall-clock time. Pendulum keeps the day of the month where the month has it and
    takes the month's last day where it does not."""
    from expectcli.core.dates import calendar_day

    zone = zone_of(settings)
    start = datetime.fromtimestamp(anchor, UTC).astimezone(zone)
    first = calendar_day(start.date())
    reached = datetime.fromtimestamp(after, UTC).astimezone(zone).date()
    elapsed = (reached.year - first.year) * 12 + reached.month - first.month
    k = max(1, elapsed // months)
    while True:
        day: date = first.add(months=k * months)
        if day.year > LAST_YEAR:
            raise out_of_range(f"the next occurrence after {reached:%Y-%m-%d}")
        moment = int(instant_at(day, start.time(), zone).timestamp())
        if moment > after:
            return moment
        k += 1


def holidays_of(agreed: str | None, settings) -> str | None:
    """A client's public-holiday calendar: its own (`none` agreed: none), else the config's."""
    from expectcli.core.clients import NONE_WORDS

    if agreed:
        return None if agreed in NONE_WORDS else agreed
    return settings.holidays


class Series(NamedTuple):
    """An occurrence's place in its series: the occurrences before and after it (live ones)."""

    every: str
    first: int
    previous: int | None
    next: int | None
    occurrences: list[int]


def series_of(ledger, promise_id: int) -> Series | None:
    """The series promise `promise_id` belongs to, or None for a one-off promise."""
    with ledger.store.read() as tx:
        row = tx.one("SELECT recurrence, series_id FROM promise WHERE id = :id", {"id": promise_id})
        if row is None or row[0] is None:
            return None
        every, first = row
        ids = [r[0] for r in tx.all(
            "SELECT id FROM promise WHERE series_id = :s AND state <> 'voided' ORDER BY id", {"s": first}
        )]  # fmt: skip
    earlier = [i for i in ids if i < promise_id]
    later = [i for i in ids if i > promise_id]
    return Series(every, first, earlier[-1] if earlier else None, later[0] if later else None, ids)

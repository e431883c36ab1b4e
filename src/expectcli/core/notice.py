"""Notice: what a client is told when a date moves, and how much warning each move gave.

- `move_message` is the note `expect move --message` prints for the client: the old date, the
  new date and the reason as given (nothing internal: no notes, no tags), dates on the
  client's clock (its terms' time zone).
- `notice_given` is how long before the deadline then in force a move was recorded; a move
  after that deadline had passed gave none (it is a break, not a renegotiation).
- A move is *short-notice* when it gave less than the notice the client expects
  (`client terms --notice`, 1 business day by default): when the deadline it replaced came
  before the end of the notice window that opened as the move was recorded
  (`clients.notice_end`, in the client's business time where the notice is in `bd`).
- A delivery is *early* when it came a working day or more before the due in force: the
  due is at or after one business day (the client's working hours, zone and holidays) from
  the delivery.
"""

from __future__ import annotations

from datetime import UTC, datetime

from expectcli.core import timefmt
from expectcli.core.clients import Terms, notice_end, working_time
from expectcli.core.config import Settings
from expectcli.core.durations import Duration

ONE_WORKING_DAY = Duration(1, "bd")


def move_message(client: str, title: str, was: int, now_due: int, reason: str, settings: Settings, now: int) -> str:
    """'Hi Acme — a change of date for "Draft report": it was due Fri 6 Nov 17:00 and will
    now come Tue 10 Nov 17:00. Reason: waiting on the data export.' (`client`: the client's
    name, or its handle; `settings` carry the client's zone)."""
    greeting = client[:1].upper() + client[1:]
    stop = "" if reason.endswith((".", "!", "?", "…")) else "."
    return (
        f'Hi {greeting} — a change of date for "{title}": it was due {timefmt.short(was, settings, now)}'
        f" and will now come {timefmt.short(now_due, settings, now)}. Reason: {reason}{stop}"
    )


def notice_given(recorded_at: int, deadline: int) -> int | None:
    """Seconds of warning a move recorded at `recorded_at` gave before `deadline` (the
    deadline in force then); None when that deadline had already passed."""
    if recorded_at > deadline:
        return None
    return deadline - recorded_at


def short_notice(recorded_at: int, deadline: int, terms: Terms, settings: Settings) -> bool:
    """Whether a move recorded at `recorded_at` before `deadline` gave less notice than agreed."""
    return deadline < notice_end(recorded_at, terms, settings)


class OneWorkingDay:
    """Early deliveries under one client's terms. The end of one working day of
    working time from a moment is what `businesstime.after(start, 1bd, hours)` gives, worked
    out without walking the days for each moment (a month's report at a million promises
    checks thousands of deliveries). From a local day D at clock c, with N the first working
    day after D:

    - D a working day, c at or before its start: D at the day's end;
    - D a working day, c inside its hours: N at c;
    - otherwise (after hours, or not a working day): N at the day's end.

    N is looked up once per day; tests hold this to `after` on random moments, hours, zones
    and holiday calendars."""

    def __init__(self, terms: Terms, settings: Settings):
        from zoneinfo import ZoneInfo

        self.hours = working_time(terms, settings)
        self.zone = ZoneInfo(self.hours.zone)
        self._next: dict = {}

    def early(self, delivered_at: int, due: int) -> bool:
        """Whether a delivery at `delivered_at` came a working day or more before `due`."""
        return due >= self.end(delivered_at)

    def end(self, start: int) -> int:
        hours = self.hours
        local = datetime.fromtimestamp(start, self.zone)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if hours.is_working_day(day) and clock < hours.end:
            if clock <= hours.start:
                return self._instant(day, hours.end)
            return self._instant(self._next_working_day(day, start), clock)
        return self._instant(self._next_working_day(day, start), hours.end)

    def _next_working_day(self, day, start: int):
        if day not in self._next:
            from datetime import timedelta

            from expectcli.core.businesstime import MAX_DAYS, after

            following = day + timedelta(days=1)
            for _ in range(MAX_DAYS * 7):
                if self.hours.is_working_day(following):
                    break
                following += timedelta(days=1)
            else:  # no working day at all: said as `after` says it
                after(datetime.fromtimestamp(start, UTC), ONE_WORKING_DAY, self.hours)
            self._next[day] = following
        return self._next[day]

    def _instant(self, day, clock) -> int:
        return int(datetime.combine(day, clock, tzinfo=self.zone).timestamp())

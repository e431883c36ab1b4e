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


def early(delivered_at: int, due: int, terms: Terms, settings: Settings) -> bool:
    """Whether a delivery at `delivered_at` came a working day or more before `due`."""
    from expectcli.core.businesstime import after

    start = datetime.fromtimestamp(delivered_at, UTC)
    return due >= int(after(start, ONE_WORKING_DAY, working_time(terms, settings)).timestamp())

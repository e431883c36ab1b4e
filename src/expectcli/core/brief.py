"""A status update for one client, ready to paste: what was delivered since the last update,
what is coming and when, which dates moved and why, what is overdue, and what we need from
the client (its asks still waiting, with thanks for those received), said plainly.

Dates are written in the client's time zone (from its terms), so the client reads its own
clock.
"""

from typing import NamedTuple

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import HEEDED_MOVE_SQL
from expectcli.core.queries import LIVE, Promise, client_id, client_summary, promises_where
from expectcli.core.textsafe import markdown_literal
from expectcli.core.validate import normalise_handle


class Move(NamedTuple):
    promise_id: int
    title: str
    recorded_at: int
    previous_due: int
    due: int
    reason: str


class Need(NamedTuple):
    """An ask of the client's: waiting (what we need from you), or received (thank you)."""

    id: int
    title: str
    asked_at: int
    needed_by: int | None
    received_at: int | None

    def late(self, now: int) -> bool:
        return self.received_at is None and self.needed_by is not None and self.needed_by < now


class Brief(NamedTuple):
    # (The defaults are one object shared by every brief made without them: never changed.)
    client: str
    name: str | None
    since: int | None  # None: everything so far
    as_of: int
    timezone: str
    delivered: list[Promise]
    released: list[Promise]
    upcoming: list[Promise]
    overdue: list[Promise]
    moved: list[Move]
    needs: list[Need] = []  # the client's asks still waiting, most pressing first
    received: list[Need] = []  # its asks received since `since`
    # promise id → (the pause that gave it its date, the titles of the asks it waited on)
    paused: dict = {}

    @property
    def is_empty(self) -> bool:
        return not (self.delivered or self.released or self.upcoming or self.overdue or self.moved or self.needs
                    or self.received)  # fmt: skip


def build(ledger: Ledger, handle: str, settings: Settings, since: int | None) -> Brief:
    """The brief for `handle`, covering changes since `since` (default: the last update sent)."""
    from expectcli.core.clients import terms_of

    handle = normalise_handle(handle)
    with ledger.store.read() as tx:
        client = client_id(tx, handle)
        summary = client_summary(tx, handle, ledger.now)
        since = summary.last_update if since is None else since
        floor = since if since is not None else -(2**62)

        def promises(where: str) -> list[Promise]:
            params = {"client": client, "since": floor}
            return promises_where(tx, f"p.client_id = :client AND {where}", params, ledger.now)

        delivered = promises("p.state = 'delivered' AND p.delivered_at >= :since")
        released = promises("p.state = 'released' AND p.released_at >= :since")
        active = promises("p.state = 'active'")
        moves = [
            Move(*row)
            for row in tx.all(
                "SELECT p.id, p.title, e.recorded_at, e.previous_due, e.due, e.text FROM event e"
                " JOIN promise p ON p.id = e.promise_id"
                f" WHERE p.client_id = :client AND e.kind = 'moved' AND e.recorded_at >= :since AND {LIVE}"
                f" AND {HEEDED_MOVE_SQL}"  # not a move recorded after the delivery: it changed nothing
                " AND p.state <> 'voided' ORDER BY e.recorded_at, e.id",
                {"client": client, "since": floor},
            )
        ]
        needs, received = _asks(tx, client, floor)
        paused = _paused_dates(tx, active)
    overdue = [p for p in active if p.outcome == "missed"]
    upcoming = [p for p in active if p.outcome != "missed"]
    zone = terms_of(summary, settings).timezone
    return Brief(summary.handle, summary.name, since, ledger.now, zone, delivered, released, upcoming, overdue, moves,
                 needs, received, paused)  # fmt: skip


def _asks(tx, client: int, since: int) -> tuple[list[Need], list[Need]]:
    """The client's asks still waiting (those needed soonest first, then those with no date,
    oldest first), and those received since `since`."""
    # A client's asks include those of clients merged into it, as its promises do.
    columns = ("a.id, a.title, a.asked_at, a.needed_by, a.received_at FROM ask a WHERE a.client_id IN"
               " (SELECT m.id FROM client m WHERE m.id = :client OR m.merged_into = :client)")  # fmt: skip
    waiting = tx.all(
        f"SELECT {columns} AND a.state = 'waiting'"
        " ORDER BY CASE WHEN a.needed_by IS NULL THEN 1 ELSE 0 END, a.needed_by, a.asked_at, a.id",
        {"client": client},
    )
    received = tx.all(
        f"SELECT {columns} AND a.state = 'received' AND a.received_at >= :since ORDER BY a.received_at, a.id",
        {"client": client, "since": since},
    )
    return [Need(*row) for row in waiting], [Need(*row) for row in received]


def _paused_dates(tx, active: list[Promise]) -> dict:
    """The open promises whose date a pause moved: id → (that pause, its asks' titles)."""
    from expectcli.core import asks

    found = {}
    for p in active:
        ended = [pause for pause in asks.pauses(tx, p.id) if pause.end is not None and pause.due_after == p.due]
        if ended and ended[-1].due_after != ended[-1].due_before:
            found[p.id] = (ended[-1], asks.titles(tx, ended[-1].asks))
    return found


def to_markdown(brief: Brief, settings: Settings) -> str:
    shown = settings._replace(timezone=brief.timezone)
    when = lambda moment: timefmt.short(moment, shown, brief.as_of)  # noqa: E731
    today = timefmt.local(brief.as_of, shown)
    who = markdown_literal(brief.name or brief.client)
    lines = [f"**Status update for {who}** · {today:%a} {today.day} {today:%b %Y}", ""]
    if brief.timezone != settings.timezone:
        lines[0] += f" (times in {brief.timezone})"
    lines.append(f"Since our last update on {when(brief.since)}:" if brief.since is not None else "Where things stand:")
    if brief.is_empty:
        return "\n".join(lines + ["", "Nothing is open, and nothing has changed.", ""])
    sections = [
        ("Delivered", [f"{title(p)} — delivered {when(p.delivered_at)}" for p in brief.delivered]),
        ("Overdue", [f"{title(p)} — {overdue(p, when)}" for p in brief.overdue]),
        ("Coming up", [f"{title(p)} — {coming(p, brief, when)}" for p in brief.upcoming]),
        (
            "Dates that moved",
            [
                f"{markdown_literal(m.title)}: {when(m.previous_due)} → {when(m.due)}, because "
                f"{markdown_literal(m.reason)}"
                for m in brief.moved
            ],
        ),  # fmt: skip
        ("What we need from you", [need(n, shown, brief.as_of) for n in brief.needs]),
        (
            "Received, thank you",
            [
                f"{markdown_literal(n.title)}, received {day(n.received_at, shown, brief.as_of)}"
                for n in brief.received
                if n.received_at is not None
            ],
        ),
        ("Cancelled by agreement", [title(p) for p in brief.released]),
    ]
    for heading, items in sections:
        if items:
            lines += ["", f"**{heading}**", *(f"- {item}" for item in items)]
    return "\n".join(lines) + "\n"


def to_json(brief: Brief, settings: Settings) -> dict:
    from expectcli.core.serialize import iso, promise

    promises = lambda items: [promise(p, settings) for p in items]  # noqa: E731
    return {
        "client": brief.client, "since": iso(brief.since, settings), "as_of": iso(brief.as_of, settings),
        "delivered": promises(brief.delivered), "overdue": promises(brief.overdue),
        "upcoming": promises(brief.upcoming), "released": promises(brief.released),
        "moved": [{"id": m.promise_id, "title": m.title, "moved_at": iso(m.recorded_at, settings),
                   "from": iso(m.previous_due, settings), "to": iso(m.due, settings), "reason": m.reason}
                  for m in brief.moved],
        "needs": [{"id": n.id, "title": n.title, "asked_at": iso(n.asked_at, settings),
                   "needed_by": iso(n.needed_by, settings), "late": n.late(brief.as_of)} for n in brief.needs],
        "received": [{"id": n.id, "title": n.title, "asked_at": iso(n.asked_at, settings),
                      "needed_by": iso(n.needed_by, settings), "received_at": iso(n.received_at, settings)}
                     for n in brief.received],
    }  # fmt: skip


def overdue(p: Promise, when) -> str:
    """How late an overdue promise is, from its break point (the first deadline it passed),
    and its new date when a move after that gave it one: 'was due Fri 6 Nov 17:00, now 4 days
    late', or 'missed Fri 6 Nov 17:00, 4 days ago; new date Fri 13 Nov 17:00'."""
    broke = p.break_at if p.break_at is not None else p.due
    late = timefmt.span(p.slip or 0)
    if broke == p.due:
        return f"was due {when(p.due)}, now {late} late"
    return f"missed {when(broke)}, {late} ago; new date {when(p.due)}"


def need(n: Need, shown: Settings, now: int) -> str:
    """'the signed SOW, asked Mon 2 Nov, needed by Wed 4 Nov — 2 days ago' (a time of day only
    where it is not the end of the working day)."""
    text = f"{markdown_literal(n.title)}, asked {day(n.asked_at, shown, now)}"
    if n.needed_by is not None:
        by = timefmt.local(n.needed_by, shown)
        at_end = (by.hour, by.minute) == (shown.day_end.hour, shown.day_end.minute)
        text += f", needed by {day(n.needed_by, shown, now) if at_end else timefmt.short(n.needed_by, shown, now)}"
        if n.late(now):
            text += f" — {timefmt.span(now - n.needed_by)} ago"
    return text


def day(moment: int, shown: Settings, now: int) -> str:
    """'Mon 2 Nov', with the year when it is not the current one."""
    when, year = timefmt.local(moment, shown), timefmt.local(now, shown).year
    return f"{when:%a} {when.day} {when:%b}" + ("" if when.year == year else f" {when.year}")


def coming(p: Promise, brief: Brief, when) -> str:
    """'by Fri 6 Nov 17:00', or for a date a pause moved 'new date Tue 10 Nov 17:00: paused
    2 days waiting on the signed SOW'."""
    if p.id not in brief.paused:
        return f"by {when(p.due)}"
    from expectcli.core.asks import waiting_on

    pause, names = brief.paused[p.id]
    what = waiting_on(pause, {ask: markdown_literal(name) for ask, name in names.items()}, ids=False)
    return f"new date {when(p.due)}: paused {timefmt.span(pause.end - pause.start)} waiting on {what}"


def title(p: Promise) -> str:
    text = markdown_literal(p.title)
    if p.criteria:
        text += f" ({markdown_literal(p.criteria)})"
    return text

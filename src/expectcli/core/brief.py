"""A status update for one client, ready to paste: what was delivered since the last update,
what is coming and when, which dates moved and why, and what is overdue, said plainly.

Dates are written in the client's time zone (from its terms), so the client reads its own
clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import HEEDED_MOVE_SQL
from expectcli.core.queries import LIVE, Promise, client_id, client_summary, promises_where
from expectcli.core.textsafe import markdown_literal
from expectcli.core.validate import normalise_handle


@dataclass(frozen=True)
class Move:
    promise_id: int
    title: str
    recorded_at: int
    previous_due: int
    due: int
    reason: str


@dataclass(frozen=True)
class Brief:
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

    @property
    def is_empty(self) -> bool:
        return not (self.delivered or self.released or self.upcoming or self.overdue or self.moved)


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
    overdue = [p for p in active if p.outcome == "missed"]
    upcoming = [p for p in active if p.outcome != "missed"]
    zone = terms_of(summary, settings).timezone
    return Brief(summary.handle, summary.name, since, ledger.now, zone, delivered, released, upcoming, overdue, moves)


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
        ("Coming up", [f"{title(p)} — by {when(p.due)}" for p in brief.upcoming]),
        (
            "Dates that moved",
            [
                f"{markdown_literal(m.title)}: {when(m.previous_due)} → {when(m.due)}, because "
                f"{markdown_literal(m.reason)}"
                for m in brief.moved
            ],
        ),  # fmt: skip
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


def title(p: Promise) -> str:
    text = markdown_literal(p.title)
    if p.criteria:
        text += f" ({markdown_literal(p.criteria)})"
    return text

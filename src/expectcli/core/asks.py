"""Asks: what a client owes you (a signed SOW, data, approval, feedback on a draft).

An ask is a row of `ask` whose id comes from the promises' id generator, so one number
names a promise or an ask, never both. Its journal events carry `ask_id`: `asked` (when it
was asked, `due` = needed by, `text` = its title) and `received` (`effective_at` = when it
came). A promise it blocks gets a `paused` event when the ask is recorded and a `resumed` one
(at the time the ask came) when it is received: the outcome rules (`outcomes.fold`) stop
the promise's clock in between. The ask's own row is folded from its live events
(`refold_ask`), so undo takes an ask or a receipt back.

This module reads; the writes are `Journal.ask` and `Journal.receive` (core/journal.py). It
imports nothing heavier than the queries: `due --count` counts late asks through it.
"""

import re
from typing import NamedTuple

from expectcli.core import outcomes
from expectcli.core.queries import EVENT_COLUMNS, EVENT_FROM, LIVE, Event, client_id, terms_in
from expectcli.core.validate import normalise_handle
from expectcli.errors import BadInput
from expectcli.storage.store import Tx

WAITING, RECEIVED = "waiting", "received"
STATES = (WAITING, RECEIVED)  # what `list --status` takes for asks

ASK_COLUMNS = "a.id, c.handle, a.title, a.asked_at, a.needed_by, a.received_at, a.state"
# An ask of a client merged into another is that one's (as its promises are, moved by the merge).
ASK_FROM = "ask a JOIN client o ON o.id = a.client_id JOIN client c ON c.id = COALESCE(o.merged_into, o.id)"
# Whether ask `a` is the client :client's (its own, or one of a client merged into it).
OF_CLIENT_SQL = "a.client_id IN (SELECT m.id FROM client m WHERE m.id = :client OR m.merged_into = :client)"
# A waiting ask past the moment it was needed by (at :now): the client is late with it.
LATE_SQL = "a.state = 'waiting' AND a.needed_by IS NOT NULL AND :now > a.needed_by"
# Soonest needed first, those needed by no date last.
_ORDER = "CASE WHEN a.needed_by IS NULL THEN 1 ELSE 0 END, a.needed_by, a.asked_at, a.id"


class Ask(NamedTuple):
    id: int
    client: str
    title: str
    asked_at: int
    needed_by: int | None
    received_at: int | None
    state: str  # waiting, received, voided
    blocks: tuple[int, ...] = ()  # the promises it was recorded as blocking

    def late_by(self, now: int) -> int | None:
        """How late the client is with it, in seconds (to its receipt, or to now while it is
        outstanding); None when it was not needed by a date or is not late."""
        if self.needed_by is None or self.state == "voided":
            return None
        end = self.received_at if self.received_at is not None else now
        return end - self.needed_by if end > self.needed_by else None


def ask_in(tx: Tx, ask_id: int) -> Ask | None:
    row = tx.one(f"SELECT {ASK_COLUMNS} FROM {ASK_FROM} WHERE a.id = :id", {"id": ask_id})
    return None if row is None else Ask._make([*row, blocked_by(tx, ask_id)])


def existing_ask(tx: Tx, ask_id: int, allow_voided: bool = False) -> Ask:
    """The ask `ask_id`; a promise's id, an unknown id or (unless `allow_voided`) an undone
    ask is refused in one line naming the right command."""
    found = ask_in(tx, ask_id)
    if found is None:
        if tx.scalar("SELECT 1 FROM promise WHERE id = :id", {"id": ask_id}):
            raise BadInput(
                f"#{ask_id} is a promise, not an ask: `expect done {ask_id}` records its delivery;"
                " `expect received` takes the id of an ask (`expect list --status waiting`)"
            )
        raise BadInput(f"no ask {ask_id}; see `expect list --status waiting`")
    if found.state == "voided" and not allow_voided:
        raise BadInput(f"ask {ask_id} was undone; see `expect show {ask_id}`")
    return found


def is_ask(tx: Tx, some_id: int) -> bool:
    return bool(tx.scalar("SELECT 1 FROM ask WHERE id = :id", {"id": some_id}))


def blocked_by(tx: Tx, ask_id: int) -> tuple[int, ...]:
    """The promises an ask was recorded as blocking (live `paused` events)."""
    rows = tx.all(
        f"SELECT DISTINCT e.promise_id FROM event e WHERE e.ask_id = :a AND e.kind = 'paused' AND {LIVE}"
        " ORDER BY e.promise_id",
        {"a": ask_id},
    )
    return tuple(int(row[0]) for row in rows)


def asks_where(tx: Tx, where: str, params: dict, limit: int | None = None) -> list[Ask]:
    bound = "" if limit is None else f" LIMIT {int(limit)}"
    rows = tx.all(f"SELECT {ASK_COLUMNS} FROM {ASK_FROM} WHERE {where} ORDER BY {_ORDER}{bound}", params)
    return [Ask._make([*row, blocked_by(tx, row[0])]) for row in rows]


def titles(tx: Tx, ids: set[int] | list[int] | tuple[int, ...]) -> dict[int, str]:
    """Ask id → its title, for the pauses that name them."""
    found: dict[int, str] = {}
    for ask_id in sorted(set(ids)):
        title = tx.scalar("SELECT title FROM ask WHERE id = :id", {"id": ask_id})
        if title is not None:
            found[ask_id] = title
    return found


# What the outcome rules read of a promise's event (`outcomes.Step`).
STEP_COLUMNS = "e.kind, e.recorded_at, e.due, e.effective_at, e.ask_id, e.basis"


def extension(tx: Tx, client_id: int | None, settings=None) -> outcomes.Extend:
    """How a paused time moves a deadline of the client `client_id` (`outcomes.Extend`):
    calendar time, or for a deadline given in business days the client's working time
    (its terms, else the config's), read only when first needed."""
    hours: list = []

    def extend(due: int, start: int, end: int, basis: str | None = None) -> int:
        if basis != "bd" or client_id is None:
            return outcomes.calendar_time(due, start, end)
        if not hours:
            from expectcli.core.businesstime import extend_by_working_time
            from expectcli.core.clients import _terms, working_time
            from expectcli.core.config import load_settings

            chosen = settings if settings is not None else load_settings()
            terms = _terms(terms_in(tx, client_id), chosen)
            hours.append((extend_by_working_time, working_time(terms, chosen)))
        extend_in_working_time, working = hours[0]
        return extend_in_working_time(due, start, end, working)

    return extend


def pauses(tx: Tx, promise_id: int) -> list:
    """The stretches a promise's clock was stopped (`outcomes.Pause`), by its live events."""
    rows = tx.all(
        f"SELECT {STEP_COLUMNS} FROM event e WHERE e.promise_id = :id AND e.kind <> 'voided' AND {LIVE} ORDER BY e.id",
        {"id": promise_id},
    )
    if not any(row[0] == "paused" for row in rows):
        return []
    client = tx.scalar("SELECT client_id FROM promise WHERE id = :id", {"id": promise_id})
    return outcomes.pauses((outcomes.Step(*row) for row in rows), extension(tx, client))


def paused_stretches(ledger, promise_id: int) -> tuple[list, dict[int, str]]:
    """A promise's pauses and the titles of the asks they waited on."""
    with ledger.store.read() as tx:
        found = pauses(tx, promise_id)
        return found, titles(tx, {ask for pause in found for ask in pause.asks})


# -- reads of a ledger, for the commands ---------------------------------------------------


def get(ledger, ask_id: int) -> Ask:
    with ledger.store.read() as tx:
        return existing_ask(tx, ask_id, allow_voided=True)


def find(ledger, some_id: int) -> Ask | None:
    """The ask `some_id`, or None when the id is not an ask's (a promise's, or no one's)."""
    with ledger.store.read() as tx:
        return ask_in(tx, some_id)


def listing(ledger, state: str, client: str | None = None) -> list[Ask]:
    """The asks in `state` (waiting or received), soonest needed first; with `client`, its own."""
    where: list[str] = ["a.state = :state"]
    params: dict = {"state": state}
    with ledger.store.read() as tx:
        if client is not None:
            where.append(OF_CLIENT_SQL)
            params["client"] = client_id(tx, normalise_handle(client))
        return asks_where(tx, " AND ".join(where), params)


def history(ledger, ask_id: int) -> list[Event]:
    """Every event naming the ask: asked, received, and the pauses and resumptions of the
    promises it blocks."""
    with ledger.store.read() as tx:
        existing_ask(tx, ask_id, allow_voided=True)
        rows = tx.all(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.ask_id = :a ORDER BY e.id", {"a": ask_id})
        voids = tx.all(
            f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.voids IN (SELECT id FROM event WHERE ask_id = :a)"
            " ORDER BY e.id",
            {"a": ask_id},
        )
        return sorted((Event(*row) for row in [*rows, *voids]), key=lambda e: e.id)


def ask_titles(ledger, ids) -> dict[int, str]:
    with ledger.store.read() as tx:
        return titles(tx, ids)


# -- phrasing, for show and the brief ----------------------------------------------------------


def waiting_on(pause, names: dict[int, str], ids: bool = True) -> str:
    """'#7 the signed SOW and #9 the data' (or without the ids, for the client's eyes)."""
    named = [f"#{ask} {names.get(ask, '')}".strip() if ids else names.get(ask, f"#{ask}") for ask in pause.asks]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def pause_line(pause, names: dict[int, str], settings, now: int) -> str:
    """'paused 2 days waiting on #7 the signed SOW; new date Tue 10 Nov 17:00', or while it
    runs 'paused since Mon 2 Nov 10:00 waiting on #7 the signed SOW'. (Titles are the
    user's text: the view makes them printable.)"""
    from expectcli.core import timefmt

    if pause.end is None:
        return f"paused since {timefmt.short(pause.start, settings, now)} waiting on {waiting_on(pause, names)}"
    line = f"paused {timefmt.span(pause.end - pause.start)} waiting on {waiting_on(pause, names)}"
    if pause.due_after != pause.due_before:
        line += f"; new date {timefmt.short(pause.due_after, settings, now)}"
    return line


# -- input ---------------------------------------------------------------------------------

# Compiled when first asked (by `re`'s cache), not when the module is imported: the prompt's
# count imports this module and never asks.
_BUSINESS_DAYS = r"\+? ?[0-9]+(?:\.[0-9]+)? ?(?:bd|business days?|workdays?)"


def business_days_form(text: str) -> bool:
    """Whether a deadline was typed in business days (`+2bd`, `3bd`, `in 2 business days`):
    its paused time is then counted in business time (`basis = 'bd'`)."""
    normal = " ".join(text.strip().lower().split()).removeprefix("in ")
    return re.fullmatch(_BUSINESS_DAYS, normal, re.ASCII) is not None

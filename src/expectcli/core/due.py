"""The daily view: what `expect due` lists and `expect due --count` counts, by one rule.

Each active promise (neither delivered nor released) falls in at most one section, in this order:

- **overdue** — broken and undelivered: its outcome at now is `missed`, whatever its current
  date (a move recorded after the deadline in force had passed does not take it out, even to a
  date beyond the window); it stays until it is delivered or released. A promise whose clock
  is paused (an ask blocking it is outstanding) is never overdue: it stays in the section its
  date gives it, shown as paused;
- **at risk** — open, and due before the end of its client's notice window (now + the notice
  the client expects before a date moves, 1 business day unless agreed otherwise, in the
  client's business time): moving it now would be a short-notice move (`notice_ends`). A
  paused promise is not at risk: its date moves later when the client sends what it waits on;
- **due** — open and due by the end of the window (`--within`), not at risk.

Then the sections that are not promises: **asks late** (what a client owes and has not sent by
the date it was needed: waiting asks whose needed-by has passed, `asks.LATE_SQL`; the most
overdue first) and **updates owed** (clients whose status update is overdue).

`due_view` reads the counts of every section and, for each, its first `limit` rows, all in one
read transaction; `due_counts` reads only the counts, with the same conditions: the counts are
always the number of rows the view would list with `--all`.
"""

from typing import NamedTuple

from expectcli.core.outcomes import OUTCOME_SQL
from expectcli.core.queries import PROMISE_COLUMNS, PROMISE_FROM, Promise, client_id, promise_from_row, row_of
from expectcli.core.validate import TERMS, normalise_handle
from expectcli.storage.store import Tx

SECTIONS = ("overdue", "at_risk", "due")  # the sections of promises, in the order shown

# How each section's rows are ordered: the most overdue first (from the break point), else soonest due.
_ORDER = {"overdue": "COALESCE(p.broken_at, p.due), p.id", "at_risk": "p.due, p.id", "due": "p.due, p.id"}


class Counts(NamedTuple):
    overdue: int
    at_risk: int
    due: int
    updates_owed: int
    asks_late: int = 0


class DueView(NamedTuple):
    counts: Counts
    rows: dict[str, list[Promise]]  # section → its first `limit` promises (all with no limit)
    updates_owed: list  # clients.UpdateStatus of every client whose update is overdue
    asks_late: list = []  # noqa: RUF012 — asks.Ask: the first `limit` waiting asks past their needed-by, most overdue first
    notices: dict[str, str] = {}  # noqa: RUF012 — the notice each client of an at-risk row expects (handle → 1bd)


class NoticeEnds(NamedTuple):
    """When each client's notice window ends: `default` for every client not in `by_client`."""

    default: int
    by_client: dict[int, int]


def conditions(notices: NoticeEnds) -> dict[str, str]:
    """The SQL condition over `promise p` of each section (parameters :now and :end), given
    each client's notice end (`notice_ends`)."""
    missed = f"{OUTCOME_SQL} = 'missed'"
    open_ = f"{OUTCOME_SQL} = 'open'"
    # A promise due before the end is inside the window: moving it now gives less notice than agreed.
    if notices.by_client:
        cases = " ".join(f"WHEN {int(client)} THEN {int(end)}" for client, end in sorted(notices.by_client.items()))
        inside_notice = f"p.due < CASE p.client_id {cases} ELSE {int(notices.default)} END"
    else:
        inside_notice = f"p.due < {int(notices.default)}"
    # A paused promise waits on its client: its date moves later when the ask comes, so there is
    # nothing to warn the client of (it is listed with the promises due, as paused).
    running = "(p.paused_since IS NULL OR p.paused_since > :now)"
    return {
        "overdue": f"p.state = 'active' AND {missed}",
        "at_risk": f"p.state = 'active' AND {open_} AND {inside_notice} AND {running}",
        "due": f"p.state = 'active' AND {open_} AND p.due <= :end AND NOT ({inside_notice} AND {running})",
    }


def notice_ends(tx: Tx, settings, now: int) -> NoticeEnds:
    """When each client's notice window, starting now, ends: the notice its terms carry (1bd
    unless agreed) in its business time (`clients.notice_end`). Every client on the config's
    defaults shares one end, so a prompt's count works out one end, plus one for each distinct
    set of terms agreed (notice, hours, zone, holidays); never a walk per promise."""
    from expectcli.core import clients

    ends: dict[tuple, int] = {}

    def end_of(terms) -> int:
        key = (terms.notice, terms.start, terms.end, terms.timezone, terms.holidays)
        if key not in ends:
            ends[key] = clients.notice_end(now, terms, settings)
        return ends[key]

    default = end_of(clients.default_terms(settings))
    columns = ", ".join(TERMS)
    by_client = {}
    agreed = " OR ".join(f"{key} IS NOT NULL" for key in ("notice", "work_hours", "timezone", "holidays"))
    for id_, *terms in tx.all(f"SELECT id, {columns} FROM client WHERE {agreed}"):
        end = end_of(clients.terms_from(dict(zip(TERMS, terms)), settings))
        if end != default:
            by_client[int(id_)] = end
    return NoticeEnds(default, by_client)


def _scope(tx: Tx, client: str | None) -> tuple[str, dict]:
    """(extra WHERE, parameters) for all promises or one client's."""
    if client is None:
        return "", {}
    return " AND p.client_id = :client_id", {"client_id": client_id(tx, normalise_handle(client))}


# Each section read as ranges of the index `promise_in_hand` (state, outcome, due,
# paused_since, client_id), which holds every column the sections' conditions read: the parts
# of a section are disjoint and together hold all of it (each part's range is implied by the
# section's condition, which every query keeps whole), so counting reads the index alone and
# the first rows of a section are found in due order without reading the rest. An active
# promise's stored outcome is `open` (no break point yet; `broken_at` is NULL) or `missed`
# (a move recorded after the deadline in force broke it), so the overdue are the `missed`
# ones and the `open` ones whose due has passed; `_ORDER` of an `open` part is `p.due, p.id`.
def _parts(section: str) -> tuple[tuple[str, str], ...]:
    """(range, order) of each part of `section`."""
    if section == "overdue":
        return (("p.outcome = 'missed'", _ORDER["overdue"]), ("p.outcome = 'open' AND p.due < :now", "p.due, p.id"))
    if section == "at_risk":  # open at now and running: not past its due; inside the latest notice window
        return (("p.outcome = 'open' AND p.due >= :now AND p.due < :notice_end", _ORDER["at_risk"]),)
    return (("p.outcome = 'open' AND p.due <= :end", _ORDER["due"]),)


def _sections(tx: Tx, settings, now: int, end: int) -> tuple[dict[str, str], dict]:
    """Each section's condition (`conditions`) and the parameters its queries bind: now, the
    window's end, and the latest of the clients' notice ends (the at-risk part's range)."""
    notices = notice_ends(tx, settings, now)
    latest = max([notices.default, *notices.by_client.values()])
    return conditions(notices), {"now": now, "end": end, "notice_end": latest}


def _counts(tx: Tx, sections: dict[str, str], client: str | None, params: dict) -> tuple[int, int, int]:
    scope, extra = _scope(tx, client)
    counts = [
        f"(SELECT COUNT(*) FROM promise p WHERE p.state = 'active' AND {part} AND {sections[name]}{scope})"
        for name in SECTIONS
        for part, _ in _parts(name)
    ]
    row = iter(row_of(tx, f"SELECT {', '.join(counts)}", {**params, **extra}))
    overdue, at_risk, due = (sum(int(next(row)) for _ in _parts(name)) for name in SECTIONS)
    return overdue, at_risk, due


def _first(tx: Tx, name: str, condition: str, scope: str, params: dict, limit: int | None) -> list:
    """The rows of section `name`, in its order; the first `limit` of them (all if None)."""
    bound = "" if limit is None else f" LIMIT {int(limit)}"
    parts = [
        f"SELECT {PROMISE_COLUMNS} FROM {PROMISE_FROM} WHERE p.state = 'active' AND {part} AND {condition}{scope}"
        f" ORDER BY {order}{bound}"
        for part, order in _parts(name)
    ]
    if len(parts) == 1:
        return tx.all(parts[0], params)
    # The union of the parts' first rows, ordered again (the overdue: from the break point).
    order = _ORDER[name].replace("p.", "")
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{n}" for n, sql in enumerate(parts))
    return tx.all(f"SELECT * FROM ({union}) AS found ORDER BY {order}{bound}", params)


def _owed(tx: Tx, settings, now: int, client: str | None) -> list:
    from expectcli.core.clients import updates_owed_in

    handle = normalise_handle(client) if client is not None else None
    return [s for s in updates_owed_in(tx, settings, now) if s.overdue and handle in (None, s.client)]


def _asks_late(tx: Tx, now: int, client: str | None, limit: int | None = None) -> tuple[int, list]:
    """How many asks the client is late with, and the first `limit` of them (none when 0)."""
    from expectcli.core.asks import LATE_SQL, OF_CLIENT_SQL, asks_where

    scope = "" if client is None else f" AND {OF_CLIENT_SQL}"
    params = {"now": now} if client is None else {"now": now, "client": client_id(tx, normalise_handle(client))}
    counted = int(row_of(tx, f"SELECT COUNT(*) FROM ask a WHERE {LATE_SQL}{scope}", params)[0])
    if not counted or limit == 0:
        return counted, []
    return counted, asks_where(tx, f"{LATE_SQL}{scope}", params, limit=limit)


def due_counts(ledger, settings, end: int, client: str | None = None) -> Counts:
    """The number of promises in each section (and of clients owed an update, and of asks
    the client is late with) at the ledger's now."""
    with ledger.store.read() as tx:
        sections, params = _sections(tx, settings, ledger.now, end)
        counted = _counts(tx, sections, client, params)
        late, _ = _asks_late(tx, ledger.now, client, limit=0)
        return Counts(*counted, len(_owed(tx, settings, ledger.now, client)), late)


def due_view(ledger, settings, end: int, client: str | None = None, limit: int | None = 20) -> DueView:
    """The counts, and the first `limit` promises of each section (every one if `limit` is None)."""
    with ledger.store.read() as tx:
        sections, params = _sections(tx, settings, ledger.now, end)
        counted = _counts(tx, sections, client, params)
        scope, extra = _scope(tx, client)
        rows: dict[str, list[Promise]] = {}
        for name, count in zip(SECTIONS, counted, strict=True):
            found = _first(tx, name, sections[name], scope, {**params, **extra}, limit) if count else []
            rows[name] = [promise_from_row(row, ledger.now) for row in found]
        owed = _owed(tx, settings, ledger.now, client)
        late, asks = _asks_late(tx, ledger.now, client, limit)
        expected = _notices(tx, {p.client for p in rows["at_risk"]})
    return DueView(Counts(*counted, len(owed), late), rows, owed, asks, expected)


def _notices(tx: Tx, handles: set[str]) -> dict[str, str]:
    """The notice each of the clients `handles` expects before a date moves (handle → 1bd)."""
    if not handles:
        return {}
    from expectcli.core.clients import DEFAULT_NOTICE

    names = {f"h{n}": handle for n, handle in enumerate(sorted(handles))}
    found = dict(
        tx.all(f"SELECT handle, notice FROM client WHERE handle IN ({', '.join(':' + k for k in names)})", names)
    )
    return {handle: found.get(handle) or str(DEFAULT_NOTICE) for handle in names.values()}

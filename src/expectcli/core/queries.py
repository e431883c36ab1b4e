"""Reading the ledger: promises, their history, the journal, clients, and what is due.

Every read runs in one read transaction of the store. A promise's outcome at now comes from
the outcome rule of `outcomes`: `OUTCOME_SQL` where a query filters or counts by outcome,
`outcomes.outcome_at` where a row becomes a `Promise`. The functions taking a `tx` are the
building blocks that the journal, the report and the brief use inside their own transactions.

Times are integer UTC epoch seconds throughout.
"""

from collections.abc import Iterator
from typing import NamedTuple

from expectcli.core import outcomes
from expectcli.core.outcomes import OUTCOME_SQL, VOIDED
from expectcli.core.validate import TERMS, normalise_handle
from expectcli.errors import BadInput
from expectcli.storage.store import Store, Tx


class Promise(NamedTuple):
    id: int
    title: str
    client: str
    kind: str
    tags: tuple[str, ...]
    criteria: str | None
    promised_at: int
    first_due: int
    due: int
    moves: int
    state: str
    delivered_at: int | None
    released_at: int | None
    outcome: str  # at the ledger's now
    break_at: int | None
    slip: int | None = None  # seconds from the break point to the delivery or release, or to now; None unless broken
    every: str | None = None  # a recurring promise's period (1w, 1m, 1bd); None for a one-off
    series: int | None = None  # the id of its series' first occurrence; None for a one-off
    paused_since: int | None = None  # when its clock stopped, while an ask blocking it is outstanding


class Event(NamedTuple):
    id: int
    kind: str
    recorded_at: int
    promise_id: int | None
    title: str | None
    client: str | None
    due: int | None
    previous_due: int | None
    effective_at: int | None
    text: str | None
    voids: int | None
    voided_by: int | None
    score: int | None
    author: str | None = None  # who ran the command that wrote it (user@host); None before commands were recorded
    ask_id: int | None = None  # asked, received: the ask; paused, resumed: the ask blocking the promise


class ClientSummary(NamedTuple):
    handle: str
    name: str | None
    created_at: int
    counts: dict[str, int]  # promises by outcome at now
    active: int  # neither delivered nor released
    next_due: int | None
    terms: dict[str, str | None]  # as agreed with the client; None where the config's default applies
    terms_set_at: int | None
    last_update: int | None  # the last status update sent
    last_delivery: int | None = None  # the latest delivery up to now


class ClientCadence(NamedTuple):
    """What a client's status-update cadence depends on (a `ClientSummary` without the counts)."""

    handle: str
    created_at: int
    active: int  # neither delivered nor released
    terms: dict[str, str | None]
    terms_set_at: int | None
    last_update: int | None
    last_delivery: int | None = None  # the latest delivery up to now


PROMISE_COLUMNS = (
    "p.id, p.title, c.handle, p.kind, p.tags, p.criteria, p.promised_at, p.first_due, p.due, "
    "p.moves, p.state, p.delivered_at, p.released_at, p.outcome, p.broken_at, p.recurrence, p.series_id, "
    "p.paused_since"
)
PROMISE_FROM = "promise p JOIN client c ON c.id = p.client_id"
# A promise as `list` shows it, in as few columns as carry it (on a long list every column
# costs each row a call into SQLite and an object), all of them in the promise's row (no
# join: `Listing.handles` names the clients): id, title, client id, due, outcome at :now,
# then `mark` and `extra`:
# - mark: for a promise in hand that is broken, its break point; for one in hand whose clock is
#   stopped (paused, and not broken), when it stopped; else NULL. (A promise is "open" only
#   while in hand: an open one with a mark is paused, one without counts down to its due.)
# - extra: NULL for a promise with no tags and no recurrence (the usual case); else its tags as
#   stored (a JSON array) followed by its recurrence, if any: '["web"]', '[]1w', '["web"]1w'.
LISTED_COLUMNS = (
    f"p.id, p.title, p.client_id, p.due, {OUTCOME_SQL},"
    f" CASE WHEN p.state = 'active' AND {outcomes.BROKEN_SQL} THEN {outcomes.BREAK_POINT_SQL}"
    " WHEN p.state = 'active' AND p.paused_since <= :now THEN p.paused_since END,"
    " CASE WHEN p.tags = '[]' AND p.recurrence IS NULL THEN NULL ELSE p.tags || COALESCE(p.recurrence, '') END"
)
# A client's latest delivery up to :now (the index promise_delivered holds it).
LAST_DELIVERY_SQL = (
    "SELECT MAX(d.delivered_at) FROM promise d WHERE d.state = 'delivered' AND d.client_id = {client}"
    " AND d.delivered_at <= :now"
)
# An event that no `voided` event has taken back.
LIVE = "NOT EXISTS (SELECT 1 FROM event v WHERE v.voids = e.id)"

EVENT_COLUMNS = (
    "e.id, e.kind, e.recorded_at, e.promise_id, COALESCE(p.title, a.title), c.handle, e.due, e.previous_due, "
    "e.effective_at, e.text, e.voids, v.id, e.score, cm.author, e.ask_id"
)
# An ask's own events (asked, received) name the ask's title; a promise's events the promise's.
EVENT_FROM = (
    "event e LEFT JOIN promise p ON p.id = e.promise_id "
    "LEFT JOIN ask a ON a.id = e.ask_id AND e.promise_id IS NULL "
    "LEFT JOIN client c ON c.id = COALESCE(e.client_id, p.client_id) "
    "LEFT JOIN event v ON v.voids = e.id "
    "LEFT JOIN command cm ON cm.id = e.command_id"
)


class Queries:
    """The reads of a ledger at one moment `now`."""

    def __init__(self, store: Store, now: int):
        self.store = store
        self.now = now

    def get(self, promise_id: int) -> Promise:
        with self.store.read() as tx:
            return existing(tx, promise_id, self.now, allow_voided=True)

    def history(self, promise_id: int) -> list[Event]:
        with self.store.read() as tx:
            existing(tx, promise_id, self.now, allow_voided=True)
            rows = tx.all(
                f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.promise_id = :id ORDER BY e.id",
                {"id": promise_id},
            )
            return [Event(*row) for row in rows]

    def log(self, limit: int = 20, client: str | None = None, since: int | None = None) -> list[Event]:
        """The newest `limit` events, newest first; with `client`, that client's (its promises'
        events and its own: terms, feedback, updates sent, asks; and those of the clients merged
        into it); with `since`, those recorded then or later."""
        if limit < 1:
            raise BadInput("--limit must be at least 1")
        where, params = [], {"n": limit}
        with self.store.read() as tx:
            if client is not None:
                # its events, and those of any client merged into it (what was asked of the
                # old handle, its terms, the merge itself)
                where.append("COALESCE(e.client_id, p.client_id) IN "
                             "(SELECT m.id FROM client m WHERE m.id = :client OR m.merged_into = :client)")  # fmt: skip
                params["client"] = client_id(tx, normalise_handle(client))
            if since is not None:
                where.append("e.recorded_at >= :since")
                params["since"] = since
            condition = f" WHERE {' AND '.join(where)}" if where else ""
            rows = tx.all(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM}{condition} ORDER BY e.id DESC LIMIT :n", params)
            return [Event(*row) for row in rows]

    def promises(
        self,
        *,
        client: str | None = None,
        outcome: str | None = None,
        include_settled: bool = False,
        due_before: int | None = None,
        tags: tuple[str, ...] | list[str] = (),
        kind: str | None = None,
    ) -> list[Promise]:
        """Promises soonest due first: active ones unless `include_settled` or `outcome` is given;
        with `tags`, those carrying every one of them; with `kind`, those of that kind."""
        where, params = _selection(client, outcome, include_settled, due_before)
        _narrow(where, params, tags, kind)
        with self.store.read() as tx:
            if client is not None:
                client_id(tx, params["client"])
            return promises_where(tx, " AND ".join(where), {**params, "now": self.now}, self.now)

    def each_promise(self, **selection) -> Iterator[Promise]:
        """`promises(**selection)` one at a time, as the cursor reads them: a list of any
        length is written out without being held whole (the read transaction lasts as long)."""
        for row in self._each(PROMISE_COLUMNS, selection):
            yield promise_from_row(row, self.now)

    def each_listed(self, **selection) -> "Listing":
        """What `list` shows of `each_promise(**selection)`: rows of LISTED_COLUMNS, as the
        cursor reads them (no `Promise` made per row; SQL works out the outcome and break point),
        with the handle of every client (read in the same transaction)."""
        rows = self._each(LISTED_COLUMNS, selection, listed=True)
        handles = next(rows)  # opens the read transaction, in which the rows are read after
        return Listing(handles, rows)

    def _each(self, columns: str, selection: dict, listed: bool = False) -> Iterator:
        """Rows of `columns` for `selection`, as the cursor reads them; when `listed`, first
        the handle of each client id (a dict), read in the same transaction."""
        tags, kind = selection.pop("tags", ()), selection.pop("kind", None)
        where, params = _selection(**{"client": None, "outcome": None, "include_settled": False, "due_before": None,
                                       **selection})  # fmt: skip
        _narrow(where, params, tags, kind)
        with self.store.read() as tx:
            source = PROMISE_FROM
            if selection.get("client") is not None:
                client_id(tx, params["client"])
            elif listed and tx.dialect == "sqlite":
                source = f"promise p {_listed_source(tx, where)}"
            elif tx.dialect == "sqlite":  # the table read through then sorted: faster than a lookup per row
                source = PROMISE_FROM.replace("promise p", "promise p NOT INDEXED", 1)
            elif listed:
                source = "promise p"
            if listed:
                yield dict(tx.all("SELECT id, handle FROM client"))
            yield from tx.stream(
                f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)} ORDER BY p.due, p.id",
                {**params, "now": self.now},
            )

    def clients(self) -> list[ClientSummary]:
        with self.store.read() as tx:
            # Sorted here, not in SQL: a PostgreSQL server's collation may order '-', '.', '_' differently.
            handles = sorted(row[0] for row in tx.all("SELECT handle FROM client WHERE merged_into IS NULL"))
            return [client_summary(tx, handle, self.now) for handle in handles]

    def clients_with_work(self, agreed_cadence_only: bool = False) -> list[ClientCadence]:
        with self.store.read() as tx:
            return clients_with_work(tx, agreed_cadence_only)

    def known_client(self, handle: str) -> ClientSummary | None:
        """The client, or None if there is none by that handle yet."""
        handle = normalise_handle(handle)
        with self.store.read() as tx:
            if find_client_id(tx, handle) is None:
                return None
            return client_summary(tx, handle, self.now)

    def client(self, handle: str) -> ClientSummary:
        handle = normalise_handle(handle)
        with self.store.read() as tx:
            client_id(tx, handle)
            return client_summary(tx, handle, self.now)


class Listing(NamedTuple):
    """`Queries.each_listed`: the handle of each client id, and the rows as the cursor reads them."""

    handles: dict[int, str]
    rows: Iterator[tuple]


# What `list` may read through the index `promise_listed` (SQLite only, schema step 0011): the
# promises in hand in due order, with every column LISTED_COLUMNS reads, so the open list is
# read from the index alone, already sorted. Any other condition (a tag, a kind) reads the table.
IN_HAND = "p.state = 'active'"
_LISTED_BY_INDEX = {"p.state <> 'voided'", IN_HAND, "p.due <= :due_before"}


def _listed_source(tx: Tx, where: list[str]) -> str:
    """How SQLite is to read the promises of a listing over `promise p` alone: through the
    index `promise_listed` when the conditions are the open list's (the planner, without
    statistics, would pick an index that sorts after a lookup per row), else the table read
    through then sorted, which is faster than a lookup per row. A ledger without the index
    (dropped by hand) is read through the table as well."""
    if IN_HAND in where and _LISTED_BY_INDEX.issuperset(where):
        if tx.scalar("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'promise_listed'"):
            return "INDEXED BY promise_listed"
    return "NOT INDEXED"


def _selection(client: str | None, outcome: str | None, include_settled: bool, due_before: int | None):
    """The WHERE conditions over `promise p` (and `client c`) of a listing, and their parameters."""
    where = ["p.state <> 'voided'"]
    params: dict = {}
    if client is not None:
        where.append("c.handle = :client")
        params["client"] = normalise_handle(client)
    if outcome is not None:
        if outcome not in outcomes.OUTCOMES:
            raise BadInput(f"unknown status {outcome!r}; use one of {', '.join(outcomes.OUTCOMES)}")
        where.append(f"{OUTCOME_SQL} = :outcome")
        params["outcome"] = outcome
    elif not include_settled:
        where.append(IN_HAND)
    if due_before is not None:
        where.append("p.due <= :due_before")
        params["due_before"] = due_before
    return where, params


def _narrow(where: list[str], params: dict, tags: tuple[str, ...] | list[str], kind: str | None) -> None:
    """Add `list --tag` (every tag given) and `--kind` to a listing's conditions."""
    import json

    from expectcli.core.validate import kind as known_kind
    from expectcli.core.validate import normalise_tags

    for n, tag in enumerate(normalise_tags(tags)):
        # Tags are stored as a JSON array (`["a", "b"]`): a whole tag is its JSON string after
        # `[` or `, `, which never occur inside a JSON string with its quote unescaped.
        encoded = json.dumps(tag).replace("!", "!!").replace("%", "!%").replace("_", "!_")
        where.append(f"(p.tags LIKE :tag{n}a ESCAPE '!' OR p.tags LIKE :tag{n}b ESCAPE '!')")
        params[f"tag{n}a"], params[f"tag{n}b"] = f"[{encoded}%", f"%, {encoded}%"
    if kind is not None:
        where.append("p.kind = :kind")
        params["kind"] = known_kind(kind)


# -- building blocks, inside a transaction ---------------------------------------------------


def promises_where(tx: Tx, where: str, params: dict, now: int) -> list[Promise]:
    """The promises matching `where` (over `promise p` and `client c`), soonest due first."""
    rows = tx.all(f"SELECT {PROMISE_COLUMNS} FROM {PROMISE_FROM} WHERE {where} ORDER BY p.due, p.id", params)
    return [promise_from_row(row, now) for row in rows]


def promise_in(tx: Tx, promise_id: int, now: int) -> Promise:
    row = tx.one(f"SELECT {PROMISE_COLUMNS} FROM {PROMISE_FROM} WHERE p.id = :id", {"id": promise_id})
    if row is None:
        if tx.scalar("SELECT 1 FROM ask WHERE id = :id", {"id": promise_id}):
            raise BadInput(
                f"#{promise_id} is an ask (something the client owes), not a promise:"
                f" `expect received {promise_id}` records that it came; `expect show {promise_id}` shows it"
            )
        raise BadInput(f"no promise {promise_id}; see `expect list --all`")
    return promise_from_row(row, now)


def existing(tx: Tx, promise_id: int, now: int, allow_voided: bool = False) -> Promise:
    promise = promise_in(tx, promise_id, now)
    if promise.state == VOIDED and not allow_voided:
        raise BadInput(f"promise {promise_id} was undone; see `expect show {promise_id}`")
    return promise


def promise_from_row(row: tuple, now: int) -> Promise:
    """A row of PROMISE_COLUMNS as a `Promise`, with its outcome at `now`."""
    (pid, title, client, kind, tags, criteria, promised_at, first_due, due, moves, state,
     delivered_at, released_at, stored, broken_at, *recurrence) = row  # fmt: skip
    paused_since = recurrence[2]  # PROMISE_COLUMNS end with recurrence, series_id, paused_since
    outcome = "voided" if state == VOIDED else outcomes.outcome_at(stored, due, now, paused_since)
    break_at = outcomes.break_point(outcome, broken_at, due)
    settled_at = delivered_at if delivered_at is not None else released_at
    return Promise(
        pid, title, client, kind, tags_from(tags), criteria, promised_at, first_due, due, moves,
        state, delivered_at, released_at, outcome, break_at, outcomes.slip(break_at, settled_at, now), *recurrence,
    )  # fmt: skip


def tags_from(stored: str) -> tuple[str, ...]:
    """Tags as stored, a JSON array (most often empty; json is imported only for the others)."""
    if stored == "[]":
        return ()
    import json

    return tuple(json.loads(stored))


def row_of(tx: Tx, sql: str, params: dict | None = None) -> tuple:
    """The one row a query about something known to exist returns (none is a bug)."""
    row = tx.one(sql, params)
    if row is None:
        raise LookupError(f"no row for {sql.split(' FROM ')[0]}")
    return row


def event_in(tx: Tx, event_id: int) -> Event:
    return Event(*row_of(tx, f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = :id", {"id": event_id}))


def find_client_id(tx: Tx, handle: str) -> int | None:
    found = tx.scalar("SELECT id FROM client WHERE handle = :h", {"h": handle})
    return None if found is None else int(found)


def client_id(tx: Tx, handle: str) -> int:
    """The id of an existing client (BadInput if there is none, or if it was merged into another)."""
    found = tx.one("SELECT id, merged_into FROM client WHERE handle = :h", {"h": handle})
    if found is None:
        raise BadInput(f"no client {handle}; see `expect client list`")
    if found[1] is not None:
        into = tx.scalar("SELECT handle FROM client WHERE id = :id", {"id": found[1]})
        raise BadInput(f"client {handle} was merged into {into}; use {into}")
    return int(found[0])


def terms_in(tx: Tx, client_id: int) -> dict[str, str | None]:
    row = row_of(tx, f"SELECT {', '.join(TERMS)} FROM client WHERE id = :id", {"id": client_id})
    return dict(zip(TERMS, row))


def client_summary(tx: Tx, handle: str, now: int) -> ClientSummary:
    row = row_of(tx, "SELECT id, handle, name, created_at, terms_set_at FROM client WHERE handle = :h", {"h": handle})
    client_id = row[0]
    counts = dict.fromkeys(outcomes.OUTCOMES, 0)
    for outcome, count in tx.all(
        f"SELECT {OUTCOME_SQL}, COUNT(*) FROM promise p WHERE p.client_id = :c AND p.state <> 'voided'"
        f" GROUP BY {OUTCOME_SQL}",
        {"c": client_id, "now": now},
    ):
        counts[outcome] = int(count)
    active, next_due = row_of(
        tx, "SELECT COUNT(*), MIN(due) FROM promise WHERE client_id = :c AND state = 'active'", {"c": client_id}
    )
    last_update = tx.scalar(
        f"SELECT MAX(e.recorded_at) FROM event e WHERE e.client_id = :c AND e.kind = 'update-sent' AND {LIVE}",
        {"c": client_id},
    )
    last_delivery = tx.scalar(LAST_DELIVERY_SQL.format(client=":c"), {"c": client_id, "now": now})
    return ClientSummary(
        row[1],
        row[2],
        row[3],
        counts,
        int(active),
        next_due,
        terms_in(tx, client_id),
        row[4],
        last_update,
        last_delivery,
    )


def clients_with_work(tx: Tx, agreed_cadence_only: bool = False, now: int | None = None) -> list[ClientCadence]:
    """Clients with work an update would report, by handle, with what their update cadence
    depends on: promises in hand, or (with `now`) a delivery up to now; with
    `agreed_cadence_only`, only those that agreed a cadence of their own."""
    agreed = " WHERE c.update_every IS NOT NULL" if agreed_cadence_only else ""
    # Each client's promises in hand and latest delivery read from indexes, and only for the
    # clients asked about: a prompt without a default cadence reads no promise at all here.
    delivered = "NULL" if now is None else f"({LAST_DELIVERY_SQL.format(client='c.id')})"
    rows = tx.all(
        "SELECT * FROM ("
        f"SELECT c.handle, c.created_at, (SELECT COUNT(*) FROM promise p WHERE p.state = 'active'"
        f" AND p.client_id = c.id) AS active, {', '.join('c.' + key for key in TERMS)}, c.terms_set_at,"
        " (SELECT MAX(e.recorded_at) FROM event e WHERE e.client_id = c.id AND e.kind = 'update-sent'"
        f" AND {LIVE}) AS last_update, {delivered} AS last_delivery"
        f" FROM client c{agreed}) AS work WHERE active > 0 OR last_delivery IS NOT NULL ORDER BY handle",
        {} if now is None else {"now": now},
    )
    n = len(TERMS)
    return [
        ClientCadence(
            row[0], row[1], int(row[2]), dict(zip(TERMS, row[3 : 3 + n])), row[3 + n], row[4 + n], row[5 + n]
        )  # fmt: skip
        for row in rows
    ]

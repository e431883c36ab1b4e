"""The ledger: record promises and what happens to them, and read them back.

Every change appends an event to the journal and, in the same transaction, stores the
promise's state folded from its live events (`outcomes.fold`), so reads and reports are
plain indexed queries. Nothing is updated in place except that derived state; nothing is
deleted. Undo appends a `voided` event naming the event it takes back.

Times are integer UTC epoch seconds throughout; `now` is fixed when the ledger is opened.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Sequence

from expectcli.core import outcomes
from expectcli.errors import BadInput
from expectcli.core.outcomes import ACTIVE, DELIVERED, RELEASED, VOIDED, PromiseState, Step
from expectcli.storage.store import Store, Tx

KINDS = ("deliverable", "reply", "call", "meeting")
HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
TAG_RE = re.compile(r"^[^\s,;\x00]{1,40}$")
MAX_TEXT = 1000
TERMS = ("respond_within", "update_every", "work_hours", "timezone")


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


class ClientCadence(NamedTuple):
    """What a client's status-update cadence depends on (a `ClientSummary` without the counts)."""

    handle: str
    created_at: int
    active: int  # neither delivered nor released
    terms: dict[str, str | None]
    terms_set_at: int | None
    last_update: int | None


PROMISE_COLUMNS = (
    "p.id, p.title, c.handle, p.kind, p.tags, p.criteria, p.promised_at, p.first_due, p.due, "
    "p.moves, p.state, p.delivered_at, p.released_at, p.outcome, p.broken_at"
)
# An event that no `voided` event has taken back.
LIVE = "NOT EXISTS (SELECT 1 FROM event v WHERE v.voids = e.id)"
# The outcome at :now, in SQL: an open promise whose deadline has passed is missed.
OUTCOME_SQL = "CASE WHEN p.outcome = 'open' AND p.due < :now THEN 'missed' ELSE p.outcome END"

EVENT_COLUMNS = (
    "e.id, e.kind, e.recorded_at, e.promise_id, p.title, c.handle, e.due, e.previous_due, "
    "e.effective_at, e.text, e.voids, v.id, e.score"
)
EVENT_FROM = (
    "event e LEFT JOIN promise p ON p.id = e.promise_id "
    "LEFT JOIN client c ON c.id = COALESCE(e.client_id, p.client_id) "
    "LEFT JOIN event v ON v.voids = e.id"
)


class Ledger:
    def __init__(self, store: Store, now: int):
        self.store = store
        self.now = now

    # -- writing ---------------------------------------------------------------------

    def promise(
        self,
        title: str,
        client: str,
        due: int,
        *,
        criteria: str | None = None,
        kind: str = "deliverable",
        tags: Sequence[str] = (),
        made_at: int | None = None,
    ) -> Promise:
        """Record a promise. `made_at` is when it was made, if earlier than now (an inbound
        request that arrived before it was recorded); its deadline may then already be past."""
        title = _required_text(title, "title")
        criteria = _optional_text(criteria, "criteria")
        handle = normalise_handle(client)
        kind = _kind(kind)
        tags = normalise_tags(tags)
        if made_at is not None and made_at > self.now:
            raise BadInput("a promise cannot have been made in the future; check --at")
        if made_at is None and due < self.now:
            raise BadInput("that deadline is already past; give a later one (e.g. tomorrow, fri 5pm, 3d)")
        if made_at is not None and due < made_at:
            raise BadInput("the deadline is before the promise was made")
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True)
            promise_id = tx.insert(
                "INSERT INTO promise (client_id, title, criteria, kind, tags, promised_at, first_due, due,"
                " moves, state, outcome, reckon_at)"
                " VALUES (:client, :title, :criteria, :kind, :tags, :now, :due, :due, 0, :state, 'open', :due)",
                {
                    "client": client_id,
                    "title": title,
                    "criteria": criteria,
                    "kind": kind,
                    "tags": _json().dumps(list(tags)),
                    "now": self.now if made_at is None else made_at,
                    "due": due,
                    "state": ACTIVE,
                },
            )
            self._append(tx, "promised", promise_id, due=due, effective_at=made_at)
            return self._promise(tx, promise_id)

    def deliver(self, ids: Iterable[int], at: int | None = None, note: str | None = None) -> list[Promise]:
        at = self.now if at is None else at
        note = _optional_text(note, "note")
        if at > self.now:
            raise BadInput("a delivery cannot be recorded in the future; leave out --at or give a past time")
        ids = list(dict.fromkeys(ids))
        with self.store.write() as tx:
            for promise_id in ids:
                current = self._active(tx, promise_id, "deliver")
                if at < current.promised_at:
                    raise BadInput(f"promise {promise_id} was made after that delivery time")
            for promise_id in ids:
                self._append(tx, "delivered", promise_id, effective_at=at, text=note)
                self.refold(tx, promise_id)
            return [self._promise(tx, promise_id) for promise_id in ids]

    def move(self, promise_id: int, due: int, reason: str) -> Promise:
        reason = _required_text(reason, "reason")
        with self.store.write() as tx:
            current = self._active(tx, promise_id, "move")
            if due == current.due:
                raise BadInput(f"promise {promise_id} is already due then")
            if due < self.now:
                raise BadInput("the new deadline is already past; give a later one")
            self._append(tx, "moved", promise_id, due=due, previous_due=current.due, text=reason)
            self.refold(tx, promise_id)
            return self._promise(tx, promise_id)

    def release(self, promise_id: int, reason: str) -> Promise:
        reason = _required_text(reason, "reason")
        with self.store.write() as tx:
            self._active(tx, promise_id, "release")
            self._append(tx, "released", promise_id, text=reason)
            self.refold(tx, promise_id)
            return self._promise(tx, promise_id)

    def reopen(self, promise_id: int) -> Promise:
        with self.store.write() as tx:
            current = self._existing(tx, promise_id)
            if current.state not in (DELIVERED, RELEASED):
                raise BadInput(f"promise {promise_id} is neither delivered nor released; nothing to reopen")
            self._append(tx, "reopened", promise_id)
            self.refold(tx, promise_id)
            return self._promise(tx, promise_id)

    def undo(self) -> Event:
        """Void the last live event; returns that event as it was."""
        with self.store.write() as tx:
            last = tx.scalar(f"SELECT MAX(e.id) FROM event e WHERE e.kind <> 'voided' AND {LIVE}")
            if last is None:
                raise BadInput("nothing to undo")
            event = self._event(tx, last)
            client_id = tx.scalar("SELECT client_id FROM event WHERE id = :id", {"id": last})
            self._append(tx, "voided", event.promise_id, client_id=client_id, voids=event.id)
            if event.promise_id is not None:
                self.refold(tx, event.promise_id)
            if event.kind == "terms":
                self.refold_terms(tx, client_id)
            return event

    def set_terms(self, handle: str, changes: dict[str, str | None]) -> None:
        """Change a client's terms (keys of TERMS; None clears one), as a journal event."""
        handle = normalise_handle(handle)
        unknown = set(changes) - set(TERMS)
        if unknown:
            raise ValueError(f"unknown terms {sorted(unknown)}")
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True)
            current = self._terms(tx, client_id)
            terms = {**current, **changes}
            self._append(tx, "terms", None, client_id=client_id, text=_json().dumps(terms, sort_keys=True))
            self.store_terms(tx, client_id, terms, set_at=self.now)

    def add_feedback(self, handle: str, score: int, note: str | None = None) -> Event:
        if not 0 <= score <= 10:
            raise BadInput(f"a feedback score is 0 to 10 (how likely to refer you), not {score}")
        note = _optional_text(note, "note")
        handle = normalise_handle(handle)
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=False)
            return self._event(tx, self._append(tx, "feedback", None, client_id=client_id, score=score, text=note))

    def mark_update_sent(self, handle: str) -> Event:
        handle = normalise_handle(handle)
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=False)
            return self._event(tx, self._append(tx, "update-sent", None, client_id=client_id))

    def add_client(self, handle: str, name: str | None = None) -> ClientSummary:
        handle = normalise_handle(handle)
        name = _optional_text(name, "name")
        with self.store.write() as tx:
            if tx.scalar("SELECT id FROM client WHERE handle = :h", {"h": handle}) is not None:
                raise BadInput(f"client {handle} already exists")
            tx.insert(
                "INSERT INTO client (handle, name, created_at) VALUES (:h, :n, :now)",
                {"h": handle, "n": name, "now": self.now},
            )
            return self._client_summary(tx, handle)

    # -- reading ---------------------------------------------------------------------

    def get(self, promise_id: int) -> Promise:
        with self.store.read() as tx:
            return self._existing(tx, promise_id, allow_voided=True)

    def history(self, promise_id: int) -> list[Event]:
        with self.store.read() as tx:
            self._existing(tx, promise_id, allow_voided=True)
            rows = tx.all(
                f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.promise_id = :id ORDER BY e.id",
                {"id": promise_id},
            )
            return [Event(*row) for row in rows]

    def log(self, limit: int = 20) -> list[Event]:
        if limit < 1:
            raise BadInput("--limit must be at least 1")
        with self.store.read() as tx:
            rows = tx.all(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} ORDER BY e.id DESC LIMIT :n", {"n": limit})
            return [Event(*row) for row in rows]

    def promises(
        self,
        *,
        client: str | None = None,
        outcome: str | None = None,
        include_settled: bool = False,
        due_before: int | None = None,
    ) -> list[Promise]:
        """Promises soonest due first: active ones unless `include_settled` or `outcome` is given."""
        where = ["p.state <> 'voided'"]
        params: dict = {"now": self.now}
        if client is not None:
            handle = normalise_handle(client)
            where.append("c.handle = :client")
            params["client"] = handle
        if outcome is not None:
            if outcome not in outcomes.OUTCOMES:
                raise BadInput(f"unknown status {outcome!r}; use one of {', '.join(outcomes.OUTCOMES)}")
            where.append(f"{OUTCOME_SQL} = :outcome")
            params["outcome"] = outcome
        elif not include_settled:
            where.append("p.state = 'active'")
        if due_before is not None:
            where.append("p.due <= :due_before")
            params["due_before"] = due_before
        with self.store.read() as tx:
            if client is not None:
                self._client_id(tx, params["client"], create=False)
            rows = tx.all(
                f"SELECT {PROMISE_COLUMNS}, {OUTCOME_SQL} FROM promise p JOIN client c ON c.id = p.client_id"
                f" WHERE {' AND '.join(where)} ORDER BY p.due, p.id",
                params,
            )
        return [self.promise_from_row(row) for row in rows]

    def due_counts(self, within_end: int) -> tuple[int, int]:
        """(overdue, due by `within_end`) among active promises."""
        with self.store.read() as tx:
            row = tx.one(
                "SELECT COALESCE(SUM(CASE WHEN due < :now THEN 1 ELSE 0 END), 0),"
                " COALESCE(SUM(CASE WHEN due >= :now THEN 1 ELSE 0 END), 0)"
                " FROM promise WHERE state = 'active' AND due <= :end",
                {"now": self.now, "end": within_end},
            )
        return int(row[0]), int(row[1])

    def clients(self) -> list[ClientSummary]:
        with self.store.read() as tx:
            # Sorted here, not in SQL: a PostgreSQL server's collation may order '-', '.', '_' differently.
            handles = sorted(row[0] for row in tx.all("SELECT handle FROM client"))
            return [self._client_summary(tx, handle) for handle in handles]

    def clients_with_work(self, agreed_cadence_only: bool = False) -> list[ClientCadence]:
        """Clients with active promises, by handle, with what their update cadence depends on;
        with `agreed_cadence_only`, only those that agreed a cadence of their own."""
        agreed = " WHERE c.update_every IS NOT NULL" if agreed_cadence_only else ""
        with self.store.read() as tx:
            rows = tx.all(
                f"SELECT c.handle, c.created_at, a.active, {', '.join('c.' + key for key in TERMS)}, c.terms_set_at,"
                " (SELECT MAX(e.recorded_at) FROM event e WHERE e.client_id = c.id AND e.kind = 'update-sent'"
                f" AND {LIVE})"
                " FROM (SELECT client_id, COUNT(*) AS active FROM promise WHERE state = 'active' GROUP BY client_id) a"
                f" JOIN client c ON c.id = a.client_id{agreed} ORDER BY c.handle"
            )
        return [ClientCadence(row[0], row[1], int(row[2]), dict(zip(TERMS, row[3:7])), row[7], row[8]) for row in rows]

    def known_client(self, handle: str) -> ClientSummary | None:
        """The client, or None if there is none by that handle yet."""
        handle = normalise_handle(handle)
        with self.store.read() as tx:
            if tx.scalar("SELECT id FROM client WHERE handle = :h", {"h": handle}) is None:
                return None
            return self._client_summary(tx, handle)

    def client(self, handle: str) -> ClientSummary:
        handle = normalise_handle(handle)
        with self.store.read() as tx:
            self._client_id(tx, handle, create=False)
            return self._client_summary(tx, handle)

    # -- internals -------------------------------------------------------------------

    def _append(self, tx: Tx, kind: str, promise_id: int | None, **fields) -> int:
        columns = {"kind": kind, "recorded_at": self.now, "promise_id": promise_id, **fields}
        names = ", ".join(columns)
        values = ", ".join(f":{name}" for name in columns)
        return tx.insert(f"INSERT INTO event ({names}) VALUES ({values})", columns)

    @staticmethod
    def refold(tx: Tx, promise_id: int) -> None:
        """Store the state a promise's live events fold to (undone if none is left)."""
        rows = tx.all(
            "SELECT e.kind, e.recorded_at, e.due, e.effective_at FROM event e WHERE e.promise_id = :id"
            f" AND e.kind <> 'voided' AND {LIVE} ORDER BY e.id",
            {"id": promise_id},
        )
        state = outcomes.fold(Step(*row) for row in rows)
        if state is None:
            tx.execute("UPDATE promise SET state = :voided WHERE id = :id", {"voided": VOIDED, "id": promise_id})
            return
        Ledger.store_state(tx, promise_id, state)

    @staticmethod
    def store_state(tx: Tx, promise_id: int, state: PromiseState) -> None:
        tx.execute(
            "UPDATE promise SET promised_at = :promised_at, first_due = :first_due, due = :due,"
            " moves = :moves, state = :state, delivered_at = :delivered_at, released_at = :released_at,"
            " broken_at = :broken_at, outcome = :outcome, reckon_at = :reckon_at WHERE id = :id",
            {**state._asdict(), "id": promise_id},
        )

    def _promise(self, tx: Tx, promise_id: int) -> Promise:
        row = tx.one(
            f"SELECT {PROMISE_COLUMNS}, {OUTCOME_SQL} FROM promise p JOIN client c ON c.id = p.client_id"
            " WHERE p.id = :id",
            {"id": promise_id, "now": self.now},
        )
        if row is None:
            raise BadInput(f"no promise {promise_id}; see `expect list --all`")
        return self.promise_from_row(row)

    @staticmethod
    def promise_from_row(row: tuple) -> Promise:
        (pid, title, client, kind, tags, criteria, promised_at, first_due, due, moves, state,
         delivered_at, released_at, _stored, broken_at, outcome) = row  # fmt: skip
        if state == VOIDED:
            outcome = "voided"
        return Promise(
            pid, title, client, kind, _tags_from(tags), criteria, promised_at, first_due, due, moves,
            state, delivered_at, released_at, outcome, outcomes.break_point(outcome, broken_at, due),
        )  # fmt: skip

    def _existing(self, tx: Tx, promise_id: int, allow_voided: bool = False) -> Promise:
        promise = self._promise(tx, promise_id)
        if promise.state == VOIDED and not allow_voided:
            raise BadInput(f"promise {promise_id} was undone; see `expect show {promise_id}`")
        return promise

    def _active(self, tx: Tx, promise_id: int, verb: str) -> Promise:
        promise = self._existing(tx, promise_id)
        if self.now < promise.promised_at:
            raise BadInput(f"promise {promise_id} was made after the time of this change; check --now")
        if promise.state == DELIVERED:
            raise BadInput(f"promise {promise_id} is already delivered; `expect reopen {promise_id}` first to {verb} it")
        if promise.state == RELEASED:
            raise BadInput(f"promise {promise_id} was released; `expect reopen {promise_id}` first to {verb} it")
        return promise

    def _event(self, tx: Tx, event_id: int) -> Event:
        return Event(*tx.one(f"SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = :id", {"id": event_id}))

    def client_id(self, tx: Tx, handle: str) -> int:
        """The id of an existing client (BadInput if there is none)."""
        return self._client_id(tx, handle, create=False)

    def _client_id(self, tx: Tx, handle: str, create: bool) -> int:
        client_id = tx.scalar("SELECT id FROM client WHERE handle = :h", {"h": handle})
        if client_id is not None:
            return int(client_id)
        if not create:
            raise BadInput(f"no client {handle}; see `expect client list`")
        return tx.insert(
            "INSERT INTO client (handle, created_at) VALUES (:h, :now)", {"h": handle, "now": self.now}
        )

    def _terms(self, tx: Tx, client_id: int) -> dict[str, str | None]:
        row = tx.one(f"SELECT {', '.join(TERMS)} FROM client WHERE id = :id", {"id": client_id})
        return dict(zip(TERMS, row))

    @staticmethod
    def store_terms(tx: Tx, client_id: int, terms: dict, set_at: int | None) -> None:
        assignments = ", ".join(f"{key} = :{key}" for key in TERMS)
        tx.execute(
            f"UPDATE client SET {assignments}, terms_set_at = :set_at WHERE id = :id",
            {**{key: terms.get(key) for key in TERMS}, "set_at": set_at, "id": client_id},
        )

    @staticmethod
    def refold_terms(tx: Tx, client_id: int) -> None:
        """A client's terms are those of its last live `terms` event."""
        row = tx.one(
            f"SELECT e.text, e.recorded_at FROM event e WHERE e.client_id = :c AND e.kind = 'terms' AND {LIVE}"
            " ORDER BY e.id DESC LIMIT 1",
            {"c": client_id},
        )
        terms, set_at = (_json().loads(row[0]), row[1]) if row else ({}, None)
        Ledger.store_terms(tx, client_id, terms, set_at)

    def _client_summary(self, tx: Tx, handle: str) -> ClientSummary:
        row = tx.one("SELECT id, handle, name, created_at, terms_set_at FROM client WHERE handle = :h", {"h": handle})
        client_id = row[0]
        counts = dict.fromkeys(outcomes.OUTCOMES, 0)
        for outcome, count in tx.all(
            f"SELECT {OUTCOME_SQL}, COUNT(*) FROM promise p WHERE p.client_id = :c AND p.state <> 'voided'"
            f" GROUP BY {OUTCOME_SQL}",
            {"c": client_id, "now": self.now},
        ):
            counts[outcome] = int(count)
        active, next_due = tx.one(
            "SELECT COUNT(*), MIN(due) FROM promise WHERE client_id = :c AND state = 'active'", {"c": client_id}
        )
        last_update = tx.scalar(
            f"SELECT MAX(e.recorded_at) FROM event e WHERE e.client_id = :c AND e.kind = 'update-sent' AND {LIVE}",
            {"c": client_id},
        )
        return ClientSummary(
            row[1], row[2], row[3], counts, int(active), next_due, self._terms(tx, client_id), row[4], last_update
        )


def _tags_from(stored: str) -> tuple[str, ...]:
    """Tags as stored, a JSON array (most often empty)."""
    return () if stored == "[]" else tuple(_json().loads(stored))


def _json():
    """The json module, imported on first use: a prompt's `due --count` has no use for it."""
    import json

    return json


def normalise_handle(handle: str) -> str:
    cleaned = (handle or "").strip().lower()
    if not HANDLE_RE.match(cleaned):
        raise BadInput(
            f"{_quote(handle)} is not a client handle; use letters, digits, '.', '_' or '-' "
            "(up to 40, starting with a letter or digit), e.g. acme"
        )
    return cleaned


def _required_text(value: str | None, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput(f"the {what} must not be empty")
    return checked_text(cleaned, what)


def checked_text(text: str, what: str) -> str:
    """Text any backend can store: not too long, and no NUL character (PostgreSQL refuses it)."""
    if len(text) > MAX_TEXT:
        raise BadInput(f"the {what} is longer than {MAX_TEXT} characters")
    if "\x00" in text:
        raise BadInput(f"the {what} contains a NUL character")
    return text


def _optional_text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    return _required_text(value, what)


def _kind(kind: str) -> str:
    cleaned = (kind or "").strip().lower()
    if cleaned not in KINDS:
        raise BadInput(f"unknown kind {_quote(kind)}; use one of {', '.join(KINDS)}")
    return cleaned


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip().lower().lstrip("+")
        if not TAG_RE.match(tag):
            raise BadInput(f"{_quote(tag)} is not a tag; tags are single words without ',' or ';'")
        if tag not in cleaned:
            cleaned.append(tag)
    return tuple(cleaned)


def _quote(text: str | None) -> str:
    text = text or ""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def open_ledger(location: str, now: int) -> Ledger:
    """Open (creating or upgrading as needed) the ledger at `location`."""
    from expectcli.storage import schema
    from expectcli.storage.store import open_store

    store = open_store(location)
    try:
        schema.migrate(store, now)
    except BaseException:
        store.close()
        raise
    return Ledger(store, now)

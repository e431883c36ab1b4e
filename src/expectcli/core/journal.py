"""Writing the ledger: every change appends an event to the journal and, in the same
transaction, stores the promise's state folded from its live events (`outcomes.fold`), so
that reads and reports are plain indexed queries. Nothing is updated in place except that
derived state; nothing is deleted. Undo appends a `voided` event naming the event it takes
back.

Times are integer UTC epoch seconds; `now` is the moment every change is recorded at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from expectcli.core import outcomes, validate
from expectcli.core.outcomes import ACTIVE, DELIVERED, RELEASED, VOIDED, PromiseState, Step
from expectcli.core.queries import (
    LIVE,
    ClientSummary,
    Event,
    Promise,
    client_summary,
    event_in,
    existing,
    find_client_id,
    promise_in,
    terms_in,
)
from expectcli.core.validate import TERMS, normalise_handle, optional_text, required_text
from expectcli.errors import BadInput
from expectcli.storage.store import Store, Tx


class Journal:
    """The writes of a ledger, each recorded at `now`. Each write transaction is one command:
    its events point at one `command` row (`command_name`, by `author`)."""

    command_name = "write"

    def __init__(self, store: Store, now: int):
        self.store = store
        self.now = now

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
        import json

        title = required_text(title, "title")
        criteria = optional_text(criteria, "criteria")
        handle = normalise_handle(client)
        kind = validate.kind(kind)
        tags = validate.normalise_tags(tags)
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
                    "tags": json.dumps(list(tags)),
                    "now": self.now if made_at is None else made_at,
                    "due": due,
                    "state": ACTIVE,
                },
            )
            self._append(tx, "promised", promise_id, due=due, effective_at=made_at)
            return promise_in(tx, promise_id, self.now)

    def deliver(self, ids: Iterable[int], at: int | None = None, note: str | None = None) -> list[Promise]:
        at = self.now if at is None else at
        note = optional_text(note, "note")
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
                refold(tx, promise_id)
            return [promise_in(tx, promise_id, self.now) for promise_id in ids]

    def move(self, promise_id: int, due: int, reason: str) -> Promise:
        reason = required_text(reason, "reason")
        with self.store.write() as tx:
            current = self._active(tx, promise_id, "move")
            if due == current.due:
                raise BadInput(f"promise {promise_id} is already due then")
            if due < self.now:
                raise BadInput("the new deadline is already past; give a later one")
            self._append(tx, "moved", promise_id, due=due, previous_due=current.due, text=reason)
            refold(tx, promise_id)
            return promise_in(tx, promise_id, self.now)

    def release(self, promise_id: int, reason: str) -> Promise:
        reason = required_text(reason, "reason")
        with self.store.write() as tx:
            self._active(tx, promise_id, "release")
            self._append(tx, "released", promise_id, text=reason)
            refold(tx, promise_id)
            return promise_in(tx, promise_id, self.now)

    def reopen(self, promise_id: int) -> Promise:
        with self.store.write() as tx:
            current = existing(tx, promise_id, self.now)
            if current.state not in (DELIVERED, RELEASED):
                raise BadInput(f"promise {promise_id} is neither delivered nor released; nothing to reopen")
            self._append(tx, "reopened", promise_id)
            refold(tx, promise_id)
            return promise_in(tx, promise_id, self.now)

    def undo(self) -> Event:
        """Void the last live event; returns that event as it was."""
        with self.store.write() as tx:
            last = tx.scalar(f"SELECT MAX(e.id) FROM event e WHERE e.kind <> 'voided' AND {LIVE}")
            if last is None:
                raise BadInput("nothing to undo")
            event = event_in(tx, last)
            client_id = tx.scalar("SELECT client_id FROM event WHERE id = :id", {"id": last})
            self._append(tx, "voided", event.promise_id, client_id=client_id, voids=event.id)
            if event.promise_id is not None:
                refold(tx, event.promise_id)
            if event.kind == "terms":
                refold_terms(tx, client_id)
            return event

    def set_terms(self, handle: str, changes: dict[str, str | None]) -> None:
        """Change a client's terms (keys of TERMS; None clears one), as a journal event."""
        import json

        handle = normalise_handle(handle)
        validate.terms_keys(changes)
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True)
            terms = {**terms_in(tx, client_id), **changes}
            self._append(tx, "terms", None, client_id=client_id, text=json.dumps(terms, sort_keys=True))
            store_terms(tx, client_id, terms, set_at=self.now)

    def add_feedback(self, handle: str, score: int, note: str | None = None) -> Event:
        validate.feedback_score(score)
        note = optional_text(note, "note")
        handle = normalise_handle(handle)
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=False)
            return event_in(tx, self._append(tx, "feedback", None, client_id=client_id, score=score, text=note))

    def mark_update_sent(self, handle: str) -> Event:
        handle = normalise_handle(handle)
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=False)
            return event_in(tx, self._append(tx, "update-sent", None, client_id=client_id))

    def add_client(self, handle: str, name: str | None = None) -> ClientSummary:
        handle = normalise_handle(handle)
        name = optional_text(name, "name")
        with self.store.write() as tx:
            if find_client_id(tx, handle) is not None:
                raise BadInput(f"client {handle} already exists")
            tx.insert(
                "INSERT INTO client (handle, name, created_at) VALUES (:h, :n, :now)",
                {"h": handle, "n": name, "now": self.now},
            )
            return client_summary(tx, handle, self.now)

    # -- internals -------------------------------------------------------------------

    def _append(self, tx: Tx, kind: str, promise_id: int | None, **fields) -> int:
        return append(tx, kind, self.now, promise_id, command_id=self._command(tx), **fields)

    def _command(self, tx: Tx) -> int:
        """The command row of this write transaction, made on its first event."""
        if tx.command_id is None:
            tx.command_id = record_command(tx, self.command_name, self.now)
        return tx.command_id

    def _active(self, tx: Tx, promise_id: int, verb: str) -> Promise:
        promise = existing(tx, promise_id, self.now)
        if self.now < promise.promised_at:
            raise BadInput(f"promise {promise_id} was made after the time of this change; check --now")
        if promise.state == DELIVERED:
            raise BadInput(
                f"promise {promise_id} is already delivered; `expect reopen {promise_id}` first to {verb} it"
            )
        if promise.state == RELEASED:
            raise BadInput(f"promise {promise_id} was released; `expect reopen {promise_id}` first to {verb} it")
        return promise

    def _client_id(self, tx: Tx, handle: str, create: bool) -> int:
        found = find_client_id(tx, handle)
        if found is not None:
            return found
        if not create:
            raise BadInput(f"no client {handle}; see `expect client list`")
        return tx.insert("INSERT INTO client (handle, created_at) VALUES (:h, :now)", {"h": handle, "now": self.now})


# -- building blocks, inside a write transaction (the import writes through them too) ---------


def author() -> str:
    """Who writes: user@host."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return f"{user}@{socket.gethostname() or 'localhost'}"


def record_command(tx: Tx, name: str, recorded_at: int) -> int:
    """A new `command` row, which the events of one command point at; its id."""
    return tx.insert(
        "INSERT INTO command (name, author, recorded_at) VALUES (:name, :author, :at)",
        {"name": name, "author": author(), "at": recorded_at},
    )


def append(tx: Tx, kind: str, recorded_at: int, promise_id: int | None, **fields) -> int:
    """Append one event to the journal; its id."""
    columns = {"kind": kind, "recorded_at": recorded_at, "promise_id": promise_id, **fields}
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    return tx.insert(f"INSERT INTO event ({names}) VALUES ({values})", columns)


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
    store_state(tx, promise_id, state)


def store_state(tx: Tx, promise_id: int, state: PromiseState) -> None:
    tx.execute(
        "UPDATE promise SET promised_at = :promised_at, first_due = :first_due, due = :due,"
        " moves = :moves, state = :state, delivered_at = :delivered_at, released_at = :released_at,"
        " broken_at = :broken_at, outcome = :outcome, reckon_at = :reckon_at WHERE id = :id",
        {**state._asdict(), "id": promise_id},
    )


def store_terms(tx: Tx, client_id: int, terms: dict, set_at: int | None) -> None:
    assignments = ", ".join(f"{key} = :{key}" for key in TERMS)
    tx.execute(
        f"UPDATE client SET {assignments}, terms_set_at = :set_at WHERE id = :id",
        {**{key: terms.get(key) for key in TERMS}, "set_at": set_at, "id": client_id},
    )


def refold_terms(tx: Tx, client_id: int) -> None:
    """A client's terms are those of its last live `terms` event."""
    import json

    row = tx.one(
        f"SELECT e.text, e.recorded_at FROM event e WHERE e.client_id = :c AND e.kind = 'terms' AND {LIVE}"
        " ORDER BY e.id DESC LIMIT 1",
        {"c": client_id},
    )
    terms, set_at = (json.loads(row[0]), row[1]) if row else ({}, None)
    store_terms(tx, client_id, terms, set_at)

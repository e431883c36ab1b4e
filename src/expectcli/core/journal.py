"""Writing the ledger: every change appends an event to the journal and, in the same
transaction, stores the promise's state folded from its live events (`outcomes.fold`), so
that reads and reports are plain indexed queries. Nothing is updated in place except that
derived state; nothing is deleted. Undo appends a `voided` event naming the event it takes
back; it takes back every event of the last command (see `undo`).

Times are integer UTC epoch seconds; `now` is the moment every change is recorded at.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from expectcli.core import asks, corrections, outcomes, recurring, validate
from expectcli.core.asks import STEP_COLUMNS, Ask, extension
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
    row_of,
    terms_in,
)
from expectcli.core.validate import TERMS, normalise_handle, optional_text, required_text
from expectcli.errors import BadInput
from expectcli.storage import searchindex
from expectcli.storage.store import Store, Tx


class Undone(NamedTuple):
    """What `undo` took back: the events of one command, as they were."""

    name: str | None  # the command's name (None for an event written before commands were recorded)
    author: str | None  # who ran it (user@host)
    recorded_at: int | None
    events: list[Event]
    others: bool  # it was another author's command (`undo --any`)


class Journal:
    """The writes of a ledger, each recorded at `now`. Each write transaction is one command:
    its events point at one `command` row (`command_name`, by `author()`).

    `notify` receives one-line notices for the user (a client created by use); the command
    line sends them to stderr, after the write has committed."""

    command_name = "write"
    notify: Callable[[str], None] = staticmethod(lambda line: None)
    # The user's settings (zone, working days, holidays), for the dates a recurring series
    # steps to; the commands set them (None: the config file's, read when first needed).
    settings = None
    # The next occurrences the last `deliver` or `release` recorded, by the id of the
    # occurrence it closed (see `core/recurring.py`).
    recorded_next: dict[int, Promise] = {}

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
        new_client: bool = False,
        every: str | None = None,
        basis: str | None = None,
    ) -> Promise:
        """Record a promise. `made_at` is when it was made, if earlier than now (an inbound
        request that arrived before it was recorded); its deadline may then already be past.
        `every` (a period: 1w, 2w, 1m, 1bd) makes it the first occurrence of a series."""
        import json

        title = required_text(title, "title")
        criteria = optional_text(criteria, "criteria")
        handle = normalise_handle(client)
        kind = validate.kind(kind)
        tags = validate.normalise_tags(tags)
        period = None if every is None else str(recurring.parse_period(every))
        if made_at is not None and made_at > self.now:
            raise BadInput("a promise cannot have been made in the future; check --at")
        if made_at is None and due < self.now:
            raise BadInput("that deadline is already past; give a later one (e.g. tomorrow, fri 5pm, 3d)")
        if made_at is not None and due < made_at:
            raise BadInput("the deadline is before the promise was made")
        created: list[str] = []
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True, new_client=new_client, created=created)
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
            self._append(tx, "promised", promise_id, due=due, effective_at=made_at, basis=basis)
            if period is not None:
                tx.execute("UPDATE promise SET recurrence = :every, series_id = :id WHERE id = :id",
                           {"every": period, "id": promise_id})  # fmt: skip
            made = promise_in(tx, promise_id, self.now)
        self._announce(created)
        return made

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
            self.recorded_next = self._record_next(tx, ids, closed_at=at)
            return [promise_in(tx, promise_id, self.now) for promise_id in ids]

    def move(self, promise_id: int, due: int, reason: str, basis: str | None = None) -> Promise:
        """Renegotiate a deadline; `basis` "bd" when it was given in business days."""
        reason = required_text(reason, "reason")
        with self.store.write() as tx:
            current = self._active(tx, promise_id, "move")
            if due == current.due:
                raise BadInput(f"promise {promise_id} is already due then")
            if due < self.now:
                raise BadInput("the new deadline is already past; give a later one")
            self._append(tx, "moved", promise_id, due=due, previous_due=current.due, text=reason, basis=basis)
            refold(tx, promise_id)
            return promise_in(tx, promise_id, self.now)

    def release(self, promise_id: int, reason: str, series: bool = False) -> Promise:
        """Cancel a promise by agreement. A recurring one records its next occurrence, unless
        `series`: then the series ends with it."""
        reason = required_text(reason, "reason")
        with self.store.write() as tx:
            if series:
                self._series_open_elsewhere(tx, promise_id)
            current = self._active(tx, promise_id, "release")
            if series and current.every is None:
                raise BadInput(f"promise {promise_id} is not recurring; leave out --series")
            self._append(tx, "released", promise_id, text=reason)
            refold(tx, promise_id)
            self.recorded_next = {} if series else self._record_next(tx, [promise_id], closed_at=self.now)
            return promise_in(tx, promise_id, self.now)

    def reopen(self, promise_id: int) -> Promise:
        with self.store.write() as tx:
            current = existing(tx, promise_id, self.now)
            if current.state not in (DELIVERED, RELEASED):
                raise BadInput(f"promise {promise_id} is neither delivered nor released; nothing to reopen")
            self._append(tx, "reopened", promise_id)
            refold(tx, promise_id)
            return promise_in(tx, promise_id, self.now)

    def undo(self, any_author: bool = False) -> Undone:
        """Void every live event of the last command. On a shared ledger (commands by more
        than one author) that is the current author's last command, unless `any_author`.
        An undo is itself a command whose events are all `voided`; it is never undone, so
        a second undo takes back the command before. An event written before commands were
        recorded (no command) counts as a command of its own."""
        me = author()
        with self.store.write() as tx:
            shared = int(tx.scalar("SELECT COUNT(DISTINCT author) FROM command") or 0) > 1
            mine = shared and not any_author
            last = tx.one(
                "SELECT e.id, e.command_id FROM event e LEFT JOIN command c ON c.id = e.command_id"
                f" WHERE e.kind <> 'voided' AND {LIVE}{' AND c.author = :me' if mine else ''}"
                " ORDER BY e.id DESC LIMIT 1",
                {"me": me} if mine else None,
            )
            if last is None:
                if mine:
                    raise BadInput(
                        f"nothing of yours ({me}) to undo on this shared ledger;"
                        " `expect undo --any` takes back the last command of anyone"
                    )
                raise BadInput("nothing to undo")
            event_id, command_id = last
            if command_id is None:
                ids, command = [event_id], (None, None, None)
            else:
                ids = [row[0] for row in tx.all(
                    f"SELECT e.id FROM event e WHERE e.command_id = :c AND e.kind <> 'voided' AND {LIVE} ORDER BY e.id",
                    {"c": command_id},
                )]  # fmt: skip
                command = tuple(row_of(tx, "SELECT name, author, recorded_at FROM command WHERE id = :c",
                                       {"c": command_id}))  # fmt: skip
            events = [event_in(tx, target) for target in ids]
            promises: dict[int, None] = {}
            terms: dict[int, None] = {}
            clients: dict[int, None] = {}
            asks: dict[int, None] = {}
            for event in events:
                client_id = tx.scalar("SELECT client_id FROM event WHERE id = :id", {"id": event.id})
                self._append(tx, "voided", event.promise_id, client_id=client_id, voids=event.id)
                if event.promise_id is not None:
                    promises[event.promise_id] = None
                if event.ask_id is not None and event.kind in ASK_KINDS:
                    asks[event.ask_id] = None
                if event.kind == "terms":
                    terms[client_id] = None
                if event.kind in corrections.CLIENT_KINDS:
                    clients[client_id] = None
            for ask_id in asks:
                refold_ask(tx, ask_id)
            for promise_id in promises:
                refold(tx, promise_id)
            for client_id in terms:
                refold_terms(tx, client_id)
            for client_id in clients:
                corrections.refold_client(tx, client_id)
            name, who, recorded_at = command
            return Undone(name, who, recorded_at, events, others=who is not None and who != me)

    # -- asks: what the client owes (see core/asks.py) ---------------------------------------

    def ask(
        self, client: str, title: str, needed_by: int | None = None, blocks: Sequence[int] = (),
        new_client: bool = False,
    ) -> tuple[Ask, list[Promise]]:  # fmt: skip
        """Record an ask of `client`; each promise in `blocks` (open, the same client's) waits
        on it: its clock is paused from now until the ask is received. Returns the ask and the
        blocked promises as they now stand."""
        title = required_text(title, "title")
        handle = normalise_handle(client)
        if needed_by is not None and needed_by < self.now:
            raise BadInput("that needed-by date is already past; give a later one (e.g. fri, tomorrow 12:00, 3d)")
        blocks = list(dict.fromkeys(blocks))
        created: list[str] = []
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True, new_client=new_client, created=created)
            for promise_id in blocks:
                self._blockable(tx, promise_id, handle)
            ask_id = tx.take_promise_id()
            tx.execute(
                "INSERT INTO ask (id, client_id, title, asked_at, needed_by, received_at, state)"
                " VALUES (:id, :client, :title, :now, :needed_by, NULL, 'waiting')",
                {"id": ask_id, "client": client_id, "title": title, "now": self.now, "needed_by": needed_by},
            )
            self._append(tx, "asked", None, client_id=client_id, ask_id=ask_id, effective_at=self.now,
                         due=needed_by, text=title)  # fmt: skip
            for promise_id in blocks:
                self._append(tx, "paused", promise_id, ask_id=ask_id)
                refold(tx, promise_id)
            made = asks.existing_ask(tx, ask_id)
            blocked = [promise_in(tx, promise_id, self.now) for promise_id in blocks]
        self._announce(created)
        return made, blocked

    def receive(self, ask_id: int, at: int | None = None) -> tuple[Ask, list[Promise]]:
        """Record that the client sent what ask `ask_id` asked for, at `at` (default now):
        each open promise it blocks resumes (a `resumed` event at that time). Returns the ask
        and those promises as they now stand."""
        at = self.now if at is None else at
        if at > self.now:
            raise BadInput("an ask cannot be received in the future; leave out --at or give a past time")
        with self.store.write() as tx:
            current = asks.existing_ask(tx, ask_id)
            if current.state == asks.RECEIVED:
                raise BadInput(f"ask {ask_id} was already received; `expect undo` takes a receipt back if it was wrong")
            if at < current.asked_at:
                raise BadInput(f"ask {ask_id} was made after that time; check --at")
            client_id = row_of(tx, "SELECT client_id FROM ask WHERE id = :id", {"id": ask_id})[0]
            self._append(tx, "received", None, client_id=client_id, ask_id=ask_id, effective_at=at)
            resumed = []
            for promise_id in current.blocks:
                if promise_in(tx, promise_id, self.now).state == VOIDED:
                    continue
                self._append(tx, "resumed", promise_id, ask_id=ask_id, effective_at=at)
                refold(tx, promise_id)
                resumed.append(promise_in(tx, promise_id, self.now))
            refold_ask(tx, ask_id)
            return asks.existing_ask(tx, ask_id), resumed

    def _blockable(self, tx: Tx, promise_id: int, handle: str) -> Promise:
        """A promise an ask may block: open, and the same client's."""
        if asks.is_ask(tx, promise_id):
            raise BadInput(f"#{promise_id} is an ask, not a promise; --blocks takes the ids of open promises")
        promise = existing(tx, promise_id, self.now)
        if promise.client != handle:
            raise BadInput(
                f"promise {promise_id} is for {promise.client}, not {handle}; --blocks takes open promises of the"
                " same client"
            )
        if promise.state in (DELIVERED, RELEASED):
            raise BadInput(f"promise {promise_id} is already {promise.state}; only an open promise can wait on an ask")
        if self.now < promise.promised_at:
            raise BadInput(f"promise {promise_id} was made after the time of this change; check --now")
        return promise

    # -- corrections ---------------------------------------------------------------------

    def edit(
        self,
        promise_id: int,
        *,
        title: str | None = None,
        client: str | None = None,
        criteria: str | None = None,
        kind: str | None = None,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        new_client: bool = False,
    ) -> Promise:
        """Correct a promise's details, as one `edited` event; never its deadline or delivery.
        An empty `criteria` clears them."""
        if title is None and client is None and criteria is None and kind is None and not add_tags and not remove_tags:
            raise BadInput("say what to change: --title, --to, --criteria, --kind, --tag or --untag")
        title = None if title is None else required_text(title, "title")
        new_criteria = None if criteria is None or not criteria.strip() else required_text(criteria, "criteria")
        kind = None if kind is None else validate.kind(kind)
        handle = None if client is None else normalise_handle(client)
        add, remove = validate.normalise_tags(add_tags), validate.normalise_tags(remove_tags)
        if set(add) & set(remove):
            raise BadInput(f"tag {sorted(set(add) & set(remove))[0]} is both added and removed")
        created: list[str] = []
        with self.store.write() as tx:
            current = existing(tx, promise_id, self.now)
            changes: dict = {}
            if title is not None and title != current.title:
                changes["title"] = [current.title, title]
            if criteria is not None and new_criteria != current.criteria:
                changes["criteria"] = [current.criteria, new_criteria]
            if kind is not None and kind != current.kind:
                changes["kind"] = [current.kind, kind]
            missing = [tag for tag in remove if tag not in current.tags]
            if missing:
                raise BadInput(f"promise {promise_id} has no tag {missing[0]}")
            tags = [tag for tag in current.tags if tag not in remove] + [tag for tag in add if tag not in current.tags]
            if tags != list(current.tags):
                changes["tags"] = [list(current.tags), tags]
            if handle is not None and handle != current.client:
                old_id = row_of(tx, "SELECT client_id FROM promise WHERE id = :id", {"id": promise_id})[0]
                new_id = self._client_id(tx, handle, create=True, new_client=new_client, created=created)
                changes["client"] = [old_id, new_id]
                changes["client_handles"] = [current.client, handle]
            if not changes:
                raise BadInput(f"promise {promise_id} already says that; nothing to change")
            self._append(tx, "edited", promise_id, text=corrections.edit_text(changes))
            refold(tx, promise_id)
            edited = promise_in(tx, promise_id, self.now)
        self._announce(created)
        return edited

    def note(self, promise_id: int, text: str) -> Event:
        """Add a note to a promise's history, as a `noted` event."""
        text = required_text(text, "note")
        with self.store.write() as tx:
            existing(tx, promise_id, self.now)
            return event_in(tx, self._append(tx, "noted", promise_id, text=text))

    def rename_client(self, old: str, new: str, new_client: bool = False) -> ClientSummary:
        """Give a client a new handle, as a `renamed` event; its promises and history follow.
        A new handle that looks like a typo of another client's is refused unless
        `new_client`, as when a promise names a new client."""
        old, new = normalise_handle(old), normalise_handle(new)
        with self.store.write() as tx:
            client_id = self._client_id(tx, old, create=False)
            if new == old:
                raise BadInput(f"client {old} is already called {new}")
            if find_client_id(tx, new) is not None:
                raise BadInput(f"there is already a client {new}; `expect client merge {old} {new}` joins the two")
            if not new_client:
                others = tx.all("SELECT handle FROM client WHERE merged_into IS NULL AND id <> :c", {"c": client_id})
                like = validate.typo_of(new, [row[0] for row in others])
                if like is not None:
                    raise BadInput(
                        f"{new} looks like a typo of client {like}; `expect client merge {old} {like}` joins the two "
                        f"(add --new-client to rename {old} to {new})"
                    )
            self._append(tx, "renamed", None, client_id=client_id,
                         text=corrections.edit_text({"from": old, "to": new}))  # fmt: skip
            corrections.refold_client(tx, client_id)
            return client_summary(tx, new, self.now)

    def merge_clients(self, source: str, target: str) -> tuple[ClientSummary, int]:
        """Merge client `source` into `target`: each of its promises moves to `target` (an
        `edited` event each), its feedback and updates sent are carried over, and `source`
        is marked merged (a `merged` event), all one command. `source` is then refused for new promises. Returns `target` and how many
        promises moved."""
        source, target = normalise_handle(source), normalise_handle(target)
        if source == target:
            raise BadInput("a client can't be merged into itself")
        with self.store.write() as tx:
            source_id = self._client_id(tx, source, create=False)
            target_id = self._client_id(tx, target, create=False)
            moved = tx.all("SELECT id FROM promise WHERE client_id = :c ORDER BY id", {"c": source_id})
            for (promise_id,) in moved:
                changes = {"client": [source_id, target_id], "client_handles": [source, target], "merge": True}
                self._append(tx, "edited", promise_id, text=corrections.edit_text(changes))
                refold(tx, promise_id)
            carried = [row[0] for row in tx.all(
                "SELECT e.id FROM event e WHERE e.client_id = :c AND e.promise_id IS NULL AND"
                " (e.kind IN ('feedback', 'update-sent') OR e.voids IN (SELECT f.id FROM event f"
                " WHERE f.client_id = :c AND f.kind IN ('feedback', 'update-sent'))) ORDER BY e.id",
                {"c": source_id},
            )]  # fmt: skip
            fields = {"from": source, "into": target, "into_id": target_id, "events": carried}
            self._append(tx, "merged", None, client_id=source_id, text=corrections.edit_text(fields))
            corrections.refold_client(tx, source_id)
            return client_summary(tx, target, self.now), len(moved)

    def set_terms(self, handle: str, changes: dict[str, str | None]) -> None:
        """Change a client's terms (keys of TERMS; None clears one), as a journal event."""
        import json

        handle = normalise_handle(handle)
        validate.terms_keys(changes)
        created: list[str] = []
        with self.store.write() as tx:
            client_id = self._client_id(tx, handle, create=True, created=created, hint="client add")
            terms = {**terms_in(tx, client_id), **changes}
            self._append(tx, "terms", None, client_id=client_id, text=json.dumps(terms, sort_keys=True))
            store_terms(tx, client_id, terms, set_at=self.now)
        self._announce(created)

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

    # -- recurring promises (see core/recurring.py) ---------------------------------------

    def _record_next(self, tx: Tx, ids: Sequence[int], closed_at: int) -> dict[int, Promise]:
        """Record the next occurrence of each recurring promise in `ids` just closed at
        `closed_at` that is the latest live occurrence of its series; by closed id."""
        recorded: dict[int, Promise] = {}
        for promise_id in ids:
            row = row_of(tx, "SELECT recurrence, series_id, client_id, title, criteria, kind, tags, first_due"
                             " FROM promise WHERE id = :id", {"id": promise_id})  # fmt: skip
            every, series_id, client_id, title, criteria, kind, tags, slot = row
            if every is None:
                continue
            later = tx.scalar(
                "SELECT MIN(id) FROM promise WHERE series_id = :s AND id > :id AND state <> :voided",
                {"s": series_id, "id": promise_id, "voided": VOIDED},
            )
            if later is not None:
                continue
            due = self._next_due(tx, every, series_id, client_id, slot, closed_at)
            next_id = tx.insert(
                "INSERT INTO promise (client_id, title, criteria, kind, tags, promised_at, first_due, due,"
                " moves, state, outcome, reckon_at, recurrence, series_id)"
                " VALUES (:client, :title, :criteria, :kind, :tags, :made, :due, :due, 0, :state, 'open', :due,"
                " :every, :series)",
                {"client": client_id, "title": title, "criteria": criteria, "kind": kind, "tags": tags,
                 "made": closed_at, "due": due, "state": ACTIVE, "every": every, "series": series_id},
            )  # fmt: skip
            made_at = closed_at if closed_at < self.now else None
            self._append(tx, "promised", next_id, due=due, effective_at=made_at)
            refold(tx, next_id)
            recorded[promise_id] = promise_in(tx, next_id, self.now)
        return recorded

    def _series_open_elsewhere(self, tx: Tx, promise_id: int) -> None:
        """`release --series` names an occurrence already closed while a later one is open:
        say which one ends the series."""
        current = existing(tx, promise_id, self.now)
        if current.every is None or current.state not in (DELIVERED, RELEASED):
            return
        open_one = tx.scalar(
            "SELECT MIN(id) FROM promise WHERE series_id = :s AND id > :id AND state = :active",
            {"s": current.series, "id": promise_id, "active": ACTIVE},
        )
        if open_one is not None:
            raise BadInput(
                f"promise {promise_id} is already {current.state}; the series' open occurrence is #{open_one}:"
                f" `expect release {open_one} --series` ends it"
            )

    def _next_due(self, tx: Tx, every: str, series_id: int, client_id: int, slot: int, closed_at: int) -> int:
        settings = self.settings
        if settings is None:
            from expectcli.core.config import load_settings

            settings = load_settings()
        anchor = int(row_of(tx, "SELECT first_due FROM promise WHERE id = :s", {"s": series_id})[0])
        holidays = recurring.holidays_of(terms_in(tx, client_id).get("holidays"), settings)
        return recurring.next_due(recurring.parse_period(every), anchor, slot, closed_at, settings, holidays)

    # -- internals -------------------------------------------------------------------

    def _append(self, tx: Tx, kind: str, promise_id: int | None, **fields) -> int:
        return append(tx, kind, self.now, promise_id, command_id=self._command(tx), **fields)

    def _command(self, tx: Tx) -> int:
        """The command row of this write transaction, made on its first event."""
        command_id = tx.command_id
        if command_id is None:
            command_id = tx.command_id = record_command(tx, self.command_name, self.now)
        return command_id

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

    def _client_id(
        self, tx: Tx, handle: str, create: bool, new_client: bool = False, created: list[str] | None = None,
        hint: str = "--new-client",
    ) -> int:  # fmt: skip
        """The id of the client `handle`. A merged client is refused. With `create`, a new
        handle is created (and added to `created`), unless it looks like a typo of an
        existing one and `new_client` is not given."""
        found = tx.one("SELECT id, merged_into FROM client WHERE handle = :h", {"h": handle})
        if found is not None:
            if found[1] is not None:
                into = tx.scalar("SELECT handle FROM client WHERE id = :id", {"id": found[1]})
                raise BadInput(f"client {handle} was merged into {into}; use {into}")
            return int(found[0])
        if not create:
            raise BadInput(f"no client {handle}; see `expect client list`")
        if not new_client:
            known = [row[0] for row in tx.all("SELECT handle FROM client WHERE merged_into IS NULL")]
            like = validate.typo_of(handle, known)
            if like is not None:
                how = "add --new-client" if hint == "--new-client" else f"`expect {hint} {handle}`"
                raise BadInput(f"no client {handle}; did you mean {like}? ({how} to create {handle})")
        if created is not None:
            created.append(handle)
        return tx.insert("INSERT INTO client (handle, created_at) VALUES (:h, :now)", {"h": handle, "now": self.now})

    def _announce(self, created: list[str]) -> None:
        for handle in created:
            self.notify(f"new client {handle}")


# -- building blocks, inside a write transaction (the import writes through them too) ---------


def author() -> str:
    """Who writes: user@host, or EXPECT_AUTHOR when set (a shared account, or tests)."""
    import getpass
    import os

    given = os.environ.get("EXPECT_AUTHOR", "").strip()
    if given:
        return given[:200]

    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return f"{user}@{_host() or 'localhost'}"


def _host() -> str:
    """This machine's name: the kernel's node name (what `socket.gethostname` asks for too),
    without importing `socket` on every write; `socket` where there is no `uname` (Windows)."""
    import os

    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


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
    event_id = tx.insert(f"INSERT INTO event ({names}) VALUES ({values})", columns)
    if promise_id is not None:  # a note, a reason, or a taken-back one: what search finds changes
        searchindex.reindex(tx, promise_id)
    return event_id


def refold(tx: Tx, promise_id: int) -> None:
    """Store the state a promise's live events fold to (undone if none is left), and the
    details (title, client, criteria, kind, tags) its live edits give it."""
    corrections.refold_details(tx, promise_id)
    searchindex.reindex(tx, promise_id)  # the details search finds may have changed
    rows = tx.all(
        f"SELECT {STEP_COLUMNS} FROM event e WHERE e.promise_id = :id AND e.kind <> 'voided' AND {LIVE} ORDER BY e.id",
        {"id": promise_id},
    )
    client = tx.scalar("SELECT client_id FROM promise WHERE id = :id", {"id": promise_id})
    state = outcomes.fold((Step(*row) for row in rows), extension(tx, client))
    if state is None:
        tx.execute("UPDATE promise SET state = :voided WHERE id = :id", {"voided": VOIDED, "id": promise_id})
        return
    store_state(tx, promise_id, state)


# An ask's own events; `paused` and `resumed` belong to the promises it blocks.
ASK_KINDS = ("asked", "received")


def refold_ask(tx: Tx, ask_id: int) -> None:
    """An ask's row as its events leave it: its title, when it was asked and by when it is
    needed from its `asked` event; its state from its live events — no live `asked` → voided;
    a live `received` → received, at the time it came; else waiting. (A restore folds each ask
    of the document through this too, and checks the result against the file.)"""
    rows = tx.all(
        f"SELECT e.kind, e.effective_at, e.recorded_at, e.text, e.due, CASE WHEN {LIVE} THEN 1 ELSE 0 END"
        " FROM event e WHERE e.ask_id = :a AND e.promise_id IS NULL AND e.kind IN ('asked', 'received') ORDER BY e.id",
        {"a": ask_id},
    )
    asked = next((row for row in rows if row[0] == "asked"), None)
    live = [row for row in rows if row[5]]
    received = [row for row in live if row[0] == "received"]
    if not any(row[0] == "asked" for row in live):
        state, received_at = "voided", None
    elif received:
        state, received_at = "received", received[-1][1] if received[-1][1] is not None else received[-1][2]
    else:
        state, received_at = "waiting", None
    title, asked_at, needed_by = (asked[3], asked[1] if asked[1] is not None else asked[2], asked[4]) if asked else (
        None, None, None)  # fmt: skip
    tx.execute(
        "UPDATE ask SET title = COALESCE(:title, title), asked_at = COALESCE(:asked_at, asked_at),"
        " needed_by = :needed_by, received_at = :received, state = :state WHERE id = :id",
        {"title": title, "asked_at": asked_at, "needed_by": needed_by, "received": received_at, "state": state,
         "id": ask_id},
    )  # fmt: skip


def refold_all(tx: Tx) -> int:
    """Fold every promise's state again from its live events, as `refold` does one at a time
    (for a ledger whose state an older version folded by other rules); how many changed."""
    from itertools import groupby

    columns = ", ".join(PromiseState._fields)
    stored = {row[0]: tuple(row[1:]) for row in tx.all(f"SELECT id, {columns} FROM promise")}
    rows = tx.all(
        f"SELECT e.promise_id, {STEP_COLUMNS} FROM event e"
        f" WHERE e.promise_id IS NOT NULL AND e.kind <> 'voided' AND {LIVE} ORDER BY e.promise_id, e.id"
    )
    owners = dict(tx.all("SELECT id, client_id FROM promise"))
    changed = 0
    for promise_id, events in groupby(rows, key=lambda row: row[0]):
        state = outcomes.fold((Step(*row[1:]) for row in events), extension(tx, owners.get(promise_id)))
        if promise_id in stored and state is not None and tuple(state) != stored[promise_id]:
            store_state(tx, promise_id, state)
            changed += 1
    return changed


def store_state(tx: Tx, promise_id: int, state: PromiseState) -> None:
    tx.execute(
        "UPDATE promise SET promised_at = :promised_at, first_due = :first_due, due = :due,"
        " moves = :moves, state = :state, delivered_at = :delivered_at, released_at = :released_at,"
        " broken_at = :broken_at, outcome = :outcome, reckon_at = :reckon_at, paused_since = :paused_since"
        " WHERE id = :id",
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

"""Importing an expect document: an exact restore into an empty ledger, nothing into the
ledger it came from.

Into an empty ledger (no client, command, promise, ask or event yet) the document is written
verbatim: the commands with their authors, the clients, promises, asks and every event with
their ids, and the id sequences continue after the highest (the promises' after the highest
promise or ask: they share it). State is then folded from the events by the journal's own
fold, never copied from the file; and, still inside the transaction, the ledger is exported
again and must give the document back — a document whose stated state (a title, a client's
terms, an ask's state) is not what its events give is refused, naming the place.

Into a ledger that is not empty, a document adds nothing: each of its promises, asks,
clients, commands and events must already be there with the same id and content (the ledger
may have more: it moved on since the export), and then the import counts them as skipped. One that is
missing or different is refused, naming it, and nothing is written: ids are never reused or
renumbered, and nothing in a file is merged with anything else, however alike. A document of
another ledger is restored into a new, empty one.
"""

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from expectcli.core import corrections, document, journal
from expectcli.core.document import Document, DocumentError
from expectcli.core.exporting import ledger_snapshot
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import ACTIVE
from expectcli.core.validate import quote
from expectcli.storage.store import Tx

ELSEWHERE = "an expect export is restored into a new, empty ledger"
TABLES = ("command", "client", "promise", "event")  # each with its own id generator (an ask's is the promises')


class Restored(NamedTuple):
    added: int  # promises written
    skipped: int  # promises already in the ledger
    asks_added: int = 0
    asks_skipped: int = 0


class _DryRun(Exception):
    def __init__(self, restored: Restored):
        self.restored = restored


def run(ledger: Ledger, text: str, dry_run: bool, progress: Callable[[int], None] = lambda n: None) -> Restored:
    data = document.parse_json(text)
    try:
        with ledger.store.write() as tx:
            restored = restore(tx, data, ledger.now, progress)
            if dry_run:
                raise _DryRun(restored)
    except _DryRun as rolled_back:
        return rolled_back.restored
    return restored


def restore(tx: Tx, data: Any, now: int, progress: Callable[[int], None] = lambda n: None) -> Restored:
    """Restore the document `data` (parsed JSON) inside the write transaction `tx`."""
    empty = all(tx.scalar(f"SELECT COUNT(*) FROM {table}") == 0 for table in (*TABLES, "ask"))
    known = {} if empty else {handle: cid for cid, handle in tx.all("SELECT id, handle FROM client")}
    doc = document.load(data, known)
    if not empty:
        _already_there(tx, doc, now)
        return Restored(0, len(doc.promises), 0, len(doc.asks))
    _write(tx, doc, now, progress)
    _same(doc, ledger_snapshot(tx, now))
    return Restored(len(doc.promises), 0, len(doc.asks), 0)


def _write(tx: Tx, doc: Document, now: int, progress: Callable[[int], None]) -> None:
    for command in doc.commands:
        _insert(tx, "command", command.model_dump(context={"raw": True}))
    legacy_command = journal.record_command(tx, "import", now) if doc.legacy else None
    client_ids = {}
    for client in doc.clients:
        client_ids[client.client] = client.id
        _insert(tx, "client", {"id": client.id, "handle": client.client, "name": client.name,
                               "created_at": client.created_at})  # fmt: skip
    events: list[tuple[document.Event, int | None, int | None, int | None]] = []  # with promise, client, ask
    for promise in doc.promises:
        first = promise.events[0]
        due = first.due if first.due is not None else first.recorded_at
        _insert(tx, "promise", {
            "id": promise.id, "client_id": client_ids[promise.client], "title": promise.title,
            "criteria": promise.criteria, "kind": promise.kind, "tags": json.dumps(list(promise.tags)),
            "promised_at": first.effective_at or first.recorded_at, "first_due": due, "due": due, "moves": 0,
            "state": ACTIVE, "outcome": "open", "reckon_at": due, "origin": promise.origin,
            "recurrence": promise.every, "series_id": promise.series,
        })  # fmt: skip
        events += [(event, promise.id, None, event.ask) for event in promise.events]
    for client in doc.clients:
        events += [(event, None, client.id, None) for event in client.events]
    for ask in doc.asks:
        _insert(tx, "ask", {"id": ask.id, "client_id": client_ids[ask.client], "title": ask.title,
                            "asked_at": ask.asked_at, "state": "waiting"})  # fmt: skip
        # As the ask commands write them: `asked` and `received` name the ask; an undo of one
        # names only its target (and, as for a client's event, the client).
        events += [(event, None, client_ids[ask.client], None if event.kind == "voided" else ask.id)
                   for event in ask.events]  # fmt: skip
    for event, promise_id, client_id, ask_id in sorted(events, key=lambda item: item[0].id):
        row = event.model_dump(context={"raw": True})
        command = row.pop("command")
        row.pop("ask")
        row["command_id"] = legacy_command if doc.legacy else command
        _insert(tx, "event", {**row, "promise_id": promise_id, "client_id": client_id, "ask_id": ask_id})
    for promise in doc.promises:
        journal.refold(tx, promise.id)
        progress(1)
    for ask in doc.asks:
        journal.refold_ask(tx, ask.id)
    for client in doc.clients:
        journal.refold_terms(tx, client.id)
        corrections.refold_client(tx, client.id)
    for table in TABLES:
        tx.sync_ids(table)


def _insert(tx: Tx, table: str, columns: dict) -> None:
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    tx.execute(f"INSERT INTO {table} ({names}) VALUES ({values})", columns)


def _comparable(doc: Document, legacy: bool) -> dict:
    """A document as plain values for comparing: times as epoch seconds; without the export's
    own time, nor, for a version 1 document, what version 1 does not hold."""
    values = doc.model_dump(exclude_none=True, context={"raw": True})
    values.pop("exported_at")
    if legacy:
        values.pop("commands", None)
        for section in ("clients", "promises"):
            for item in values[section]:
                item.pop("merged_into", None)
                item["events"] = [_as_legacy(event) for event in item["events"]]
    return values


def _as_legacy(event: dict) -> dict:
    """An event as version 1 has it: without its command, and a merge without the events it
    carried over (version 1 left those out)."""
    event.pop("command", None)
    if event["kind"] == "merged" and event.get("text"):
        try:
            fields = json.loads(event["text"])
        except ValueError:
            return event
        if isinstance(fields, dict) and "events" in fields:
            fields.pop("events")
            event["text"] = corrections.edit_text(fields)
    return event


def _same(doc: Document, restored: Document) -> None:
    """Refuse a document whose stated state its events do not give (the restore would not
    export back to it)."""
    difference = _difference(_comparable(doc, doc.legacy), _comparable(restored, doc.legacy), ())
    if difference is not None:
        where, stated, derived = difference
        raise DocumentError(
            document.place(where), f"the document says {_short(stated)}, but its events give {_short(derived)}"
        )


def _difference(a: Any, b: Any, where: tuple) -> tuple[tuple, Any, Any] | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [key for key in b if key not in a]:
            found = _difference(a.get(key), b.get(key), (*where, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b)):
            found = _difference(x, y, (*where, n))
            if found is not None:
                return found
        return None
    return None if a == b else (where, a, b)


def _short(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (list, dict)):
        return quote(json.dumps(value, ensure_ascii=False))
    return quote(str(value))


def _already_there(tx: Tx, doc: Document, now: int) -> None:
    """Refuse, naming it, the first thing in `doc` that this (non-empty) ledger does not hold
    with the same id and content."""
    ledger = ledger_snapshot(tx, now)
    clients = {client.id: client for client in ledger.clients}
    events: dict[int, tuple[str, int, dict]] = {}
    for client in ledger.clients:
        events.update((e.id, ("client", client.id, _plain(e, doc.legacy))) for e in client.events)
    for promise in ledger.promises:
        events.update((e.id, ("promise", promise.id, _plain(e, doc.legacy))) for e in promise.events)
    for ask in ledger.asks:
        events.update((e.id, ("ask", ask.id, _plain(e, doc.legacy))) for e in ask.events)
    for section, what in (("promises", "promise"), ("asks", "ask")):
        for n, item in enumerate(getattr(doc, section)):
            first = events.get(item.events[0].id)
            if first is None or first[:2] != (what, item.id):
                if any(known.id == item.id for known in getattr(ledger, section)):
                    raise DocumentError(
                        f"{section}[{n}].id", f"{what} {item.id} of this ledger is another; {ELSEWHERE}"
                    )
                raise DocumentError(f"{section}[{n}]", f"{what} {item.id} is not in this ledger; {ELSEWHERE}")
            _events_there(item.events, f"{section}[{n}]", (what, item.id), events, doc.legacy)
    for n, client in enumerate(doc.clients):
        have = clients.get(client.id)
        if have is None:
            raise DocumentError(f"clients[{n}]", f"client {client.client} is not in this ledger; {ELSEWHERE}")
        if have.created_at != client.created_at:
            raise DocumentError(f"clients[{n}].id", f"client {client.id} of this ledger is another; {ELSEWHERE}")
        _events_there(client.events, f"clients[{n}]", None, events, doc.legacy)
    if not doc.legacy:
        commands = {command.id: command for command in ledger.commands}
        for n, command in enumerate(doc.commands):
            known = commands.get(command.id)
            if known is None:
                raise DocumentError(f"commands[{n}]", f"command {command.id} is not in this ledger; {ELSEWHERE}")
            if _plain(known) != _plain(command):
                raise DocumentError(f"commands[{n}]", f"command {command.id} of this ledger is another; {ELSEWHERE}")


def _events_there(items: list, owner: str, holder: tuple | None, events: dict, legacy: bool) -> None:
    """Each event of `items` is in the ledger, the same, under `holder` (("promise", id) or
    ("ask", id); None for a client's)."""
    for n, event in enumerate(items):
        have = events.get(event.id)
        where = f"{owner}.events[{n}]"
        if have is None:
            raise DocumentError(where, f"event {event.id} is not in this ledger; {ELSEWHERE}")
        # A client's events may have moved to the client it was merged into: compared by content.
        if (holder is not None and have[:2] != holder) or have[2] != _plain(event, legacy):
            raise DocumentError(where, f"event {event.id} of this ledger is another; {ELSEWHERE}")


def _plain(model: Any, legacy: bool = False) -> dict:
    values = model.model_dump(context={"raw": True})
    return _as_legacy(values) if legacy else values

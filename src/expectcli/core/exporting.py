"""The ledger out: a complete JSON document here; a CSV of promises and an iCalendar file
from `expectcli.core.formats`.

The JSON document (its schema is `document`) holds everything needed to rebuild the ledger
exactly: the commands that wrote the journal and who ran them, clients with their ids and
terms, promises and asks with their ids, and every journal event — voided ones and the
`voided` events themselves included — verbatim, under the promise, client or ask it belongs
to, with its id. Derived state is exported to be read, and folded from the events again on
import. The CSV and iCalendar files list promises only.
"""

from __future__ import annotations

import json
import re

from expectcli.core import document
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.validate import TERMS
from expectcli.storage.store import Tx

FORMAT = document.FORMAT
VERSION = document.VERSION
EVENT_FIELDS = ("id", "kind", "recorded_at", "due", "previous_due", "effective_at", "text", "score", "voids")
ASK_FIELDS = ("id", "client", "title", "asked_at", "needed_by", "received_at", "state")


def to_document(ledger: Ledger, settings: Settings) -> dict:
    """The whole ledger as an expect document (see `document`), times in the user's zone."""
    with ledger.store.read() as tx:
        snapshot = ledger_snapshot(tx, ledger.now)
    return snapshot.model_dump(mode="json", exclude_none=True, context={"zone": settings.timezone})


def ledger_snapshot(tx: Tx, now: int) -> document.Document:
    """The ledger read in `tx`, as the document's models (times in epoch seconds): commands,
    clients, promises and asks with their ids, and every event, verbatim, under the promise,
    client or ask it belongs to (an undo, under its target's owner; a promise's `paused` and
    `resumed`, under the promise, naming the ask)."""
    commands = tx.all("SELECT id, name, author, recorded_at FROM command ORDER BY id")
    clients = tx.all(
        f"SELECT id, handle, name, created_at, merged_into, terms_set_at, {', '.join(TERMS)} FROM client ORDER BY id"
    )
    promises = tx.all("SELECT p.id, c.handle, p.title, p.kind, p.tags, p.criteria, p.origin, p.recurrence,"
                      " p.series_id FROM promise p"
                      " JOIN client c ON c.id = p.client_id ORDER BY p.id")  # fmt: skip
    asks = tx.all("SELECT a.id, c.handle, a.title, a.asked_at, a.needed_by, a.received_at, a.state FROM ask a"
                  " JOIN client c ON c.id = a.client_id ORDER BY a.id")  # fmt: skip
    by_promise: dict[int, list[document.Event]] = {}
    by_client: dict[int, list[document.Event]] = {}
    by_ask: dict[int, list[document.Event]] = {}
    owner: dict[int, tuple] = {}
    ask_of: dict[int, int] = {}  # the events under an ask: event id → ask id
    for row in tx.execute(
        f"SELECT {', '.join(EVENT_FIELDS)}, command_id, promise_id, client_id, ask_id, basis FROM event ORDER BY id"
    ):  # fmt: skip
        promise_id, client_id, ask_id = row[10], row[11], row[12]
        under_ask = ask_id if promise_id is None else None
        if row[1] == "voided" and row[8] in ask_of:
            under_ask = ask_of[row[8]]
        event = document.Event.model_construct(**dict(zip(EVENT_FIELDS, row[:9])), command=row[9],
                                               ask=None if under_ask is not None else ask_id, basis=row[13])  # fmt: skip
        if under_ask is not None:
            ask_of[event.id] = under_ask
            by_ask.setdefault(under_ask, []).append(event)
            continue
        if promise_id is None and client_id is None and event.voids in owner:
            promise_id, client_id = owner[event.voids]
        owner[event.id] = (promise_id, client_id)
        if promise_id is not None:
            by_promise.setdefault(promise_id, []).append(event)
        elif client_id is not None:
            by_client.setdefault(client_id, []).append(event)
    handles = {row[0]: row[1] for row in clients}
    return document.Document.model_construct(
        format=document.FORMAT,
        version=document.VERSION,
        exported_at=now,
        commands=[
            document.Command.model_construct(id=cid, name=name, author=author, recorded_at=at)
            for cid, name, author, at in commands
        ],
        clients=[
            document.Client.model_construct(
                id=cid,
                client=handle,
                name=name,
                created_at=created_at,
                merged_into=handles.get(merged_into),
                terms=document.Terms.model_construct(**dict(zip(TERMS, terms))),
                terms_set_at=terms_set_at,
                events=by_client.get(cid, []),
            )  # fmt: skip
            for cid, handle, name, created_at, merged_into, terms_set_at, *terms in clients
        ],
        promises=[
            document.Promise.model_construct(
                id=pid,
                client=handle,
                title=title,
                kind=kind,
                tags=json.loads(tags),
                criteria=criteria,
                origin=origin,
                every=every,
                series=series,
                events=by_promise.get(pid, []),
            )  # fmt: skip
            for pid, handle, title, kind, tags, criteria, origin, every, series in promises
        ],
        asks=[
            document.Ask.model_construct(**dict(zip(ASK_FIELDS, row)), events=by_ask.get(row[0], [])) for row in asks
        ],
    )


# Characters that JSON may hold raw but a terminal would act on (DEL, C1 controls, bidi
# overrides and isolates), and lone surrogates, which no UTF-8 file can hold: written as
# \uXXXX escapes, so the document means the same and shows literally.
_ESCAPED = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def to_json(ledger: Ledger, settings: Settings) -> str:
    text = json.dumps(to_document(ledger, settings), ensure_ascii=False, indent=2) + "\n"
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_csv(ledger: Ledger, settings: Settings) -> str:
    from expectcli.core.formats import csvfile

    return csvfile.write(ledger, settings)


def to_ics(ledger: Ledger, settings: Settings) -> bytes:
    from expectcli.core.formats import ics

    return ics.write(ledger, settings)


def safe_cell(text: str) -> str:
    from expectcli.core.formats.csvfile import safe_cell

    return safe_cell(text)

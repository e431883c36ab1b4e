"""The ledger out: a complete JSON document here; a CSV of promises and an iCalendar file
from `expectcli.core.formats`.

The JSON document holds everything needed to rebuild the ledger exactly: clients with their
terms, and every journal event — voided ones and the `voided` events themselves included —
under the promise or client it belongs to, with its original id. State is not exported; it
is folded from the events again on import.
"""

from __future__ import annotations

import json

from expectcli.core import corrections
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.serialize import iso
from expectcli.core.validate import TERMS

FORMAT = "expect-ledger"
VERSION = 1
EVENT_FIELDS = ("id", "kind", "recorded_at", "due", "previous_due", "effective_at", "text", "score", "voids")
TIME_FIELDS = ("recorded_at", "due", "previous_due", "effective_at")


def to_document(ledger: Ledger, settings: Settings) -> dict:
    with ledger.store.read() as tx:
        clients = tx.all(
            f"SELECT id, handle, name, created_at, terms_set_at, {', '.join(TERMS)} FROM client ORDER BY id"
        )
        promises = tx.all("SELECT p.id, c.handle, p.title, p.kind, p.tags, p.criteria FROM promise p"
                          " JOIN client c ON c.id = p.client_id ORDER BY p.id")  # fmt: skip
        events = tx.all(
            "SELECT e.id, e.kind, e.recorded_at, e.due, e.previous_due, e.effective_at, e.text, e.score, e.voids,"
            " e.promise_id, e.client_id FROM event e ORDER BY e.id"
        )
    by_promise: dict[int, list[dict]] = {}
    by_client: dict[int, list[dict]] = {}
    owner: dict[int, tuple] = {}
    handles = {row[0]: row[1] for row in clients}
    for row in events:
        event = _event(row[:9], settings)
        if "text" in event:  # corrections name clients by id in the ledger, by handle here
            event["text"] = corrections.portable(event["kind"], event["text"], handles.get)
        promise_id, client_id = row[9], row[10]
        if promise_id is None and client_id is None and event.get("voids") in owner:
            promise_id, client_id = owner[event["voids"]]  # an undo that names only its target
        owner[event["id"]] = (promise_id, client_id)
        if promise_id is not None:
            by_promise.setdefault(promise_id, []).append(event)
        else:
            by_client.setdefault(client_id, []).append(event)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(ledger.now, settings),
        "clients": [
            {
                "client": handle,
                "name": name,
                "created_at": iso(created_at, settings),
                "terms": {key: value for key, value in zip(TERMS, terms) if value},
                "terms_set_at": iso(terms_set_at, settings),
                "events": by_client.get(client_id, []),
            }  # fmt: skip
            for client_id, handle, name, created_at, terms_set_at, *terms in clients
        ],
        "promises": [
            {
                "id": pid,
                "client": handle,
                "title": title,
                "kind": kind,
                "tags": json.loads(tags),
                "criteria": criteria,
                "events": by_promise.get(pid, []),
            }  # fmt: skip
            for pid, handle, title, kind, tags, criteria in promises
        ],
    }


def _event(row: tuple, settings: Settings) -> dict:
    event = dict(zip(EVENT_FIELDS, row))
    for key in TIME_FIELDS:
        event[key] = iso(event[key], settings)
    return {key: value for key, value in event.items() if value is not None}


def to_json(ledger: Ledger, settings: Settings) -> str:
    return json.dumps(to_document(ledger, settings), ensure_ascii=False, indent=2) + "\n"


def to_csv(ledger: Ledger, settings: Settings) -> str:
    from expectcli.core.formats import csvfile

    return csvfile.write(ledger, settings)


def to_ics(ledger: Ledger, settings: Settings) -> bytes:
    from expectcli.core.formats import ics

    return ics.write(ledger, settings)


def safe_cell(text: str) -> str:
    from expectcli.core.formats.csvfile import safe_cell

    return safe_cell(text)

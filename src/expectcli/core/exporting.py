"""The ledger out: a complete JSON document, a CSV of promises, an iCalendar file.

The JSON document (its schema is `document`) holds everything needed to rebuild the ledger
exactly: the commands that wrote the journal and who ran them, clients with their ids and
terms, promises with their ids, and every journal event — voided ones and the `voided` events
themselves included — verbatim, under the promise or client it belongs to, with its id.
Derived state is exported to be read, and folded from the events again on import.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from expectcli.core import document
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import OUTCOME_SQL
from expectcli.core.serialize import iso
from expectcli.core.validate import TERMS
from expectcli.storage.store import Tx

FORMAT = document.FORMAT
VERSION = document.VERSION
CSV_HEADER = ("id", "title", "client", "kind", "tags", "promised_at", "due", "delivered_at", "released_at", "outcome")
EVENT_FIELDS = ("id", "kind", "recorded_at", "due", "previous_due", "effective_at", "text", "score", "voids")
TIME_FIELDS = ("recorded_at", "due", "previous_due", "effective_at")


def to_document(ledger: Ledger, settings: Settings) -> dict:
    """The whole ledger as an expect document (see `document`), times in the user's zone."""
    with ledger.store.read() as tx:
        snapshot = ledger_snapshot(tx, ledger.now)
    return snapshot.model_dump(mode="json", exclude_none=True, context={"zone": settings.timezone})


def ledger_snapshot(tx: Tx, now: int) -> document.Document:
    """The ledger read in `tx`, as the document's models (times in epoch seconds): commands,
    clients and promises with their ids, and every event, verbatim, under the promise or
    client it belongs to (an undo that names only its target, under its target's owner)."""
    commands = tx.all("SELECT id, name, author, recorded_at FROM command ORDER BY id")
    clients = tx.all(
        f"SELECT id, handle, name, created_at, merged_into, terms_set_at, {', '.join(TERMS)} FROM client ORDER BY id"
    )
    promises = tx.all("SELECT p.id, c.handle, p.title, p.kind, p.tags, p.criteria, p.origin FROM promise p"
                      " JOIN client c ON c.id = p.client_id ORDER BY p.id")  # fmt: skip
    by_promise: dict[int, list[document.Event]] = {}
    by_client: dict[int, list[document.Event]] = {}
    owner: dict[int, tuple] = {}
    for row in tx.execute(
        f"SELECT {', '.join(EVENT_FIELDS)}, command_id, promise_id, client_id FROM event ORDER BY id"
    ):  # fmt: skip
        event = document.Event.model_construct(**dict(zip(EVENT_FIELDS, row[:9])), command=row[9])
        promise_id, client_id = row[10], row[11]
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
                events=by_promise.get(pid, []),
            )  # fmt: skip
            for pid, handle, title, kind, tags, criteria, origin in promises
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
    """One row per live promise; cells a spreadsheet would run as a formula are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    with ledger.store.read() as tx:
        rows = tx.execute(
            f"SELECT p.id, p.title, c.handle, p.kind, p.tags, p.promised_at, p.due, p.delivered_at, p.released_at,"
            f" {OUTCOME_SQL} FROM promise p JOIN client c ON c.id = p.client_id WHERE p.state <> 'voided' ORDER BY p.id",
            {"now": ledger.now},
        )
        for pid, title, client, kind, tags, promised_at, due, delivered_at, released_at, outcome in rows:
            writer.writerow([
                pid, safe_cell(title), client, kind, safe_cell(";".join(json.loads(tags))), iso(promised_at, settings),
                iso(due, settings), iso(delivered_at, settings) or "", iso(released_at, settings) or "", outcome,
            ])  # fmt: skip
    return out.getvalue()


def safe_cell(text: str) -> str:
    """Text a spreadsheet will show, not run: a leading = + - @ tab or CR gets a ' before it."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def to_ics(ledger: Ledger, settings: Settings) -> bytes:
    """An iCalendar file with one event per open promise, at its deadline (a moment: no end,
    shown as free time), with a reminder an hour before. VEVENT rather than VTODO, because
    more calendar programs import events."""
    from icalendar import Alarm, Calendar, Event

    from expectcli import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//expect//expect {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "expect: open promises")
    stamp = _utc(ledger.now)
    for p in ledger.promises():
        event = Event()
        event.add("uid", f"promise-{p.id}@expect")
        event.add("dtstamp", stamp)
        event.add("created", _utc(p.promised_at))
        event.add("dtstart", _utc(p.due))
        event.add("summary", f"Due: {p.title} ({p.client})")
        event.add("transp", "TRANSPARENT")
        event.add("categories", [p.client, *p.tags])
        description = f"Promise #{p.id} to {p.client}." + (f" Done when: {p.criteria}" if p.criteria else "")
        event.add("description", description + (" Overdue." if p.outcome == "missed" else ""))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due in an hour: {p.title}")
        alarm.add("trigger", timedelta(hours=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def _utc(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)

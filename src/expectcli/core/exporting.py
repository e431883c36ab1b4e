"""The ledger out: a complete JSON document, a CSV of promises, an iCalendar file.

The JSON document holds everything needed to rebuild the ledger exactly: clients with their
terms, and every journal event — voided ones and the `voided` events themselves included —
under the promise or client it belongs to, with its original id. State is not exported; it
is folded from the events again on import.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from expectcli.core import corrections
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import OUTCOME_SQL
from expectcli.core.serialize import iso
from expectcli.core.validate import TERMS

FORMAT = "expect-ledger"
VERSION = 1
CSV_HEADER = ("id", "title", "client", "kind", "tags", "promised_at", "due", "delivered_at", "released_at", "outcome")
EVENT_FIELDS = ("id", "kind", "recorded_at", "due", "previous_due", "effective_at", "text", "score", "voids")
TIME_FIELDS = ("recorded_at", "due", "previous_due", "effective_at")


def to_document(ledger: Ledger, settings: Settings) -> dict:
    with ledger.store.read() as tx:
        clients = tx.all(
            f"SELECT id, handle, name, created_at, terms_set_at, {', '.join(TERMS)} FROM client ORDER BY id"
        )
        promises = tx.all("SELECT p.id, c.handle, p.title, p.kind, p.tags, p.criteria FROM promise p"
                          " JOIN client c ON c.id = p.client_id ORDER BY p.id")  # fmt: skip
        series = _recurring(tx)
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
                **series.get(pid, {}),
            }  # fmt: skip
            for pid, handle, title, kind, tags, criteria in promises
        ],
    }


def _recurring(tx) -> dict[int, dict]:
    """Recurring promises: `every` (the period) and `series` (the id of the series' first
    occurrence), by promise id; a one-off promise carries neither key."""
    rows = tx.all("SELECT id, recurrence, series_id FROM promise WHERE recurrence IS NOT NULL")
    return {pid: {"every": every, "series": series} for pid, every, series in rows}


def _event(row: tuple, settings: Settings) -> dict:
    event = dict(zip(EVENT_FIELDS, row))
    for key in TIME_FIELDS:
        event[key] = iso(event[key], settings)
    return {key: value for key, value in event.items() if value is not None}


def to_json(ledger: Ledger, settings: Settings) -> str:
    return json.dumps(to_document(ledger, settings), ensure_ascii=False, indent=2) + "\n"


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

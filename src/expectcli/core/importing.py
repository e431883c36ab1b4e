"""The ledger in: an `expect export` document, a CSV of promises, or Taskwarrior's export.

Every import is checked whole before anything is written, then written in one transaction:
a single rejected row means nothing is imported. Promises already in the ledger are skipped,
so importing the same file twice adds nothing: a promise is a duplicate of one with the same
client, title and first deadline (and, when the file says, the same time it was made).

An `expect` document imported into an empty ledger is restored exactly, with its ids; into a
ledger that already holds promises, its new promises are appended with new ids.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from expectcli.core import corrections, dates, journal, outcomes
from expectcli.core.config import Settings
from expectcli.core.exporting import EVENT_FIELDS, FORMAT, TIME_FIELDS
from expectcli.core.ledger import Ledger
from expectcli.core.validate import KINDS, checked_text, normalise_handle, normalise_tags
from expectcli.errors import BadInput
from expectcli.storage.store import Tx

FORMATS = ("expect", "csv", "taskwarrior")
DEFAULT_CLIENT = "unassigned"


@dataclass
class Incoming:
    """One promise from a file, checked and in ledger terms (times in epoch seconds)."""

    line: int
    client: str
    title: str
    due: int
    promised_at: int | None = None  # None: made now
    kind: str = "deliverable"
    tags: tuple[str, ...] = ()
    criteria: str | None = None
    delivered_at: int | None = None
    released_at: int | None = None
    events: list[dict] | None = None  # an expect document's journal for this promise
    original_id: int | None = None
    every: str | None = None  # a recurring promise's period (an expect document's `every`)
    series: int | None = None  # the file's id of its series' first occurrence (`series`)


@dataclass
class Parsed:
    promises: list[Incoming] = field(default_factory=list)
    clients: list[dict] = field(default_factory=list)  # expect documents: clients, terms, client events
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    ignored: int = 0  # rows that are not promises (e.g. tasks without a due date)


@dataclass
class Result:
    added: int
    skipped: int
    ignored: int
    rejected: list[tuple[int, str]]
    dry_run: bool


# -- reading files --------------------------------------------------------------------------


def guess_format(name: str, text: str) -> str:
    if name.lower().endswith(".csv"):
        return "csv"
    stripped = text.lstrip()
    if stripped.startswith("{") and f'"{FORMAT}"' in stripped[:200]:
        return "expect"
    if stripped.startswith(("[", "{")):
        return "taskwarrior"
    if stripped[:200].lower().startswith(("title", "id,", '"id"', '"title"')) or "," in stripped.split("\n", 1)[0]:
        return "csv"
    raise BadInput("can't tell what format this file is; say --from expect, csv or taskwarrior")


def parse(kind: str, text: str, settings: Settings, now: int, default_client: str) -> Parsed:
    if kind == "csv":
        return parse_csv(text, settings, now, default_client)
    if kind == "taskwarrior":
        return parse_taskwarrior(text, default_client)
    return parse_document(text)


def parse_csv(text: str, settings: Settings, now: int, default_client: str) -> Parsed:
    """Rows with at least `title`, `client` and `due`; any other column of `expect export
    --format csv` is read too (tags separated by `;`), and unknown columns are ignored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        columns = {name.strip().lower() for name in reader.fieldnames or ()}
    except csv.Error as exc:
        raise BadInput(f"not a CSV file: {exc}") from None
    missing = [name for name in ("title", "due") if name not in columns]
    if missing:
        raise BadInput(f"the CSV has no {' or '.join(missing)} column; it needs title, client and due")
    if "client" not in columns and not default_client:
        raise BadInput("the CSV has no client column; it needs title, client and due")
    parsed = Parsed()
    moment = datetime.fromtimestamp(now, UTC)

    def when(value: str | None) -> int | None:
        value = _unformula(value)
        return int(dates.parse_when(value, moment, settings).timestamp()) if value else None

    for row in _rows(reader):
        line = reader.line_num
        cells = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items() if key}
        try:
            incoming = Incoming(
                line=line,
                client=normalise_handle(cells.get("client") or default_client),
                title=_title(_unformula(cells.get("title"))),
                due=when(cells.get("due")) or _missing("due"),
                promised_at=when(cells.get("promised_at")),
                kind=(cells.get("kind") or "deliverable").lower(),
                tags=normalise_tags([tag for tag in _unformula(cells.get("tags")).split(";") if tag.strip()]),
                criteria=checked_text(cells["criteria"], "criteria") if cells.get("criteria") else None,
                delivered_at=when(cells.get("delivered_at")),
                released_at=when(cells.get("released_at")),
            )
            _check(incoming)
        except BadInput as exc:
            parsed.rejected.append((line, str(exc)))
            continue
        parsed.promises.append(incoming)
    return parsed


def _rows(reader: csv.DictReader):
    try:
        yield from reader
    except csv.Error as exc:
        raise BadInput(f"line {reader.line_num}: not valid CSV: {exc}") from None


def parse_taskwarrior(text: str, default_client: str) -> Parsed:
    """`task export`: description → title, project → client, due, entry → made, end with
    status completed → delivered, deleted → released. Tasks without a due date, and
    recurring templates, are not promises and are left out."""
    tasks = _json_records(text)
    parsed = Parsed()
    for number, task in enumerate(tasks, start=1):
        if not isinstance(task, dict):
            parsed.rejected.append((number, "not a task object"))
            continue
        if task.get("status") == "recurring" or not task.get("due"):
            parsed.ignored += 1
            continue
        try:
            status = task.get("status", "pending")
            end = _tw_time(task["end"]) if task.get("end") else None
            incoming = Incoming(
                line=number,
                client=_handle_from_project(task.get("project"), default_client),
                title=_title(task.get("description")),
                due=_tw_time(task["due"]),
                promised_at=_tw_time(task["entry"]) if task.get("entry") else None,
                tags=normalise_tags([str(tag) for tag in task.get("tags") or ()]),
                delivered_at=end if status == "completed" else None,
                released_at=(end or _tw_time(task.get("modified") or task["due"])) if status == "deleted" else None,
            )
            if status == "completed" and incoming.delivered_at is None:
                raise BadInput("a completed task without an end time")
            _check(incoming)
        except BadInput as exc:
            parsed.rejected.append((number, str(exc)))
            continue
        parsed.promises.append(incoming)
    return parsed


def parse_document(text: str) -> Parsed:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"not a JSON document: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadInput(f'not an expect export (no "format": "{FORMAT}")')
    if document.get("version") != 1:
        raise BadInput(f"this export is format version {document.get('version')}; this expect reads version 1")
    parsed = Parsed(clients=_document_clients(document.get("clients")))
    promises = document.get("promises") or []
    if not isinstance(promises, list):
        raise BadInput('not an expect export: "promises" is not a list')
    for number, item in enumerate(promises, start=1):
        try:
            events = [_document_event(event) for event in item["events"]]
            promised = next(event for event in events if event["kind"] == "promised")
            incoming = Incoming(
                line=number,
                client=normalise_handle(item["client"]),
                title=_title(item["title"]),
                due=promised["due"],
                promised_at=promised.get("effective_at") or promised["recorded_at"],
                kind=item.get("kind", "deliverable"),
                tags=normalise_tags(list(item.get("tags") or ())),
                criteria=checked_text(item["criteria"], "criteria") if item.get("criteria") else None,
                events=events,
                original_id=int(item["id"]),
                **_recurrence(item),
            )
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
            parsed.rejected.append((number, f"promise {item.get('id', '?') if isinstance(item, dict) else '?'} is "
                                            f"malformed ({type(exc).__name__}: {exc})"))  # fmt: skip
            continue
        except BadInput as exc:
            parsed.rejected.append((number, str(exc)))
            continue
        parsed.promises.append(incoming)
    return parsed


def _recurrence(item: dict) -> dict:
    """A document promise's `every` and `series`, checked (none for a one-off promise)."""
    if item.get("every") is None:
        return {}
    from expectcli.core.recurring import parse_period

    series = item.get("series", item["id"])
    if not isinstance(series, int) or isinstance(series, bool) or series > int(item["id"]):
        raise ValueError(f"series {series!r} is not the id of an earlier promise")
    return {"every": str(parse_period(str(item["every"]))), "series": series}


def _document_clients(clients: Any) -> list[dict]:
    """The clients of an expect export, checked: a handle each, events as journal events."""
    checked = []
    try:
        for client in clients or []:
            if client.get("name") is not None:
                checked_text(str(client["name"]), "client name")
            checked.append({**client, "client": normalise_handle(client["client"]),
                            "events": [_document_event(event) for event in client.get("events") or []]})  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"not an expect export: a client entry is malformed ({type(exc).__name__}: {exc})") from None
    return checked


# -- writing ----------------------------------------------------------------------------


def apply(ledger: Ledger, parsed: Parsed, dry_run: bool, progress: Callable[[int], None] = lambda n: None) -> Result:
    """Write the parsed promises (all or nothing) and say what was added and skipped."""
    if parsed.rejected:
        return Result(0, 0, parsed.ignored, parsed.rejected, dry_run)
    with ledger.store.write() as tx:
        empty = tx.scalar("SELECT COUNT(*) FROM promise") == 0 and tx.scalar("SELECT COUNT(*) FROM event") == 0
        writer = _Writer(tx, ledger.now, keep_ids=empty)
        writer.clients(parsed.clients)
        added = skipped = 0
        for incoming in parsed.promises:
            if writer.is_duplicate(incoming):
                skipped += 1
            else:
                writer.promise(incoming)
                added += 1
            progress(1)
        writer.client_events(parsed.clients)
        writer.finish()
        if dry_run:
            raise _DryRun(Result(added, skipped, parsed.ignored, [], True))
    return Result(added, skipped, parsed.ignored, [], False)


def run(ledger: Ledger, kind: str, text: str, settings: Settings, dry_run: bool, default_client: str,
        progress: Callable[[int], None] = lambda n: None) -> Result:  # fmt: skip
    parsed = parse(kind, text, settings, ledger.now, default_client)
    try:
        return apply(ledger, parsed, dry_run, progress)
    except _DryRun as rolled_back:
        return rolled_back.result


class _DryRun(Exception):
    """Raised inside the write transaction so that a dry run rolls everything back."""

    def __init__(self, result: Result):
        self.result = result


class _Writer:
    def __init__(self, tx: Tx, now: int, keep_ids: bool):
        self.tx, self.now, self.keep_ids = tx, now, keep_ids
        self.event_ids: dict[int, int] = {}  # the file's event ids → the ledger's
        self.command_id: int | None = None
        self.client_ids = {handle: cid for cid, handle in tx.all("SELECT id, handle FROM client")}
        self.keys: set[tuple] = set()
        self.loose_keys: set[tuple] = set()
        self.promise_ids: dict[int, int] = {}  # the file's promise ids → the ledger's (for series)
        for handle, title, first_due, promised_at in tx.all(
            "SELECT c.handle, p.title, p.first_due, p.promised_at FROM promise p JOIN client c ON c.id = p.client_id"
        ):
            self._remember(handle, title, first_due, promised_at)

    def _remember(self, client: str, title: str, due: int, promised_at: int) -> None:
        self.keys.add((client, title, due, promised_at))
        self.loose_keys.add((client, title, due))

    def is_duplicate(self, incoming: Incoming) -> bool:
        if incoming.promised_at is None:
            return (incoming.client, incoming.title, incoming.due) in self.loose_keys
        return (incoming.client, incoming.title, incoming.due, incoming.promised_at) in self.keys

    def client_id(self, handle: str, created_at: int | None = None) -> int:
        if handle not in self.client_ids:
            self.client_ids[handle] = self.tx.insert(
                "INSERT INTO client (handle, created_at) VALUES (:h, :at)", {"h": handle, "at": created_at or self.now}
            )
        return self.client_ids[handle]

    def _client_of(self, handle: object) -> int:
        """A corrected event's client, named by handle in the file."""
        return self.client_id(normalise_handle(str(handle)))

    def clients(self, clients: list[dict]) -> None:
        for client in clients:
            handle = normalise_handle(client["client"])
            created = _epoch(client.get("created_at"))
            cid = self.client_id(handle, created)
            if client.get("name"):
                self.tx.execute("UPDATE client SET name = COALESCE(name, :n) WHERE id = :id",
                                {"n": client["name"], "id": cid})  # fmt: skip

    def promise(self, incoming: Incoming) -> None:
        # Without a time it was made: made now, or at its deadline if that has passed.
        promised_at = incoming.promised_at if incoming.promised_at is not None else min(self.now, incoming.due)
        columns = {
            "client_id": self.client_id(incoming.client), "title": incoming.title, "criteria": incoming.criteria,
            "kind": incoming.kind, "tags": json.dumps(list(incoming.tags)), "promised_at": promised_at,
            "first_due": incoming.due, "due": incoming.due, "moves": 0, "state": outcomes.ACTIVE, "outcome": "open",
            "reckon_at": incoming.due,
        }  # fmt: skip
        if self.keep_ids and incoming.original_id is not None:
            columns["id"] = incoming.original_id
        promise_id = self._insert("promise", columns)
        self._remember(incoming.client, incoming.title, incoming.due, promised_at)
        if incoming.original_id is not None:
            self.promise_ids[incoming.original_id] = promise_id
        if incoming.every is not None:  # a recurring promise: its period and series
            series = self.promise_ids.get(incoming.series or incoming.original_id or 0, promise_id)
            self.tx.execute("UPDATE promise SET recurrence = :every, series_id = :series WHERE id = :id",
                            {"every": incoming.every, "series": series, "id": promise_id})  # fmt: skip
        for event in incoming.events or self._events(incoming, promised_at):
            self._event(event, promise_id=promise_id)
        journal.refold(self.tx, promise_id)

    @staticmethod
    def _events(incoming: Incoming, promised_at: int) -> list[dict]:
        """The journal of a promise from a flat row: recorded when each thing happened."""
        events = [{"kind": "promised", "recorded_at": promised_at, "due": incoming.due}]
        if incoming.delivered_at is not None:
            events.append({"kind": "delivered", "recorded_at": incoming.delivered_at,
                           "effective_at": incoming.delivered_at})  # fmt: skip
        elif incoming.released_at is not None:
            events.append({"kind": "released", "recorded_at": incoming.released_at})
        return events

    def client_events(self, clients: list[dict]) -> None:
        existing = set(
            self.tx.all("SELECT client_id, kind, recorded_at, text, score FROM event WHERE promise_id IS NULL")
        )
        for client in clients:
            cid = self.client_id(normalise_handle(client["client"]))
            for event in client["events"]:
                key = (cid, event["kind"], event["recorded_at"], event.get("text"), event.get("score"))
                if key not in existing:
                    self._event(event, client_id=cid)
            journal.refold_terms(self.tx, cid)
            corrections.refold_client(self.tx, cid)

    def _event(self, event: dict, promise_id: int | None = None, client_id: int | None = None) -> None:
        columns = {key: event.get(key) for key in EVENT_FIELDS if key not in ("id", "voids")}
        columns["text"] = corrections.local(event["kind"], columns.get("text"), self._client_of)
        if self.command_id is None:  # the whole import is one command: `undo` takes it all back
            self.command_id = journal.record_command(self.tx, "import", self.now)
        columns.update(promise_id=promise_id, client_id=client_id, command_id=self.command_id)
        if event.get("voids") is not None:
            if event["voids"] not in self.event_ids:
                raise BadInput(
                    f"event {event.get('id')} undoes event {event['voids']}, which comes later or not at all"
                )
            columns["voids"] = self.event_ids[event["voids"]]
        if self.keep_ids and event.get("id") is not None:
            columns["id"] = event["id"]
        new_id = self._insert("event", columns)
        if event.get("id") is not None:
            self.event_ids[event["id"]] = new_id

    def _insert(self, table: str, columns: dict) -> int:
        names = ", ".join(columns)
        values = ", ".join(f":{name}" for name in columns)
        return self.tx.insert(f"INSERT INTO {table} ({names}) VALUES ({values})", columns)

    def finish(self) -> None:
        if self.keep_ids:
            self.tx.sync_ids("promise")
            self.tx.sync_ids("event")


# -- small readers ----------------------------------------------------------------------


def _check(incoming: Incoming) -> None:
    if incoming.kind not in KINDS:
        raise BadInput(f"unknown kind {incoming.kind!r}; use one of {', '.join(KINDS)}")
    if incoming.delivered_at is not None and incoming.released_at is not None:
        raise BadInput("both delivered and released")
    made = incoming.promised_at
    if made is not None and incoming.due < made:
        raise BadInput("due before it was promised")
    for settled in (incoming.delivered_at, incoming.released_at):
        if made is not None and settled is not None and settled < made:
            raise BadInput("settled before it was promised")


def _title(value: object) -> str:
    title = str(value or "").strip()
    if not title:
        raise BadInput("no title")
    return checked_text(title, "title")


def _missing(what: str) -> int:
    raise BadInput(f"no {what}")


def _unformula(value: str | None) -> str:
    """Undo `expect export`'s formula guard: a leading ' before = + - @ tab or CR."""
    value = value or ""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _json_records(text: str) -> list:
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        pass
    records = []  # older Taskwarrior: one JSON object per line
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInput(f"line {number} is not JSON: {exc.msg}") from None
    return records


_TW_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")


def _tw_time(value: object) -> int:
    match = _TW_TIME.match(str(value))
    if match is None:
        raise BadInput(f"can't read {str(value)[:30]!r} as a Taskwarrior date (like 20261124T170000Z)")
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())
    except ValueError:
        raise BadInput(f"{value} is not a calendar date") from None


def _handle_from_project(project: object, default_client: str) -> str:
    if not project:
        return normalise_handle(default_client)
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", str(project).strip().lower()).strip("-._")[:40]
    return normalise_handle(cleaned or default_client)


def _document_event(event: dict) -> dict:
    if not isinstance(event, dict):
        raise BadInput("an event is not an object")
    converted = {key: event.get(key) for key in EVENT_FIELDS}
    if not isinstance(converted["kind"], str) or converted["recorded_at"] is None:
        raise BadInput(f"event {event.get('id', '?')} has no kind or time")
    for key in TIME_FIELDS:
        converted[key] = _epoch(converted[key])
    if converted["text"] is not None:
        converted["text"] = checked_text(str(converted["text"]), "event text")
    return converted


def _epoch(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadInput(f"{str(text)[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise BadInput(f"{text} has no UTC offset")
    return int(moment.timestamp())

"""The ledger in: an `expect export` document, a CSV of promises, Taskwarrior's export, or
an iCalendar file.

An `expect` document is restored exactly, with its ids, by `expectcli.core.restore`. The
readers of the other programs' formats live in `expectcli.core.formats`; each turns its
file into a `Parsed`, which `apply` writes. Every import is checked whole before anything is
written, then written in one transaction: a single rejected row means nothing is imported
(`apply(..., skip_bad=True)` writes the good ones and returns the rest). Promises already in
the ledger are skipped, so importing the same file twice adds nothing: a promise is a
duplicate of one with the same origin (a Taskwarrior uuid, an iCalendar UID), or else with
the same client, title and first deadline (and, when the file says, the same time it was
made). A newer export of the same Taskwarrior tasks or calendar updates them: a changed due
is a move, a completion a delivery, a deletion a release, a new annotation a note.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from expectcli.core import journal, outcomes
from expectcli.core.config import Settings
from expectcli.core.exporting import EVENT_FIELDS, FORMAT
from expectcli.core.formats import csvfile, ics, taskwarrior
from expectcli.core.formats.records import Incoming, Parsed, journal_of
from expectcli.core.ledger import Ledger
from expectcli.errors import BadInput
from expectcli.storage.store import Tx

FORMATS = ("expect", "csv", "taskwarrior", "ics")
__all__ = ["FORMATS", "Incoming", "Parsed", "Result", "apply", "guess_format", "parse", "rejects", "run"]


@dataclass
class Result:
    added: int
    skipped: int
    ignored: int
    rejected: list[tuple[int, str]]
    dry_run: bool
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    asks_added: int = 0  # an expect document's asks (other formats have none)
    asks_skipped: int = 0


# -- reading files --------------------------------------------------------------------------


def guess_format(name: str, text: str) -> str:
    if name.lower().endswith(".csv"):
        return "csv"
    stripped = text.lstrip()
    if name.lower().endswith((".ics", ".ical", ".ifb")) or stripped[:15].upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if stripped.startswith("{") and f'"{FORMAT}"' in stripped[:200]:
        return "expect"
    if stripped.startswith(("[", "{")):
        return "taskwarrior"
    first_line = stripped.split("\n", 1)[0]
    if stripped[:200].lower().startswith(("title", "id", '"id"', '"title"')) or any(d in first_line for d in ",;\t"):
        return "csv"
    raise BadInput("can't tell what format this file is; say --from expect, csv, taskwarrior or ics")


def rejects(kind: str, parsed: Parsed) -> bytes:
    """The refused rows of `parsed` with their reasons, in the file's own format where it has
    one (so the fixed file can be imported again)."""
    if kind == "csv":
        return csvfile.rejects(parsed).encode()
    if kind == "taskwarrior":
        return taskwarrior.rejects(parsed).encode()
    if kind == "ics":
        return ics.rejects(parsed)
    return "".join(f"promise {line}: {why}\n" for line, why in parsed.rejected).encode()


def parse(kind: str, text: str, settings: Settings, now: int, default_client: str,
          date_order: str | None = None) -> Parsed:  # fmt: skip
    if kind == "csv":
        return csvfile.read(text, settings, now, default_client, date_order)
    if kind == "taskwarrior":
        return taskwarrior.read(text, settings, default_client)
    if kind == "ics":
        return ics.read(text, settings, now, default_client)
    raise ValueError("an expect document is restored by core.restore, not parsed here")


# -- writing ----------------------------------------------------------------------------


def apply(ledger: Ledger, parsed: Parsed, dry_run: bool, progress: Callable[[int], None] = lambda n: None,
          skip_bad: bool = False) -> Result:  # fmt: skip
    """Write the parsed promises (all or nothing, or with `skip_bad` the good ones) and say
    what was added, updated and skipped."""
    if parsed.rejected and not skip_bad:
        return Result(0, 0, parsed.ignored, parsed.rejected, dry_run, warnings=parsed.warnings)
    with ledger.store.write() as tx:
        positions = tx.id_positions(("client", "promise", "event", "command")) if dry_run else {}
        writer = _Writer(tx, ledger.now)
        added = updated = skipped = 0
        for incoming in parsed.promises:
            found = writer.existing(incoming)
            if found is None:
                writer.promise(incoming)
                added += 1
            elif writer.update(found, incoming):
                updated += 1
            else:
                skipped += 1
            progress(1)
        result = Result(added, skipped, parsed.ignored, parsed.rejected, dry_run, updated, parsed.warnings)
        if dry_run:
            tx.restore_id_positions(positions)  # a dry run uses up no ids
            raise _DryRun(result)
    return result


def run(ledger: Ledger, kind: str, text: str, settings: Settings, dry_run: bool, default_client: str,
        progress: Callable[[int], None] = lambda n: None, *, date_order: str | None = None,
        skip_bad: bool = False) -> tuple[Result, Parsed]:  # fmt: skip
    """Read `text` as `kind` and write it; the result, and what was read (for its rejects)."""
    if kind == "expect":  # an exact restore, checked against the document's schema (core.document)
        from expectcli.core import restore

        restored = restore.run(ledger, text, dry_run, progress)
        result = Result(restored.added, restored.skipped, 0, [], dry_run,
                        asks_added=restored.asks_added, asks_skipped=restored.asks_skipped)  # fmt: skip
        return result, Parsed()
    parsed = parse(kind, text, settings, ledger.now, default_client, date_order)
    try:
        return apply(ledger, parsed, dry_run, progress, skip_bad), parsed
    except _DryRun as rolled_back:
        return rolled_back.result, parsed


class _DryRun(Exception):
    """Raised inside the write transaction so that a dry run rolls everything back."""

    def __init__(self, result: Result):
        self.result = result


# The reason a move read from a newer export records, by the origin's source.
_MOVE_REASONS = {taskwarrior.ORIGIN: taskwarrior.MOVE_REASON, ics.ORIGIN: ics.MOVE_REASON}


class _Writer:
    def __init__(self, tx: Tx, now: int):
        self.tx, self.now = tx, now
        self.command_id: int | None = None
        self.client_ids = {handle: cid for cid, handle in tx.all("SELECT id, handle FROM client")}
        self.keys: dict[tuple, int] = {}
        self.loose_keys: dict[tuple, int] = {}
        self.origins: dict[str, int] = {}
        self.voided: set[int] = set()
        for pid, handle, title, first_due, promised_at, origin, state in tx.all(
            "SELECT p.id, c.handle, p.title, p.first_due, p.promised_at, p.origin, p.state FROM promise p"
            " JOIN client c ON c.id = p.client_id"
        ):
            # An undone promise still counts as a duplicate by its details (an expect export
            # holds it), but not by its origin: the same task imported again is new.
            self._remember(pid, handle, title, first_due, promised_at, None if state == outcomes.VOIDED else origin)
            if state == outcomes.VOIDED:
                self.voided.add(pid)

    def _remember(self, pid: int, client: str, title: str, due: int, promised_at: int, origin: str | None) -> None:
        self.keys[(client, title, due, promised_at)] = pid
        self.loose_keys[(client, title, due)] = pid
        if origin is not None:
            self.origins[origin] = pid

    def existing(self, incoming: Incoming) -> int | None:
        """The ledger's promise `incoming` is (by origin, then by its details), if any."""
        if incoming.origin is not None and incoming.origin in self.origins:
            return self.origins[incoming.origin]
        if incoming.same_as is not None:
            row = self.tx.one("SELECT p.title, c.handle, p.state FROM promise p JOIN client c ON c.id = p.client_id"
                              " WHERE p.id = :id", {"id": incoming.same_as})  # fmt: skip
            if row is not None and (row[0], row[1]) == (incoming.title, incoming.client) and row[2] != "voided":
                return incoming.same_as
        if incoming.promised_at is None:
            found = self.loose_keys.get((incoming.client, incoming.title, incoming.due))
        else:
            found = self.keys.get((incoming.client, incoming.title, incoming.due, incoming.promised_at))
        if found in self.voided:
            return None  # a row of another program's file, undone: importing it again adds it again
        return found

    def update(self, promise_id: int, incoming: Incoming) -> bool:
        """Bring a promise read before in line with a newer export of it (`incoming`, from
        the same origin), as events: a move, a delivery or release, notes. A promise settled
        in the ledger stays settled.
        Whether anything changed. A promise read only by its details is left as it is."""
        if incoming.origin is None:
            return False
        row = self.tx.one("SELECT state, due, origin FROM promise WHERE id = :id", {"id": promise_id})
        assert row is not None
        state, due, origin = row
        if origin is None and promise_id == incoming.same_as:
            return False  # our own calendar export, back in the ledger it came from: nothing new
        if origin is None:  # the same promise, imported before its origin was kept
            self.tx.execute("UPDATE promise SET origin = :o WHERE id = :id", {"o": incoming.origin, "id": promise_id})
            self.origins[incoming.origin] = promise_id
        if state == outcomes.VOIDED:
            return False
        last = int(self.tx.scalar("SELECT MAX(recorded_at) FROM event WHERE promise_id = :id", {"id": promise_id}))

        def at(moment: int | None) -> int:
            return min(max(moment if moment is not None else self.now, last), max(self.now, last))

        # A due the promise already had is no change from the other program: a move made in
        # expect since is not taken back by a file that has not caught up with it.
        known = {d for row in self.tx.all("SELECT due, previous_due FROM event WHERE promise_id = :id",
                                          {"id": promise_id}) for d in row if d is not None}  # fmt: skip
        events: list[dict] = []
        if state == outcomes.ACTIVE and incoming.final_due != due and incoming.final_due not in known:
            reason = _MOVE_REASONS.get(incoming.origin.split(":", 1)[0] + ":", "changed in the imported file")
            events.append({"kind": "moved", "recorded_at": at(incoming.modified_at), "due": incoming.final_due,
                           "previous_due": due, "text": reason})  # fmt: skip
        if state == outcomes.ACTIVE and incoming.delivered_at is not None:
            events.append({"kind": "delivered", "recorded_at": at(self.now), "effective_at": incoming.delivered_at})
        elif state == outcomes.ACTIVE and incoming.released_at is not None:
            events.append({"kind": "released", "recorded_at": at(incoming.released_at),
                           "text": incoming.release_reason})  # fmt: skip
        noted = {text for (text,) in self.tx.all(
            "SELECT text FROM event WHERE promise_id = :id AND kind = 'noted'", {"id": promise_id})}  # fmt: skip
        for moment, note in incoming.notes:
            if note not in noted:
                noted.add(note)
                events.append({"kind": "noted", "recorded_at": at(moment), "text": note})
        for event in events:
            self._event(event, promise_id=promise_id)
        if events:
            journal.refold(self.tx, promise_id)
        return bool(events)

    def client_id(self, handle: str) -> int:
        if handle not in self.client_ids:
            self.client_ids[handle] = self.tx.insert(
                "INSERT INTO client (handle, created_at) VALUES (:h, :at)", {"h": handle, "at": self.now}
            )
        return self.client_ids[handle]

    def promise(self, incoming: Incoming) -> None:
        # Without a time it was made: made now, or at its deadline if that has passed.
        promised_at = incoming.promised_at if incoming.promised_at is not None else min(self.now, incoming.due)
        columns = {
            "client_id": self.client_id(incoming.client), "title": incoming.title, "criteria": incoming.criteria,
            "kind": incoming.kind, "tags": json.dumps(list(incoming.tags)), "promised_at": promised_at,
            "first_due": incoming.due, "due": incoming.due, "moves": 0, "state": outcomes.ACTIVE, "outcome": "open",
            "reckon_at": incoming.due,
        }  # fmt: skip
        if incoming.origin is not None:
            self._free_origin(incoming.origin)
            columns["origin"] = incoming.origin
        promise_id = self._insert("promise", columns)
        self._remember(promise_id, incoming.client, incoming.title, incoming.due, promised_at, incoming.origin)
        for event in journal_of(incoming, promised_at):
            self._event(event, promise_id=promise_id)
        journal.refold(self.tx, promise_id)

    def _free_origin(self, origin: str) -> None:
        """An undone promise keeps its row, and with it its origin: a new import of the same
        item takes the origin over (the undone one is history either way)."""
        self.tx.execute("UPDATE promise SET origin = NULL WHERE origin = :o AND state = :voided",
                        {"o": origin, "voided": outcomes.VOIDED})  # fmt: skip

    def _event(self, event: dict, promise_id: int) -> None:
        columns = {key: event.get(key) for key in EVENT_FIELDS if key not in ("id", "voids")}
        if self.command_id is None:  # the whole import is one command: `undo` takes it all back
            self.command_id = journal.record_command(self.tx, "import", self.now)
        columns.update(promise_id=promise_id, command_id=self.command_id)
        self._insert("event", columns)

    def _insert(self, table: str, columns: dict) -> int:
        names = ", ".join(columns)
        values = ", ".join(f":{name}" for name in columns)
        return self.tx.insert(f"INSERT INTO {table} ({names}) VALUES ({values})", columns)

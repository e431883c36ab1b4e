"""`expect db check`: is the ledger sound?

Beyond the database's own checks (SQLite's integrity and foreign-key checks), the ledger's
invariants: every promise's stored state is exactly what its live journal events fold to,
its details (title, client, criteria, kind, tags) what its live edits give it, every undo
names an earlier event, and every client's terms are those of its last live terms event
and its handle and merge those of its live renames and merges, and the search index holds
exactly the words of every promise's title, criteria and live notes and reasons.
"""

from __future__ import annotations

import json
from itertools import groupby

from expectcli.core import corrections, outcomes
from expectcli.core.ledger import Ledger
from expectcli.core.queries import LIVE
from expectcli.core.validate import TERMS
from expectcli.storage import searchindex


def run(ledger: Ledger) -> list[str]:
    problems: list[str] = []
    with ledger.store.read() as tx:
        if tx.dialect == "sqlite":
            result = [row[0] for row in tx.all("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems += [f"integrity: {line}" for line in result[:20]]
            for table, rowid, parent, _ in tx.all("PRAGMA foreign_key_check")[:20]:
                problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
        problems += _undo_targets(tx)
        problems += _promise_states(tx)
        problems += _client_terms(tx)
        problems += _corrections(tx)
        problems += searchindex.differences(tx)
    return problems


def _undo_targets(tx) -> list[str]:
    rows = tx.all(
        "SELECT v.id, v.voids FROM event v LEFT JOIN event e ON e.id = v.voids"
        " WHERE v.kind = 'voided' AND (e.id IS NULL OR e.id >= v.id OR e.kind = 'voided')"
    )
    return [f"event {vid} undoes event {target}, which is missing, later, or itself an undo" for vid, target in rows]


STATE_COLUMNS = ("promised_at", "first_due", "due", "moves", "state", "delivered_at", "released_at", "broken_at",
                 "outcome", "reckon_at", "paused_since")  # fmt: skip


def _promise_states(tx) -> list[str]:
    problems = []
    stored = {row[0]: row[1:] for row in tx.execute(f"SELECT id, {', '.join(STATE_COLUMNS)} FROM promise")}
    from expectcli.core.asks import STEP_COLUMNS, extension

    owners = dict(tx.all("SELECT id, client_id FROM promise"))
    events = tx.all(
        f"SELECT e.promise_id, {STEP_COLUMNS} FROM event e"
        f" WHERE e.promise_id IS NOT NULL AND e.kind <> 'voided' AND {LIVE} ORDER BY e.promise_id, e.id"
    )
    seen = set()
    for promise_id, rows in groupby(events, key=lambda row: row[0]):
        seen.add(promise_id)
        state = outcomes.fold((outcomes.Step(*row[1:]) for row in rows), extension(tx, owners.get(promise_id)))
        problems += _compare(promise_id, state, stored.get(promise_id))
    for promise_id in stored.keys() - seen:
        problems += _compare(promise_id, None, stored[promise_id])
    return problems[:50]


def _compare(promise_id: int, state, row) -> list[str]:
    if row is None:
        return [f"promise {promise_id} has journal events but no promise row"]
    if state is None:
        return (
            []
            if row[STATE_COLUMNS.index("state")] == outcomes.VOIDED
            else [f"promise {promise_id} has no live 'promised' event but is not marked undone"]
        )
    expected = tuple(getattr(state, column) for column in STATE_COLUMNS)
    return [
        f"promise {promise_id}: stored {column} {got!r} but its journal gives {want!r}"
        for column, got, want in zip(STATE_COLUMNS, row, expected) if got != want
    ]  # fmt: skip


def _client_terms(tx) -> list[str]:
    problems = []
    for client_id, handle, *stored in tx.all(f"SELECT id, handle, {', '.join(TERMS)} FROM client"):
        row = tx.one(
            f"SELECT e.text FROM event e WHERE e.client_id = :c AND e.kind = 'terms' AND {LIVE}"
            " ORDER BY e.id DESC LIMIT 1",
            {"c": client_id},
        )
        agreed = json.loads(row[0]) if row else {}
        expected = [agreed.get(key) for key in TERMS]
        if list(stored) != expected:
            problems.append(f"client {handle}: stored terms differ from its last terms event")
    return problems


def _corrections(tx) -> list[str]:
    problems = []
    for (promise_id,) in tx.all("SELECT DISTINCT promise_id FROM event WHERE kind = 'edited' ORDER BY promise_id"):
        current, edits = corrections.details_in(tx, promise_id)
        expected = corrections.fold_details(current, edits)
        problems += [
            f"promise {promise_id}: stored {field} {current[field]!r} but its edits give {expected[field]!r}"
            for field in corrections.DETAILS if current[field] != expected[field]
        ]  # fmt: skip
    for (client_id,) in tx.all(
        "SELECT DISTINCT client_id FROM event WHERE kind IN ('renamed', 'merged') ORDER BY client_id"
    ):
        row = tx.one("SELECT handle, merged_into FROM client WHERE id = :id", {"id": client_id})
        if row is not None and corrections.fold_client(row[0], corrections.client_events_in(tx, client_id)) != tuple(
            row
        ):
            problems.append(f"client {row[0]}: stored handle or merge differ from its rename and merge events")
        for kind, fields, live in corrections.client_events_in(tx, client_id):
            carried = [i for i in fields.get("events") or () if isinstance(i, int)]
            if kind != "merged" or not carried:
                continue
            owner = fields.get("into_id") if live else client_id
            listed = ", ".join(str(i) for i in carried)
            for event_id, holder in tx.all(f"SELECT id, client_id FROM event WHERE id IN ({listed})"):
                if holder != owner:
                    problems.append(f"event {event_id}: belongs to client id {holder}, but its merge gives {owner}")
    return problems[:50]

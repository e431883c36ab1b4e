"""Corrections as events: edits of a promise's details, client renames and merges.

A promise's details (title, client, criteria, kind, tags) are derived state, like its
outcome: an `edited` event records each field it changed as `[old, new]` (the client by its
id, with the handles as typed beside them for the history), and `refold_details` recomputes
the details from the promise's live `edited` events. A field starts from the old value of
the first `edited` event that ever touched it (voided or not) — or, for a promise never
edited, from its row, so promises written before edits existed need nothing new — and each
live edit in journal order sets its new value. Undoing any one of several edits, in any
order, therefore leaves exactly what the remaining ones say.

A client's handle and `merged_into` are derived the same way from its `renamed` and
`merged` events. A merge is one `merged` event on the client merged away plus, in the same
command, one `edited` event moving each of its promises (so undo takes it all back). The
merged client's feedback and updates sent (and their undos) are carried over: the `merged`
event lists them, and while it is live their `client_id` — the one column of an event that
is derived state — is the client merged into; undoing the merge gives them back.

An `edited` or `merged` event names clients by id, in the ledger and in an export (whose
clients carry their ids); a version-1 export named them by handle, which `core.document`
turns into ids when it is restored.
"""

from __future__ import annotations

import json

from expectcli.core.queries import LIVE
from expectcli.errors import BadInput
from expectcli.storage.store import Tx

DETAILS = ("title", "client", "criteria", "kind", "tags")
CLIENT_KINDS = ("renamed", "merged")


def fold_details(current: dict, edits: list[tuple[dict, bool]]) -> dict:
    """The details a promise's `edited` events (changes, live?) in journal order leave it
    with; `current` (its row) gives the fields no edit ever touched."""
    values = dict(current)
    seen: set[str] = set()
    for changes, _ in edits:
        for field in DETAILS:
            if field in changes and field not in seen:
                seen.add(field)
                values[field] = changes[field][0]
    for changes, live in edits:
        if live:
            for field in DETAILS:
                if field in changes:
                    values[field] = changes[field][1]
    return values


def details_in(tx: Tx, promise_id: int) -> tuple[dict, list[tuple[dict, bool]]]:
    """A promise's stored details and its `edited` events (changes, live?) in journal order;
    ({}, []) for a promise never edited (most: its row is not even read)."""
    rows = tx.all(
        f"SELECT e.text, CASE WHEN {LIVE} THEN 1 ELSE 0 END FROM event e"
        " WHERE e.promise_id = :id AND e.kind = 'edited' ORDER BY e.id",
        {"id": promise_id},
    )
    if not rows:
        return {}, []
    row = tx.one("SELECT title, client_id, criteria, kind, tags FROM promise WHERE id = :id", {"id": promise_id})
    if row is None:
        return {}, []
    current = dict(zip(DETAILS, (row[0], row[1], row[2], row[3], json.loads(row[4]))))
    return current, [(changes_of(text), bool(live)) for text, live in rows]


def refold_details(tx: Tx, promise_id: int) -> None:
    """Store the details a promise's live `edited` events give it (nothing to do if none ever)."""
    current, edits = details_in(tx, promise_id)
    if not edits:
        return
    values = fold_details(current, edits)
    if values != current:
        tx.execute(
            "UPDATE promise SET title = :title, client_id = :client, criteria = :criteria, kind = :kind,"
            " tags = :tags WHERE id = :id",
            {**values, "tags": json.dumps(list(values["tags"])), "id": promise_id},
        )


def changes_of(text: str | None) -> dict:
    """The changes an `edited` event records (an empty dict for anything unreadable)."""
    try:
        changes = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(changes, dict):
        return {}
    return {key: value for key, value in changes.items() if isinstance(value, list) and len(value) == 2}


def edit_text(changes: dict) -> str:
    return json.dumps(changes, ensure_ascii=False, sort_keys=True)


# -- clients ---------------------------------------------------------------------------------


def fold_client(handle: str, events: list[tuple[str, dict, bool]]) -> tuple[str, int | None]:
    """The handle and `merged_into` a client's `renamed`/`merged` events (kind, fields, live?)
    leave it with; `handle` is its stored handle, the start if it was never renamed."""
    renames = [(fields, live) for kind, fields, live in events if kind == "renamed"]
    if renames:
        handle = renames[0][0].get("from", handle)
    merged_into = None
    for kind, fields, live in events:
        if not live:
            continue
        if kind == "renamed":
            handle = fields.get("to", handle)
        elif kind == "merged":
            merged_into = fields.get("into_id")
    return handle, merged_into


def client_events_in(tx: Tx, client_id: int) -> list[tuple[str, dict, bool]]:
    rows = tx.all(
        f"SELECT e.kind, e.text, CASE WHEN {LIVE} THEN 1 ELSE 0 END FROM event e"
        " WHERE e.client_id = :c AND e.kind IN ('renamed', 'merged') ORDER BY e.id",
        {"c": client_id},
    )
    return [(kind, _fields(text), bool(live)) for kind, text, live in rows]


def refold_client(tx: Tx, client_id: int) -> None:
    """Store the handle and `merged_into` a client's live renames and merges give it."""
    row = tx.one("SELECT handle, merged_into FROM client WHERE id = :id", {"id": client_id})
    events = client_events_in(tx, client_id)
    if row is None or not events:
        return
    for kind, fields, live in events:
        carried = [int(event_id) for event_id in fields.get("events") or () if isinstance(event_id, int)]
        if kind == "merged" and carried and fields.get("into_id") is not None:
            owner = fields["into_id"] if live else client_id
            listed = ", ".join(str(event_id) for event_id in carried)
            tx.execute(
                f"UPDATE event SET client_id = :owner WHERE (id IN ({listed}) OR voids IN ({listed}))"
                " AND promise_id IS NULL",
                {"owner": owner},
            )
    handle, merged_into = fold_client(row[0], events)
    if (handle, merged_into) == tuple(row):
        return
    if handle != row[0]:
        taken = tx.scalar("SELECT id FROM client WHERE handle = :h AND id <> :id", {"h": handle, "id": client_id})
        if taken is not None:
            raise BadInput(f"can't give client {row[0]} back its handle {handle}: another client has it now")
    tx.execute(
        "UPDATE client SET handle = :h, merged_into = :m WHERE id = :id",
        {"h": handle, "m": merged_into, "id": client_id},
    )


def _fields(text: str | None) -> dict:
    try:
        fields = json.loads(text or "{}")
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def describe(kind: str, text: str | None) -> str:
    """The history's words for an `edited`, `renamed` or `merged` event."""
    fields = _fields(text)
    if kind == "renamed":
        return f"{fields.get('from')} → {fields.get('to')}"
    if kind == "merged":
        return f"{fields.get('from')} into {fields.get('into')}"
    parts = []
    for field in DETAILS:
        if field not in fields or not isinstance(fields[field], list) or len(fields[field]) != 2:
            continue
        old, new = fields[field]
        if field == "client":
            old, new = fields.get("client_handles") or (old, new)
            parts.append(f"client {old} → {new}" + (" (merged)" if fields.get("merge") else ""))
        elif field == "tags":
            added = [f"+{tag}" for tag in new if tag not in old]
            removed = [f"-{tag}" for tag in old if tag not in new]
            parts.append("tags " + " ".join(added + removed))
        elif field == "kind":
            parts.append(f"kind {old} → {new}")
        else:
            parts.append(f"{field} {_shown(old)} → {_shown(new)}")
    return "; ".join(parts)


def _shown(value) -> str:
    return "(none)" if value is None else repr(value) if isinstance(value, str) else str(value)

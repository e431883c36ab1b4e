"""Asks in tests, until `expect ask` and `expect received` are merged.

`add_ask` and `undo` write exactly what the ask commands write under the event contract of
schema step 0008 (docs: the asks helper's brief): one command row per command typed, the
`ask` row, and its `asked`/`received` events, with `paused`/`resumed` events on the promises
it blocks. At the merge, their bodies become calls of the real commands (see each docstring);
the tests that use them do not change.
"""

from __future__ import annotations

from datetime import datetime

from conftest import Cli
from expectcli.core import journal
from expectcli.core.restore import refold_ask
from expectcli.storage.store import open_store


def _epoch(when: str) -> int:
    return int(datetime.fromisoformat(when).timestamp())


def add_ask(
    cli: Cli,
    client: str,
    title: str,
    asked_at: str,
    needed_by: str | None = None,
    received_at: str | None = None,
    blocks: tuple[int, ...] = (),
    received_recorded_at: str | None = None,
) -> int:
    """Record that `client` was asked for `title` at `asked_at` (ISO 8601 with an offset), needed
    by `needed_by`, blocking the promises `blocks`; and, with `received_at`, that it came in
    then (recorded at `received_recorded_at`, default `received_at`). Returns the ask's id.

    At the merge this is::

        by = ["--by", needed_by] if needed_by else []
        blocked = ["--blocks", *map(str, blocks)] if blocks else []
        ask_id = cli.json("ask", client, title, *by, *blocked, now=asked_at)["id"]
        if received_at is not None:
            cli.ok("received", str(ask_id), "--at", received_at, now=received_recorded_at or received_at)
        return ask_id
    """
    asked, needed = _epoch(asked_at), None if needed_by is None else _epoch(needed_by)
    store = open_store(cli.location)
    try:
        with store.write() as tx:
            client_id = tx.scalar("SELECT id FROM client WHERE handle = :h", {"h": client})
            if client_id is None:
                client_id = tx.insert(
                    "INSERT INTO client (handle, created_at) VALUES (:h, :at)", {"h": client, "at": asked}
                )
            ask_id = tx.take_promise_id()
            tx.execute(
                "INSERT INTO ask (id, client_id, title, asked_at, needed_by, received_at, state)"
                " VALUES (:id, :client, :title, :at, :needed, NULL, 'waiting')",
                {"id": ask_id, "client": client_id, "title": title, "at": asked, "needed": needed},
            )
            command = journal.record_command(tx, "ask", asked)
            journal.append(tx, "asked", asked, None, command_id=command, client_id=client_id, ask_id=ask_id,
                           effective_at=asked, due=needed, text=title)  # fmt: skip
            for promise_id in blocks:
                journal.append(tx, "paused", asked, promise_id, command_id=command, ask_id=ask_id)
        if received_at is not None:
            received = _epoch(received_at)
            recorded = _epoch(received_recorded_at) if received_recorded_at else received
            with store.write() as tx:
                command = journal.record_command(tx, "received", recorded)
                journal.append(tx, "received", recorded, None, command_id=command, client_id=client_id,
                               ask_id=ask_id, effective_at=received)  # fmt: skip
                for promise_id in blocks:
                    journal.append(tx, "resumed", recorded, promise_id, command_id=command, ask_id=ask_id,
                                   effective_at=received)  # fmt: skip
                refold_ask(tx, ask_id)
    finally:
        store.close()
    return ask_id


def undo(cli: Cli, now: str) -> None:
    """`expect undo` at `now`, with the asks' state folded again as the merged undo does.

    At the merge this is ``cli.ok("undo", now=now)``."""
    cli.ok("undo", now=now)
    store = open_store(cli.location)
    try:
        with store.write() as tx:
            for (ask_id,) in tx.all("SELECT id FROM ask"):
                refold_ask(tx, ask_id)
    finally:
        store.close()

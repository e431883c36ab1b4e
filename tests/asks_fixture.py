"""Asks in tests, made by the real commands: `add_ask` types `expect ask` (and `expect
received`), `undo` types `expect undo`."""

from __future__ import annotations

from conftest import Cli


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
    then (recorded at `received_recorded_at`, default `received_at`). Returns the ask's id."""
    by = ["--by", needed_by] if needed_by else []
    blocked = ["--blocks", *map(str, blocks)] if blocks else []
    ask_id = cli.json("ask", client, title, *by, *blocked, "--new-client", now=asked_at)["id"]
    if received_at is not None:
        cli.ok("received", str(ask_id), "--at", received_at, now=received_recorded_at or received_at)
    return ask_id


def undo(cli: Cli, now: str) -> None:
    """`expect undo` at `now`."""
    cli.ok("undo", now=now)

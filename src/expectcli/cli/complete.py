"""Shell completion of values, as the declaration says: a parameter's `complete` names what
it offers (`choices`, `clients`, `promises`). Typer asks these while the shell completes;
a completion never fails loudly (it offers nothing instead)."""

from __future__ import annotations

from collections.abc import Callable

import typer

from expectcli.cli.spec import Param


def completer(param: Param) -> Callable | None:
    if param.complete == "choices":
        choices = param.choices

        def offer_choices(incomplete: str) -> list[str]:
            return [choice for choice in choices if choice.startswith(incomplete.lower())]

        return offer_choices
    if param.complete == "clients":
        return clients
    if param.complete == "promises":
        return promises
    if param.complete == "asks":
        return waiting_asks
    return None


def clients(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        with _ledger(ctx) as ledger:
            return [c.handle for c in ledger.clients() if c.handle.startswith(incomplete.lower())]
    except Exception:  # noqa: BLE001 - completion offers nothing rather than an error
        return []


def promises(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Open promise ids, each with its title as the description."""
    try:
        with _ledger(ctx) as ledger:
            return [(str(p.id), p.title) for p in ledger.promises() if str(p.id).startswith(incomplete.lstrip("#"))]
    except Exception:  # noqa: BLE001
        return []


def waiting_asks(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Waiting ask ids, each with its title as the description (`received`)."""
    from expectcli.cli.completing import LIMIT
    from expectcli.core import lookup

    try:
        with _ledger(ctx) as ledger:
            return lookup.waiting_titles(ledger, incomplete.lstrip("#"), LIMIT)
    except Exception:  # noqa: BLE001
        return []


class _ledger:
    """The ledger named on the command line being completed (or the default), closed after."""

    def __init__(self, ctx: typer.Context):
        from expectcli.commands.env import Env

        db = ctx.params.get("db") or (ctx.find_root().params or {}).get("db")
        self.env = Env(db=db)

    def __enter__(self):
        import os

        from expectcli.storage.store import sqlite_file

        file = sqlite_file(self.env.location)
        if file is not None and not os.path.exists(file):  # completing never creates a ledger
            raise LookupError(file)
        return self.env.ledger()

    def __exit__(self, *exc) -> None:
        self.env.close()

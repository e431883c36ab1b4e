"""The commands that look after the ledger itself: db init, path, check, backup and migrate."""

from __future__ import annotations

import sys

from expectcli.commands.env import Env


def init(env: Env, location: str) -> None:
    """Create a ledger at `location` (a file path or a database URL)."""
    from expectcli.storage import schema

    where = schema.init(location, env.now)
    if env.json:
        env.emit({"created": where})
    else:
        env.say(f"Created a ledger at {where}.")


def path(env: Env) -> None:
    from expectcli.storage.location import classify
    from expectcli.storage.store import describe

    if classify(env.location)[0] == "server":  # an in-memory database or a malformed URL is refused here too
        from expectcli.storage.store import checked_url

        checked_url(env.location)
    location = describe(env.location)
    if env.json:
        env.emit({"ledger": location})
    else:
        env.say(location)


def check(env: Env) -> int | None:
    from expectcli.core import checks

    problems = checks.run(env.ledger())
    if env.json:
        env.emit({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            sys.stderr.write(f"expect: {problem}\n")
        if not problems:
            env.say("The ledger is sound.")
    return 1 if problems else None


def backup(env: Env, file: str | None) -> None:
    from expectcli.storage.store import backup as copy

    target = copy(env.ledger().store, file, env.now)
    if env.json:
        env.emit({"backup": str(target)})
    else:
        env.say(f"Backed up to {target}")


def migrate(env: Env) -> None:
    from expectcli.core.journal import refold_all
    from expectcli.storage import schema
    from expectcli.storage.store import location_given, open_store

    create = not location_given(env.db)  # the default ledger is created on first use, as by any command
    store = open_store(env.location, create=create)
    try:
        applied = schema.migrate(store, env.now, create=create, refold=refold_all)
    finally:
        store.close()
    if env.json:
        env.emit({"applied": applied, "version": schema.SCHEMA_VERSION})
    elif applied:
        env.say(f"Applied {', '.join(applied)}; the ledger is at schema version {schema.SCHEMA_VERSION}.")
    else:
        env.say(f"The ledger is already at schema version {schema.SCHEMA_VERSION}.")

"""The commands that read promises: list, due, show and log."""

from __future__ import annotations

from datetime import UTC

from expectcli.commands.env import Env
from expectcli.commands.present import drawn_by, listing, present


def list_promises(env: Env, client: str | None, status: str | None, all_: bool) -> None:
    promises = env.ledger().promises(client=client, outcome=status, include_settled=all_)
    listing(env, promises, "No promises to show.")


def due(env: Env, within: str, count: bool, client: str | None) -> int | None:
    """Overdue and due-soon promises, and clients owed an update; 1 when any of them is late."""
    from datetime import datetime

    from expectcli.core import clients, dates
    from expectcli.core.validate import normalise_handle

    window = dates.parse_duration(within)
    end = int(window.add_to(datetime.fromtimestamp(env.now, UTC), env.settings).timestamp())
    ledger = env.ledger()
    handle = normalise_handle(client) if client is not None else None
    owed = [s for s in clients.updates_owed(ledger, env.settings) if s.overdue and handle in (None, s.client)]
    if count:
        overdue, soon = ledger.due_counts(end, client=client)
        if env.json:
            env.emit({"overdue": overdue, "due": soon, "within": str(window), "updates_overdue": len(owed)})
        else:
            parts = (f"{overdue} overdue" if overdue else "", f"{soon} due" if soon else "",
                     f"{len(owed)} update{'s' if len(owed) > 1 else ''} owed" if owed else "")  # fmt: skip
            line = ", ".join(part for part in parts if part)
            if line:
                env.say(line)
    else:
        promises = ledger.promises(client=client, due_before=end)
        overdue = sum(1 for p in promises if p.outcome == "missed")
        if promises or env.json or not owed:
            listing(env, promises, f"Nothing overdue or due within {window}.")
        if owed and not env.json:
            from expectcli.views import tables

            tables.updates_owed(env.out, owed, env.settings, env.now)
    return 1 if overdue or owed else None


def show(env: Env, id_: int) -> None:
    ledger = env.ledger()
    promise = ledger.get(id_)
    events = ledger.history(promise.id)
    series = None
    if promise.every is not None:
        from expectcli.core import recurring

        series = recurring.series_of(ledger, promise.id)
    if env.json:
        from expectcli.core import serialize

        recurrence = {} if series is None else {"previous": series.previous, "next": series.next,
                                                "occurrences": series.occurrences}  # fmt: skip
        env.emit({
            **serialize.promise(promise, env.settings), **recurrence,
            "events": [serialize.event(e, env.settings) for e in events],
        })  # fmt: skip
        return
    from expectcli.views import render

    render.promise_detail(env.console(), promise, events, env.settings, env.now, series=series)


def log(env: Env, limit: int) -> None:
    from expectcli.core import serialize

    present(env, env.ledger().log(limit), serialize.event, drawn_by("log_table", env), "The journal is empty.")

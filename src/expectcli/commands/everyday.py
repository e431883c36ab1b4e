"""The commands people run most, as plain functions of an `Env` and their options.

The Typer app (`cli.py`) calls them, and so does `fastpath.py`, which answers their plain
forms without importing Typer. Each returns the exit status (None for 0); each imports what it
needs when it runs, so a prompt's `due --count` loads neither Rich nor the report.
"""

from __future__ import annotations

import sys
from typing import Callable, Optional

from expectcli.commands.env import Env
from expectcli.errors import BadInput

REPORT_FORMATS = ("table", "json", "csv", "markdown")


def promise(
    env: Env, title: str, to: str, due: str, criteria: Optional[str] = None, kind: str = "deliverable",
    tag: Optional[list[str]] = None,
) -> None:  # fmt: skip
    due_at = env.when(due)
    created = env.ledger().promise(title, to, due_at, criteria=criteria, kind=kind, tags=tag or ())
    announce(env, [created], "Promised")


def list_promises(env: Env, client: Optional[str] = None, status: Optional[str] = None, all_: bool = False) -> None:
    promises = env.ledger().promises(client=client, outcome=status, include_settled=all_)
    listing(env, promises, "No promises to show.")


def due(env: Env, within: str = "2d", count: bool = False) -> int:
    """Overdue and due-soon promises, and clients owed an update; 1 when any of them is late."""
    from datetime import datetime, timezone

    from expectcli.core import clients, dates

    window = dates.parse_duration(within)
    end = int(window.add_to(datetime.fromtimestamp(env.now, timezone.utc), env.settings).timestamp())
    ledger = env.ledger()
    owed = [status for status in clients.updates_owed(ledger, env.settings) if status.overdue]
    if count:
        overdue, soon = ledger.due_counts(end)
        if env.json:
            env.emit({"overdue": overdue, "due": soon, "within": str(window), "updates_overdue": len(owed)})
        else:
            parts = (f"{overdue} overdue" if overdue else "", f"{soon} due" if soon else "",
                     f"{len(owed)} update{'s' if len(owed) > 1 else ''} owed" if owed else "")  # fmt: skip
            line = ", ".join(part for part in parts if part)
            if line:
                env.say(line)
    else:
        promises = ledger.promises(due_before=end)
        overdue = sum(1 for p in promises if p.outcome == "missed")
        if promises or env.json or not owed:
            listing(env, promises, f"Nothing overdue or due within {window}.")
        if owed and not env.json:
            from expectcli.views import tables as views

            views.updates_owed(env.out, owed, env.settings, env.now)
    return 1 if overdue or owed else None


def report(
    env: Env, week: bool = False, last_week: bool = False, month: bool = False, last_month: bool = False,
    since: Optional[str] = None, until: Optional[str] = None, client: Optional[str] = None, format_: str = "table",
) -> None:  # fmt: skip
    from expectcli.views import report_formats
    from expectcli.core.report import build

    if format_ not in REPORT_FORMATS:
        raise BadInput(f"unknown format {format_!r}; use one of {', '.join(REPORT_FORMATS)}")
    period = report_period(env, week, last_week, month, last_month, since, until)
    built = build(env.ledger(), period, env.settings, client)
    fmt = "json" if env.json else format_
    if fmt == "json":
        env.emit(report_formats.to_json(built, env.settings))
    elif fmt == "csv":
        sys.stdout.write(report_formats.to_csv(built, env.settings))
    elif fmt == "markdown":
        sys.stdout.write(report_formats.to_markdown(built, env.settings))
    else:
        from expectcli.views import tables as views

        views.report(env.out, built, env.settings)


def report_period(env: Env, week, last_week, month, last_month, since, until):
    from expectcli.core import periods

    chosen = [name for name, on in (("--week", week), ("--last-week", last_week), ("--month", month),
                                    ("--last-month", last_month), ("--since", since is not None)) if on]  # fmt: skip
    if len(chosen) > 1:
        raise BadInput(f"choose one period, not {' and '.join(chosen)}")
    if until is not None and since is None:
        raise BadInput("--until needs --since")
    if since is not None:
        start = env.bound(since)
        end = env.bound(until, end=True) if until else env.now
        if end <= start:
            raise BadInput("--until must be later than --since")
        return periods.span(start, end)
    if month or last_month:
        period = periods.month_of(env.now, env.settings)
        return periods.previous(period, env.settings) if last_month else period
    period = periods.week_of(env.now, env.settings)
    return periods.previous(period, env.settings) if last_week else period


def announce(env: Env, promises: list, verb: str, single: bool = True) -> None:
    """Say what a write did: one line per promise, or its JSON (an object, or a list)."""
    from expectcli.core import serialize
    from expectcli.views import tables as views

    if env.json:
        items = [serialize.promise(p, env.settings) for p in promises]
        env.emit(items[0] if single else items)
        return
    for p in promises:
        views.announce(env.out, p, verb, env.settings, env.now)


def listing(env: Env, promises: list, empty: str) -> None:
    from expectcli.core import serialize
    from expectcli.views import tables as views

    draw = lambda items: views.promise_table(env.out, items, env.settings, env.now)  # noqa: E731
    present(env, promises, serialize.promise, draw, empty)


def present(env: Env, items: list, to_json: Callable, draw: Callable[[list], None], empty: str) -> None:
    """A listing: a JSON array, a line saying it is empty, or `draw(items)`."""
    if env.json:
        env.emit([to_json(item, env.settings) for item in items])
        return
    if not items:
        env.say(empty)
        return
    draw(items)

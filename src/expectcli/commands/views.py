"""The commands that read promises: list, due, show and log."""

from __future__ import annotations

from datetime import UTC

from expectcli.commands.env import Env
from expectcli.commands.present import drawn_by, present


def list_promises(
    env: Env,
    client: str | None,
    status: str | None,
    all_: bool,
    tag: list[str] | None = None,
    kind: str | None = None,
    due_before: str | None = None,
    limit: int | None = None,
) -> None:
    """Promises soonest due first, written as the ledger yields them (a long list is never held whole);
    with `limit`, the first that many, and how many more on stderr once they are written."""
    import itertools

    if status in ("waiting", "received"):
        return _list_asks(env, status, client, limit, refused=_ask_filters(all_, tag, kind, due_before))
    before = env.when(due_before) if due_before else None
    ledger = env.reader()
    selection = {"client": client, "outcome": status, "include_settled": all_, "due_before": before,
                 "tags": tag or (), "kind": kind}  # fmt: skip
    handles = None
    if env.json:
        every = ledger.each_promise(**selection)
    else:  # a table needs only what it shows
        handles, every = ledger.each_listed(**selection)
    promises = every if limit is None else itertools.islice(every, limit)
    _list_out(env, promises, handles)
    if limit is not None:
        more = sum(1 for _ in every)
        if more:
            env.notice(f"… and {more} more (leave out --limit to see them all)")


def _ask_filters(all_: bool, tag, kind, due_before) -> str | None:
    for given, option in ((all_, "--all"), (tag, "--tag"), (kind, "--kind"), (due_before, "--due-before")):
        if given:
            return option
    return None


def _list_asks(env: Env, status: str, client: str | None, limit: int | None, refused: str | None) -> None:
    """`list --status waiting` or `received`: asks, soonest needed first."""
    from expectcli.core import asks
    from expectcli.errors import BadInput

    if refused is not None:
        raise BadInput(f"{refused} filters promises; leave it out with --status {status} (asks)")
    found = asks.listing(env.reader(), status, client=client)
    shown = found if limit is None else found[:limit]
    if env.json:
        from expectcli.core import serialize

        env.emit([serialize.ask(a, env.settings, env.now) for a in shown])
    else:
        from expectcli.views import tables

        if not tables.ask_table(env.out, shown, env.settings, env.now):
            env.say(f"No {status} asks.")
    if len(found) > len(shown):
        env.notice(f"… and {len(found) - len(shown)} more (leave out --limit to see them all)")


def _list_out(env: Env, promises, handles: dict[int, str] | None) -> None:
    if env.json:
        from expectcli.core import serialize

        stream_json(env, (serialize.promise(p, env.settings) for p in promises))
        return
    from expectcli.views import tables

    if not tables.listed_table(env.out, promises, env.settings, env.now, handles):
        env.say("No promises to show.")


def stream_json(env: Env, items) -> None:
    """A JSON array written item by item, laid out as `env.emit` lays out a whole one."""
    import json

    write = env.out.write
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        write(("[\n  " if first else ",\n  ") + text)
        first = False
    write("[]\n" if first else "\n]\n")


# What `due` says after a section's first `--limit` rows: the list command that shows them all.
MORE = {
    "overdue": "expect list --status missed",
    "at_risk": "expect list",
    "due": "expect list --due-before {end}",
    "updates_owed": "expect report",
    "asks_late": "expect list --status waiting",
}
HEADINGS = {
    "overdue": "Overdue",
    "at_risk": "At risk (inside the client's notice window)",
    "due": "Due within {within}",
}


def due(env: Env, within: str, count: bool, client: str | None, limit: int, all_: bool) -> int | None:
    """The daily view by sections (overdue, at risk, due soon, updates owed), each at most
    `limit` rows unless `all_`; 1 when anything is overdue or an update is owed."""
    from datetime import datetime

    from expectcli.core import dates
    from expectcli.core import due as daily

    window = dates.parse_duration(within)
    end = int(window.add_to(datetime.fromtimestamp(env.now, UTC), env.settings).timestamp())
    ledger = env.reader()
    if count:
        counts = daily.due_counts(ledger, env.settings, end, client=client)
        if env.json:
            env.emit({"overdue": counts.overdue, "at_risk": counts.at_risk, "due": counts.due, "within": str(window),
                      "updates_overdue": counts.updates_owed, "asks_late": counts.asks_late})  # fmt: skip
        else:
            line = count_line(counts)
            if line:
                env.say(line)
        return 1 if counts.overdue or counts.updates_owed else None
    view = daily.due_view(ledger, env.settings, end, client=client, limit=None if all_ else limit)
    if env.json:
        emit_due(env, view, window, end, None if all_ else limit)
    else:
        draw_due(env, view, window, end, client, None if all_ else limit)
    return 1 if view.counts.overdue or view.counts.updates_owed else None


def count_line(counts) -> str:
    """'2 overdue, 1 at risk, 3 due, 1 ask late, 1 update owed', or nothing when all are zero."""
    owed, late = counts.updates_owed, counts.asks_late
    parts = (f"{counts.overdue} overdue" if counts.overdue else "", f"{counts.at_risk} at risk" if counts.at_risk else "",
             f"{counts.due} due" if counts.due else "", f"{late} ask{'s' if late > 1 else ''} late" if late else "",
             f"{owed} update{'s' if owed > 1 else ''} owed" if owed else "")  # fmt: skip
    return ", ".join(part for part in parts if part)


def emit_due(env: Env, view, window, end: int, limit: int | None) -> None:
    from expectcli.core import serialize

    when = lambda moment: serialize.iso(moment, env.settings)  # noqa: E731
    c = view.counts
    env.emit({
        "as_of": when(env.now), "within": str(window), "until": when(end), "limit": limit,
        "counts": {"overdue": c.overdue, "at_risk": c.at_risk, "due": c.due, "asks_late": c.asks_late,
                   "updates_overdue": c.updates_owed},
        **{name: [serialize.promise(p, env.settings) for p in rows] for name, rows in view.rows.items()},
        "asks_late": [serialize.ask(a, env.settings, env.now) for a in view.asks_late],
        "notices": view.notices,
        "updates_owed": [{"client": u.client, "every": str(u.every), "last_update": when(u.last_update),
                          "due": when(u.due)} for u in view.updates_owed[:limit]],
    })  # fmt: skip


def draw_due(env: Env, view, window, end: int, client: str | None, limit: int | None) -> None:
    from expectcli.core import timefmt
    from expectcli.views import tables

    out = env.out
    shown = False
    scope = f" --client {client.strip().lower()}" if client else ""
    for name, rows in view.rows.items():
        total = getattr(view.counts, name)
        if not total:
            continue
        if shown:
            out.blank()
        out.line((f"{HEADINGS[name].format(within=window)} ({total})", "bold red" if name == "overdue" else "bold"))
        tables.promise_table(out, rows, env.settings, env.now)
        if name == "at_risk":
            tables.tell_lines(out, rows, view.notices)
        more = MORE[name].format(end=repr(timefmt.short(end, env.settings, env.now))) + scope
        more_line(out, total - len(rows), more)
        shown = True
    if view.asks_late:
        if shown:
            out.blank()
        out.line((f"Asks the client is late with ({view.counts.asks_late})", "bold"))
        tables.ask_table(out, view.asks_late, env.settings, env.now)
        more_line(out, view.counts.asks_late - len(view.asks_late), MORE["asks_late"] + scope)
        shown = True
    if view.updates_owed:
        owed = view.updates_owed[:limit]
        tables.updates_owed(out, owed, env.settings, env.now)
        more_line(out, len(view.updates_owed) - len(owed), MORE["updates_owed"])
        shown = True
    if not shown:
        env.say(f"Nothing overdue or due within {window}.")


def more_line(out, hidden: int, command: str) -> None:
    if hidden > 0:
        out.line((f"and {hidden:,} more — `{command}`", "dim"))


def show(env: Env, id_: int) -> None:
    from expectcli.core import asks, outcomes

    ledger = env.reader()
    ask = asks.find(ledger, id_)
    if ask is not None:
        return show_ask(env, ask)
    promise = ledger.get(id_)
    events = ledger.history(promise.id)
    unheeded = outcomes.unheeded_moves(events)
    pauses, names = asks.paused_stretches(ledger, promise.id)
    series = None
    if promise.every is not None:
        from expectcli.core import recurring

        series = recurring.series_of(ledger, promise.id)
    if env.json:
        from expectcli.core import serialize

        recurrence = {} if series is None else {"previous": series.previous, "next": series.next,
                                                "occurrences": series.occurrences}  # fmt: skip
        when = lambda moment: serialize.iso(moment, env.settings)  # noqa: E731
        paused = [{"start": when(p.start), "end": when(p.end), "asks": list(p.asks), "due_before": when(p.due_before),
                   "due_after": when(p.due_after)} for p in pauses]  # fmt: skip
        env.emit({**serialize.promise(promise, env.settings), **recurrence, "pauses": paused, "events": [
            {**serialize.event(e, env.settings), "after_settlement": e.id in unheeded} for e in events
        ]})  # fmt: skip
        return None
    from expectcli.views import render

    render.promise_detail(env.out, promise, events, env.settings, env.now, unheeded, series=series, pauses=pauses,
                          ask_names=names)  # fmt: skip
    return None


def show_ask(env: Env, ask) -> None:
    from expectcli.core import asks

    events = asks.history(env.reader(), ask.id)
    if env.json:
        from expectcli.core import serialize

        env.emit({**serialize.ask(ask, env.settings, env.now),
                  "events": [serialize.event(e, env.settings) for e in events]})  # fmt: skip
        return
    from expectcli.views import render

    render.ask_detail(env.out, ask, events, env.settings, env.now)


def log(env: Env, limit: int, client: str | None = None, since: str | None = None) -> None:
    from expectcli.core import serialize

    start = env.bound(since) if since else None  # a whole day counts from its start
    empty = "No events to show." if client or since else "The journal is empty."
    present(
        env, env.reader().log(limit, client=client, since=start), serialize.event, drawn_by("log_table", env), empty
    )

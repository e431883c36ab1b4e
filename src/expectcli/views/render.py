"""Rich output for people. User text goes in as `Text` (never markup) through `printable`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.queries import ClientSummary, Event, Promise
from expectcli.core.textsafe import printable
from expectcli.views.output import Column as OColumn
from expectcli.views.output import Output
from expectcli.views.output import Table as OTable
from expectcli.views.tables import OUTCOME_STYLE, promise_table


def user(text: str | None, style: str = "") -> Text:
    return Text(printable(text), style=style)


def promise_detail(
    out: Output, p: Promise, events: list[Event], settings: Settings, now: int, unheeded: set[int] = frozenset(),
    series=None, pauses=(), ask_names: dict[int, str] | None = None,
) -> None:  # fmt: skip
    """A promise and its history; `unheeded` are the moves recorded after its delivery or
    release happened, marked as not changing the outcome; `pauses` the stretches its clock
    was stopped waiting on the asks named in `ask_names`."""
    out.line((f"#{p.id} ", "bold"), (printable(p.title), "bold"))
    facts = OTable(OColumn(), OColumn(flexible=True), show_header=False)

    def fact(label: str, *value: tuple[str, str]) -> None:
        facts.add_row([(label, "dim")], list(value))

    fact("client", (printable(p.client), ""))
    fact("status", (p.outcome, OUTCOME_STYLE.get(p.outcome, "")))
    due = timefmt.short(p.due, settings, now)
    if p.state == "active":
        due += f"  ({timefmt.relative(p.due, now)})"
    fact("due", (due, ""))
    if p.moves or p.due != p.first_due:
        fact("first due", (timefmt.short(p.first_due, settings, now), ""))
    fact("promised", (timefmt.short(p.promised_at, settings, now), ""))
    if p.delivered_at is not None:
        fact("delivered", (timefmt.short(p.delivered_at, settings, now), ""))
    if p.released_at is not None:
        fact("released", (timefmt.short(p.released_at, settings, now), ""))
    if p.break_at is not None:
        fact("broken at", (timefmt.short(p.break_at, settings, now), ""))
        fact("late by", (late_by(p), ""))
    fact("kind", (p.kind, ""))
    if p.tags:
        fact("tags", (printable(" ".join(p.tags)), ""))
    if p.criteria:
        fact("criteria", (printable(p.criteria), ""))
    if series is not None:
        fact("repeats", (series_line(p, series), ""))
    if pauses:
        from expectcli.core.asks import pause_line

        names = {ask: printable(title) for ask, title in (ask_names or {}).items()}
        for pause in pauses:
            fact("clock", (pause_line(pause, names, settings, now), "yellow" if pause.end is None else ""))
    out.table(facts)
    out.blank()
    history = OTable(OColumn("Event", "right"), OColumn("Recorded"), OColumn("What"), OColumn("Detail", flexible=True))
    settlement = "release" if p.state == "released" else "delivery"
    waited_on = {ask for pause in pauses for ask in pause.asks}
    for e in events:
        detail = detail_spans(e, settings, now)
        if e.id in unheeded:
            detail = [*detail, (f"  (recorded after the {settlement}; does not change the outcome)", "yellow")]
        elif e.kind == "paused" and not e.voided_by and e.ask_id not in waited_on:
            detail = [*detail, ("  (after the deadline had passed, or the promise was settled: no pause)", "yellow")]
        history.add_row(str(e.id), timefmt.short(e.recorded_at, settings, now), event_kind(e),
                        detail, style="dim strike" if e.voided_by else "")  # fmt: skip
    out.table(history)


def late_by(p: Promise) -> str:
    """How late, from the break point: '35 min', '4 days so far', '2 h when released'."""
    late = timefmt.span(p.slip or 0)
    if p.state == "active":
        return f"{late} so far"
    if p.state == "released":
        return f"{late} when released"
    return late


def log_table(out: Output, events: list[Event], settings: Settings, now: int) -> None:
    table = OTable(OColumn("Event", "right"), OColumn("Recorded"), OColumn("What"), OColumn("Promise", flexible=True),
                   OColumn("Client"), OColumn("Detail", flexible=True))  # fmt: skip
    for e in events:
        promise = [(f"#{e.promise_id} ", ""), (printable(e.title), "")] if e.promise_id is not None else []
        if e.promise_id is None and e.ask_id is not None:
            promise = [(f"ask #{e.ask_id} ", ""), (printable(e.title), "")]
        table.add_row(
            str(e.id), timefmt.short(e.recorded_at, settings, now), event_kind(e), promise,
            [(printable(e.client), "")], detail_spans(e, settings, now), style="dim strike" if e.voided_by else "",
        )  # fmt: skip
    out.table(table)


def series_line(p: Promise, series) -> str:
    """'every 1w · previous #4 · next #9 · series of #1 (4 occurrences)'."""
    parts = [f"every {series.every}"]
    parts.append(f"previous #{series.previous}" if series.previous else "first of its series")
    if series.next:
        parts.append(f"next #{series.next}")
    elif p.state != "active":
        parts.append("no next (series ended)")
    else:
        parts.append("the next is recorded when this one is delivered or released")
    if series.first != p.id:
        parts.append(f"series of #{series.first} ({len(series.occurrences)} occurrences)")
    return " · ".join(parts)


def event_kind(e: Event) -> str:
    return f"{e.kind} (undone)" if e.voided_by else e.kind


def event_detail(e: Event, settings: Settings, now: int) -> Text:
    return Text.assemble(*detail_spans(e, settings, now))


def detail_spans(e: Event, settings: Settings, now: int) -> list[tuple[str, str]]:
    when = lambda moment: timefmt.short(moment, settings, now)  # noqa: E731
    if e.kind == "promised":
        return [(f"due {when(e.due)}", "")]
    if e.kind == "moved":
        return [(f"{when(e.previous_due)} → {when(e.due)}: ", ""), (printable(e.text), "")]
    if e.kind == "delivered":
        return [(f"at {when(e.effective_at)}", "")] + ([(": ", ""), (printable(e.text), "")] if e.text else [])
    if e.kind == "voided":
        return [(f"undid event {e.voids}", "")]
    if e.kind == "asked":
        return [(f"needed by {when(e.due)}", "")] if e.due is not None else [("no needed-by date", "dim")]
    if e.kind == "received":
        return [(f"received {when(e.effective_at)}", "")]
    if e.kind == "paused":
        return [(f"waiting on ask #{e.ask_id}", "")]
    if e.kind == "resumed":
        return [(f"ask #{e.ask_id} received {when(e.effective_at)}", "")]
    if e.kind in ("edited", "renamed", "merged"):
        from expectcli.core.corrections import describe

        return [(printable(describe(e.kind, e.text)), "")]
    return [(printable(e.text), "")]


def clients_table(out: Output, clients: list[ClientSummary], settings: Settings, now: int) -> None:
    table = OTable(*(OColumn(name, "right" if name in ("Active", "Kept", "Broken") else "left")
                     for name in ("Client", "Name", "Active", "Kept", "Broken", "Next due")))  # fmt: skip
    for c in clients:
        table.add_row(
            [(printable(c.handle), "")], [(printable(c.name), "")], str(c.active),
            str(c.counts["kept"] + c.counts["renegotiated"]), str(c.counts["late"] + c.counts["missed"]),
            timefmt.short(c.next_due, settings, now),
        )  # fmt: skip
    out.table(table)


def client_detail(
    out: Output, c: ClientSummary, terms, update, open_promises: list[Promise], settings: Settings, now: int
) -> None:
    console = out.console
    head = user(c.handle, "bold")
    if c.name:
        head.append("  ")
        head.append_text(user(c.name))
    console.print(head)
    counts = "  ".join(f"{outcome} {count}" for outcome, count in c.counts.items())
    console.print(Text(f"client since {timefmt.short(c.created_at, settings, now)}", style="dim"))
    console.print(counts)
    console.print(terms_grid(terms))
    last = Text("last update  ", style="dim")
    last.append(timefmt.short(c.last_update, settings, now) if c.last_update else "none sent")
    if update is not None:
        last.append(f"  next due {timefmt.short(update.due, settings, now)}")
        if update.overdue:
            last.append("  update overdue", style="bold red")
    console.print(last)
    if open_promises:
        console.print()
        promise_table(out, open_promises, settings, now)


def terms_grid(terms) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    grid.add_column(style="dim")
    rows = [
        ("respond within", str(terms.respond_within), "respond_within"),
        ("update every", str(terms.update_every) if terms.update_every else "no cadence", "update_every"),
        ("working hours", terms.hours, "work_hours"),
        ("time zone", terms.timezone, "timezone"),
        ("holidays", terms.holidays or "none", "holidays"),
        ("notice to move", str(terms.notice), "notice"),
    ]
    for label, value, key in rows:
        grid.add_row(label, value, "agreed" if key in terms.agreed else "default")
    return grid


def terms(console: Console, handle: str, terms, changed: bool) -> None:
    head = Text("Terms for " if not changed else "New terms for ", style="bold")
    head.append_text(user(handle, "bold"))
    console.print(head)
    console.print(terms_grid(terms))


def undone(console: Console, undone, settings: Settings, now: int) -> None:
    """'Undid event 7: moved of #3 Send the deck (Fri 27 Nov 17:00 → Mon 30 Nov 12:00: …)', or
    for a command of several events 'Undid done (3 events):' and a line for each."""
    events = undone.events
    if len(events) > 1 or undone.others:
        head = Text(f"Undid {undone.name or 'command'} ({len(events)} event{'s' if len(events) != 1 else ''}")
        if undone.others:
            head.append(", by ")
            head.append_text(user(undone.author))
        head.append("):")
        console.print(head)
        for e in events:
            console.print(Text("  ").append_text(_undone_line(e, settings, now, prefix="event")))
        return
    console.print(_undone_line(events[0], settings, now, prefix="Undid event"))


def _undone_line(e: Event, settings: Settings, now: int, prefix: str) -> Text:
    line = Text(f"{prefix} {e.id}: {e.kind}")
    if e.promise_id is None and e.ask_id is not None:
        line.append(f" of ask #{e.ask_id} ")
        line.append_text(user(e.title))
    elif e.promise_id is not None:
        line.append(f" of #{e.promise_id} ")
        line.append_text(user(e.title))
    elif e.client:
        line.append(" of client ")
        line.append_text(user(e.client))
    detail = event_detail(e, settings, now)
    if detail.plain:
        line.append(" (")
        line.append_text(detail)
        line.append(")")
    return line


def ask_detail(out: Output, a, events: list[Event], settings: Settings, now: int) -> None:
    """An ask: what, from whom, asked and needed by, received, what it blocks, its events."""
    out.line((f"#{a.id} ", "bold"), (printable(a.title), "bold"), ("  (ask)", "dim"))
    facts = OTable(OColumn(), OColumn(flexible=True), show_header=False)

    def fact(label: str, value: str, style: str = "") -> None:
        facts.add_row([(label, "dim")], [(value, style)])

    when = lambda moment: timefmt.short(moment, settings, now)  # noqa: E731
    fact("client", printable(a.client))
    late = a.late_by(now)
    status = {"waiting": "waiting", "received": "received", "voided": "undone"}.get(a.state, a.state)
    if late and a.state != "voided":
        status += f", {timefmt.span(late)} late" if a.state == "received" else f", {timefmt.span(late)} late so far"
    fact("status", status, "red" if late and a.state == "waiting" else "")
    fact("asked", when(a.asked_at))
    fact("needed by", when(a.needed_by) if a.needed_by is not None else "no date given")
    if a.received_at is not None:
        fact("received", when(a.received_at))
    if a.blocks:
        fact("blocks", " ".join(f"#{pid}" for pid in a.blocks))
    out.table(facts)
    out.blank()
    history = OTable(OColumn("Event", "right"), OColumn("Recorded"), OColumn("What"), OColumn("Promise"),
                     OColumn("Detail", flexible=True))  # fmt: skip
    for e in events:
        promise = [(f"#{e.promise_id} ", ""), (printable(e.title), "")] if e.promise_id is not None else []
        history.add_row(str(e.id), when(e.recorded_at), event_kind(e), promise, detail_spans(e, settings, now),
                        style="dim strike" if e.voided_by else "")  # fmt: skip
    out.table(history)

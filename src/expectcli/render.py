"""Rich output for people. User text goes in as `Text` (never markup) through `printable`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import timefmt
from .config import Settings
from .ledger import ClientSummary, Event, Promise
from .textsafe import printable

OUTCOME_STYLE = {
    "open": "",
    "kept": "green",
    "renegotiated": "cyan",
    "late": "red",
    "missed": "bold red",
    "released": "dim",
    "voided": "dim strike",
}


def user(text: str | None, style: str = "") -> Text:
    return Text(printable(text), style=style)


def promise_table(console: Console, promises: list[Promise], settings: Settings, now: int) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("ID", "Due", "", "Client", "Promise", "Status"):
        table.add_column(column, justify="right" if column == "ID" else "left")
    for p in promises:
        table.add_row(
            str(p.id),
            timefmt.short(p.due, settings, now),
            due_note(p, now),
            user(p.client),
            title_cell(p),
            Text(p.outcome, style=OUTCOME_STYLE.get(p.outcome, "")),
            style=row_style(p, settings, now),
        )
    console.print(table)


def due_note(p: Promise, now: int) -> str:
    if p.state != "active":
        return ""
    return timefmt.relative(p.due, now)


def title_cell(p: Promise) -> Text:
    cell = user(p.title)
    if p.tags:
        cell.append("  " + " ".join(f"+{printable(tag)}" for tag in p.tags), style="dim")
    return cell


def row_style(p: Promise, settings: Settings, now: int) -> str:
    if p.state != "active":
        return ""
    if p.outcome == "missed":
        return "red"
    if timefmt.is_same_local_day(p.due, now, settings):
        return "bold yellow"
    return ""


def promise_detail(console: Console, p: Promise, events: list[Event], settings: Settings, now: int) -> None:
    head = Text(f"#{p.id} ", style="bold")
    head.append_text(user(p.title, "bold"))
    console.print(head)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("client", user(p.client))
    facts.add_row("status", Text(p.outcome, style=OUTCOME_STYLE.get(p.outcome, "")))
    due = timefmt.short(p.due, settings, now)
    if p.state == "active":
        due += f"  ({timefmt.relative(p.due, now)})"
    facts.add_row("due", due)
    if p.moves:
        facts.add_row("first due", timefmt.short(p.first_due, settings, now))
    facts.add_row("promised", timefmt.short(p.promised_at, settings, now))
    if p.delivered_at is not None:
        facts.add_row("delivered", timefmt.short(p.delivered_at, settings, now))
    if p.released_at is not None:
        facts.add_row("released", timefmt.short(p.released_at, settings, now))
    if p.break_at is not None:
        facts.add_row("broken at", timefmt.short(p.break_at, settings, now))
    facts.add_row("kind", p.kind)
    if p.tags:
        facts.add_row("tags", user(" ".join(p.tags)))
    if p.criteria:
        facts.add_row("criteria", user(p.criteria))
    console.print(facts)
    console.print()
    history = Table(box=None, header_style="bold", pad_edge=False, title_justify="left")
    history.add_column("Event", justify="right")
    for column in ("Recorded", "What", "Detail"):
        history.add_column(column)
    for e in events:
        history.add_row(
            str(e.id), timefmt.short(e.recorded_at, settings, now), event_kind(e),
            event_detail(e, settings, now), style="dim strike" if e.voided_by else "",
        )  # fmt: skip
    console.print(history)


def log_table(console: Console, events: list[Event], settings: Settings, now: int) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Event", justify="right")
    for column in ("Recorded", "What", "Promise", "Client", "Detail"):
        table.add_column(column, ratio=2 if column in ("Promise", "Detail") else None)
    for e in events:
        promise = Text()
        if e.promise_id is not None:
            promise = Text(f"#{e.promise_id} ")
            promise.append_text(user(e.title))
        table.add_row(
            str(e.id), timefmt.short(e.recorded_at, settings, now), event_kind(e), promise,
            user(e.client), event_detail(e, settings, now), style="dim strike" if e.voided_by else "",
        )  # fmt: skip
    console.print(table)


def event_kind(e: Event) -> str:
    return f"{e.kind} (undone)" if e.voided_by else e.kind


def event_detail(e: Event, settings: Settings, now: int) -> Text:
    when = lambda moment: timefmt.short(moment, settings, now)  # noqa: E731
    if e.kind == "promised":
        detail = Text(f"due {when(e.due)}")
    elif e.kind == "moved":
        detail = Text(f"{when(e.previous_due)} → {when(e.due)}: ")
        detail.append_text(user(e.text))
    elif e.kind == "delivered":
        detail = Text(f"at {when(e.effective_at)}")
        if e.text:
            detail.append(": ")
            detail.append_text(user(e.text))
    elif e.kind == "voided":
        detail = Text(f"undid event {e.voids}")
    else:
        detail = user(e.text)
    return detail


def clients_table(console: Console, clients: list[ClientSummary], settings: Settings, now: int) -> None:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Client", "Name", "Active", "Kept", "Broken", "Next due"):
        table.add_column(column, justify="right" if column in ("Active", "Kept", "Broken") else "left")
    for c in clients:
        table.add_row(
            user(c.handle), user(c.name), str(c.active),
            str(c.counts["kept"] + c.counts["renegotiated"]), str(c.counts["late"] + c.counts["missed"]),
            timefmt.short(c.next_due, settings, now),
        )  # fmt: skip
    console.print(table)


def client_detail(
    console: Console, c: ClientSummary, terms, update, open_promises: list[Promise], settings: Settings, now: int
) -> None:
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
        promise_table(console, open_promises, settings, now)


REPORT_ROWS = 25  # a terminal shows this many broken promises or renegotiations; the rest are counted


def _more(console: Console, count: int, what: str) -> None:
    if count > REPORT_ROWS:
        console.print(Text(f"… and {count - REPORT_ROWS} more {what} (--format markdown or json lists them all)",
                           style="dim"))  # fmt: skip


def report(console: Console, rep, settings: Settings) -> None:
    from . import report_formats as fmt

    when = lambda moment: timefmt.short(moment, settings, rep.as_of)  # noqa: E731
    console.print(Text(fmt.title(rep, settings), style="bold"), Text(f"  as of {when(rep.as_of)}", style="dim"))
    if rep.updates_owed:
        owed = Text("Status update owed to ", style="bold red")
        owed.append_text(user(", ".join(s.client for s in rep.updates_owed), "bold red"))
        console.print(owed)
    if rep.totals.total == 0:
        console.print(fmt.empty_line(rep, settings), soft_wrap=True)
        return
    t = rep.totals
    summary = Text()
    summary.append(f"Kept rate {fmt.percent(t.kept_rate)}", style="bold")
    summary.append(f"   on-time rate {fmt.percent(t.on_time_rate)}")
    if rep.nps is not None:
        summary.append(f"   NPS {rep.nps}")
    summary.append("\n")
    for outcome in fmt.COLUMNS:
        summary.append(f"{outcome} ", style=OUTCOME_STYLE[outcome])
        summary.append(f"{getattr(t, outcome)}   ")
    console.print(summary)

    scores = Table(box=None, header_style="bold", pad_edge=False, title="Clients, worst kept rate first",
                   title_justify="left", title_style="bold")  # fmt: skip
    scores.add_column("Client")
    for column in ("Kept", "Reneg.", "Late", "Missed", "Released", "Open", "Kept rate", "On time", "NPS"):
        scores.add_column(column, justify="right")
    scores.add_column("Last update")
    for s in rep.clients:
        c = s.counts
        scores.add_row(
            user(s.client), str(c.kept), str(c.renegotiated), str(c.late), str(c.missed), str(c.released),
            str(c.open), fmt.percent(c.kept_rate), fmt.percent(c.on_time_rate), fmt.score(s.nps),
            Text(fmt.last_update(s, settings, rep.as_of), style="red" if s.update_overdue else ""),
        )  # fmt: skip
    console.print()
    console.print(scores)

    if rep.broken:
        broken = Table(box=None, header_style="bold", pad_edge=False, title="Broken promises", title_justify="left",
                       title_style="bold red")  # fmt: skip
        for column in ("ID", "Client", "Promise", "Deadline", "Delivered", "Slip"):
            broken.add_column(column, justify="right" if column in ("ID", "Slip") else "left")
        for b in rep.broken[:REPORT_ROWS]:
            delivered = when(b.delivered) if b.delivered else ("released" if b.settled else "not delivered")
            broken.add_row(str(b.id), user(b.client), user(b.title), when(b.break_point), delivered,
                           fmt.slip(b.slip_hours), style="red" if b.outcome == "missed" else "")  # fmt: skip
        console.print()
        console.print(broken)
        _more(console, len(rep.broken), "broken promises")

    if rep.renegotiations:
        moves = Table(box=None, header_style="bold", pad_edge=False, title="Renegotiated dates", title_justify="left",
                      title_style="bold cyan")  # fmt: skip
        for column in ("ID", "Client", "Promise", "Moved on", "From → to", "Reason"):
            moves.add_column(column, justify="right" if column == "ID" else "left")
        for r in rep.renegotiations[:REPORT_ROWS]:
            reason = user(r.reason)
            if not r.in_time:
                reason.append(" (after the deadline)", style="red")
            moves.add_row(str(r.id), user(r.client), user(r.title), when(r.recorded_at),
                          f"{when(r.previous_due)} → {when(r.due)}", reason)  # fmt: skip
        console.print()
        console.print(moves)
        _more(console, len(rep.renegotiations), "renegotiations")

    if rep.trend:
        trend = Table(box=None, pad_edge=False, show_header=False, title=f"Kept rate, previous {len(rep.trend)} "
                      f"{fmt.noun(rep)}s", title_justify="left", title_style="bold")  # fmt: skip
        trend.add_column()
        trend.add_column(width=20)
        trend.add_column(justify="right")
        for label, rate in fmt.trend_rows(rep, settings):
            trend.add_row(label, Text(fmt.bar(rate, 20), style="green"), fmt.percent(rate))
        console.print()
        console.print(trend)


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
    ]
    for label, value, key in rows:
        grid.add_row(label, value, "agreed" if key in terms.agreed else "default")
    return grid


def terms(console: Console, handle: str, terms, changed: bool) -> None:
    head = Text("Terms for " if not changed else "New terms for ", style="bold")
    head.append_text(user(handle, "bold"))
    console.print(head)
    console.print(terms_grid(terms))


def updates_owed(console: Console, owed, settings: Settings, now: int) -> None:
    console.print()
    for status in owed:
        line = Text("Status update owed to ", style="bold red")
        line.append_text(user(status.client, "bold red"))
        last = timefmt.short(status.last_update, settings, now) if status.last_update else "none sent yet"
        line.append(f" — every {status.every}, last: {last}, due {timefmt.short(status.due, settings, now)}"
                    f" ({timefmt.relative(status.due, now)}); `expect brief {status.client}`")  # fmt: skip
        console.print(line, soft_wrap=True)

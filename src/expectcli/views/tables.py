"""What people see of the everyday commands: a write's one-line answer, the promise list
(`list`, `due`), owed updates, and the report; as `output` lines and tables (one layout for
a terminal and a pipe; Rich is not imported). User text goes in through `user` (literal:
control characters made visible, no markup)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.queries import Promise
from expectcli.core.textsafe import printable
from expectcli.views.output import Column, Output, Spans, Table, styled

OUTCOME_STYLE = {
    "open": "",
    "kept": "green",
    "renegotiated": "cyan",
    "late": "red",
    "missed": "bold red",
    "released": "dim",
    "voided": "dim strike",
}
REPORT_ROWS = 25  # a terminal shows this many rows of each report section; the rest are counted
DAY = timefmt.DAY


def user(text: str | None, style: str = "") -> Spans:
    return styled(printable(text), style)


def announce(out: Output, p: Promise, verb: str, settings: Settings, now: int) -> None:
    """'Promised #3 Send the proposal for acme — due Fri 27 Nov 17:00 (in 2 days) — open'."""
    spans = [(f"{verb} #{p.id} ", ""), *user(p.title), (" for ", ""), *user(p.client),
             (f" — due {timefmt.short(p.due, settings, now)}", "")]  # fmt: skip
    if p.state == "active":
        spans.append((f" ({late_note(p, settings, now) or timefmt.relative(p.due, now)})", ""))
    spans += [(" — ", ""), (p.outcome, OUTCOME_STYLE.get(p.outcome, ""))]
    out.line(*spans)


def late_note(p: Promise, settings: Settings, now: int) -> str | None:
    """How late an outstanding broken promise is, from its break point: '2 h late', or after a
    move that came too late 'missed Wed 25 Nov 17:00, 2 h late'; None when it is not broken."""
    if p.outcome != "missed" or p.slip is None:
        return None
    late = f"{timefmt.span(p.slip)} late"
    if p.break_at is not None and p.break_at != p.due:
        return f"missed {timefmt.short(p.break_at, settings, now)}, {late}"
    return late


# A long list is sized on its first rows (`output.SAMPLE`): the date and its note are given the
# room their usual forms take ('Wed 25 Nov 17:00', '13 days overdue'), so rows further down line up.
PROMISE_COLUMNS = (
    Column("ID", "right"),
    Column("Due", min_width=16),
    Column("", min_width=15),
    Column("Client"),
    Column("Status", styles=OUTCOME_STYLE),
    Column("Promise", flexible=True),
)


def promise_table(out: Output, promises: Iterable[Promise], settings: Settings, now: int) -> int:
    """The promises as a table, one line each, written as they come; how many there were."""
    return listed_table(out, (_as_listed(p, now) for p in promises), settings, now)


def _as_listed(p: Promise, now: int) -> tuple:
    """A whole promise as a row of `queries.LISTED_COLUMNS`."""
    mark = None
    if p.state == "active":
        if p.break_at is not None:
            mark = p.break_at
        elif p.paused_since is not None and p.paused_since <= now:
            mark = p.paused_since
    extra = None if p.every is None and not p.tags else (p.tags, p.every)
    return p.id, p.title, p.client, p.due, p.outcome, mark, extra


def listed_table(
    out: Output, listed: Iterable[tuple], settings: Settings, now: int, handles: dict[int, str] | None = None
) -> int:
    """The promise table of rows laid out as `queries.LISTED_COLUMNS` (as `list` reads them,
    without a `Promise` per row; the client by its id in `handles`, or by its handle when
    `handles` is None); how many there were."""
    return out.stream_table(Table(*PROMISE_COLUMNS), listed_rows(listed, settings, now, handles))


def listed_rows(
    listed: Iterable[tuple], settings: Settings, now: int, handles: dict[int, str] | None = None
) -> Iterator[tuple[tuple | list, str]]:
    """Each promise's cells and row style: id, due, how long until or since it ('in 2 days',
    or for a broken one how late from its break point, '4 days overdue', even when a late move
    gave it a date still ahead; "paused" while an ask blocking it is outstanding), client,
    status, title (with its period and tags).

    It runs on every row of a long list, which comes in due order: the due's text, its note
    and the note of a break point are those of the row before when it had the same (in a
    ledger typed by a person many promises share one: Fri 17:00), and a note counting to a due
    at an odd minute that of the row before when it is in the same half hour to go, where the
    words cannot change (`timefmt.SPAN_STEP`). The due's text is `timefmt.Clock`'s arithmetic,
    done here. A client's printable handle is made once (from `handles` when the rows name
    clients by id). A cell of text in one style is a
    plain string (the status column styles it by its outcome); a row of plain strings is a
    tuple, which a pipe lays out in one step (`output.Table`); one whose title has several
    spans, a list."""
    clock = timefmt.clock(settings, now)
    short, span, relative = clock.short, timefmt.span, timefmt.relative
    offsets, words, times = clock.offsets, clock.words, timefmt.CLOCK_TIMES
    step = timefmt.SPAN_STEP
    today, tomorrow = _today_bounds(settings, now)
    clients: dict[str | int, str] = {}
    last_due = last_mark = ahead_due = ahead_step = None  # what the texts below were made for
    when = today_style = ahead_note = late_note = ""
    for pid, title, client, due, outcome, mark, extra in listed:
        if due != last_due:
            last_due = due
            offset = offsets.get(due // DAY)
            if offset is None:  # a day not seen yet, or one whose offset changes: the clock answers
                when = short(due)
            else:
                day, seconds = divmod(due + offset, DAY)
                day_words = words.get(day)
                when = short(due) if day_words is None else day_words + times[seconds // 60]
            today_style = "bold yellow" if today <= due < tomorrow else ""
        if mark is None:
            if outcome == "open":  # in hand, its clock running
                left = due - now
                if left > 2 * step and left % step:
                    if left // step != ahead_step:
                        ahead_step, ahead_due, ahead_note = left // step, None, relative(due, now)
                    note = ahead_note
                else:
                    if due != ahead_due:
                        ahead_due, ahead_step, ahead_note = due, None, relative(due, now)
                    note = ahead_note
                style = today_style
            else:  # settled
                note = style = ""
        elif outcome == "open":
            note = "paused"  # its clock stopped: its date moves later when the ask comes
            style = today_style
        else:  # broken, in hand: how late from its break point
            if mark != last_mark:
                last_mark, late_note = mark, span(max(0, now - mark)) + " overdue"
            note = late_note
            style = "red" if outcome == "missed" else today_style
        shown = clients.get(client)
        if shown is None:
            shown = clients[client] = printable(client if handles is None else handles[client])
        if extra is None:
            yield (str(pid), when, note, shown, outcome, title if title.isprintable() else printable(title)), style
        else:
            tags, every = _tags_and_period(extra) if extra.__class__ is str else extra
            yield [str(pid), when, note, shown, outcome, _title_cell(title, every, tags)], style


def _tags_and_period(extra: str) -> tuple[tuple[str, ...], str | None]:
    """`extra` of `queries.LISTED_COLUMNS` ('["web"]1w') as its tags and recurrence."""
    import json

    tags, end = json.JSONDecoder().raw_decode(extra)
    return tuple(tags), extra[end:] or None


def _today_bounds(settings: Settings, now: int) -> tuple[int, int]:
    """[start, end) of now's local day in epoch seconds (for the row style, once per table)."""
    from datetime import datetime, timedelta

    start = timefmt.local(now, settings).replace(hour=0, minute=0, second=0, microsecond=0)
    end = datetime.combine(start.date() + timedelta(days=1), start.time(), start.tzinfo)
    return int(start.timestamp()), int(end.timestamp())


def _title_cell(title: str, every: str | None, tags: tuple[str, ...]) -> Spans:
    cell = user(title)
    if every:
        cell.append((f"  ↻ {every}", "dim"))
    if tags:
        cell.append(("  " + " ".join(f"+{printable(tag)}" for tag in tags), "dim"))
    return cell


ASK_COLUMNS = (
    Column("ID", "right"),
    Column("Needed by", min_width=16),
    Column("", min_width=15),
    Column("Client"),
    Column("Asked"),
    Column("Ask", flexible=True),
)


def ask_table(out: Output, asks: Iterable, settings: Settings, now: int) -> int:
    """Asks (core.asks.Ask) as a table, one line each; how many there were."""
    return out.stream_table(Table(*ASK_COLUMNS), (ask_row(a, settings, now) for a in asks))


def ask_row(a, settings: Settings, now: int) -> tuple[list[Spans], str]:
    late = a.late_by(now)
    if a.state == "received":
        note = f"received {timefmt.short(a.received_at, settings, now)}"
        note += f", {timefmt.span(late)} late" if late else ""
    elif late:
        note = f"{timefmt.span(late)} late"
    elif a.needed_by is not None:
        note = timefmt.relative(a.needed_by, now)
    else:
        note = ""
    needed = timefmt.short(a.needed_by, settings, now) if a.needed_by is not None else "—"
    title = user(a.title)
    if a.blocks:
        title.append(("  blocks " + " ".join(f"#{pid}" for pid in a.blocks), "dim"))
    return [
        [(str(a.id), "")], [(needed, "")], [(note, "")], [(printable(a.client), "")],
        [(timefmt.short(a.asked_at, settings, now), "")], title,
    ], "red" if late and a.state == "waiting" else ""  # fmt: skip


def tell_lines(out: Output, at_risk: list[Promise], notices: dict[str, str]) -> None:
    """'Tell acme today if #4 or #7 will slip (acme expects 1bd notice).', a line per client
    of the at-risk rows, in the order they are listed."""
    ids: dict[str, list[str]] = {}
    for p in at_risk:
        ids.setdefault(p.client, []).append(f"#{p.id}")
    for client, listed in ids.items():
        which = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + f" or {listed[-1]}"
        out.line(("Tell ", "yellow"), *user(client, "yellow"), (f" today if {which} will slip", "yellow"),
                 (f" (it expects {notices.get(client, '1bd')} notice before a date moves).", "dim"))  # fmt: skip


def updates_owed(out: Output, owed, settings: Settings, now: int) -> None:
    out.blank()
    for status in owed:
        last = timefmt.short(status.last_update, settings, now) if status.last_update else "none sent yet"
        out.line(("Status update owed to ", "bold red"), *user(status.client, "bold red"),
                 (f" — every {status.every}, last: {last}, due {timefmt.short(status.due, settings, now)}"
                  f" ({timefmt.relative(status.due, now)}); `expect brief {status.client}`", ""))  # fmt: skip


def report(out: Output, rep, settings: Settings) -> None:
    from expectcli.views import report_formats as fmt

    if rep.for_client:
        out = _ForClient(out)  # type: ignore[assignment]
    when = lambda moment: timefmt.short(moment, settings, rep.as_of)  # noqa: E731
    out.line((fmt.title(rep, settings), "bold"), (" ", ""), (f"  as of {when(rep.as_of)}", "dim"))
    if rep.updates_owed:
        out.line(
            ("Status update owed to ", "bold red"), *user(", ".join(s.client for s in rep.updates_owed), "bold red")
        )
    if rep.totals.total == 0:
        out.line((fmt.empty_line(rep, settings), ""))
        _asks(out, rep, settings)
        return
    t = rep.totals
    summary = [
        (f"Kept rate {fmt.percent(t.kept_rate)}", "bold"),
        (f"   on-time rate {fmt.percent(t.on_time_rate)}", ""),
    ]
    if rep.nps is not None:
        summary.append((f"   NPS {rep.nps}", ""))
    summary.append(("\n", ""))
    for outcome in fmt.COLUMNS:
        summary += [(f"{outcome} ", OUTCOME_STYLE[outcome]), (f"{getattr(t, outcome)}   ", "")]
    if fmt.notice_summary(rep):
        summary += [("\n", ""), (fmt.notice_summary(rep), "")]
    out.line(*summary)

    scores = Table(Column("Client"), *(Column(name, "right") for name in ("Kept", "Reneg.", "Late", "Missed", "Released",
                   "Open", "Kept rate", "On time", "NPS")), Column("Last update"), Column("Short notice", "right"),
                   Column("Early", "right"), title="Scorecard" if rep.for_client else "Clients, worst kept rate first",
                   title_style="bold")  # fmt: skip
    for s in rep.clients:
        c = s.counts
        scores.add_row(
            user(s.client), str(c.kept), str(c.renegotiated), str(c.late), str(c.missed), str(c.released),
            str(c.open), fmt.percent(c.kept_rate), fmt.percent(c.on_time_rate), fmt.score(s.nps),
            styled(fmt.last_update(s, settings, rep.as_of), "red" if s.update_overdue else ""),
            styled(str(s.short_notice), "yellow" if s.short_notice else ""), str(s.early),
        )  # fmt: skip
    out.blank()
    out.table(scores)

    if rep.broken:
        broken = Table(*(Column(name, "right" if name in ("ID", "Slip") else "left") for name in ("ID", "Client",
                       "Promise", "Deadline", "Delivered", "Slip")), title="Broken promises", title_style="bold red")  # fmt: skip
        for b in rep.broken[:REPORT_ROWS]:
            delivered = when(b.delivered) if b.delivered else ("released" if b.settled else "not delivered")
            broken.add_row(str(b.id), user(b.client), user(b.title), when(b.break_point), delivered,
                           fmt.slip(b.slip_minutes), style="red" if b.outcome == "missed" else "")  # fmt: skip
        out.blank()
        out.table(broken)
        _more(out, len(rep.broken), "broken promises")

    if rep.renegotiations:
        moves = Table(*(Column(name, "right" if name == "ID" else "left") for name in ("ID", "Client", "Promise",
                      "Moved on", "From → to", "Notice", "Reason", "Outcome")), title="Renegotiated dates",
                      title_style="bold cyan")  # fmt: skip
        for r in rep.renegotiations[:REPORT_ROWS]:
            reason = user(r.reason) + ([] if r.in_time else [(" (after the deadline)", "red")])
            moves.add_row(str(r.id), user(r.client), user(r.title), when(r.recorded_at),
                          f"{when(r.previous_due)} → {when(r.due)}",
                          styled(fmt.notice_text(r), "yellow" if r.short_notice else ""), reason,
                          styled(r.outcome, OUTCOME_STYLE.get(r.outcome, "")))  # fmt: skip
        out.blank()
        out.table(moves)
        _more(out, len(rep.renegotiations), "renegotiations")

    _early(out, rep, when)

    _asks(out, rep, settings)
    _listed(out, rep, settings)

    if rep.trend:
        trend = Table(Column(), Column(width=20), Column(justify="right"), show_header=False,
                      title=f"Kept rate, previous {len(rep.trend)} {fmt.noun(rep)}s", title_style="bold")  # fmt: skip
        for label, rate in fmt.trend_rows(rep, settings):
            trend.add_row(label, styled(fmt.bar(rate, 20), "green"), fmt.percent(rate))
        out.blank()
        out.table(trend)


def _asks(out: Output, rep, settings: Settings) -> None:
    """How promptly clients answered what they were asked for, and the asks answered late."""
    from expectcli.views import report_formats as fmt

    if not rep.asks.answered:
        return
    when = lambda moment: timefmt.short(moment, settings, rep.as_of)  # noqa: E731
    answered = Table(Column("Client"), Column("Answered", "right"), Column("Late", "right"),
                     Column("Median wait", "right"), title="Asks answered by clients", title_style="bold")  # fmt: skip
    rows = [(user(s.client), s.asks) for s in rep.clients if s.asks.answered]
    for client, figures in rows + ([] if rep.for_client else [("All", rep.asks)]):
        answered.add_row(client, str(figures.answered), str(figures.answered_late), fmt.wait(figures.median_wait))
    out.blank()
    out.table(answered)
    if rep.asks_late:
        late = Table(*(Column(name, "right" if name in ("ID", "How late") else "left") for name in ("ID", "Client",
                     "Ask", "Needed by", "Received", "How late")), title="Asks answered late", title_style="bold yellow")  # fmt: skip
        for a in rep.asks_late[:REPORT_ROWS]:
            late.add_row(str(a.id), user(a.client), user(a.title), when(a.needed_by), when(a.received_at),
                         fmt.slip(fmt.ceil_minutes(a.late)))  # fmt: skip
        out.blank()
        out.table(late)
        _more(out, len(rep.asks_late), "asks answered late")


def _listed(out: Output, rep, settings: Settings) -> None:
    """The kept, released and open promises of the period, so that every count has its rows."""
    from expectcli.views import report_formats as fmt

    when = lambda moment: timefmt.short(moment, settings, rep.as_of) if moment else "—"  # noqa: E731
    for outcome, heading in fmt.LISTED:
        listed = rep.listed(outcome)
        if not listed:
            continue
        header, _, cells = fmt.listed_columns(outcome)
        table = Table(*(Column("ID" if name == "#" else name, "right" if name == "#" else "left") for name in header),
                      title=heading, title_style=f"bold {OUTCOME_STYLE[outcome]}".strip())  # fmt: skip
        for p in listed[:REPORT_ROWS]:
            table.add_row(str(p.id), user(p.client), user(p.title), *(user(text) for text in cells(p, when)))
        out.blank()
        out.table(table)
        _more(out, getattr(rep.totals, outcome), f"{outcome} promises")


def _early(out: Output, rep, when) -> None:
    """The promises delivered a working day or more before their due."""
    from expectcli.views import report_formats as fmt

    if not rep.early:
        return
    early = Table(*(Column(name, "right" if name in ("ID", "Ahead") else "left") for name in ("ID", "Client", "Promise",
                  "Due", "Delivered", "Ahead")), title="Early deliveries", title_style="bold green")  # fmt: skip
    for e in rep.early[:REPORT_ROWS]:
        early.add_row(str(e.id), user(e.client), user(e.title), when(e.due), when(e.delivered), fmt.ahead(e))
    out.blank()
    out.table(early)
    _more(out, len(rep.early), "early deliveries")


class _ForClient:
    """An output for the report sent to a client: its tables without the internal columns
    (`report_formats.INTERNAL_COLUMNS`: promise ids, NPS, last update)."""

    def __init__(self, out: Output) -> None:
        self._out = out

    def __getattr__(self, name: str):
        return getattr(self._out, name)

    def table(self, table: Table) -> None:
        from expectcli.views.report_formats import INTERNAL_COLUMNS

        kept = [i for i, column in enumerate(table.columns) if column.header not in INTERNAL_COLUMNS]
        public = Table(*(table.columns[i] for i in kept), title=table.title, title_style=table.title_style,
                       show_header=table.show_header)  # fmt: skip
        public.rows = [([cells[i] for i in kept if i < len(cells)], style) for cells, style in table.rows]
        self._out.table(public)


def _more(out: Output, count: int, what: str) -> None:
    if count > REPORT_ROWS:
        out.line((f"… and {count - REPORT_ROWS} more {what} (--format markdown or json lists them all)", "dim"))

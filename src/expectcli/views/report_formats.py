"""The report as JSON, CSV and Markdown: plain text, no Rich."""

from __future__ import annotations

import csv
import io
from datetime import date

from expectcli.core import periods, timefmt
from expectcli.core.config import Settings
from expectcli.core.report import AskFigures, Counts, Report
from expectcli.core.serialize import iso
from expectcli.core.textsafe import markdown_literal

COLUMNS = ("kept", "renegotiated", "late", "missed", "released", "open")
# The sections that list the promises behind the counts not already listed as broken or renegotiated.
LISTED = (("kept", "Kept"), ("released", "Released"), ("open", "Open"))
TOTAL_ROW = "(total)"  # cannot clash with a client handle


def counts_json(counts: Counts) -> dict:
    return {**{key: getattr(counts, key) for key in COLUMNS}, "kept_rate": counts.kept_rate,
            "on_time_rate": counts.on_time_rate}  # fmt: skip


def to_json(report: Report, settings: Settings) -> dict:
    """Everything the table shows, under the keys documented in docs/report.md; for a client
    (`--for-client`) every promise id is null."""
    document = {**_document(report, settings), "for_client": report.for_client}
    return _without_ids(document) if report.for_client else document


def _without_ids(value):
    if isinstance(value, dict):
        return {key: None if key == "id" else _without_ids(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _document(report: Report, settings: Settings) -> dict:
    when = lambda moment: iso(moment, settings)  # noqa: E731
    span = lambda period: {"start": when(period.start), "end": when(period.end)}  # noqa: E731
    return {
        "period": span(report.period),
        "as_of": when(report.as_of),
        "client": report.client,
        "totals": {
            **counts_json(report.totals),
            "nps": report.nps,
            **notice_counts_json(report.short_notice, len(report.early)),
            "asks": asks_json(report.asks),
        },
        "clients": [
            {
                "client": s.client,
                **counts_json(s.counts),
                "nps": s.nps,
                "last_update": when(s.last_update),
                "update_overdue": s.update_overdue,
                **notice_counts_json(s.short_notice, s.early),
                "asks": asks_json(s.asks),
            }  # fmt: skip
            for s in report.clients
        ],
        "asks_late": asks_late_json(report, settings),
        "broken": [
            {
                "id": b.id,
                "title": b.title,
                "client": b.client,
                "outcome": b.outcome,
                "due": broken_at,
                "broken_at": broken_at,
                "delivered": when(b.delivered),
                "released": when(b.settled) if b.settled is not None and b.delivered is None else None,
                "slip_hours": b.slip_hours,
                "slip_minutes": b.slip_minutes,
            }  # fmt: skip
            for b in report.broken
            for broken_at in [when(b.break_point)]
        ],
        "renegotiations": [
            {
                "id": r.id,
                "title": r.title,
                "client": r.client,
                "moved_at": when(r.recorded_at),
                "from": when(r.previous_due),
                "to": when(r.due),
                "reason": r.reason,
                "in_time": r.in_time,
                "outcome": r.outcome,
                **renegotiation_notice_json(r),
            }  # fmt: skip
            for r in report.renegotiations
        ],
        "early": early_json(report, settings),
        "promises": [
            {
                "id": p.id,
                "title": p.title,
                "client": p.client,
                "outcome": p.outcome,
                "first_due": when(p.first_due),
                "due": when(p.due),
                "delivered": when(p.delivered),
                "released": when(p.released),
                "reason": p.reason,
            }  # fmt: skip
            for p in report.promises
        ],
        "trend": [
            {"period": span(point.period), "label": label, **counts_json(point.counts)}
            for point, (label, _) in zip(report.trend, trend_rows(report, settings))
        ],
        "updates_owed": [
            {"client": u.client, "every": str(u.every), "last_update": when(u.last_update), "due": when(u.due)}
            for u in report.updates_owed
        ],
    }


def to_csv(report: Report, settings: Settings) -> str:
    """One row per client, then the total row; rates as fractions, empty when there is none."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["client", *COLUMNS, "kept_rate", "on_time_rate", "nps", "last_update", *NOTICE_COLUMNS,
                     *ASK_COLUMNS])  # fmt: skip
    rows = [(s.client, s.counts, s.nps, s.last_update, (s.short_notice, s.early), s.asks) for s in report.clients]
    rows.append((TOTAL_ROW, report.totals, report.nps, None, (report.short_notice, len(report.early)), report.asks))
    for client, counts, nps, last_update, notice, asks in rows:
        writer.writerow([
            client, *(getattr(counts, key) for key in COLUMNS), _fraction(counts.kept_rate),
            _fraction(counts.on_time_rate), "" if nps is None else nps, iso(last_update, settings) or "", *notice,
            *asks_cells(asks),
        ])  # fmt: skip
    return out.getvalue()


# The columns left out of the report sent to a client (`--for-client`), by their headers.
INTERNAL_COLUMNS = ("#", "ID", "NPS", "Last update")


# -- notice: short-notice moves and early deliveries ---------------------------------------------

NOTICE_COLUMNS = ("short_notice", "early")


def notice_counts_json(short_notice: int, early: int) -> dict:
    return {"short_notice": short_notice, "early": early}


def renegotiation_notice_json(r) -> dict:
    """The notice a move gave (hours, 2 decimals; null for a move after the deadline) and whether it was short."""
    hours = None if r.notice is None else round(r.notice / 3600, 2)
    return {"notice_hours": hours, "short_notice": r.short_notice}


def early_json(report: Report, settings: Settings) -> list[dict]:
    return [
        {"id": e.id, "title": e.title, "client": e.client, "due": iso(e.due, settings),
         "delivered": iso(e.delivered, settings), "ahead_hours": round((e.due - e.delivered) / 3600, 2)}
        for e in report.early
    ]  # fmt: skip


def notice_text(r) -> str:
    """The notice a move gave, for a person: '2.3 days', '5 h (short notice)', or '—' after the deadline."""
    if r.notice is None:
        return "—"
    return slip(r.notice // 60) + (" (short notice)" if r.short_notice else "")


def early_markdown(report: Report, when) -> list[str]:
    if not report.early:
        return []
    lines = [
        "",
        "### Early deliveries",
        "",
        "| # | Client | Promise | Due | Delivered | Ahead |",
        "|--:|---|---|---|---|--:|",
    ]
    for e in report.early:
        lines.append(f"| {e.id} | {markdown_literal(e.client)} | {markdown_literal(e.title)} | {when(e.due)}"
                     f" | {when(e.delivered)} | {ahead(e)} |")  # fmt: skip
    return lines


def ahead(e) -> str:
    return slip((e.due - e.delivered) // 60)


def notice_summary(report: Report) -> str:
    """'1 short-notice move · 2 early deliveries', or '' when there is neither."""
    short, early = report.short_notice, len(report.early)
    parts = [f"{short} short-notice move{'s' if short != 1 else ''}" if short else "",
             f"{early} early deliver{'ies' if early != 1 else 'y'}" if early else ""]  # fmt: skip
    return " · ".join(part for part in parts if part)


def to_markdown(report: Report, settings: Settings) -> str:
    text = _markdown(report, settings)
    return "\n".join(_without_columns(text.split("\n"), INTERNAL_COLUMNS)) if report.for_client else text


def _without_columns(lines: list[str], headers: tuple[str, ...]) -> list[str]:
    """Markdown `lines` with the table columns headed by any of `headers` left out."""
    out: list[str] = []
    dropped: set[int] = set()
    for index, line in enumerate(lines):
        if not line.startswith("|"):
            dropped = set()
        elif index == 0 or not lines[index - 1].startswith("|"):  # a table's header row
            dropped = {i for i, cell in enumerate(_cells(line)) if cell.strip() in headers}
        if line.startswith("|") and dropped:
            kept = [cell for i, cell in enumerate(_cells(line)) if i not in dropped]
            line = "|" + "|".join(kept) + "|"
        out.append(line)
    return out


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split at the pipes that are not escaped."""
    cells, cell, escaped = [], "", False
    for char in row[1:].rstrip()[:-1]:
        if char == "|" and not escaped:
            cells.append(cell)
            cell = ""
        else:
            cell += char
        escaped = char == "\\" and not escaped
    return [*cells, cell]


def _markdown(report: Report, settings: Settings) -> str:
    lines = [f"## {title(report, settings)}", "", f"*As of {timefmt.short(report.as_of, settings, report.as_of)}.*", ""]
    owed = [f"**Status update owed** to {', '.join(markdown_literal(s.client) for s in report.updates_owed)}.", ""]
    lines += owed if report.updates_owed else []
    if report.totals.total == 0:
        return "\n".join(lines + [empty_line(report, settings), *asks_markdown(report, settings), ""])
    t = report.totals
    lines += [
        f"**Kept rate {percent(t.kept_rate)}** · on-time rate {percent(t.on_time_rate)} · "
        f"{t.kept} kept, {t.renegotiated} renegotiated, {t.late} late, {t.missed} missed, "
        f"{t.released} released, {t.open} open{'' if report.nps is None else f' · NPS {report.nps}'}"
        f"{' · ' + notice_summary(report) if notice_summary(report) else ''}",
        "",
        "| Client | Kept | Renegotiated | Late | Missed | Released | Open | Kept rate | On time | NPS | Last update "
        "| Short notice | Early |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|",
    ]
    for s in report.clients:
        c = s.counts
        lines.append(f"| {markdown_literal(s.client)} | {c.kept} | {c.renegotiated} | {c.late} | {c.missed} | {c.released} "
                     f"| {c.open} | {percent(c.kept_rate)} | {percent(c.on_time_rate)} | {score(s.nps)} "
                     f"| {last_update(s, settings, report.as_of)} | {s.short_notice} | {s.early} |")  # fmt: skip
    if report.broken:
        lines += ["", "### Broken promises", "", "| # | Client | Promise | Deadline | Delivered | Slip |",
                  "|--:|---|---|---|---|--:|"]  # fmt: skip
        for b in report.broken:
            delivered = timefmt.short(b.delivered, settings, report.as_of) if b.delivered else "not delivered"
            lines.append(f"| {b.id} | {markdown_literal(b.client)} | {markdown_literal(b.title)} | "
                         f"{timefmt.short(b.break_point, settings, report.as_of)} | {delivered} | {slip(b.slip_minutes)} |")  # fmt: skip
    when = lambda moment: timefmt.short(moment, settings, report.as_of) if moment else "—"  # noqa: E731
    if report.renegotiations:
        lines += ["", "### Renegotiated dates", "",
                  "| # | Client | Promise | Moved on | From | To | Notice | Reason | Outcome |",
                  "|--:|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in report.renegotiations:
            lines.append(f"| {r.id} | {markdown_literal(r.client)} | {markdown_literal(r.title)} | {when(r.recorded_at)} | {when(r.previous_due)}"
                         f" | {when(r.due)} | {notice_text(r)} | {markdown_literal(r.reason)}{'' if r.in_time else ' (after the deadline)'} | {r.outcome} |")  # fmt: skip
    lines += early_markdown(report, when)
    lines += asks_markdown(report, settings)
    for outcome, heading in LISTED:
        listed = report.listed(outcome)
        if not listed:
            continue
        header, rule, cells = listed_columns(outcome)
        lines += ["", f"### {heading}", "", "| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
        for p in listed:
            texts = [str(p.id), markdown_literal(p.client), markdown_literal(p.title),
                     *(markdown_literal(text) for text in cells(p, when))]  # fmt: skip
            lines.append("| " + " | ".join(texts) + " |")
    if report.trend:
        lines += ["", f"### Kept rate, previous {len(report.trend)} {noun(report)}s", ""]
        rows = trend_rows(report, settings)
        width = max(14, *(len(label) for label, _ in rows))
        lines += [f"    {label:<{width}} {bar(rate, 20):<20} {percent(rate):>4}" for label, rate in rows]
    return "\n".join(lines) + "\n"


# -- asks: how promptly clients answer ------------------------------------------------------

ASK_COLUMNS = ("asks_answered", "asks_answered_late", "asks_median_wait_hours")


def asks_json(figures: AskFigures) -> dict:
    return {"answered": figures.answered, "answered_late": figures.answered_late,
            "median_wait_hours": hours(figures.median_wait)}  # fmt: skip


def asks_late_json(report: Report, settings: Settings) -> list[dict]:
    return [
        {"id": a.id, "title": a.title, "client": a.client, "asked_at": iso(a.asked_at, settings),
         "needed_by": iso(a.needed_by, settings), "received_at": iso(a.received_at, settings),
         "late_hours": hours(a.late)}
        for a in report.asks_late
    ]  # fmt: skip


def asks_cells(figures: AskFigures) -> list:
    median = hours(figures.median_wait)
    return [figures.answered, figures.answered_late, "" if median is None else f"{median:.2f}"]


def asks_markdown(report: Report, settings: Settings) -> list[str]:
    """The asks answered in the period, per client and in all, and those answered late."""
    if not report.asks.answered:
        return []
    when = lambda moment: timefmt.short(moment, settings, report.as_of)  # noqa: E731
    lines = ["", "### Asks answered by clients", "", "| Client | Answered | Late | Median wait |", "|---|--:|--:|--:|"]
    rows = [(markdown_literal(s.client), s.asks) for s in report.clients if s.asks.answered]
    for client, figures in [*rows, *([] if report.for_client else [("**All**", report.asks)])]:
        lines.append(f"| {client} | {figures.answered} | {figures.answered_late} | {wait(figures.median_wait)} |")
    if report.asks_late:
        lines += ["", "### Asks answered late", "", "| # | Client | Ask | Needed by | Received | How late |",
                  "|--:|---|---|---|---|--:|"]  # fmt: skip
        for a in report.asks_late:
            lines.append(f"| {a.id} | {markdown_literal(a.client)} | {markdown_literal(a.title)} | {when(a.needed_by)}"
                         f" | {when(a.received_at)} | {slip(ceil_minutes(a.late))} |")  # fmt: skip
    return lines


def wait(seconds: float | None) -> str:
    """A median wait: '2.5 days', or under a day '5.5 h'; '—' with nothing answered."""
    if seconds is None:
        return "—"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def ceil_minutes(seconds: int) -> int:
    return -(-seconds // 60)


# -- shared wording ----------------------------------------------------------------------


def title(report: Report, settings: Settings) -> str:
    words = _period_words(report, settings)
    scope = f" — {report.client}" if report.client else ""
    return words[0].upper() + words[1:] + scope


def empty_line(report: Report, settings: Settings) -> str:
    if report.ledger_empty:
        return "The ledger is empty: record a promise with `expect promise TITLE --to CLIENT --due WHEN`."
    where = f" for {report.client}" if report.client else ""
    article = "the " if report.period.kind == "week" else ""
    return f"No promises fall in {article}{_period_words(report, settings)}{where}."


def _period_words(report: Report, settings: Settings) -> str:
    first, last = periods.first_day(report.period, settings), periods.last_day(report.period, settings)
    if report.period.kind == "week":
        return f"week of {_day(first)}"
    if report.period.kind == "month":
        return f"{first:%B %Y}"
    return f"{_day(first)} – {_day(last)}"


def listed_columns(outcome: str):
    """The header, the markdown alignment and the further cells of a kept, released or open row."""
    if outcome == "kept":
        return ("#", "Client", "Promise", "Due", "Delivered"), ("--:", "---", "---", "---", "---"), (
            lambda p, when: [when(p.due), when(p.delivered)])  # fmt: skip
    if outcome == "released":
        return ("#", "Client", "Promise", "Due", "Released", "Reason"), ("--:", "---", "---", "---", "---", "---"), (
            lambda p, when: [when(p.due), when(p.released), p.reason or ""])  # fmt: skip
    return ("#", "Client", "Promise", "Due"), ("--:", "---", "---", "---"), (lambda p, when: [when(p.due)])


def noun(report: Report) -> str:
    return {"week": "week", "month": "month"}.get(report.period.kind, "period")


def trend_rows(report: Report, settings: Settings) -> list[tuple[str, float | None]]:
    """Each trend period's label and kept rate. Labels carry the year only when the periods
    shown (the trend's and the report's own) fall in more than one year."""
    shown = [point.period for point in report.trend]
    with_year = periods.span_years([*shown, report.period], settings)
    rows = []
    for point in report.trend:
        first = periods.first_day(point.period, settings)
        if point.period.kind == "month":
            label = f"{first:%b %Y}" if with_year else f"{first:%b}"
        else:
            label = _day(first, year=with_year)
        rows.append((label, point.counts.kept_rate))
    return rows


def score(nps: int | None) -> str:
    return "—" if nps is None else str(nps)


def last_update(s, settings: Settings, now: int) -> str:
    text = timefmt.short(s.last_update, settings, now) if s.last_update else "—"
    return text + (" (update overdue)" if s.update_overdue else "")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def slip(minutes: int) -> str:
    """How late, from the break point: '35 min' under an hour, '1.5 h' up to two days, then
    '3.2 days'."""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60, 1):g} h"
    return f"{minutes / 1440:.1f} days"


def bar(rate: float | None, width: int) -> str:
    """A horizontal bar in eighths of a character: 0.5 at width 10 is '█████'."""
    if rate is None:
        return ""
    eighths = round(rate * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[part]


def _day(day: date, year: bool = True) -> str:
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if year else "")


def _fraction(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"

"""The report as one self-contained HTML page (`report --format html`).

One file that opens in any browser and prints well: inline CSS (light, no fixed heights, print
rules), the kept-rate trend as an inline SVG bar chart, no scripts, nothing fetched. It is
rendered from the same `Report` the JSON comes from, with the same wording helpers as the
table and Markdown views. Every piece of user text goes through `text()`: control characters
made visible (`textsafe.printable`), then HTML-escaped, quotes included.

The page is a list of sections, each a small function from the report to HTML ("" when it has
nothing to show): showing another figure is one function added to `SECTIONS`. Counts that the
report's `Counts` gains are shown in the scorecard without any change here.

For a report marked `for_client` the tables leave out the same columns as the other views
(`report_formats.INTERNAL_COLUMNS`: promise ids, NPS, last update) and the client column, and
the per-client scorecard (the totals are that client's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from expectcli.core import timefmt
from expectcli.core.config import Settings
from expectcli.core.report import Counts, Report
from expectcli.core.textsafe import printable
from expectcli.views import report_formats as fmt

WHEN = {
    "Deadline",
    "Delivered",
    "Moved on",
    "From",
    "To",
    "Due",
    "Released",
    "Last update",
    "Needed by",
    "Received",
}  # kept on one line

# The page may load nothing and run nothing: a browser enforces it, and reports what it refused.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1b1b; background: #fff; max-width: 62rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #d8d8d8; }
p.as-of { color: #555; margin: 0 0 1.5rem; }
p.owed { color: #a4001d; font-weight: 600; }
dl.figures { display: flex; flex-wrap: wrap; gap: .5rem 2.2rem; margin: 0; }
dl.figures div { min-width: 5rem; }
dl.figures dt { color: #555; font-size: .85rem; }
dl.figures dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e2e2e2; vertical-align: top; }
th { font-weight: 600; border-bottom: 2px solid #b8b8b8; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.when { white-space: nowrap; }
.late, .missed { color: #a4001d; }
.renegotiated { color: #005a8c; }
.kept { color: #1b6b2a; }
.note { color: #555; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; max-width: 46rem; height: auto; }
svg.chart text { font-family: inherit; fill: #333; }
svg.chart .bar { fill: #2f7d46; }
svg.chart .grid { stroke: #e2e2e2; }
svg.chart .axis { stroke: #555; }
footer { margin-top: 2.5rem; color: #777; font-size: .8rem; }
@page { margin: 1.6cm; }
@media print {
  body { font-size: 10.5pt; margin: 0; max-width: none; padding: 0; color: #000; }
  h2 { break-after: avoid; }
  tr, figure, dl.figures { break-inside: avoid; }
  thead { display: table-header-group; }
}
""".strip()


def text(value: object) -> str:
    """User text (or any value) as HTML: literal, control characters shown, nothing interpreted."""
    return escape(printable(str(value)), quote=True)


def render(report: Report, settings: Settings) -> str:
    title = fmt.title(report, settings)
    heading = f"Report for {report.client}" if report.for_client and report.client else "Promises kept and broken"
    as_of = timefmt.short(report.as_of, settings, report.as_of)
    body = "\n".join(part for section in SECTIONS if (part := section(report, settings)))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(heading)}: {text(title)}</title>
<style>
{CSS}
</style>
</head>
<body>
<header>
<h1>{text(title)}</h1>
<p class="as-of">{text(heading)}, as of {text(as_of)}.</p>
</header>
<main>
{body}
</main>
</body>
</html>
"""


# -- the sections, in page order --------------------------------------------------------


def _owed(report: Report, settings: Settings) -> str:
    if not report.updates_owed:
        return ""
    return f'<p class="owed">Status update owed to {text(", ".join(s.client for s in report.updates_owed))}.</p>'


def _summary(report: Report, settings: Settings) -> str:
    if report.totals.total == 0:
        return f"<p>{text(fmt.empty_line(report, settings))}</p>"
    t = report.totals
    figures = [("Kept rate", fmt.percent(t.kept_rate)), ("On-time rate", fmt.percent(t.on_time_rate))]
    figures += [(_label(name), getattr(t, name)) for name in count_columns()]
    figures += [("Early deliveries", len(report.early)), ("Short-notice moves", report.short_notice)]
    if report.nps is not None:
        figures.append(("NPS", report.nps))
    items = "".join(f"<div><dt>{text(label)}</dt><dd>{text(value)}</dd></div>" for label, value in figures)
    return f'<section>\n<h2>Summary</h2>\n<dl class="figures">{items}</dl>\n</section>'


def _scorecard(report: Report, settings: Settings) -> str:
    if report.for_client or report.totals.total == 0 or not report.clients:
        return ""
    names = count_columns()
    headers = ["Client", *(_label(name) for name in names), "Kept rate", "On time", "NPS", "Last update"]
    rows = [
        [
            s.client,
            *(getattr(s.counts, name) for name in names),
            fmt.percent(s.counts.kept_rate),
            fmt.percent(s.counts.on_time_rate),
            fmt.score(s.nps),
            fmt.last_update(s, settings, report.as_of),
        ]  # fmt: skip
        for s in report.clients
    ]
    numeric = {*(_label(name) for name in names), "Kept rate", "On time", "NPS"}
    return _section("Clients, worst kept rate first", table(report, headers, rows, numeric))


def _broken(report: Report, settings: Settings) -> str:
    if not report.broken:
        return ""
    when = _when(report, settings)
    rows = [
        [
            b.id,
            b.client,
            b.title,
            when(b.break_point),
            when(b.delivered) if b.delivered else ("released" if b.settled else "not delivered"),
            fmt.slip(b.slip_minutes),
        ]  # fmt: skip
        for b in report.broken
    ]
    headers = ["#", "Client", "Promise", "Deadline", "Delivered", "Slip"]
    classes = [b.outcome for b in report.broken]
    return _section("Broken promises", table(report, headers, rows, {"#", "Slip"}, classes))


def _renegotiations(report: Report, settings: Settings) -> str:
    if not report.renegotiations:
        return ""
    when = _when(report, settings)
    rows = [
        [
            r.id,
            r.client,
            r.title,
            when(r.recorded_at),
            when(r.previous_due),
            when(r.due),
            fmt.notice_text(r),
            r.reason + ("" if r.in_time else " (after the deadline)"),
            r.outcome,
        ]  # fmt: skip
        for r in report.renegotiations
    ]
    headers = ["#", "Client", "Promise", "Moved on", "From", "To", "Notice", "Reason", "Outcome"]
    return _section("Renegotiated dates", table(report, headers, rows, {"#"}))


def _early(report: Report, settings: Settings) -> str:
    """The promises delivered a working day or more before their due."""
    if not report.early:
        return ""
    when = _when(report, settings)
    rows = [[e.id, e.client, e.title, when(e.due), when(e.delivered), fmt.ahead(e)] for e in report.early]
    headers = ["#", "Client", "Promise", "Due", "Delivered", "Ahead"]
    return _section("Early deliveries", table(report, headers, rows, {"#", "Ahead"}))


def _asks(report: Report, settings: Settings) -> str:
    """How promptly clients answered what they were asked for, and the asks answered late."""
    if not report.asks.answered:
        return ""
    when = _when(report, settings)
    figures = [(s.client, s.asks) for s in report.clients if s.asks.answered]
    if not report.for_client:
        figures.append(("All", report.asks))
    rows = [[client, f.answered, f.answered_late, fmt.wait(f.median_wait)] for client, f in figures]
    headers = ["Client", "Answered", "Late", "Median wait"]
    parts = [_section("Asks answered", table(report, headers, rows, {"Answered", "Late", "Median wait"}))]
    if report.asks_late:
        rows = [[a.id, a.client, a.title, when(a.needed_by), when(a.received_at), fmt.slip(fmt.ceil_minutes(a.late))]
                for a in report.asks_late]  # fmt: skip
        headers = ["#", "Client", "Ask", "Needed by", "Received", "How late"]
        parts.append(_section("Asks answered late", table(report, headers, rows, {"#", "How late"})))
    return "\n".join(parts)


def _listed(report: Report, settings: Settings) -> str:
    when = _when(report, settings)
    parts = []
    for outcome, heading in fmt.LISTED:
        listed = report.listed(outcome)
        if listed:
            headers, _, cells = fmt.listed_columns(outcome)
            rows = [[p.id, p.client, p.title, *cells(p, when)] for p in listed]
            parts.append(_section(heading, table(report, list(headers), rows, {"#"})))
    return "\n".join(parts)


def _trend(report: Report, settings: Settings) -> str:
    if not report.trend:
        return ""
    heading = f"Kept rate, previous {len(report.trend)} {fmt.noun(report)}s"
    rows = fmt.trend_rows(report, settings)
    judged = [point.counts for point in report.trend]
    return _section(heading, f"<figure>\n{trend_chart(rows, judged, fmt.noun(report))}\n</figure>")


SECTIONS: tuple[Callable[[Report, Settings], str], ...] = (
    _owed, _summary, _scorecard, _broken, _renegotiations, _early, _asks, _listed, _trend,
)  # fmt: skip


# -- the pieces --------------------------------------------------------------------------


def count_columns() -> list[str]:
    """The counts a report carries: the outcomes, then any further count (int) `Counts` has."""
    extra = [
        name for name, default in Counts._field_defaults.items() if name not in fmt.COLUMNS and type(default) is int
    ]
    return [*fmt.COLUMNS, *extra]


def table(
    report: Report, headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[str] = frozenset(),
    classes: Sequence[str] | None = None,
) -> str:  # fmt: skip
    """A table of plain values (escaped here); for a client, without the internal columns."""
    hidden = (*fmt.INTERNAL_COLUMNS, "Client") if report.for_client else ()
    shown = [i for i, header in enumerate(headers) if header not in hidden]
    css = lambda i: ' class="num"' if headers[i] in numeric else ' class="when"' if headers[i] in WHEN else ""  # noqa: E731
    head = "".join(f"<th{css(i)}>{text(headers[i])}</th>" for i in shown)
    body = []
    for index, row in enumerate(rows):
        style = f' class="{text(classes[index])}"' if classes else ""
        cells = "".join(f"<td{css(i)}>{text(row[i])}</td>" for i in shown)
        body.append(f"<tr{style}>{cells}</tr>")
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def trend_chart(rows: Sequence[tuple[str, float | None]], counts: Sequence[Counts], noun: str) -> str:
    """The kept rate of each period as a bar, on labelled axes: 0–100% up, the periods across."""
    left, top, plot_w, plot_h, bottom = 64, 16, 560, 180, 80
    width, height = left + plot_w + 16, top + plot_h + bottom
    step = plot_w / max(len(rows), 1)
    y = lambda rate: top + plot_h * (1 - rate)  # noqa: E731
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="trend-title">',
        f'<title id="trend-title">Kept rate by {text(noun)}</title>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line class="grid" x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12">'
                     f"{round(tick * 100)}%</text>")  # fmt: skip
    for index, ((label, rate), tally) in enumerate(zip(rows, counts)):
        centre = left + step * (index + 0.5)
        if rate is None:
            parts.append(f'<text x="{centre:.1f}" y="{y(0) - 6:.1f}" text-anchor="middle" font-size="12">—</text>')
        else:
            bar_w = min(step * 0.6, 48)
            kept = tally.kept + tally.renegotiated
            parts.append(
                f'<rect class="bar" x="{centre - bar_w / 2:.1f}" y="{y(rate):.1f}" width="{bar_w:.1f}" '
                f'height="{plot_h * rate:.1f}"><title>{text(label)}: {fmt.percent(rate)} '
                f"({kept} of {tally.judged} kept)</title></rect>"
            )
            parts.append(f'<text x="{centre:.1f}" y="{y(rate) - 5:.1f}" text-anchor="middle" font-size="12">'
                         f"{fmt.percent(rate)}</text>")  # fmt: skip
        lines = axis_label(label)
        spans = "".join(
            f'<tspan x="{centre:.1f}" dy="{0 if n == 0 else 14}">{text(line)}</tspan>' for n, line in enumerate(lines)
        )
        parts.append(f'<text y="{top + plot_h + 18}" text-anchor="middle" font-size="12">{spans}</text>')
    parts += [
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>',
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>',
        f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">Kept rate</text>',
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12">'
        f"{'Month' if noun == 'month' else noun.capitalize() + ' starting'}</text>",
        "</svg>",
    ]
    return "\n".join(parts)


def axis_label(label: str) -> list[str]:
    """A period's label in short lines that fit under its bar: 'Mon 28 Dec 2026' →
    ['Mon', '28 Dec', '2026'], 'Oct 2025' → ['Oct', '2025']."""
    words = label.split(" ")
    year = [words.pop()] if len(words) > 1 and words[-1].isdigit() and len(words[-1]) == 4 else []
    return [*([words[0], " ".join(words[1:])] if len(words) > 2 else [" ".join(words)]), *year]


def _section(heading: str, content: str) -> str:
    return f"<section>\n<h2>{text(heading)}</h2>\n{content}\n</section>"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _when(report: Report, settings: Settings) -> Callable[[int | None], str]:
    return lambda moment: timefmt.short(moment, settings, report.as_of) if moment else "—"

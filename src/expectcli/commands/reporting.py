"""The commands that sum up: report (the scorecard) and brief (a status update for a client)."""

from __future__ import annotations

import sys

from expectcli.commands.env import Env
from expectcli.errors import BadInput


def report(
    env: Env, week: bool, last_week: bool, month: bool, last_month: bool, since: str | None, until: str | None,
    client: str | None, format_: str, for_client: bool = False,
) -> None:  # fmt: skip
    from expectcli.core.report import build
    from expectcli.core.report import for_client as scrubbed
    from expectcli.views import report_formats, tables

    if for_client and client is None:
        raise BadInput("--for-client needs --client: the report to send one client")
    period = report_period(env, week, last_week, month, last_month, since, until)
    fmt = "json" if env.json else format_
    table = fmt not in ("json", "csv", "markdown", "html")
    built = build(env.reader(), period, env.settings, client, tables.REPORT_ROWS if table else None)
    if for_client:
        built = scrubbed(built)
    if fmt == "html":
        from expectcli.views import report_html

        sys.stdout.write(report_html.render(built, env.settings))
    elif fmt == "json":
        env.emit(report_formats.to_json(built, env.settings))
    elif fmt == "csv":
        sys.stdout.write(report_formats.to_csv(built, env.settings))
    elif fmt == "markdown":
        sys.stdout.write(report_formats.to_markdown(built, env.settings))
    else:
        tables.report(env.out, built, env.settings)


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
        end = _until(env, until, start) if until else env.now
        if end <= start:
            raise BadInput("--until must be later than --since")
        return periods.span(start, end)
    if month or last_month:
        period = periods.month_of(env.now, env.settings)
        return periods.previous(period, env.settings) if last_month else period
    period = periods.week_of(env.now, env.settings)
    return periods.previous(period, env.settings) if last_week else period


def _until(env: Env, until: str, start: int) -> int:
    """The end of a span: a whole day to its end; a bare weekday is the first one on or after
    the span's first day (`--since mon --until fri`: that week's Friday, whatever today is)."""
    from datetime import UTC, datetime

    from expectcli.core import dates, periods

    first = periods.local_date(start, env.settings)
    moment = dates.parse_bound(until, datetime.fromtimestamp(env.now, UTC), env.settings, end=True, after=first)
    return int(moment.timestamp())


def brief(env: Env, client: str, since: str | None, sent: bool) -> None:
    from expectcli.core import brief as briefs

    ledger = env.ledger()
    start = env.bound(since) if since is not None else None
    built = briefs.build(ledger, client, env.settings, start)
    text = briefs.to_markdown(built, env.settings)
    if sent:
        ledger.mark_update_sent(built.client)
    if env.json:
        env.emit({**briefs.to_json(built, env.settings), "markdown": text, "sent": sent})
        return
    sys.stdout.write(text)
    if sent:
        sys.stderr.write(f"Recorded the update as sent to {built.client}.\n")

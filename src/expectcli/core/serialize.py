"""Machine output: ledger values as JSON-ready dicts, times as ISO 8601 in the user's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from expectcli.core.config import Settings
from expectcli.core.outcomes import slip_minutes
from expectcli.core.queries import ClientSummary, Event, Promise


def iso(moment: int | None, settings: Settings) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, ZoneInfo(settings.timezone)).isoformat()


def promise(p: Promise, settings: Settings) -> dict:
    return {
        "id": p.id,
        "title": p.title,
        "client": p.client,
        "kind": p.kind,
        "tags": list(p.tags),
        "criteria": p.criteria,
        "promised_at": iso(p.promised_at, settings),
        "first_due": iso(p.first_due, settings),
        "due": iso(p.due, settings),
        "moves": p.moves,
        "delivered_at": iso(p.delivered_at, settings),
        "released_at": iso(p.released_at, settings),
        "outcome": p.outcome,
        "break_point": iso(p.break_at, settings),
        "broken_at": iso(p.break_at, settings),  # the same, under the report's name
        "slip_hours": None if p.slip is None else round(slip_minutes(p.slip) / 60, 2),
        "slip_minutes": None if p.slip is None else slip_minutes(p.slip),
        "every": p.every,  # a recurring promise's period (1w, 1m, 1bd), else null
        "series": p.series,  # the id of its series' first occurrence, else null
        "paused_since": iso(p.paused_since, settings),  # while an ask blocking it is outstanding, else null
    }


def event(e: Event, settings: Settings) -> dict:
    return {
        "id": e.id,
        "kind": e.kind,
        "recorded_at": iso(e.recorded_at, settings),
        "promise_id": e.promise_id,
        "title": e.title,
        "client": e.client,
        "due": iso(e.due, settings),
        "previous_due": iso(e.previous_due, settings),
        "delivered_at": iso(e.effective_at, settings) if e.kind == "delivered" else None,
        "text": e.text,
        "voids": e.voids,
        "voided_by": e.voided_by,
        "score": e.score,
        "author": e.author,
        "ask_id": e.ask_id,
        "received_at": iso(e.effective_at, settings) if e.kind in ("received", "resumed") else None,
        "needed_by": iso(e.due, settings) if e.kind == "asked" else None,
    }


def client(c: ClientSummary, settings: Settings) -> dict:
    return {
        "client": c.handle,
        "name": c.name,
        "created_at": iso(c.created_at, settings),
        "outcomes": c.counts,
        "active": c.active,
        "next_due": iso(c.next_due, settings),
        "terms": {key: value for key, value in c.terms.items() if value},
        "last_update": iso(c.last_update, settings),
    }


def ask(a, settings: Settings, now: int) -> dict:
    """An ask (core.asks.Ask) as `list --json`, `show --json`, `ask` and `received` give it."""
    late = a.late_by(now)
    return {
        "type": "ask",
        "id": a.id,
        "title": a.title,
        "client": a.client,
        "asked_at": iso(a.asked_at, settings),
        "needed_by": iso(a.needed_by, settings),
        "received_at": iso(a.received_at, settings),
        "state": a.state,
        "blocks": list(a.blocks),
        "late_minutes": None if late is None else slip_minutes(late),
    }

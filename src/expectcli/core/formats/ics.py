"""Promises as iCalendar, both ways (the `icalendar` library reads and writes the files).

Out: one VTODO per open promise, due at its deadline, with a reminder an hour before and a
stable UID (`promise-ID@expect`, or the UID it was imported with). Its SUMMARY is the title;
X-EXPECT-CLIENT and X-EXPECT-KIND, and CATEGORIES (the client, then the tags), say the rest.

In: each VTODO (due at DUE, else DTSTART) and VEVENT (due at DTSTART; a `meeting`) is a
promise, from this export or from a calendar program (Thunderbird, Google, Apple, Outlook):
times in a VTIMEZONE or a zone name are read in that zone, floating times in the user's,
an all-day item is due at that day's end of working day. A repeating item (RRULE) is read
once, with a warning. A completed VTODO is delivered, a cancelled item released. The UID is
kept as the promise's origin, so importing the same file again adds nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from expectcli.core.config import Settings
from expectcli.core.durations import instant_at
from expectcli.core.formats.records import Incoming, Parsed, check, in_range, text, title
from expectcli.core.ledger import Ledger
from expectcli.core.validate import KINDS, normalise_handle, normalise_tags
from expectcli.errors import BadInput

ORIGIN = "ics:"
RELEASE_REASON = "cancelled in the calendar"
MOVE_REASON = "changed in the calendar"
_OWN_UID = re.compile(r"^promise-(\d{1,15})@expect$")
_BAD_ITEM = (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError)


# -- out --------------------------------------------------------------------------------


def write(ledger: Ledger, settings: Settings) -> bytes:
    from icalendar import Alarm, Calendar, Todo

    from expectcli import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//expect//expect {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "expect: open promises")
    stamp = _utc(ledger.now)
    with ledger.store.read() as tx:
        origins = dict(tx.all("SELECT id, origin FROM promise WHERE origin LIKE 'ics:%'"))
    for p in ledger.promises():
        todo = Todo()
        todo.add("uid", str(origins.get(p.id) or f"{ORIGIN}promise-{p.id}@expect")[len(ORIGIN) :])
        todo.add("dtstamp", stamp)
        todo.add("created", _utc(p.promised_at))
        todo.add("due", _utc(p.due))
        todo.add("summary", p.title)
        todo.add("status", "NEEDS-ACTION")
        todo.add("categories", [p.client, *p.tags])
        todo.add("x-expect-client", p.client)
        todo.add("x-expect-kind", p.kind)
        description = f"Promise #{p.id} to {p.client}." + (f" Done when: {p.criteria}" if p.criteria else "")
        todo.add("description", description + (" Overdue." if p.outcome == "missed" else ""))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due in an hour: {p.title}")
        alarm.add("trigger", timedelta(hours=-1))
        todo.add_component(alarm)
        calendar.add_component(todo)
    return calendar.to_ical()


def _utc(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


# -- in ---------------------------------------------------------------------------------


def read(source: str, settings: Settings, now: int, default_client: str) -> Parsed:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(source)
    except Exception as exc:  # the library's parser raises several kinds; any of them means a bad file
        raise BadInput(f"not an iCalendar file: {str(exc)[:120]}") from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise BadInput("not an iCalendar file (no VCALENDAR)")
    parsed = Parsed()
    seen: set[str] = set()
    items = [item for item in calendar.walk() if item.name in ("VTODO", "VEVENT")]
    for number, item in enumerate(items, start=1):
        try:
            incoming = _promise(number, item, settings, now, default_client, parsed.warnings)
            if incoming is None:
                parsed.ignored += 1
                continue
            if incoming.origin is not None:
                if incoming.origin in seen:
                    continue  # another occurrence of a repeating item (RECURRENCE-ID)
                seen.add(incoming.origin)
        except BadInput as exc:
            parsed.rejected.append((number, f"{_name(item)}: {exc}"))
            parsed.raw[number] = item
            continue
        except _BAD_ITEM as exc:
            parsed.rejected.append((number, f"{_name(item)}: unreadable ({type(exc).__name__}: {str(exc)[:80]})"))
            parsed.raw[number] = item
            continue
        parsed.promises.append(incoming)
    return parsed


def _name(item: Any) -> str:
    uid = _plain(item.get("UID")) or "without UID"
    return f"{item.name} {uid[:80]!r}"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def _promise(number: int, item: Any, settings: Settings, now: int, default_client: str,
             warnings: list[str]) -> Incoming | None:  # fmt: skip
    is_todo = item.name == "VTODO"
    key = "DUE" if is_todo and item.get("DUE") is not None else "DTSTART"
    if item.get(key) is None:
        return None  # a to-do without a date is no promise
    due = _moment(item.decoded(key), settings)
    created = _moment(item.decoded("CREATED"), settings) if item.get("CREATED") is not None else None
    status = _plain(item.get("STATUS")).upper()
    uid = _plain(item.get("UID")).strip()
    own = item.get("X-EXPECT-CLIENT") is not None
    client = normalise_handle(_plain(item.get("X-EXPECT-CLIENT"))) if own else normalise_handle(default_client)
    kind = _plain(item.get("X-EXPECT-KIND")).lower() or ("deliverable" if is_todo else "meeting")
    if kind not in KINDS:
        raise BadInput(f"unknown kind {kind!r}")
    tags: list[str] = []
    if own:
        categories = item.get("CATEGORIES")
        for entry in categories if isinstance(categories, list) else [categories] if categories else []:
            tags.extend(str(category) for category in getattr(entry, "cats", []))
        if tags and tags[0] == client:
            tags = tags[1:]
    delivered = released = None
    if status == "COMPLETED":
        finished = item.decoded("COMPLETED") if item.get("COMPLETED") is not None else None
        delivered = _moment(finished, settings) if finished is not None else min(due, now)
    elif status == "CANCELLED":
        changed = item.get("LAST-MODIFIED") or item.get("DTSTAMP")
        released = _moment(changed.dt, settings) if changed is not None else now
        released = min(released, now)
    settled = delivered if delivered is not None else released
    made = created if created is not None else settled  # settled before it was made is no promise
    promised = None if made is None else min(made, due, now)
    incoming = Incoming(
        line=number,
        client=client,
        title=title(_plain(item.get("SUMMARY"))),
        due=due,
        promised_at=promised,
        kind=kind,
        tags=normalise_tags([text(tag, "tag") for tag in tags]),
        delivered_at=delivered,
        released_at=released,
        release_reason=RELEASE_REASON if released is not None else None,
        origin=f"{ORIGIN}{text(uid, 'UID')}" if uid else None,
    )
    match = _OWN_UID.match(uid)
    if match is not None:
        incoming.same_as = int(match.group(1))
    check(incoming, history=True)
    if item.get("RRULE") is not None:
        warnings.append(f"item {number}: {_name(item)} repeats; only its first occurrence is imported")
    return incoming


def _moment(value: Any, settings: Settings) -> int:
    """A DATE or DATE-TIME from the file in epoch seconds, whole minutes: a date is due at
    the end of the working day, a floating time is the user's wall time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = instant_at(value.date(), value.time(), settings.zone)
        stamp = int(value.timestamp())
        return in_range(stamp - stamp % 60)
    if isinstance(value, date):
        if not 1970 <= value.year <= 2199:
            raise BadInput("a date outside the years 1970-2199")
        return in_range(int(instant_at(value, settings.day_end, settings.zone).timestamp()))
    raise BadInput(f"can't read {str(value)[:30]!r} as a date or time")


def rejects(parsed: Parsed) -> bytes:
    """The refused items as a calendar the import reads again, each with X-EXPECT-ERROR."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//expect//rejected items//EN")
    calendar.add("version", "2.0")
    for line, why in parsed.rejected:
        item = parsed.raw.get(line)
        if item is not None:
            item["X-EXPECT-ERROR"] = why
            calendar.add_component(item)
    return calendar.to_ical()

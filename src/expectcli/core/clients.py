"""Client terms in force, status-update cadence, and NPS.

Terms a client agreed (`expect client terms`) override the defaults of the config file:
the response window for inbound requests, how often the client expects a status update,
working hours, time zone and public-holiday calendar (a country code such as DE-BY, which
business days for that client's deadlines skip).
"""

import math
from datetime import UTC, datetime, time
from typing import NamedTuple

from expectcli.core.businesstime import WorkingTime, after, check_country
from expectcli.core.config import Settings, check_timezone
from expectcli.core.durations import Duration, parse_duration
from expectcli.core.queries import ClientCadence, ClientSummary, Promise, clients_with_work
from expectcli.core.validate import TERMS
from expectcli.errors import BadInput

NONE_WORDS = ("none", "never", "-")
DEFAULT_NOTICE = Duration(1, "bd")  # the notice a client expects before a date moves, unless agreed otherwise


class Terms(NamedTuple):
    respond_within: Duration
    update_every: Duration | None
    start: time
    end: time
    timezone: str
    agreed: frozenset[str]  # which of the terms the client agreed (the rest are defaults)
    holidays: str | None = None  # the client's public holidays, else the config's
    notice: Duration = DEFAULT_NOTICE  # how much notice the client expects before a date moves

    @property
    def hours(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


class UpdateStatus(NamedTuple):
    client: str
    every: Duration
    last_update: int | None
    due: int  # when the next update is expected
    overdue: bool


def terms_of(client: ClientSummary | ClientCadence, settings: Settings) -> Terms:
    return _terms(client.terms, settings)


def terms_from(agreed: dict[str, str | None], settings: Settings) -> Terms:
    """The terms in force for a client that agreed `agreed` (TERMS → text, None for a default)."""
    return _terms(agreed, settings)


def default_terms(settings: Settings) -> Terms:
    """The terms of a client who has agreed none: the config file's defaults."""
    return _terms(dict.fromkeys(TERMS), settings)


def _terms(agreed: dict[str, str | None], settings: Settings) -> Terms:
    start, end = parse_hours(agreed["work_hours"]) if agreed["work_hours"] else (settings.day_start, settings.day_end)
    respond, every, notice = agreed["respond_within"], agreed["update_every"], agreed.get("notice")
    cadence = settings.update_every  # the config's, already read: a client's own terms are text in the ledger
    if every:
        cadence = None if every in NONE_WORDS else parse_duration(every)
    return Terms(
        respond_within=parse_duration(respond) if respond else settings.respond_within,
        update_every=cadence,
        start=start,
        end=end,
        timezone=agreed["timezone"] or settings.timezone,
        agreed=frozenset(key for key, value in agreed.items() if value),
        holidays=_holidays(agreed.get("holidays"), settings),
        notice=parse_duration(notice) if notice else DEFAULT_NOTICE,
    )


def _holidays(agreed: str | None, settings: Settings) -> str | None:
    """A client's calendar: its own, none (`none` agreed), or else the config's."""
    if agreed:
        return None if agreed in NONE_WORDS else agreed
    return settings.holidays


def working_time(terms: Terms, settings: Settings) -> WorkingTime:
    if terms.holidays:
        check_country(terms.holidays)
    return WorkingTime(terms.timezone, terms.start, terms.end, frozenset(settings.workdays), terms.holidays)


def calendar_of(ledger, client: str, settings: Settings) -> str | None:
    """The public holidays a promise to `client` skips: its terms' calendar, else the
    config's (also for a client not yet in the ledger), checked; None for none."""
    known = ledger.known_client(client)
    country = terms_of(known, settings).holidays if known else settings.holidays
    return check_country(country) if country else None


def response_due(arrived: int, terms: Terms, settings: Settings) -> int:
    """When a reply to a request that arrived at `arrived` is due under `terms`."""
    moment = after(datetime.fromtimestamp(arrived, UTC), terms.respond_within, working_time(terms, settings))
    return int(moment.timestamp())


def notice_end(start: int, terms: Terms, settings: Settings) -> int:
    """The end of the notice window that starts at `start`: a move recorded at `start` gives
    the client the notice agreed only for a deadline at or after it (business time for `bd`,
    hours and minutes, as every term; calendar time for days and weeks). A client that expects
    no notice (`0h`) has no window."""
    if terms.notice.amount == 0:
        return start
    return int(after(datetime.fromtimestamp(start, UTC), terms.notice, working_time(terms, settings)).timestamp())


def record_inbound(
    ledger, client: str, title: str, arrived: int, settings: Settings, tags=(), new_client: bool = False
) -> Promise:
    """A client asked for something at `arrived`: a `reply` promise due by their response window."""
    if arrived > ledger.now:
        raise BadInput("a request cannot arrive in the future; check --at")
    known = ledger.known_client(client)
    terms = terms_of(known, settings) if known else default_terms(settings)
    due = response_due(arrived, terms, settings)
    # A window of working time (1bd, 4h) gives a deadline in business time: a pause extends it so.
    basis = "bd" if terms.respond_within.unit in ("bd", "h", "m") else None
    return ledger.promise(
        title, client, due, kind="reply", tags=tags, made_at=arrived, new_client=new_client, basis=basis
    )


def update_status(client: ClientSummary | ClientCadence, settings: Settings, now: int) -> UpdateStatus | None:
    """Whether the client is owed a status update: only with a cadence, and while it has a
    promise in hand or a delivery since the last update (PRODUCT.md "Client terms").

    The cadence runs from the last update sent, else from when the terms were agreed, else
    from when the client was added; a delivery counts when it came after that moment.
    """
    terms = terms_of(client, settings)
    if terms.update_every is None:
        return None
    basis = client.last_update or client.terms_set_at or client.created_at
    delivered_since = client.last_delivery is not None and client.last_delivery > basis
    if client.active == 0 and not delivered_since:
        return None
    due = int(after(datetime.fromtimestamp(basis, UTC), terms.update_every, working_time(terms, settings))
              .timestamp())  # fmt: skip
    return UpdateStatus(client.handle, terms.update_every, client.last_update, due, now > due)


def parse_terms(
    respond_within: str | None,
    update_every: str | None,
    hours: str | None,
    zone: str | None,
    holidays: str | None = None,
    notice: str | None = None,
) -> dict[str, str | None]:
    """The changes a `client terms` call asks for, checked and in canonical form."""
    changes: dict[str, str | None] = {}
    if respond_within is not None:
        changes["respond_within"] = str(parse_duration(respond_within))
    if update_every is not None:
        cleared = update_every.strip().lower() in NONE_WORDS
        changes["update_every"] = "none" if cleared else str(parse_duration(update_every))
    if hours is not None:
        start, end = parse_hours(hours)
        changes["work_hours"] = f"{start:%H:%M}-{end:%H:%M}"
    if zone is not None:
        check_timezone(zone, "--timezone")
        changes["timezone"] = zone
    if holidays is not None:
        cleared = holidays.strip().lower() in NONE_WORDS
        changes["holidays"] = "none" if cleared else check_country(_country_code(holidays))
    if notice is not None:
        changes["notice"] = str(parse_duration(notice))
    return changes


def _country_code(text: str) -> str:
    """`de-by` as `DE-BY`, refusing what cannot be a country[-subdivision] code at all."""
    code = text.strip().upper()
    country, _, subdivision = code.partition("-")
    if not (country.isascii() and country.isalpha() and 2 <= len(country) <= 3) or (
        subdivision and not (subdivision.isascii() and subdivision.isalnum() and len(subdivision) <= 6)
    ):
        raise BadInput(
            f"{text.strip()[:20]!r} is not a public-holiday calendar; give a country code with an optional "
            "region, such as DE, US, GB or DE-BY (or none)"
        )
    return code


def _clock(text: str) -> time:
    """`09:00` (or `09:00:00`) as a time of day; ValueError otherwise."""
    parts = [int(part) for part in text.split(":")]
    if not 2 <= len(parts) <= 3:
        raise ValueError(text)
    return time(parts[0], parts[1], parts[2] if len(parts) == 3 else 0)


def parse_hours(text: str) -> tuple[time, time]:
    try:
        first, last = (part.strip() for part in text.split("-"))
        start, end = (_clock(clock) for clock in (first, last))
    except (ValueError, TypeError):
        raise BadInput(f"can't read {text!r} as working hours; write them like 09:00-17:00") from None
    if end <= start:
        raise BadInput(f"working hours {text!r} end before they start")
    return start, end


def nps(promoters: int, detractors: int, total: int) -> int | None:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), rounded half away
    from zero; None without scores."""
    if not total:
        return None
    value = 100 * (promoters - detractors) / total
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def updates_owed(ledger, settings: Settings) -> list[UpdateStatus]:
    """Every client with an update cadence and work in hand, with when its update is due."""
    with ledger.store.read() as tx:
        return updates_owed_in(tx, settings, ledger.now)


def updates_owed_in(tx, settings: Settings, now: int) -> list[UpdateStatus]:
    """`updates_owed`, read inside the transaction `tx` (the report reads all it shows in one).

    Without a default cadence in the config only clients that agreed one can owe an update,
    so the others are not even read: this runs on every `expect due --count` in a prompt."""
    candidates = clients_with_work(tx, agreed_cadence_only=settings.update_every is None, now=now)
    statuses = (update_status(client, settings, now) for client in candidates)
    return [status for status in statuses if status is not None]


def terms_json(handle: str, terms: Terms) -> dict:
    return {
        "client": handle.strip().lower(),
        "respond_within": str(terms.respond_within),
        "update_every": str(terms.update_every) if terms.update_every else None,
        "hours": terms.hours,
        "timezone": terms.timezone,
        "holidays": terms.holidays,
        "notice": str(terms.notice),
        "agreed": sorted(terms.agreed),
    }

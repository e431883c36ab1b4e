"""The kept-versus-broken report, aggregated in SQL.

Each promise lands in the period of its reckoning time (`promise.reckon_at`, stored with the
folded state): its break point if broken, its final due if kept or renegotiated, its release
time if released, its due if open. Counting is a GROUP BY over that indexed column; only the
per-client counts, the broken promises and the renegotiations of the period come back to
Python, never the whole ledger.

Every count has its rows: `Report.promises` is each promise reckoned in the period with
its outcome (so the totals are its tally), `broken` the late and missed ones among them,
and `renegotiations` every move of a promise among them (so each renegotiated promise is
listed with its moves and reasons).

The other half: how promptly each client answers what it was asked for. An ask counts in
the period it was received in (`ask.received_at`); it was answered late when received after
the date it was needed by. Counts and median waits (asked → received) are aggregated in SQL
too, and `asks_late` lists the late ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from expectcli.core import clients, notice, outcomes, periods
from expectcli.core.config import Settings
from expectcli.core.outcomes import BREAK_POINT_SQL, BROKEN_SQL, OUTCOME_SQL
from expectcli.core.periods import Period
from expectcli.core.queries import LIVE, Queries, client_id
from expectcli.core.validate import TERMS, normalise_handle
from expectcli.errors import BadInput

TREND_PERIODS = 8


@dataclass(frozen=True)
class Counts:
    kept: int = 0
    renegotiated: int = 0
    late: int = 0
    missed: int = 0
    released: int = 0
    open: int = 0

    @property
    def judged(self) -> int:
        return self.kept + self.renegotiated + self.late + self.missed

    @property
    def total(self) -> int:
        return self.judged + self.released + self.open

    @property
    def kept_rate(self) -> float | None:
        return outcomes.kept_rate(self.__dict__)

    @property
    def on_time_rate(self) -> float | None:
        return outcomes.on_time_rate(self.__dict__)

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{key: getattr(self, key) + getattr(other, key) for key in self.__dict__})


@dataclass(frozen=True)
class AskFigures:
    """How promptly asks were answered: those received in the period, how many of them after
    the date they were needed by, and the median wait from asked to received (seconds)."""

    answered: int = 0
    answered_late: int = 0
    median_wait: float | None = None


@dataclass(frozen=True)
class AskLate:
    """An ask received in the period after the date it was needed by."""

    id: int
    title: str
    client: str
    asked_at: int
    needed_by: int
    received_at: int

    @property
    def late(self) -> int:
        """Seconds from the date it was needed by to when it came in."""
        return self.received_at - self.needed_by


@dataclass(frozen=True)
class ClientScore:
    client: str
    counts: Counts
    nps: int | None = None  # over the client's feedback recorded in the period
    last_update: int | None = None  # the last status update sent, up to the period's end (and now)
    update_overdue: bool = False  # under the client's update cadence
    short_notice: int = 0  # moves in the period's renegotiations that gave less notice than agreed
    early: int = 0  # promises of the period delivered a working day or more before the due
    asks: AskFigures = field(default_factory=AskFigures)  # the client's asks answered in the period


@dataclass(frozen=True)
class Broken:
    id: int
    title: str
    client: str
    outcome: str  # late or missed
    break_point: int
    delivered: int | None
    settled: int | None  # delivered or (late) released; None while still outstanding
    slip_hours: float  # from the break point to delivery, release, or now (2 decimals)
    slip_minutes: int = 0  # the same, in whole minutes (rounded up): what the views print


@dataclass(frozen=True)
class Renegotiation:
    id: int
    title: str
    client: str
    recorded_at: int
    previous_due: int
    due: int
    reason: str
    in_time: bool  # made before the deadline it replaced
    outcome: str = "renegotiated"  # the promise's outcome (a move after the deadline leaves it broken)
    notice: int | None = None  # seconds of warning before the deadline it replaced; None when made after it
    short_notice: bool = False  # less notice than the client expects (`notice.short_notice`)


@dataclass(frozen=True)
class Early:
    """A promise of the period delivered a working day or more before the due in force."""

    id: int
    title: str
    client: str
    due: int
    delivered: int


@dataclass(frozen=True)
class Reckoned:
    """A promise reckoned in the period, whatever its outcome: the rows behind the totals."""

    id: int
    title: str
    client: str
    outcome: str
    first_due: int
    due: int
    delivered: int | None
    released: int | None
    reason: str | None  # a release's reason, as it was given


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    counts: Counts


@dataclass(frozen=True)
class Report:
    period: Period
    as_of: int
    client: str | None
    totals: Counts
    clients: list[ClientScore]
    broken: list[Broken]
    renegotiations: list[Renegotiation]
    trend: list[TrendPoint] = field(default_factory=list)
    ledger_empty: bool = False
    nps: int | None = None  # over all feedback recorded in the period
    updates_owed: list = field(default_factory=list)  # clients.UpdateStatus, overdue now
    promises: list[Reckoned] = field(default_factory=list)  # every promise reckoned in the period
    early: list[Early] = field(default_factory=list)  # kept or renegotiated promises delivered early
    for_client: bool = False  # the version to send the client (`for_client`): views leave out ids
    asks: AskFigures = field(default_factory=AskFigures)  # all asks answered in the period
    asks_late: list[AskLate] = field(default_factory=list)  # those answered late, in the order received

    @property
    def short_notice(self) -> int:
        return sum(s.short_notice for s in self.clients)

    def listed(self, outcome: str) -> list[Reckoned]:
        return [p for p in self.promises if p.outcome == outcome]


def build(
    ledger: Queries, period: Period, settings: Settings, client: str | None = None, rows: int | None = None
) -> Report:
    """The report of `period` as of the ledger's now, everything read in one read transaction.

    With `rows` (a terminal's view), `promises` holds at most that many kept, released and
    open promises each, and none of the others (listed under `broken` and `renegotiations`);
    the totals still count them all."""
    handle = normalise_handle(client) if client is not None else None
    trend_periods = periods.trailing(period, TREND_PERIODS, settings)
    with ledger.store.read() as tx:
        scope = {"now": ledger.now}
        if handle is not None:
            scope["client"] = client_id(tx, handle)
        by_client = _counts_by_client(tx, period, scope)
        trend = _trend(tx, trend_periods, scope)
        broken = _broken(tx, period, scope)
        terms = _TermsOf(tx, settings)
        renegotiations = _renegotiations(tx, period, scope, terms)
        early = _early(tx, period, scope, terms)
        reckoned = _reckoned(tx, period, scope, rows)
        feedback = _feedback(tx, period, scope)
        last_updates = _last_updates(tx, period, scope)
        owed_now = clients.updates_owed_in(tx, settings, ledger.now)
        ledger_empty = tx.scalar("SELECT 1 FROM promise WHERE state <> 'voided' LIMIT 1") is None
        asks_by_client, asks_total, asks_late = _asks(tx, period, scope)
    updates_owed = [s for s in owed_now if s.overdue and handle in (None, s.client)]
    owed = {status.client for status in updates_owed}
    names = set(by_client) | set(feedback) | set(asks_by_client)
    short, ahead = _notice_counts(renegotiations, early)
    scores = sorted(
        (
            ClientScore(
                name,
                by_client.get(name, Counts()),
                clients.nps(*feedback.get(name, (0, 0, 0))),
                last_updates.get(name),
                name in owed,
                short.get(name, 0),
                ahead.get(name, 0),
                asks=asks_by_client.get(name, AskFigures()),
            )  # fmt: skip
            for name in names
        ),
        key=lambda s: (s.counts.kept_rate is None, s.counts.kept_rate or 0.0, s.client),
    )
    totals = sum((s.counts for s in scores), Counts())
    overall = clients.nps(*(sum(values) for values in zip((0, 0, 0), *feedback.values())))
    return Report(
        period, ledger.now, handle, totals, scores, broken, renegotiations, trend, ledger_empty, overall, updates_owed,
        reckoned, early, asks=asks_total, asks_late=asks_late,
    )  # fmt: skip


def _narrow(scope: dict) -> str:
    return " AND p.client_id = :client" if "client" in scope else ""


def _reckoned_in(scope: dict) -> str:
    """Live promises whose reckoning time falls in [:start, :end), for the scope's client."""
    return "p.state <> 'voided' AND p.reckon_at >= :start AND p.reckon_at < :end" + _narrow(scope)


def _counts_by_client(tx, period: Period, scope: dict) -> dict[str, Counts]:
    rows = tx.all(
        f"SELECT c.handle, {OUTCOME_SQL} AS outcome, COUNT(*) FROM promise p JOIN client c ON c.id = p.client_id"
        f" WHERE {_reckoned_in(scope)}"
        f" GROUP BY c.handle, {OUTCOME_SQL}",
        {**scope, "start": period.start, "end": period.end},
    )
    tallies: dict[str, dict[str, int]] = {}
    for handle, outcome, count in rows:
        tallies.setdefault(handle, {})[outcome] = int(count)
    return {handle: Counts(**tally) for handle, tally in tallies.items()}


def _trend(tx, trend_periods: list[Period], scope: dict) -> list[TrendPoint]:
    """Counts for each trailing period, in one range scan bucketed by CASE."""
    if not trend_periods:
        return []
    bounds = {f"b{i}": p.end for i, p in enumerate(trend_periods)}
    bucket = "CASE " + " ".join(f"WHEN p.reckon_at < :b{i} THEN {i}" for i in range(len(trend_periods))) + " END"
    rows = tx.all(
        f"SELECT {bucket} AS bucket, {OUTCOME_SQL} AS outcome, COUNT(*) FROM promise p"
        f" WHERE {_reckoned_in(scope)}"
        f" GROUP BY {bucket}, {OUTCOME_SQL}",
        {**scope, **bounds, "start": trend_periods[0].start, "end": trend_periods[-1].end},
    )
    tallies: list[dict[str, int]] = [{} for _ in trend_periods]
    for index, outcome, count in rows:
        tallies[int(index)][outcome] = int(count)
    return [TrendPoint(p, Counts(**tally)) for p, tally in zip(trend_periods, tallies)]


def _broken(tx, period: Period, scope: dict) -> list[Broken]:
    settled_at = "CASE WHEN p.state = 'active' THEN NULL ELSE COALESCE(p.delivered_at, p.released_at) END"
    rows = tx.all(
        f"SELECT p.id, p.title, c.handle, {OUTCOME_SQL} AS outcome, {BREAK_POINT_SQL} AS break_point,"
        f" p.delivered_at, {settled_at} AS settled"
        " FROM promise p JOIN client c ON c.id = p.client_id"
        f" WHERE {_reckoned_in(scope)}"
        f" AND {BROKEN_SQL}"
        " ORDER BY break_point, p.id",
        {**scope, "start": period.start, "end": period.end},
    )
    now = scope["now"]
    broken = []
    for pid, title, handle, outcome, brk, delivered, settled in rows:
        slip = outcomes.slip(brk, settled, now) or 0
        minutes = outcomes.slip_minutes(slip)
        broken.append(Broken(pid, title, handle, outcome, brk, delivered, settled, round(minutes / 60, 2), minutes))
    return broken


def _renegotiations(tx, period: Period, scope: dict, terms: _TermsOf) -> list[Renegotiation]:
    """Every move, not undone, of the promises reckoned in the period, oldest first, with the
    notice it gave; not the moves recorded after the delivery (they change nothing)."""
    rows = tx.all(
        f"SELECT p.id, p.title, c.handle, e.recorded_at, e.previous_due, e.due, e.text, {OUTCOME_SQL}"
        " FROM promise p JOIN event e ON e.promise_id = p.id JOIN client c ON c.id = p.client_id"
        f" WHERE {_reckoned_in(scope)} AND p.moves > 0 AND e.kind = 'moved'"
        f" AND {LIVE} AND {outcomes.HEEDED_MOVE_SQL} ORDER BY e.recorded_at, e.id",
        {**scope, "start": period.start, "end": period.end},
    )
    moves = []
    for pid, title, handle, at, before, after, reason, outcome in rows:
        given = notice.notice_given(at, before)
        short = given is not None and before < terms.notice_end(handle, at)
        moves.append(Renegotiation(pid, title, handle, at, before, after, reason, at <= before, outcome, given, short))
    return moves


class _TermsOf:
    """Each client's terms in force (by handle), read once per report in its transaction."""

    def __init__(self, tx, settings: Settings):
        self.settings = settings
        rows = tx.all(f"SELECT handle, {', '.join(TERMS)} FROM client")
        self.agreed = {handle: dict(zip(TERMS, agreed)) for handle, *agreed in rows}
        self.known: dict[str, clients.Terms] = {}
        self.working_days: dict[str, notice.OneWorkingDay] = {}

    def __call__(self, handle: str) -> clients.Terms:
        if handle not in self.known:
            self.known[handle] = clients.terms_from(self.agreed[handle], self.settings)
        return self.known[handle]

    def one_working_day(self, handle: str) -> notice.OneWorkingDay:
        if handle not in self.working_days:
            self.working_days[handle] = notice.OneWorkingDay(self(handle), self.settings)
        return self.working_days[handle]

    def notice_end(self, handle: str, start: int) -> int:
        """The end of the client's notice window opening at `start` (`clients.notice_end`;
        the default 1bd worked out per day, as early deliveries are)."""
        terms = self(handle)
        if terms.notice == notice.ONE_WORKING_DAY:
            return self.one_working_day(handle).end(start)
        return clients.notice_end(start, terms, self.settings)


def _early(tx, period: Period, scope: dict, terms: _TermsOf) -> list[Early]:
    """The kept and renegotiated promises of the period delivered a working day or more before
    the due in force. SQL keeps those delivered at least a working day's hours ahead (no working
    day is shorter than the shortest hours agreed); each is then measured on its client's calendar."""
    rows = tx.all(
        "SELECT p.id, p.title, c.handle, p.due, p.delivered_at"
        " FROM promise p JOIN client c ON c.id = p.client_id"
        f" WHERE {_reckoned_in(scope)} AND p.state = 'delivered' AND p.outcome IN ('kept', 'renegotiated')"
        " AND p.due - p.delivered_at >= :shortest ORDER BY p.reckon_at, p.id",
        {**scope, "start": period.start, "end": period.end, "shortest": _shortest_day(tx, terms.settings)},
    )
    return [
        Early(pid, title, handle, due, delivered)
        for pid, title, handle, due, delivered in rows
        if terms.one_working_day(handle).early(delivered, due)
    ]


def _shortest_day(tx, settings: Settings) -> int:
    """The fewest seconds a working day lasts, under the config's hours or any client's."""
    hours = [clients.parse_hours(text) for (text,) in tx.all("SELECT DISTINCT work_hours FROM client"
                                                             " WHERE work_hours IS NOT NULL")]  # fmt: skip
    spans = [(end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) for start, end in hours]
    default = (settings.day_end.hour * 60 + settings.day_end.minute) - (
        settings.day_start.hour * 60 + settings.day_start.minute
    )
    return 60 * min([default, *spans])


def _notice_counts(renegotiations: list[Renegotiation], early: list[Early]) -> tuple[dict[str, int], dict[str, int]]:
    """(short-notice moves, early deliveries) per client."""
    short: dict[str, int] = {}
    for move in renegotiations:
        if move.short_notice:
            short[move.client] = short.get(move.client, 0) + 1
    ahead: dict[str, int] = {}
    for promise in early:
        ahead[promise.client] = ahead.get(promise.client, 0) + 1
    return short, ahead


def _reckoned(tx, period: Period, scope: dict, limit: int | None = None) -> list[Reckoned]:
    """Every promise reckoned in the period, in reckoning order; with `limit`, only the first
    `limit` kept, released and open ones each."""
    reason = (
        "(SELECT e.text FROM event e WHERE e.promise_id = p.id AND e.kind = 'released'"
        f" AND {LIVE} ORDER BY e.id DESC LIMIT 1)"
    )
    query = (
        f"SELECT p.id, p.title, c.handle, {OUTCOME_SQL}, p.first_due, p.due, p.delivered_at, p.released_at,"
        f" CASE WHEN p.state = 'released' THEN {reason} END"
        " FROM promise p JOIN client c ON c.id = p.client_id"
        f" WHERE {_reckoned_in(scope)}"
    )
    bounds = {**scope, "start": period.start, "end": period.end}
    if limit is None:
        return [Reckoned(*row) for row in tx.all(f"{query} ORDER BY p.reckon_at, p.id", bounds)]
    return [
        Reckoned(*row)
        for outcome in ("kept", "released", "open")
        for row in tx.all(
            f"{query} AND {OUTCOME_SQL} = :outcome ORDER BY p.reckon_at, p.id LIMIT :limit",
            {**bounds, "outcome": outcome, "limit": limit},
        )
    ]


def _feedback(tx, period: Period, scope: dict) -> dict[str, tuple[int, int, int]]:
    """(promoters, detractors, scores) per client, over feedback recorded in the period."""
    narrow = " AND e.client_id = :client" if "client" in scope else ""
    rows = tx.all(
        "SELECT c.handle, SUM(CASE WHEN e.score >= 9 THEN 1 ELSE 0 END), SUM(CASE WHEN e.score <= 6 THEN 1 ELSE 0 END),"
        " COUNT(*) FROM event e JOIN client c ON c.id = e.client_id"
        f" WHERE e.kind = 'feedback' AND e.recorded_at >= :start AND e.recorded_at < :end AND {LIVE}{narrow}"
        " GROUP BY c.handle",
        {**scope, "start": period.start, "end": period.end},
    )
    return {handle: (int(p), int(d), int(n)) for handle, p, d, n in rows}


def _last_updates(tx, period: Period, scope: dict) -> dict[str, int]:
    """The last status update sent to each client up to the period's end (and not after now)."""
    narrow = " AND e.client_id = :client" if "client" in scope else ""
    rows = tx.all(
        "SELECT c.handle, MAX(e.recorded_at) FROM event e JOIN client c ON c.id = e.client_id"
        " WHERE e.kind = 'update-sent' AND e.recorded_at < :end AND e.recorded_at <= :now"
        f" AND {LIVE}{narrow} GROUP BY c.handle",
        {**scope, "end": period.end},
    )
    return {handle: int(moment) for handle, moment in rows}


# -- asks: how promptly clients answer -----------------------------------------------------

# An ask answered in the period: received (and not undone) at a time in [:start, :end).
_ANSWERED = "a.state = 'received' AND a.received_at >= :start AND a.received_at < :end"
_LATE = "CASE WHEN a.needed_by IS NOT NULL AND a.received_at > a.needed_by THEN 1 ELSE 0 END"
# An ask of a client merged into another counts as that one's (as its promises do).
_ASK_CLIENT = "ask a JOIN client o ON o.id = a.client_id JOIN client c ON c.id = COALESCE(o.merged_into, o.id)"


def _asks(tx, period: Period, scope: dict) -> tuple[dict[str, AskFigures], AskFigures, list[AskLate]]:
    """The asks answered in the period: figures per client and in all, and the late ones."""
    narrow = " AND c.id = :client" if "client" in scope else ""
    params = {**scope, "start": period.start, "end": period.end}
    counted = tx.all(
        f"SELECT c.handle, COUNT(*), SUM({_LATE}) FROM {_ASK_CLIENT} WHERE {_ANSWERED}{narrow} GROUP BY c.handle",
        params,
    )
    medians = dict(tx.all(_median_wait("c.handle", narrow), params))
    total_median = tx.all(_median_wait("'all'", narrow), params)
    by_client = {
        handle: AskFigures(int(answered), int(late or 0), _seconds(medians.get(handle)))
        for handle, answered, late in counted
    }
    total = AskFigures(
        sum(f.answered for f in by_client.values()),
        sum(f.answered_late for f in by_client.values()),
        _seconds(total_median[0][1]) if total_median else None,
    )
    late = [
        AskLate(*row)
        for row in tx.all(
            f"SELECT a.id, a.title, c.handle, a.asked_at, a.needed_by, a.received_at FROM {_ASK_CLIENT}"
            f" WHERE {_ANSWERED}{narrow} AND {_LATE} = 1"
            " ORDER BY a.received_at, a.id",
            params,
        )
    ]
    return by_client, total, late


def _median_wait(group: str, narrow: str) -> str:
    """The median of (received - asked) over the asks answered in the period, per `group`:
    the mean of the middle one or two of each group's waits, ranked by a window function
    (SQLite and PostgreSQL alike)."""
    partition = f"PARTITION BY {group}" if group.startswith("c.") else ""
    return (
        "SELECT grp, AVG(wait) FROM ("
        f" SELECT {group} AS grp, a.received_at - a.asked_at AS wait,"
        f" ROW_NUMBER() OVER ({partition} ORDER BY a.received_at - a.asked_at, a.id) AS n,"
        f" COUNT(*) OVER ({partition}) AS total"
        f" FROM {_ASK_CLIENT} WHERE {_ANSWERED}{narrow}"
        ") ranked WHERE n IN ((total + 1) / 2, (total + 2) / 2) GROUP BY grp"
    )


def _seconds(value) -> float | None:
    return None if value is None else float(value)


def for_client(report: Report) -> Report:
    """The report to send its client (`report --client C --for-client`).

    `build` with a client already narrows every part to that client: its counts, trend,
    broken promises, moves and their reasons (as they were given), and no other client's name
    or totals. This leaves out what is ours, not theirs: the NPS (our reading of their
    scores), the update cadence and owed updates, the last-update dates, and whether the rest
    of the ledger is empty. Views of a report marked `for_client` also leave out promise ids,
    which number every client's promises in one sequence (so they tell how much else is
    going on) and mean nothing to the client. Notes and tags are in no report."""
    if report.client is None:
        raise BadInput("--for-client needs --client: the report to send one client")
    scores = [replace(s, nps=None, last_update=None, update_overdue=False) for s in report.clients]
    return replace(report, clients=scores, nps=None, updates_owed=[], ledger_empty=False, for_client=True)

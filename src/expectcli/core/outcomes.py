"""The outcome rules: a promise's state folded from its journal events.

Pure functions over plain values (times are integer UTC epoch seconds), so the rules are
tested directly and the ledger can store the folded state beside the events it came from.

A deadline has *passed* at a moment t when t > due. Outcomes are judged on *the timeline*:
the promise at the time it was made, each move and release at the time it was recorded, each
delivery at the time it happened (`done --at`), whatever order they were typed in. The fold:

- first, in journal order, each ``reopened`` takes back the delivery or release before it
  still standing, as if it had not been recorded;
- then the promise's live events are put in timeline order (ties in journal order) and walked:
  ``promised`` sets the first deadline; ``moved`` sets a new deadline, and if the deadline in
  force had already passed when the move was recorded, the promise broke there and stays
  broken (the *break point* is that deadline); ``delivered`` and ``released`` settle it: a
  delivery after the deadline in force is late, a release after it leaves it missed;
- a move that comes after the settlement on the timeline (recorded after the delivery's time:
  a delivery typed on Thursday for Wednesday, after a move recorded Thursday morning) does not
  change the outcome, the deadline in force or the count of moves; `show` marks it;
- ``paused`` (an ask blocking the promise, judged when the block was recorded) stops the clock
  if the promise is not settled and its deadline in force has not passed (a block after the
  deadline passed does not un-break it: no pause); while any blocking ask is outstanding the
  clock stays stopped (overlapping asks pause once); ``resumed`` (judged when the ask was
  received) of the last outstanding one, or a delivery or release during the pause, restarts
  it, and the deadline in force moves later by the paused time: business time in the
  client's calendar when that deadline was given in business days (`basis = 'bd'`), else
  calendar time (the `extend` function passed in). A move recorded during a pause never
  breaks the promise (its clock is stopped), and the new deadline is extended only by the
  paused time after the move. `first_due` stays as promised; a pause is not a move.

What remains open at the end is ``open`` until its deadline passes, then ``missed``, unless a
pause still runs (`paused_since` is set and not after now): that last step depends on *now*,
so it is applied at read time. It is stated once, here, twice over:
`outcome_at` for one promise in Python and `outcome_sql` for the queries that classify many
(list, due and its counts, report, brief, client summaries, exports). The two sit side by
side so that a change to one is a change to the other; a hypothesis test on random
timelines (tests/test_outcome_rule.py) holds them equal, and holds the fold to a plain model.

Every "how late" (slip) is measured from the break point: `slip` here, `BREAK_POINT_SQL` in
the queries.
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple

OUTCOMES = ("open", "kept", "renegotiated", "late", "missed", "released")
BROKEN = ("late", "missed")

ACTIVE, DELIVERED, RELEASED, VOIDED = "active", "delivered", "released", "voided"


class Step(NamedTuple):
    """One live journal event of a promise, as far as the outcome rules care."""

    kind: str  # promised, moved, delivered, released, reopened, paused, resumed (others are ignored)
    recorded_at: int
    due: int | None = None  # promised, moved: the deadline from now on
    effective_at: int | None = (
        None  # delivered: when the work was delivered; promised: when made; resumed: when received
    )
    ask: int | None = None  # paused, resumed: the ask blocking the promise
    basis: str | None = None  # promised, moved: "bd" when the deadline was given in business days


class PromiseState(NamedTuple):
    promised_at: int
    first_due: int
    due: int
    moves: int
    state: str  # active, delivered, released, voided
    delivered_at: int | None
    released_at: int | None
    broken_at: int | None  # the break point, when the events alone fix one
    outcome: str  # settled outcome; "open" for an active promise not yet broken by events
    reckon_at: int  # the moment that places the promise in a report period
    paused_since: int | None = None  # when the clock stopped, while an ask blocking it is outstanding


class Pause(NamedTuple):
    """One stretch of a promise's stopped clock, for `show` and the brief."""

    start: int
    end: int | None  # when the last blocking ask was received (or the promise settled); None while it runs
    asks: tuple[int, ...]  # the asks it waited on
    due_before: int  # the deadline in force when it ended (or now, while it runs)
    due_after: int | None  # the deadline it moved to; None while it runs


# extend(due, start, end, basis): the deadline `due` moved later by the time paused from
# `start` to `end`, counted in business time when `basis` is "bd".
Extend = Callable[[int, int, int, str | None], int]


def calendar_time(due: int, start: int, end: int, basis: str | None = None) -> int:
    """The plain extension: `due` moved later by the calendar time paused."""
    return due + max(0, end - start)


SETTLING = ("delivered", "released")
PAUSING = ("paused", "resumed")


def when_judged(step: Step) -> int:
    """The moment of `step` on the timeline: a delivery when it happened, a promise when it
    was made, a resumption when the ask was received, anything else when it was recorded."""
    if step.kind in ("delivered", "promised", "resumed") and step.effective_at is not None:
        return step.effective_at
    return step.recorded_at


def standing(steps: Iterable[Step]) -> list[tuple[int, Step]]:
    """The live events that still count, as (journal position, step), in journal order: each
    ``reopened`` takes back the latest delivery or release before it that still stands (and
    is dropped itself); events before the ``promised`` one are ignored."""
    kept: list[tuple[int, Step]] = []
    promised = False
    for position, step in enumerate(steps):
        if step.kind == "promised" and step.due is not None:
            promised = True
            kept = [(position, step)]  # a promise starts its history afresh
        elif not promised or step.kind == "promised":
            continue
        elif step.kind == "reopened":
            settled = [i for i, (_, s) in enumerate(kept) if s.kind in SETTLING]
            if settled:
                del kept[settled[-1]]
        elif step.kind in ("moved", *SETTLING, *PAUSING):
            kept.append((position, step))
    return kept


def timeline(steps: Iterable[Step]) -> list[tuple[int, Step]]:
    """`standing` events in timeline order: the promise first, then by `when_judged`, ties in
    journal order."""
    kept = standing(steps)
    if not kept:
        return []
    return kept[:1] + sorted(kept[1:], key=lambda item: (when_judged(item[1]), item[0]))


def after_settlement(steps: Iterable[Step]) -> list[int]:
    """Journal positions of the moves that come after the delivery or release on the
    timeline: recorded, but not changing the outcome."""
    late: list[int] = []
    settled = False
    for position, step in timeline(steps):
        if step.kind in SETTLING:
            settled = True
        elif step.kind == "moved" and settled:
            late.append(position)
    return late


def unheeded_moves(events) -> set[int]:
    """The ids of the moves among a promise's journal events (objects with `id`, `kind`,
    `recorded_at`, `due`, `effective_at`, `voided_by`) that come after its delivery or
    release on the timeline: recorded, but not changing the outcome (`show` marks them)."""
    live = [e for e in events if e.kind != "voided" and not e.voided_by]
    steps = [Step(e.kind, e.recorded_at, e.due, e.effective_at, getattr(e, "ask_id", None)) for e in live]
    return {live[position].id for position in after_settlement(steps)}


# `unheeded_moves` in SQL: whether the move `event e` of `promise p` counts, i.e. was not recorded
# after the promise's delivery (or release) on the timeline. (A move recorded in the same minute
# as a delivery typed after it in the journal comes before it on the timeline, and counts.)
HEEDED_MOVE_SQL = "e.recorded_at <= COALESCE(p.delivered_at, p.released_at, e.recorded_at)"


def fold(steps: Iterable[Step], extend: Extend = calendar_time) -> PromiseState | None:
    """The state a promise's live events leave it in; None if it was never (or no longer)
    promised. `extend` moves a deadline later by a paused time (see the module docstring)."""
    walked = _walk(steps, extend)
    return None if walked is None else walked[0]


def pauses(steps: Iterable[Step], extend: Extend = calendar_time) -> list[Pause]:
    """The stretches a promise's clock was stopped, in timeline order (the last may still run)."""
    walked = _walk(steps, extend)
    return [] if walked is None else walked[1]


def _walk(steps: Iterable[Step], extend: Extend) -> tuple[PromiseState, list[Pause]] | None:
    ordered = timeline(steps)
    if not ordered:
        return None
    made = ordered[0][1]
    if made.due is None:  # `standing` starts only at a promise with a deadline
        return None
    promised_at, first_due = when_judged(made), made.due
    due: int = first_due
    basis = made.basis
    moves = 0
    moved_broken_at = None
    settled: Step | None = None
    stopped: list[int] = []  # the asks outstanding while the clock is stopped
    asks: list[int] = []  # every ask the running pause waited on
    since = counted_from = 0  # when the clock stopped; when the deadline in force was set during the pause
    found: list[Pause] = []

    def restart(at: int) -> None:
        nonlocal due
        moved_to = extend(due, counted_from, at, basis) if at > counted_from else due
        found.append(Pause(since, at, tuple(asks), due, moved_to))
        due = moved_to
        stopped.clear()

    for _, step in ordered[1:]:
        if step.kind in SETTLING:
            if settled is None:  # the first on the timeline (the journal allows only one)
                settled = step
                if stopped:
                    restart(when_judged(step))
        elif settled is not None:
            continue  # a move or pause after the settlement: recorded, but it changes nothing
        elif step.kind == "paused":
            if step.ask is None or step.ask in stopped:
                continue
            if not stopped:
                if step.recorded_at > due:
                    continue  # blocked after the deadline passed: no pause
                since = counted_from = step.recorded_at
                asks.clear()
            stopped.append(step.ask)
            asks.append(step.ask)
        elif step.kind == "resumed":
            if step.ask in stopped:
                stopped.remove(step.ask)
                if not stopped:
                    restart(when_judged(step))
        elif step.due is not None:
            if not stopped and moved_broken_at is None and step.recorded_at > due:
                moved_broken_at = due
            due, basis = step.due, step.basis
            moves += 1
            if stopped:
                counted_from = step.recorded_at
    state = _settle(promised_at, first_due, due, moves, moved_broken_at, settled)
    if stopped:
        found.append(Pause(since, None, tuple(asks), due, None))
        state = state._replace(paused_since=since)
    return state, found


def _settle(promised_at, first_due, due, moves, moved_broken_at, settled) -> PromiseState:
    delivered_at = released_at = None
    broken_at = moved_broken_at
    if settled is None:
        state = ACTIVE
        outcome = "missed" if broken_at is not None else "open"
        reckon_at = broken_at if broken_at is not None else due
    elif settled.kind == "delivered":
        state, delivered_at = DELIVERED, when_judged(settled)
        if broken_at is None and delivered_at > due:
            broken_at = due
        if broken_at is not None:
            outcome, reckon_at = "late", broken_at
        else:
            outcome, reckon_at = ("renegotiated" if moves else "kept"), due
    else:
        state, released_at = RELEASED, settled.recorded_at
        if broken_at is None and released_at > due:
            broken_at = due
        if broken_at is not None:
            outcome, reckon_at = "missed", broken_at
        else:
            outcome, reckon_at = "released", released_at
    return PromiseState(
        promised_at, first_due, due, moves, state, delivered_at, released_at, broken_at, outcome, reckon_at
    )


def outcome_at(outcome: str, due: int, now: int, paused_since: int | None = None) -> str:
    """The outcome at `now` of a promise whose folded outcome is `outcome` and whose deadline
    in force is `due`: an open promise is missed once its deadline has passed (now > due),
    unless its clock is stopped (`paused_since`, when the pause still running began, is not
    after now)."""
    if outcome == "open" and now > due and (paused_since is None or paused_since > now):
        return "missed"
    return outcome


def outcome_sql(
    outcome: str = "p.outcome", due: str = "p.due", now: str = ":now", paused_since: str = "p.paused_since"
) -> str:
    """`outcome_at` as a SQL expression over a promise row's stored columns (by default those
    of `promise p`, with `now` bound as the parameter :now)."""
    return (
        f"CASE WHEN {outcome} = 'open' AND {now} > {due} AND ({paused_since} IS NULL OR {paused_since} > {now})"
        f" THEN 'missed' ELSE {outcome} END"
    )


# The outcome at :now of `promise p`, for the queries.
OUTCOME_SQL = outcome_sql()


def break_point(outcome: str, broken_at: int | None, due: int) -> int | None:
    """The first deadline a broken promise passed undelivered; None unless broken."""
    if outcome not in BROKEN:
        return None
    return broken_at if broken_at is not None else due


def slip(break_at: int | None, settled_at: int | None, now: int) -> int | None:
    """How late a broken promise is, in seconds: from its break point to its delivery (or late
    release), or to `now` while it is outstanding; never negative (an "as of" moment before
    the break point is no slip yet). None when it is not broken."""
    if break_at is None:
        return None
    return max(0, (settled_at if settled_at is not None else now) - break_at)


def slip_minutes(seconds: int) -> int:
    """A slip in whole minutes, rounded up: a promise a few seconds late is a minute late."""
    return -(-seconds // 60)


# `break_point` in SQL, for a row of `promise p` whose outcome is broken.
BREAK_POINT_SQL = "COALESCE(p.broken_at, p.due)"
# Whether the outcome at :now of `promise p` is broken.
BROKEN_SQL = f"{OUTCOME_SQL} IN ({', '.join(repr(outcome) for outcome in BROKEN)})"


def kept_rate(counts: dict[str, int]) -> float | None:
    judged = sum(counts.get(o, 0) for o in ("kept", "renegotiated", "late", "missed"))
    if not judged:
        return None
    return (counts.get("kept", 0) + counts.get("renegotiated", 0)) / judged


def on_time_rate(counts: dict[str, int]) -> float | None:
    judged = sum(counts.get(o, 0) for o in ("kept", "renegotiated", "late", "missed"))
    if not judged:
        return None
    return counts.get("kept", 0) / judged

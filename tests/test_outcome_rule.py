"""One outcome rule: the SQL that classifies outcomes for `list`, `due`, `due --count`, the
client summaries and the report says of every promise what the Python rule says of it, and
both say what the timeline of PRODUCT.md says.

Random timelines (promise, move, deliver, release, reopen, undo at whole-minute times, often
exactly at a deadline or a minute either side, deliveries back-dated before moves recorded
earlier in the journal) are written through the ledger API into a temporary ledger. The
expected outcome of each promise at a moment `now` is `outcomes.outcome_at` over
`outcomes.fold` of the events the test itself wrote (less those it undid); the queries must
agree with it at random moments, deadlines included. The fold itself is held to `Plain`, a
model that reads the Vocabulary literally, and to not caring in which order a timeline's
events were typed.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import fresh_ledger
from expectcli.core import clients, due, outcomes, periods, report
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger, open_ledger
from expectcli.core.outcomes import ACTIVE, OUTCOME_SQL, OUTCOMES, Step
from expectcli.errors import BadInput

MINUTE = 60
DAY = 24 * 60 * MINUTE
BASE = int(datetime(2026, 3, 20, tzinfo=UTC).timestamp())
CLIENTS = ("acme", "globex")
OPERATIONS = ("promise", "promise", "move", "move", "deliver", "deliver", "release", "reopen", "undo", "ask", "ask",
              "receive")  # fmt: skip


def minutes(data, low: int, high: int) -> int:
    return data.draw(st.integers(low, high)) * MINUTE


def next_moment(data, clock: int, deadlines: set[int]) -> int:
    """A moment not before `clock`: a few minutes or hours on, or exactly at (or a minute
    either side of) a deadline still ahead."""
    ahead = sorted(d + shift for d in deadlines for shift in (-MINUTE, 0, MINUTE) if d + shift >= clock)
    choices = [st.integers(0, 3), st.integers(0, 48 * 60)]
    choices = [count.map(lambda n: clock + n * MINUTE) for count in choices]
    if ahead:
        choices.append(st.sampled_from(ahead))
    return data.draw(st.one_of(*choices))


def a_deadline(data, after: int, deadlines: set[int]) -> int:
    """A deadline at or after `after`: often one already in use, or a minute off one."""
    near = sorted(d + shift for d in deadlines for shift in (-MINUTE, 0, MINUTE) if d + shift >= after)
    choices = [st.integers(0, 2 * 24 * 60).map(lambda n: after + n * MINUTE)]
    if near:
        choices.append(st.sampled_from(near))
    return data.draw(st.one_of(*choices))


def write_timeline(data, store) -> tuple[list[tuple[int, Step]], set[int], int]:
    """Random changes through the ledger API; (the live events as (promise id, step) in
    journal order, the deadlines used, the last moment). Asks block open promises of their
    client (often several asks at once) and are received, often back-dated."""
    commands: list[list[tuple[int, Step]]] = []  # the promise events of each command still standing
    ids: list[int] = []
    owner: dict[int, str] = {}
    waiting: dict[int, int] = {}  # ask → when it was asked
    deadlines: set[int] = set()
    clock = BASE

    def live() -> list[tuple[int, Step]]:
        return [item for command in commands for item in command]

    for _ in range(data.draw(st.integers(1, 16))):
        operation = data.draw(st.sampled_from(OPERATIONS))
        clock = next_moment(data, clock, deadlines)
        ledger = Ledger(store, clock)
        if operation not in ("promise", "undo", "ask") and not ids:
            continue
        promise_id = data.draw(st.sampled_from(ids)) if ids else None
        active = [pid for pid, model in plain_models(live()).items() if model.settlement is None]
        if operation in ("move", "deliver") and active and data.draw(st.booleans()):
            promise_id = data.draw(st.sampled_from(active))  # mostly one that can be moved or delivered
        try:
            if operation == "promise":
                made_at = None
                if data.draw(st.booleans()):  # an inbound request that arrived earlier: its deadline may have passed
                    made_at = clock - minutes(data, 0, 24 * 60)
                due = a_deadline(data, clock if made_at is None else made_at, deadlines)
                client = data.draw(st.sampled_from(CLIENTS))
                created = ledger.promise("work", client, due, made_at=made_at)
                ids.append(created.id)
                owner[created.id] = client
                deadlines.add(due)
                commands.append([(created.id, Step("promised", clock, due, made_at))])
            elif operation == "move":
                due = a_deadline(data, clock, deadlines)
                ledger.move(promise_id, due, "reason")
                deadlines.add(due)
                commands.append([(promise_id, Step("moved", clock, due))])
            elif operation == "deliver":  # often back-dated to before (or at) a move recorded earlier
                with_moves = sorted({pid for pid, s in live() if s.kind == "moved" and pid in active})
                if with_moves and data.draw(st.booleans()):
                    promise_id = data.draw(st.sampled_from(with_moves))
                moved = sorted(s.recorded_at + shift for pid, s in live() if pid == promise_id and s.kind == "moved"
                               for shift in (-MINUTE, 0, MINUTE) if s.recorded_at + shift <= clock)  # fmt: skip
                past = sorted(d for d in deadlines if d <= clock)
                if moved and data.draw(st.booleans()):
                    at = data.draw(st.sampled_from(moved))
                else:
                    at = data.draw(st.one_of(st.just(clock), st.integers(0, 24 * 60).map(lambda n, clock=clock: clock - n * MINUTE),
                                             *([st.sampled_from(past)] if past else [])))  # fmt: skip
                ledger.deliver([promise_id], at=at)
                commands.append([(promise_id, Step("delivered", clock, None, at))])
            elif operation == "release":
                ledger.release(promise_id, "reason")
                commands.append([(promise_id, Step("released", clock))])
            elif operation == "reopen":
                ledger.reopen(promise_id)
                commands.append([(promise_id, Step("reopened", clock))])
            elif operation == "ask":
                client = data.draw(st.sampled_from(CLIENTS))
                theirs = [pid for pid in active if owner[pid] == client]
                blocks = data.draw(st.lists(st.sampled_from(theirs), unique=True, max_size=3)) if theirs else []
                asked, _ = ledger.ask(client, "the data", None, blocks)
                waiting[asked.id] = clock
                commands.append([(pid, Step("paused", clock, ask=asked.id)) for pid in blocks])
            elif operation == "receive":
                if not waiting:
                    continue
                ask_id = data.draw(st.sampled_from(sorted(waiting)))
                asked_at = waiting[ask_id]
                near = sorted(
                    d + shift for d in deadlines for shift in (-MINUTE, 0, MINUTE) if asked_at <= d + shift <= clock
                )
                at = data.draw(st.one_of(st.just(clock), st.just(asked_at), st.integers(asked_at // MINUTE, clock // MINUTE).map(lambda n: n * MINUTE),
                                         *([st.sampled_from(near)] if near else [])))  # fmt: skip
                _, resumed = ledger.receive(ask_id, at)
                del waiting[ask_id]
                commands.append([(p.id, Step("resumed", clock, None, at, ask_id)) for p in resumed])
            else:
                undone = ledger.undo()  # the last command standing, whole
                assert commands, "undo found an event the test did not write"
                last = commands.pop()
                assert [(e.promise_id, e.kind) for e in undone.events if e.promise_id is not None] == [
                    (pid, step.kind) for pid, step in last
                ]
                for e in undone.events:
                    if e.kind == "asked":
                        waiting.pop(e.ask_id, None)
                    elif e.kind == "received":
                        waiting[e.ask_id] = asked_of(ledger, e.ask_id)
        except BadInput:
            pass  # refused (already delivered, a deadline already past, nothing to undo…): nothing was written
    return live(), deadlines, clock


def asked_of(ledger: Ledger, ask_id: int) -> int:
    from expectcli.core import asks

    return asks.get(ledger, ask_id).asked_at


class Plain:
    """The Vocabulary of PRODUCT.md read literally, for one promise's live events in journal
    order (as the command line allows them: a delivery or release must be reopened before
    anything else is recorded, and the clock never runs back).

    Reopen takes back the last delivery or release. On the timeline (ties in journal order),
    a move counts if it comes before the delivery happened (or the release was recorded).

    Paused time is read through the promise's own clock: it runs with the calendar except
    while the promise waits on an ask (from a block, until the last outstanding ask is
    received). A block starts a pause only if the promise's clock has not passed its deadline;
    a deadline set at real time s as D is the clock reading c(s) + (D - s), so it moves later
    by exactly the time paused after it was set. The promise broke at the first deadline a
    counted move was recorded after (its clock past it, never while paused), or else at the
    final deadline if it was delivered or released after it (by its clock), or is still
    undelivered past it and not paused."""

    def __init__(self, steps: list[Step]):
        standing: list[tuple[int, Step]] = []
        for position, step in enumerate(steps):
            if step.kind == "reopened":
                settled = [i for i, (_, s) in enumerate(standing) if s.kind in ("delivered", "released")]
                standing.pop(settled[-1])
            else:
                standing.append((position, step))
        made = standing[0][1]
        self.promised_at = made.effective_at if made.effective_at is not None else made.recorded_at
        self.first_due = made.due
        settlements = [s for _, s in standing if s.kind in ("delivered", "released")]
        assert len(settlements) <= 1
        self.settlement = settlements[0] if settlements else None
        self.settled_at = None
        if self.settlement is not None:
            kind = self.settlement.kind
            self.settled_at = self.settlement.effective_at if kind == "delivered" else self.settlement.recorded_at

        def moment(step: Step) -> int:
            if step.kind in ("delivered", "resumed") and step.effective_at is not None:
                return step.effective_at
            return step.recorded_at

        ordered = sorted(standing[1:], key=lambda item: (moment(item[1]), item[0]))
        paused_total = 0  # calendar time paused in pauses that ended
        pause_start: int | None = None
        outstanding: set[int] = set()

        def clock(t: int) -> int:
            return t - paused_total - (t - pause_start if pause_start is not None else 0)

        target = clock(made.due)  # the deadline in force, as a reading of the promise's clock
        shown = made.due  # the deadline in force, as the ledger shows it
        self.moves = []
        self.late_move_broke = None
        self.late_by_clock = False
        self.pause_since = None
        for _, step in ordered:
            t = moment(step)
            if step.kind in ("delivered", "released"):
                self.late_by_clock = clock(t) > target
                if pause_start is not None:
                    paused_total += t - pause_start
                    pause_start = None
                    shown = target + paused_total
                break
            if step.kind == "paused":
                if pause_start is not None:
                    outstanding.add(step.ask)
                elif clock(t) <= target:
                    pause_start, outstanding = t, {step.ask}
            elif step.kind == "resumed":
                if step.ask in outstanding:
                    outstanding.discard(step.ask)
                    if not outstanding:
                        paused_total += t - pause_start
                        pause_start = None
                        shown = target + paused_total
            elif step.kind == "moved":
                if pause_start is None and clock(t) > target and self.late_move_broke is None:
                    self.late_move_broke = shown
                self.moves.append(step)
                target = clock(t) + (step.due - t)
                shown = step.due
        self.due = shown
        self.pause_since = pause_start

    def outcome(self, now: int) -> str:
        if self.settlement is None:
            if self.late_move_broke is not None:
                return "missed"
            if self.pause_since is not None and self.pause_since <= now:
                return "open"
            return "missed" if now > self.due else "open"
        broken = self.late_move_broke is not None or self.late_by_clock
        if self.settlement.kind == "released":
            return "missed" if broken else "released"
        if broken:
            return "late"
        return "renegotiated" if self.moves else "kept"

    def break_point(self, now: int) -> int | None:
        if self.outcome(now) not in ("late", "missed"):
            return None
        return self.late_move_broke if self.late_move_broke is not None else self.due


def expected_states(live: list[tuple[int, Step]]) -> dict[int, outcomes.PromiseState]:
    """Each promise's state folded in Python from the events written; undone promises left out."""
    steps: dict[int, list[Step]] = {}
    for promise_id, step in live:
        steps.setdefault(promise_id, []).append(step)
    folded = {promise_id: outcomes.fold(events) for promise_id, events in steps.items()}
    return {promise_id: state for promise_id, state in folded.items() if state is not None}


def plain_models(live: list[tuple[int, Step]]) -> dict[int, Plain]:
    steps: dict[int, list[Step]] = {}
    for promise_id, step in live:
        steps.setdefault(promise_id, []).append(step)
    return {promise_id: Plain(events) for promise_id, events in steps.items()}


@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_the_queries_classify_as_the_python_rule_does(data):
    with tempfile.TemporaryDirectory() as folder, fresh_ledger(Path(folder)) as location:
        store = open_ledger(location, BASE).store
        try:
            live, deadlines, clock = write_timeline(data, store)
            states = expected_states(live)
            models = plain_models(live)
            assert set(states) == set(models)
            for pid, state in states.items():  # the stored fold is the timeline's
                model = models[pid]
                assert (state.due, state.moves, state.delivered_at) == (model.due, len(model.moves),
                        model.settled_at if state.state == "delivered" else None), pid  # fmt: skip
            paused = {s.paused_since for s in states.values() if s.paused_since is not None}
            edges = sorted({BASE, clock, *(d + shift for d in deadlines | paused for shift in (-MINUTE, 0, MINUTE))})
            moments = data.draw(st.lists(st.one_of(st.sampled_from(edges), st.integers(BASE - DAY, clock + 3 * DAY)),
                                         min_size=1, max_size=4))  # fmt: skip
            for now in moments:
                check_at(data, Ledger(store, now), states, models, deadlines)
        finally:
            store.close()


def check_at(data, ledger: Ledger, states: dict[int, outcomes.PromiseState], models: dict[int, Plain],
             deadlines: set[int]) -> None:  # fmt: skip
    now = ledger.now
    expected = {
        pid: outcomes.outcome_at(state.outcome, state.due, now, state.paused_since) for pid, state in states.items()
    }
    assert expected == {pid: model.outcome(now) for pid, model in models.items()}, now
    listed = {p.id: p for p in ledger.promises(include_settled=True)}
    assert {pid: p.break_at for pid, p in listed.items()} == {pid: m.break_point(now) for pid, m in models.items()}

    with ledger.store.read() as tx:  # the expression itself, over every live promise
        classified = dict(tx.all(f"SELECT p.id, {OUTCOME_SQL} FROM promise p WHERE p.state <> 'voided'", {"now": now}))
    assert classified == expected, now

    # list --all (rows made Promise objects in Python) and list --status (a SQL filter)
    assert {p.id: p.outcome for p in ledger.promises(include_settled=True)} == expected
    for outcome in OUTCOMES:
        assert {p.id for p in ledger.promises(outcome=outcome)} == {pid for pid, o in expected.items() if o == outcome}

    # client summaries
    for client in ledger.clients():
        owned = {p.id for p in ledger.promises(client=client.handle, include_settled=True)}
        want = Counter(expected[pid] for pid in owned)
        assert client.counts == {outcome: want.get(outcome, 0) for outcome in OUTCOMES}

    # the report, over a span that holds every reckoning time
    built = report.build(ledger, periods.span(BASE - 30 * DAY, BASE + 365 * DAY), Settings())
    assert built.totals == report.Counts(**Counter(expected.values()))
    assert {b.id for b in built.broken} == {pid for pid, o in expected.items() if o in outcomes.BROKEN}

    # due and due --count, one rule: overdue are the active promises missed at now, whatever
    # their date; due the open ones by the window's end; the counts are the rows listed
    ends = sorted({now, *(d + shift for d in deadlines for shift in (-MINUTE, 0))})
    for end in data.draw(st.lists(st.sampled_from(ends), min_size=1, max_size=3)):
        view = due.due_view(ledger, Settings(), end, limit=None)
        active = {pid for pid, s in states.items() if s.state == ACTIVE}
        overdue = {pid for pid in active if expected[pid] == "missed"}
        # at risk: due before the end of the (default, 1bd) notice window that opens now, and
        # not paused (a paused promise's date moves later when what it waits on comes)
        notice_end = clients.notice_end(now, clients.default_terms(Settings()), Settings())
        paused = {pid for pid in active if states[pid].paused_since is not None and states[pid].paused_since <= now}
        at_risk = {pid for pid in active - overdue - paused if states[pid].due < notice_end}
        soon = {pid for pid in active - overdue - at_risk if states[pid].due <= end}
        shown = tuple({p.id for p in view.rows[name]} for name in ("overdue", "at_risk", "due"))
        assert shown == (overdue, at_risk, soon), (now, end)
        counted = due.due_counts(ledger, Settings(), end)
        assert counted == view.counts == (len(overdue), len(at_risk), len(soon), 0, 0), (now, end)
        # each section in its order (the overdue from the break point, the others by due), and
        # with a limit, its first rows in that order
        order = {
            "overdue": sorted(overdue, key=lambda pid: (models[pid].break_point(now), pid)),
            "at_risk": sorted(at_risk, key=lambda pid: (states[pid].due, pid)),
            "due": sorted(soon, key=lambda pid: (states[pid].due, pid)),
        }
        assert {name: [p.id for p in rows] for name, rows in view.rows.items()} == order, (now, end)
        first = due.due_view(ledger, Settings(), end, limit=2)
        assert {name: [p.id for p in rows] for name, rows in first.rows.items()} == {
            name: ids[:2] for name, ids in order.items()
        }, (now, end)


def test_the_queries_refuse_what_the_command_line_would(tmp_path):
    """The core's own guards, for callers other than the command line (which refuses the
    same before reaching them): a limit below one, an outcome that does not exist."""
    ledger = open_ledger(str(tmp_path / "ledger.db"), BASE, create=True)
    try:
        with pytest.raises(BadInput, match="at least 1"):
            ledger.log(0)
        assert ledger.log(1) == []
        with pytest.raises(BadInput, match="unknown status 'lost'"):
            ledger.promises(outcome="lost")
        assert ledger.promises(outcome="missed") == []
    finally:
        ledger.store.close()


# -- the fold on its own: many more timelines, without a ledger ----------------------------------


@st.composite
def journals(draw) -> list[Step]:
    """One promise's live events in journal order, as the command line allows them: moves to
    a deadline not yet past, deliveries back-dated (often to just before, at or after a move
    recorded earlier, or a deadline), releases, reopens of the settlement standing, blocks by
    asks (often overlapping) and their receipts, back-dated too (to when the ask was made at
    the earliest; also after the promise was settled), and the clock never running back."""
    clock = BASE
    made_at = clock - draw(st.integers(0, 6 * 60)) * MINUTE if draw(st.booleans()) else None
    first_due = (made_at or clock) + draw(st.integers(0, 3 * 24 * 60)) * MINUTE
    journal = [Step("promised", clock, first_due, made_at)]
    waiting: dict[int, int] = {}  # ask → when it blocked the promise
    for _ in range(draw(st.integers(0, 12))):
        model = Plain(journal)
        clock += draw(st.sampled_from([0, MINUTE, 60 * MINUTE, 12 * 60 * MINUTE, DAY]))
        operation = draw(st.sampled_from(["move", "move", "deliver", "deliver", "release", "block", "receive"]))
        if operation == "receive" and waiting:
            ask = draw(st.sampled_from(sorted(waiting)))
            moments = [waiting[ask], clock, *(d for d in (model.due - MINUTE, model.due, model.due + MINUTE))]
            at = draw(st.sampled_from(sorted(m for m in moments if waiting[ask] <= m <= clock)))
            journal.append(Step("resumed", clock, None, at, ask))
            del waiting[ask]
            continue
        if model.settlement is not None:
            journal.append(Step("reopened", clock))
            continue
        if operation == "block":
            ask = len(journal) + 1000
            waiting[ask] = clock
            journal.append(Step("paused", clock, ask=ask))
        elif operation == "move":
            due = clock + draw(st.integers(0, 3 * 24 * 60)) * MINUTE
            if due != model.due:
                journal.append(Step("moved", clock, due))
        elif operation == "deliver":
            moments = [m.recorded_at + shift for m in journal if m.kind == "moved" for shift in (-MINUTE, 0, MINUTE)]
            moments += [model.due - MINUTE, model.due, model.due + MINUTE, clock, clock - 30 * MINUTE]
            moments += [when for when in waiting.values()]
            at = draw(st.sampled_from(sorted(m for m in moments if model.promised_at <= m <= clock) or [clock]))
            journal.append(Step("delivered", clock, None, at))
        else:
            journal.append(Step("released", clock))
    return journal


@settings(max_examples=examples(2000, share=10), deadline=None)
@given(journals(), st.integers(-DAY, 20 * DAY))
def test_the_fold_follows_the_timeline_as_the_vocabulary_says(journal, offset):
    state = outcomes.fold(journal)
    model = Plain(journal)
    now = BASE + offset
    assert state is not None
    assert outcomes.outcome_at(state.outcome, state.due, now, state.paused_since) == model.outcome(now)
    assert (state.due, state.first_due, state.moves) == (model.due, model.first_due, len(model.moves))
    assert state.paused_since == model.pause_since
    assert outcomes.break_point(
        outcomes.outcome_at(state.outcome, state.due, now, state.paused_since), state.broken_at, state.due
    ) == (model.break_point(now))
    counted = {id(step) for step in model.moves}
    assert outcomes.after_settlement(journal) == [
        i for i, step in enumerate(journal) if step.kind == "moved" and id(step) not in counted
    ]


@settings(max_examples=examples(1000, share=10), deadline=None)
@given(journals(), st.randoms(use_true_random=False))
def test_the_order_events_were_typed_in_does_not_matter_only_the_timeline(journal, random):
    """Without reopens, the journal's order is only the order things were typed in: shuffled
    (the promise still first), the same events on the same timeline fold to the same state."""
    if any(step.kind == "reopened" for step in journal):
        journal = journal[: next(i for i, step in enumerate(journal) if step.kind == "reopened")]
    times = [outcomes.when_judged(step) for step in journal[1:]]
    if len(set(times)) < len(times):
        return  # a tie is broken by journal order, which the shuffle changes
    rest = journal[1:]
    random.shuffle(rest)
    assert outcomes.fold([journal[0], *rest]) == outcomes.fold(journal)

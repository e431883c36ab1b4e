"""One outcome rule: the SQL that classifies outcomes for `list`, `due`, `due --count`, the
client summaries and the report says of every promise what the Python rule says of it.

Random timelines (promise, move, deliver, release, reopen, undo at whole-minute times, often
exactly at a deadline or a minute either side) are written through the ledger API into a
temporary ledger. The expected outcome of each promise at a moment `now` is
`outcomes.outcome_at` over `outcomes.fold` of the events the test itself wrote (less those it
undid); the queries must agree with it at random moments, deadlines included.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fresh_ledger
from expectcli.core import due, outcomes, periods, report
from expectcli.core.config import Settings
from expectcli.core.ledger import Ledger, open_ledger
from expectcli.core.outcomes import ACTIVE, OUTCOME_SQL, OUTCOMES, Step
from expectcli.errors import BadInput

MINUTE = 60
DAY = 24 * 60 * MINUTE
BASE = int(datetime(2026, 3, 20, tzinfo=UTC).timestamp())
CLIENTS = ("acme", "globex")
OPERATIONS = ("promise", "promise", "move", "deliver", "deliver", "release", "reopen", "undo")


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
    journal order, the deadlines used, the last moment)."""
    live: list[tuple[int, Step]] = []
    ids: list[int] = []
    deadlines: set[int] = set()
    clock = BASE
    for _ in range(data.draw(st.integers(1, 14))):
        operation = data.draw(st.sampled_from(OPERATIONS))
        clock = next_moment(data, clock, deadlines)
        ledger = Ledger(store, clock)
        if operation != "promise" and operation != "undo" and not ids:
            continue
        promise_id = data.draw(st.sampled_from(ids)) if ids else None
        try:
            if operation == "promise":
                made_at = None
                if data.draw(st.booleans()):  # an inbound request that arrived earlier: its deadline may have passed
                    made_at = clock - minutes(data, 0, 24 * 60)
                due = a_deadline(data, clock if made_at is None else made_at, deadlines)
                created = ledger.promise("work", data.draw(st.sampled_from(CLIENTS)), due, made_at=made_at)
                ids.append(created.id)
                deadlines.add(due)
                live.append((created.id, Step("promised", clock, due, made_at)))
            elif operation == "move":
                due = a_deadline(data, clock, deadlines)
                ledger.move(promise_id, due, "reason")
                deadlines.add(due)
                live.append((promise_id, Step("moved", clock, due)))
            elif operation == "deliver":
                past = sorted(d for d in deadlines if d <= clock)
                at = data.draw(st.one_of(st.just(clock), st.integers(0, 24 * 60).map(lambda n, clock=clock: clock - n * MINUTE),
                                         *([st.sampled_from(past)] if past else [])))  # fmt: skip
                ledger.deliver([promise_id], at=at)
                live.append((promise_id, Step("delivered", clock, None, at)))
            elif operation == "release":
                ledger.release(promise_id, "reason")
                live.append((promise_id, Step("released", clock)))
            elif operation == "reopen":
                ledger.reopen(promise_id)
                live.append((promise_id, Step("reopened", clock)))
            else:
                undone = ledger.undo().events[0]  # one event per command here
                assert live, "undo found an event the test did not write"
                assert (undone.promise_id, undone.kind) == (live[-1][0], live[-1][1].kind)
                live.pop()
        except BadInput:
            pass  # refused (already delivered, a deadline already past, nothing to undo…): nothing was written
    return live, deadlines, clock


def expected_states(live: list[tuple[int, Step]]) -> dict[int, outcomes.PromiseState]:
    """Each promise's state folded in Python from the events written; undone promises left out."""
    steps: dict[int, list[Step]] = {}
    for promise_id, step in live:
        steps.setdefault(promise_id, []).append(step)
    folded = {promise_id: outcomes.fold(events) for promise_id, events in steps.items()}
    return {promise_id: state for promise_id, state in folded.items() if state is not None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_queries_classify_as_the_python_rule_does(data):
    with tempfile.TemporaryDirectory() as folder, fresh_ledger(Path(folder)) as location:
        store = open_ledger(location, BASE).store
        try:
            live, deadlines, clock = write_timeline(data, store)
            states = expected_states(live)
            edges = sorted({BASE, clock, *(d + shift for d in deadlines for shift in (-MINUTE, 0, MINUTE))})
            moments = data.draw(st.lists(st.one_of(st.sampled_from(edges), st.integers(BASE - DAY, clock + 3 * DAY)),
                                         min_size=1, max_size=4))  # fmt: skip
            for now in moments:
                check_at(data, Ledger(store, now), states, deadlines)
        finally:
            store.close()


def check_at(data, ledger: Ledger, states: dict[int, outcomes.PromiseState], deadlines: set[int]) -> None:
    now = ledger.now
    expected = {pid: outcomes.outcome_at(state.outcome, state.due, now) for pid, state in states.items()}

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
        soon = {pid for pid in active - overdue if states[pid].due <= end}
        assert ({p.id for p in view.rows["overdue"]}, {p.id for p in view.rows["due"]}) == (overdue, soon), (now, end)
        counted = due.due_counts(ledger, Settings(), end)
        assert counted == view.counts == (len(overdue), 0, len(soon), 0), (now, end)


def test_the_queries_refuse_what_the_command_line_would(tmp_path):
    """The core's own guards, for callers other than the command line (which refuses the
    same before reaching them): a limit below one, an outcome that does not exist."""
    ledger = open_ledger(str(tmp_path / "ledger.db"), BASE)
    try:
        with pytest.raises(BadInput, match="at least 1"):
            ledger.log(0)
        assert ledger.log(1) == []
        with pytest.raises(BadInput, match="unknown status 'lost'"):
            ledger.promises(outcome="lost")
        assert ledger.promises(outcome="missed") == []
    finally:
        ledger.store.close()

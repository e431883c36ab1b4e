"""Paused time in the outcome fold, directly (`outcomes.fold`, `outcomes.pauses`,
`outcome_at`), and the business-time extension it is given (`businesstime`)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from expectcli.core import outcomes
from expectcli.core.businesstime import WorkingTime, extend_by_working_time, working_between
from expectcli.core.outcomes import Step

H = 3600
DAY = 24 * H
T0 = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp())  # Wed 25 Nov 2026 10:00 in Berlin
DUE = T0 + DAY  # Thu 10:00 Berlin


def promised(due: int = DUE, basis: str | None = None) -> Step:
    return Step("promised", T0, due, None, None, basis)


def paused(at: int, ask: int) -> Step:
    return Step("paused", at, ask=ask)


def resumed(recorded: int, came: int, ask: int) -> Step:
    return Step("resumed", recorded, None, came, ask)


def test_a_pause_moves_the_deadline_by_the_paused_time_and_is_not_a_move():
    state = outcomes.fold([promised(), paused(T0 + H, 7), resumed(T0 + 3 * DAY, T0 + 2 * DAY, 7)])
    assert state is not None
    assert (state.due, state.first_due, state.moves, state.paused_since) == (DUE + 2 * DAY - H, DUE, 0, None)
    delivered = outcomes.fold([promised(), paused(T0 + H, 7), resumed(T0 + 2 * DAY, T0 + 2 * DAY, 7),
                               Step("delivered", T0 + 3 * DAY, None, DUE + DAY)])  # fmt: skip
    assert delivered is not None and delivered.outcome == "kept"


def test_overlapping_asks_pause_once_from_the_first_block_to_the_last_receipt():
    steps = [promised(), paused(T0 + H, 7), paused(T0 + 2 * H, 8), resumed(T0 + 5 * H, T0 + 3 * H, 7),
             resumed(T0 + 9 * H, T0 + 9 * H, 8)]  # fmt: skip
    state = outcomes.fold(steps)
    assert state is not None and state.due == DUE + 8 * H
    assert outcomes.pauses(steps) == [outcomes.Pause(T0 + H, T0 + 9 * H, (7, 8), DUE, DUE + 8 * H)]


def test_a_block_after_the_deadline_passed_pauses_nothing():
    steps = [promised(), paused(DUE + H, 7), resumed(DUE + 5 * H, DUE + 5 * H, 7)]
    state = outcomes.fold(steps)
    assert state is not None and (state.due, state.paused_since, outcomes.pauses(steps)) == (DUE, None, [])
    assert outcomes.outcome_at(state.outcome, state.due, DUE + 2 * H, state.paused_since) == "missed"


def test_a_running_pause_keeps_the_promise_open_past_its_deadline():
    state = outcomes.fold([promised(), paused(T0 + H, 7)])
    assert state is not None and state.paused_since == T0 + H and state.due == DUE
    assert outcomes.outcome_at(state.outcome, state.due, DUE + 10 * DAY, state.paused_since) == "open"
    assert outcomes.outcome_at(state.outcome, state.due, DUE + 10 * DAY) == "missed"  # without the pause


def test_a_delivery_during_the_pause_ends_it_and_is_in_time():
    steps = [promised(), paused(T0 + H, 7), Step("delivered", DUE + DAY, None, DUE + DAY)]
    state = outcomes.fold(steps)
    assert state is not None and (state.outcome, state.paused_since) == ("kept", None)
    assert state.due == DUE + DAY + DAY - H


def test_a_move_during_a_pause_does_not_break_and_is_extended_only_after_it():
    steps = [promised(), paused(T0 + H, 7), Step("moved", DUE + DAY, DUE + 2 * DAY),
             resumed(DUE + 2 * DAY, DUE + 2 * DAY, 7)]  # fmt: skip
    state = outcomes.fold(steps)
    assert state is not None and (state.broken_at, state.moves) == (None, 1)
    assert state.due == DUE + 3 * DAY  # the new date, plus the day paused after the move


def test_the_extension_given_is_used_with_the_deadlines_basis():
    seen = []

    def extend(due, start, end, basis):
        seen.append(basis)
        return due + 1

    outcomes.fold([promised(basis="bd"), paused(T0 + H, 7), resumed(T0 + 2 * H, T0 + 2 * H, 7)], extend)
    assert seen == ["bd"]


BERLIN = WorkingTime("Europe/Berlin", time(9), time(17), frozenset(range(5)))


def test_working_time_between_two_moments_skips_nights_and_weekends():
    fri_16 = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    mon_10 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert working_between(fri_16, mon_10, BERLIN).total_seconds() == 2 * H


def test_a_business_day_deadline_moves_by_the_working_time_paused():
    thu_17 = int(datetime(2026, 11, 26, 16, 0, tzinfo=UTC).timestamp())
    wed_10, fri_10 = T0, int(datetime(2026, 11, 27, 9, 0, tzinfo=UTC).timestamp())
    moved = extend_by_working_time(thu_17, wed_10, fri_10, BERLIN)
    assert moved == int(datetime(2026, 11, 30, 16, 0, tzinfo=UTC).timestamp())  # Mon 17:00 Berlin
    assert extend_by_working_time(thu_17, fri_10, fri_10, BERLIN) == thu_17

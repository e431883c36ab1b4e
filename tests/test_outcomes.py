"""The outcome rules of the Vocabulary table, on the pure fold."""

from expectcli.core.outcomes import Step, break_point, fold, kept_rate, on_time_rate, outcome_at

H = 3600
T0 = 1_000_000  # when the promise was made
DUE = T0 + 10 * H


def settle(*steps: Step):
    state = fold([Step("promised", T0, due=DUE), *steps])
    return state


def test_open_until_the_deadline_passes_then_missed():
    state = settle()
    assert state.outcome == "open" and state.reckon_at == DUE
    assert outcome_at(state.outcome, state.due, DUE) == "open"
    assert outcome_at(state.outcome, state.due, DUE + 1) == "missed"
    assert break_point("missed", state.broken_at, state.due) == DUE


def test_kept_at_or_before_the_first_deadline():
    assert settle(Step("delivered", T0 + H, effective_at=DUE)).outcome == "kept"
    assert settle(Step("delivered", T0 + H, effective_at=T0 + H)).reckon_at == DUE


def test_late_after_the_deadline_with_its_break_point():
    state = settle(Step("delivered", DUE + 5 * H, effective_at=DUE + 5 * H))
    assert (state.outcome, state.broken_at, state.reckon_at) == ("late", DUE, DUE)


def test_moves_before_the_deadline_then_delivered_are_renegotiated():
    state = settle(
        Step("moved", DUE - H, due=DUE + 24 * H),
        Step("moved", DUE + 20 * H, due=DUE + 48 * H),
        Step("delivered", DUE + 47 * H, effective_at=DUE + 47 * H),
    )
    assert (state.outcome, state.moves, state.first_due, state.due) == ("renegotiated", 2, DUE, DUE + 48 * H)
    assert state.reckon_at == DUE + 48 * H


def test_a_move_exactly_at_the_deadline_is_still_in_time():
    state = settle(Step("moved", DUE, due=DUE + H), Step("delivered", DUE + H, effective_at=DUE + H))
    assert state.outcome == "renegotiated"


def test_a_move_after_the_deadline_does_not_unbreak():
    state = settle(Step("moved", DUE + H, due=DUE + 24 * H), Step("delivered", DUE + 2 * H, effective_at=DUE + 2 * H))
    assert (state.outcome, state.broken_at) == ("late", DUE)
    active = settle(Step("moved", DUE + H, due=DUE + 24 * H))
    assert (active.outcome, active.broken_at, active.reckon_at) == ("missed", DUE, DUE)


def test_renegotiated_but_delivered_after_the_final_deadline_is_late_at_that_deadline():
    state = settle(Step("moved", T0 + H, due=DUE + H), Step("delivered", DUE + 3 * H, effective_at=DUE + 3 * H))
    assert (state.outcome, state.broken_at) == ("late", DUE + H)


def test_the_break_point_is_the_first_deadline_passed():
    state = settle(
        Step("moved", DUE + H, due=DUE + 10 * H),
        Step("moved", DUE + 11 * H, due=DUE + 20 * H),
    )
    assert state.broken_at == DUE


def test_release_in_time_is_released_and_neutral():
    state = settle(Step("released", DUE - H))
    assert (state.outcome, state.reckon_at, state.released_at) == ("released", DUE - H, DUE - H)
    assert kept_rate({"released": 3}) is None


def test_a_late_release_leaves_it_missed():
    state = settle(Step("released", DUE + H))
    assert (state.outcome, state.broken_at, state.reckon_at) == ("missed", DUE, DUE)


def test_reopen_takes_back_the_last_settlement():
    state = settle(Step("delivered", T0 + H, effective_at=T0 + H), Step("reopened", T0 + 2 * H))
    assert (state.state, state.outcome, state.delivered_at) == ("active", "open", None)
    again = settle(
        Step("delivered", T0 + H, effective_at=T0 + H),
        Step("reopened", T0 + 2 * H),
        Step("delivered", DUE + H, effective_at=DUE + H),
    )
    assert again.outcome == "late"


def test_without_a_promised_event_there_is_no_promise():
    assert fold([]) is None
    assert fold([Step("moved", T0, due=DUE)]) is None


def test_rates():
    counts = {"kept": 2, "renegotiated": 1, "late": 1, "missed": 0, "released": 5, "open": 9}
    assert kept_rate(counts) == 3 / 4
    assert on_time_rate(counts) == 2 / 4
    assert on_time_rate({}) is None


def test_rates_of_counts_that_name_only_some_outcomes():
    assert kept_rate({"renegotiated": 1, "late": 1}) == 0.5
    assert on_time_rate({"late": 2}) == 0.0
    assert kept_rate({"missed": 1}) == 0.0
    assert kept_rate({"released": 3, "open": 1}) is None

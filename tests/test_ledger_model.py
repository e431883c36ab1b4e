"""A state-machine test: random histories through the real CLI, against a small model.

The model states the Vocabulary rules literally (moves in the order of the timeline, by the
time each was recorded; a move is late if it was recorded after the deadline it replaced; a delivery is late if it came after the final deadline or any move was
late; a move recorded after the time a delivery happened does not count; …) and replays the live operations from scratch, while the ledger folds events
incrementally and evaluates open/missed in SQL. Times fall on whole hours, so deadlines,
moves and deliveries often coincide exactly: the boundaries are exercised.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import Cli, fresh_ledger

pytestmark = pytest.mark.slow  # run by CI with `pytest -m slow`; see docs/testing.md

BASE = int(datetime(2026, 3, 20, tzinfo=UTC).timestamp())  # spans the March DST change
HOURS = st.integers(min_value=0, max_value=24 * 6)


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(text: str | None) -> int | None:
    return None if text is None else int(datetime.fromisoformat(text).timestamp())


@dataclass
class ModelPromise:
    promised_at: int
    first_due: int
    moves: list[tuple[int, int, int]] = field(default_factory=list)  # (recorded_at, old_due, new_due)
    settlement: tuple[str, int] | None = None  # ("delivered", when) or ("released", when)

    @property
    def counted(self) -> list[tuple[int, int, int]]:
        """The moves on the timeline before the delivery or release (all, while unsettled), in
        the order of the timeline: by the time each was recorded (`--now`), typed order on a
        tie — a move back-dated before one already typed comes first."""
        moves = sorted(self.moves, key=lambda move: move[0])
        if self.settlement is None:
            return moves
        return [move for move in moves if move[0] <= self.settlement[1]]

    def _walk(self) -> tuple[int, bool]:
        """(the deadline in force at the end, whether a move was recorded after the deadline
        it replaced), walking the counted moves in timeline order."""
        due, late = self.first_due, False
        for recorded, _, new_due in self.counted:
            late = late or recorded > due
            due = new_due
        return due, late

    @property
    def due(self) -> int:
        return self._walk()[0]

    def outcome(self, now: int) -> str:
        due, late_move = self._walk()
        if self.settlement is None:
            return "missed" if late_move or now > due else "open"
        kind, when = self.settlement
        if kind == "delivered":
            if late_move or when > due:
                return "late"
            return "renegotiated" if self.counted else "kept"
        return "missed" if late_move or when > due else "released"


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.resources = ExitStack()
        folder = Path(self.resources.enter_context(tempfile.TemporaryDirectory()))
        config = folder / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        self.cli = Cli(self.resources.enter_context(fresh_ledger(folder)), config)
        self.ops: list[tuple] = []  # live operations, oldest first; undo pops the last one
        self.next_id = 1

    def teardown(self):
        self.resources.close()

    # -- the model ------------------------------------------------------------------------

    def model(self) -> dict[int, ModelPromise]:
        promises: dict[int, ModelPromise] = {}
        for op in self.ops:
            kind, pid, now = op[0], op[1], op[2]
            if kind == "promise":
                promises[pid] = ModelPromise(now, op[3])
            elif kind == "move":
                promises[pid].moves.append((now, promises[pid].due, op[3]))
            elif kind == "deliver":
                promises[pid].settlement = ("delivered", op[3])
            elif kind == "release":
                promises[pid].settlement = ("released", now)
            elif kind == "reopen":
                promises[pid].settlement = None
        return promises

    def run(self, *args: str, now: int):
        return self.cli(*args, "--json", now=iso(now))

    def expect_refused(self, out) -> None:
        assert out.exit_code == 2, out
        assert out.stderr.count("\n") == 1 and out.stdout == ""

    # -- rules ------------------------------------------------------------------------------

    @rule(at=HOURS, due_after=st.integers(min_value=-3, max_value=24 * 5))
    def promise(self, at, due_after):
        now, due = BASE + at * 3600, BASE + (at + due_after) * 3600
        out = self.run("promise", f"P{self.next_id}", "--to", "acme", "--due", iso(due), now=now)
        if due < now:
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        assert out.json()["id"] == self.next_id
        self.ops.append(("promise", self.next_id, now, due))
        self.next_id += 1

    def target(self, data, at: int) -> tuple[int, int]:
        """A promise id (sometimes one never made) and the moment to act: `at`, or often
        exactly the promise's deadline in force, where the rules change."""
        pid = data.draw(st.integers(min_value=1, max_value=self.next_id))
        promise = self.model().get(pid)
        if promise is not None and data.draw(st.booleans()):
            return pid, promise.due + data.draw(st.sampled_from([0, 0, 3600]))
        return pid, BASE + at * 3600

    @precondition(lambda self: self.next_id > 1)
    @rule(data=st.data(), at=HOURS, delivered_before=st.sampled_from([0, 0, 1, 2, 24]))
    def deliver(self, data, at, delivered_before):
        pid, now = self.target(data, at)
        when = now - delivered_before * 3600
        out = self.run("done", str(pid), "--at", iso(when), now=now)
        promise = self.model().get(pid)
        if promise is None or promise.settlement or now < promise.promised_at or when < promise.promised_at:
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        self.ops.append(("deliver", pid, now, when))

    @precondition(lambda self: self.next_id > 1)
    @rule(data=st.data(), at=HOURS, new_due_after=st.integers(min_value=-2, max_value=24 * 5))
    def move(self, data, at, new_due_after):
        pid, now = self.target(data, at)
        new_due = now + new_due_after * 3600
        out = self.run("move", str(pid), iso(new_due), "--reason", "more time", now=now)
        promise = self.model().get(pid)
        if (
            promise is None
            or promise.settlement
            or now < promise.promised_at
            or new_due < now
            or new_due == promise.due
        ):
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        self.ops.append(("move", pid, now, new_due))

    @precondition(lambda self: self.next_id > 1)
    @rule(data=st.data(), at=HOURS)
    def release(self, data, at):
        pid, now = self.target(data, at)
        out = self.run("release", str(pid), "--reason", "agreed", now=now)
        promise = self.model().get(pid)
        if promise is None or promise.settlement or now < promise.promised_at:
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        self.ops.append(("release", pid, now))

    @precondition(lambda self: self.next_id > 1)
    @rule(data=st.data(), at=HOURS)
    def reopen(self, data, at):
        pid, now = self.target(data, at)
        out = self.run("reopen", str(pid), now=now)
        promise = self.model().get(pid)
        if promise is None or promise.settlement is None:
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        self.ops.append(("reopen", pid, now))

    @rule(at=HOURS)
    def undo(self, at):
        out = self.run("undo", now=BASE + at * 3600)
        if not self.ops:
            return self.expect_refused(out)
        assert out.exit_code == 0, out
        undone = self.ops.pop()
        assert out.json()["undone"]["promise_id"] == undone[1]

    # -- what must always hold -------------------------------------------------------------

    @invariant()
    def outcomes_match_the_model(self):
        moments = {BASE + 24 * 3 * 3600}
        if self.ops:
            moments.add(self.ops[-1][2])
            newest = self.model().get(self.ops[-1][1])
            if newest is not None:
                moments |= {newest.due, newest.due + 3600}
        for now in sorted(moments):
            listed = {p["id"]: p for p in self.run("list", "--all", now=now).json()}
            model = self.model()
            assert set(listed) == set(model)
            for pid, expected in model.items():
                got = listed[pid]
                assert got["outcome"] == expected.outcome(now), (pid, got, expected, now)
                assert epoch(got["due"]) == expected.due
                assert epoch(got["first_due"]) == expected.first_due
                assert got["moves"] == len(expected.counted)
                delivered = (
                    expected.settlement[1] if expected.settlement and expected.settlement[0] == "delivered" else None
                )
                assert epoch(got["delivered_at"]) == delivered


TestLedgerAgainstModel = LedgerMachine.TestCase
TestLedgerAgainstModel.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

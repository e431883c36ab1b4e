"""Property: the report's totals are the outcome counts of `list --all` in the same period."""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import Cli, fresh_ledger

BASE = int(datetime(2026, 10, 1, tzinfo=UTC).timestamp())
HOUR = 3600


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def reckoning(item: dict) -> int:
    """The Vocabulary's reckoning time, from the fields `list --json` shows."""
    outcome = item["outcome"]
    if outcome in ("late", "missed"):
        return epoch(item["break_point"])
    if outcome == "released":
        return epoch(item["released_at"])
    return epoch(item["due"])


promise_plan = st.tuples(
    st.integers(0, 24 * 40),  # made, hours after BASE
    st.integers(1, 24 * 10),  # due, hours after made
    st.sampled_from(["none", "deliver", "move", "release", "move+deliver"]),
    st.integers(0, 24 * 12),  # when the action happens, hours after made
    st.integers(-5, 24 * 5),  # a move's new due, hours after the move
)


@settings(max_examples=examples(40), deadline=None)
@given(
    plans=st.lists(promise_plan, min_size=1, max_size=8),
    now_hours=st.integers(0, 24 * 60),
    period=st.one_of(
        st.sampled_from([["--week"], ["--last-week"], ["--month"], ["--last-month"]]),
        st.tuples(st.integers(0, 24 * 50), st.integers(1, 24 * 30)).map(
            lambda span: ["--since", iso(BASE + span[0] * HOUR), "--until", iso(BASE + (span[0] + span[1]) * HOUR)]
        ),
    ),
    client=st.sampled_from([None, "acme"]),
)
def test_report_totals_equal_list_outcomes_in_the_period(plans, now_hours, period, client):
    with tempfile.TemporaryDirectory() as folder, fresh_ledger(Path(folder)) as location:
        config = Path(folder) / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        cli = Cli(location, config)
        for n, (made, due_after, action, act_after, new_due_after) in enumerate(plans):
            made_at = BASE + made * HOUR
            pid = cli.promise(
                f"P{n}", to=("acme", "globex")[n % 2], due=iso(made_at + due_after * HOUR), now=iso(made_at)
            )
            act_at = iso(made_at + act_after * HOUR)
            if "move" in action:
                cli("move", str(pid), iso(made_at + (act_after + new_due_after) * HOUR), "--reason", "r", now=act_at)
            if "deliver" in action:
                cli("done", str(pid), now=act_at)
            if action == "release":
                cli("release", str(pid), "--reason", "r", now=act_at)
        now = iso(BASE + now_hours * HOUR)
        narrow = ["--client", client] if client else []
        report = cli.json("report", *period, *narrow, now=now)
        listed = cli.json("list", "--all", *narrow, now=now)
    start, end = epoch(report["period"]["start"]), epoch(report["period"]["end"])
    counted = Counter(item["outcome"] for item in listed if start <= reckoning(item) < end)
    totals = report["totals"]
    assert {key: totals[key] for key in ("kept", "renegotiated", "late", "missed", "released", "open")} == {
        key: counted.get(key, 0) for key in ("kept", "renegotiated", "late", "missed", "released", "open")
    }
    judged = counted["kept"] + counted["renegotiated"] + counted["late"] + counted["missed"]
    if judged:
        assert totals["kept_rate"] == (counted["kept"] + counted["renegotiated"]) / judged
        assert totals["on_time_rate"] == counted["kept"] / judged
    else:
        assert totals["kept_rate"] is None and totals["on_time_rate"] is None
    assert sum(c["kept"] for c in report["clients"]) == totals["kept"]

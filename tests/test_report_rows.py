"""Property: every count in a report has its rows below it, in the table and in JSON.

Each promise reckoned in the period is listed once under its outcome: the broken promises
(late and missed), the renegotiations (every renegotiated promise, with its moves), and the
kept, released and open sections; per client as in the totals.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import Cli, fresh_ledger

OUTCOMES = ("kept", "renegotiated", "late", "missed", "released", "open")
BASE = int(datetime(2026, 10, 1, tzinfo=UTC).timestamp())
HOUR = 3600


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


promise_plan = st.tuples(
    st.integers(0, 24 * 40),  # made, hours after BASE
    st.integers(1, 24 * 10),  # due, hours after made
    st.sampled_from(["none", "deliver", "move", "release", "move+deliver", "move+move+deliver", "move+release"]),
    st.integers(0, 24 * 12),  # when the action happens, hours after made
    st.integers(-5, 24 * 5),  # a move's new due, hours after the move
)


def record(cli: Cli, plans) -> None:
    for n, (made, due_after, action, act_after, new_due_after) in enumerate(plans):
        made_at = BASE + made * HOUR
        pid = cli.promise(f"P{n}", to=("acme", "globex")[n % 2], due=iso(made_at + due_after * HOUR), now=iso(made_at))
        act_at = made_at + act_after * HOUR
        for step in range(action.count("move")):
            moved_at = act_at - (action.count("move") - step) * HOUR
            new_due = iso(moved_at + (new_due_after + step) * HOUR)
            cli("move", str(pid), new_due, "--reason", f"r{step}", now=iso(max(moved_at, made_at)))
        if "deliver" in action:
            cli("done", str(pid), now=iso(act_at))
        if "release" in action:
            cli("release", str(pid), "--reason", "r", now=iso(act_at))


def json_rows(report: dict) -> dict[str, list[tuple[int, str]]]:
    """(id, client) of the rows listed under each outcome in the JSON report."""
    promises = {p["id"]: p for p in report["promises"]}
    rows: dict[str, list[tuple[int, str]]] = {outcome: [] for outcome in OUTCOMES}
    for b in report["broken"]:
        rows[b["outcome"]].append((b["id"], b["client"]))
    moved = {r["id"]: r["client"] for r in report["renegotiations"] if r["outcome"] == "renegotiated"}
    rows["renegotiated"] = sorted(moved.items())
    for outcome in ("kept", "released", "open"):
        rows[outcome] = [(p["id"], p["client"]) for p in report["promises"] if p["outcome"] == outcome]
    for r in report["renegotiations"]:
        assert promises[r["id"]]["outcome"] == r["outcome"]  # a move listed is of a promise listed
    return rows


def table_sections(text: str) -> dict[str, list[list[str]]]:
    """The report's tables by title: each a list of rows split on runs of two spaces or more."""
    import re

    sections: dict[str, list[list[str]]] = {}
    for block in text.split("\n\n"):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if len(lines) >= 2 and lines[1].lstrip().startswith(("ID", "Client")):
            sections[lines[0].strip()] = [re.split(r" {2,}", line.strip()) for line in lines[2:]]
    return sections


def table_rows(text: str) -> tuple[dict[str, list[tuple[int, str]]], dict[str, dict[str, int]]]:
    sections = table_sections(text)
    rows: dict[str, list[tuple[int, str]]] = {outcome: [] for outcome in OUTCOMES}
    for cells in sections.get("Broken promises", []):
        missed = cells[4] in ("not delivered", "released")
        rows["missed" if missed else "late"].append((int(cells[0]), cells[1]))
    moved = {int(cells[0]): cells[1] for cells in sections.get("Renegotiated dates", []) if cells[-1] == "renegotiated"}
    rows["renegotiated"] = sorted(moved.items())
    for outcome, heading in (("kept", "Kept"), ("released", "Released"), ("open", "Open")):
        rows[outcome] = [(int(cells[0]), cells[1]) for cells in sections.get(heading, [])]
    scores = {
        cells[0]: dict(zip(OUTCOMES, map(int, cells[1:7])))
        for cells in sections.get("Clients, worst kept rate first", [])
    }
    return rows, scores


def tally(rows: dict[str, list[tuple[int, str]]], client: str | None = None) -> dict[str, int]:
    return {outcome: sum(1 for _, c in listed if client in (None, c)) for outcome, listed in rows.items()}


@settings(max_examples=examples(30), deadline=None)
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
def test_every_count_has_its_rows_in_json_and_in_the_table(plans, now_hours, period, client):
    with tempfile.TemporaryDirectory() as folder, fresh_ledger(Path(folder)) as location:
        config = Path(folder) / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        cli = Cli(location, config)
        record(cli, plans)
        now = iso(BASE + now_hours * HOUR)
        narrow = ["--client", client] if client else []
        report = cli.json("report", *period, *narrow, now=now)
        table = cli.ok("report", *period, *narrow, now=now).stdout

    totals = {outcome: report["totals"][outcome] for outcome in OUTCOMES}
    listed = json_rows(report)
    assert tally(listed) == totals
    assert Counter(p["outcome"] for p in report["promises"]) == Counter({k: v for k, v in totals.items() if v})
    for score in report["clients"]:
        assert tally(listed, score["client"]) == {outcome: score[outcome] for outcome in OUTCOMES}

    shown, scores = table_rows(table)
    assert shown == listed
    if any(totals.values()):
        assert tally(shown) == {outcome: int(word) for outcome, word in _summary(table).items()}
    for handle, counts in scores.items():
        assert tally(shown, handle) == counts


def _summary(table: str) -> dict[str, str]:
    """The table's totals line: 'kept 2   renegotiated 1   late 1 …'."""
    line = next(line for line in table.splitlines() if line.startswith("kept "))
    words = line.split()
    return dict(zip(words[::2], words[1::2]))

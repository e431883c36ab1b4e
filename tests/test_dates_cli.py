"""Dates through the command line, beyond the issue-12 scenarios: forms that already worked
and must keep working beside the new ones."""

from __future__ import annotations

import pytest

SATURDAY = "2026-11-28T10:00+01:00"


def berlin(config, *lines: str) -> None:
    config.write_text("\n".join(['timezone = "Europe/Berlin"', *lines]) + "\n")


@pytest.mark.parametrize(
    "when, expected",
    [
        ("in 2 days", "2026-11-27T17:00:00+01:00"),  # "in …" counts from now, also in a move
        ("fri", "2026-11-27T17:00:00+01:00"),
        ("this fri", "2026-11-27T17:00:00+01:00"),
    ],
)
def test_a_move_to_a_named_day_or_in_n_days_counts_from_now(cli, when, expected):
    pid = cli.promise(due="2026-12-20")
    assert cli.json("move", str(pid), when, "--reason", "client asked")["due"] == expected


def test_day_end_may_be_written_5pm(cli):
    berlin(cli.config, 'day_end = "5pm"')
    assert cli.json("promise", "Draft", "--to", "acme", "--due", "fri")["due"] == "2026-11-27T17:00:00+01:00"
    berlin(cli.config, 'day_end = "4:30pm"')
    assert cli.json("promise", "Draft", "--to", "acme", "--due", "fri")["due"] == "2026-11-27T16:30:00+01:00"


def test_a_report_since_a_weekday_looks_back(cli):
    report = cli.json("report", "--since", "fri", now=SATURDAY)
    assert report["period"]["start"] == "2026-11-27T00:00:00+01:00"

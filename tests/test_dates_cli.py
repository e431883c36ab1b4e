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


def test_what_list_and_show_print_can_be_typed_back(cli):
    first = cli.promise(due="fri 16:45")
    listed = cli.ok("list").stdout
    assert "Fri 27 Nov 16:45" in listed
    again = cli.json("promise", "Again", "--to", "acme", "--due", "Fri 27 Nov 16:45")
    assert again["due"] == cli.json("show", str(first))["due"] == "2026-11-27T16:45:00+01:00"
    next_year = cli.json("promise", "Later", "--to", "acme", "--due", "2027-01-08 09:00")
    shown = cli.ok("show", str(next_year["id"])).stdout
    assert "Fri 8 Jan 2027 09:00" in shown
    assert cli.json("promise", "Again", "--to", "acme", "--due", "Fri 8 Jan 2027 09:00")["due"] == next_year["due"]


def test_relative_phrases_views_print_are_read_too(cli):
    pid = cli.promise(due="next week", now="2026-11-16T10:00+01:00")
    done = cli.json("done", str(pid), "--at", "3 h overdue")
    assert done[0]["delivered_at"] == "2026-11-25T07:00:00+01:00"

"""The report's other half: how promptly clients answer what they were asked for.

An ask counts in the period it was received in; it was answered late when received after
the date it was needed by; the median wait runs from asked to received. Per client, in the
totals, and the late ones listed — in every format."""

from __future__ import annotations

import csv
import io
import re
import statistics
from datetime import datetime, timedelta

import pytest

from asks_fixture import add_ask, undo
from conftest import built


@pytest.fixture
def answered(cli):
    """The week of Mon 23 Nov (now: Wed 25 Nov 10:00 Berlin). Acme answered the SOW 18 h late
    and the data in 5 h; globex gave access 16 h late; the approval came last week; the budget
    is still awaited; the sign-off's receipt was undone."""
    return built(cli, type_answered)


def type_answered(cli):
    cli.promise("Report", due="fri")
    add_ask(cli, "acme", "the signed SOW", "2026-11-16T10:00:00+01:00", needed_by="2026-11-23T17:00:00+01:00",
            received_at="2026-11-24T11:00:00+01:00")  # fmt: skip
    add_ask(cli, "acme", "the data", "2026-11-23T09:00:00+01:00", received_at="2026-11-23T14:00:00+01:00")
    add_ask(cli, "acme", "approval", "2026-11-17T10:00:00+01:00", needed_by="2026-11-20T17:00:00+01:00",
            received_at="2026-11-20T12:00:00+01:00")  # fmt: skip
    add_ask(cli, "globex", "access", "2026-11-23T10:00:00+01:00", needed_by="2026-11-24T17:00:00+01:00",
            received_at="2026-11-25T09:00:00+01:00")  # fmt: skip
    add_ask(cli, "globex", "the budget", "2026-11-16T10:00:00+01:00", needed_by="2026-11-20T17:00:00+01:00")
    add_ask(cli, "acme", "the sign-off", "2026-11-23T10:00:00+01:00", received_at="2026-11-24T10:00:00+01:00")
    undo(cli, now="2026-11-24T10:05:00+01:00")
    return cli


def test_ask_figures_per_client_and_in_all_in_json(answered):
    data = answered.json("report", "--week")
    assert data["totals"]["asks"] == {"answered": 3, "answered_late": 2, "median_wait_hours": 47.0}
    by_client = {c["client"]: c["asks"] for c in data["clients"]}
    assert by_client == {
        "acme": {"answered": 2, "answered_late": 1, "median_wait_hours": 99.0},  # (5 h + 193 h) / 2
        "globex": {"answered": 1, "answered_late": 1, "median_wait_hours": 47.0},
    }
    assert data["asks_late"] == [
        {"id": 2, "title": "the signed SOW", "client": "acme", "asked_at": "2026-11-16T10:00:00+01:00",
         "needed_by": "2026-11-23T17:00:00+01:00", "received_at": "2026-11-24T11:00:00+01:00", "late_hours": 18.0},
        {"id": 5, "title": "access", "client": "globex", "asked_at": "2026-11-23T10:00:00+01:00",
         "needed_by": "2026-11-24T17:00:00+01:00", "received_at": "2026-11-25T09:00:00+01:00", "late_hours": 16.0},
    ]  # fmt: skip


def test_last_week_counts_the_approval_only(answered):
    data = answered.json("report", "--last-week")
    assert data["totals"]["asks"] == {"answered": 1, "answered_late": 0, "median_wait_hours": 74.0}
    assert data["asks_late"] == []


def test_a_period_without_answers_has_no_figures(answered):
    data = answered.json("report", "--since", "2026-11-01", "--until", "2026-11-10")
    assert data["totals"]["asks"] == {"answered": 0, "answered_late": 0, "median_wait_hours": None}
    assert "Asks answered" not in answered.ok("report", "--since", "2026-11-01", "--until", "2026-11-10").stdout


def test_one_clients_report_has_only_its_asks(answered):
    data = answered.json("report", "--week", "--client", "globex")
    assert data["totals"]["asks"] == {"answered": 1, "answered_late": 1, "median_wait_hours": 47.0}
    assert [a["client"] for a in data["asks_late"]] == ["globex"]
    assert [c["client"] for c in data["clients"]] == ["globex"]


def test_ask_figures_in_markdown(answered):
    text = answered.ok("report", "--week", "--format", "markdown").stdout
    assert (
        "### Asks answered by clients\n"
        "\n"
        "| Client | Answered | Late | Median wait |\n"
        "|---|--:|--:|--:|\n"
        "| acme | 2 | 1 | 4.1 days |\n"
        "| globex | 1 | 1 | 2.0 days |\n"
        "| **All** | 3 | 2 | 2.0 days |\n"
        "\n"
        "### Asks answered late\n"
        "\n"
        "| # | Client | Ask | Needed by | Received | How late |\n"
        "|--:|---|---|---|---|--:|\n"
        "| 2 | acme | the signed SOW | Mon 23 Nov 17:00 | Tue 24 Nov 11:00 | 18 h |\n"
        "| 5 | globex | access | Tue 24 Nov 17:00 | Wed 25 Nov 09:00 | 16 h |\n"
    ) in text


def test_ask_figures_in_csv(answered):
    rows = list(csv.DictReader(io.StringIO(answered.ok("report", "--week", "--format", "csv").stdout)))
    figures = {r["client"]: (r["asks_answered"], r["asks_answered_late"], r["asks_median_wait_hours"]) for r in rows}
    assert figures == {"acme": ("2", "1", "99.00"), "globex": ("1", "1", "47.00"), "(total)": ("3", "2", "47.00")}


def test_ask_figures_in_the_table(answered):
    text = answered.ok("report", "--week").stdout
    assert "Asks answered by clients" in text and "Asks answered late" in text
    lines = text.splitlines()
    assert any(line.split() == ["acme", "2", "1", "4.1", "days"] for line in lines), text
    assert any(line.split()[:3] == ["2", "acme", "the"] and line.endswith("18 h") for line in lines), text


def test_under_a_day_the_median_wait_is_in_hours(cli):
    cli.promise("Report", due="fri")
    add_ask(cli, "acme", "the data", "2026-11-23T09:00:00+01:00", received_at="2026-11-23T14:30:00+01:00")
    assert "| acme | 1 | 0 | 5.5 h |" in cli.ok("report", "--week", "--format", "markdown").stdout


@pytest.mark.parametrize("waits", [[3], [1, 9], [5, 1, 30], [2, 2, 8, 40], [7, 1, 1, 50, 3]])
def test_the_median_wait_is_the_median(cli, waits):
    """Aggregated in SQL (the middle one, or the mean of the middle two), it agrees with Python's."""
    received = datetime.fromisoformat("2026-11-24T12:00:00+01:00")
    for n, hours in enumerate(waits):
        asked = (received - timedelta(hours=hours)).isoformat()
        add_ask(cli, "acme", f"item {n}", asked, received_at=received.isoformat())
    data = cli.json("report", "--week")
    assert data["totals"]["asks"]["median_wait_hours"] == statistics.median(waits)
    assert data["clients"][0]["asks"]["median_wait_hours"] == statistics.median(waits)


def test_asks_answered_in_a_period_without_promises_are_still_shown(cli):
    cli.promise("Next month", due="2026-12-18")
    add_ask(cli, "acme", "the data", "2026-11-23T09:00:00+01:00", received_at="2026-11-23T14:30:00+01:00")
    text = cli.ok("report", "--week", "--format", "markdown").stdout
    assert "No promises fall in the week" in text and "| acme | 1 | 0 | 5.5 h |" in text
    table = cli.ok("report", "--week").stdout
    assert "No promises fall in the week" in table and "Asks answered by clients" in table
    assert [c["client"] for c in cli.json("report", "--week")["clients"]] == ["acme"]


def test_the_asks_of_a_merged_client_count_as_the_one_it_was_merged_into(answered):
    answered.ok("client", "merge", "globex", "acme", now="2026-11-25T09:30:00+01:00")
    data = answered.json("report", "--week")
    assert [c["client"] for c in data["clients"] if c["asks"]["answered"]] == ["acme"]
    assert data["clients"][0]["asks"] == {"answered": 3, "answered_late": 2, "median_wait_hours": 47.0}
    assert [a["client"] for a in data["asks_late"]] == ["acme", "acme"]
    assert [n["title"] for n in answered.json("brief", "acme")["needs"]] == ["the budget", "the sign-off"]


def test_ask_figures_in_html_and_in_the_clients_report(answered):
    from html.parser import HTMLParser

    page = answered.ok("report", "--week", "--format", "html").stdout
    HTMLParser().feed(page)
    assert "<h2>Asks answered</h2>" in page and "<h2>Asks answered late</h2>" in page
    assert "<td>the signed SOW</td>" in page and "<td>access</td>" in page and ">4.1 days</td>" in page
    mine = answered.ok("report", "--week", "--client", "acme", "--for-client", "--format", "html").stdout
    assert "<td>the signed SOW</td>" in mine and "access" not in mine and "globex" not in mine
    assert '<th class="num">#</th>' not in mine and "<td>All</td>" not in mine
    markdown = answered.ok("report", "--week", "--client", "acme", "--for-client", "--format", "markdown").stdout
    assert "| acme | 2 | 1 | 4.1 days |" in markdown and "| the signed SOW |" in markdown
    assert "| 2 |" not in markdown.replace("| acme | 2 |", "") and "**All**" not in markdown
    table = answered.ok("report", "--week", "--client", "acme", "--for-client").stdout
    assert "the signed SOW" in table and "All" not in table and not re.search(r"^\s*2\s+acme", table, re.M)
    assert answered.json("report", "--week", "--client", "acme", "--for-client")["asks_late"][0]["id"] is None

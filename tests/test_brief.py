"""The status brief: delivered, overdue, coming up, moved, cancelled — for one client."""

from __future__ import annotations

import pytest

from asks_fixture import add_ask, undo


@pytest.fixture
def week(cli):
    """Acme's week, seen on Wednesday 25 Nov 10:00 Berlin; the last update went out Monday."""
    made = "2026-11-16T09:00:00+01:00"
    sent = cli.promise("Q3 numbers", due="2026-11-20", now=made, criteria="as a spreadsheet")
    cli.ok("done", str(sent), now="2026-11-20T11:00:00+01:00")  # before the last update
    cli.ok("brief", "acme", "--sent", now="2026-11-23T09:00:00+01:00")
    report = cli.promise("Revised proposal", due="2026-11-24", now=made)
    cli.ok("done", str(report), now="2026-11-24T15:00:00+01:00")
    slides = cli.promise("Workshop slides", due="2026-11-24 12:00", now=made)
    contract = cli.promise("Contract draft", due="2026-11-26", now=made)
    cli.ok(
        "move", str(contract), "2026-11-30", "--reason", "waiting for your legal team", now="2026-11-24T09:00:00+01:00"
    )
    dropped = cli.promise("Logo ideas", due="2026-11-27", now=made)
    cli.ok("release", str(dropped), "--reason", "not needed", now="2026-11-24T10:00:00+01:00")
    cli.promise("Other client's work", to="globex", due="fri", now=made)
    return cli, slides


def test_brief_sections_since_the_last_update(week):
    cli, _ = week
    text = cli.ok("brief", "acme").stdout
    assert text == (
        "**Status update for acme** · Wed 25 Nov 2026\n"
        "\n"
        "Since our last update on Mon 23 Nov 09:00:\n"
        "\n"
        "**Delivered**\n"
        "- Revised proposal — delivered Tue 24 Nov 15:00\n"
        "\n"
        "**Overdue**\n"
        "- Workshop slides — was due Tue 24 Nov 12:00, now 22 h late\n"
        "\n"
        "**Coming up**\n"
        "- Contract draft — by Mon 30 Nov 17:00\n"
        "\n"
        "**Dates that moved**\n"
        "- Contract draft: Thu 26 Nov 17:00 → Mon 30 Nov 17:00, because waiting for your legal team\n"
        "\n"
        "**Cancelled by agreement**\n"
        "- Logo ideas\n"
    )


def test_since_widens_the_brief(week):
    cli, _ = week
    text = cli.ok("brief", "acme", "--since", "2026-11-16").stdout
    assert "Since our last update on Mon 16 Nov 00:00:" in text
    assert "- Q3 numbers (as a spreadsheet) — delivered Fri 20 Nov 11:00" in text


def test_brief_json_and_sent_records_an_event(week):
    cli, slides = week
    data = cli.json("brief", "acme", "--sent")
    assert [p["id"] for p in data["overdue"]] == [slides]
    assert [p["title"] for p in data["delivered"]] == ["Revised proposal"]
    assert [m["reason"] for m in data["moved"]] == ["waiting for your legal team"]
    assert data["sent"] is True and data["markdown"].startswith("**Status update for acme**")
    assert cli.json("log", "--limit", "1")[0]["kind"] == "update-sent"
    after = cli.ok("brief", "acme").stdout
    assert "Since our last update on Wed 25 Nov 10:00:" in after
    assert "Delivered" not in after and "Workshop slides" in after  # still overdue, still said


def test_brief_in_the_clients_time_zone_with_its_name(week):
    cli, _ = week
    cli.ok("client", "terms", "acme", "--timezone", "Europe/London")
    text = cli.ok("brief", "acme").stdout
    assert text.startswith("**Status update for acme** · Wed 25 Nov 2026 (times in Europe/London)")
    assert "- Revised proposal — delivered Tue 24 Nov 14:00" in text


def test_an_empty_brief_says_so(cli):
    cli.ok("client", "add", "quiet", "--name", "Quiet & Co")
    assert cli.ok("brief", "quiet").stdout == (
        "**Status update for Quiet & Co** · Wed 25 Nov 2026\n\nWhere things stand:\n\n"
        "Nothing is open, and nothing has changed.\n"
    )


def test_brief_escapes_markdown_in_user_text(cli):
    cli.promise("Fix *all* the [links] | now", to="acme")
    text = cli.ok("brief", "acme").stdout
    assert r"Fix \*all\* the \[links\] \| now" in text


def test_brief_of_an_unknown_client_is_refused(cli):
    out = cli("brief", "nobody")
    assert out.exit_code == 2 and "no client nobody" in out.stderr


# -- what we need from you (asks) -------------------------------------------------------------


@pytest.fixture
def waiting(week):
    """Acme owes a signed SOW (late), data (due Friday noon) and feedback (no date); its
    sign-off came in yesterday, a logo file before the last update; globex owes something too."""
    cli, _ = week
    add_ask(cli, "acme", "the signed SOW", "2026-11-16T10:00:00+01:00", needed_by="2026-11-23T17:00:00+01:00")
    add_ask(cli, "acme", "feedback on the draft", "2026-11-17T10:00:00+01:00")
    add_ask(cli, "acme", "the *sales* data", "2026-11-24T10:00:00+01:00", needed_by="2026-11-27T12:00:00+01:00")
    add_ask(cli, "acme", "the sign-off", "2026-11-18T10:00:00+01:00", received_at="2026-11-24T16:00:00+01:00")
    add_ask(cli, "acme", "the logo file", "2026-11-16T10:00:00+01:00", received_at="2026-11-20T16:00:00+01:00")
    add_ask(cli, "globex", "their budget", "2026-11-16T10:00:00+01:00")
    return cli


def test_the_brief_says_what_we_need_from_the_client(waiting):
    text = waiting.ok("brief", "acme").stdout
    assert (
        "**What we need from you**\n"
        "- the signed SOW, asked Mon 16 Nov, needed by Mon 23 Nov — 2 days ago\n"
        "- the \\*sales\\* data, asked Tue 24 Nov, needed by Fri 27 Nov 12:00\n"
        "- feedback on the draft, asked Tue 17 Nov\n"
        "\n"
        "**Received, thank you**\n"
        "- the sign-off, received Tue 24 Nov\n"
        "\n"
        "**Cancelled by agreement**\n"
    ) in text
    assert "logo" not in text and "budget" not in text  # received before the last update; another client's


def test_the_needs_in_json(waiting):
    data = waiting.json("brief", "acme")
    assert data["needs"] == [
        {"id": 7, "title": "the signed SOW", "asked_at": "2026-11-16T10:00:00+01:00",
         "needed_by": "2026-11-23T17:00:00+01:00", "late": True},
        {"id": 9, "title": "the *sales* data", "asked_at": "2026-11-24T10:00:00+01:00",
         "needed_by": "2026-11-27T12:00:00+01:00", "late": False},
        {"id": 8, "title": "feedback on the draft", "asked_at": "2026-11-17T10:00:00+01:00", "needed_by": None,
         "late": False},
    ]  # fmt: skip
    assert [(n["id"], n["received_at"]) for n in data["received"]] == [(10, "2026-11-24T16:00:00+01:00")]
    assert "**What we need from you**" in data["markdown"]


def test_a_brief_with_only_asks_is_not_empty(cli):
    add_ask(cli, "acme", "the signed SOW", "2026-11-24T10:00:00+01:00", needed_by="2027-01-08T17:00:00+01:00")
    text = cli.ok("brief", "acme").stdout
    assert "Nothing is open" not in text
    assert "- the signed SOW, asked Tue 24 Nov, needed by Fri 8 Jan 2027\n" in text


def test_an_undone_ask_is_not_asked_for(cli):
    cli.promise("Report", due="fri")
    add_ask(cli, "acme", "the signed SOW", "2026-11-24T10:00:00+01:00")
    undo(cli, now="2026-11-24T10:01:00+01:00")
    assert "What we need" not in cli.ok("brief", "acme").stdout and cli.json("brief", "acme")["needs"] == []

"""Client terms, inbound requests, feedback and owed status updates, through the CLI."""

from __future__ import annotations

import pytest

from expectcli.core.clients import nps

WED = "2026-11-25T10:00:00+01:00"  # the suite's default now


def test_terms_show_defaults_then_agreed_values(cli):
    shown = cli.json("client", "terms", "acme")
    assert shown == {"client": "acme", "respond_within": "1bd", "update_every": None, "hours": "09:00-17:00",
                     "timezone": "Europe/Berlin", "holidays": None, "notice": "1bd", "agreed": []}  # fmt: skip
    set_ = cli.json("client", "terms", "acme", "--respond-within", "4h", "--update-every", "1w",
                    "--hours", "08:30-16:30", "--timezone", "Europe/London")  # fmt: skip
    assert set_ == {"client": "acme", "respond_within": "4h", "update_every": "1w", "hours": "08:30-16:30",
                    "timezone": "Europe/London", "holidays": None, "notice": "1bd", "agreed": ["respond_within", "timezone", "update_every",
                                                            "work_hours"]}  # fmt: skip
    partial = cli.json("client", "terms", "acme", "--update-every", "2w")
    assert (partial["respond_within"], partial["update_every"]) == ("4h", "2w")
    text = cli.ok("client", "terms", "acme").stdout
    assert "respond within  4h" in text and "agreed" in text
    assert cli.json("client", "terms", "acme", "--update-every", "none")["update_every"] is None


def test_terms_defaults_come_from_the_config(cli):
    cli.config.write_text('timezone = "Europe/Berlin"\nrespond_within = "2h"\nupdate_every = "2w"\nday_end = "18:00"\n')
    shown = cli.json("client", "terms", "acme")
    assert (shown["respond_within"], shown["update_every"], shown["hours"]) == ("2h", "2w", "09:00-18:00")


def test_terms_changes_are_journaled_and_undoable(cli):
    cli.ok("client", "terms", "acme", "--respond-within", "4h")
    cli.ok("client", "terms", "acme", "--respond-within", "1bd")
    assert cli.json("log", "--limit", "1")[0]["kind"] == "terms"
    cli.ok("undo")
    assert cli.json("client", "terms", "acme")["respond_within"] == "4h"
    cli.ok("undo")
    assert cli.json("client", "terms", "acme")["agreed"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--respond-within", "soonish"], "can't read 'soonish' as a duration"),
        (["--update-every", "-1w"], "negative"),
        (["--hours", "9 to 5"], "can't read '9 to 5' as working hours"),
        (["--hours", "17:00-09:00"], "end before they start"),
        (["--timezone", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_bad_terms_are_refused_and_nothing_written(cli, args, message):
    before = cli.journal_size()
    out = cli("client", "terms", "acme", *args)
    assert out.exit_code == 2 and message in out.stderr and out.stderr.count("\n") == 1
    assert cli.journal_size() == before


def test_inbound_is_a_reply_due_by_the_response_window(cli):
    cli.ok("client", "terms", "acme", "--respond-within", "4h")
    reply = cli.json("inbound", "acme", "Send the Q3 numbers", now="2026-11-25T16:00:00+01:00")
    assert (reply["kind"], reply["due"]) == ("reply", "2026-11-26T12:00:00+01:00")
    assert reply["promised_at"] == "2026-11-25T16:00:00+01:00"


def test_inbound_uses_the_config_default_for_a_new_client(cli):
    reply = cli.json("inbound", "newco", "Call back about the contract", now="2026-11-27T14:00:00+01:00")
    assert reply["due"] == "2026-11-30T14:00:00+01:00"  # 1bd over the weekend
    assert cli.json("client", "list")[0]["client"] == "newco"


def test_inbound_that_arrived_earlier_counts_from_arrival(cli):
    cli.ok("client", "terms", "acme", "--respond-within", "2h")
    late = cli.json("inbound", "acme", "Where is the invoice?", "--at", "2026-11-24 09:00")
    assert late["promised_at"] == "2026-11-24T09:00:00+01:00"
    assert late["due"] == "2026-11-24T11:00:00+01:00"
    assert late["outcome"] == "missed"  # honest: the window has already passed
    future = cli("inbound", "acme", "X", "--at", "tomorrow")
    assert future.exit_code == 2 and "cannot arrive in the future" in future.stderr


def test_inbound_skips_public_holidays_when_configured(cli):
    cli.config.write_text('timezone = "Europe/Berlin"\nholidays = "DE"\n')
    reply = cli.json("inbound", "acme", "Year-end figures", now="2026-12-24T16:00:00+01:00")
    assert reply["due"] == "2026-12-28T16:00:00+01:00"  # 25th and 26th are holidays, 27th a Sunday
    cli.config.write_text('timezone = "Europe/Berlin"\nholidays = "XX"\n')
    before = cli.journal_size()
    out = cli("inbound", "acme", "Y")
    assert out.exit_code == 2 and "unknown country 'XX'" in out.stderr
    assert cli.journal_size() == before


def test_feedback_scores_and_refusals(cli):
    cli.promise()
    recorded = cli.json("feedback", "acme", "9", "--note", "Would refer us")
    assert (recorded["kind"], recorded["score"], recorded["text"]) == ("feedback", 9, "Would refer us")
    before = cli.journal_size()
    for args, message in ((["acme", "11"], "0 to 10"), (["acme", "--", "-1"], "not a score"),
                          (["acme", "nine"], "not a score"), (["nobody", "5"], "no client nobody")):  # fmt: skip
        out = cli("feedback", *args)
        assert out.exit_code == 2 and message in out.stderr and out.stderr.count("\n") == 1
    assert cli.journal_size() == before


@pytest.mark.parametrize(
    "promoters, detractors, total, expected",
    [(0, 0, 0, None), (3, 0, 3, 100), (0, 2, 2, -100), (0, 0, 4, 0), (1, 1, 2, 0), (1, 0, 3, 33), (2, 0, 3, 67),
     (1, 0, 8, 13), (0, 1, 8, -13), (5, 2, 10, 30)],
)  # fmt: skip
def test_nps_edges(promoters, detractors, total, expected):
    assert nps(promoters, detractors, total) == expected


def test_report_shows_nps_per_client_and_overall(cli):
    cli.promise(to="acme", due="today")
    cli.promise(to="globex", due="today")
    for client, score in (("acme", "10"), ("acme", "9"), ("acme", "3"), ("globex", "7"), ("globex", "8")):
        cli.ok("feedback", client, score)
    cli.ok("feedback", "acme", "0", now="2026-11-10T10:00:00+01:00")  # another week: not counted
    report = cli.json("report")
    by_client = {c["client"]: c["nps"] for c in report["clients"]}
    assert by_client == {"acme": 33, "globex": 0}
    rows = cli.ok("report", "--format", "csv").stdout.splitlines()
    total = dict(zip(rows[0].split(","), rows[-1].split(",")))
    assert total["client"] == "(total)" and total["nps"] == "20"  # 2 promoters, 1 detractor of 5
    assert "NPS 20" in cli.ok("report").stdout
    cli.ok("undo", now="2026-11-25T11:00:00+01:00")  # the acme 0 from another week
    cli.ok("undo", now="2026-11-25T11:00:00+01:00")  # globex 8
    assert {c["client"]: c["nps"] for c in cli.json("report")["clients"]}["globex"] == 0  # one passive


def test_a_client_with_only_feedback_appears_in_the_scorecard(cli):
    cli.ok("client", "add", "quiet")
    cli.ok("feedback", "quiet", "10")
    (row,) = cli.json("report")["clients"]
    assert (row["client"], row["nps"], row["kept_rate"]) == ("quiet", 100, None)


def test_owed_status_updates_are_flagged_in_due_report_and_client_show(cli):
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-16T09:00:00+01:00")
    cli.promise(to="acme", due="dec 10", now="2026-11-16T09:00:00+01:00")
    due = cli("due")
    assert due.exit_code == 1
    assert "Status update owed to acme — every 1w, last: none sent yet, due Mon 23 Nov 09:00" in due.stdout
    assert cli("due", "--count").stdout == "1 update owed\n"
    assert cli("due", "--count", "--json").json()["updates_overdue"] == 1
    shown = cli.json("client", "show", "acme")
    assert shown["update_overdue"] is True and shown["update_due"] == "2026-11-23T09:00:00+01:00"
    assert "**Status update owed** to acme." in cli.ok("report", "--format", "markdown").stdout
    assert "Status update owed to acme" in cli.ok("report").stdout
    cli.ok("brief", "acme", "--sent")
    assert cli("due", "--count").stdout == ""
    shown = cli.json("client", "show", "acme")
    assert shown["last_update"] == "2026-11-25T10:00:00+01:00" and shown["update_overdue"] is False
    later = cli("due", "--count", now="2026-12-02T10:01:00+01:00")  # times are whole minutes
    assert later.stdout == "1 update owed\n"


def test_a_delivery_since_the_last_update_is_work_to_report_even_with_nothing_in_hand(cli):
    """PRODUCT.md "Client terms": a client with a cadence is owed an update while it has any
    promise open or any delivered since the last update."""
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-01T09:00:00+01:00")
    pid = cli.promise(to="acme", due="dec 10", now="2026-11-01T09:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-18T10:00:00+01:00")
    # delivered, nothing in hand, no update since the terms (1 Nov): owed since 8 Nov
    assert cli("due", "--count").stdout == "1 update owed\n"
    assert cli.json("client", "show", "acme")["update_due"] is not None
    assert [o["client"] for o in cli("due", "--json").json()["updates_owed"]] == ["acme"]
    # as of a moment before the delivery, nothing had been delivered yet: nothing to report
    assert cli("due", "--count", now="2026-11-17T10:00:00+01:00").stdout == ""
    cli.ok("brief", "acme", "--sent")
    # the update told of the delivery: nothing in hand and nothing delivered since
    assert cli("due", "--count").stdout == ""
    assert cli.json("client", "show", "acme")["update_due"] is None


def test_the_scorecard_marks_a_client_owed_an_update(cli):
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-09T09:00:00+01:00")
    cli.promise(to="acme", due="today", now="2026-11-09T09:00:00+01:00")
    cli.promise(to="acme", due="fri")
    out = cli.ok("report", "--format", "markdown").stdout
    assert "| — (update overdue) |" in out

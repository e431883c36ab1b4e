"""Asks and paused clocks through the command line: `expect ask`, `expect received`, the
paused time in outcomes, and the views that show them (show, list, log, due, brief, undo).

The clock is conftest's NOW: Wednesday 25 Nov 2026, 10:00 in Berlin."""

from __future__ import annotations

import pytest

from conftest import NOW, run_expect

WED = NOW  # 2026-11-25 10:00 +01:00
THU = "2026-11-26T10:00:00+01:00"
FRI = "2026-11-27T10:00:00+01:00"
MON = "2026-11-30T10:00:00+01:00"
TUE = "2026-12-01T10:00:00+01:00"


def test_promises_and_asks_share_one_sequence_of_ids(cli):
    assert cli.promise("Send the draft") == 1
    asked = cli.json("ask", "acme", "the signed SOW")
    assert (asked["id"], asked["type"], asked["state"]) == (2, "ask", "waiting")
    assert cli.promise("Send the plan") == 3
    assert cli.json("show", "2")["type"] == "ask"
    assert cli.json("show", "3")["title"] == "Send the plan"


def test_ask_prints_one_line_with_what_it_pauses(cli):
    cli.promise("Send the draft", due="fri")
    out = cli.ok("ask", "acme", "the signed SOW", "--by", "thu 17:00", "--blocks", "1")
    assert out.stdout == 'Asked acme for #2 "the signed SOW", needed by Thu 26 Nov 17:00; #1 paused until it comes\n'
    listed = cli.json("list")
    assert listed[0]["paused_since"] == "2026-11-25T10:00:00+01:00" and listed[0]["outcome"] == "open"
    assert "paused" in cli.ok("list").stdout.splitlines()[1]


def test_ask_and_received_in_json(cli):
    cli.promise("Send the draft", due="fri")
    asked = cli.json("ask", "acme", "the SOW", "--by", "thu", "--blocks", "1")
    assert {key: asked[key] for key in ("id", "type", "client", "title", "needed_by", "state", "blocks")} == {
        "id": 2, "type": "ask", "client": "acme", "title": "the SOW", "needed_by": "2026-11-26T17:00:00+01:00",
        "state": "waiting", "blocks": [1],
    }  # fmt: skip
    assert asked["blocked"][0]["paused_since"] == "2026-11-25T10:00:00+01:00"
    came = cli.json("received", "2", now=THU)
    assert (came["state"], came["received_at"]) == ("received", THU)
    assert came["resumed"][0]["due"] == "2026-11-28T17:00:00+01:00" and came["resumed"][0]["paused_since"] is None


def test_a_client_answering_late_is_in_due_until_it_comes(cli):
    cli.ok("ask", "acme", "the data", "--by", "thu 12:00")
    assert cli.json("due", "--count", now=THU)["asks_late"] == 0
    later = cli.ok("due", now=FRI)
    assert "Asks the client is late with (1)" in later.stdout and "22 h late" in later.stdout
    assert later.exit_code == 0  # the client's lateness is not yours
    assert cli.ok("due", "--count", now=FRI).stdout == "1 ask late\n"
    view = cli.json("due", now=FRI)
    assert view["counts"]["asks_late"] == 1 and view["asks_late"][0]["late_minutes"] == 22 * 60
    came = cli.ok("received", "1", now=MON)
    assert came.stdout.startswith('Received #1 "the data" from acme (Mon 30 Nov 10:00), 4 days after it was needed')
    assert cli.json("due", "--count", now=MON)["asks_late"] == 0
    received = cli.json("list", "--status", "received", now=MON)
    assert [(a["id"], a["late_minutes"]) for a in received] == [(1, 94 * 60)]


def test_a_promise_paused_and_delivered_in_its_extended_time_is_kept(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", "1")
    resumed = cli.ok("received", "2", now=FRI)  # two days paused: the draft is due Sat 28 Nov 17:00
    assert resumed.stdout.endswith("#1 resumes, new date Sat 28 Nov 17:00\n")
    assert cli.json("show", "1", now=FRI)["outcome"] == "open"
    cli.ok("done", "1", "--at", "2026-11-28T16:00:00+01:00", now="2026-11-28T18:00:00+01:00")
    shown = cli.json("show", "1", now=MON)
    assert (shown["outcome"], shown["moves"], shown["first_due"]) == ("kept", 0, "2026-11-26T17:00:00+01:00")
    assert [(p["start"], p["end"]) for p in shown["pauses"]] == [
        ("2026-11-25T10:00:00+01:00", "2026-11-27T10:00:00+01:00")
    ]


def test_a_delivery_after_the_extended_date_is_late_from_it(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", "1")
    cli.ok("received", "2", now=FRI)
    cli.ok("done", "1", now=MON)
    shown = cli.json("show", "1", now=MON)
    assert (shown["outcome"], shown["break_point"]) == ("late", "2026-11-28T17:00:00+01:00")


def test_a_paused_promise_is_never_overdue_while_it_waits(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", "1")
    assert cli.json("show", "1", now=MON)["outcome"] == "open"
    due = cli("due", now=MON)
    assert due.exit_code == 0 and "Overdue" not in due.stdout
    assert cli.json("due", "--count", now=MON)["overdue"] == 0
    assert cli.json("list", "--status", "missed", now=MON) == []
    detail = cli.ok("show", "1", now=MON).stdout
    assert "paused since Wed 25 Nov 10:00 waiting on #2 the signed SOW" in detail


def test_a_paused_promise_due_inside_the_notice_window_is_not_at_risk(cli):
    """Nothing to warn the client of: its date moves later when what it waits on comes."""
    waiting = cli.promise("Send the draft", due="today 17:00")
    running = cli.promise("Send the deck", due="today 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", str(waiting))
    due = cli.json("due")
    assert [p["id"] for p in due["at_risk"]] == [running] and [p["id"] for p in due["due"]] == [waiting]
    assert (due["counts"]["at_risk"], due["counts"]["due"]) == (1, 1)
    assert cli.ok("due", "--count").stdout.startswith("1 at risk")
    shown = cli.ok("due").stdout
    assert f"if #{running} will slip" in shown and f"#{waiting} will slip" not in shown


def test_a_block_after_the_deadline_passed_leaves_it_missed(cli):
    cli.promise("Send the draft", due="today 12:00")
    late = cli.ok("ask", "acme", "the signed SOW", "--blocks", "1", now=THU)
    assert "#1 paused" not in late.stdout and "not paused" in late.stderr
    assert cli.json("show", "1", now=THU)["outcome"] == "missed"
    assert "waiting on ask #2  (after the deadline had passed" in cli.ok("show", "1", now=THU).stdout
    cli.ok("received", "2", now=FRI)
    cli.ok("done", "1", now=FRI)
    shown = cli.json("show", "1", now=FRI)
    assert (shown["outcome"], shown["break_point"]) == ("late", "2026-11-25T12:00:00+01:00")


def test_a_business_day_deadline_is_extended_in_business_time_across_a_weekend(cli):
    cli.promise("In business days", due="+1bd")  # Thu 26 Nov 17:00
    cli.promise("In calendar time", due="thu 17:00")
    cli.ok("ask", "acme", "the data", "--blocks", "1", "--blocks", "2")
    cli.ok("received", "3", now=FRI)  # paused Wed 10:00 → Fri 10:00: 2 days, 16 working hours (2bd)
    bd, calendar = cli.json("show", "1", now=FRI), cli.json("show", "2", now=FRI)
    assert calendar["due"] == "2026-11-28T17:00:00+01:00"  # Sat: calendar time
    assert bd["due"] == "2026-11-30T17:00:00+01:00"  # Thu 17:00 + 16 working hours: Fri 9–17, Mon 9–17
    assert bd["first_due"] == "2026-11-26T17:00:00+01:00"


def test_a_move_typed_in_business_days_is_extended_in_business_time(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("move", "1", "+1bd", "--reason", "more data")  # Fri 27 Nov 17:00, in business days
    cli.ok("ask", "acme", "the data", "--blocks", "1")
    cli.ok("received", "2", now=THU)  # paused Wed 10:00 → Thu 10:00: 8 working hours
    assert cli.json("show", "1", now=THU)["due"] == "2026-11-30T17:00:00+01:00"  # a working day later: Mon


def test_a_back_dated_receipt_counts_from_when_it_came(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", "1")
    cli.ok("received", "2", "--at", THU, now=MON)  # typed on Monday, came on Thursday: one day paused
    shown = cli.json("show", "1", now=MON)
    assert shown["due"] == "2026-11-27T17:00:00+01:00" and shown["outcome"] == "missed"
    assert shown["break_point"] == "2026-11-27T17:00:00+01:00"
    assert cli.json("show", "2", now=MON)["received_at"] == THU


def test_two_overlapping_asks_pause_the_clock_once(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the SOW", "--blocks", "1")
    cli.ok("ask", "acme", "the data", "--blocks", "1", now=THU)
    first = cli.ok("received", "2", now=FRI)
    assert first.stdout.endswith("#1 still waits on another ask\n")
    cli.ok("received", "3", now=MON)
    shown = cli.json("show", "1", now=MON)
    assert shown["due"] == "2026-12-01T17:00:00+01:00"  # Wed 10:00 → Mon 10:00 paused: 5 days
    assert [p["asks"] for p in shown["pauses"]] == [[2, 3]]


def test_undo_takes_back_an_ask_and_a_receipt(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the SOW", "--blocks", "1")
    cli.ok("received", "2", now=FRI)
    assert cli.json("show", "1", now=FRI)["due"] == "2026-11-28T17:00:00+01:00"
    undone = cli.ok("undo", now=FRI)
    assert "received of ask #2 the SOW" in undone.stdout and "resumed of #1" in undone.stdout
    assert cli.json("show", "2", now=FRI)["state"] == "waiting"
    again = cli.json("show", "1", now=FRI)
    assert (again["due"], again["paused_since"]) == ("2026-11-26T17:00:00+01:00", "2026-11-25T10:00:00+01:00")
    cli.ok("undo", now=FRI)
    assert cli.json("show", "2", now=FRI)["state"] == "voided"
    assert cli.json("show", "1", now=FRI)["paused_since"] is None
    assert cli.json("show", "1", now=FRI)["outcome"] == "missed"
    assert cli.json("list", "--status", "waiting") == []
    assert cli.ok("db", "check").exit_code == 0


def test_ask_events_are_in_the_log_and_in_the_history_of_each(cli):
    cli.promise("Send the draft", due="fri")
    cli.ok("ask", "acme", "the SOW", "--by", "thu", "--blocks", "1")
    cli.ok("received", "2", now=THU)
    kinds = [(e["kind"], e["ask_id"], e["promise_id"]) for e in cli.json("log", now=THU)]
    assert kinds == [("resumed", 2, 1), ("received", 2, None), ("paused", 2, 1), ("asked", 2, None),
                     ("promised", None, 1)]  # fmt: skip
    log = cli.ok("log", now=THU).stdout
    assert "ask #2 the SOW" in log and "waiting on ask #2" in log
    shown = cli.ok("show", "2", now=THU).stdout
    assert "blocks     #1" in shown and "received   Thu 26 Nov 10:00" in shown
    assert [e["kind"] for e in cli.json("show", "2", now=THU)["events"]] == ["asked", "paused", "received", "resumed"]
    promise = cli.ok("show", "1", now=THU).stdout
    assert "paused 1 day waiting on #2 the SOW; new date Sat 28 Nov 17:00" in promise


def test_the_brief_says_why_a_date_moved(cli):
    cli.promise("Send the draft", due="thu 17:00")
    cli.ok("ask", "acme", "the signed SOW", "--blocks", "1")
    cli.ok("received", "2", now=FRI)
    brief = cli.ok("brief", "acme", now=FRI).stdout
    assert "Send the draft — new date Sat 28 Nov 17:00: paused 2 days waiting on the signed SOW" in brief


def test_list_of_waiting_asks(cli):
    cli.ok("ask", "acme", "the SOW", "--by", "fri")
    cli.ok("ask", "globex", "the data")
    cli.ok("ask", "acme", "the logo", "--by", "thu")
    assert [a["id"] for a in cli.json("list", "--status", "waiting")] == [3, 1, 2]
    assert [a["id"] for a in cli.json("list", "--status", "waiting", "--client", "acme")] == [3, 1]
    out = cli.ok("list", "--status", "waiting").stdout.splitlines()
    assert out[0].split() == ["ID", "Needed", "by", "Client", "Asked", "Ask"] and "the logo" in out[1]
    assert cli.json("list") == []  # promises only
    refused = cli("list", "--status", "waiting", "--all")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("received", "1"), "#1 is a promise, not an ask: `expect done 1`"),
        (("received", "2", "--at", "2026-11-25T11:00:00+01:00"), "cannot be received in the future"),
        (("received", "2", "--at", "2026-11-25T09:00:00+01:00"), "was made after that time"),
        (("received", "9"), "no ask 9"),
        (("done", "2"), "#2 is an ask (something the client owes), not a promise: `expect received 2`"),
        (("move", "2", "fri", "--reason", "x"), "`expect received 2`"),
        (("release", "2", "--reason", "x"), "`expect received 2`"),
        (("edit", "2", "--title", "x"), "`expect received 2`"),
        (("note", "2", "x"), "`expect received 2`"),
        (("ask", "acme", "more", "--by", "2026-11-24"), "already past"),
        (("ask", "acme", "more", "--blocks", "2"), "#2 is an ask, not a promise"),
        (("ask", "acme", "more", "--blocks", "3"), "promise 3 is for globex, not acme"),
        (("ask", "acme", "more", "--blocks", "4"), "promise 4 is already delivered"),
        (("ask", "acme", "more", "--blocks", "99"), "no promise 99"),
        (("ask", "ac-me", "more"), "did you mean acme?"),
        (("ask", "acme", "  "), "title"),
    ],
)
def test_refusals_are_one_line_exit_2_and_write_nothing(cli, args, message):
    cli.promise("Send the draft")
    cli.ok("ask", "acme", "the SOW")
    cli.promise("Their plan", to="globex")
    cli.promise("Done already")
    cli.ok("done", "4")
    size = cli.journal_size()
    refused = cli(*args)
    assert refused.exit_code == 2, refused
    assert message in refused.stderr and refused.stderr.count("\n") == 1, refused.stderr
    assert cli.journal_size() == size


def test_an_ask_already_received_is_refused(cli):
    cli.ok("ask", "acme", "the SOW")
    cli.ok("received", "1")
    again = cli("received", "1")
    assert again.exit_code == 2 and "already received" in again.stderr


def test_a_typo_of_a_client_is_created_with_new_client(cli):
    cli.promise("Send the draft")
    assert cli("ask", "ac-me", "more").exit_code == 2
    made = cli.ok("ask", "ac-me", "more", "--new-client")
    assert made.stdout.startswith('Asked ac-me for #2 "more"') and "new client ac-me" in made.stderr


def test_user_text_is_printed_literally(cli):
    cli.ok("ask", "acme", "[bold]the\x1b[31m SOW")
    out = cli.ok("show", "1").stdout + cli.ok("list", "--status", "waiting").stdout + cli.ok("log").stdout
    assert "\x1b" not in out and "[bold]the" in out


def test_the_prompt_count_counts_late_asks_on_the_fast_path(cli):
    cli.ok("ask", "acme", "the data", "--by", "thu 12:00")
    env = {**cli.env(now=FRI), "EXPECT_NOW": FRI}
    counted = run_expect(["due", "--count"], env)
    assert (counted.returncode, counted.stdout) == (0, "1 ask late\n"), counted.stderr


def test_an_inbound_reply_due_in_working_time_is_extended_in_working_time(cli):
    reply = cli.json("inbound", "acme", "Which plan?")  # the default window, 1bd: Thu 26 Nov 10:00
    assert reply["due"] == "2026-11-26T10:00:00+01:00"
    cli.ok("ask", "acme", "their numbers", "--blocks", "1")
    cli.ok("received", "2", now=FRI)  # paused 16 working hours (a calendar extension would give Sat 10:00)
    assert cli.json("show", "1", now=FRI)["due"] == "2026-11-30T10:00:00+01:00"


def test_the_asks_of_a_merged_client_are_the_other_ones(cli):
    cli.ok("client", "add", "acme")
    cli.ok("ask", "acme-old", "the data", "--by", "thu 12:00")
    cli.ok("client", "merge", "acme-old", "acme")
    assert [a["client"] for a in cli.json("list", "--status", "waiting", "--client", "acme")] == ["acme"]
    assert cli.json("due", "--client", "acme", now=FRI)["counts"]["asks_late"] == 1
    cli.ok("received", "1", now=FRI)
    # the log of the client merged into: what was asked of the old handle, received after the merge
    logged = [(e["kind"], e["client"]) for e in cli.json("log", "--client", "acme", now=FRI)]
    assert ("asked", "acme-old") in logged and ("received", "acme-old") in logged and ("merged", "acme-old") in logged
    assert [kind for kind, _ in logged] == ["received", "merged", "asked"]
    cli.ok("undo", now=FRI)
    cli.ok("undo")
    assert cli.json("list", "--status", "waiting", "--client", "acme") == []

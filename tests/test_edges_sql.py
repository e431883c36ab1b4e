"""The edges of the SQL comparisons the edge pass of `scripts/mutation.py` flips: each test
pins one boundary a user can reach (a moment on a period's first minute, on its end, equal to
a deadline or to now), so `<` and `<=` are not interchangeable unnoticed. Now: Wed 25 Nov
2026 10:00 Berlin; this week Mon 23 Nov 00:00 – Mon 30 Nov 00:00, last week from Mon 16 Nov."""

from __future__ import annotations

from asks_fixture import add_ask
from conftest import NOW

LAST_WEEK_START = "2026-11-16T00:00:00+01:00"
THIS_WEEK_START = "2026-11-23T00:00:00+01:00"


def test_an_ask_received_on_a_periods_first_minute_counts_in_it_and_on_its_end_in_the_next(cli):
    cli.promise("Report", due="fri")
    add_ask(cli, "acme", "the data", "2026-11-13T10:00:00+01:00", received_at=LAST_WEEK_START)
    add_ask(cli, "acme", "the SOW", "2026-11-13T10:00:00+01:00", received_at=THIS_WEEK_START)
    assert cli.json("report", "--last-week")["totals"]["asks"]["answered"] == 1  # the data; the SOW is this week's
    assert cli.json("report", "--week")["totals"]["asks"]["answered"] == 1


def test_an_ask_received_on_the_minute_it_was_needed_by_is_not_late(cli):
    cli.promise("Report", due="fri")
    add_ask(cli, "acme", "on time", "2026-11-20T10:00:00+01:00", needed_by="2026-11-24T12:00:00+01:00",
            received_at="2026-11-24T12:00:00+01:00")  # fmt: skip
    add_ask(cli, "acme", "a minute late", "2026-11-20T10:00:00+01:00", needed_by="2026-11-24T12:00:00+01:00",
            received_at="2026-11-24T12:01:00+01:00")  # fmt: skip
    data = cli.json("report", "--week")
    assert data["totals"]["asks"]["answered"] == 2 and data["totals"]["asks"]["answered_late"] == 1
    assert [a["title"] for a in data["asks_late"]] == ["a minute late"]


def test_an_update_sent_on_a_periods_end_is_the_next_periods(cli):
    """The scorecard's last update is the last one sent before the period's end: one sent on
    its very end (Mon 00:00) belongs to the next period."""
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-09T09:00:00+01:00")
    pid = cli.promise("Draft", to="acme", due="2026-11-18T17:00:00+01:00", now="2026-11-16T09:00:00+01:00")
    cli.ok("done", str(pid), now="2026-11-18T12:00:00+01:00")
    cli.ok("brief", "acme", "--sent", now="2026-11-22T23:59:00+01:00")
    cli.ok("brief", "acme", "--sent", now=THIS_WEEK_START)
    last_week = {c["client"]: c["last_update"] for c in cli.json("report", "--last-week")["clients"]}
    assert last_week == {"acme": "2026-11-22T23:59:00+01:00"}


def test_log_since_a_moment_includes_what_was_recorded_on_it(cli):
    cli.promise("Before", now="2026-11-24T09:59:00+01:00")
    cli.promise("On the minute", now="2026-11-24T10:00:00+01:00")
    logged = cli.json("log", "--since", "2026-11-24T10:00:00+01:00")
    assert [(e["kind"], e["title"]) for e in logged] == [("promised", "On the minute")]


def test_a_delivery_recorded_this_very_minute_is_news_for_the_next_update(cli):
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-01T09:00:00+01:00")
    pid = cli.promise(to="acme", due="dec 10", now="2026-11-01T09:00:00+01:00")
    cli.ok("done", str(pid), now=NOW)  # delivered now; nothing else in hand
    assert cli("due", "--count", now=NOW).stdout == "1 update owed\n"


def test_an_ask_needed_by_this_very_minute_is_not_in_the_past(cli):
    made = cli("ask", "acme", "the data", "--by", NOW, "--new-client", now=NOW)
    assert made.exit_code == 0, made.stderr
    refused = cli("ask", "acme", "the SOW", "--by", "2026-11-25T09:59:00+01:00", now=NOW)
    assert refused.exit_code == 2 and refused.stdout == ""


def test_an_ask_cannot_block_a_promise_made_after_the_time_of_the_change(cli):
    pid = cli.promise("Report", due="fri", now=NOW)
    before = cli.journal_size()
    out = cli("ask", "acme", "the data", "--blocks", str(pid), now="2026-11-25T09:00:00+01:00")
    assert out.exit_code == 2 and "was made after the time of this change" in out.stderr
    assert cli.journal_size() == before


def test_a_tag_both_added_and_removed_in_one_edit_is_refused(cli):
    pid = cli.promise("Report", due="fri")
    before = cli.journal_size()
    out = cli("edit", str(pid), "--tag", "urgent", "--untag", "urgent")
    assert out.exit_code == 2 and out.stderr == "expect: tag urgent is both added and removed\n"
    assert cli.journal_size() == before

"""Recording, moving, delivering and seeing promises, through the real command line."""

from __future__ import annotations

import pytest

from conftest import NOW


def test_promise_prints_its_id_and_due(cli):
    out = cli.ok("promise", "Send the proposal", "--to", "acme", "--due", "fri")
    assert out.stdout.startswith("Promised #1 Send the proposal for acme — due Fri 27 Nov 17:00 (in 2 days)")
    created = cli.json("promise", "Call Bob back", "--to", "Beta", "--due", "tomorrow 09:30", "--kind", "call",
                       "--tag", "sales", "--tag", "+urgent", "--criteria", "Bob has the numbers")  # fmt: skip
    assert created == {
        "id": 2,
        "title": "Call Bob back",
        "client": "beta",
        "kind": "call",
        "tags": ["sales", "urgent"],
        "criteria": "Bob has the numbers",
        "promised_at": "2026-11-25T10:00:00+01:00",
        "first_due": "2026-11-26T09:30:00+01:00",
        "due": "2026-11-26T09:30:00+01:00",
        "moves": 0,
        "delivered_at": None,
        "released_at": None,
        "outcome": "open",
        "break_point": None,
        "broken_at": None,
        "slip_hours": None,
        "slip_minutes": None,
        "every": None,
        "series": None,
        "paused_since": None,
    }


def test_ids_are_stable_and_never_reused(cli):
    first = cli.promise("One")
    second = cli.promise("Two")
    cli.ok("undo")  # voids the promise of "Two"
    third = cli.promise("Three")
    assert (first, second, third) == (1, 2, 3)
    assert [p["id"] for p in cli.json("list")] == [1, 3]


def test_list_shows_open_promises_soonest_first(cli):
    cli.promise("Later", due="dec 10")
    cli.promise("Sooner", due="tomorrow")
    cli.promise("Other client", to="globex", due="fri")
    delivered = cli.promise("Done already", due="fri")
    cli.ok("done", str(delivered))
    titles = [p["title"] for p in cli.json("list")]
    assert titles == ["Sooner", "Other client", "Later"]
    assert [p["title"] for p in cli.json("list", "--client", "globex")] == ["Other client"]
    assert len(cli.json("list", "--all")) == 4
    assert [p["title"] for p in cli.json("list", "--status", "kept")] == ["Done already"]
    listing = cli.ok("list").stdout
    assert "Sooner" in listing and "Done already" not in listing
    assert "in 1 day" in listing or "in 31 h" in listing


def test_list_json_has_the_contract_fields(cli):
    cli.promise()
    (item,) = cli.json("list")
    for key in ("id", "title", "client", "due", "promised_at", "delivered_at", "outcome", "kind", "tags"):
        assert key in item


def test_done_records_delivery_of_several_ids_with_time_and_note(cli):
    a, b = cli.promise("A"), cli.promise("B")
    out = cli.json("done", str(a), str(b), "--at", "2026-11-25 11:30", "--note", "sent by mail", now="2026-11-25 12:00")
    assert [p["outcome"] for p in out] == ["kept", "kept"]
    assert out[0]["delivered_at"] == "2026-11-25T11:30:00+01:00"
    history = cli.json("show", str(a))["events"]
    assert [e["kind"] for e in history] == ["promised", "delivered"]
    assert history[1]["text"] == "sent by mail"


def test_done_is_all_or_nothing(cli):
    a = cli.promise("A")
    before = cli.journal_size()
    out = cli("done", str(a), "99")
    assert out.exit_code == 2
    assert "no promise 99" in out.stderr
    assert cli.journal_size() == before
    assert cli.json("show", str(a))["outcome"] == "open"


def test_late_delivery_is_late_with_slip_from_the_break_point(cli):
    pid = cli.promise(due="today")  # Wed 17:00
    out = cli.json("done", str(pid), now="2026-11-26T12:00:00+01:00")
    assert out[0]["outcome"] == "late"
    assert out[0]["break_point"] == "2026-11-25T17:00:00+01:00"


def test_move_renegotiates_and_keeps_the_history(cli):
    pid = cli.promise(due="fri")
    moved = cli.json("move", str(pid), "mon", "--reason", "waiting for the client's data")
    assert moved["due"] == "2026-11-30T17:00:00+01:00"
    assert moved["first_due"] == "2026-11-27T17:00:00+01:00"
    assert moved["moves"] == 1
    done = cli.json("done", str(pid), now="2026-11-30T16:00:00+01:00")
    assert done[0]["outcome"] == "renegotiated"
    events = cli.json("show", str(pid))["events"]
    assert events[1]["kind"] == "moved"
    assert events[1]["previous_due"] == "2026-11-27T17:00:00+01:00"
    assert events[1]["text"] == "waiting for the client's data"


def test_move_after_the_deadline_stays_broken(cli):
    pid = cli.promise(due="today")
    cli.ok("move", str(pid), "fri", "--reason", "forgot", now="2026-11-26T09:00:00+01:00")
    shown = cli.json("show", str(pid), now="2026-11-26T09:00:00+01:00")
    assert shown["outcome"] == "missed"
    assert shown["break_point"] == "2026-11-25T17:00:00+01:00"
    done = cli.json("done", str(pid), now="2026-11-27T09:00:00+01:00")
    assert done[0]["outcome"] == "late"


def test_move_needs_a_reason(cli):
    pid = cli.promise()
    out = cli("move", str(pid), "mon")
    assert out.exit_code == 2
    assert "--reason" in out.stderr
    assert out.stderr.count("\n") == 1


def test_release_in_time_and_late(cli):
    a, b = cli.promise("A", due="fri"), cli.promise("B", due="today")
    assert cli.json("release", str(a), "--reason", "client cancelled")["outcome"] == "released"
    late = cli.json("release", str(b), "--reason", "dropped", now="2026-11-26T09:00:00+01:00")
    assert late["outcome"] == "missed"


def test_reopen_undoes_a_delivery_as_a_new_event(cli):
    pid = cli.promise()
    cli.ok("done", str(pid))
    reopened = cli.json("reopen", str(pid))
    assert (reopened["outcome"], reopened["delivered_at"]) == ("open", None)
    assert [e["kind"] for e in cli.json("show", str(pid))["events"]] == ["promised", "delivered", "reopened"]
    out = cli("reopen", str(pid))
    assert out.exit_code == 2 and "nothing to reopen" in out.stderr


def test_settled_promises_refuse_further_changes(cli):
    pid = cli.promise()
    cli.ok("done", str(pid))
    for args in (
        ["done", str(pid)],
        ["move", str(pid), "mon", "--reason", "x"],
        ["release", str(pid), "--reason", "x"],
    ):
        out = cli(*args)
        assert out.exit_code == 2, args
        assert "already delivered" in out.stderr


def test_undo_voids_the_last_event_and_says_what(cli):
    pid = cli.promise()
    cli.ok("move", str(pid), "mon", "--reason", "more time")
    out = cli.ok("undo")
    assert out.stdout.startswith(f"Undid event 2: moved of #{pid} Send the proposal")
    shown = cli.json("show", str(pid))
    assert shown["due"] == "2026-11-27T17:00:00+01:00" and shown["moves"] == 0
    kinds = [(e["kind"], e["voided_by"]) for e in shown["events"]]
    assert kinds == [("promised", None), ("moved", 3), ("voided", None)]
    log = cli.json("log")
    assert log[0]["kind"] == "voided" and log[0]["voids"] == 2
    cli.ok("undo")  # the promise itself
    assert cli.json("list") == []
    assert cli.json("show", str(pid))["outcome"] == "voided"
    out = cli("undo")
    assert out.exit_code == 2 and "nothing to undo" in out.stderr


def test_undone_promises_refuse_changes(cli):
    pid = cli.promise()
    cli.ok("undo")
    out = cli("done", str(pid))
    assert out.exit_code == 2 and "was undone" in out.stderr


def test_due_shows_overdue_and_soon_and_exits_1_when_overdue(cli):
    cli.ok("client", "terms", "acme", "--notice", "0h")  # nothing at risk: the due window alone
    cli.promise("Overdue", due="today")
    cli.promise("Soon", due="tomorrow")
    cli.promise("Far", due="dec 20")
    out = cli("due", now="2026-11-25T18:00:00+01:00")
    assert out.exit_code == 1
    assert "Overdue" in out.stdout and "Soon" in out.stdout and "Far" not in out.stdout
    assert "1 h overdue" in out.stdout
    count = cli("due", "--count", now="2026-11-25T18:00:00+01:00")
    assert (count.exit_code, count.stdout) == (1, "1 overdue, 1 due\n")
    counted = cli("due", "--count", "--json", now="2026-11-25T18:00:00+01:00")
    assert counted.json() == {
        "overdue": 1,
        "at_risk": 0,
        "due": 1,
        "within": "2d",
        "updates_overdue": 0,
        "asks_late": 0,
    }
    wide = cli.json("due", "--within", "4w", now="2026-11-25T11:00:00+01:00")
    assert [p["title"] for p in wide["overdue"] + wide["due"]] == ["Overdue", "Soon", "Far"]


def test_due_count_counts_the_rows_due_lists_a_late_move_as_overdue(cli):
    cli.ok("client", "terms", "acme", "--notice", "0h")  # nothing at risk: the due window alone
    moved = cli.promise("Moved too late", due="2026-11-24 12:00", now="2026-11-23 09:00")
    cli.ok("move", str(moved), "2026-11-26 12:00", "--reason", "forgot", now="2026-11-24 13:00")
    cli.promise("Just at the deadline", due="2026-11-25 10:00", now="2026-11-23 09:00")
    listed = cli("due", "--json")
    assert listed.exit_code == 1
    view = listed.json()
    assert [(p["title"], p["outcome"]) for p in view["overdue"] + view["due"]] == [
        ("Moved too late", "missed"), ("Just at the deadline", "open")]  # fmt: skip
    counted = cli("due", "--count", "--json")
    assert (counted.exit_code, counted.json()) == (
        1,
        {"overdue": 1, "at_risk": 0, "due": 1, "within": "2d", "updates_overdue": 0, "asks_late": 0},
    )
    assert cli("due", "--count").stdout == "1 overdue, 1 due\n"
    later = cli("due", "--count", "--json", now="2026-11-25 10:01")  # a minute past the second deadline
    assert later.json() == {"overdue": 2, "at_risk": 0, "due": 0, "within": "2d", "updates_overdue": 0, "asks_late": 0}


def test_due_for_one_client_lists_and_counts_only_its_promises_and_update(cli):
    cli.ok("client", "terms", "globex", "--update-every", "1w", now="2026-11-10T09:00:00+01:00")
    cli.promise("Acme overdue", to="acme", due="2026-11-24", now="2026-11-23T09:00:00+01:00")
    cli.promise("Globex soon", to="globex", due="tomorrow")
    globex = cli("due", "--client", "GLOBEX")
    assert globex.exit_code == 1  # globex is owed its weekly update
    assert "Globex soon" in globex.stdout and "Acme overdue" not in globex.stdout and "globex" in globex.stdout
    assert cli("due", "--client", "globex", "--count").stdout == "1 due, 1 update owed\n"
    acme = cli("due", "--count", "--client", "acme", "--json")
    assert (acme.exit_code, acme.json()) == (
        1,
        {"overdue": 1, "at_risk": 0, "due": 0, "within": "2d", "updates_overdue": 0, "asks_late": 0},
    )
    assert [p["title"] for p in cli("due", "--client", "acme", "--json").json()["overdue"]] == ["Acme overdue"]
    unknown = cli("due", "--client", "initech")
    assert (unknown.exit_code, unknown.stderr) == (2, "expect: no client initech; see `expect client list`\n")


def test_due_is_quiet_and_zero_when_nothing_is_due(cli):
    out = cli("due", "--count")
    assert (out.exit_code, out.stdout) == (0, "")
    assert cli.ok("due").stdout.startswith("Nothing overdue or due within 2d")


def test_show_has_the_full_history(cli):
    pid = cli.promise(criteria="signed PDF")
    cli.ok("move", str(pid), "mon", "--reason", "legal review")
    cli.ok("done", str(pid), "--note", "sent")
    out = cli.ok("show", str(pid)).stdout
    for text in ("#1 Send the proposal", "acme", "renegotiated", "signed PDF", "legal review", "promised", "moved",
                 "delivered", "first due"):  # fmt: skip
        assert text in out, text


def test_log_is_newest_first_with_a_limit(cli):
    for n in range(5):
        cli.promise(f"P{n}")
    log = cli.json("log", "--limit", "3")
    assert [e["title"] for e in log] == ["P4", "P3", "P2"]
    assert "P4" in cli.ok("log").stdout


def test_clients_are_created_on_first_use_and_listed(cli):
    cli.promise(to="Acme")
    cli.ok("client", "add", "globex", "--name", "Globex Corporation")
    clients = cli.json("client", "list")
    assert [c["client"] for c in clients] == ["acme", "globex"]
    assert clients[1]["name"] == "Globex Corporation"
    shown = cli.json("client", "show", "acme")
    assert shown["active"] == 1 and shown["promises"][0]["title"] == "Send the proposal"
    assert "Globex Corporation" in cli.ok("client", "list").stdout
    dup = cli("client", "add", "globex")
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    unknown = cli("client", "show", "nobody")
    assert unknown.exit_code == 2 and "no client nobody" in unknown.stderr


def test_db_path_names_the_ledger(cli):
    assert cli.ok("db", "path").stdout.strip() == cli.location


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_before_or_after_the_command(cli, tmp_path, where):
    other = tmp_path / "other.db"
    cli.ok("db", "init", str(other))
    options = ["--db", str(other), "--json", "--now", "2026-11-25 08:00"]
    args = ["promise", "X", "--to", "acme", "--due", "fri"]
    out = cli.ok(*(options + args if where == "before" else args + options), now=None)
    assert out.json()["promised_at"] == "2026-11-25T08:00:00+01:00"
    assert other.exists()
    assert len(cli.json("list", "--db", str(other))) == 1
    assert cli.json("list") == []


def test_expect_now_sets_the_clock(cli):
    pid = cli.promise(due="fri")
    assert cli.json("show", str(pid), now="2026-11-28T09:00:00+01:00")["outcome"] == "missed"
    assert cli.json("show", str(pid), now=NOW)["outcome"] == "open"


def test_dates_across_a_dst_change_are_shown_in_local_time(cli):
    made = cli.json("promise", "X", "--to", "acme", "--due", "tomorrow", now="2026-10-24T10:00:00+02:00")
    assert made["due"] == "2026-10-25T17:00:00+01:00"
    moved = cli.json("move", str(made["id"]), "2026-10-25 02:30", "--reason", "r", now="2026-10-24T11:00:00+02:00")
    assert moved["due"] == "2026-10-25T02:30:00+02:00"  # the first of the two 02:30s


def test_released_promises_refuse_further_changes_until_reopened(cli):
    pid = cli.promise()
    cli.ok("release", str(pid), "--reason", "not needed")
    size = cli.journal_size()
    for args in (
        ["done", str(pid)],
        ["move", str(pid), "mon", "--reason", "x"],
        ["release", str(pid), "--reason", "x"],
    ):
        out = cli(*args)
        assert out.exit_code == 2 and f"was released; `expect reopen {pid}` first" in out.stderr, args
    assert cli.journal_size() == size


def test_a_change_dated_before_the_promise_was_made_is_refused(cli):
    pid = cli.promise(due="fri", now="2026-11-25T10:00:00+01:00")
    size = cli.journal_size()
    for args in (
        ["move", str(pid), "sat", "--reason", "x"],
        ["release", str(pid), "--reason", "x"],
        ["done", str(pid)],
    ):
        out = cli(*args, now="2026-11-25T09:00:00+01:00")
        assert out.exit_code == 2 and "made after" in out.stderr, args
    assert cli.journal_size() == size

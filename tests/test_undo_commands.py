"""Undo takes back the whole last command; on a shared ledger, the current author's."""

from __future__ import annotations

import pytest

from conftest import sqlite_only


@pytest.fixture
def as_(monkeypatch):
    """Run as an author: `as_("ann@laptop")` (EXPECT_AUTHOR)."""
    return lambda who: monkeypatch.setenv("EXPECT_AUTHOR", who)


def outcomes(cli) -> dict[int, str]:
    return {p["id"]: p["outcome"] for p in cli.json("list", "--all")}


# -- the scenarios of issue 12 ------------------------------------------------------------


def test_undo_after_done_3_4_5_takes_back_all_three(cli):
    for title in ("One", "Two", "Three", "Four", "Five"):
        cli.promise(title)
    cli.ok("done", "3", "4", "5")
    out = cli.ok("undo")
    assert out.stdout == (
        "Undid done (3 events):\n"
        "  event 6: delivered of #3 Three (at Wed 25 Nov 10:00)\n"
        "  event 7: delivered of #4 Four (at Wed 25 Nov 10:00)\n"
        "  event 8: delivered of #5 Five (at Wed 25 Nov 10:00)\n"
    )
    assert outcomes(cli) == {1: "open", 2: "open", 3: "open", 4: "open", 5: "open"}


def test_on_a_shared_ledger_undo_takes_back_my_last_command_not_a_colleagues(cli, as_):
    as_("ann@laptop")
    mine = cli.promise("Ann's proposal")
    cli.ok("done", str(mine))
    as_("bob@desk")
    theirs = cli.promise("Bob's deck", to="globex")
    cli.ok("done", str(theirs))
    as_("ann@laptop")
    out = cli.ok("undo")
    assert out.stdout == f"Undid event 2: delivered of #{mine} Ann's proposal (at Wed 25 Nov 10:00)\n"
    assert outcomes(cli) == {mine: "open", theirs: "kept"}


def test_undo_any_takes_back_anyones_last_command_and_says_whose(cli, as_):
    as_("ann@laptop")
    mine = cli.promise("Ann's proposal")
    as_("bob@desk")
    theirs = cli.promise("Bob's deck", to="globex")
    cli.ok("done", str(theirs))
    as_("ann@laptop")
    out = cli.ok("undo", "--any")
    assert out.stdout == (
        "Undid done (1 event, by bob@desk):\n  event 3: delivered of #2 Bob's deck (at Wed 25 Nov 10:00)\n"
    )
    assert outcomes(cli) == {mine: "open", theirs: "open"}


def test_on_a_shared_ledger_with_nothing_of_mine_undo_is_refused(cli, as_):
    as_("bob@desk")
    cli.promise("Bob's deck")
    as_("ann@laptop")
    cli.ok("client", "add", "initech")  # no event: still nothing of Ann's
    as_("carl@home")
    cli.promise("Carl's", to="initech")
    cli.ok("undo")
    as_("ann@laptop")
    before = cli.journal_size()
    out = cli("undo")
    assert out.exit_code == 2
    assert out.stderr == (
        "expect: nothing of yours (ann@laptop) to undo on this shared ledger;"
        " `expect undo --any` takes back the last command of anyone\n"
    )
    assert cli.journal_size() == before


# -- the rules around it ------------------------------------------------------------------


def test_undo_twice_takes_back_two_commands_and_never_an_undo(cli):
    a, b = cli.promise("A"), cli.promise("B")
    cli.ok("done", str(a), str(b))
    assert cli("move", str(b), "mon", "--reason", "later").exit_code == 2  # refused: writes nothing
    cli.ok("undo")  # the deliveries
    cli.ok("undo")  # promise B
    assert [p["id"] for p in cli.json("list")] == [a]
    cli.ok("undo")  # promise A
    assert cli("undo").stderr == "expect: nothing to undo\n"


def test_each_event_records_who_wrote_it(cli, as_):
    as_("ann@laptop")
    pid = cli.promise()
    as_("bob@desk")
    cli.ok("note", str(pid), "called")
    assert [(e["kind"], e["author"]) for e in cli.json("show", str(pid))["events"]] == [
        ("promised", "ann@laptop"), ("noted", "bob@desk"),
    ]  # fmt: skip
    assert cli.json("log", "--limit", "1")[0]["author"] == "bob@desk"


def test_undo_json_lists_every_event_and_the_command(cli, as_):
    as_("ann@laptop")
    a, b = cli.promise("A"), cli.promise("B")
    cli.ok("done", str(a), str(b))
    undone = cli.json("undo")
    assert [e["id"] for e in undone["events"]] == [3, 4] and undone["undone"]["id"] == 3
    assert undone["command"] == {"name": "done", "author": "ann@laptop", "recorded_at": "2026-11-25T10:00:00+01:00"}


@pytest.mark.parametrize(
    "args, name",
    [
        (["promise", "X", "--to", "acme", "--due", "fri"], "promise"),
        (["client", "terms", "acme", "--respond-within", "4h"], "client terms"),
        (["feedback", "acme", "9"], "feedback"),
        (["note", "1", "hello"], "note"),
        (["edit", "1", "--title", "Y"], "edit"),
        (["client", "rename", "acme", "acme-ag"], "client rename"),
    ],
)
def test_each_command_records_its_name(cli, args, name):
    cli.promise("Proposal")
    cli.ok(*args)
    assert cli.json("undo")["command"]["name"] == name


@sqlite_only("writes events without a command, as ledgers before schema step 0004 hold them")
def test_events_from_before_commands_count_as_one_command_each(cli):
    import sqlite3

    a, b = cli.promise("A"), cli.promise("B")
    cli.ok("done", str(a), str(b))
    with sqlite3.connect(cli.path) as db:
        db.execute("UPDATE event SET command_id = NULL")
    assert cli.ok("undo").stdout.startswith(f"Undid event 4: delivered of #{b} B")
    assert outcomes(cli) == {a: "kept", b: "open"}


def test_an_undone_merge_or_rename_is_all_taken_back(cli):
    cli.promise("One", to="globex")
    cli.ok("promise", "Two", "--to", "globx", "--due", "fri", "--new-client")
    cli.ok("promise", "Three", "--to", "globx", "--due", "fri")
    cli.ok("client", "merge", "globx", "globex")
    assert cli.ok("undo").stdout.startswith("Undid client merge (3 events):\n")
    assert [p["client"] for p in cli.json("list")] == ["globex", "globx", "globx"]
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"

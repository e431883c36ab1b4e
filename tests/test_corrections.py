"""Corrections as events: edit, note, client rename and merge (PRODUCT.md "Commands")."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, fresh_ledger, sqlite_only


@pytest.fixture
def as_(monkeypatch):
    return lambda who: monkeypatch.setenv("EXPECT_AUTHOR", who)


def history(cli, pid: int) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["voided_by"]) for e in cli.json("show", str(pid))["events"]]


# -- the scenarios of issue 12 ------------------------------------------------------------


def test_a_wrong_title_and_client_are_corrected_by_edit_not_by_undo_or_a_move(cli):
    pid = cli.promise("Porposal", to="acme", due="fri")
    cli.ok("promise", "Other", "--to", "globex", "--due", "mon")
    cli.ok("move", str(pid), "mon", "--reason", "more time")
    edited = cli.json("edit", str(pid), "--title", "Proposal", "--to", "globex")
    assert (edited["title"], edited["client"]) == ("Proposal", "globex")
    assert (edited["due"], edited["first_due"], edited["moves"]) == (
        "2026-11-30T17:00:00+01:00", "2026-11-27T17:00:00+01:00", 1,
    )  # fmt: skip
    assert history(cli, pid) == [("promised", None), ("moved", None), ("edited", None)]
    shown = cli.ok("show", str(pid)).stdout
    assert "  edited    title 'Porposal' → 'Proposal'; client acme → globex\n" in shown
    assert "title 'Porposal' → 'Proposal'; client acme → globex" in cli.ok("log", "--limit", "1").stdout
    assert [c["client"] for c in cli.json("report", "--since", "2026-11-01", "--until", "2026-12-31")["clients"]] == [
        "globex"
    ]
    cli.ok("undo")
    back = cli.json("show", str(pid))
    assert (back["title"], back["client"], back["due"]) == ("Porposal", "acme", "2026-11-30T17:00:00+01:00")


def test_a_typo_client_is_merged_and_the_scorecard_follows(cli):
    kept = cli.promise("Proposal", to="globex", due="2026-11-26")
    typo = cli.json("promise", "Deck", "--to", "globx", "--due", "2026-11-26", "--new-client")["id"]
    cli.ok("done", str(kept), str(typo), now="2026-11-26T12:00:00+01:00")
    out = cli.ok("client", "merge", "globx", "globex", now="2026-11-26T13:00:00+01:00")
    assert out.stdout == "Merged client globx into globex (1 promise moved)\n"
    report = cli.json("report", "--week", now="2026-11-26T13:00:00+01:00")
    assert [(c["client"], c["kept"]) for c in report["clients"]] == [("globex", 2)]
    assert [c["client"] for c in cli.json("client", "list")] == ["globex"]
    assert "client globx → globex (merged)" in cli.ok("show", str(typo)).stdout
    for args in (["promise", "More", "--to", "globx", "--due", "fri"], ["list", "--client", "globx"],
                 ["brief", "globx"], ["report", "--client", "globx"], ["client", "show", "globx"]):  # fmt: skip
        refused = cli(*args, now="2026-11-26T13:00:00+01:00")
        assert (refused.exit_code, refused.stderr) == (2, "expect: client globx was merged into globex; use globex\n")


def test_a_client_is_renamed_and_reports_lists_briefs_and_history_follow(cli):
    pid = cli.promise("Proposal", to="globx", due="fri")
    out = cli.ok("client", "rename", "globx", "globex")
    assert out.stdout == "Renamed client globx to globex\n"
    assert cli.json("show", str(pid))["client"] == "globex"
    assert [p["client"] for p in cli.json("list", "--client", "globex")] == ["globex"]
    assert cli.json("report")["clients"][0]["client"] == "globex"
    assert "Status update for globex" in cli.ok("brief", "globex").stdout
    assert cli.json("log", "--limit", "1")[0]["client"] == "globex"
    assert cli("list", "--client", "globx").exit_code == 2
    assert cli.ok("undo").stdout == "Undid event 2: renamed of client globex (globx → globex)\n"
    assert cli.json("show", str(pid))["client"] == "globx"
    cli.ok("client", "rename", "globx", "globex")
    new = cli.ok("promise", "New", "--to", "globx", "--due", "fri", "--new-client")  # the old handle is free again
    assert new.stderr == "new client globx\n"


# -- edit ---------------------------------------------------------------------------------


def test_edit_changes_criteria_kind_and_tags(cli):
    pid = cli.promise("Call", criteria="agenda sent", tag="sales")
    edited = cli.json("edit", str(pid), "--criteria", "", "--kind", "call", "--tag", "q4", "--untag", "sales")
    assert (edited["criteria"], edited["kind"], edited["tags"]) == (None, "call", ["q4"])
    assert (
        "criteria 'agenda sent' → (none); kind deliverable → call; tags +q4 -sales" in cli.ok("show", str(pid)).stdout
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "say what to change: --title, --to, --criteria, --kind, --tag or --untag"),
        (["--title", "Send the proposal"], "promise 1 already says that; nothing to change"),
        (["--untag", "nope"], "promise 1 has no tag nope"),
        (["--title", "  "], "the title must not be empty"),
        (["--kind", "lunch"], "unknown kind 'lunch'"),
        (["--due", "mon"], "No such option: --due"),
    ],
)
def test_bad_edits_are_refused_and_nothing_written(cli, args, message):
    cli.promise()
    before = cli.journal_size()
    out = cli("edit", "1", *args)
    assert out.exit_code == 2 and message in out.stderr
    assert cli.journal_size() == before


def test_edit_of_an_undone_or_unknown_promise_is_refused(cli):
    cli.promise()
    cli.ok("undo")
    assert "was undone" in cli("edit", "1", "--title", "X").stderr
    assert "no promise 9" in cli("edit", "9", "--title", "X").stderr


def test_undoing_one_edit_of_several_on_a_shared_ledger_keeps_the_others(cli, as_):
    as_("ann@laptop")
    pid = cli.promise("Draft")
    cli.ok("edit", str(pid), "--title", "Draft report")
    as_("bob@desk")
    cli.ok("edit", str(pid), "--kind", "meeting", "--title", "Final report")
    as_("ann@laptop")
    cli.ok("undo")  # Ann's title edit, under Bob's
    shown = cli.json("show", str(pid))
    assert (shown["title"], shown["kind"]) == ("Final report", "meeting")
    cli.ok("undo", "--any")  # Bob's
    shown = cli.json("show", str(pid))
    assert (shown["title"], shown["kind"]) == ("Draft", "deliverable")
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"


# -- note ---------------------------------------------------------------------------------


def test_a_note_is_shown_in_the_history_and_undoable(cli):
    pid = cli.promise()
    assert cli.ok("note", str(pid), "client called, happy").stdout == f"Noted on #{pid}: client called, happy\n"
    assert "  noted     client called, happy\n" in cli.ok("show", str(pid)).stdout
    assert cli.json("log", "--limit", "1")[0]["text"] == "client called, happy"
    cli.ok("undo")
    assert history(cli, pid) == [("promised", None), ("noted", 3), ("voided", None)]
    assert cli("note", str(pid), " ").exit_code == 2


# -- rename and merge ---------------------------------------------------------------------


def test_rename_and_merge_refuse_what_makes_no_sense(cli):
    cli.ok("client", "add", "acme")
    cli.ok("client", "add", "globex")
    cases = {
        ("client", "rename", "acme", "globex"): "there is already a client globex",
        ("client", "rename", "nobody", "x"): "no client nobody",
        ("client", "rename", "acme", "ACME"): "client acme is already called acme",
        ("client", "rename", "acme", "bad handle"): "is not a client handle",
        ("client", "merge", "acme", "acme"): "a client can't be merged into itself",
        ("client", "merge", "acme", "nobody"): "no client nobody",
    }
    for args, message in cases.items():
        out = cli(*args)
        assert out.exit_code == 2 and message in out.stderr, (args, out.stderr)
    cli.ok("client", "merge", "acme", "globex")
    assert "client acme was merged into globex; use globex" in cli("client", "merge", "globex", "acme").stderr
    assert "client acme was merged into globex" in cli("feedback", "acme", "9").stderr


def test_undoing_a_rename_whose_old_handle_was_taken_is_refused(cli):
    cli.ok("client", "add", "globx")
    cli.ok("client", "rename", "globx", "globex")
    cli.ok("client", "add", "globx")  # adds no journal event: the rename is still the last command
    before = cli.journal_size()
    out = cli("undo")
    assert (out.exit_code, out.stderr) == (
        2,
        "expect: can't give client globex back its handle globx: another client has it now\n",
    )
    assert cli.journal_size() == before and cli.json("client", "show", "globex")["client"] == "globex"


def test_a_merge_carries_feedback_and_updates_over_and_undo_gives_them_back(cli):
    cli.promise("Proposal", to="globex")
    cli.ok("client", "add", "globx")
    cli.ok("feedback", "globx", "10")
    cli.ok("feedback", "globx", "2")
    cli.ok("undo")  # the 2
    cli.ok("brief", "globx", "--sent")
    cli.ok("feedback", "globex", "9")
    cli.ok("client", "merge", "globx", "globex")
    report = cli.json("report")
    assert [(c["client"], c["nps"]) for c in report["clients"]] == [("globex", 100)]
    assert cli.json("client", "show", "globex")["last_update"] == "2026-11-25T10:00:00+01:00"
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"
    cli.ok("undo")
    report = cli.json("report")
    assert [(c["client"], c["nps"]) for c in report["clients"]] == [("globex", 100), ("globx", 100)]
    assert cli.json("client", "show", "globex")["last_update"] is None
    assert cli.json("client", "show", "globx")["last_update"] == "2026-11-25T10:00:00+01:00"


# -- in and out ---------------------------------------------------------------------------


def test_corrections_survive_export_and_import(cli, tmp_path, config_file):
    pid = cli.promise("Porposal", to="globex")
    cli.ok("promise", "Deck", "--to", "globx", "--due", "fri", "--new-client")
    cli.ok("edit", str(pid), "--title", "Proposal", "--tag", "sales")
    cli.ok("note", str(pid), "called")
    cli.ok("feedback", "globx", "8")
    cli.ok("client", "merge", "globx", "globex")
    cli.ok("client", "rename", "globex", "globex-ag")
    exported = cli.json("export")
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(exported))
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        other = Cli(location, config_file)
        other.ok("import", str(path))
        again = other.json("export")
        assert {k: v for k, v in again.items() if k != "exported_at"} == {
            k: v for k, v in exported.items() if k != "exported_at"
        }
        assert other.json("list") == cli.json("list")
        assert other.ok("db", "check").stdout == "The ledger is sound.\n"
        # A restore is the same ledger, not a command of its own: undo takes back its last command.
        other.ok("undo")
        cli.ok("undo")
        assert other.json("list") == cli.json("list") and other.json("client", "list") == cli.json("client", "list")


@sqlite_only("edits the file behind expect's back")
def test_db_check_finds_details_that_differ_from_the_edits(cli):
    import sqlite3

    pid = cli.promise("Draft")
    cli.ok("edit", str(pid), "--title", "Report")
    with sqlite3.connect(cli.path) as db:
        db.execute("UPDATE promise SET title = 'Tampered'")
    out = cli("db", "check")
    assert out.exit_code == 1 and "promise 1: stored title 'Tampered' but its edits give 'Report'" in out.stderr


# -- a property: undoing any of several edits, by any author, leaves what the others say ----

AUTHORS = ("ann@laptop", "bob@desk")
FIELD_VALUES = {"title": ("A", "B", "C"), "kind": ("call", "meeting", "reply"), "client": ("acme", "globex")}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(AUTHORS), st.sampled_from(("edit", "undo"))), max_size=8), st.data())
def test_details_always_equal_the_live_edits_in_order(monkeypatch, tmp_path_factory, ops, data):
    """A plain model: each live edit in journal order sets its fields; the promise starts as
    it was made. Undo takes back the author's own last live edit on a shared ledger."""
    from expectcli.core.ledger import open_ledger

    folder = tmp_path_factory.mktemp("edits")
    with fresh_ledger(folder) as location:
        ledger = open_ledger(location, NOW_EPOCH)
        monkeypatch.setenv("EXPECT_AUTHOR", AUTHORS[0])
        ledger.add_client("globex")
        pid = ledger.promise("Start", "acme", NOW_EPOCH + 86400).id
        live: list[tuple[str, dict]] = []  # (author, changes) of the edits not undone, in order
        authors = {AUTHORS[0]}
        for who, op in ops:
            monkeypatch.setenv("EXPECT_AUTHOR", who)
            if op == "edit":
                field = data.draw(st.sampled_from(sorted(FIELD_VALUES)))
                value = data.draw(st.sampled_from(FIELD_VALUES[field]))
                model = expected(live)
                if model[field] == value:
                    continue
                ledger.edit(pid, **{field: value})
                live.append((who, {field: value}))
                authors.add(who)
            else:
                shared = len(authors) > 1
                mine = [i for i, (author, _) in enumerate(live) if author == who or not shared]
                if not mine:  # (the ledger would take back the promise itself: not this test's business)
                    continue
                ledger.undo()
                del live[mine[-1]]
                authors.add(who)  # an undo is a command of its author too
            shown = ledger.get(pid)
            assert {"title": shown.title, "kind": shown.kind, "client": shown.client} == expected(live)
        ledger.store.close()


NOW_EPOCH = int(datetime(2026, 11, 25, 9, tzinfo=UTC).timestamp())


def expected(live: list[tuple[str, dict]]) -> dict:
    values = {"title": "Start", "kind": "deliverable", "client": "acme"}
    for _, changes in live:
        values.update(changes)
    return values


def test_a_rename_to_a_look_alike_of_another_client_asks_for_new_client(cli):
    cli.ok("client", "add", "globex")
    cli.ok("client", "add", "initech")
    out = cli("client", "rename", "initech", "globx")
    assert out.exit_code == 2
    assert out.stderr == (
        "expect: globx looks like a typo of client globex; `expect client merge initech globex` joins the two "
        "(add --new-client to rename initech to globx)\n"
    )
    assert [c["client"] for c in cli.json("client", "list")] == ["globex", "initech"]
    cli.ok("client", "rename", "initech", "globx", "--new-client")
    # a rename that looks like its own old handle is a spelling fix, not a typo of another
    cli.ok("client", "rename", "globx", "glabx")
    assert sorted(c["client"] for c in cli.json("client", "list")) == ["glabx", "globex"]

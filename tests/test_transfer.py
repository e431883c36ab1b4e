"""Data in and out: export, import, calendars, backups, checks and upgrades."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import Cli, built, fresh_ledger, run_expect, sqlite_only

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def other(tmp_path, config_file):
    """A second, empty ledger to import into."""
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        yield Cli(location, config_file)


def without_stamp(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


@pytest.fixture
def busy(cli):
    """A ledger with every kind of event: moves, deliveries, a release, a reopen, undos,
    terms, feedback, an update sent."""
    return built(cli, type_busy)


def type_busy(cli):
    made = "2026-11-16T09:00:00+01:00"
    cli.ok("client", "add", "acme", "--name", "Acme Corp", now=made)
    cli.ok("client", "terms", "acme", "--respond-within", "4h", "--update-every", "1w", now=made)
    a = cli.promise("Proposal", due="2026-11-20", now=made, criteria="signed PDF", tag="sales")
    b = cli.promise('=HYPERLINK("http://evil")', to="globex", due="2026-11-24", now=made)
    c = cli.promise("Workshop", due="2026-11-27", now=made)
    cli.ok("move", str(a), "2026-11-23", "--reason", "waiting for figures", now="2026-11-18T10:00:00+01:00")
    cli.ok("done", str(a), now="2026-11-23T16:00:00+01:00")
    cli.ok("release", str(c), "--reason", "cancelled", now="2026-11-19T10:00:00+01:00")
    cli.ok("reopen", str(c), now="2026-11-19T11:00:00+01:00")
    cli.ok("inbound", "acme", "Q3 numbers", now="2026-11-20T16:00:00+01:00")
    cli.ok("feedback", "acme", "9", "--note", "great", now="2026-11-21T10:00:00+01:00")
    cli.ok("feedback", "globex", "4", now="2026-11-21T10:00:00+01:00")
    cli.ok("undo", now="2026-11-21T10:05:00+01:00")  # the globex feedback
    cli.ok("client", "terms", "acme", "--respond-within", "1bd", now="2026-11-22T10:00:00+01:00")
    cli.ok("undo", now="2026-11-22T10:01:00+01:00")  # back to 4h
    cli.ok("brief", "acme", "--sent", now="2026-11-23T17:00:00+01:00")
    cli.promise("Undone promise", due="2026-11-30", now="2026-11-24T09:00:00+01:00")
    cli.ok("undo", now="2026-11-24T09:01:00+01:00")
    assert b
    return cli


def test_json_round_trip_is_exact(busy, other, tmp_path):
    exported = busy.json("export")
    assert exported["format"] == "expect-ledger" and exported["version"] == 3
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(exported))
    out = other.ok("import", str(path))
    assert out.stdout == "Added 5 promises, skipped 0 already in the ledger.\n"
    assert without_stamp(other.json("export")) == without_stamp(exported)
    assert other.json("list", "--all") == busy.json("list", "--all")
    assert other.json("client", "show", "acme") == busy.json("client", "show", "acme")
    assert other.json("report", "--last-week") == busy.json("report", "--last-week")
    assert other.ok("db", "check").stdout == "The ledger is sound.\n"
    assert other.json("promise", "Next", "--to", "acme", "--due", "fri")["id"] == 6  # ids continue


def test_importing_twice_adds_nothing(busy, other, tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text(busy.ok("export").stdout)
    other.ok("import", str(path))
    size = other.journal_size()
    assert other.ok("import", str(path)).stdout == "Added 0 promises, skipped 5 already in the ledger.\n"
    assert other.journal_size() == size
    assert busy.ok("import", str(path)).stdout.startswith("Added 0 promises, skipped 5")


def test_export_to_a_file_is_private(busy, tmp_path):
    target = tmp_path / "out.json"
    busy.ok("export", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["format"] == "expect-ledger"


def test_csv_export_has_the_contract_columns_and_neutralises_formulas(busy):
    out = busy.ok("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["id", "title", "client", "kind", "tags", "promised_at", "due", "first_due",
                             "delivered_at", "released_at", "outcome", "criteria"]  # fmt: skip
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]  # the undone promise is not a row
    assert rows[0] == {
        "id": "1",
        "title": "Proposal",
        "client": "acme",
        "kind": "deliverable",
        "tags": "sales",
        "promised_at": "2026-11-16T09:00:00+01:00",
        "due": "2026-11-23T17:00:00+01:00",
        "first_due": "2026-11-20T17:00:00+01:00",
        "delivered_at": "2026-11-23T16:00:00+01:00",
        "released_at": "",
        "outcome": "renegotiated",
        "criteria": "signed PDF",
    }
    assert rows[1]["title"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize("title", ["=1+1", "+SUM(A1)", "-2", "@cmd"])
def test_every_formula_prefix_is_neutralised(cli, title):
    cli.ok("promise", "--to", "acme", "--due", "fri", "--", title + " tail")
    (row,) = list(csv.DictReader(io.StringIO(cli.ok("export", "--format", "csv").stdout)))
    assert row["title"] == "'" + title + " tail"


def test_tab_and_carriage_return_prefixes_are_neutralised_too():
    from expectcli.core.exporting import safe_cell

    assert (safe_cell("\tx"), safe_cell("\rx"), safe_cell("plain"), safe_cell("")) == ("'\tx", "'\rx", "plain", "")


def test_csv_round_trip_keeps_the_promise_fields(busy, other, tmp_path):
    path = tmp_path / "promises.csv"
    path.write_text(busy.ok("export", "--format", "csv").stdout, encoding="utf-8")
    other.ok("import", str(path))
    # The first deadline and the outcome are in the file: every outcome comes back.
    fields = ("title", "client", "kind", "tags", "promised_at", "first_due", "due", "delivered_at", "released_at",
              "outcome", "criteria")  # fmt: skip
    mine = [{k: p[k] for k in fields} for p in busy.json("list", "--all")]
    theirs = [{k: p[k] for k in fields} for p in other.json("list", "--all")]
    assert sorted(mine, key=str) == sorted(theirs, key=str)
    assert other.ok("import", str(path)).stdout.startswith("Added 0 promises, skipped 4")


def test_csv_import_needs_only_title_client_and_due(cli, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("title,client,due,tags\nSend the deck,acme,2026-12-01,sales;deck\nCall Bob,Globex,fri 3pm,\n")
    assert cli.ok("import", str(path)).stdout == "Added 2 promises, skipped 0 already in the ledger.\n"
    listed = cli.json("list")
    assert [(p["title"], p["client"], p["due"], p["tags"]) for p in listed] == [
        ("Call Bob", "globex", "2026-11-27T15:00:00+01:00", []),
        ("Send the deck", "acme", "2026-12-01T17:00:00+01:00", ["sales", "deck"]),
    ]
    assert cli.ok("import", str(path)).stdout.startswith("Added 0 promises, skipped 2")


def test_a_bad_row_anywhere_rejects_the_whole_import(cli, tmp_path):
    rows = ["title,client,due"] + [f"Promise {n},acme,2026-12-{n % 28 + 1:02d}" for n in range(1, 12001)]
    rows[10000] = "Promise 10000,acme,the day after tomorrow-ish"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n")
    cli.promise("Already here")
    before = cli.ok("export").stdout
    out = cli("import", str(path))
    assert out.exit_code == 2 and out.stdout == ""
    assert "line 10001: can't read 'the day after tomorrow-ish'" in out.stderr
    assert out.stderr.rstrip().endswith("1 rejected; nothing was imported")
    assert cli.ok("export").stdout == before


def test_rejections_list_every_bad_line(cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,client,due,kind\n,acme,fri,\nOk,acme,fri,\nX,acme,feb 30,\nY,acme,fri,party\n")
    out = cli("import", str(path), "--json")
    assert out.exit_code == 2
    assert out.json()["rejected"] == [
        {"line": 2, "error": "no title"},
        {"line": 4, "error": "feb 30 is not a calendar date"},
        {"line": 5, "error": "unknown kind 'party'; use one of deliverable, reply, call, meeting"},
    ]
    assert cli.json("list") == []


def test_dry_run_writes_nothing(busy, other, tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text(busy.ok("export").stdout)
    out = other.ok("import", str(path), "--dry-run")
    assert out.stdout == "Would add 5 promises, skipped 0 already in the ledger; nothing written (dry run).\n"
    assert other.json("list", "--all") == [] and other.journal_size() == 0


@pytest.mark.parametrize(
    "content, name, message",
    [
        ("{not json", "x.json", "line 1 is not JSON"),
        ('{"format": "expect-ledger", "version": 9}', "x.json", "format version 9"),
        ("name,when\nx,y\n", "x.csv", "the CSV has no title or due column"),
        ("[1, 2]", "x.json", "not a task object"),
        ("\xc3\x28 garbage", "x.bin", "is not UTF-8 text (byte 0)"),
    ],
)
def test_malformed_files_are_one_clear_refusal(cli, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    out = cli("import", str(path))
    assert out.exit_code == 2 and message in out.stderr and "Traceback" not in out.stderr
    assert cli.journal_size() == 0


def test_taskwarrior_export_maps_onto_promises(cli):
    out = cli.ok("import", str(FIXTURES / "taskwarrior-export.json"))
    assert out.stdout == "Added 6 promises, skipped 0 already in the ledger, 2 left out (no due date).\n"
    promises = {p["title"] + "/" + p["client"]: p for p in cli.json("list", "--all")}
    proposal = promises["Send the revised proposal/acme"]
    assert (proposal["due"], proposal["promised_at"], proposal["tags"], proposal["outcome"]) == (
        "2026-11-27T17:00:00+01:00",
        "2026-11-20T09:30:00+01:00",
        ["sales", "proposal"],
        "open",
    )
    call = promises["Call Dana back about the invoice/globex"]
    assert (call["delivered_at"], call["outcome"], call["tags"]) == ("2026-11-19T11:15:00+01:00", "kept", ["billing"])
    assert promises["Workshop agenda/initech"]["outcome"] == "late"
    logo = promises["Logo ideas/acme"]
    assert (logo["released_at"], logo["outcome"]) == ("2026-11-01T13:00:00+01:00", "released")
    assert promises["Weekly status report/acme"]["due"] == "2026-11-27T17:00:00+01:00"
    assert promises["Chase the signed contract/unassigned"]["outcome"] == "open"
    again = cli.ok("import", str(FIXTURES / "taskwarrior-export.json"), "--from", "taskwarrior")
    assert again.stdout.startswith("Added 0 promises, skipped 6")


def test_taskwarrior_line_per_task_and_default_client(cli, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(
        '{"description":"A","due":"20261201T160000Z","status":"pending","entry":"20261120T080000Z"}\n'
        '{"description":"B","due":"20261202T160000Z","status":"pending","entry":"20261120T080000Z"}\n'
    )
    cli.ok("import", str(path), "--from", "taskwarrior", "--client", "inbox")
    assert [p["client"] for p in cli.json("list")] == ["inbox", "inbox"]


def test_ics_has_one_todo_per_open_promise_at_its_deadline(busy):
    from icalendar import Calendar

    out = busy.runner.invoke(__import__("expectcli.cli.app").cli.app.app, ["export", "--format", "ics"], env=busy.env())
    calendar = Calendar.from_ical(out.stdout_bytes)
    events = calendar.walk("VTODO")
    open_promises = busy.json("list")
    assert len(events) == len(open_promises) == 3
    by_uid = {str(e["UID"]): e for e in events}
    for p in open_promises:
        event = by_uid[f"promise-{p['id']}@expect"]
        assert event.decoded("DUE").isoformat().replace("+00:00", "") == \
            __import__("datetime").datetime.fromisoformat(p["due"]).astimezone(__import__("datetime").timezone.utc) \
            .replace(tzinfo=None).isoformat()  # fmt: skip
        assert p["title"] in str(event["SUMMARY"])
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_db_check_finds_a_tampered_ledger(busy):
    from expectcli.storage.store import open_store

    assert busy("db", "check").exit_code == 0
    store = open_store(busy.location)
    with store.write() as tx:
        tx.execute("UPDATE promise SET outcome = 'kept' WHERE id = 2")
    store.close()
    out = busy("db", "check")
    assert out.exit_code == 1
    assert "promise 2: stored outcome 'kept' but its journal gives 'open'" in out.stderr
    assert busy("db", "check", "--json").json()["ok"] is False


@sqlite_only("SQLite's backup API")
def test_db_backup_is_a_private_consistent_copy(busy, tmp_path):
    target = tmp_path / "copy.db"
    assert busy.ok("db", "backup", str(target)).stdout == f"Backed up to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = Cli(target, busy.config)
    assert without_stamp(copy.json("export")) == without_stamp(busy.json("export"))
    again = busy("db", "backup", str(target))
    assert again.exit_code == 2 and "already exists" in again.stderr
    default = busy.ok("db", "backup").stdout
    assert "/backups/ledger-20261125-090000.db" in default


@pytest.mark.slow
@sqlite_only("SQLite's backup API")
def test_db_backup_while_another_process_writes(cli, tmp_path, config_file):
    import subprocess
    import sys

    cli.promise("First")
    env = {"EXPECT_DB": str(cli.path), "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": "2026-11-25T10:00:00+01:00"}
    script = ("import subprocess, sys\n"
              "for n in range(30):\n"
              "    subprocess.run([sys.executable, '-m', 'expectcli', 'promise', f'W{n}', '--to', 'acme', '--due', "
              "'fri'], check=True, capture_output=True)\n")  # fmt: skip
    writer = subprocess.Popen([sys.executable, "-c", script], env={**__import__("os").environ, **env})
    copies = []
    for n in range(5):
        target = tmp_path / f"copy{n}.db"
        done = run_expect(["db", "backup", str(target)], env)
        assert done.returncode == 0, done.stderr
        copies.append(target)
    assert writer.wait(timeout=120) == 0
    for target in copies:
        check = run_expect(["db", "check"], {**env, "EXPECT_DB": str(target)})
        assert check.returncode == 0, check.stderr


@pytest.fixture
def old(tmp_path, config_file) -> Cli:
    """A ledger made by the first schema version (0001 only), from its SQL dump."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "ledger-v1.sql").read_text())
    return Cli(path, config_file)


@sqlite_only("the first-version ledger is a SQLite dump")
def test_a_first_version_ledger_is_upgraded(old):
    from expectcli.storage.schema import MIGRATIONS

    out = old.ok("db", "migrate")
    steps, version = ", ".join(name for name, _ in MIGRATIONS[1:]), len(MIGRATIONS)
    assert out.stdout == f"Applied {steps}; the ledger is at schema version {version}.\n"
    assert "0004_commands, 0005_timeline, 0006_search, 0007_recurring" in steps
    assert old.ok("db", "migrate").stdout == f"The ledger is already at schema version {version}.\n"
    assert old.ok("db", "check").stdout == "The ledger is sound.\n"
    listed = {p["title"]: (p["outcome"], p["moves"]) for p in old.json("list", "--all")}
    assert listed == {"Send the proposal": ("missed", 1), "Call back": ("late", 0), "Draft contract": ("released", 0)}
    assert old.json("show", "4")["outcome"] == "voided"
    assert [e["kind"] for e in old.json("log", "--limit", "3")] == ["released", "voided", "promised"]
    assert old.json("client", "terms", "initech")["respond_within"] == "1bd"
    assert [p["title"] for p in old.json("search", "proposal")] == ["Send the proposal"]  # indexed by the upgrade


@sqlite_only("the first-version ledger is a SQLite dump")
def test_commands_upgrade_an_old_ledger_on_first_use(old):
    assert old.json("feedback", "acme", "10")["score"] == 10


@settings(max_examples=examples(15), deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["promise", "done", "move", "release", "reopen", "undo", "feedback", "terms"]),
            st.integers(1, 6),
            st.integers(0, 24 * 20),
        ),  # fmt: skip
        max_size=14,
    )
)
def test_round_trip_of_generated_ledgers(ops):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        config = folder / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        with fresh_ledger(folder / "a") as first, fresh_ledger(folder / "b") as second:
            _generate_and_round_trip(Cli(first, config), Cli(second, config), ops, folder)


def _generate_and_round_trip(cli: Cli, other: Cli, ops, folder: Path) -> None:
    for n, (op, target, hours) in enumerate(ops):
        now = f"2026-11-{1 + hours // 24:02d}T{hours % 24:02d}:00:00Z"
        args = {
            "promise": ["promise", f"P{n}", "--to", ("acme", "globex")[n % 2], "--due", "dec 24"],
            "done": ["done", str(target)], "move": ["move", str(target), "dec 25", "--reason", f"r{n}"],
            "release": ["release", str(target), "--reason", "no"], "reopen": ["reopen", str(target)],
            "undo": ["undo"], "feedback": ["feedback", "acme", str(target + 3)],
            "terms": ["client", "terms", "acme", "--respond-within", f"{target}h"],
        }[op]  # fmt: skip
        cli(*args, now=now)  # refusals are fine: they write nothing
    exported = cli.ok("export").stdout
    path = folder / "out.json"
    path.write_text(exported)
    other.ok("import", str(path))
    assert without_stamp(json.loads(other.ok("export").stdout)) == without_stamp(json.loads(exported))
    assert other.ok("db", "check").exit_code == 0

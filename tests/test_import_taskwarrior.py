"""Moving in from Taskwarrior: real `task export` files, a second import of a newer export,
and tasks that are history (due or end before their entry).

The files in tests/fixtures/taskwarrior/ were made by make.sh beside them with Taskwarrior
2.6.2 on 2026-12-03 around 10:53 UTC (TZ=Europe/Berlin); the last test makes them again with
the Taskwarrior on this machine, when there is one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "taskwarrior"
AFTER = "2026-12-03T12:00:00+01:00"  # just after the fixtures were made


def by_title(cli: Cli, now: str | None = AFTER) -> dict[str, dict]:
    return {p["title"]: p for p in cli.json("list", "--all", now=now)}


def kinds(cli: Cli, promise_id: int, now: str | None = AFTER) -> list[tuple[str, str | None]]:
    return [(e["kind"], e["text"]) for e in cli.json("show", str(promise_id), now=now)["events"]]


def check_first_import(cli: Cli, folder: Path, now: str | None) -> None:
    out = cli.ok("import", str(folder / "first.json"), now=now)
    assert out.stdout == "Added 8 promises, skipped 0 already in the ledger, 2 left out (no due date).\n"
    warned = out.stderr.splitlines()
    assert any('("Chase the signed contract"): due before its entry; imported as history' in w for w in warned)
    assert any('("Old call"): due and end before its entry; imported as history' in w for w in warned)
    promises = by_title(cli, now)
    assert {title: (p["client"], p["tags"], p["outcome"]) for title, p in promises.items()} == {
        "Send the revised proposal": ("acme", ["sales"], "open"),
        "Rechnung prüfen": ("müller-gmbh", [], "open"),
        "Q4 budget review": ("acme", ["finance"], "open"),
        "Chase the signed contract": ("unassigned", [], "missed"),
        "Workshop agenda": ("initech", [], "open"),
        "Call Dana back": ("globex", ["billing"], "late"),
        "Old call": ("globex", [], "late"),
        "Weekly status report": ("acme", [], "open"),
    }
    # `due:tomorrow` is local midnight in Taskwarrior: here the end of that working day.
    assert promises["Rechnung prüfen"]["due"][10:19] == "T17:00:00"
    proposal = promises["Send the revised proposal"]
    assert kinds(cli, proposal["id"], now) == [("promised", None), ("noted", "waiting for Bob's figures")]


def check_second_import(cli: Cli, folder: Path, now: str | None) -> None:
    before = by_title(cli, now)
    out = cli.ok("import", str(folder / "second.json"), now=now)
    assert out.stdout == ("Added 0 promises, updated 4, skipped 4 already in the ledger, 2 left out (no due date).\n")
    after = by_title(cli, now)
    assert len(after) == 8  # nothing duplicated
    budget = after["Q4 budget review"]
    assert (budget["moves"], budget["first_due"]) == (1, before["Q4 budget review"]["due"])
    assert budget["due"] > budget["first_due"] and budget["outcome"] == "open"
    assert kinds(cli, budget["id"], now)[-1] == ("moved", "changed in Taskwarrior")
    assert (after["Rechnung prüfen"]["outcome"], after["Workshop agenda"]["outcome"]) == ("kept", "released")
    assert kinds(cli, after["Workshop agenda"]["id"], now)[-1] == ("released", "deleted in Taskwarrior")
    assert kinds(cli, after["Send the revised proposal"]["id"], now)[-1] == ("noted", "figures arrived")
    size = cli.journal_size()
    again = cli.ok("import", str(folder / "second.json"), now=now)
    assert again.stdout.startswith("Added 0 promises, skipped 8 already in the ledger")
    assert cli.journal_size() == size
    assert cli.ok("db", "check", now=now).stdout == "The ledger is sound.\n"


def test_a_real_export_maps_onto_promises(cli):
    check_first_import(cli, FIXTURES, AFTER)


def test_a_newer_export_updates_by_uuid(cli):
    cli.ok("import", str(FIXTURES / "first.json"), now=AFTER)
    check_second_import(cli, FIXTURES, AFTER)


def test_the_newer_export_alone_is_imported_whole(cli):
    out = cli.ok("import", str(FIXTURES / "second.json"), now=AFTER)
    assert out.stdout.startswith("Added 8 promises, skipped 0")


def test_undoing_an_import_lets_the_same_tasks_be_imported_again(cli):
    cli.ok("import", str(FIXTURES / "first.json"), now=AFTER)
    cli.ok("undo", now=AFTER)
    assert cli.json("list", "--all", now=AFTER) == []
    assert cli.ok("import", str(FIXTURES / "first.json"), now=AFTER).stdout.startswith("Added 8 promises")


def test_a_dry_run_of_the_update_writes_nothing(cli):
    cli.ok("import", str(FIXTURES / "first.json"), now=AFTER)
    size = cli.journal_size()
    out = cli.ok("import", str(FIXTURES / "second.json"), "--dry-run", now=AFTER)
    assert out.stdout.startswith("Would add 0 promises, updated 4, skipped 4")
    assert cli.journal_size() == size


def task(**fields) -> dict:
    base = {"uuid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "description": "Send it", "status": "pending",
            "entry": "20261120T080000Z", "due": "20261201T160000Z"}  # fmt: skip
    return {key: value for key, value in {**base, **fields}.items() if value is not None}


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"due": "2026-12-01"}, "can't read '2026-12-01' as a Taskwarrior date"),
        ({"due": "22000101T000000Z"}, "a date outside the years 1970-2199"),
        ({"entry": "19690101T000000Z"}, "a date outside the years 1970-2199"),
        ({"status": "completed"}, "a completed task without an end time"),
        ({"status": "done"}, "unknown status 'done'"),
        ({"description": "   "}, "no title"),
        ({"description": "x" * 1001}, "the title is longer than 1000 characters"),
        ({"tags": ["two words"]}, "is not a tag"),
        ({"uuid": "not a uuid!"}, "the uuid is not a uuid"),
    ],
)
def test_errors_name_the_task_by_uuid_and_description(cli, tmp_path, fields, message):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task(description="Fine", uuid="11111111-2222-4333-8444-555555555555"), task(**fields)]))
    out = cli("import", str(path), "--from", "taskwarrior")
    assert out.exit_code == 2 and out.stdout == ""
    line = next(line for line in out.stderr.splitlines() if line.startswith("expect: task 2: "))
    uuid = fields.get("uuid", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    assert f"uuid {uuid} (" in line and message in line
    assert cli.journal_size() == 0


def test_a_lone_surrogate_in_a_description_is_refused(cli, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task()]).replace("Send it", "Send \\ud800 it"))
    out = cli("import", str(path), "--from", "taskwarrior")
    assert out.exit_code == 2 and "the title is not valid Unicode text" in out.stderr
    assert cli.journal_size() == 0


def test_the_same_uuid_twice_in_one_file_is_refused(cli, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task(), task(description="Other")]))
    out = cli("import", str(path), "--from", "taskwarrior")
    assert out.exit_code == 2 and "the same uuid as an earlier task in this file" in out.stderr


def test_a_project_becomes_a_handle_of_any_script(cli, tmp_path):
    path = tmp_path / "tasks.json"
    projects = ["Müller GmbH", "Café Ünïcode.Ops Team", "東京 Office", "  ", "acme.finance.q4"]
    path.write_text(json.dumps([task(uuid=f"0000000{n}-0000-4000-8000-000000000000", description=f"T{n}",
                                     project=project) for n, project in enumerate(projects)]))  # fmt: skip
    cli.ok("import", str(path), "--from", "taskwarrior")
    got = sorted((p["title"], p["client"], p["tags"]) for p in cli.json("list", "--all"))
    assert got == [
        ("T0", "müller-gmbh", []),
        ("T1", "café-ünïcode", ["ops-team"]),
        ("T2", "東京-office", []),
        ("T3", "unassigned", []),
        ("T4", "acme", ["finance.q4"]),
    ]
    assert cli.json("client", "show", "müller-gmbh")["client"] == "müller-gmbh"


def test_typed_handles_accept_letters_of_any_script(cli):
    cli.ok("promise", "Angebot", "--to", "Müller-GmbH", "--due", "fri")
    assert cli.json("list")[0]["client"] == "müller-gmbh"


def test_taskwarrior_3_export_is_read_too(cli, tmp_path):
    """Taskwarrior 3 writes the same JSON array (without `id` for settled tasks, tags as a
    list, and `depends` as a list): read the same way."""
    path = tmp_path / "tw3.json"
    path.write_text(json.dumps([task(depends=["11111111-2222-4333-8444-555555555555"], urgency=3.2),
                                task(uuid="11111111-2222-4333-8444-555555555555", description="Done",
                                     status="completed", end="20261121T090000Z")]) + "\n")  # fmt: skip
    assert cli.ok("import", str(path)).stdout.startswith("Added 2 promises")


@pytest.mark.skipif(shutil.which("task") is None, reason="Taskwarrior is not installed (.ci/run installs it)")
def test_exports_made_now_by_the_taskwarrior_on_this_machine(cli, tmp_path):
    subprocess.run([str(FIXTURES / "make.sh"), str(tmp_path)], check=True, capture_output=True, timeout=120)
    check_first_import(cli, tmp_path, None)
    check_second_import(cli, tmp_path, None)


def test_a_stale_export_does_not_undo_what_was_done_in_expect(cli):
    cli.ok("import", str(FIXTURES / "first.json"), now=AFTER)
    promises = by_title(cli)
    budget, workshop = promises["Q4 budget review"]["id"], promises["Workshop agenda"]["id"]
    cli.ok("move", str(budget), "2026-12-18", "--reason", "client asked", now=AFTER)
    cli.ok("done", str(workshop), now=AFTER)
    out = cli.ok("import", str(FIXTURES / "first.json"), now=AFTER)
    assert out.stdout.startswith("Added 0 promises, skipped 8")
    after = by_title(cli)
    assert after["Q4 budget review"]["due"] == "2026-12-18T17:00:00+01:00"
    assert after["Workshop agenda"]["outcome"] == "kept"


def test_a_deeply_nested_file_is_one_clear_refusal(cli, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    out = cli("import", str(path), "--from", "taskwarrior")
    assert out.exit_code == 2 and "nested too deeply" in out.stderr

"""`import --skip-bad REJECTS`: the good rows go in, the refused ones go to REJECTS with
their reasons, in a form that can be fixed and imported again."""

from __future__ import annotations

import csv
import io
import json

from icalendar import Calendar


def test_csv_good_rows_are_imported_and_bad_ones_written_out(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title;client;due\nGood;acme;2026-12-01\n;acme;fri\nAlso good;acme;fri\nBad;acme;someday\n")
    rejects = tmp_path / "rejects.csv"
    out = cli.ok("import", str(path), "--skip-bad", str(rejects))
    assert out.stdout == "Added 2 promises, skipped 0 already in the ledger.\n"
    assert out.stderr == f"expect: 2 rejected, written with their reasons to {rejects}\n"
    assert sorted(p["title"] for p in cli.json("list")) == ["Also good", "Good"]
    rows = list(csv.DictReader(io.StringIO(rejects.read_text())))
    assert [(r["title"], r["error"].split(" as ")[0]) for r in rows] == [
        ("", "no title"),
        ("Bad", "can't read 'someday'"),
    ]
    fixed = rejects.read_text().replace("someday", "2026-12-04").replace(",acme,fri", "Named,acme,fri")
    rejects.write_text(fixed)
    assert cli.ok("import", str(rejects)).stdout.startswith("Added 2 promises")


def test_without_it_one_bad_row_imports_nothing(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title,client,due\nGood,acme,2026-12-01\nBad,acme,someday\n")
    out = cli("import", str(path))
    assert out.exit_code == 2 and out.stderr.endswith("1 rejected; nothing was imported\n")
    assert cli.journal_size() == 0


def test_an_existing_rejects_file_is_refused_before_anything_is_written(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title,client,due\nGood,acme,2026-12-01\nBad,acme,someday\n")
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("keep me")
    out = cli("import", str(path), "--skip-bad", str(rejects))
    assert out.exit_code == 2 and "already exists" in out.stderr
    assert rejects.read_text() == "keep me" and cli.journal_size() == 0


def test_the_ledger_is_never_the_rejects_file(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title,client,due\nBad,acme,someday\n")
    out = cli("import", str(path), "--skip-bad", cli.location)
    assert out.exit_code == 2


def test_a_dry_run_writes_no_rejects_file(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title,client,due\nGood,acme,2026-12-01\nBad,acme,someday\n")
    rejects = tmp_path / "rejects.csv"
    out = cli.ok("import", str(path), "--skip-bad", str(rejects), "--dry-run")
    assert out.stdout.startswith("Would add 1 promise,") and not rejects.exists()
    assert cli.journal_size() == 0


def test_no_rejects_no_file(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title,client,due\nGood,acme,2026-12-01\n")
    rejects = tmp_path / "rejects.csv"
    cli.ok("import", str(path), "--skip-bad", str(rejects))
    assert not rejects.exists()


def test_taskwarrior_rejects_are_tasks_with_their_reason(cli, tmp_path):
    tasks = [
        {"uuid": "00000000-0000-4000-8000-000000000001", "description": "Good", "due": "20261201T160000Z",
         "entry": "20261120T080000Z", "status": "pending"},
        {"uuid": "00000000-0000-4000-8000-000000000002", "description": "Bad", "due": "tomorrow",
         "entry": "20261120T080000Z", "status": "pending"},
    ]  # fmt: skip
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks))
    rejects = tmp_path / "rejects.json"
    out = cli.json("import", str(path), "--skip-bad", str(rejects))
    assert (out["added"], len(out["rejected"]), out["rejects_file"]) == (1, 1, str(rejects))
    (refused,) = json.loads(rejects.read_text())
    assert refused["description"] == "Bad" and "00000000-0000-4000-8000-000000000002" in refused["expect_error"]


def test_calendar_rejects_are_a_calendar(cli, tmp_path):
    path = tmp_path / "cal.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                    "BEGIN:VTODO\r\nUID:good\r\nSUMMARY:Good\r\nDUE:20261201T160000Z\r\nEND:VTODO\r\n"
                    "BEGIN:VTODO\r\nUID:bad\r\nSUMMARY:Bad\r\nDUE:22010101T160000Z\r\nEND:VTODO\r\n"
                    "END:VCALENDAR\r\n")  # fmt: skip
    rejects = tmp_path / "rejects.ics"
    cli.ok("import", str(path), "--skip-bad", str(rejects))
    (todo,) = Calendar.from_ical(rejects.read_bytes()).walk("VTODO")
    assert str(todo["UID"]) == "bad" and "outside the years" in str(todo["X-EXPECT-ERROR"])

"""iCalendar both ways: the export's VTODOs come back with their titles, dues and UIDs, and
a calendar program's file (time zones, all-day items, repeating events) is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, fresh_ledger

FIXTURES = Path(__file__).parent / "fixtures"
MADE = "2026-11-16T09:00:00+01:00"


@pytest.fixture
def other(tmp_path, config_file):
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        yield Cli(location, config_file)


def ics_of(cli: Cli) -> bytes:
    from expectcli.cli.app import app

    out = cli.runner.invoke(app, ["export", "--format", "ics"], env=cli.env())
    assert out.exit_code == 0
    return out.stdout_bytes


def todos(data: bytes) -> dict[str, tuple]:
    from icalendar import Calendar

    return {str(t["UID"]): (str(t["SUMMARY"]), t.decoded("DUE")) for t in Calendar.from_ical(data).walk("VTODO")}


def test_a_round_trip_keeps_titles_dues_and_uids(cli, other, tmp_path):
    cli.promise("Send the proposal", due="2026-11-27", now=MADE, tag="sales")
    moved = cli.promise("Workshop agenda", to="initech", due="2026-11-30 10:00", now=MADE, kind="meeting")
    cli.ok("move", str(moved), "2026-12-02 10:00", "--reason", "room", now="2026-11-20T09:00:00+01:00")
    done = cli.promise("Done already", due="2026-11-30", now=MADE)
    cli.ok("done", str(done), now="2026-11-20T09:00:00+01:00")
    cli.promise("=Formula title; with, punctuation", to="müller-gmbh", due="2026-12-03", now=MADE)
    exported = ics_of(cli)
    assert len(todos(exported)) == 3  # open promises only
    path = tmp_path / "open.ics"
    path.write_bytes(exported)
    assert other.ok("import", str(path)).stdout == "Added 3 promises, skipped 0 already in the ledger.\n"
    again = ics_of(other)
    assert todos(again) == todos(exported)
    theirs = {p["title"]: p for p in other.json("list")}
    for mine in cli.json("list"):
        assert (theirs[mine["title"]]["client"], theirs[mine["title"]]["due"], theirs[mine["title"]]["kind"],
                theirs[mine["title"]]["tags"]) == (mine["client"], mine["due"], mine["kind"], mine["tags"])  # fmt: skip
    assert other.ok("import", str(path)).stdout == "Added 0 promises, skipped 3 already in the ledger.\n"
    assert cli.ok("import", str(path)).stdout == "Added 0 promises, skipped 3 already in the ledger.\n"
    path.write_bytes(again)
    assert other.ok("import", str(path)).stdout == "Added 0 promises, skipped 3 already in the ledger.\n"


def test_a_calendar_programs_file_is_read(cli):
    out = cli.ok("import", str(FIXTURES / "calendar-thunderbird.ics"), "--client", "work")
    assert out.stdout == "Added 7 promises, skipped 0 already in the ledger, 1 left out (no due date).\n"
    assert "item 2: VEVENT '9a3e5b7d-0f0e-4a55-bb0c-1c7f2d9e8b02' repeats; only its first occurrence is imported" \
        in out.stderr  # fmt: skip
    got = {p["title"]: (p["client"], p["kind"], p["due"], p["outcome"]) for p in cli.json("list", "--all")}
    assert got == {
        "Steering committee with Acme": ("work", "meeting", "2026-12-01T14:00:00+01:00", "open"),
        "Weekly sync": ("work", "meeting", "2026-11-26T09:30:00+01:00", "open"),
        "Quarterly report due": ("work", "meeting", "2026-12-04T17:00:00+01:00", "open"),  # all day: end of work
        "Call with the New York office": ("work", "meeting", "2026-12-02T17:00:00+01:00", "open"),  # its VTIMEZONE
        "Cancelled workshop": ("work", "meeting", "2026-12-10T14:00:00+01:00", "released"),
        "Send the signed contract back": ("work", "deliverable", "2026-11-27T17:00:00+01:00", "open"),
        "Review the draft": ("work", "deliverable", "2026-11-23T17:00:00+01:00", "kept"),  # floating: local
    }
    assert cli.ok("db", "check").exit_code == 0
    again = cli.ok("import", str(FIXTURES / "calendar-thunderbird.ics"), "--client", "work")
    assert again.stdout.startswith("Added 0 promises, skipped 7")


def test_a_moved_calendar_item_becomes_a_move(cli, tmp_path):
    path = tmp_path / "cal.ics"
    item = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:u1\r\nSUMMARY:Report\r\nDUE:{}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    path.write_text(item.format("20261201T160000Z"))
    cli.ok("import", str(path))
    path.write_text(item.format("20261203T160000Z"))
    assert cli.ok("import", str(path)).stdout.startswith("Added 0 promises, updated 1")
    (promise,) = cli.json("list")
    assert (promise["moves"], promise["outcome"]) == (1, "open")
    assert cli.json("show", str(promise["id"]))["events"][-1]["text"] == "changed in the calendar"


@pytest.mark.parametrize(
    "body, message",
    [
        ("DUE:22010101T000000Z", "a date outside the years 1970-2199"),
        ("DUE:19600101T000000Z", "a date outside the years 1970-2199"),
        ("DUE:20261201T160000Z\r\nSUMMARY:", "no title"),
        ("DUE:20261201T160000Z\r\nX-EXPECT-KIND:party", "unknown kind 'party'"),
    ],
)
def test_a_bad_item_is_refused_by_its_uid(cli, tmp_path, body, message):
    path = tmp_path / "cal.ics"
    summary = "" if "SUMMARY" in body else "SUMMARY:Report\r\n"
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:bad-1\r\n{summary}{body}\r\n"
                    "END:VTODO\r\nEND:VCALENDAR\r\n")  # fmt: skip
    out = cli("import", str(path))
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.startswith("expect: item 1: VTODO 'bad-1': ") and message in out.stderr
    assert cli.journal_size() == 0


@pytest.mark.parametrize(
    "content",
    [
        "BEGIN:VCALENDAR\r\ngarbage\r\n",
        "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:x\r\nSUMMARY:x\r\nDUE:2026xx\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
    ],
)
def test_a_broken_calendar_is_one_clear_refusal(cli, tmp_path, content):
    path = tmp_path / "cal.ics"
    path.write_text(content)
    out = cli("import", str(path))
    assert out.exit_code == 2 and out.stderr.startswith("expect: not an iCalendar file")


def test_an_older_calendar_export_does_not_undo_a_later_move(cli, tmp_path):
    promise = cli.promise("Report", due="2026-11-30", now=MADE)
    path = tmp_path / "open.ics"
    path.write_bytes(ics_of(cli))
    cli.ok("move", str(promise), "2026-12-04", "--reason", "more data")
    assert cli.ok("import", str(path)).stdout == "Added 0 promises, skipped 1 already in the ledger.\n"
    assert cli.json("show", str(promise))["due"] == "2026-12-04T17:00:00+01:00"

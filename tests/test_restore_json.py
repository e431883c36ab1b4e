"""The JSON export as a backup: an exact restore, nothing added twice, and a strict schema.

Each refusal is one line naming the place in the document, exit status 2, and nothing
written (the ledger exports exactly as before)."""

from __future__ import annotations

import copy
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from asks_fixture import add_ask, undo
from conftest import Cli, built, fresh_ledger, sqlite_only
from expectcli.core import document

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).parent.parent / "docs"


def without_stamp(exported: dict) -> dict:
    return {key: value for key, value in exported.items() if key != "exported_at"}


@pytest.fixture
def other(tmp_path, config_file):
    """A second, empty ledger to restore into."""
    folder = tmp_path / "other"
    folder.mkdir()
    with fresh_ledger(folder) as location:
        yield Cli(location, config_file)


def build(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A ledger of two authors with several clients, look-alike promises, moves, a delivery,
    a release and a reopen, edits, notes, feedback, terms, a rename, a merge and undos; and
    asks: one received that blocked a promise, one waiting, one undone (ids 6, 7, 8)."""
    monkeypatch.setenv("EXPECT_AUTHOR", "ann@laptop")
    made = "2026-11-16T09:00:00+01:00"
    cli.ok("client", "add", "acme", "--name", "Acme Corp", now=made)
    cli.ok("client", "terms", "acme", "--respond-within", "4h", "--update-every", "1w", "--hours", "08:00-16:00",
           "--timezone", "Europe/London", "--holidays", "GB", now=made)  # fmt: skip
    cli.promise("Proposal", due="2026-11-20", now=made, criteria="signed PDF", tag="sales")  # 1
    cli.promise("Proposal", due="2026-11-20", now=made, criteria="signed PDF", tag="sales")  # 2, its twin
    cli.promise("Workshop", to="globex", due="2026-11-27", now=made)  # 3
    cli.ok("move", "1", "2026-11-23", "--reason", "waiting for figures", now="2026-11-18T10:00:00+01:00")
    cli.ok("done", "1", now="2026-11-23T16:00:00+01:00")
    cli.ok("release", "3", "--reason", "cancelled", now="2026-11-19T10:00:00+01:00")
    cli.ok("reopen", "3", now="2026-11-19T11:00:00+01:00")
    monkeypatch.setenv("EXPECT_AUTHOR", "bob@desktop")
    cli.ok("edit", "2", "--title", "Proposal, second copy", "--tag", "draft", now="2026-11-19T12:00:00+01:00")
    cli.ok("note", "2", "called them", now="2026-11-19T12:30:00+01:00")
    cli.ok("feedback", "acme", "9", "--note", "great", now="2026-11-21T10:00:00+01:00")
    cli.ok("feedback", "globex", "4", now="2026-11-21T10:00:00+01:00")
    cli.ok("undo", now="2026-11-21T10:05:00+01:00")  # the globex feedback
    cli.ok("client", "add", "initech", now="2026-11-21T11:00:00+01:00")
    cli.promise("Audit", to="initech", due="2026-11-30", now="2026-11-21T11:00:00+01:00")  # 4
    cli.ok("feedback", "initech", "6", now="2026-11-21T12:00:00+01:00")
    cli.ok("client", "merge", "initech", "acme", now="2026-11-22T11:00:00+01:00")
    cli.ok("client", "rename", "globex", "globex-uk", now="2026-11-22T12:00:00+01:00")
    monkeypatch.setenv("EXPECT_AUTHOR", "ann@laptop")
    cli.ok("client", "terms", "acme", "--respond-within", "1bd", now="2026-11-22T13:00:00+01:00")
    cli.ok("undo", now="2026-11-22T13:01:00+01:00")  # back to 4h
    cli.ok("brief", "acme", "--sent", now="2026-11-23T17:00:00+01:00")
    cli.promise("Undone promise", due="2026-11-30", now="2026-11-24T09:00:00+01:00")  # 5
    cli.ok("undo", now="2026-11-24T09:01:00+01:00")
    add_ask(cli, "acme", "the signed SOW", "2026-11-24T10:00:00+01:00", needed_by="2026-11-24T17:00:00+01:00",
            received_at="2026-11-24T18:30:00+01:00", received_recorded_at="2026-11-25T08:00:00+01:00",
            blocks=(4,))  # 6, received late  # fmt: skip
    add_ask(cli, "globex-uk", "access to the data room", "2026-11-24T11:00:00+01:00")  # 7, waiting
    add_ask(cli, "acme", "feedback on the draft", "2026-11-24T12:00:00+01:00", needed_by="2026-11-27T17:00:00+01:00")
    undo(cli, now="2026-11-24T12:01:00+01:00")  # 8, undone
    return cli


@pytest.fixture
def ledger(cli, monkeypatch) -> Cli:
    built(cli, functools.partial(build, monkeypatch=monkeypatch))
    monkeypatch.setenv("EXPECT_AUTHOR", "ann@laptop")  # as `build` leaves it
    return cli


def write(tmp_path: Path, content: dict | str, name: str = "ledger.json") -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False))
    return path


# -- the exact round trip ------------------------------------------------------------------


def test_export_then_restore_gives_the_same_document(ledger, other, tmp_path):
    exported = ledger.json("export")
    assert exported["format"] == "expect-ledger" and exported["version"] == 3
    assert [(a["id"], a["state"]) for a in exported["asks"]] == [(6, "received"), (7, "waiting"), (8, "voided")]
    out = other.ok("import", str(write(tmp_path, exported)))
    assert out.stdout == "Added 5 promises and 3 asks, skipped 0 already in the ledger.\n"
    assert without_stamp(other.json("export")) == without_stamp(exported)
    assert other.ok("db", "check").stdout == "The ledger is sound.\n"
    for view in (["list", "--all"], ["client", "list"], ["report", "--last-week"], ["log", "--limit", "500"]):
        assert other.json(*view) == ledger.json(*view), view
    assert other.json("show", "5")["outcome"] == "voided"


def test_asks_are_exported_with_their_events_and_blocked_promises_name_them(ledger, other, tmp_path):
    exported = ledger.json("export")
    sow, room, undone = exported["asks"]
    assert {key: value for key, value in sow.items() if key != "events"} == {
        "id": 6, "client": "acme", "title": "the signed SOW", "asked_at": "2026-11-24T10:00:00+01:00",
        "needed_by": "2026-11-24T17:00:00+01:00", "received_at": "2026-11-24T18:30:00+01:00", "state": "received",
    }  # fmt: skip
    assert [(e["kind"], e.get("effective_at"), e.get("due")) for e in sow["events"]] == [
        ("asked", "2026-11-24T10:00:00+01:00", "2026-11-24T17:00:00+01:00"),
        ("received", "2026-11-24T18:30:00+01:00", None),
    ]
    assert sow["events"][1]["recorded_at"] == "2026-11-25T08:00:00+01:00"
    assert "needed_by" not in room and room["state"] == "waiting" and room["client"] == "globex-uk"
    assert [e["kind"] for e in undone["events"]] == ["asked", "voided"] and undone["state"] == "voided"
    blocked = exported["promises"][3]
    assert [(e["kind"], e.get("ask")) for e in blocked["events"]][-2:] == [("paused", 6), ("resumed", 6)]
    other.ok("import", str(write(tmp_path, exported)))
    assert other.json("export")["asks"] == exported["asks"]


def test_a_deadline_given_in_business_days_keeps_its_basis(ledger, other, tmp_path):
    exported = ledger.json("export")
    exported["promises"][0]["events"][0]["basis"] = "bd"
    exported["promises"][0]["events"][1]["basis"] = "bd"  # its move
    other.ok("import", str(write(tmp_path, exported)))
    again = other.json("export")
    assert [e.get("basis") for e in again["promises"][0]["events"][:3]] == ["bd", "bd", None]
    assert without_stamp(again) == without_stamp(exported)


def test_csv_and_ics_exports_list_promises_only(ledger):
    rows = ledger.ok("export", "--format", "csv").stdout.splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    calendar = ledger.ok("export", "--format", "ics").stdout
    assert "SOW" not in "".join(rows) and "SOW" not in calendar and "data room" not in calendar


def test_the_ask_ids_stay_taken_after_a_restore(ledger, other, tmp_path):
    """The promises' id generator follows the restored asks (8 is the highest id)."""
    exported = ledger.json("export")
    exported["asks"] = exported["asks"][:1] + exported["asks"][2:]  # 6 and 8: a gap stays a gap
    other.ok("import", str(write(tmp_path, exported)))
    assert other.promise("After the asks", due="fri") == 9


def test_look_alike_promises_stay_two_with_their_ids(ledger, other, tmp_path):
    exported = ledger.json("export")
    twins = [p for p in exported["promises"] if p["events"][0]["due"] == exported["promises"][0]["events"][0]["due"]]
    assert [p["id"] for p in twins] == [1, 2]
    other.ok("import", str(write(tmp_path, exported)))
    listed = {p["id"]: (p["title"], p["client"]) for p in other.json("list", "--all")}
    assert listed == {1: ("Proposal", "acme"), 2: ("Proposal, second copy", "acme"), 3: ("Workshop", "globex-uk"),
                      4: ("Audit", "acme")}  # fmt: skip


def test_voided_events_and_who_wrote_each_are_kept(ledger, other, tmp_path):
    exported = ledger.json("export")
    authors = {c["id"]: c["author"] for c in exported["commands"]}
    assert set(authors.values()) == {"ann@laptop", "bob@desktop"}
    undone = exported["promises"][4]["events"]
    assert [e["kind"] for e in undone] == ["promised", "voided"] and undone[1]["voids"] == undone[0]["id"]
    other.ok("import", str(write(tmp_path, exported)))
    assert [e["author"] for e in other.json("log", "--limit", "500")] == [
        e["author"] for e in ledger.json("log", "--limit", "500")
    ]
    # The restored ledger is the same ledger: undo takes back its last command, not "the import".
    assert "brief" not in other.ok("undo").stdout
    assert other.json("show", "3")["events"]


def test_ids_continue_after_the_highest(ledger, other, tmp_path):
    exported = ledger.json("export")
    other.ok("import", str(write(tmp_path, exported)))
    last_event = max(
        e["id"] for section in ("clients", "promises", "asks") for item in exported[section] for e in item["events"]
    )
    made = other.json("promise", "Next", "--to", "acme", "--due", "fri")
    assert made["id"] == 9  # after the asks' 6, 7 and 8: one numbering
    assert other.json("log", "--limit", "1")[0]["id"] == last_event + 1
    assert other.ok("db", "check").exit_code == 0


def test_dry_run_restores_nothing(ledger, other, tmp_path):
    out = other.ok("import", str(write(tmp_path, ledger.ok("export").stdout)), "--dry-run")
    assert (
        out.stdout == "Would add 5 promises and 3 asks, skipped 0 already in the ledger; nothing written (dry run).\n"
    )
    assert other.json("export")["promises"] == [] and other.json("export")["commands"] == []
    assert other.json("export")["asks"] == []


# -- importing again ------------------------------------------------------------------------


def test_importing_into_the_ledger_it_came_from_adds_nothing(ledger, other, tmp_path):
    path = write(tmp_path, ledger.ok("export").stdout)
    before = without_stamp(ledger.json("export"))
    again = "Added 0 promises and 0 asks, skipped 8 already in the ledger.\n"
    assert ledger.ok("import", str(path)).stdout == again
    assert without_stamp(ledger.json("export")) == before
    other.ok("import", str(path))
    assert other.ok("import", str(path)).stdout == again
    assert other.json("import", str(path))["asks_skipped"] == 3
    # The ledger moved on since the export: the file still adds nothing.
    ledger.ok("done", "3", now="2026-11-25T11:00:00+01:00")
    ledger.ok("client", "merge", "globex-uk", "acme", now="2026-11-25T11:00:00+01:00")
    assert ledger.ok("import", str(path)).stdout.startswith("Added 0 promises and 0 asks, skipped 8")


def test_a_file_of_another_ledger_is_refused_naming_the_promise(ledger, cli, tmp_path, config_file):
    stranger = Cli(tmp_path / "stranger.db", config_file)
    stranger.ok("db", "init", str(tmp_path / "stranger.db"))
    stranger.promise("Something else", to="acme", due="fri")
    exported = ledger.ok("export").stdout
    out = stranger("import", str(write(tmp_path, exported)))
    assert out.exit_code == 2
    assert out.stderr.splitlines() == [
        "expect: promises[0].id: promise 1 of this ledger is another; an expect export is restored into a new, empty ledger"
    ]
    assert [p["title"] for p in stranger.json("list", "--all")] == ["Something else"]


def test_promises_missing_from_a_non_empty_ledger_are_refused(ledger, other, tmp_path):
    exported = ledger.json("export")
    other.ok("import", str(write(tmp_path, exported)))
    bigger = copy.deepcopy(exported)
    extra = copy.deepcopy(bigger["promises"][2])
    extra["id"] = 9
    for n, event in enumerate(extra["events"]):
        event["id"] = 900 + n
    bigger["promises"].append(extra)
    out = other("import", str(write(tmp_path, bigger, "bigger.json")))
    assert (out.exit_code, out.stderr) == (
        2, "expect: promises[5]: promise 9 is not in this ledger; an expect export is restored into a new, empty ledger\n"
    )  # fmt: skip
    changed = copy.deepcopy(exported)
    changed["promises"][1]["events"][2]["text"] = "a different note"
    out = other("import", str(write(tmp_path, changed, "changed.json")))
    assert out.exit_code == 2 and out.stderr.startswith("expect: promises[1].events[2]: event ")
    assert without_stamp(other.json("export")) == without_stamp(exported)


def test_asks_missing_from_a_non_empty_ledger_are_refused(ledger, other, tmp_path):
    exported = ledger.json("export")
    other.ok("import", str(write(tmp_path, exported)))
    bigger = copy.deepcopy(exported)
    extra = copy.deepcopy(bigger["asks"][1])
    extra["id"] = 12
    for n, event in enumerate(extra["events"]):
        event["id"] = 950 + n
    bigger["asks"].append(extra)
    out = other("import", str(write(tmp_path, bigger, "bigger.json")))
    assert (out.exit_code, out.stderr) == (
        2, "expect: asks[3]: ask 12 is not in this ledger; an expect export is restored into a new, empty ledger\n"
    )  # fmt: skip
    changed = copy.deepcopy(exported)
    changed["asks"][0]["events"][1]["effective_at"] = "2026-11-24T18:00:00+01:00"
    out = other("import", str(write(tmp_path, changed, "changed.json")))
    assert out.exit_code == 2 and out.stderr.startswith("expect: asks[0].events[1]: event ")
    assert without_stamp(other.json("export")) == without_stamp(exported)


# -- earlier versions -------------------------------------------------------------------------


def test_a_version_2_document_from_the_previous_release_still_imports(cli, tmp_path):
    """fixtures/export-v2.json is the `build` ledger (without its asks) as the release before
    asks exported it."""
    v2 = json.loads((FIXTURES / "export-v2.json").read_text())
    assert v2["version"] == 2 and "asks" not in v2
    assert cli.ok("import", str(FIXTURES / "export-v2.json")).stdout == (
        "Added 5 promises, skipped 0 already in the ledger.\n"
    )
    again = cli.json("export")
    assert again["version"] == 3 and again["asks"] == []
    assert without_stamp({**again, "version": 2, "asks": None}) == without_stamp({**v2, "asks": None})
    assert cli.ok("db", "check").exit_code == 0
    assert cli.ok("import", str(FIXTURES / "export-v2.json")).stdout.startswith("Added 0 promises, skipped 5")
    assert cli.promise("Next", due="fri") == 6


def test_a_version_1_document_from_the_previous_release_still_imports(cli, tmp_path):
    path = FIXTURES / "export-v1.json"
    assert json.loads(path.read_text())["version"] == 1
    assert cli.ok("import", str(path)).stdout == "Added 4 promises, skipped 0 already in the ledger.\n"
    assert cli.ok("db", "check").exit_code == 0
    listed = {p["id"]: (p["title"], p["client"], p["outcome"]) for p in cli.json("list", "--all")}
    assert listed == {
        1: ("Proposal", "acme", "renegotiated"),
        2: ("Proposal v2", "globex", "missed"),
        3: ("Workshop", "globex", "open"),
        4: ("Audit", "acme", "open"),
    }
    assert cli.json("client", "terms", "acme")["timezone"] == "Europe/London"
    assert cli.ok("import", str(path)).stdout == "Added 0 promises, skipped 4 already in the ledger.\n"
    exported = cli.json("export")
    assert exported["version"] == 3 and [c["name"] for c in exported["commands"]] == ["import"]
    assert cli.ok("undo").stdout.startswith("Undid import")
    assert cli.json("list", "--all") == []


# -- validation: one line naming the place, nothing written --------------------------------


def _set(path: str, value):
    """A change to a document: set the value at `path` (`promises.0.events.1.kind`)."""

    def change(doc: dict) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _delete(path: str):
    def change(doc: dict) -> None:
        *parents, last = path.split(".")
        target = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return change


def _terms_text(**terms) -> str:
    return json.dumps({"holidays": None, "respond_within": None, "timezone": None, "update_every": None,
                       "work_hours": None, **terms}, sort_keys=True)  # fmt: skip


BAD = [
    (_set("promises.3.events.0.kind", "[red]boom[/red]\x1b[2J"), "promises[3].events[0].kind: unknown event kind"),
    (_set("promises.0.events.1.kind", "pause"), "promises[0].events[1].kind: unknown event kind"),
    (_set("promises.0.events.1.kind", "asked"), "promises[0].events[1].kind: an asked event does not belong to a promise"),
    (_set("asks.0.events.1.kind", "moved"), "asks[0].events[1].kind: a moved event does not belong to an ask"),
    (_set("asks.0.events.1.kind", "[red]boom"), "asks[0].events[1].kind: unknown event kind"),
    (_set("asks.0.events.1.ask", 6), "asks[0].events[1].ask: not part of a received event"),
    (_set("asks.0.events.0.text", " "), "asks[0].events[0].text: the title must not be empty"),
    (_delete("asks.0.events.1.effective_at"), "asks[0].events[1].effective_at: required for a received event"),
    (_set("asks.0.id", 1), "asks[0].id: 1 is the id of a promise; a promise and an ask never share one"),
    (_set("asks.1.id", 6), "asks[1].id: ask 6 appears twice"),
    (_set("asks.0.client", "nobody"), "asks[0].client: no client nobody in the document"),
    (_set("asks.0.events", []), "asks[0].events: an ask's first event is its `asked` event"),
    (_set("asks.0.state", "lost"), "asks[0].state: not a value this format allows"),
    (_set("asks.2.events.1.voids", 1), "asks[2].events[1].voids: event 1 is not an earlier event of the same ask"),
    (_set("promises.3.events.2.ask", 99), "promises[3].events[2].ask: no ask 99 in the document"),
    (_delete("promises.3.events.2.ask"), "promises[3].events[2].ask: required for a paused event"),
    (_set("promises.0.events.2.basis", "bd"), "promises[0].events[2].basis: not part of a delivered event"),
    (_set("promises.0.events.0.basis", "weeks"), "promises[0].events[0].basis: not a value this format allows"),
    (_set("asks.0.state", "waiting"), "asks[0].state: the document says 'waiting', but its events give 'received'"),
    (_set("asks.1.needed_by", "2026-11-26T17:00:00+01:00"),
     "asks[1].needed_by: the document says '1795708800', but its events give nothing"),
    (_set("asks.0.title", "the SOW"), "asks[0].title: the document says 'the SOW', but its events give 'the signed SOW'"),
    (_set("clients.0.terms.timezone", "Mars/Base"),
     "clients[0].terms.timezone: unknown time zone 'Mars/Base' (use an IANA name like Europe/Berlin)"),
    (_set("clients.0.events.0.text", _terms_text(timezone="Mars/Base")),
     "clients[0].events[0].text.timezone: unknown time zone 'Mars/Base' (use an IANA name like Europe/Berlin)"),
    (_set("clients.0.terms.work_hours", "17:00-09:00"), "clients[0].terms.work_hours: working hours '17:00-09:00' end before they start"),
    (_set("clients.0.terms.holidays", "XX"), "clients[0].terms.holidays: unknown country 'XX' for public holidays; use an ISO code such as DE, US, GB or DE-BY"),
    (_set("clients.0.terms.respond_within", "soon"), "clients[0].terms.respond_within: "),
    (_set("clients.0.events.1.score", "abc"), "clients[0].events[1].score: a feedback score is a whole number from 0 to 10, not 'abc'"),
    (_set("clients.0.events.1.score", 55), "clients[0].events[1].score: a feedback score is a whole number from 0 to 10, not 55"),
    (_set("clients.0.events.1.score", True), "clients[0].events[1].score: a feedback score is a whole number from 0 to 10, not true"),
    (_set("clients.0.events.1.score", 9.5), "clients[0].events[1].score: a feedback score is a whole number from 0 to 10, not 9.5"),
    (_set("promises.0.id", 0), "promises[0].id: an id is a whole number from 1 to 2^53-1, not 0"),
    (_set("promises.0.id", -4), "promises[0].id: an id is a whole number from 1 to 2^53-1, not -4"),
    (_set("promises.0.id", 2**53), "promises[0].id: an id is a whole number from 1 to 2^53-1, not a number out of range"),
    (_set("promises.0.id", "1"), "promises[0].id: an id is a whole number, not '1'"),
    (_set("promises.0.id", True), "promises[0].id: an id is a whole number, not true"),
    (_set("promises.1.id", 1), "promises[1].id: promise 1 appears twice"),
    (_set("promises.2.events.1.id", 2), "promises[2].events[1].id: event 2 appears twice"),
    (_set("promises.4.events.1.voids", 2), "promises[4].events[1].voids: event 2 is not an earlier event of the same promise"),
    (_set("promises.0.title", "Proposal \ud800"), "promises[0].title: contains invalid UTF-8 (a lone surrogate)"),
    (_set("promises.0.tags", ["sales", "\udcff"]), "promises[0].tags[1]: contains invalid UTF-8 (a lone surrogate)"),
    (_set("promises.1.events.1.text", "called\x00them"), "promises[1].events[1].text: contains a NUL character"),
    (_set("promises.0.title", "   "), "promises[0].title: the title must not be empty"),
    (_set("promises.0.events.0.due", "9999-12-31T23:00:00-12:00"),
     "promises[0].events[0].due: '9999-12-31T23:00:00-12:00' is outside the dates this tool accepts (years 1970 to 2199)"),
    (_set("promises.0.events.0.due", "0001-01-01T00:00:00+14:00"),
     "promises[0].events[0].due: '0001-01-01T00:00:00+14:00' is outside the dates this tool accepts (years 1970 to 2199)"),
    (_set("promises.0.events.0.due", "2026-11-20T17:00:00"), "promises[0].events[0].due: '2026-11-20T17:00:00' has no UTC offset (like +01:00 or Z)"),
    (_set("promises.0.events.0.due", 1795190400), "promises[0].events[0].due: a time is ISO 8601 text with an offset, like 2026-11-25T10:00:00+01:00, not a number"),
    (_set("promises.0.events.0.due", "next friday"), "promises[0].events[0].due: 'next friday' is not an ISO 8601 time (like 2026-11-25T10:00:00+01:00)"),
    (_set("promises.0.colour", "red"), "promises[0].colour: not a field of this format"),
    (_delete("promises.0.title"), "promises[0].title: required"),
    (_set("promises.0.client", "nobody"), "promises[0].client: no client nobody in the document"),
    (_set("promises.0.kind", "errand"), "promises[0].kind: unknown kind 'errand'; use one of deliverable, reply, call, meeting"),
    (_set("promises.0.events", []), "promises[0].events: a promise's first event is its `promised` event"),
    (_set("promises.0.events.2.effective_at", None), "promises[0].events[2].effective_at: required for a delivered event"),
    (_set("promises.0.events.1.score", 3), "promises[0].events[1].score: not part of a moved event"),
    (_set("promises.0.events.1.kind", "feedback"), "promises[0].events[1].kind: a feedback event does not belong to a promise"),
    (_set("promises.0.events.1.command", 999), "promises[0].events[1].command: no command 999 in the document"),
    (_set("promises.1.events.1.text", '{"client": [1, 77]}'),
     "promises[1].events[1].text.client: names client id 77, which is not in the document"),
    (_set("clients.2.events.0.text", '{"from": "initech", "into": "initech", "into_id": 3}'),
     "clients[2].events[0].text.into_id: should be the id of another client of the document, not 3"),
    (_set("promises.1.events.1.text", "[1, 2]"), "promises[1].events[1].text: should be a JSON object"),
    (_set("clients", {"acme": {}}), "clients: should be a list"),
    (_set("version", 9), "version: this export is format version 9; this expect reads versions 1 to 3"),
    (_set("version", 2), "promises[3].events[2].kind: unknown event kind in version 2 (asks came in version 3)"),
    (_delete("format"), 'format: not an expect export (no "format": "expect-ledger")'),
    (_set("clients.0.terms.timezone", "Europe/Paris"),
     "clients[0].terms.timezone: the document says 'Europe/Paris', but its events give 'Europe/London'"),
    (_set("promises.1.title", "Proposal"),
     "promises[1].title: the document says 'Proposal', but its events give 'Proposal, second copy'"),
]  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """The export of the `ledger` fixture, made once for the validation cases."""
    folder = tmp_path_factory.mktemp("source")
    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n')
    with pytest.MonkeyPatch.context() as monkeypatch, fresh_ledger(folder) as location:
        return build(Cli(location, config), monkeypatch).json("export")


def test_the_validation_cases_start_from_a_document_that_restores(exported, other, tmp_path):
    """The cases below change one thing each; as it is, the document restores."""
    assert [p["events"][1]["kind"] for p in exported["promises"][:2]] == ["moved", "edited"]
    assert exported["promises"][0]["events"][2]["kind"] == "delivered"
    assert [e["kind"] for e in exported["clients"][0]["events"][:2]] == ["terms", "feedback"]
    other.ok("import", str(write(tmp_path, exported)))


@pytest.mark.parametrize("change, message", BAD, ids=[message[:60] for _, message in BAD])
def test_a_bad_document_is_refused_with_one_line_naming_the_place(exported, other, tmp_path, change, message):
    bad = copy.deepcopy(exported)
    change(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))  # ASCII: a lone surrogate is written as the escape \ud800
    out = other("import", str(path), "--from", "expect")
    assert out.exit_code == 2, out.stdout
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"expect: {message}"), lines
    assert other.json("export")["promises"] == [] and other.json("export")["clients"] == []
    assert other.journal_size() == 0


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            '"id": 1,',
            '"id": 1' + "0" * 5000 + ",",
            "not a JSON document this tool can read (a number too long or nesting too deep)",
        ),
        (
            '"exported_at"',
            '"deep": ' + "[" * 100000 + "]" * 100000 + ', "exported_at"',
            "not a JSON document this tool",
        ),
        ('"Workshop"', '"Work\\ud800shop"', "promises[2].title: contains invalid UTF-8 (a lone surrogate)"),
    ],
)
def test_json_that_python_reads_badly_is_refused(exported, other, tmp_path, old, new, message):
    out = other("import", str(write(tmp_path, json.dumps(exported).replace(old, new, 1))))
    assert out.exit_code == 2 and out.stderr.startswith(f"expect: {message}"), out.stderr
    assert len(out.stderr.splitlines()) == 1 and other.journal_size() == 0


def test_invalid_utf8_bytes_are_refused(exported, other, tmp_path):
    path = tmp_path / "bytes.json"
    path.write_bytes(json.dumps(exported).encode().replace(b"Workshop", b"Work\xffshop"))
    out = other("import", str(path))
    assert out.exit_code == 2 and "is not UTF-8 text" in out.stderr and other.journal_size() == 0


def test_json_with_escaped_surrogates_is_refused(exported, other, tmp_path):
    """`\\ud800` in JSON text decodes to a lone surrogate: refused, not stored."""
    text = json.dumps(exported).replace('"Workshop"', '"Work\\ud800shop"')
    out = other("import", str(write(tmp_path, text)))
    assert (out.exit_code, out.stderr) == (2, "expect: promises[2].title: contains invalid UTF-8 (a lone surrogate)\n")


def test_a_void_pointing_at_another_promise_is_refused_and_check_stays_sound(exported, other, tmp_path):
    bad = copy.deepcopy(exported)
    foreign = bad["promises"][0]["events"][0]["id"]
    bad["promises"][4]["events"][1]["voids"] = foreign
    out = other("import", str(write(tmp_path, bad)))
    assert out.exit_code == 2 and "promises[4].events[1].voids" in out.stderr
    assert other.ok("db", "check").exit_code == 0


# -- the published schema ---------------------------------------------------------------------


def test_the_schema_in_the_docs_is_the_one_the_models_declare():
    text = (DOCS / "data.md").read_text()
    start = text.index("<!-- schema:start -->")
    end = text.index("<!-- schema:end -->")
    published = text[start:end].split("```json\n", 1)[1].rsplit("```", 1)[0]
    assert published == document.schema_text(), "regenerate with: python -m expectcli.core.document"


def test_the_schema_is_printed_by_the_module():
    out = subprocess.run([sys.executable, "-m", "expectcli.core.document"], capture_output=True, text=True, check=True)
    schema = json.loads(out.stdout)
    assert schema["title"] == "expect ledger export, version 3"
    assert set(schema["properties"]) == {"format", "version", "exported_at", "commands", "clients", "promises", "asks"}
    assert out.stdout == document.schema_text()


# -- text as typed: kept, exported literally ----------------------------------------------------


def test_control_and_bidi_characters_are_kept_and_exported_as_escapes(cli, other, tmp_path):
    title = "Pay \u202eexe.doc\u202c \x1b[31minvoice\x85 now"
    cli.promise(title, due="fri")
    text = cli.ok("export").stdout
    assert "\u202e" not in text and "\x1b" not in text and "\x85" not in text
    assert "\\u202e" in text and "\\u001b" in text and "\\u0085" in text
    other.ok("import", str(write(tmp_path, text)))
    assert other.json("show", "1")["title"] == title
    assert other.ok("export").stdout.split("\n", 4)[4] == text.split("\n", 4)[4]


# -- the models, directly -----------------------------------------------------------------------


def minimal(**changes) -> dict:
    doc = {
        "format": "expect-ledger", "version": 2, "exported_at": "2026-11-25T10:00:00+01:00",
        "commands": [{"id": 1, "name": "promise", "author": "ann@laptop", "recorded_at": "2026-11-25T10:00:00Z"}],
        "clients": [{"id": 1, "client": "acme", "created_at": "2026-11-25T10:00:00Z"}],
        "promises": [{"id": 1, "client": "acme", "title": "Deck", "events": [
            {"id": 1, "kind": "promised", "recorded_at": "2026-11-25T10:00:00Z", "due": "2026-11-27T16:00:00Z",
             "command": 1}]}],
    }  # fmt: skip
    doc.update(changes)
    return doc


def test_a_document_loads_into_the_models_with_times_as_epoch_seconds():
    loaded = document.load(minimal())
    assert loaded.promises[0].events[0].due == 1795795200 and not loaded.legacy
    assert (
        loaded.model_dump(mode="json", exclude_none=True, context={"zone": "Europe/Berlin"})["promises"][0]["events"][
            0
        ]["due"]
        == "2026-11-27T17:00:00+01:00"
    )


def test_places_are_named_as_in_the_document():
    assert document.place(("promises", 3, "events", 2, "kind")) == "promises[3].events[2].kind"
    with pytest.raises(document.DocumentError) as refused:
        document.load(minimal(commands=[{"id": 1, "name": "x", "author": "a", "recorded_at": "2026-11-25T10:00:00Z"},
                                        {"id": 1, "name": "y", "author": "a", "recorded_at": "2026-11-25T10:00:00Z"}]))  # fmt: skip
    assert str(refused.value) == "commands[1].id: command 1 appears twice" and refused.value.exit_code == 2


def test_a_version_1_document_is_upgraded_with_the_ids_the_ledger_gives_its_clients():
    v1 = json.loads((FIXTURES / "export-v1.json").read_text())
    upgraded = document.load(v1, {"globex": 7})
    assert upgraded.legacy and upgraded.commands == []
    assert {c.client: c.id for c in upgraded.clients} == {"acme": 8, "globex": 7, "initech": 9}
    edit = next(e for e in upgraded.promises[1].events if e.kind == "edited")
    assert json.loads(edit.text)["client"] == [8, 7]


@sqlite_only("the first-version ledger is a SQLite dump")
def test_a_ledger_older_than_commands_restores_exactly(tmp_path, config_file, other):
    """Events written before commands were recorded have none, and keep none."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "ledger-v1.sql").read_text())
    old = Cli(path, config_file)
    exported = old.json("export")
    assert exported["commands"] == [] and "command" not in exported["promises"][0]["events"][0]
    other.ok("import", str(write(tmp_path, exported)))
    assert without_stamp(other.json("export")) == without_stamp(exported)
    assert other.json("list", "--all") == old.json("list", "--all")
    assert other.ok("db", "check").exit_code == 0

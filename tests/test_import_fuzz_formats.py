"""Fuzzed imports of the other programs' formats: CSV, Taskwarrior and iCalendar files,
mutated by hypothesis, fed to `import`, then every view run on the result. The exit status
is never 70 (a bug), a refused import writes nothing, and whatever was imported can be
listed, shown, reported, briefed and exported."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import NOW, Cli, fresh_ledger

FIXTURES = Path(__file__).parent / "fixtures"

CSV_SEED = (
    "id,title,client,kind,tags,promised_at,due,first_due,delivered_at,released_at,outcome,criteria\r\n"
    "1,Proposal,acme,deliverable,sales,2026-11-16T09:00:00+01:00,2026-11-23T17:00:00+01:00,"
    "2026-11-20T17:00:00+01:00,2026-11-23T16:00:00+01:00,,renegotiated,signed PDF\r\n"
    '2,\'=HYPERLINK("x"),globex,call,,2026-11-16T09:00:00+01:00,2026-11-24T17:00:00+01:00,'
    "2026-11-24T17:00:00+01:00,,,missed,\r\n"
    "3,Workshop,acme,meeting,a;b,2026-11-16T09:00:00+01:00,2026-11-27T17:00:00+01:00,"
    "2026-11-27T17:00:00+01:00,,2026-11-19T10:00:00+01:00,released,\r\n"
)
SEEDS = {
    "csv": CSV_SEED,
    "taskwarrior": (FIXTURES / "taskwarrior" / "first.json").read_text(),
    "ics": (FIXTURES / "calendar-thunderbird.ics").read_text(),
}
TOKENS = [
    "", "\x00", "\ud800", "\x1b[31m", "\u202e", "\r\n", "\n", ",", ";", "\t", '"', "'", "=", "{", "}", "[", "]",
    ":", "null", "0", "-1", "99999999999999999999", "9999-12-31", "0001-01-01", "2200-01-01", "1969-12-31",
    "99991231T000000Z", "00010101T000000Z", "20261301T000000Z", "03/12/2026", "Müller GmbH", "a.b.c", "completed",
    "deleted", "recurring", "BEGIN:VTODO", "END:VTODO", "BEGIN:VEVENT", "END:VEVENT", "DUE;VALUE=DATE:99991231",
    "DTSTART;TZID=Nowhere/Zone:20261201T100000", "RRULE:FREQ=DAILY", "STATUS:COMPLETED", "X-EXPECT-KIND:party",
    "outcome", "late", "kept", "x" * 1200,
]  # fmt: skip


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[kind]
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)))
        text = text[:start] + piece + text[end:]
    return kind, text


def run_views(cli: Cli) -> None:
    ids = [p["id"] for p in cli.json("list", "--all")][:3]
    clients = [c["client"] for c in cli.json("client", "list")][:2]
    for args in (["list", "--all"], ["due"], ["log", "--limit", "5"], ["report", "--week"], ["report", "--month"],
                 ["export"], ["export", "--format", "csv"], ["export", "--format", "ics"], ["db", "check"],
                 *(["show", str(pid)] for pid in ids), *(["brief", client] for client in clients)):  # fmt: skip
        out = cli(*args)
        assert out.exit_code in (0, 1), (args, out.stderr)


def check_import(case: tuple[str, str], as_bytes: bool) -> None:
    kind, text = case
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        config = folder_path / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        with fresh_ledger(folder_path) as location:
            cli = Cli(location, config)
            cli.promise("Already here", due="fri", now=NOW)
            before = cli.ok("export").stdout
            path = folder_path / f"in.{kind}"
            # Lone surrogates become bytes that are not UTF-8, as a broken file would hold.
            path.write_bytes(text.encode("utf-8", "surrogatepass") if as_bytes else text.encode("utf-8", "replace"))
            out = cli("import", str(path), "--from", kind)
            assert out.exit_code in (0, 2), out.stderr
            if out.exit_code != 0:
                assert cli.ok("export").stdout == before
            run_views(cli)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated(), as_bytes=st.booleans())
def test_mutated_files_never_break_expect(case, as_bytes):
    check_import(case, as_bytes)


@pytest.mark.slow
@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated(), as_bytes=st.booleans())
def test_many_mutated_files_never_break_expect(case, as_bytes):
    check_import(case, as_bytes)

"""Security: private files, literal user text everywhere, neutralised spreadsheet formulas,
and SQL that user text cannot change."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import sqlite_only

SOURCE = Path(__file__).resolve().parent.parent / "src" / "expectcli"
HOSTILE = "\x1b]8;;http://evil\x07click\x1b]8;;\x07 \x1b[2J[red]x[/red] | *b* <script>"


@sqlite_only("file modes of the SQLite ledger and its copies")
def test_ledger_backups_and_exports_are_private(cli, tmp_path):
    cli.promise()
    assert stat.S_IMODE(cli.path.stat().st_mode) == 0o600
    backup = tmp_path / "copy.db"
    cli.ok("db", "backup", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    exported = tmp_path / "export.json"
    cli.ok("export", "-o", str(exported))
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600


def test_hostile_text_is_shown_literally_in_tables_briefs_and_reports(cli):
    cli.ok("client", "add", "acme", "--name", HOSTILE)
    pid = cli.promise(HOSTILE, due="today")
    cli.ok("move", str(pid), "fri", "--reason", HOSTILE)
    cli.ok("feedback", "acme", "3", "--note", HOSTILE)
    outputs = {
        args: cli.ok(*args.split(), now="2026-11-25T18:00:00+01:00").stdout
        for args in (
            "list",
            "show 1",
            "log",
            "report",
            "report --format markdown",
            "brief acme",
            "client show acme",
            "client list",
            "undo",
        )  # fmt: skip
    }
    for args, text in outputs.items():
        assert "\x1b" not in text and "\x07" not in text, args
    assert "\\x1b[2J[red]x[/red]" in outputs["list"]
    assert "\\\\x1b\\[2J\\[red\\]x\\[/red\\] \\| \\*b\\* \\<script\\>" in outputs["brief acme"]


def test_markdown_cannot_be_broken_out_of(cli):
    cli.promise("a | b", to="acme", due="today", now="2026-11-20T09:00:00+01:00")
    report = cli.ok("report", "--last-week", "--format", "markdown", now="2026-11-25T10:00:00+01:00").stdout
    assert "| a \\| b |" in report


def test_sql_injection_attempts_are_stored_as_text(cli):
    title = "x'); DROP TABLE promise; --"
    pid = cli.promise(title, to="acme")
    cli.ok("move", str(pid), "mon", "--reason", "'; DELETE FROM event; --")
    shown = cli.json("show", str(pid))
    assert shown["title"] == title and shown["events"][1]["text"] == "'; DELETE FROM event; --"
    assert cli("list", "--client", "acme' OR '1'='1").exit_code == 2


def test_sql_is_built_from_constants_only():
    """Every f-string that becomes SQL interpolates only names of the program's own
    fragments, never a value: values travel as :parameters."""
    allowed = re.compile(r"\{(?:[A-Z_]+|t\['(?:pk|int)'\]|_?[a-z_]+\(scope\)|bucket|where|narrow|names|values|agreed|"
                         r"assignments|column|table|', '\.join\([^{}]*\b[A-Z_]{3,}\)|' AND '\.join\(where\))\}")  # fmt: skip
    offenders = []
    for path in SOURCE.glob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for literal in re.findall(r'f"([^"]*)"', line):
                if not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|AND|ALTER|CREATE|FROM|JOIN)\b", literal):
                    continue
                offenders += [f"{path.name}:{number}: {field}" for field in re.findall(r"\{[^{}]*\}", literal)
                              if not allowed.fullmatch(field)]  # fmt: skip
    assert offenders == []


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and not t.startswith("-")))
def test_any_text_round_trips_exactly_through_json(cli, text):
    """A title is refused only for a NUL character (PostgreSQL cannot store one); any other
    is stored exactly, stripped of outer whitespace, and a printable one is shown as typed."""
    out = cli("promise", text, "--to", "acme", "--due", "fri", "--json")
    if "\x00" in text:
        assert out.exit_code == 2 and out.stderr.count("\n") == 1 and "NUL" in out.stderr
        return
    assert out.exit_code == 0, (text, out.stderr)
    pid = out.json()["id"]
    assert out.json()["title"] == text.strip()
    assert cli.json("show", str(pid))["title"] == text.strip()
    if text.strip().isprintable():
        rows = [line for line in cli.ok("list").stdout.splitlines() if line.lstrip().startswith(f"{pid} ")]
        assert len(rows) == 1 and text.strip() in rows[0]


def test_markup_and_escape_lookalikes_are_accepted_and_shown_as_typed(cli):
    titles = ["[bold]Proposal[/bold]", "50% off *now*", "a\\nb", "<b>x</b> & 'y'", "Ünïcødé — 提案"]
    ids = [cli.promise(title, due="fri") for title in titles]
    listing = cli.ok("list").stdout
    for pid, title in zip(ids, titles):
        assert cli.json("show", str(pid))["title"] == title
        assert title in listing

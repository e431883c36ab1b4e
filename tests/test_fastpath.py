"""The Typer-free entry point: it answers exactly the plain forms, exactly as the full
command line does, and a prompt's `due --count` loads none of the heavy libraries."""

from __future__ import annotations

import contextlib
import io
import sqlite3
import subprocess
import sys

import pytest

from conftest import NOW, run_expect, sqlite_only
from expectcli.cli import fast as fastpath
from test_imports import HEAVY, imported_modules, top_level


def fast(cli, args: list[str], monkeypatch, now: str = NOW) -> tuple[int, str, str]:
    """Run `args` through the fast path in-process: (exit status, stdout, stderr)."""
    parsed = fastpath.parse(args)
    assert parsed is not None, args
    for key, value in cli.env(now).items():
        monkeypatch.setenv(key, value)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = fastpath.run(*parsed)
    return status, out.getvalue(), err.getvalue()


def full(cli, args: list[str], now: str = NOW) -> tuple[int, str, str]:
    result = cli(*args, now=now)
    return result.exit_code, result.stdout, result.stderr


# -- which forms are answered without Typer ------------------------------------------------


@pytest.mark.parametrize("args", [
    ["due", "--count"],
    ["due", "--count", "--within", "1w", "--json"],
    ["--json", "due", "--count", "--within=4h"],
    ["--db", "x.db", "--now", "2026-11-25 10:00", "due", "--count"],
    ["due"],
    ["list", "--all", "--client", "acme", "--status", "missed"],
    ["report", "--week", "--format", "json"],
    ["report", "--since", "mon", "--until", "fri", "--client", "acme"],
    ["promise", "Send it", "--to", "acme", "--due", "fri", "--tag", "a", "--tag", "b"],
    ["promise", "--to", "acme", "Send it", "--due=fri", "--kind", "reply", "--criteria", "signed"],
    ["show", "1"],
    ["client", "list"],
    ["--json", "client", "terms", "acme", "--timezone", "Europe/Berlin"],
    ["done", "1", "2", "3", "--at", "yesterday 16:00"],
    ["export", "-o", "out.json"],
    ["import", "-", "--dry-run"],
    ["db", "backup"],
])  # fmt: skip
def test_the_plain_forms_are_answered_directly(args):
    assert fastpath.parse(args) is not None


@pytest.mark.parametrize("args", [
    [],
    ["--version"],
    ["--help"],
    ["due", "--help"],
    ["due", "-h"],
    ["due", "--count", "--debug"],
    ["due", "--cont"],  # a typo: Typer says what is wrong
    ["due", "--within"],  # a missing value
    ["due", "--within", "--count"],
    ["due", "--count", "--count"],  # given twice
    ["--json", "due", "--json"],
    ["due", "--count=yes"],
    ["due", "extra"],
    ["list", "--"],
    ["show"],  # the id is required
    ["show", "1", "2"],
    ["client"],
    ["client", "--json", "list"],
    ["client", "nosuch"],
    ["db", "backup", "a", "b"],
    ["done", "--at", "fri"],
    ["export", "-x"],
    ["log", "--limit", "-1"],
    ["promise", "Send it", "--to", "acme"],  # --due is required
    ["promise", "--to", "acme", "--due", "fri"],  # so is the title
    ["promise", "-5 things", "--to", "acme", "--due", "fri"],
    ["--within", "1d", "due"],  # a command's option before the command
])  # fmt: skip
def test_everything_else_goes_to_the_full_command_line(args):
    assert fastpath.parse(args) is None


@pytest.mark.parametrize("variable", ["_EXPECT_COMPLETE", "_EXPECTCLI_COMPLETE"])
@pytest.mark.parametrize("request_", ["source_bash", "complete_powershell", "anything else"])
def test_shell_completion_beyond_a_tab_in_bash_zsh_fish_goes_to_the_full_command_line(monkeypatch, variable,
                                                                                     request_):  # fmt: skip
    monkeypatch.setenv(variable, request_)
    monkeypatch.setattr(sys, "argv", ["expect", "due", "--count"])
    called = []
    monkeypatch.setattr("expectcli.cli.app.main", lambda: called.append(True))
    fastpath.main()
    assert called == [True]


@pytest.mark.parametrize("variable", ["_EXPECT_COMPLETE", "_EXPECTCLI_COMPLETE"])
@pytest.mark.parametrize("request_", ["complete_bash", "complete_zsh", "complete_fish"])
def test_a_tab_in_bash_zsh_fish_is_answered_without_typer(monkeypatch, variable, request_):
    monkeypatch.setenv(variable, request_)
    monkeypatch.setattr(sys, "argv", ["expect"])
    monkeypatch.setattr("expectcli.cli.app.main", lambda: pytest.fail("Typer was asked"))
    answered = []
    monkeypatch.setattr("expectcli.cli.completing.main", lambda shell: answered.append(shell) or 0)

    def exit_now(status):
        answered.append(status)
        raise SystemExit(status)

    monkeypatch.setattr(fastpath.os, "_exit", exit_now)
    with pytest.raises(SystemExit):
        fastpath.main()
    assert answered == [request_, 0]


# -- the same answers as the full command line ---------------------------------------------

READS = [
    ["due", "--count"],
    ["due", "--count", "--json"],
    ["due", "--count", "--within", "1w"],
    ["due"],
    ["due", "--json"],
    ["due", "--within", "2w"],
    ["list"],
    ["list", "--all", "--json"],
    ["list", "--status", "missed"],
    ["report", "--week"],
    ["report", "--last-week", "--format", "json"],
    ["report", "--month", "--format", "markdown"],
    ["report", "--week", "--format", "csv"],
    ["due", "--count", "--within", "soon"],  # bad input: exit 2, one line
    ["report", "--week", "--month"],
    ["list", "--client", "nobody"],
    ["list", "--status", "lost"],
]


def ledger_nothing_due(cli):
    cli.ok("client", "add", "acme")


def ledger_due_soon(cli):
    cli.promise("Call back", due="today 15:00")
    cli.promise("Send the deck", due="fri")


def ledger_overdue(cli):
    late = cli.promise("Report", due="2026-11-20", now="2026-11-16T09:00:00+01:00")
    cli.promise("Kept one", due="2026-11-24", now="2026-11-16T09:00:00+01:00")
    cli.ok("done", str(late + 1), now="2026-11-23T09:00:00+01:00")
    cli.promise("Invoice", to="globex", due="2026-11-24 12:00", now="2026-11-16T09:00:00+01:00")
    cli.promise("Next week", due="dec 2")


def ledger_update_owed(cli):
    cli.ok("client", "terms", "acme", "--update-every", "1w", now="2026-11-10T09:00:00+01:00")
    cli.promise("Phase two", due="dec 15", now="2026-11-10T09:00:00+01:00")
    cli.promise("Overdue reply", to="initech", due="2026-11-24 12:00", now="2026-11-23T09:00:00+01:00")


@pytest.mark.parametrize("build", [ledger_nothing_due, ledger_due_soon, ledger_overdue, ledger_update_owed])
def test_reads_answer_exactly_as_the_full_command_line(cli, monkeypatch, build):
    build(cli)
    for args in READS:
        assert fast(cli, args, monkeypatch) == full(cli, args), args


@sqlite_only("copies the ledger file to write the same promise twice")
def test_a_promise_is_recorded_and_answered_exactly_as_by_the_full_command_line(cli, monkeypatch, tmp_path):
    ledger_update_owed(cli)
    copy = tmp_path / "copy.db"
    with sqlite3.connect(cli.path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    for args in (["promise", "Send the deck", "--to", "acme", "--due", "fri 15:00", "--tag", "deck"],
                 ["promise", "Call", "--to", "new-client", "--due", "tomorrow", "--kind", "call", "--json"],
                 ["promise", "Too late", "--to", "acme", "--due", "yesterday"],
                 ["promise", "Bad kind", "--to", "acme", "--due", "fri", "--kind", "favour"]):  # fmt: skip
        by_typer = full(cli, args)
        assert fast(cli, [*args, "--db", str(copy)], monkeypatch) == by_typer, args
    listed = ["list", "--all", "--json"]
    assert fast(cli, [*listed, "--db", str(copy)], monkeypatch) == full(cli, listed)


# -- a prompt's `due --count` as a real process ----------------------------------------------


def imported(args: list[str], env: dict[str, str]) -> set[str]:
    """Top-level names of every module a run imported (from `python -X importtime`)."""
    out = subprocess.run([sys.executable, "-X", "importtime", *args], env=env, capture_output=True, text=True)
    assert out.returncode in (0, 1), out.stderr
    return top_level(imported_modules(out.stderr))


@pytest.fixture
def prompt_env(tmp_path, config_file):
    import os

    env = {**os.environ, "EXPECT_DB": str(tmp_path / "ledger.db"), "EXPECT_CONFIG": str(config_file),
           "EXPECT_NOW": NOW}  # fmt: skip
    assert run_expect(["db", "init", env["EXPECT_DB"]], env).returncode == 0
    made = run_expect(["promise", "Call back", "--to", "acme", "--due", "today 11:00"], env)
    assert made.returncode == 0, made.stderr
    terms = run_expect(
        ["client", "terms", "acme", "--update-every", "1bd"], {**env, "EXPECT_NOW": "2026-11-20T10:00:00+01:00"}
    )
    assert terms.returncode == 0, terms.stderr
    return env


def test_the_prompt_path_answers_as_a_process(prompt_env):
    out = run_expect(["due", "--count"], prompt_env)
    assert (out.returncode, out.stdout, out.stderr) == (1, "1 at risk, 1 update owed\n", "")
    late = run_expect(["due", "--count", "--json"], {**prompt_env, "EXPECT_NOW": "2026-11-25T12:00:00+01:00"})
    assert late.returncode == 1 and '"overdue": 1' in late.stdout


def test_piped_listings_and_reports_import_neither_typer_nor_rich(prompt_env):
    # (in 80 columns the report's scorecard does not fit, and Rich wraps it)
    for args in (["list"], ["due"], ["report", "--week"], ["report", "--month", "--format", "json"]):
        modules = imported(["-m", "expectcli", *args], {**prompt_env, "NO_COLOR": "1", "COLUMNS": "120"})
        assert not modules & {"typer", "click", "rich", "pydantic", "sqlalchemy"}, (args, modules & HEAVY)


def test_a_holidays_country_is_loaded_only_when_business_time_needs_it(prompt_env, tmp_path):
    config = tmp_path / "holidays.toml"
    config.write_text('timezone = "Europe/Berlin"\nholidays = "DE"\n')
    modules = imported(["-m", "expectcli", "due", "--count"], {**prompt_env, "EXPECT_CONFIG": str(config)})
    assert "holidays" in modules  # acme's update cadence runs on business days
    out = run_expect(["due", "--count"], {**prompt_env, "EXPECT_CONFIG": str(config)})
    assert out.stdout == "1 at risk, 1 update owed\n"  # due today: inside acme's notice window

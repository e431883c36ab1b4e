"""Shell completion offers values from the declaration and the ledger, for bash, zsh and
fish, under both program names: client handles, open promise ids with their titles, and the
declared choices (kinds, statuses, formats)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, sqlite_only

BIN = Path(sys.executable).parent


@pytest.fixture
def completing(cli):
    cli.promise("Send the deck", to="acme")
    cli.promise("Call Bob back", to="globex")
    done = cli.promise("Already delivered", to="acme")
    cli.ok("done", str(done))

    def complete(program: str, shell: str, line: str) -> list[str]:
        variable = f"_{program.upper()}_COMPLETE"
        env = {**os.environ, **cli.env(NOW), variable: f"complete_{shell}"}
        if shell == "bash":
            env.update(COMP_WORDS=line, COMP_CWORD=str(len(line.split(" ")) - 1))
        else:
            env["_TYPER_COMPLETE_ARGS"] = line
            if shell == "fish":
                env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
        out = subprocess.run([str(BIN / program)], env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return [line for line in out.stdout.splitlines() if line]

    return complete


@pytest.mark.parametrize("program", ["expect", "expectcli"])
def test_client_handles_are_offered(completing, program):
    assert completing(program, "bash", f"{program} list --client ") == ["acme", "globex"]
    assert completing(program, "bash", f"{program} brief gl") == ["globex"]


def test_open_promises_are_offered_with_their_titles(completing):
    assert completing("expect", "fish", "expect done ") == ["1\tSend the deck", "2\tCall Bob back"]
    zsh = "\n".join(completing("expect", "zsh", "expect show "))
    assert '"1":"Send the deck"' in zsh and '"2":"Call Bob back"' in zsh and "Already delivered" not in zsh


def test_waiting_asks_are_offered_to_received(completing, cli):
    cli.ok("ask", "acme", "the signed SOW")
    cli.ok("ask", "acme", "the data")
    cli.ok("received", "5")
    assert completing("expect", "fish", "expect received ") == ["4\tthe signed SOW"]


@pytest.mark.parametrize("line, offered", [
    ("expect list --status ", ["open", "kept", "renegotiated", "late", "missed", "released", "waiting", "received"]),
    ("expect promise T --kind ", ["deliverable", "reply", "call", "meeting"]),
    ("expect report --format m", ["markdown"]),
    ("expect export --format ", ["json", "csv", "ics"]),
])  # fmt: skip
def test_declared_choices_are_offered(completing, line, offered):
    assert completing("expect", "bash", line) == offered


def test_a_broken_ledger_offers_nothing_rather_than_an_error(completing, tmp_path):
    line = f"expect --db {tmp_path / 'nothing-here' / 'x.db'} list --client "
    assert completing("expect", "bash", line) == []
    assert not (tmp_path / "nothing-here").exists()  # completing creates no ledger


@pytest.mark.parametrize("line, offered", [
    ("expect due --c", ["--client", "--count"]),
    ("expect rep", ["report"]),
    ("expect client ", ["add", "list", "show", "terms"]),
    ("expect --db", ["--db"]),
    ("expect list --status missed --client a", ["acme"]),
    ("expect --db={db} brief ", ["acme", "globex"]),
    ("expect nonsense ", []),
])  # fmt: skip
def test_commands_options_and_values_follow_the_declaration(completing, cli, line, offered):
    got = completing("expect", "bash", line.format(db=cli.location))
    if line == "expect client ":
        assert set(offered) <= set(got)
    else:
        assert got == offered


def test_zsh_gets_descriptions_and_files_where_a_file_goes(completing):
    zsh = "\n".join(completing("expect", "zsh", "expect rep"))
    assert zsh.startswith('_arguments \'*: :(("report":"') and "Kept versus broken" in zsh
    assert completing("expect", "zsh", "expect export -o ") == ["_files"]


def test_fish_asks_whether_to_offer_arguments(cli, completing):
    env = {**os.environ, **cli.env(NOW), "_EXPECT_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "is-args"}
    for line, status in (("expect done ", 0), ("expect export -o ", 1)):
        out = subprocess.run([str(BIN / "expect")], env={**env, "_TYPER_COMPLETE_ARGS": line},
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert (out.returncode, out.stdout, out.stderr) == (status, "", "")


def test_titles_are_offered_on_one_line_and_literally(cli, completing):
    made = cli.promise("Line one\nline two \x1b[31mred", to="acme")
    assert completing("expect", "fish", f"expect done {made}") == [f"{made}\tLine one line two \\x1b[31mred"]


@sqlite_only("a tab on a server ledger reads it through SQLAlchemy, the only way to reach a server")
def test_a_tab_loads_no_command_line_library(completing, cli):
    from test_imports import HEAVY, imported_modules, top_level

    env = {**os.environ, **cli.env(NOW), "_EXPECT_COMPLETE": "complete_bash",
           "COMP_WORDS": "expect done ", "COMP_CWORD": "2"}  # fmt: skip
    out = subprocess.run([sys.executable, "-X", "importtime", str(BIN / "expect")], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.stdout == "1\n2\n"
    assert top_level(imported_modules(out.stderr)) & HEAVY == set()

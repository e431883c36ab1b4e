"""Shell completion offers values from the declaration and the ledger, for bash, zsh and
fish, under both program names: client handles, open promise ids with their titles, and the
declared choices (kinds, statuses, formats)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW

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


@pytest.mark.parametrize("line, offered", [
    ("expect list --status ", ["open", "kept", "renegotiated", "late", "missed", "released"]),
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

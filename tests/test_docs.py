"""The docs cover the program: every command has help text, a reference entry and a
mention in the hand-written pages, and the reference matches the program."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from expectcli.cli.app import app

DOCS = Path(__file__).resolve().parent.parent / "docs"


def commands(group=None, prefix=("expect",)):
    group = group or typer.main.get_command(app)
    for name, command in sorted(group.commands.items()):
        path = prefix + (name,)
        yield path, command
        if hasattr(command, "commands"):
            yield from commands(command, path)


COMMANDS = list(commands())


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_has_help_text(path, command):
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    for param in command.params:
        if getattr(param, "hidden", False) or param.name == "ctx":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{' '.join(path)} {param.name} has no help"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_documented(path, command):
    reference = (DOCS / "reference.md").read_text()
    assert f"## `{' '.join(path)}`" in reference
    guides = "\n".join(p.read_text() for p in DOCS.glob("*.md") if p.name != "reference.md")
    assert f"{' '.join(path)}" in guides, f"no guide in docs/ mentions `{' '.join(path)}`"


def test_reference_matches_the_program():
    from expectcli.cli import reference

    assert reference.markdown() == (DOCS / "reference.md").read_text(), (
        "docs/reference.md is out of date: run `python -m expectcli.cli.reference > docs/reference.md`"
    )

"""One declaration per command (`cli/spec.py`): the Typer app, the fast path, the help and
the reference are all made from it, and they agree with each other."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import Runner, click_command
from expectcli.cli import fast, spec
from expectcli.cli.app import app
from expectcli.cli.spec import COMMANDS, GLOBAL

RUNNER = Runner()


def typer_command(command: spec.Command):
    found = click_command(app)
    for word in command.path:
        found = found.commands[word]
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_the_typer_command_is_the_declared_one(command):
    built = typer_command(command)
    params = {p.name: p for p in built.params if p.name != "ctx"}
    assert set(params) == {p.name for p in (*command.params, *GLOBAL)}
    for param in (*command.params, *GLOBAL):
        made = params[param.name]
        assert made.param_type_name == ("argument" if param.argument else "option"), param.name
        assert made.required == (param.required and not param.multiple) or (param.argument and param.required)
        assert made.help == param.help
        if not param.argument:
            assert set(made.opts) == set(param.flags)
            assert made.is_flag == param.flag
            assert made.multiple == param.multiple
        else:
            assert made.nargs == (-1 if param.multiple else 1)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_help_is_written_from_the_declaration_with_readable_metavars(command):
    out = RUNNER.invoke(app, [*command.path, "--help"], env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert "<str>" not in out.output and "{" not in out.output and "list[" not in out.output
    assert command.help.split()[0] in out.output
    for param in command.params:
        assert param.help.split()[0] in out.output, param.name
        if param.takes_value:
            assert param.metavar in out.output, param.name


def test_a_choice_is_refused_alike_on_both_paths(cli):
    typed = cli("list", "--status", "lost")
    assert typed.exit_code == 2
    assert (
        typed.stderr
        == "expect: unknown status 'lost'; use one of open, kept, renegotiated, late, missed, released, waiting, received\n"
    )


# -- the fast path reads a command line exactly as Typer does -----------------------------------

TOKENS = st.sampled_from(["acme", "fri", "1", "#2", "2d", "x y", "a=b", "-", "-5", "--", "json", "Ö", ""])


@st.composite
def command_lines(draw) -> list[str]:
    """Command lines made from the declaration: its words, some of its options in any
    order (with `--opt=value` and `--opt value` spellings), some arguments, global options
    before or after, and now and then something that is not right."""
    command = draw(st.sampled_from(COMMANDS))
    parts: list[list[str]] = []
    for param in (*command.params, *GLOBAL):
        if param.argument or not draw(st.booleans()):
            continue
        for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
            flag = draw(st.sampled_from(param.flags))
            if param.flag:
                parts.append([flag])
            else:
                value = draw(st.sampled_from(param.choices) | TOKENS) if param.choices else draw(TOKENS)
                parts.append([f"{flag}={value}"] if draw(st.booleans()) else [flag, value])
    for param in command.arguments():
        count = draw(st.integers(0, 3)) if param.multiple else draw(st.integers(0 if not param.required else 1, 1))
        parts += [[draw(TOKENS)] for _ in range(count)]
    parts = draw(st.permutations(parts))
    before = []
    if parts and parts[0] and parts[0][0] in ("--json", "--db", "--now") and draw(st.booleans()):
        before = parts.pop(0)
    line = [*before, *command.path, *(token for part in parts for token in part)]
    if draw(st.integers(0, 9)) == 0:
        line.insert(draw(st.integers(0, len(line))), draw(st.sampled_from(["--nope", "-h", "--debug", "extra"])))
    return line


def typer_reading(args: list[str], monkeypatch) -> tuple | None:
    """What the Typer app hands to the command: (command, Env's globals, what was typed)."""
    seen = []

    def capture(command, env, typed):
        seen.append((command.path, {"db": env.db, "json": env.json, "now_text": env.now_text,
                                    "no_pager": env.no_pager}, typed))  # fmt: skip

    monkeypatch.setattr(spec, "run", capture)
    RUNNER.invoke(app, args)
    return seen[0] if seen else None


def normalised(typed: dict) -> dict:
    return {key: value for key, value in typed.items() if value not in (None, False, [])}


@settings(
    max_examples=examples(300, share=10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command_lines())
def test_the_fast_path_reads_a_command_line_as_typer_does(monkeypatch, args):
    parsed = fast.parse(args)
    if parsed is None:
        return  # Typer answers it: help, a usage error, or something unusual
    command, globals_, typed = parsed
    by_typer = typer_reading(args, monkeypatch)
    assert by_typer is not None, args
    path, typer_globals, typer_typed = by_typer
    assert path == command.path
    assert normalised(typer_globals) == normalised({"json": False, **globals_}), args
    assert normalised(typer_typed) == normalised(typed), args


def test_the_fast_path_answers_the_common_lines():
    """Not an empty property: most plain lines are read by the fast path."""
    lines = [["promise", "T", "--to", "acme", "--due", "fri"], ["done", "1", "2"], ["client", "terms", "acme"],
             ["report", "--month", "--format=csv"], ["due", "--count"], ["export", "-o", "x.json"]]  # fmt: skip
    assert all(fast.parse(line) is not None for line in lines)


def test_the_reference_lists_every_declared_option():
    from expectcli.cli import reference

    text = reference.markdown()
    for command in COMMANDS:
        section = text.split(f"## `expect {command.name}`", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            shown = param.metavar if param.argument else param.flags[0]
            assert re.search(re.escape(shown), section), (command.name, param.name)

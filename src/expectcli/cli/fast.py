"""The program's entry point: the everyday commands in their plain forms without Typer.

A shell prompt runs `expect due --count` before every prompt, and aliases run `due`, `list`
and `report` many times a day. Importing Typer (with the Click it vendors and the pydantic
its option checks build on) takes several times longer than those commands take to answer.
So `main` recognises exactly the forms in `FORMS` — each option spelled out in full, given at
most once, with a value that does not look like an option — and runs the same functions the
Typer app runs (`commands.py`). Anything else — help, completion, `--debug`, a typo, a
missing value — goes to the full command line, so every usage error and every help text
comes from Typer alone.
"""

from __future__ import annotations

import os
import sys

# Accepted before the command's name and after it, as in the full command line.
GLOBAL_VALUES = {"--db": "db", "--now": "now_text"}
GLOBAL_FLAGS = {"--json": "json"}
COMPLETION_VARIABLE = "_EXPECT_COMPLETE"  # set by the shell while completing: Typer's job


class Form:
    """What one command accepts on the fast path."""

    def __init__(self, function: str, values=(), flags=(), repeated=(), arguments=(), required=()):
        self.function = function  # its function in `commands`, whose parameters are named below
        self.values = {_option(name): name for name in values}  # options that take a value
        self.flags = {_option(name): name for name in flags}
        self.repeated = {_option(name): name for name in repeated}  # may be given several times
        self.arguments = arguments
        self.required = required


def _option(parameter: str) -> str:
    """The option Typer makes of a parameter: `last_week` → --last-week, `all_` → --all."""
    return "--" + parameter.rstrip("_").replace("_", "-")


FORMS = {
    "due": Form("due", values=["within"], flags=["count"]),
    "list": Form("list_promises", values=["client", "status"], flags=["all_"]),
    "report": Form("report", values=["since", "until", "client", "format_"],
                   flags=["week", "last_week", "month", "last_month"]),  # fmt: skip
    "promise": Form("promise", values=["to", "due", "criteria", "kind"], repeated=["tag"], arguments=["title"],
                    required=["to", "due"]),  # fmt: skip
}


def parse(args: list[str]) -> tuple[Form, dict, dict] | None:
    """(form, global options, the command's options) if `args` is a form answered here, else None."""
    form: Form | None = None
    env: dict = {}
    options: dict = {}
    arguments: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if form is None and not arg.startswith("-"):
            form = FORMS.get(arg)
            if form is None:
                return None
            continue
        if not arg.startswith("--"):
            if form is None or arg.startswith("-"):
                return None
            arguments.append(arg)
            continue
        name, has_value, value = arg.partition("=")
        flags = {**GLOBAL_FLAGS, **(form.flags if form else {})}
        values = {**GLOBAL_VALUES, **(form.values if form else {})}
        repeated = form.repeated if form else {}
        if name in flags and not has_value:
            target, key, value = (env if name in GLOBAL_FLAGS else options), flags[name], True
        elif name in values or name in repeated:
            if not has_value:
                if not rest or rest[0].startswith("-"):
                    return None
                value = rest.pop(0)
            target = env if name in GLOBAL_VALUES else options
            key = values.get(name) or repeated[name]
            if name in repeated:
                options.setdefault(key, []).append(value)
                continue
        else:
            return None
        if key in target:
            return None
        target[key] = value
    if form is None or len(arguments) != len(form.arguments) or any(key not in options for key in form.required):
        return None
    options.update(zip(form.arguments, arguments))
    return form, env, options


def main() -> None:
    args = sys.argv[1:]
    parsed = None if COMPLETION_VARIABLE in os.environ else parse(args)
    if parsed is None:
        from expectcli.cli.app import main as full_command_line

        full_command_line()
        return
    from expectcli.cli.edge import debugging

    status = run(*parsed, debug=debugging(args))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        status = status or 1
    # Everything is said and every transaction is over (SQLite in WAL mode needs no
    # goodbye), so skip the interpreter's teardown of each module: on a prompt's
    # `due --count` it would take a tenth of the whole run.
    os._exit(status)


def run(form: Form, env: dict, options: dict, debug: bool = False) -> int:
    """Run a parsed form as the full command line would; its exit status."""
    from expectcli.commands import everyday as commands
    from expectcli.cli import edge
    from expectcli.commands.env import Env

    context = Env(**env)
    try:
        with edge.reporting(debug):
            return getattr(commands, form.function)(context, **options) or 0
    except SystemExit as exit:  # edge.reporting's one line on stderr has been written
        return exit.code if isinstance(exit.code, int) else 1
    finally:
        if context.opened_server():  # say goodbye to a database server; a SQLite file needs none
            context.close()

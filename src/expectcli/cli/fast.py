"""The program's entry point: plain command lines answered without loading Typer.

A shell prompt runs `expect due --count` before every prompt, and aliases run `due`, `list`
and `report` many times a day. Importing Typer (with the Click it vendors and the pydantic
its option checks build on) takes several times longer than those commands take to answer.
So `main` reads the command line itself, from the same declaration (`cli/spec.py`) the Typer
app is built from, when it is plain: each option spelled out in full, given at most once
(unless it repeats), with a value that does not look like an option, every required argument
and option present. It then runs the command exactly as the Typer app would (`spec.run`).
Anything else — help, completion, `--debug`, a typo, a missing value — goes to the full
command line, so every usage error and every help text comes from Typer alone.
"""

from __future__ import annotations

import os
import sys

from expectcli import promptcache

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs a cached count a tenth of its time
if TYPE_CHECKING:
    from expectcli.cli.spec import Command


def completing() -> bool:
    """Whether a shell is asking for completions (Typer's job): `_EXPECT_COMPLETE`,
    `_EXPECTCLI_COMPLETE`, or whatever name the program was installed under."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def parse(args: list[str]) -> tuple[Command, dict, dict] | None:
    """(command, global options, what was typed for the command) if `args` is a plain
    command line, else None."""
    # The declaration is read here, not when this module is loaded: a prompt's count
    # answered from the cache (`main`) never needs it.
    from expectcli.cli.spec import BY_PATH, ENV_NAMES, GLOBAL, GROUPS

    global_options = {flag: p for p in GLOBAL if not p.hidden for flag in p.flags}
    rest = list(args)
    words: list[str] = []
    env: dict = {}
    given: dict = {}
    arguments: list[str] = []
    command: Command | None = None
    while rest:
        arg = rest.pop(0)
        if arg.startswith("--") or (command is not None and arg.startswith("-") and arg != "-"):
            options = command.options() if command else global_options
            # `--opt=value`; a short option only on its own (`-o FILE`), as `-o=x` means "=x"
            name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            param = options.get(name)
            if param is None or param.hidden or (words and not command):
                return None
            typed: str | bool = value
            if param.flag:
                if has_value:
                    return None
                typed = True
            elif not has_value:
                if not rest or rest[0].startswith("-"):
                    return None
                typed = rest.pop(0)
            target = env if param in GLOBAL else given
            if param.multiple:
                target.setdefault(param.name, []).append(typed)
            elif param.name in target:
                return None
            else:
                target[param.name] = typed
        elif command is None:
            if arg.startswith("-"):
                return None
            words.append(arg)
            command = BY_PATH.get(tuple(words))
            if command is None and (len(words) > 1 or words[0] not in GROUPS):
                return None
        else:
            arguments.append(arg)
    if command is None or not _place(command, arguments, given):
        return None
    if any(p.required and p.name not in given for p in command.params):
        return None
    return command, {ENV_NAMES[key]: value for key, value in env.items()}, given


def _place(command: Command, arguments: list[str], given: dict) -> bool:
    """Put the positional `arguments` into `given`; False if they do not fit the command."""
    declared = command.arguments()
    for index, param in enumerate(declared):
        if param.multiple:  # takes what is left (the last argument)
            if not arguments and param.required:
                return False
            given[param.name] = arguments
            return index == len(declared) - 1
        if not arguments:
            return not param.required and all(not later.required for later in declared[index:])
        given[param.name] = arguments.pop(0)
    return not arguments


def main() -> None:
    from expectcli.cli.edge import guard_streams

    guard_streams()
    args = sys.argv[1:]
    for n, arg in enumerate(args, start=1):  # invalid UTF-8 bytes arrive as lone surrogates
        if not arg.isascii() and any("\ud800" <= char <= "\udfff" for char in arg):
            sys.stderr.write(f"expect: argument {n} is not valid UTF-8 text; nothing was done\n")
            _exit(2)
    if promptcache.wanted(args) and not completing():
        import time

        hit = promptcache.lookup(args, time.time())
        if hit is not None:
            _exit(hit[0], hit[1])
    if completing():
        from expectcli.cli import completing as tab

        shell = tab.request()
        if shell is not None:  # bash, zsh and fish are answered here, without Typer
            _exit(tab.main(shell))
    parsed = None if completing() else parse(args)
    if parsed is None:
        from expectcli.cli.app import main as full_command_line

        full_command_line()
        return
    from expectcli.cli.edge import debugging

    if promptcache.wanted(args) and parsed[0].path == ("due",) and parsed[2].get("count"):
        status = _count(args, *parsed)
    else:
        status = run(*parsed, debug=debugging(args))
    _exit(status)


def _exit(status: int, output: str = "") -> None:
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        status = status or 1
    except OSError as exc:  # stdout closed or full: one line on stderr says what stands
        from expectcli.cli.edge import output_failed

        status = output_failed(exc)
    # Everything is said and every transaction is over (SQLite in WAL mode needs no
    # goodbye), so skip the interpreter's teardown of each module: on a prompt's
    # `due --count` it would take a tenth of the whole run.
    os._exit(status)


def _count(args: list[str], command: Command, env: dict, given: dict) -> int:
    """A prompt's count, asked of the ledger and remembered (see `promptcache`)."""
    import io
    import time
    from datetime import UTC, datetime

    from expectcli.commands.env import Env

    def ask(moment: int) -> tuple[int, str, str]:
        out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        real = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            status = run(command, {**env, "now_text": datetime.fromtimestamp(moment, UTC).isoformat()}, given)
        finally:
            sys.stdout, sys.stderr = real
        return status, _text(out), _text(err)

    from expectcli.errors import ExpectError

    context = Env(**env)
    try:
        seconds = context.settings.count_cache
    except ExpectError:  # a bad config file: said by the command itself, as always
        return run(command, env, given)
    status, output, errors = promptcache.answer(args, ask, context.cached_files(), seconds, time.time())
    sys.stderr.write(errors)
    _exit(status, output)
    return status


def _text(stream) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "replace")


def run(command: Command, env: dict, given: dict, debug: bool = False) -> int:
    """Run a parsed command line as the full command line would; its exit status."""
    from expectcli.cli import edge, spec
    from expectcli.commands.env import Env

    context = Env(**env)
    try:
        with edge.reporting(debug):
            return spec.run(command, context, given) or 0
    except SystemExit as exit:  # edge.reporting's one line on stderr has been written
        return exit.code if isinstance(exit.code, int) else 1
    finally:
        if context.opened_server():  # say goodbye to a database server; a SQLite file needs none
            context.close()

"""Help text and the command reference (`docs/reference.md`), written from the declaration.

`expect CMD --help` shows `help_text`; `docs/reference.md` is `markdown()`, regenerated with
`python -m expectcli.cli.reference > docs/reference.md` (a test fails when it drifts).
"""

from __future__ import annotations

import textwrap

from expectcli.cli.spec import COMMANDS, GLOBAL, GROUPS, Command, Param

PROGRAM = "expect"
ROOT_EXTRAS = (
    ("--version", "Show the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the installation."),
    ("--help", "Show this message and exit."),
)
HELP = ("--help", "Show this message and exit.")


def usage(command: Command) -> str:
    pieces = [PROGRAM, *command.path, "[OPTIONS]"]
    for param in command.arguments():
        name = param.metavar + ("..." if param.multiple else "")
        pieces.append(name if param.required else f"[{name}]")
    return " ".join(pieces)


def term(param: Param) -> str:
    """How a parameter is written: `--due WHEN`, `--output, -o FILE`, `TITLE`."""
    if param.argument:
        return param.metavar + ("..." if param.multiple else "")
    spelling = ", ".join(param.flags)
    return spelling if param.flag else f"{spelling} {param.metavar}"


def description(param: Param) -> str:
    """The parameter's help with what else a person needs: required, default, choices."""
    extras = []
    if param.choices:
        extras.append("one of: " + ", ".join(param.choices))
    if param.default not in (None, False):
        extras.append(f"default: {param.default}")
    if param.multiple and not param.argument:
        extras.append("repeatable")
    if param.required:
        extras.append("required")
    return param.help + (f"  [{'; '.join(extras)}]" if extras else "")


def entries(command: Command) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(arguments, options) of a command as (term, description) pairs, the global options included."""
    arguments = [(term(p), description(p)) for p in command.arguments()]
    options = [(term(p), description(p)) for p in (*command.params, *GLOBAL) if not p.argument and not p.hidden]
    return arguments, [*options, HELP]


def help_text(command: Command, width: int = 80) -> str:
    width = max(40, min(width, 100))
    lines = [f"Usage: {usage(command)}", ""]
    lines += textwrap.wrap(command.help, width - 2, initial_indent="  ", subsequent_indent="  ")
    arguments, options = entries(command)
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            lines += ["", f"{title}:", *_columns(rows, width)]
    return "\n".join(lines) + "\n"


def _columns(rows: list[tuple[str, str]], width: int) -> list[str]:
    left = min(max(len(name) for name, _ in rows), 24)
    lines = []
    for name, text in rows:
        indent = " " * (left + 4)
        wrapped = textwrap.wrap(text, width - len(indent)) or [""]
        if len(name) > left:
            lines.append(f"  {name}")
            lines += [indent + part for part in wrapped]
        else:
            lines.append(f"  {name.ljust(left)}  {wrapped[0]}")
            lines += [indent + part for part in wrapped[1:]]
    return lines


def markdown() -> str:
    """The whole command reference as Markdown."""
    out = [f"# `{PROGRAM}`", "", GROUPS[""], "", "**Usage**:", "", "```console",
           f"$ {PROGRAM} [OPTIONS] COMMAND [ARGS]...", "```", "", "**Options**:", ""]  # fmt: skip
    out += [f"* `{name}`: {text}" for name, text in _global_entries()]
    out += ["", "**Commands**:", ""]
    out += [f"* `{' '.join(c.path)}`: {c.summary}" for c in COMMANDS if len(c.path) == 1]
    out += [f"* `{name}`: {help}" for name, help in GROUPS.items() if name]
    for command in COMMANDS:
        group = " ".join(command.path[:-1])
        if group and command is next(c for c in COMMANDS if c.path[:-1] == command.path[:-1]):
            out += [
                "",
                f"## `{PROGRAM} {group}`",
                "",
                GROUPS[group],
                "",
                "**Usage**:",
                "",
                "```console",
                f"$ {PROGRAM} {group} [OPTIONS] COMMAND [ARGS]...",
                "```",
                "",
                "**Commands**:",
                "",
            ]
            out += [f"* `{c.path[-1]}`: {c.summary}" for c in COMMANDS if c.path[:-1] == command.path[:-1]]
        arguments, options = entries(command)
        out += ["", f"## `{PROGRAM} {command.name}`", "", command.help, "", "**Usage**:", "", "```console",
                f"$ {usage(command)}", "```"]  # fmt: skip
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                out += ["", f"**{title}**:", ""] + [f"* `{name}`: {text}" for name, text in rows]
    return "\n".join(out) + "\n"


def _global_entries() -> list[tuple[str, str]]:
    return [(term(p), description(p)) for p in GLOBAL if not p.hidden] + list(ROOT_EXTRAS)


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown())

"""The full command line: the Typer app, built from the declaration in `cli/spec.py`.

Each declared command becomes a Typer command whose parameters, metavars, help and
completion come from its `Param`s; running it binds what was typed with `spec.run`, as the
fast path does. Help is written by `cli/reference.py`, so `--help` and `docs/reference.md`
say the same. No ledger logic lives here, and no option is declared here.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from expectcli import __version__
from expectcli.cli import complete, edge, reference, spec
from expectcli.cli.spec import GLOBAL, GROUPS, Command, Param
from expectcli.commands.env import Env

PROGRAMS = ("expect", "expectcli")


def program_name() -> str:
    """`expect` or `expectcli`, as started (completion is keyed by it); `python -m` is `expect`."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name if name in PROGRAMS else PROGRAMS[0]


# -- the edge: one line per error, exit statuses ------------------------------------------


class ExpectGroup(TyperGroup):
    """Turns every usage error into one line on stderr and its exit status."""

    def parse_args(self, ctx, args):
        ctx.meta["expect.args"] = tuple(args)  # what the eager --version looks at
        return super().parse_args(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        with edge.reporting(edge.debugging(args)):
            try:
                status = super().main(args, prog_name or program_name(), complete_var, standalone_mode=False, **extra)
            except typer.Exit as exc:
                status = exc.exit_code
            except typer.Abort:  # Ctrl-C (or the end of input) at a prompt
                edge.fail("interrupted; nothing was written", 130)
            except Exception as exc:
                status = _usage_error(exc)
        sys.exit(status if isinstance(status, int) else 0)


def _usage_error(exc: Exception) -> int:
    """Typer's own exceptions (Click's, which Typer vendors privately, so they are known
    here by their public attributes): help asked for by giving no command, a usage error,
    or another command-line error. Anything else is re-raised for the edge."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    context = getattr(exc, "ctx", None)
    if "NoArgsIsHelpError" in kinds and context is not None:
        sys.stdout.write(context.get_help() + "\n")
        return 0
    if "UsageError" in kinds:
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        edge.fail(exc.format_message().rstrip(".") + hint, 2)  # type: ignore[attr-defined]
    if "ClickException" in kinds:
        edge.fail(exc.format_message(), exc.exit_code)  # type: ignore[attr-defined]
    raise exc


def _command_class(command: Command) -> type:
    """A Typer command whose help is the declaration's."""

    def format_help(self, ctx, formatter) -> None:
        width = formatter.width or 80
        formatter.write(reference.help_text(command, width))

    return type(f"{command.name.title().replace(' ', '')}Command", (TyperCommand,), {"format_help": format_help})


# -- from the declaration to Typer ----------------------------------------------------------


def _annotation(param: Param) -> Any:
    completion = complete.completer(param)
    common: dict = {"help": param.help, "hidden": param.hidden}
    if completion is not None:
        common["autocompletion"] = completion
    if param.argument:
        kind = list[str] if param.multiple else str
        return Annotated[kind if param.required else kind | None, typer.Argument(metavar=param.metavar, **common)]
    if param.flag:
        return Annotated[bool, typer.Option(*param.flags, **common)]
    kind = list[str] if param.multiple else str
    return Annotated[kind | None, typer.Option(*param.flags, metavar=param.metavar, **common)]


def _parameter(param: Param) -> inspect.Parameter:
    if param.required and not param.multiple:
        default: Any = inspect.Parameter.empty
    else:
        default = False if param.flag else None
    return inspect.Parameter(param.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(param), default=default)


def _typer_function(command: Command) -> Callable:
    """A function Typer can read: the declared parameters, the global options, the context."""
    own = {p.name for p in command.params}

    def run(ctx: typer.Context, **typed) -> None:
        given = {name: value for name, value in typed.items() if name in own}
        outer = ctx.find_root().obj or {}
        env = Env(**{
            spec.ENV_NAMES[key]: typed[key] if typed.get(key) not in (None, False) else outer.get(key)
            for key in spec.ENV_NAMES
        })  # fmt: skip
        try:
            status = spec.run(command, env, given)
        finally:
            env.close()
        if status:
            raise typer.Exit(status)

    params = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)]
    params += [_parameter(p) for p in (*command.params, *GLOBAL)]
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__doc__ = command.help
    return run


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        if "--json" in ctx.meta.get("expect.args", ()):  # eager: --json is not parsed yet
            typer.echo(json.dumps({"version": __version__}))
        else:
            typer.echo(f"expect {__version__}")
        raise typer.Exit()


def _root(ctx: typer.Context, **typed) -> None:
    ctx.obj = {key: typed.get(key) for key in spec.ENV_NAMES}


def build() -> typer.Typer:
    root = typer.Typer(cls=ExpectGroup, help=GROUPS[""], no_args_is_help=True, pretty_exceptions_enable=False,
                       rich_markup_mode=None, add_completion=True)  # fmt: skip
    groups = {"": root}
    for name, help in GROUPS.items():
        if name:
            groups[name] = typer.Typer(cls=TyperGroup, help=help, no_args_is_help=True, rich_markup_mode=None)
            root.add_typer(groups[name], name=name)
    for command in spec.COMMANDS:
        group = groups[" ".join(command.path[:-1])]
        group.command(command.path[-1], cls=_command_class(command), help=command.help)(_typer_function(command))
    version = inspect.Parameter(
        "version", inspect.Parameter.KEYWORD_ONLY, default=False,
        annotation=Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")],
    )  # fmt: skip
    root_params = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)]
    root_params += [_parameter(p) for p in GLOBAL] + [version]
    _root.__signature__ = inspect.Signature(root_params)  # type: ignore[attr-defined]
    _root.__annotations__ = {p.name: p.annotation for p in root_params}
    root.callback()(_root)
    return root


app = build()


def main() -> None:
    edge.guard_streams()
    app()


if __name__ == "__main__":
    main()

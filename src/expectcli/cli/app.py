"""The command line: parse arguments, call the ledger, render. No ledger logic lives here."""

import functools
import inspect
from contextlib import contextmanager
import sys
from typing import Annotated, Callable, Optional

import typer
from typer.core import TyperGroup

try:  # typer ≥ 0.24 vendors click; older releases depend on it
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors

from expectcli import __version__
from expectcli.commands import everyday as commands
from expectcli.cli import edge
from expectcli.cli.edge import fail as _fail
from expectcli.commands.env import Env
from expectcli.errors import BadInput


# -- the edge: one line per error, exit statuses ------------------------------------------


class ExpectGroup(TyperGroup):
    """Turns every user error into one line on stderr and its exit status."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        with edge.reporting(edge.debugging(args)):
            try:
                status = super().main(args, prog_name or "expect", complete_var, standalone_mode=False, **extra)
            except click_errors.NoArgsIsHelpError as exc:
                sys.stdout.write(exc.ctx.get_help() + "\n")
                status = 0
            except click_errors.UsageError as exc:
                hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
                _fail(exc.format_message().rstrip(".") + hint, 2)
            except click_errors.ClickException as exc:
                _fail(exc.format_message(), exc.exit_code)
            except typer.Abort:
                _fail("aborted", 1)
        sys.exit(status if isinstance(status, int) else 0)


app = typer.Typer(
    cls=ExpectGroup,
    help="An expectation ledger: record promises to clients, move deadlines openly, score kept versus broken.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
)
client_app = typer.Typer(cls=TyperGroup, help="Clients and their terms.", no_args_is_help=True, rich_markup_mode=None)
db_app = typer.Typer(cls=TyperGroup, help="Where the ledger is and its upkeep.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(client_app, name="client")
app.add_typer(db_app, name="db")


# -- global options, accepted before or after the command name ----------------------------


DbOption = Annotated[
    Optional[str], typer.Option("--db", help="Ledger path or SQLAlchemy URL (also EXPECT_DB).", metavar="URL-OR-PATH")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine output (JSON) only on stdout.")]
NowOption = Annotated[
    Optional[str], typer.Option("--now", help="Act and report as if now were WHEN (also EXPECT_NOW).", metavar="WHEN")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show a traceback for internal errors.", hidden=True)]

_COMMON = [
    inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, annotation=DbOption, default=None),
    inspect.Parameter("json_output", inspect.Parameter.KEYWORD_ONLY, annotation=JsonOption, default=False),
    inspect.Parameter("now", inspect.Parameter.KEYWORD_ONLY, annotation=NowOption, default=None),
    inspect.Parameter("debug", inspect.Parameter.KEYWORD_ONLY, annotation=DebugOption, default=False),
]


def command(group: typer.Typer, name: Optional[str] = None, **options) -> Callable:
    """Register `fn(env, …)` as a command that also takes the global options."""

    def register(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        own = list(signature.parameters.values())[1:]  # drop `env`

        @functools.wraps(fn)
        def run(*args, ctx, db=None, json_output=False, now=None, debug=False, **kwargs):
            outer = ctx.find_root().obj or Env()
            env = Env(
                db=db or outer.db,
                json=json_output or outer.json,
                now_text=now or outer.now_text,
                debug=debug or outer.debug,
            )
            try:
                return fn(env, *args, **kwargs)
            finally:
                env.close()

        params = own + [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)] + _COMMON
        run.__signature__ = signature.replace(parameters=params)
        run.__annotations__ = {p.name: p.annotation for p in params}
        group.command(name, **options)(run)
        return fn

    return register


def _exit(status: Optional[int]) -> None:
    if status:
        raise typer.Exit(status)


def _drawn_by(table: str, env: Env) -> Callable[[list], None]:
    """Draws items with the `render` table named `table`, importing Rich only when drawing."""

    def draw(items: list) -> None:
        from expectcli.views import render

        getattr(render, table)(env.console(), items, env.settings, env.now)

    return draw


def promise_id(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or not 0 < int(cleaned) < 2**63:
        raise BadInput(f"{text[:20]!r} is not a promise id; ids are numbers like 12 (see `expect list`)")
    return int(cleaned)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"expect {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: DbOption = None,
    json_output: JsonOption = False,
    now: NowOption = None,
    debug: DebugOption = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = Env(db=db, json=json_output, now_text=now, debug=debug)


# -- promises -------------------------------------------------------------------------------


@command(app, "promise")
def promise_command(
    env: Env,
    title: Annotated[str, typer.Argument(help="What you promised, in the client's words.", metavar="TITLE")],
    to: Annotated[str, typer.Option("--to", help="The client's handle (created on first use).", metavar="CLIENT")],
    due: Annotated[str, typer.Option("--due", help="The deadline: fri 5pm, tomorrow, eow, 3d, 2026-12-03 …", metavar="WHEN")],
    criteria: Annotated[Optional[str], typer.Option("--criteria", help="What counts as delivered.", metavar="TEXT")] = None,
    kind: Annotated[str, typer.Option("--kind", help="deliverable, reply, call or meeting.", metavar="KIND")] = "deliverable",
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag; repeat for several.", metavar="TAG")] = None,
) -> None:
    """Record a promise made to a client; prints its id."""
    commands.promise(env, title, to, due, criteria, kind, tag)


@command(app, "done")
def done_command(
    env: Env,
    ids: Annotated[list[str], typer.Argument(help="Ids of the delivered promises.", metavar="ID")],
    at: Annotated[Optional[str], typer.Option("--at", help="When it was delivered (default: now).", metavar="WHEN")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="A note on the delivery.", metavar="TEXT")] = None,
) -> None:
    """Record delivery of one or more promises."""
    delivered_at = env.when(at) if at else None
    delivered = env.ledger().deliver([promise_id(text) for text in ids], delivered_at, note)
    commands.announce(env, delivered, "Delivered", single=False)


@command(app, "move")
def move_command(
    env: Env,
    id_: Annotated[str, typer.Argument(help="The promise to renegotiate.", metavar="ID")],
    when: Annotated[str, typer.Argument(help="The new deadline.", metavar="WHEN")],
    reason: Annotated[str, typer.Option("--reason", help="Why the date moves (what you told the client).", metavar="TEXT")],
) -> None:
    """Renegotiate a deadline, with the reason given to the client."""
    moved = env.ledger().move(promise_id(id_), env.when(when), reason)
    commands.announce(env, [moved], "Moved")


@command(app, "release")
def release_command(
    env: Env,
    id_: Annotated[str, typer.Argument(help="The promise to cancel.", metavar="ID")],
    reason: Annotated[str, typer.Option("--reason", help="What was agreed with the client.", metavar="TEXT")],
) -> None:
    """Cancel a promise by agreement with the client."""
    released = env.ledger().release(promise_id(id_), reason)
    commands.announce(env, [released], "Released")


@command(app, "reopen")
def reopen_command(
    env: Env, id_: Annotated[str, typer.Argument(help="The promise to reopen.", metavar="ID")]
) -> None:
    """Take back a delivery or release recorded in error (as a new event)."""
    reopened = env.ledger().reopen(promise_id(id_))
    commands.announce(env, [reopened], "Reopened")


@command(app, "inbound")
def inbound_command(
    env: Env,
    client: Annotated[str, typer.Argument(help="The client who asked.", metavar="CLIENT")],
    title: Annotated[str, typer.Argument(help="What they asked for.", metavar="TITLE")],
    at: Annotated[Optional[str], typer.Option("--at", help="When the request arrived (default: now).", metavar="WHEN")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="A tag; repeat for several.", metavar="TAG")] = None,
) -> None:
    """A client asked for something: record a reply promise due by the client's response terms."""
    from expectcli.core import clients

    arrived = env.when(at) if at else env.now
    created = clients.record_inbound(env.ledger(), client, title, arrived, env.settings, tags=tag or ())
    commands.announce(env, [created], "Promised")


@command(app, "brief")
def brief_command(
    env: Env,
    client: Annotated[str, typer.Argument(help="The client to brief.", metavar="CLIENT")],
    since: Annotated[Optional[str], typer.Option("--since", help="Cover changes since WHEN (default: the last update sent).", metavar="WHEN")] = None,
    sent: Annotated[bool, typer.Option("--sent", help="Record that this update was sent to the client.")] = False,
) -> None:
    """A ready-to-paste status update (Markdown) for one client; --sent records that it went out."""
    from expectcli.core import brief

    ledger = env.ledger()
    start = env.bound(since) if since is not None else None
    built = brief.build(ledger, client, env.settings, start)
    text = brief.to_markdown(built, env.settings)
    if sent:
        ledger.mark_update_sent(built.client)
    if env.json:
        env.emit({**brief.to_json(built, env.settings), "markdown": text, "sent": sent})
        return
    sys.stdout.write(text)
    if sent:
        sys.stderr.write(f"Recorded the update as sent to {built.client}.\n")


@command(app, "feedback")
def feedback_command(
    env: Env,
    client: Annotated[str, typer.Argument(help="The client.", metavar="CLIENT")],
    score: Annotated[str, typer.Argument(help="How likely they are to refer you, 0 to 10.", metavar="SCORE")],
    note: Annotated[Optional[str], typer.Option("--note", help="What they said.", metavar="TEXT")] = None,
) -> None:
    """Record a client's 0-10 would-refer score (for the NPS in reports)."""
    from expectcli.views import render
    from expectcli.core import serialize

    if not score.strip().isdigit():
        raise BadInput(f"{score[:20]!r} is not a score; give a whole number from 0 to 10")
    recorded = env.ledger().add_feedback(client, int(score), note)
    if env.json:
        env.emit(serialize.event(recorded, env.settings))
        return
    line = render.user(f"Recorded feedback {recorded.score}/10 from {recorded.client}")
    env.console().print(line)


@command(app, "list")
def list_command(
    env: Env,
    client: Annotated[Optional[str], typer.Option("--client", help="Only this client's promises.", metavar="CLIENT")] = None,
    status: Annotated[
        Optional[str], typer.Option("--status", help="Only this outcome: open, kept, renegotiated, late, missed, released.", metavar="STATUS")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include delivered and released promises.")] = False,
) -> None:
    """Promises, soonest due first (those not yet delivered or released, unless --all)."""
    commands.list_promises(env, client, status, all_)


@command(app, "due")
def due_command(
    env: Env,
    within: Annotated[str, typer.Option("--within", help="How far ahead to look: 4h, 2d, 1bd, 1w.", metavar="DURATION")] = "2d",
    count: Annotated[bool, typer.Option("--count", help="One short line for a shell prompt.")] = False,
) -> None:
    """The daily view: overdue promises and those due soon. Exit status 1 when something is overdue."""
    _exit(commands.due(env, within, count))


@command(app, "show")
def show_command(env: Env, id_: Annotated[str, typer.Argument(help="The promise.", metavar="ID")]) -> None:
    """A promise with its full event history."""
    ledger = env.ledger()
    promise = ledger.get(promise_id(id_))
    events = ledger.history(promise.id)
    if env.json:
        from expectcli.core import serialize

        env.emit({**serialize.promise(promise, env.settings), "events": [serialize.event(e, env.settings) for e in events]})
        return
    from expectcli.views import render

    render.promise_detail(env.console(), promise, events, env.settings, env.now)


@command(app, "log")
def log_command(
    env: Env, limit: Annotated[int, typer.Option("--limit", help="How many events to show.", metavar="N")] = 20
) -> None:
    """The journal of every change, newest first."""
    from expectcli.core import serialize

    commands.present(env, env.ledger().log(limit), serialize.event, _drawn_by("log_table", env), "The journal is empty.")


@command(app, "undo")
def undo_command(env: Env) -> None:
    """Void the last event (it stays in the journal, marked undone) and say what it was."""
    undone = env.ledger().undo()
    if env.json:
        from expectcli.core import serialize

        env.emit({"undone": serialize.event(undone, env.settings)})
        return
    from expectcli.views import render
    from rich.text import Text

    line = Text(f"Undid event {undone.id}: {undone.kind}")
    if undone.promise_id is not None:
        line.append(f" of #{undone.promise_id} ")
        line.append_text(render.user(undone.title))
    detail = render.event_detail(undone, env.settings, env.now)
    if detail.plain:
        line.append(" (")
        line.append_text(detail)
        line.append(")")
    env.console().print(line)


# -- the report ------------------------------------------------------------------------------

@command(app, "report")
def report_command(
    env: Env,
    week: Annotated[bool, typer.Option("--week", help="This calendar week (the default).")] = False,
    last_week: Annotated[bool, typer.Option("--last-week", help="The calendar week before this one.")] = False,
    month: Annotated[bool, typer.Option("--month", help="This calendar month.")] = False,
    last_month: Annotated[bool, typer.Option("--last-month", help="The calendar month before this one.")] = False,
    since: Annotated[Optional[str], typer.Option("--since", help="Start of a custom period (a whole day counts from its start).", metavar="WHEN")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="End of a custom period (a whole day counts to its end; default now).", metavar="WHEN")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="Only this client.", metavar="CLIENT")] = None,
    format_: Annotated[str, typer.Option("--format", help="table, json, csv or markdown.", metavar="FORMAT")] = "table",
) -> None:
    """Kept versus broken: totals, rates, a scorecard per client, broken promises, renegotiations, trend."""
    commands.report(env, week, last_week, month, last_month, since, until, client, format_)


# -- data in and out --------------------------------------------------------------------------

EXPORT_FORMATS = ("json", "csv", "ics")


@command(app, "export")
def export_command(
    env: Env,
    format_: Annotated[str, typer.Option("--format", help="json (the whole ledger), csv (promises) or ics (open promises for a calendar).", metavar="FORMAT")] = "json",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to FILE instead of standard output.", metavar="FILE")] = None,
) -> None:
    """Write the ledger out: the whole of it as JSON, promises as CSV, open promises as iCalendar."""
    from expectcli.core import exporting

    if format_ not in EXPORT_FORMATS:
        raise BadInput(f"unknown format {format_!r}; use one of {', '.join(EXPORT_FORMATS)}")
    ledger = env.ledger()
    if format_ == "json":
        data = exporting.to_json(ledger, env.settings).encode()
    elif format_ == "csv":
        data = exporting.to_csv(ledger, env.settings).encode()
    else:
        data = exporting.to_ics(ledger, env.settings)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    from expectcli.storage.store import write_private

    write_private(output, data)
    sys.stderr.write(f"Exported to {output}\n")


@command(app, "import")
def import_command(
    env: Env,
    file: Annotated[str, typer.Argument(help="The file to import (- for standard input).", metavar="FILE")],
    from_: Annotated[Optional[str], typer.Option("--from", help="expect, csv or taskwarrior (default: guessed from the file).", metavar="FORMAT")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, but write nothing.")] = False,
    client: Annotated[str, typer.Option("--client", help="Client for rows that name none (Taskwarrior tasks without a project).", metavar="CLIENT")] = "unassigned",
) -> None:
    """Bring promises in from an expect export, a CSV file or Taskwarrior's `task export` (all or nothing)."""
    from expectcli.core import importing

    text = _read_input(file)
    kind = from_ or importing.guess_format(file, text)
    if kind not in importing.FORMATS:
        raise BadInput(f"unknown format {kind!r}; use one of {', '.join(importing.FORMATS)}")
    ledger = env.ledger()
    with _progress(env, "Importing") as advance:
        result = importing.run(ledger, kind, text, env.settings, dry_run, client, advance)
    if env.json:
        env.emit({"added": result.added, "skipped": result.skipped, "ignored": result.ignored, "dry_run": dry_run,
                  "rejected": [{"line": line, "error": why} for line, why in result.rejected]})  # fmt: skip
    if result.rejected:
        from expectcli.core.textsafe import printable

        for line, why in result.rejected[:50]:
            sys.stderr.write(f"expect: {'task' if kind == 'taskwarrior' else 'line' if kind == 'csv' else 'promise'} "
                             f"{line}: {printable(why)}\n")  # fmt: skip
        more = len(result.rejected) - 50
        raise BadInput(f"{len(result.rejected)} rejected{f' ({more} not shown)' if more > 0 else ''}; nothing was imported")
    if not env.json:
        verb = "Would add" if dry_run else "Added"
        ignored = f", {result.ignored} left out (no due date)" if result.ignored else ""
        tail = "; nothing written (dry run)" if dry_run else ""
        typer.echo(f"{verb} {result.added} promises, skipped {result.skipped} already in the ledger{ignored}{tail}.")


def _read_input(file: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if file == "-" else open(file, "rb").read()
    except OSError as exc:
        raise BadInput(f"cannot read {file}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{file} is not UTF-8 text") from None


@contextmanager
def _progress(env: Env, what: str):
    """A transient Rich progress bar on a terminal (stderr); a no-op otherwise."""
    if env.json or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True),
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task(what, total=None)
        yield lambda n: bar.advance(task, n)


# -- clients and the ledger itself ----------------------------------------------------------


@command(client_app, "add")
def client_add_command(
    env: Env,
    handle: Annotated[str, typer.Argument(help="A short handle, e.g. acme.", metavar="CLIENT")],
    name: Annotated[Optional[str], typer.Option("--name", help="The client's full name.", metavar="TEXT")] = None,
) -> None:
    """Add a client (clients are also created on first use)."""
    added = env.ledger().add_client(handle, name)
    if env.json:
        from expectcli.core import serialize

        env.emit(serialize.client(added, env.settings))
        return
    from expectcli.views import render

    env.console().print(render.user(f"Added client {added.handle}"))


@command(client_app, "list")
def client_list_command(env: Env) -> None:
    """Clients with their active and settled promises."""
    from expectcli.core import serialize

    empty = "No clients yet; `expect promise TITLE --to CLIENT --due WHEN` adds one."
    commands.present(env, env.ledger().clients(), serialize.client, _drawn_by("clients_table", env), empty)


@command(client_app, "show")
def client_show_command(env: Env, handle: Annotated[str, typer.Argument(help="The client's handle.", metavar="CLIENT")]) -> None:
    """One client: outcomes so far and promises still active."""
    from expectcli.core import clients, serialize

    ledger = env.ledger()
    summary = ledger.client(handle)
    active = ledger.promises(client=handle)
    terms = clients.terms_of(summary, env.settings)
    update = clients.update_status(summary, env.settings, env.now)
    if env.json:
        env.emit({
            **serialize.client(summary, env.settings), "terms": _terms_json(summary.handle, terms),
            "update_due": serialize.iso(update.due, env.settings) if update else None,
            "update_overdue": bool(update and update.overdue),
            "promises": [serialize.promise(p, env.settings) for p in active],
        })  # fmt: skip
        return
    from expectcli.views import render

    render.client_detail(env.out, summary, terms, update, active, env.settings, env.now)


@command(client_app, "terms")
def client_terms_command(
    env: Env,
    handle: Annotated[str, typer.Argument(help="The client's handle.", metavar="CLIENT")],
    respond_within: Annotated[Optional[str], typer.Option("--respond-within", help="Response window for inbound requests: 4h, 1bd (working time), 2d.", metavar="DURATION")] = None,
    update_every: Annotated[Optional[str], typer.Option("--update-every", help="How often the client expects a status update: 1w, 2w, 3d, or none.", metavar="DURATION")] = None,
    hours: Annotated[Optional[str], typer.Option("--hours", help="The client's working hours, e.g. 09:00-17:00.", metavar="HH:MM-HH:MM")] = None,
    zone: Annotated[Optional[str], typer.Option("--timezone", help="The client's time zone, e.g. Europe/Berlin.", metavar="ZONE")] = None,
) -> None:
    """Show a client's terms, or set them (a client is created on first use)."""
    from expectcli.core import clients

    changes = clients.parse_terms(respond_within, update_every, hours, zone)
    ledger = env.ledger()
    if changes:
        ledger.set_terms(handle, changes)
    known = ledger.known_client(handle)
    terms = clients.terms_of(known, env.settings) if known else clients.default_terms(env.settings)
    if env.json:
        env.emit(_terms_json(handle, terms))
        return
    from expectcli.views import render

    render.terms(env.console(), handle.strip().lower(), terms, changed=bool(changes))


def _terms_json(handle: str, terms) -> dict:
    return {
        "client": handle.strip().lower(),
        "respond_within": str(terms.respond_within),
        "update_every": str(terms.update_every) if terms.update_every else None,
        "hours": terms.hours,
        "timezone": terms.timezone,
        "agreed": sorted(terms.agreed),
    }


@command(db_app, "path")
def db_path_command(env: Env) -> None:
    """Print where the ledger is (a file path, or the URL with its password hidden)."""
    from expectcli.storage.store import describe

    location = describe(env.location)
    if env.json:
        env.emit({"ledger": location})
    else:
        env.say(location)


@command(db_app, "check")
def db_check_command(env: Env) -> None:
    """Check the ledger: database integrity, foreign keys, and that every promise's state
    matches its journal. Exit status 1 when anything is wrong."""
    from expectcli.core import checks

    problems = checks.run(env.ledger())
    if env.json:
        env.emit({"ok": not problems, "problems": problems})
    else:
        for problem in problems:
            sys.stderr.write(f"expect: {problem}\n")
        if not problems:
            typer.echo("The ledger is sound.")
    if problems:
        raise typer.Exit(1)


@command(db_app, "backup")
def db_backup_command(
    env: Env,
    file: Annotated[Optional[str], typer.Argument(help="Where to write the copy (default: a dated file beside the ledger).", metavar="FILE")] = None,
) -> None:
    """A consistent copy of a SQLite ledger, taken online (safe while others write)."""
    from expectcli.storage.store import backup

    target = backup(env.ledger().store, file, env.now)
    if env.json:
        env.emit({"backup": str(target)})
    else:
        typer.echo(f"Backed up to {target}")


@command(db_app, "migrate")
def db_migrate_command(env: Env) -> None:
    """Upgrade the ledger's schema to this version of expect (commands also do it on first use)."""
    from expectcli.storage import schema
    from expectcli.storage.store import open_store

    store = open_store(env.location)
    applied = schema.migrate(store, env.now)
    if env.json:
        env.emit({"applied": applied, "version": schema.SCHEMA_VERSION})
    elif applied:
        typer.echo(f"Applied {', '.join(applied)}; the ledger is at schema version {schema.SCHEMA_VERSION}.")
    else:
        typer.echo(f"The ledger is already at schema version {schema.SCHEMA_VERSION}.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""Every command of `expect`, declared once.

A `Command` names its words (`client terms`), the function in `expectcli.commands` that runs
it, its help, and its `Param`s: name, option spelling, metavar, default, value type, help and
what completion offers. From this one declaration come the Typer app (`cli/app.py`), the
Typer-free fast path for start-up (`cli/fast.py`), the value conversion both share (`bind`),
the help text and `docs/reference.md` (`cli/reference.py`), and shell completion.

Adding an option is one `Param` here, one parameter of the command's function, and a test.

This module is plain data and small functions over it: the fast path imports it before every
prompt, so it imports nothing but the standard library and the core's own constants.
"""

from __future__ import annotations

from expectcli.core.outcomes import OUTCOMES
from expectcli.core.validate import KINDS
from expectcli.errors import BadInput

REPORT_FORMATS = ("table", "json", "csv", "markdown", "html")
EXPORT_FORMATS = ("json", "csv", "ics")
IMPORT_FORMATS = ("expect", "csv", "taskwarrior", "ics")
DATE_ORDERS = ("dmy", "mdy", "ymd")  # read in any case
ASK_STATES = ("waiting", "received")  # `list --status` of asks: core.asks.STATES (not imported: it reads the ledger)

# Value types: how the text a user typed becomes the value a command receives.
TEXT = "text"  # as typed
ID = "id"  # a promise id: 12 or #12
COUNT = "count"  # a whole number of at least 1
CHOICE = "choice"  # one of `choices`, in any case

MAX_COUNT = 1_000_000


class Param:
    """One argument or option of a command."""

    __slots__ = ("name", "flags", "help", "metavar", "default", "required", "flag", "multiple", "argument",
                 "type", "choices", "complete", "hidden")  # fmt: skip

    def __init__(
        self, name: str, help: str, *, flags: tuple[str, ...] = (), metavar: str = "", default=None,
        required: bool = False, flag: bool = False, multiple: bool = False, argument: bool = False,
        type: str = TEXT, choices: tuple[str, ...] = (), complete: str = "", hidden: bool = False,
    ) -> None:  # fmt: skip
        self.name = name  # the keyword the command's function takes
        self.help = help
        self.argument = argument
        self.flags = () if argument else (flags or (option_name(name),))
        self.metavar = metavar or ("" if flag else name.upper().rstrip("_"))
        self.flag = flag
        self.default = False if flag and default is None else default
        self.required = required
        self.multiple = multiple  # an option given several times, or an argument taking several values
        self.type = CHOICE if choices else type
        self.choices = choices
        self.complete = complete or ("choices" if choices else "")  # clients, promises, asks, choices, files
        self.hidden = hidden

    @property
    def takes_value(self) -> bool:
        return not self.flag


class Command:
    """One command: its words, the function that runs it and what it takes."""

    __slots__ = ("path", "target", "help", "params")

    def __init__(self, path: str, target: str, help: str, params: tuple[Param, ...] = ()) -> None:
        self.path = tuple(path.split())
        self.target = target  # "module:function" in expectcli.commands
        self.help = help
        self.params = params

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def summary(self) -> str:
        return self.help.split("\n\n")[0]

    def options(self) -> dict[str, Param]:
        """Option spelling → parameter, the global options included."""
        return {flag: p for p in (*self.params, *GLOBAL) if not p.argument for flag in p.flags}

    def arguments(self) -> list[Param]:
        return [p for p in self.params if p.argument]


def option_name(parameter: str) -> str:
    """The option spelling of a parameter: `last_week` → --last-week, `all_` → --all."""
    return "--" + parameter.rstrip("_").replace("_", "-")


def _p(name: str, help: str, **options) -> Param:
    return Param(name, help, **options)


def _arg(name: str, help: str, **options) -> Param:
    return Param(name, help, argument=True, required=options.pop("required", True), **options)


# -- the global options: accepted before the command's name and after it -------------------

GLOBAL = (
    _p("db", "Ledger path or SQLAlchemy URL (also EXPECT_DB).", metavar="URL-OR-PATH", complete="files"),
    _p("json", "Machine output (JSON) only on stdout.", flag=True),
    _p("now", "Act and report as if now were WHEN (also EXPECT_NOW).", metavar="WHEN"),
    _p("debug", "Show a traceback for internal errors.", flag=True, hidden=True),
    _p(
        "no_pager",
        "Never page output on a terminal (else output longer than the screen goes through "
        "EXPECT_PAGER, PAGER or `less -FRX`).",
        flag=True,
    ),
)

# The keyword of `Env` each global option sets.
ENV_NAMES = {"db": "db", "json": "json", "now": "now_text", "debug": "debug", "no_pager": "no_pager"}

# -- the pieces several commands share ----------------------------------------------------

_CLIENT_OPTION = dict(metavar="CLIENT", complete="clients")
_WHEN = dict(metavar="WHEN")
_TAGS = _p("tag", "A tag; repeat for several.", metavar="TAG", multiple=True)
_NEW_CLIENT = _p("new_client", "Create the client even though its handle looks like a typo of an existing one.",
                 flag=True)  # fmt: skip


def _promise_id(help: str) -> Param:
    return _arg("id_", help, metavar="ID", type=ID, complete="promises")


COMMANDS = (
    Command(
        "promise",
        "promises:promise",
        "Record a promise made to a client; prints its id.",
        (
            _arg("title", "What you promised, in the client's words.", metavar="TITLE"),
            _p("to", "The client's handle (created on first use).", required=True, **_CLIENT_OPTION),
            _p("due", "The deadline: fri 5pm, tomorrow, eow, 3d, 2026-12-03 …", required=True, **_WHEN),
            _p("criteria", "What counts as delivered.", metavar="TEXT"),
            _p("kind", "What kind of promise it is.", metavar="KIND", default="deliverable", choices=KINDS),
            _TAGS,
            _NEW_CLIENT,
            _p(
                "every",
                "Make it recurring: delivering or releasing one records the next, one period later "
                "(1w, 2w, 1m a month, 1d, 1bd).",
                metavar="PERIOD",
            ),  # fmt: skip
        ),
    ),
    Command(
        "done",
        "promises:done",
        "Record delivery of one or more promises.",
        (
            _arg("ids", "Ids of the delivered promises.", metavar="ID", type=ID, multiple=True, complete="promises"),
            _p("at", "When it was delivered (default: now).", **_WHEN),
            _p("note", "A note on the delivery.", metavar="TEXT"),
        ),
    ),
    Command(
        "move",
        "promises:move",
        "Renegotiate a deadline, with the reason given to the client.",
        (
            _promise_id("The promise to renegotiate."),
            _arg("when", "The new deadline.", **_WHEN),
            _p("reason", "Why the date moves (what you told the client).", metavar="TEXT", required=True),
            _p("message", "Also print a ready-to-paste note to the client: old date, new date, reason.", flag=True),
        ),
    ),
    Command(
        "release",
        "promises:release",
        "Cancel a promise by agreement with the client.",
        (
            _promise_id("The promise to cancel."),
            _p("reason", "What was agreed with the client.", metavar="TEXT", required=True),
            _p("series", "End a recurring promise's series: record no next occurrence.", flag=True),
        ),
    ),
    Command(
        "reopen",
        "promises:reopen",
        "Take back a delivery or release recorded in error (as a new event).",
        (_promise_id("The promise to reopen."),),
    ),
    Command(
        "inbound",
        "promises:inbound",
        "A client asked for something: record a reply promise due by the client's response terms.",
        (
            _arg("client", "The client who asked.", metavar="CLIENT", complete="clients"),
            _arg("title", "What they asked for.", metavar="TITLE"),
            _p("at", "When the request arrived (default: now).", **_WHEN),
            _TAGS,
            _NEW_CLIENT,
        ),
    ),  # fmt: skip
    Command(
        "ask",
        "asks:ask",
        "Record something a client owes you (a signed SOW, data, approval); --blocks pauses those promises' "
        "clocks until it is received.",
        (
            _arg("client", "The client who owes it.", metavar="CLIENT", complete="clients"),
            _arg("title", "What you asked for.", metavar="TITLE"),
            _p("by", "When you need it by: fri, tomorrow 12:00, 3d …", **_WHEN),
            _p(
                "blocks",
                "An open promise of the same client that waits on it (its clock pauses); repeat for several.",
                metavar="ID",
                type=ID,
                multiple=True,
                complete="promises",
            ),
            _NEW_CLIENT,
        ),
    ),  # fmt: skip
    Command(
        "received",
        "asks:received",
        "Record that the client sent what an ask asked for; the promises it blocked resume.",
        (
            _arg("ask", "The ask's id.", metavar="ASK", type=ID, complete="asks"),
            _p("at", "When it came (default: now).", **_WHEN),
        ),
    ),  # fmt: skip
    Command(
        "edit",
        "corrections:edit",
        "Correct a promise's title, client, criteria, kind or tags (an edited event; never its dates).",
        (
            _promise_id("The promise to correct."),
            _p("title", "The right title.", metavar="TEXT"),
            _p("to", "The right client.", **_CLIENT_OPTION),
            _p("criteria", 'The right acceptance criteria ("" clears them).', metavar="TEXT"),
            _p("kind", "The right kind.", metavar="KIND", choices=KINDS),
            _p("tag", "Add a tag; repeat for several.", metavar="TAG", multiple=True),
            _p("untag", "Remove a tag; repeat for several.", metavar="TAG", multiple=True),
            _NEW_CLIENT,
        ),
    ),  # fmt: skip
    Command(
        "note",
        "corrections:note",
        "Add a note to a promise's history.",
        (_promise_id("The promise."), _arg("text", "The note.", metavar="TEXT")),
    ),
    Command(
        "brief",
        "reporting:brief",
        "A ready-to-paste status update (Markdown) for one client; --sent records that it went out.",
        (
            _arg("client", "The client to brief.", metavar="CLIENT", complete="clients"),
            _p("since", "Cover changes since WHEN (default: the last update sent).", **_WHEN),
            _p("sent", "Record that this update was sent to the client.", flag=True),
        ),
    ),  # fmt: skip
    Command(
        "feedback",
        "clients:feedback",
        "Record a client's 0-10 would-refer score (for the NPS in reports).",
        (
            _arg("client", "The client.", metavar="CLIENT", complete="clients"),
            _arg("score", "How likely they are to refer you, 0 to 10.", metavar="SCORE"),
            _p("note", "What they said.", metavar="TEXT"),
        ),
    ),
    Command(
        "list",
        "views:list_promises",
        "Promises, soonest due first (those not yet delivered or released, unless --all).",
        (
            _p("client", "Only this client's promises.", **_CLIENT_OPTION),
            _p(
                "status",
                "Only promises with this outcome; waiting or received lists asks instead.",
                metavar="STATUS",
                choices=(*OUTCOMES, *ASK_STATES),
            ),
            _p("all_", "Include delivered and released promises.", flag=True),
            _p(
                "tag",
                "Only promises with this tag; repeat for those with all of several.",
                metavar="TAG",
                multiple=True,
            ),
            _p("kind", "Only promises of this kind.", metavar="KIND", choices=KINDS),
            _p(
                "due_before",
                "Only promises due at or before WHEN (fri, eow, 2026-12-03 …): open ones, or with --all or "
                "--status those.",
                **_WHEN,
            ),
            _p(
                "limit",
                "At most N promises (how many more is said on stderr); all of them by default.",
                metavar="N",
                type=COUNT,
            ),  # fmt: skip
        ),
    ),  # fmt: skip
    Command(
        "due",
        "views:due",
        "The daily view: overdue, at risk and due-soon promises, and updates owed. Exit status 1 when something "
        "is overdue.",
        (
            _p("within", "How far ahead to look: 4h, 2d, 1bd, 1w.", metavar="DURATION", default="2d"),
            _p("count", "One short line for a shell prompt.", flag=True),
            _p("client", "Only this client's promises and owed update.", **_CLIENT_OPTION),
            _p("limit", "At most N rows per section, then how many more.", metavar="N", default=20, type=COUNT),
            _p("all_", "Every row of every section.", flag=True),
        ),
    ),  # fmt: skip
    Command(
        "show",
        "views:show",
        "A promise, or an ask, with its full event history.",
        (_promise_id("The promise or ask."),),
    ),
    Command(
        "search",
        "search:search",
        "Promises whose title, criteria, notes or reasons hold every word of TEXT, open ones first.\n\n"
        "Case does not matter, accents do. A word finds the words it begins (prop finds Proposal); "
        '"a quoted phrase" finds those whole words together, in that order. Undone notes and promises are '
        "not found. --json adds where each promise matched: title, criteria, note, reason.",
        (
            _arg("text", "The words to look for (one argument or several).", metavar="TEXT", multiple=True),
            _p("limit", "How many promises to show at most.", metavar="N", default=20, type=COUNT),
        ),
    ),
    Command(
        "log",
        "views:log",
        "The journal of every change, newest first.",
        (
            _p("limit", "How many events to show.", metavar="N", default=20, type=COUNT),
            _p(
                "client",
                "Only this client's events: its promises' and its own (terms, feedback, updates).",
                **_CLIENT_OPTION,
            ),
            _p(
                "since",
                "Only events recorded at or after WHEN: a day counts from its start (yesterday, mon, 2026-11-01), "
                "a time from then (2 days ago, yesterday 16:00).",
                **_WHEN,
            ),
        ),
    ),
    Command(
        "undo",
        "promises:undo",
        "Void every event of the last command (they stay in the journal, marked undone) and say what they were. "
        "On a shared ledger, your own last command.",
        (_p("any_", "On a shared ledger, undo the last command of anyone, not only yours.", flag=True),),
    ),
    Command(
        "report",
        "reporting:report",
        "Kept versus broken: totals, rates, a scorecard per client, broken promises, renegotiations, trend.",
        (
            _p("week", "This calendar week (the default).", flag=True),
            _p("last_week", "The calendar week before this one.", flag=True),
            _p("month", "This calendar month.", flag=True),
            _p("last_month", "The calendar month before this one.", flag=True),
            _p("since", "Start of a custom period (a whole day counts from its start).", **_WHEN),
            _p(
                "until",
                "End of a custom period (a whole day counts to its end; a weekday is the first on or after --since; default now).",
                **_WHEN,
            ),
            _p("client", "Only this client.", **_CLIENT_OPTION),
            _p(
                "for_client",
                "The version to send the --client: no promise ids, NPS, update cadence or other clients.",
                flag=True,
            ),
            _p("format_", "How to write the report.", metavar="FORMAT", default="table", choices=REPORT_FORMATS),
        ),
    ),  # fmt: skip
    Command(
        "export",
        "transfer:export",
        "Write the ledger out: the whole of it as JSON, promises as CSV, open promises as iCalendar.",
        (
            _p(
                "format_",
                "json (the whole ledger), csv (promises) or ics (open promises for a calendar).",
                metavar="FORMAT",
                default="json",
                choices=EXPORT_FORMATS,
            ),
            _p(
                "output",
                "Write to FILE instead of standard output (atomically; never over the ledger).",
                flags=("--output", "-o"),
                metavar="FILE",
                complete="files",
            ),
            _p("force", "Replace FILE if it exists.", flag=True),
        ),
    ),  # fmt: skip
    Command(
        "import",
        "transfer:import_",
        "Bring promises in from an expect export, a CSV file, Taskwarrior's `task export` or an iCalendar file"
        " (all or nothing).",
        (
            _arg("file", "The file to import (- for standard input).", metavar="FILE", complete="files"),
            _p(
                "from_", "The file's format (default: guessed from the file).", metavar="FORMAT", choices=IMPORT_FORMATS
            ),
            _p("dry_run", "Check and count, but write nothing.", flag=True),
            _p(
                "client",
                "Client for rows that name none (Taskwarrior tasks without a project).",
                default="unassigned",
                **_CLIENT_OPTION,
            ),
            _p(
                "date_order",
                "How slashed dates in a CSV read (default: the config's date_order).",
                metavar="ORDER",
                choices=DATE_ORDERS,
            ),
            _p(
                "skip_bad",
                "Import the good rows; write the refused ones, with their reasons, to REJECTS (a new file).",
                metavar="REJECTS",
                complete="files",
            ),
        ),
    ),  # fmt: skip
    Command(
        "client add",
        "clients:add",
        "Add a client (clients are also created on first use).",
        (
            _arg("handle", "A short handle, e.g. acme.", metavar="CLIENT"),
            _p("name", "The client's full name.", metavar="TEXT"),
        ),
    ),
    Command("client list", "clients:list_clients", "Clients with their active and settled promises."),
    Command(
        "client show",
        "clients:show",
        "One client: outcomes so far and promises still active.",
        (_arg("handle", "The client's handle.", metavar="CLIENT", complete="clients"),),
    ),
    Command(
        "client terms",
        "clients:terms",
        "Show a client's terms, or set them (a client is created on first use).",
        (
            _arg("handle", "The client's handle.", metavar="CLIENT", complete="clients"),
            _p(
                "respond_within",
                "Response window for inbound requests: 4h, 1bd (working time), 2d.",
                metavar="DURATION",
            ),
            _p(
                "update_every", "How often the client expects a status update: 1w, 2w, 3d, or none.", metavar="DURATION"
            ),
            _p("hours", "The client's working hours, e.g. 09:00-17:00.", metavar="HH:MM-HH:MM"),
            _p("zone", "The client's time zone, e.g. Europe/Berlin.", flags=("--timezone",), metavar="ZONE"),
            _p(
                "holidays",
                "The client's public holidays, which its business days skip: a country code with an optional "
                "region (DE, US, GB, DE-BY), or none.",
                metavar="COUNTRY",
            ),
            _p(
                "notice",
                "How much notice the client expects before a date moves: 1bd (the default), 4h (working time), 2d.",
                metavar="DURATION",
            ),
        ),
    ),  # fmt: skip
    Command(
        "client rename",
        "clients:rename",
        "Give a client a new handle (an event; its promises, reports and history follow).",
        (
            _arg("old", "The client's handle now.", metavar="OLD", complete="clients"),
            _arg("new", "Its new handle.", metavar="NEW"),
            _NEW_CLIENT,
        ),
    ),
    Command(
        "client merge",
        "clients:merge",
        "Merge a client into another (an event): its promises move; its handle is then refused for new ones.",
        (
            _arg("source", "The client to merge away (a duplicate or a typo).", metavar="FROM", complete="clients"),
            _arg("target", "The client it is merged into.", metavar="INTO", complete="clients"),
        ),
    ),
    Command(
        "db init",
        "db:init",
        "Create a ledger at a file path or a database URL (only the default ledger is created on first use).",
        (
            _arg(
                "location",
                "The new ledger's file, or a database URL (PostgreSQL: an empty database or schema).",
                metavar="PATH-OR-URL",
                complete="files",
            ),
        ),
    ),  # fmt: skip
    Command("db path", "db:path", "Print where the ledger is (a file path, or the URL with its password hidden)."),
    Command(
        "db check",
        "db:check",
        "Check the ledger: database integrity, foreign keys, and that every promise's state matches its "
        "journal. Exit status 1 when anything is wrong.",
    ),  # fmt: skip
    Command(
        "db backup",
        "db:backup",
        "A consistent copy of a SQLite ledger, taken online (safe while others write).",
        (
            _arg(
                "file",
                "Where to write the copy (default: a dated file beside the ledger).",
                metavar="FILE",
                required=False,
                complete="files",
            ),
        ),
    ),  # fmt: skip
    Command(
        "db migrate",
        "db:migrate",
        "Upgrade the ledger's schema to this version of expect (commands also do it on first use).",
    ),
)

GROUPS = {
    "": "An expectation ledger: record promises to clients, move deadlines openly, score kept versus broken.",
    "client": "Clients and their terms.",
    "db": "Where the ledger is and its upkeep.",
}

BY_PATH = {command.path: command for command in COMMANDS}


# -- turning what was typed into what a command receives ------------------------------------


def bind(command: Command, given: dict) -> dict:
    """The keyword arguments of the command's function: every parameter's value converted
    by its type, or its default when not given. `given` holds text as typed (a list of
    texts for a repeated option or argument, True for a flag)."""
    values = {}
    for param in command.params:
        raw = given.get(param.name)
        if raw is None or (param.multiple and not raw):
            values[param.name] = [] if param.multiple else param.default
        elif param.multiple:
            values[param.name] = [convert(param, item) for item in raw]
        else:
            values[param.name] = convert(param, raw)
    return values


def convert(param: Param, raw):
    if param.flag:
        return bool(raw)
    if param.type == ID:
        return promise_id(raw)
    if param.type == COUNT:
        return _count(raw, param)
    if param.type == CHOICE:
        cleaned = raw.strip().lower()
        if cleaned not in param.choices:
            quoted = repr(raw if len(raw) <= 40 else raw[:40] + "…")
            what = param.metavar.lower()
            raise BadInput(f"unknown {what} {quoted}; use one of {', '.join(param.choices)}")
        return cleaned
    return raw


def promise_id(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or not cleaned.isascii() or not 0 < int(cleaned) < 2**53:
        raise BadInput(f"{text[:20]!r} is not a promise id; ids are numbers like 12 (see `expect list`)")
    return int(cleaned)


def _count(text: str, param: Param) -> int:
    cleaned = text.strip()
    if not cleaned.isdigit() or not cleaned.isascii() or not 1 <= int(cleaned) <= MAX_COUNT:
        raise BadInput(f"{param.flags[0]} takes a whole number from 1 to {MAX_COUNT:,}, not {text[:20]!r}")
    return int(cleaned)


def run(command: Command, env, given: dict):
    """Run `command` with what was typed; its exit status (None for 0)."""
    from importlib import import_module

    module, function = command.target.split(":")
    env.command = command.name
    if command.path != ("due",):  # any other command may write: a prompt's cached count is then stale
        from expectcli import promptcache

        promptcache.forget()
    try:
        return getattr(import_module(f"expectcli.commands.{module}"), function)(env, **bind(command, given))
    finally:
        env.finish_output()  # what a terminal's screen held, or the pager's end

"""Moving data in and out: export and import."""

from __future__ import annotations

import sys

from expectcli.commands.env import Env
from expectcli.errors import BadInput


def export(env: Env, format_: str, output: str | None) -> None:
    from expectcli.core import exporting

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


def import_(env: Env, file: str, from_: str | None, dry_run: bool, client: str) -> None:
    from expectcli.core import importing
    from expectcli.views.progress import progress

    text = read_input(file)
    kind = from_ or importing.guess_format(file, text)
    if kind not in importing.FORMATS:
        raise BadInput(f"unknown format {kind!r}; use one of {', '.join(importing.FORMATS)}")
    ledger = env.ledger()
    with progress("Importing", shown=not env.json and sys.stderr.isatty()) as advance:
        result = importing.run(ledger, kind, text, env.settings, dry_run, client, advance)
    if env.json:
        env.emit({"added": result.added, "skipped": result.skipped, "ignored": result.ignored, "dry_run": dry_run,
                  "rejected": [{"line": line, "error": why} for line, why in result.rejected]})  # fmt: skip
    if result.rejected:
        from expectcli.core.textsafe import printable

        place = "task" if kind == "taskwarrior" else "line" if kind == "csv" else "promise"
        for line, why in result.rejected[:50]:
            sys.stderr.write(f"expect: {place} {line}: {printable(why)}\n")
        more = len(result.rejected) - 50
        raise BadInput(
            f"{len(result.rejected)} rejected{f' ({more} not shown)' if more > 0 else ''}; nothing was imported"
        )
    if not env.json:
        verb = "Would add" if dry_run else "Added"
        ignored = f", {result.ignored} left out (no due date)" if result.ignored else ""
        tail = "; nothing written (dry run)" if dry_run else ""
        env.say(f"{verb} {result.added} promises, skipped {result.skipped} already in the ledger{ignored}{tail}.")


def read_input(file: str) -> str:
    try:
        if file == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as opened:
                raw = opened.read()
    except OSError as exc:
        raise BadInput(f"cannot read {file}: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{file} is not UTF-8 text") from None

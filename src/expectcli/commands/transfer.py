"""Moving data in and out: export and import."""

from __future__ import annotations

import sys

from expectcli.commands.env import Env
from expectcli.errors import BadInput


def export(env: Env, format_: str, output: str | None, force: bool) -> None:
    from expectcli.core import exporting

    if env.json and format_ != "json":
        raise BadInput(f"--json writes JSON; leave out --json to export {format_}")
    target = _export_target(env, output, force) if output is not None else None
    ledger = env.ledger()
    if format_ == "json":
        data = exporting.to_json(ledger, env.settings).encode()
    elif format_ == "csv":
        data = exporting.to_csv(ledger, env.settings).encode()
    else:
        data = exporting.to_ics(ledger, env.settings)
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    _write_new(target, data, force)
    if env.json:
        env.emit({"exported": output, "format": format_, "bytes": len(data)})
    else:
        sys.stderr.write(f"Exported to {output}\n")


def _export_target(env: Env, output: str, force: bool):
    """Where `export -o` may write: refused when it names the ledger itself (or one of its
    -wal/-shm/-journal files), a folder, or, without --force, any file already there."""
    import os
    from pathlib import Path

    from expectcli.storage.store import sqlite_path

    target = Path(output).expanduser()
    if not output.strip():
        raise BadInput("give a file name to export to (-o FILE)")
    if target.is_dir():
        raise BadInput(f"{output} is a folder; give a file name to export to")
    ledger = sqlite_path(env.location)
    if ledger is not None:
        guarded = [Path(f"{ledger}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
        for file in guarded:
            same = os.path.abspath(file) == os.path.abspath(target)
            try:
                same = same or os.path.samefile(file, target)
            except OSError:
                pass
            if same:
                raise BadInput(f"{output} is the ledger itself; export to another file")
    if not target.parent.is_dir():
        raise BadInput(f"no folder {target.parent}; create it first or export elsewhere")
    if _is_stream(target):  # a device or a pipe (/dev/stdout, a FIFO) is written to, never replaced
        return target
    if os.path.lexists(target) and not force:
        raise BadInput(f"{output} already exists; add --force to replace it")
    return target


def _is_stream(target) -> bool:
    """Whether `target` (followed through links) is something other than a file or a folder."""
    import os
    import stat

    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_new(target, data: bytes, force: bool) -> None:
    """Write `data` to a temporary file beside `target`, then move it into place: a reader
    never sees half a file, and a failed write leaves any file there as it was. Without
    `force` the final step refuses to replace a file that appeared meanwhile."""
    import os
    import tempfile

    if _is_stream(target):
        try:
            with open(target, "wb") as stream:
                stream.write(data)
        except OSError as exc:
            raise BadInput(f"cannot write {target}: {exc.strerror}") from None
        return
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)  # fails if a file appeared since the check
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system: check, then move
                if os.path.lexists(target):
                    raise FileExistsError from None
                os.replace(temporary, target)
            else:
                os.unlink(temporary)
    except FileExistsError:
        os.unlink(temporary)
        raise BadInput(f"{target} already exists; add --force to replace it") from None
    except OSError as exc:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise BadInput(f"cannot write {target}: {exc.strerror}") from None


def import_(env: Env, file: str, from_: str | None, dry_run: bool, client: str, date_order: str | None = None,
            skip_bad: str | None = None) -> None:  # fmt: skip
    from expectcli.core import importing
    from expectcli.views.progress import progress

    rejects_target = _export_target(env, skip_bad, force=False) if skip_bad is not None else None
    text = read_input(file)
    kind = from_ or importing.guess_format(file, text)
    if kind not in importing.FORMATS:
        raise BadInput(f"unknown format {kind!r}; use one of {', '.join(importing.FORMATS)}")
    ledger = env.ledger()
    with progress("Importing", shown=not env.json and sys.stderr.isatty()) as advance:
        result, parsed = importing.run(ledger, kind, text, env.settings, dry_run, client, advance,
                                       date_order=date_order.upper() if date_order else None,
                                       skip_bad=rejects_target is not None)  # fmt: skip
    from expectcli.core.textsafe import printable

    for warning in result.warnings[:50]:
        sys.stderr.write(f"expect: {printable(warning)}\n")
    if len(result.warnings) > 50:
        sys.stderr.write(f"expect: and {len(result.warnings) - 50} more warnings\n")
    written = result.rejected and rejects_target is not None and not dry_run
    if written:
        _write_new(rejects_target, importing.rejects(kind, parsed), force=False)
    if env.json:
        env.emit({"added": result.added, "updated": result.updated, "skipped": result.skipped,
                  "asks_added": result.asks_added, "asks_skipped": result.asks_skipped,
                  "ignored": result.ignored, "dry_run": dry_run,
                  "rejected": [{"line": line, "error": why} for line, why in result.rejected],
                  "rejects_file": skip_bad if written else None})  # fmt: skip
    place = "task" if kind == "taskwarrior" else "line" if kind == "csv" else "item" if kind == "ics" else "promise"
    if result.rejected and rejects_target is None:
        for line, why in result.rejected[:50]:
            sys.stderr.write(f"expect: {place} {line}: {printable(why)}\n")
        more = len(result.rejected) - 50
        raise BadInput(
            f"{len(result.rejected)} rejected{f' ({more} not shown)' if more > 0 else ''}; nothing was imported"
        )
    if not env.json:
        verb = "Would add" if dry_run else "Added"
        updated = f", updated {result.updated}" if result.updated else ""
        ignored = f", {result.ignored} left out (no due date)" if result.ignored else ""
        tail = "; nothing written (dry run)" if dry_run else ""
        asks = f" and {_count(result.asks_added, 'ask')}" if result.asks_added or result.asks_skipped else ""
        skipped = result.skipped + result.asks_skipped
        env.say(
            f"{verb} {_count(result.added, 'promise')}{asks}{updated}, skipped {skipped} already in the ledger"
            f"{ignored}{tail}."
        )
        if result.rejected:
            where = f"written with their reasons to {skip_bad}" if written else "not written (dry run)"
            sys.stderr.write(f"expect: {len(result.rejected)} rejected, {where}\n")


def read_input(file: str) -> str:
    """The text of FILE (- for standard input): UTF-8, or UTF-16 with its byte-order mark
    (as spreadsheets save "Unicode text"); a UTF-8 byte-order mark is dropped."""
    try:
        if file == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(file, "rb") as opened:
                raw = opened.read()
    except OSError as exc:
        raise BadInput(f"cannot read {file}: {exc.strerror}") from None
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{file} is not {'UTF-16' if encoding == 'utf-16' else 'UTF-8'} text (byte {exc.start})"
        ) from None


def _count(n: int, noun: str) -> str:
    """'1 promise', '2 promises'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

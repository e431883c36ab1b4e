"""The program's edge: an error the user caused becomes one line on stderr and its exit
status; anything else is a bug, also one line unless debugging (`--debug`, EXPECT_DEBUG).

Exit statuses: 0 done, 1 a failed check (or output that could not be written), 2 bad
input, 130 interrupted (Ctrl-C), 70 a bug in expect. When the output cannot be written
(stdout closed with `>&-`, a full disk, `/dev/full`) after a write was committed, the write
stands: the line on stderr says so and the status is 0, so a script does not record it twice.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from contextlib import contextmanager

from expectcli.errors import ExpectError

# What a failing stdout raises: closed, full, gone, or broken underneath.
OUTPUT_ERRORS = {errno.EBADF, errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EINVAL}


def debugging(args: list[str]) -> bool:
    return "--debug" in args or bool(os.environ.get("EXPECT_DEBUG"))


class ClosedOutput(io.TextIOBase):
    """Stands for a stdout that was closed before the program started (`>&-`): every
    write fails as a closed file would, so the edge can say what became of the command."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def isatty(self) -> bool:
        return False


def guard_streams() -> None:
    """Called first: a standard stream closed by the caller (`>&-`) is reopened on
    /dev/null, so that no file opened later (the ledger!) gets its number and receives
    what is meant for the terminal; a closed stdout is remembered as closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)  # the lowest free number: `fd` itself
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd == 1:
                sys.stdout = ClosedOutput()
            elif fd == 2:
                sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run


def writes_committed() -> int:
    """How many write transactions this process committed (none if no ledger was opened)."""
    store = sys.modules.get("expectcli.storage.store")
    return store.writes_committed() if store is not None else 0


def output_failed(exc: OSError) -> int:
    """Say (on stderr) that the output could not be written, and whether a write stands;
    the exit status to use. stdout is then pointed at /dev/null, so that nothing fails again
    on the way out."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the rest of the run
    reason = "stdout is closed" if exc.errno == errno.EBADF else f"stdout: {exc.strerror or exc}"
    if writes_committed():
        _say(f"the change was recorded and stands; only its output was lost ({reason})")
        return 0
    _say(f"cannot write the output ({reason})")
    return 1


def is_output_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in OUTPUT_ERRORS and exc.filename is None


@contextmanager
def reporting(debug: bool):
    """Run a command, turning what escapes it into one line on stderr and an exit status."""
    try:
        try:
            yield
        except SystemExit:
            sys.stdout.flush()  # buffered output fails here when stdout is full
            raise
        else:
            sys.stdout.flush()
    except ExpectError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _say("")
        if writes_committed():
            fail("interrupted; what was recorded before stands", 130)
        fail("interrupted; nothing was written", 130)
    except BrokenPipeError as exc:  # the reader went away (`expect list | head`)
        status = output_failed(exc) if writes_committed() else 1
        sys.exit(status)
    except OSError as exc:
        if not is_output_error(exc):
            if debug:
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 70)
        sys.exit(output_failed(exc))
    except Exception as exc:
        if debug:
            raise
        fail(f"internal error: {type(exc).__name__}: {_first_line(exc)} (run with --debug for the traceback)", 70)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def _say(line: str) -> None:
    try:
        sys.stderr.write(f"expect: {line}\n" if line else "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def fail(message: str, status: int) -> None:
    from expectcli.core.textsafe import printable

    line = " ".join(printable(message).split())
    _say(line)
    sys.exit(status)

"""The program's edge: an error the user caused becomes one line on stderr and its exit
status; anything else is a bug, also one line unless debugging (`--debug`, EXPECT_DEBUG)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from expectcli.errors import ExpectError


def debugging(args: list[str]) -> bool:
    return "--debug" in args or bool(os.environ.get("EXPECT_DEBUG"))


@contextmanager
def reporting(debug: bool):
    """Run a command, turning what escapes it into one line on stderr and an exit status."""
    try:
        yield
    except ExpectError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        fail("aborted", 1)
    except BrokenPipeError:  # the reader went away (`expect list | head`): say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 70)


def fail(message: str, status: int) -> None:
    from expectcli.core.textsafe import printable

    line = " ".join(printable(message).split())
    sys.stderr.write(f"expect: {line}\n")
    sys.exit(status)

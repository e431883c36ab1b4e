"""The one exception type for errors the user caused.

The command-line edge turns an `ExpectError` into one line on stderr and its exit status;
anything else escaping is a bug.
"""


class ExpectError(Exception):
    """An error the user can fix; `exit_code` is the process exit status."""

    exit_code = 1


class BadInput(ExpectError):
    """Input that cannot be accepted (unparseable, out of range, unknown id): exit 2."""

    exit_code = 2

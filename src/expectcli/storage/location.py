"""What a `--db`/`EXPECT_DB` text names: a SQLite file, or a database server's URL.

Every SQLite form — a plain path, `sqlite:///PATH`, `sqlite+pysqlite:///PATH`, `file:PATH` —
becomes the one file path the `sqlite3` road opens, so each gets the same pragmas and file
modes. In-memory databases are refused (a ledger that vanishes at exit loses what was
recorded), and so is a text that looks like a mistyped URL: left to be a path, it would name
a file or a folder after the password in it. Nothing here may show a password: `mask`
hides it in any text, URL or not.

This module runs before every prompt (`due --count`): it imports nothing but `os`.
"""

from __future__ import annotations

import os

from expectcli.errors import BadInput

SERVER_HINT = "a server's URL looks like postgresql+psycopg://USER@HOST:PORT/DATABASE"
_DATABASE_SCHEMES = ("sqlite", "postgres", "mysql", "mariadb", "oracle", "mssql", "cockroach")


def mask(text: str) -> str:
    """`text` with whatever may be a password replaced by `***`: the part between the user
    name's `:` and the last `@` of a URL (or of anything shaped like one), and the value of
    a `password=` query parameter."""
    head, question, query = text.partition("?")
    at = head.rfind("@")
    if at >= 0:
        if "://" in head:
            start = head.index("://") + 3
        else:  # `scheme:/user:password@…` (a slash short), or `user:password@…` (no scheme)
            scheme = _scheme(head)
            start = len(scheme) + 1 if scheme and head[len(scheme) + 1 : len(scheme) + 2] == "/" else 0
            while start < at and head[start] == "/":
                start += 1
        colon = head.find(":", start, at)
        if colon >= 0:
            head = head[: colon + 1] + "***" + head[at:]
    if question:
        parts = []
        for item in query.split("&"):
            name, equals, _ = item.partition("=")
            parts.append(f"{name}=***" if equals and "password" in name.lower() else item)
        query = "&".join(parts)
    return head + question + query


def _scheme(text: str) -> str:
    """The `scheme` of `scheme:…` when `text` starts like a URL (letters, then letters,
    digits, `+`, `-` or `.`, then `:`), else ''."""
    colon = text.find(":")
    if colon < 2:  # no scheme, or a one-letter drive name
        return ""
    scheme = text[:colon]
    if not scheme[0].isascii() or not scheme[0].isalpha():
        return ""
    if all(ch.isascii() and (ch.isalnum() or ch in "+-.") for ch in scheme):
        return scheme
    return ""


def classify(text: str) -> tuple[str, str]:
    """("file", PATH) for a SQLite ledger, ("server", URL) for any other database URL.
    Refuses (BadInput) in-memory databases and malformed URLs, showing them masked."""
    if text.strip() in (":memory:", "") or text.startswith("file::memory:"):
        raise _in_memory(text)
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme.lower().partition("+")[0] == "sqlite":
            return "file", _sqlite_url_path(text, rest)
        if not _scheme(scheme + ":"):
            raise BadInput(f"not a valid ledger URL: {mask(text)} ({SERVER_HINT})")
        head = rest.partition("?")[0]
        if head.count("@") > 1:
            raise BadInput(
                f"not a valid ledger URL: {mask(text)} (more than one @: write an @ in the user name or password "
                "as %40)"
            )
        return "server", text
    if text.startswith("file:"):
        return "file", _file_uri_path(text)
    scheme = _scheme(text)
    after = text[len(scheme) + 1 :] if scheme else ""
    if scheme and (after.startswith("/") or "@" in after or scheme.lower().startswith(_DATABASE_SCHEMES)):
        raise BadInput(f"not a valid ledger URL: {mask(text)} ({SERVER_HINT}, a file's sqlite:///PATH)")
    if "@" in text and ":" in text[: text.rfind("@")]:
        # `user:password@host` without a scheme: a mistyped URL, never a file or folder name
        raise BadInput(f"not a valid ledger path or URL: {mask(text)} ({SERVER_HINT})")
    return "file", os.path.expanduser(text)


def _sqlite_url_path(text: str, rest: str) -> str:
    """The file of `sqlite:///PATH` (PATH relative) or `sqlite:////PATH` (absolute)."""
    path, question, query = rest.partition("?")
    if "mode=memory" in query or path in ("", "/", "/:memory:"):
        raise _in_memory(text)
    if not path.startswith("/"):
        raise BadInput(f"not a valid SQLite URL: {mask(text)} (a SQLite file's URL is sqlite:///PATH)")
    if question:
        raise BadInput(f"options in a SQLite URL are not supported: {mask(text)}; give the file as sqlite:///PATH")
    return os.path.expanduser(_unquote(path[1:]))


def _file_uri_path(text: str) -> str:
    """The file of a SQLite URI `file:PATH` / `file:///PATH`."""
    path, question, query = text[len("file:") :].partition("?")
    if "mode=memory" in query or path in ("", ":memory:"):
        raise _in_memory(text)
    if question:
        raise BadInput(f"options in a file: URI are not supported: {mask(text)}; give the file's path")
    if path.startswith("//"):  # file://HOST/PATH: only this machine
        host, slash, local = path[2:].partition("/")
        if host not in ("", "localhost"):
            raise BadInput(f"not a file on this machine: {mask(text)}")
        path = slash + local
    return os.path.expanduser(_unquote(path))


def _unquote(path: str) -> str:
    if "%" not in path:
        return path
    from urllib.parse import unquote

    return unquote(path)


def _in_memory(text: str) -> BadInput:
    return BadInput(
        f"{mask(text) or 'an empty name'} is an in-memory database: everything recorded would be lost at exit; "
        "give a ledger file's path"
    )

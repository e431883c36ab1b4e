"""Where the ledger lives and how we talk to it.

SQLite (the default) goes through the standard library's `sqlite3`, which imports in a few
milliseconds and gives exact control of transactions: WAL journal, a busy timeout, write
transactions begun IMMEDIATE so that concurrent writers queue instead of failing, and reads
that never block on writers. Any other SQLAlchemy URL (PostgreSQL for a shared ledger) goes
through SQLAlchemy. Both speak the same SQL with `:name` parameters.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from .errors import ExpectError

if TYPE_CHECKING:
    from pathlib import Path

BUSY_TIMEOUT_MS = 30_000


def default_ledger_path() -> Path:
    from pathlib import Path

    import platformdirs

    return Path(platformdirs.user_data_dir("expect", appauthor=False)) / "ledger.db"


def resolve_location(db: str | None) -> str:
    """The ledger to use: `--db`, else `EXPECT_DB`, else the default SQLite file."""
    location = db or os.environ.get("EXPECT_DB") or str(default_ledger_path())
    return location


def sqlite_path(location: str) -> Path | None:
    """The file path if `location` names a SQLite ledger, else None."""
    from pathlib import Path

    file = sqlite_file(location)
    return None if file is None else Path(file)


def sqlite_file(location: str) -> str | None:
    """`sqlite_path` as a plain string: what opening a ledger needs, without importing
    pathlib (with what it imports, several milliseconds of a prompt's `due --count`)."""
    if "://" not in location:
        return os.path.expanduser(location)
    if location.startswith("sqlite:///"):
        return os.path.expanduser(location[len("sqlite:///") :])
    return None


def describe(location: str) -> str:
    """The location as it may be shown: a path, or a URL with any password hidden."""
    path = sqlite_path(location)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(location).render_as_string(hide_password=True)


class Store:
    """A connection to a ledger with explicit read and write transactions."""

    dialect: str

    def read(self):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: str):
        self.path = path
        _create_private_file(path)
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise ExpectError(f"{path} is not a usable expect ledger: {exc}") from None

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        with self._transaction("BEGIN") as tx:
            yield tx

    @contextmanager
    def write(self) -> Iterator["Tx"]:
        with self._transaction("BEGIN IMMEDIATE") as tx:
            yield tx

    @contextmanager
    def _transaction(self, begin: str) -> Iterator["Tx"]:
        try:
            self.conn.execute(begin)
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(self.path, exc) from None
        try:
            yield Tx(self.conn.execute, self.dialect)
        except BaseException:
            self.conn.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.conn.rollback()
            raise _sqlite_error(self.path, exc) from None

    def close(self) -> None:
        self.conn.close()


class SQLAlchemyStore(Store):
    def __init__(self, url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            self.engine = create_engine(url, pool_pre_ping=False)
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: {exc}") from None
        self.dialect = self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        with self._transaction() as tx:
            yield tx

    @contextmanager
    def write(self) -> Iterator["Tx"]:
        with self._transaction() as tx:
            if self.dialect == "postgresql":
                # One writer at a time, as BEGIN IMMEDIATE gives on SQLite: the journal is
                # short transactions, and serialising them keeps undo's "last event" exact.
                tx.execute("SELECT pg_advisory_xact_lock(7306541)")
            yield tx

    @contextmanager
    def _transaction(self) -> Iterator["Tx"]:
        from sqlalchemy import text
        from sqlalchemy.exc import OperationalError

        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise ExpectError(f"cannot reach the ledger: {str(exc.orig).strip().splitlines()[0]}") from None
        with conn, conn.begin():
            yield Tx(lambda sql, params=(): conn.execute(text(sql), params or {}), self.dialect)

    def close(self) -> None:
        self.engine.dispose()


class Tx:
    """One transaction: `execute(sql, params)` returns a cursor-like result."""

    def __init__(self, execute, dialect: str):
        self._execute = execute
        self.dialect = dialect

    def execute(self, sql: str, params: dict[str, Any] | None = None):
        return self._execute(sql, params or {})

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        return [tuple(row) for row in self.execute(sql, params).fetchall()]

    def one(self, sql: str, params: dict[str, Any] | None = None) -> tuple | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        row = self.one(sql, params)
        return row[0] if row is not None else None

    def insert(self, sql: str, params: dict[str, Any]) -> int:
        """Run an INSERT … and return the new row's id."""
        return int(self.scalar(sql + " RETURNING id", params))


def open_store(location: str) -> Store:
    path = sqlite_file(location)
    if path is not None:
        return SQLiteStore(path)
    return SQLAlchemyStore(location)


def _create_private_file(path: str) -> None:
    """Create the ledger file (and its folder) readable by its owner only."""
    if os.path.exists(path):
        return
    try:
        os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise ExpectError(f"cannot create the ledger {path}: {exc.strerror}") from None


def _sqlite_error(path: str, exc: sqlite3.OperationalError) -> ExpectError:
    message = str(exc)
    if "readonly" in message or "read-only" in message:
        return ExpectError(f"the ledger {path} is read-only; nothing was written")
    if "disk is full" in message or "disk I/O" in message:
        return ExpectError(f"cannot write the ledger {path}: {message}; nothing was written")
    if "locked" in message or "busy" in message:
        return ExpectError(f"the ledger {path} stayed locked by another process; nothing was written")
    return ExpectError(f"the ledger {path} failed: {message}")

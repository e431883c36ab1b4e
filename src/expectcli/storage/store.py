"""Where the ledger lives and how we talk to it.

SQLite (the default) goes through the standard library's `sqlite3`, which imports in a few
milliseconds and gives exact control of transactions: WAL journal, a busy timeout, write
transactions begun IMMEDIATE so that concurrent writers queue instead of failing, and reads
that never block on writers. Any other SQLAlchemy URL (PostgreSQL for a shared ledger) goes
through SQLAlchemy. Both speak the same SQL with `:name` parameters.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from expectcli.errors import ExpectError

if TYPE_CHECKING:
    from pathlib import Path

BUSY_TIMEOUT_MS = 30_000
SETUP_SQLSTATES = {"42501", "3F000"}  # PostgreSQL's insufficient_privilege, invalid_schema_name
POSTGRES_HINT = "; for PostgreSQL, pip install 'expectcli[postgres]' and use a postgresql+psycopg:// URL"


def default_ledger_path() -> str:
    from expectcli.paths import user_dir

    return os.path.join(user_dir("data"), "ledger.db")


def resolve_location(db: str | None) -> str:
    """The ledger to use: `--db`, else `EXPECT_DB`, else the default SQLite file."""
    return db or os.environ.get("EXPECT_DB") or default_ledger_path()


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
    try:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
    except ImportError:  # a broken install: the message still must not show a password
        return _hide_password(location)
    try:
        return make_url(location).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy can read: hide what may be a password
        return _hide_password(location)


def _hide_password(location: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", location)


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
            if isinstance(exc, sqlite3.OperationalError):  # read-only, full, I/O, locked
                raise _sqlite_error(path, exc) from None
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
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self.conn.rollback()
            if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                raise  # a bug in expect, not a state of the user's disk
            raise _sqlite_error(self.path, exc) from None  # read-only, disk full, I/O, corrupt
        except BaseException:
            self.conn.rollback()
            raise

    def close(self) -> None:
        self.conn.close()


class SQLAlchemyStore(Store):
    def __init__(self, url: str):
        self.url = url
        hint = POSTGRES_HINT if url.startswith("postgres") else ""
        try:
            from sqlalchemy import create_engine
            from sqlalchemy.exc import ArgumentError, NoSuchModuleError
        except ImportError:  # a declared dependency, so a broken install
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: SQLAlchemy is not installed{hint}") from None
        try:
            self.engine = create_engine(url, pool_pre_ping=False)
        except NoSuchModuleError:  # an unknown database or driver name in the URL
            scheme = url.split("://", 1)[0]
            message = f"cannot use the ledger URL {describe(url)}: no database driver for {scheme}{hint}"
            raise ExpectError(message) from None
        except ImportError as exc:  # a known driver that is not installed
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: {exc}{hint}") from None
        except ArgumentError as exc:
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: {exc}") from None
        self.dialect = self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        with self._transaction() as tx:
            if self.dialect == "postgresql":
                # One snapshot for every query of a read, as a SQLite read transaction gives.
                tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield tx

    @contextmanager
    def write(self) -> Iterator["Tx"]:
        with self._transaction() as tx:
            if self.dialect == "postgresql":
                # One writer at a time, as BEGIN IMMEDIATE gives on SQLite: the journal is
                # short transactions, and serialising them keeps undo's "last event" exact.
                # READ COMMITTED (whatever the server's default) so that, once it holds the
                # lock, a writer sees everything the writers before it committed.
                tx.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                tx.execute("SELECT pg_advisory_xact_lock(7306541)")
            yield tx

    @contextmanager
    def _transaction(self) -> Iterator["Tx"]:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError, OperationalError

        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise ExpectError(f"cannot reach the ledger {describe(self.url)}: {_first_line(exc.orig)}") from None
        try:
            with conn, conn.begin():
                yield Tx(lambda sql, params=(): conn.execute(text(sql), params or {}), self.dialect, conn)
        except DBAPIError as exc:
            # The server went away or stopped the transaction, or the database is not set up
            # for the ledger (no privilege, no such schema): the user's to fix. Others are bugs.
            if isinstance(exc, OperationalError) or getattr(exc.orig, "sqlstate", None) in SETUP_SQLSTATES:
                raise ExpectError(f"the ledger {describe(self.url)} failed: {_first_line(exc.orig)}") from None
            raise

    def close(self) -> None:
        self.engine.dispose()


class Tx:
    """One transaction: `execute(sql, params)` returns a cursor-like result.

    `connection` is the SQLAlchemy connection holding the transaction on the server path
    (what creating tables from the models needs); None on the sqlite3 path."""

    def __init__(self, execute, dialect: str, connection: Any = None):
        self._execute = execute
        self.dialect = dialect
        self.connection = connection
        self.command_id: int | None = None  # the `command` row this transaction's events belong to

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

    def sync_ids(self, table: str) -> None:
        """After rows were inserted with explicit ids, make the next generated id follow them
        (SQLite's AUTOINCREMENT does so by itself; a PostgreSQL identity does not)."""
        if self.dialect == "postgresql":
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}),"
                " false)"
            )


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


def _sqlite_error(path: str, exc: sqlite3.DatabaseError) -> ExpectError:
    message = str(exc)
    if "readonly" in message or "read-only" in message:
        return ExpectError(f"the ledger {path} is read-only; nothing was written")
    if "disk is full" in message or "disk I/O" in message:
        return ExpectError(f"cannot write the ledger {path}: {message}; nothing was written")
    if "locked" in message or "busy" in message:
        return ExpectError(f"the ledger {path} stayed locked by another process; nothing was written")
    return ExpectError(f"the ledger {path} failed: {message}")


def _first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def write_private(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` atomically, readable by its owner only."""
    from pathlib import Path

    target = Path(path).expanduser()
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExpectError(f"cannot write {target}: {exc.strerror}") from None


def backup(store: Store, file: str | None, now: int) -> Path:
    """Copy a SQLite ledger with SQLite's online backup API: a consistent snapshot, taken
    while other processes may be writing; the copy is created with mode 0600."""
    from pathlib import Path

    if not isinstance(store, SQLiteStore):
        raise ExpectError("db backup copies SQLite ledgers; back up a PostgreSQL ledger with pg_dump")
    if file is None:
        import time

        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
        ledger = Path(store.path)
        target = ledger.parent / "backups" / f"{ledger.stem}-{stamp}.db"
        target.parent.mkdir(mode=0o700, exist_ok=True)
    else:
        target = Path(file).expanduser()
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise ExpectError(f"{target} already exists; give another file name") from None
    except OSError as exc:
        raise ExpectError(f"cannot create {target}: {exc.strerror}") from None
    try:
        copy = sqlite3.connect(target)
        with copy:
            store.conn.backup(copy)
        copy.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise ExpectError(f"the backup failed: {exc}; nothing was kept") from None
    return target

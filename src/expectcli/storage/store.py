"""Where the ledger lives and how we talk to it.

SQLite (the default) goes through the standard library's `sqlite3`, which imports in a few
milliseconds and gives exact control of transactions: WAL journal, a busy timeout, write
transactions begun IMMEDIATE so that concurrent writers queue instead of failing, and reads
that never block on writers. Any other SQLAlchemy URL (PostgreSQL for a shared ledger) goes
through SQLAlchemy. Both speak the same SQL with `:name` parameters.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from expectcli.errors import BadInput, ExpectError
from expectcli.storage.location import classify, mask

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


def location_given(db: str | None) -> bool:
    """Whether the ledger was named (`--db`, EXPECT_DB): only the default one is created on
    first use; any other is created by `expect db init`."""
    return bool(db or os.environ.get("EXPECT_DB"))


def sqlite_path(location: str) -> Path | None:
    """The file path if `location` names a SQLite ledger, else None."""
    from pathlib import Path

    file = sqlite_file(location)
    return None if file is None else Path(file)


def sqlite_file(location: str) -> str | None:
    """`sqlite_path` as a plain string: what opening a ledger needs, without importing
    pathlib (with what it imports, several milliseconds of a prompt's `due --count`).
    None for a server's URL, and for a location refused anyway (in memory, malformed)."""
    try:
        kind, value = classify(location)
    except BadInput:
        return None
    return value if kind == "file" else None


def describe(location: str) -> str:
    """The location as it may be shown: a path, or a URL with any password hidden."""
    path = sqlite_file(location)
    return path if path is not None else mask(location)


class Store:
    """A connection to a ledger with explicit read and write transactions."""

    dialect: str
    #: the names in `expect_schema` found before the ledger was opened for writing (SQLite)
    schema_names: list[str] | None = None

    def read(self):
        raise NotImplementedError

    def write(self):
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


_commits = 0


def writes_committed() -> int:
    """How many write transactions this process committed (the edge tells a user whose
    output was lost that their write stands)."""
    return _commits


def _committed() -> None:
    global _commits
    _commits += 1


class SQLiteStore(Store):
    """A SQLite ledger file, through `sqlite3`.

    Before anything can change the file, it is looked at read-only (its header, then its
    tables through an immutable connection that creates no -wal or -shm): a missing or empty
    file is a ledger still to create (only with `create`), another program's database or a
    ledger of a newer `expect` is refused and left byte for byte as it was. A ledger this
    user cannot write (the file, or the folder its journal would go in) is opened read-only:
    every read works, every write is refused with one line."""

    dialect = "sqlite"

    def __init__(self, path: str, create: bool = False):
        self.path = path
        self.created: list[str] = []  # files and folders made here, newest last
        self.read_only = False
        self._conn: sqlite3.Connection | None = None
        self._wal = False
        self.state, self.schema_names = _probe(path)
        if self.state != "ledger" and not create:
            raise BadInput(f"no ledger at {path}; create one with `expect db init {path}`")
        if self.state == "missing":
            self.created = _create_private_file(path)
        elif not _writable(path):
            self.read_only = True

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open_read_only() if self.read_only else self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # A ledger runs in WAL mode; one copied from a backup (rollback journal) is
            # switched at its first write, so reading a backup leaves it as it was.
            self._wal = conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):  # read-only, full, I/O, locked
                raise _sqlite_error(self.path, exc) from None
            raise BadInput(f"{self.path} is not a usable expect ledger: {exc}; it was left untouched") from None
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """Read-only: through the ledger's write-ahead log when one is in use (and its -shm
        is there to share), else as an immutable file, which needs no -shm at all."""
        wal, shm = self.path + "-wal", self.path + "-shm"
        modes = ["mode=ro", "immutable=1"] if _size(wal) > 0 and os.path.exists(shm) else ["immutable=1"]
        for mode in modes:
            try:
                conn = sqlite3.connect(_uri(self.path, mode), uri=True, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_MS / 1000)  # fmt: skip
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.DatabaseError as exc:
                error = exc
        raise _sqlite_error(self.path, error)

    @contextmanager
    def read(self) -> Iterator["Tx"]:
        with self._transaction("BEGIN") as tx:
            yield tx

    @contextmanager
    def write(self) -> Iterator["Tx"]:
        if self.read_only:
            raise BadInput(f"the ledger {self.path} is read-only (the file or its folder cannot be written); "
                           "nothing was written")  # fmt: skip
        conn = self.conn
        if not self._wal:
            try:
                self._wal = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
            except sqlite3.OperationalError as exc:
                raise _sqlite_error(self.path, exc) from None
        with self._transaction("BEGIN IMMEDIATE") as tx:
            yield tx
        _committed()

    @contextmanager
    def _transaction(self, begin: str) -> Iterator["Tx"]:
        conn = self.conn
        try:
            conn.execute(begin)
        except sqlite3.OperationalError as exc:
            raise _sqlite_error(self.path, exc) from None
        try:
            yield Tx(conn.execute, self.dialect)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.rollback()
            if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                raise  # a bug in expect, not a state of the user's disk
            raise _sqlite_error(self.path, exc) from None  # read-only, disk full, I/O, corrupt
        except BaseException:
            conn.rollback()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _uri(path: str, mode: str) -> str:
    """A SQLite URI naming `path` (absolute, with the characters URIs reserve escaped)."""
    quoted = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file://{quoted}?{mode}"


def _probe(path: str) -> tuple[str, list[str] | None]:
    """What is at `path`, looked at without changing it: ("missing", None), ("empty", None)
    for an empty file or a SQLite database without tables, ("ledger", the names in its
    `expect_schema`). Anything else is refused, untouched."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing", None
    except OSError as exc:
        raise ExpectError(f"cannot read the ledger {path}: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInput(f"{path} is a folder, not a ledger; give the ledger file's path")
    if info.st_size == 0:
        return "empty", None
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as exc:
        raise ExpectError(f"cannot read the ledger {path}: {exc.strerror}") from None
    if not header.startswith(b"SQLite format 3\x00"):
        raise BadInput(f"{path} is not an expect ledger (not a SQLite database); it was left untouched")
    tables, names = _look(path)
    if names is None and _size(path + "-wal") > 0:  # a ledger still being set up, in its log
        tables, names = _tables(path, "mode=ro")
    if names is not None:
        return "ledger", names
    if tables:
        raise BadInput(f"{path} is not an expect ledger (another program's SQLite database); it was left untouched")
    return "empty", None


# How many times the probe looks at a file before calling what it finds unusable.
LOOKS = 8


def _look(path: str) -> tuple[list[str], list[str] | None]:
    """The tables and schema names of the SQLite file at `path`, looked at without changing it.

    The first look is immutable (no locks, no -wal or -shm made). While another process
    checkpoints its write-ahead log into the file (as the last writer to close does), such a
    look can read a page half-written and take a sound ledger for a malformed one; so a look
    that fails is repeated, alternately through SQLite's locks (read-only, which waits for the
    checkpoint and reads the log) and immutable again, and only a file that fails every look
    is refused."""
    for attempt in range(LOOKS):
        try:
            return _tables(path, "immutable=1" if attempt % 2 == 0 else "mode=ro")
        except BadInput:
            if attempt == LOOKS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _tables(path: str, mode: str) -> tuple[list[str], list[str] | None]:
    try:
        conn = sqlite3.connect(_uri(path, mode), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            names = None
            if "expect_schema" in tables:
                names = [row[0] for row in conn.execute("SELECT name FROM expect_schema ORDER BY name")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{path} is not a usable expect ledger: {exc}; it was left untouched") from None
    return tables, names


def _writable(path: str) -> bool:
    """Whether this user may write the ledger: the file, and its folder (where SQLite puts
    the -wal and -shm) unless both already exist and are writable."""
    if not os.access(path, os.W_OK):
        return False
    if os.access(os.path.dirname(os.path.abspath(path)), os.W_OK):
        return True
    return all(os.access(path + suffix, os.W_OK) for suffix in ("-wal", "-shm"))


class SQLAlchemyStore(Store):
    def __init__(self, url: str):
        self.url = url
        hint = POSTGRES_HINT if url.startswith("postgres") else ""
        try:
            from sqlalchemy import create_engine
            from sqlalchemy.exc import ArgumentError, NoSuchModuleError
        except ImportError:  # a declared dependency, so a broken install
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: SQLAlchemy is not installed{hint}") from None
        parsed = checked_url(url)
        try:
            self.engine = create_engine(parsed, pool_pre_ping=False, hide_parameters=True)
        except NoSuchModuleError:  # an unknown database or driver name in the URL
            scheme = url.split("://", 1)[0]
            message = f"cannot use the ledger URL {describe(url)}: no database driver for {scheme}{hint}"
            raise ExpectError(message) from None
        except ImportError as exc:  # a known driver that is not installed
            raise ExpectError(f"cannot use the ledger URL {describe(url)}: {exc}{hint}") from None
        except (ArgumentError, ValueError, TypeError):
            raise BadInput(f"not a valid ledger URL: {describe(url)}") from None
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
        _committed()

    @contextmanager
    def _transaction(self) -> Iterator["Tx"]:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            conn = self.engine.connect()
        except DBAPIError as exc:
            raise ExpectError(f"cannot reach the ledger {describe(self.url)}: {server_problem(exc)}") from None
        try:
            with conn, conn.begin():
                yield Tx(lambda sql, params=(): conn.execute(text(sql), params or {}), self.dialect, conn)
        except DBAPIError as exc:
            # The server went away or stopped the transaction, or the database is not set up
            # for the ledger (no privilege, no such schema), or is full: the user's to fix.
            # Anything else is a bug, told without the SQL or the values bound to it.
            if _users_problem(exc):
                raise ExpectError(f"the ledger {describe(self.url)} failed: {server_problem(exc)}") from None
            raise StorageBug(_error_name(exc)) from exc

    def close(self) -> None:
        self.engine.dispose()


def checked_url(url: str):
    """`url` read by SQLAlchemy, or refused (BadInput) with its password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is not a number fails here
    except (ArgumentError, ValueError, TypeError):
        raise BadInput(f"not a valid ledger URL: {describe(url)}") from None
    return parsed


class StorageBug(RuntimeError):
    """A database error that is a bug in expect, named without its SQL or bound values."""


# What a server's error means for the user, by SQLSTATE class or code (PostgreSQL's), and
# by the words of a driver's connection error (which carries no SQLSTATE).
_STATES = {
    "28": "authentication failed (check the user name and password)",
    "3D": "the database does not exist",
    "3F": "no schema to use (the search_path names no schema that exists)",
    "42501": "permission denied (the database user lacks a privilege on the ledger's schema)",
    "53": "the server is out of resources (disk full, out of memory or too many connections)",
    "57": "the server is shutting down or not accepting connections",
    "08": "the connection to the server failed",
    "25006": "the database is read-only; nothing was written",
    "40": "the transaction was stopped by the server (a conflict); nothing was written, try again",
}
_WORDS = (
    ("password authentication failed", _STATES["28"]),
    ("authentication failed", _STATES["28"]),
    ("no password supplied", _STATES["28"]),
    ("does not exist", None),  # a database or a role: said below
    ("permission denied", _STATES["42501"]),
    ("connection refused", "connection refused (is the server running, on that host and port?)"),
    ("could not translate host name", "unknown host name"),
    ("name or service not known", "unknown host name"),
    ("timeout", "the connection timed out"),
    ("timed out", "the connection timed out"),
    ("no schema has been selected", _STATES["3F"]),
    ("server closed the connection", "the server closed the connection"),
    ("terminating connection", "the server closed the connection"),
)


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _users_problem(exc: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    state = _sqlstate(exc)
    return isinstance(exc, OperationalError) or state in _STATES or state[:2] in _STATES


def server_problem(exc: BaseException) -> str:
    """One line naming the class of a server's error (never its SQL or bound values)."""
    state = _sqlstate(exc)
    if state in _STATES or state[:2] in _STATES:
        return _STATES.get(state) or _STATES[state[:2]]
    words = str(getattr(exc, "orig", exc)).lower()
    for phrase, meaning in _WORDS:
        if phrase in words:
            if meaning is not None:
                return meaning
            if "role" in words:
                return "authentication failed (the user does not exist)"
            return _STATES["3D"]
    return f"the server refused ({_error_name(exc)})"


def _error_name(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    state = _sqlstate(exc)
    return type(orig).__name__ + (f", SQLSTATE {state}" if state else "")


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

    def id_positions(self, tables: tuple[str, ...]) -> dict[str, Any]:
        """Where each table's id generator stands, to put it back after a dry run: a
        PostgreSQL sequence is not rolled back with the transaction that advanced it (SQLite's
        AUTOINCREMENT counter is, so there is nothing to keep)."""
        if self.dialect != "postgresql":
            return {}
        return {
            table: self.scalar(f"SELECT pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')::regclass)")
            for table in tables
        }

    def restore_id_positions(self, positions: dict[str, Any]) -> None:
        """Put the id generators back where `id_positions` found them (`setval` is not
        transactional, so this stands when the dry run's transaction is rolled back; the
        write lock held meanwhile means no other writer took an id in between)."""
        for table, last in positions.items():
            if last is None:  # never used: the next id is its first
                self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1, false)")
            else:
                self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :last, true)", {"last": last})

    def sync_ids(self, table: str) -> None:
        """After rows were inserted with explicit ids, make the next generated id follow them
        (SQLite's AUTOINCREMENT does so by itself; a PostgreSQL identity does not). The
        promises' generator also follows the asks, which take their ids from it."""
        highest = f"SELECT COALESCE(MAX(id), 0) FROM {table}"
        if table == "promise":
            highest = "SELECT MAX(id) FROM (SELECT COALESCE(MAX(id), 0) AS id FROM promise UNION ALL SELECT COALESCE(MAX(id), 0) FROM ask) AS ids"
        if self.dialect == "postgresql":
            self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({highest}) + 1, false)")
        elif table == "promise":
            top = int(self.scalar(highest) or 0)
            if self.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'promise'") is None:
                self.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('promise', :top)", {"top": top})
            else:
                self.execute("UPDATE sqlite_sequence SET seq = MAX(seq, :top) WHERE name = 'promise'", {"top": top})

    def take_promise_id(self) -> int:
        """A new id from the promises' generator, for a row that shares their numbering (an
        ask): never given to a promise, never reused."""
        if self.dialect == "postgresql":
            return int(self.scalar("SELECT nextval(pg_get_serial_sequence('promise', 'id'))"))
        seq = self.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'promise'")
        if seq is None:
            self.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('promise', 1)")
            return 1
        self.execute("UPDATE sqlite_sequence SET seq = :next WHERE name = 'promise'", {"next": int(seq) + 1})
        return int(seq) + 1


def open_store(location: str, create: bool = False) -> Store:
    """The store of the ledger at `location`. A SQLite file is created (with its folders)
    only with `create`; a server's database is set up by `schema.migrate`."""
    kind, value = classify(location)
    if kind == "file":
        return SQLiteStore(value, create=create)
    return SQLAlchemyStore(value)


def _create_private_file(path: str) -> list[str]:
    """Create the ledger file (and any missing folder above it) readable by its owner only,
    whatever the umask: folders 0700, the file 0600. Returns what was made, outermost first."""
    made: list[str] = []
    missing = []
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.isdir(folder) and folder != os.path.dirname(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    try:
        for folder in reversed(missing):
            os.mkdir(folder, 0o700)
            made.append(folder)
            os.chmod(folder, 0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        made.append(path)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as exc:
        remove_created(made)
        raise ExpectError(f"cannot create the ledger {path}: {exc.strerror}") from None
    return made


def remove_created(made: list[str]) -> None:
    """Take away what `_create_private_file` made (and the database's side files), newest first."""
    for item in reversed(made):
        try:
            if os.path.isdir(item):
                os.rmdir(item)
            else:
                for suffix in ("-wal", "-shm", "-journal", ""):
                    if os.path.exists(item + suffix):
                        os.unlink(item + suffix)
        except OSError:
            pass


def _sqlite_error(path: str, exc: sqlite3.DatabaseError) -> ExpectError:
    message = str(exc)
    if "readonly" in message or "read-only" in message:
        return BadInput(f"the ledger {path} is read-only; nothing was written")
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
    while other processes may be writing. The copy is a standalone file (rollback journal,
    no -wal or -shm to carry along), mode 0600, written under a temporary name and put in
    place only when whole and never over another file: a failed backup leaves nothing."""
    from pathlib import Path

    if not isinstance(store, SQLiteStore):
        raise ExpectError("db backup copies SQLite ledgers; back up a PostgreSQL ledger with pg_dump")
    made_folder = None
    if file is None:
        import time

        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now))
        ledger = Path(store.path)
        folder = ledger.parent / "backups"
        candidates = [folder / f"{ledger.stem}-{stamp}.db"] + [folder / f"{ledger.stem}-{stamp}-{n}.db" for n in
                                                               range(2, 1000)]  # fmt: skip
        if not folder.is_dir():
            try:
                folder.mkdir(mode=0o700)
                folder.chmod(0o700)
                made_folder = folder
            except OSError as exc:
                raise ExpectError(f"cannot create {folder}: {exc.strerror}") from None
    else:
        target = Path(file).expanduser()
        if target.exists() or target.is_symlink():
            raise BadInput(f"{target} already exists; give another file name")
        candidates = [target]
    temporary = candidates[0].with_name(f".{candidates[0].name}.{os.getpid()}.partial")
    try:
        _copy(store, temporary)
        target = _place(temporary, candidates)
    except BaseException:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        if made_folder is not None:
            try:
                made_folder.rmdir()
            except OSError:
                pass
        raise
    return target


def _copy(store: SQLiteStore, temporary: Path) -> None:
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)
    except OSError as exc:
        raise ExpectError(f"cannot create the backup in {temporary.parent}: {exc.strerror}") from None
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            store.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # standalone: no -wal, no -shm
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the copy does not read back")
        finally:
            copy.close()
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
    except (sqlite3.Error, OSError) as exc:
        raise ExpectError(f"the backup failed: {exc}; nothing was kept") from None


_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def _place(temporary: Path, candidates: list[Path]) -> Path:
    """Give the finished copy the first free name (a hard link never replaces a file, so
    two backups in the same second both stand)."""
    for target in candidates:
        try:
            try:
                os.link(temporary, target)
                temporary.unlink()
            except OSError as exc:
                if isinstance(exc, FileExistsError) or exc.errno not in _NO_LINKS:
                    raise
                # a file system without hard links: claim the name, then move the copy onto it
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                os.replace(temporary, target)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExpectError(f"cannot write {target}: {exc.strerror}; nothing was kept") from None
        return target
    raise ExpectError(f"{candidates[-1].parent} holds too many backups of this second; nothing was kept")

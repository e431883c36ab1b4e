"""Shared fixtures: every test gets its own ledger, config and fixed clock.

Ledgers are SQLite files, or, when `EXPECT_TEST_PG` holds a PostgreSQL URL
(`postgresql+psycopg://user@127.0.0.1:5432/db`), each test's ledger is an empty schema of
its own on that server, named in the URL's search_path and dropped afterwards.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from expectcli.cli.app import app
from expectcli.storage.store import sqlite_path


def _compile_bytecode() -> None:
    """Keep compiled bytecode even where `PYTHONDONTWRITEBYTECODE` is set (as on the
    development machine): the tests start hundreds of `expect` processes, each of which would
    otherwise compile the package from source again, and pytest would rewrite the asserts of
    every test module again in every worker. Both caches live in `__pycache__` folders, which
    git ignores, and are checked against the sources' times as usual."""
    import compileall

    import expectcli

    sys.dont_write_bytecode = False  # pytest then caches the test modules it rewrites
    compileall.compile_dir(os.path.dirname(expectcli.__file__), quiet=2)  # a read-only tree: no cache, no noise


_compile_bytecode()

# A folder in memory, where the system has one (Linux's shared-memory tmpfs).
MEMORY_FOLDER = Path("/dev/shm")
_IN_MEMORY = pytest.StashKey[Path]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders (and so their ledgers) in memory where the system has a
    folder there: every commit to a ledger is synced to its disk (`PRAGMA synchronous = FULL`),
    which no test measures and which, on this project's 2-core machine, cost the suite a tenth
    of its time. `--basetemp` still decides where they go; pytest-xdist's workers are given
    their folders inside the one chosen here. Removed when the run ends."""
    if config.option.basetemp is not None or hasattr(config, "workerinput"):
        return
    if MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        config.option.basetemp = tempfile.mkdtemp(prefix="expect-tests-", dir=MEMORY_FOLDER)
        config.stash[_IN_MEMORY] = Path(config.option.basetemp)


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    folder = config.stash.get(_IN_MEMORY, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


# A Wednesday morning in Berlin: 2026-11-25 10:00 CET (09:00 UTC).
NOW = "2026-11-25T10:00:00+01:00"

TEST_PG = os.environ.get("EXPECT_TEST_PG") or None
ON_POSTGRES = TEST_PG is not None


def sqlite_only(reason: str):
    """Skip a test about the SQLite file itself when the suite runs on PostgreSQL."""
    return pytest.mark.skipif(ON_POSTGRES, reason=f"SQLite only: {reason}")


def postgres_only(reason: str):
    return pytest.mark.skipif(not ON_POSTGRES, reason=f"PostgreSQL only: {reason}")


def pg_url(schema: str) -> str:
    """The test server's URL with `schema` as the search_path."""
    from sqlalchemy.engine import make_url

    url = make_url(TEST_PG).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@functools.cache
def _pg_server():
    from sqlalchemy import create_engine

    return create_engine(TEST_PG)


@functools.cache
def click_command(app: typer.Typer):
    """Click's command built from `app`, once per app."""
    return typer.main.get_command(app)


class Runner(CliRunner):
    """Typer's `CliRunner`, except that Click's command is built from the app once per app,
    as the real program builds it once per process. Typer's own `invoke` builds it again on
    every call, which was about three quarters of the time of a command run in-process."""

    def invoke(self, app, args=None, input=None, env=None, catch_exceptions=True, color=False, **extra) -> Result:
        command = click_command(app)
        if isinstance(args, str):
            args = shlex.split(args)
        prog_name = extra.pop("prog_name", None) or self.get_default_prog_name(command)
        value = exception = exc_info = None
        with self.isolation(input=input, env=env, color=color) as (stdout, stderr, output):
            try:
                value = command.main(args=args or (), prog_name=prog_name, **extra)
                code = 0
            except SystemExit as exit:
                code = exit.code if exit.code is not None else 0
                exception, exc_info = (exit, sys.exc_info()) if code != 0 else (None, None)
                if not isinstance(code, int):
                    sys.stdout.write(f"{code}\n")
                    code = 1
            except Exception as exc:
                if not catch_exceptions:
                    raise
                exception, exc_info, code = exc, sys.exc_info(), 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            streams = stdout.getvalue(), stderr.getvalue(), output.getvalue()
        return Result(self, *streams, value, code, exception, exc_info)  # type: ignore[arg-type]


@contextmanager
def fresh_ledger(folder: Path, init: bool = True) -> Iterator[str]:
    """The location of a new, empty ledger: a file in `folder`, or a schema on PostgreSQL,
    created by `expect db init` as a user creates one (`init=False`: the bare place, no
    ledger yet: a missing file, an empty schema)."""
    if not ON_POSTGRES:
        location = folder / "ledger.db"
        if init:
            _copy_new_ledger(location)
        yield str(location)
        return
    from sqlalchemy import text

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with _pg_server().begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        if init:
            db_init(pg_url(schema))
        yield pg_url(schema)
    finally:
        with _pg_server().begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@functools.cache
def _new_ledger_file() -> bytes:
    """A SQLite ledger as `expect db init` makes it, made once per test process: copying it
    costs a millisecond where `db init` costs tens. The tests of `db init` and of the
    migrations run them for real (`fresh_ledger(init=False)`, `test_schema.py`,
    `test_ledger_location.py`); `test_the_copied_ledger_is_what_db_init_makes` checks the copy."""
    with tempfile.TemporaryDirectory() as folder:
        location = Path(folder) / "ledger.db"
        db_init(str(location))
        assert not Path(f"{location}-wal").exists(), "db init left a write-ahead log behind"
        return location.read_bytes()


def _copy_new_ledger(location: Path) -> None:
    """A new ledger at `location`, private as `db init` makes it (folders 0700, file 0600)."""
    missing = [folder for folder in location.parents if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
        folder.chmod(0o700)
    descriptor = os.open(location, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(_new_ledger_file())
    os.chmod(location, 0o600)


_BUILT: dict[str, bytes] = {}


def built(cli: Cli, build: Callable[[Cli], object]) -> Cli:
    """`cli`'s new ledger filled by `build` (a fixture's history, typed through the real
    commands). On SQLite the history is typed once per test process and each later test gets a
    copy of the file it made, as `_new_ledger_file` copies a new ledger: the reports and
    exports over it were most of the suite's set-up time. On PostgreSQL it is typed every time.
    `test_a_built_ledger_is_the_ledger_its_commands_make` checks that a copy reads the same."""
    if ON_POSTGRES:
        build(cli)
        return cli
    typing = getattr(build, "func", build)  # a functools.partial names its function
    key = f"{typing.__module__}.{typing.__qualname__}"
    made = _BUILT.get(key)
    if made is None:
        build(cli)
        assert not Path(f"{cli.path}-wal").exists(), "the history left a write-ahead log behind"
        _BUILT[key] = cli.path.read_bytes()
    else:
        cli.path.write_bytes(made)
    return cli


def db_init(location: str) -> None:
    """`expect db init LOCATION`, in-process."""
    result = Runner().invoke(app, ["db", "init", location], env={"EXPECT_NOW": NOW, "EXPECT_DB": None})
    assert result.exit_code == 0, (location, result.stdout, result.stderr)


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


class Cli:
    """Runs `expect` in-process (CliRunner) against one temporary ledger."""

    def __init__(self, location: str | Path, config: Path):
        self.location = str(location)  # a SQLite file's path, or a PostgreSQL URL
        self.config = config
        self.runner = Runner()

    @property
    def path(self) -> Path:
        """The SQLite ledger's file (for the tests about the file itself)."""
        path = sqlite_path(self.location)
        assert path is not None, f"{self.location} is not a SQLite ledger"
        return path

    @property
    def url(self) -> str:
        """The ledger as a SQLAlchemy URL."""
        return self.location if "://" in self.location else f"sqlite:///{self.location}"

    def env(self, now: str | None = NOW) -> dict[str, str]:
        env = {
            "EXPECT_DB": self.location,
            "EXPECT_CONFIG": str(self.config),
            "NO_COLOR": "1",
            "COLUMNS": "160",
            "EXPECT_NOW": now or "",
        }
        return env

    def __call__(self, *args: str, now: str | None = NOW) -> Outcome:
        if len(args) == 1 and " " in args[0]:
            args = tuple(shlex.split(args[0]))
        result = self.runner.invoke(app, list(args), env=self.env(now))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, now: str | None = NOW) -> Outcome:
        out = self(*args, now=now)
        assert out.exit_code == 0, (args, out.stdout, out.stderr)
        return out

    def json(self, *args: str, now: str | None = NOW):
        return self.ok(*args, "--json", now=now).json()

    def promise(self, title="Send the proposal", to="acme", due="fri", now: str | None = NOW, **options: str) -> int:
        extra = [arg for key, value in options.items() for arg in (f"--{key}", value)]
        return self.json("promise", title, "--to", to, "--due", due, *extra, now=now)["id"]

    def journal_size(self) -> int:
        return len(self.json("log", "--limit", "100000"))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Berlin"\n')
    return path


@pytest.fixture
def ledger_location(tmp_path: Path) -> Iterator[str]:
    with fresh_ledger(tmp_path) as location:
        yield location


@pytest.fixture
def cli(ledger_location: str, config_file: Path) -> Cli:
    return Cli(ledger_location, config_file)


def run_expect(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m expectcli` as a real process."""
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "expectcli", *args], env=full_env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's processes keep a prompt's cached counts (`expectcli.promptcache`) in a
    folder of the test's own, never in the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

"""Which ledger a command opens, and what it refuses to open: `db init`, a `--db` naming no
ledger, another program's file, a newer ledger, in-memory databases, malformed URLs, every
SQLite URL form, read-only ledgers and backups. Each refusal is one line, exit status 2 (a
newer ledger: 1), and leaves every file as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, ON_POSTGRES, Cli, postgres_only, run_expect, sqlite_only
from expectcli.storage.store import SQLiteStore, open_store


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with its content's hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        found[str(path.relative_to(folder))] = (
            "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
    return found


def expect_in(folder: Path, args: list[str], env: dict | None = None, umask: int | None = None):
    """`expect ARGS` as a process started in `folder` (relative paths land there)."""
    full = {**os.environ, "EXPECT_CONFIG": str(folder / "none.toml"), "EXPECT_NOW": NOW,
            "XDG_DATA_HOME": str(folder / "xdg-data"), "XDG_CACHE_HOME": str(folder / "xdg-cache"), **(env or {})}  # fmt: skip
    if "EXPECT_DB" not in (env or {}):
        full.pop("EXPECT_DB", None)
    return subprocess.run([sys.executable, "-m", "expectcli", *args], cwd=folder, env=full, capture_output=True,
                          text=True, timeout=60, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)  # fmt: skip


def one_line(out, status: int) -> str:
    assert out.returncode == status, (out.returncode, out.stdout, out.stderr)
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    return out.stderr


# -- db init ------------------------------------------------------------------------------


@sqlite_only("file modes")
@pytest.mark.parametrize("form", ["{path}", "sqlite:///{path}", "sqlite+pysqlite:///{path}", "file:{path}"])
def test_db_init_creates_a_private_wal_ledger_whatever_the_umask(tmp_path, form):
    target = tmp_path / "new" / "deeper" / "ledger.db"
    out = expect_in(tmp_path, ["db", "init", form.format(path=target)], umask=0o000)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Created a ledger at {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # every form then reaches the same file, on the same sqlite3 road
    store = open_store(form.format(path=target))
    assert isinstance(store, SQLiteStore) and store.path == str(target)
    store.close()
    written = expect_in(tmp_path, ["promise", "X", "--to", "acme", "--due", "fri", "--db", form.format(path=target)],
                        umask=0o000)  # fmt: skip
    assert written.returncode == 0, written.stderr
    for side in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600, side


def test_db_init_refuses_an_existing_ledger_and_changes_nothing(cli, tmp_path):
    cli.promise()
    before = snapshot(tmp_path) if not ON_POSTGRES else None
    out = cli("db", "init", cli.location)
    assert out.exit_code == 2 and "there is already a ledger at" in out.stderr
    assert len(cli.json("list")) == 1
    if before is not None:
        assert snapshot(tmp_path) == before


@sqlite_only("another program's SQLite file")
def test_db_init_refuses_another_programs_database(tmp_path):
    notes = tmp_path / "notes.db"
    with sqlite3.connect(notes) as conn:
        conn.execute("CREATE TABLE note (text TEXT)")
    before = snapshot(tmp_path)
    out = expect_in(tmp_path, ["db", "init", str(notes)])
    assert "not an expect ledger" in one_line(out, 2)
    assert snapshot(tmp_path) == before


# -- a --db that names no ledger ----------------------------------------------------------

NAMED_NO_LEDGER = [
    ["list"], ["promise", "X", "--to", "acme", "--due", "fri"], ["due", "--count"], ["due"], ["report", "--week"],
    ["db", "check"], ["db", "migrate"], ["db", "backup"], ["export", "--format", "json"], ["client", "list"],
]  # fmt: skip


# The default run names the missing ledger to each command one way (`--db` or `EXPECT_DB`,
# alternately); the slow pass (`.ci/run`) names it to every command both ways.
@pytest.mark.parametrize(
    ("args", "how"),
    [
        pytest.param(args, how, marks=() if (a + h) % 2 == 0 else pytest.mark.slow, id=f"{how}-{' '.join(args)}")
        for a, args in enumerate(NAMED_NO_LEDGER)
        for h, how in enumerate(["--db", "EXPECT_DB"])
    ],
)
def test_a_db_naming_no_ledger_is_refused_and_creates_nothing(tmp_path, args, how):
    typo = tmp_path / "missing-folder" / "ledgr.db"
    before = snapshot(tmp_path)
    env = {"EXPECT_DB": str(typo)} if how == "EXPECT_DB" else {}
    out = expect_in(tmp_path, [*args, "--db", str(typo)] if how == "--db" else args, env)
    said = one_line(out, 2)
    assert said == f"expect: no ledger at {typo}; create one with `expect db init {typo}`\n"
    assert out.stdout == ""
    assert snapshot(tmp_path) == before  # no file, no folder, no -wal, not even the cache


@pytest.mark.parametrize("form", ["ledgr.db", "sqlite:///ledgr.db", "sqlite+pysqlite:///ledgr.db", "file:ledgr.db",
                                  "~/ledgr.db"])  # fmt: skip
def test_every_sqlite_form_of_a_typo_is_refused(tmp_path, form):
    before = snapshot(tmp_path)
    out = expect_in(tmp_path, ["promise", "X", "--to", "acme", "--due", "fri", "--db", form], {"HOME": str(tmp_path)})
    assert "no ledger at" in one_line(out, 2) and "expect db init" in out.stderr
    assert snapshot(tmp_path) == before


def test_the_default_ledger_is_still_created_on_first_use(tmp_path):
    out = expect_in(tmp_path, ["promise", "Send the proposal", "--to", "acme", "--due", "fri"], umask=0o000)
    assert out.returncode == 0, out.stderr
    ledger = tmp_path / "xdg-data" / "expect" / "ledger.db"
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "xdg-data").stat().st_mode) == 0o700


@postgres_only("a database without a ledger")
def test_an_empty_schema_is_no_ledger_until_db_init(tmp_path, config_file):
    from conftest import fresh_ledger

    with fresh_ledger(tmp_path, init=False) as url:
        bare = Cli(url, config_file)
        out = bare("list")
        assert out.exit_code == 2 and out.stderr.startswith("expect: no ledger at postgresql")
        assert "expect db init" in out.stderr and out.stderr.count("\n") == 1
        bare.ok("db", "init", url)
        assert bare.json("list") == []


@postgres_only("a database holding another program's tables")
def test_db_init_refuses_a_database_with_other_tables(tmp_path, config_file):
    from sqlalchemy import create_engine, text

    from conftest import fresh_ledger

    with fresh_ledger(tmp_path, init=False) as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE invoices (id INT)"))
        engine.dispose()
        out = Cli(url, config_file)("db", "init", url)
        assert out.exit_code == 2 and "table(s) of another program" in out.stderr
        out = Cli(url, config_file)("list")
        assert out.exit_code == 2 and "no ledger at" in out.stderr


# -- files that are not ledgers -----------------------------------------------------------


def _foreign(folder: Path, kind: str) -> Path:
    path = folder / f"{kind}.db"
    if kind == "text":
        path.write_text("dear diary\n" * 200)
    elif kind in ("rollback", "wal"):
        conn = sqlite3.connect(path)
        if kind == "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE note (text TEXT)")
        conn.execute("INSERT INTO note VALUES ('keep me')")
        conn.commit()
        conn.close()
    return path


NOT_A_LEDGER_COMMANDS = [["list"], ["due", "--count"], ["promise", "X", "--to", "acme", "--due", "fri"],
                         ["db", "migrate"], ["db", "check"], ["db", "backup"]]  # fmt: skip


# The default run gives each kind of foreign file to two commands, each command one kind; the
# slow pass (`.ci/run`) gives every kind to every command.
@sqlite_only("SQLite files")
@pytest.mark.parametrize(
    ("kind", "args"),
    [
        pytest.param(kind, args, marks=() if a % 3 == k else pytest.mark.slow, id=f"{' '.join(args)}-{kind}")
        for a, args in enumerate(NOT_A_LEDGER_COMMANDS)
        for k, kind in enumerate(["text", "rollback", "wal"])
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_and_left_untouched(tmp_path, kind, args):
    path = _foreign(tmp_path, kind)
    before = snapshot(tmp_path)
    out = expect_in(tmp_path, [*args, "--db", str(path)])
    assert "is not an expect ledger" in one_line(out, 2) and "left untouched" in out.stderr
    assert snapshot(tmp_path) == before  # byte for byte, and no -wal, -shm or -journal


@sqlite_only("a ledger file of a newer expect")
def test_a_newer_ledger_is_refused_and_left_untouched(cli, tmp_path):
    cli.promise()
    with sqlite3.connect(cli.path) as conn:
        conn.execute("INSERT INTO expect_schema (name, applied_at) VALUES ('0999_from_the_future', 0)")
    conn.close()
    before = snapshot(tmp_path)
    for args in (["list"], ["promise", "Y", "--to", "acme", "--due", "fri"], ["due", "--count"]):
        out = run_expect([*args], cli.env())
        assert "newer than this expect understands" in one_line(out, 1)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("memory", [":memory:", "sqlite://", "sqlite:///:memory:", "sqlite+pysqlite://",
                                    "file::memory:", "file:ledger?mode=memory", "sqlite:///x.db?mode=memory"])  # fmt: skip
def test_in_memory_databases_are_refused(tmp_path, memory):
    before = snapshot(tmp_path)
    for args in (["promise", "X", "--to", "acme", "--due", "fri"], ["db", "init", memory]):
        out = expect_in(tmp_path, [*args, "--db", memory] if args[0] != "db" else args)
        assert "in-memory database" in one_line(out, 2)
    assert snapshot(tmp_path) == before


MALFORMED = [
    "postgresql://bob:s3cret@localhost:54x2/db",
    "postgresql://bob:s3cr@t@localhost/db",
    "postgresql:/bob:s3cret@localhost/db",
    "postgresql//bob:s3cret@localhost/db",
    "bob:s3cret@localhost/db",
    "postgres ql://bob:s3cret@localhost/db",
    "sqlite://bob:s3cret@localhost/db",
    "postgresql+psycopg://bob:s3cret@[::1/db",
]


URL_COMMANDS = [["list"], ["due", "--count"], ["db", "init"], ["db", "path"]]


# The default run gives each malformed URL to one command, each command two of them; the slow
# pass (`.ci/run`) gives every URL to every command.
@pytest.mark.parametrize(
    ("args", "url"),
    [
        pytest.param(args, url, marks=() if u % len(URL_COMMANDS) == a else pytest.mark.slow,
                     id=f"{' '.join(args)}-{url}")
        for a, args in enumerate(URL_COMMANDS)
        for u, url in enumerate(MALFORMED)
    ],
)  # fmt: skip
def test_a_malformed_url_is_one_line_with_its_password_masked(tmp_path, url, args):
    before = snapshot(tmp_path)
    out = expect_in(tmp_path, [*args, url] if args == ["db", "init"] else [*args, "--db", url])
    assert out.returncode in (1, 2), out
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert "s3cret" not in out.stderr + out.stdout and "s3cr" not in out.stderr
    assert snapshot(tmp_path) == before  # no file or folder named after the password


def test_a_password_in_a_query_is_masked(cli):
    out = cli.ok("db", "path", "--db", "postgresql://bob@db.example/ledger?password=s3cret")
    assert "s3cret" not in out.stdout and "password=***" in out.stdout


# -- read-only ledgers ----------------------------------------------------------------------


def _lock(paths: list[Path]):
    """Make `paths` unwritable, even for root (an immutable file); returns the undo."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o500 if path.is_dir() else 0o400)
        return lambda: [path.chmod(mode) for path, mode in modes.items()]
    for path in paths:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("running as root without chattr +i")
    return lambda: [subprocess.run(["chattr", "-i", str(path)], check=True) for path in paths]


READS = [["list", "--json"], ["list", "--all"], ["due"], ["due", "--count"], ["show", "1"],
         ["log"], ["report", "--week"], ["client", "list"], ["client", "show", "acme"], ["brief", "acme"],
         ["export", "--format", "json"], ["export", "--format", "csv"], ["db", "check"], ["db", "path"]]  # fmt: skip
WRITES = [["promise", "New", "--to", "acme", "--due", "fri"], ["done", "1"], ["client", "add", "globex"],
          ["undo"]]  # fmt: skip


# The default run locks a backup (file and folder, checkpointed); the slow pass (`.ci/run`)
# locks every other way, among them the one where writes still work (only the folder, with its -wal).
@sqlite_only("file and folder permissions")
@pytest.mark.parametrize(
    ("locked", "log"),
    [("both", "checkpointed")]
    + [
        pytest.param(locked, log, marks=pytest.mark.slow)
        for locked, log in [("file", "with its -wal"), ("file", "checkpointed"), ("folder", "checkpointed"),
                            ("both", "with its -wal"), ("folder", "with its -wal")]
    ],
)  # fmt: skip
def test_a_read_only_ledger_reads_and_refuses_writes(tmp_path, config_file, locked, log):
    folder = tmp_path / "ro"
    folder.mkdir()
    ledger = folder / "ledger.db"
    env = {"EXPECT_DB": str(ledger), "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW,
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip
    assert run_expect(["db", "init", str(ledger)], env).returncode == 0
    assert run_expect(["promise", "Send the proposal", "--to", "acme", "--due", "fri"], env).returncode == 0
    if log == "checkpointed":  # as a copy made by `cp` of a closed ledger: no -wal, no -shm
        conn = sqlite3.connect(ledger)
        conn.execute("SELECT COUNT(*) FROM promise").fetchone()
        conn.close()
        assert not Path(f"{ledger}-wal").exists()
    else:  # as the last command left it
        assert Path(f"{ledger}-wal").exists()
    before = snapshot(folder)
    undo = _lock({"file": [ledger], "folder": [folder], "both": [ledger, folder]}[locked])
    try:
        for args in READS:
            out = run_expect(args, env)
            assert out.returncode in (0, 1) and "Traceback" not in out.stderr, (args, out.stderr)
            assert out.stderr == "" or args[0] == "due", (args, out.stderr)
        assert "Send the proposal" in run_expect(["list", "--json"], env).stdout
        if locked == "folder" and log == "with its -wal":
            # the files themselves are writable, and WAL writes need no new file: not read-only
            assert run_expect(WRITES[0], env).returncode == 0
            return
        for args in WRITES:
            out = run_expect(args, env)
            assert "read-only" in one_line(out, 2), args
    finally:
        undo()
    unchanged = {name: digest for name, digest in snapshot(folder).items() if not name.endswith("-shm")}
    assert unchanged == {
        name: digest for name, digest in before.items() if not name.endswith("-shm")
    }  # -shm: readers' shared memory


# -- backups --------------------------------------------------------------------------------


@sqlite_only("SQLite's backup API")
def test_a_backup_is_a_standalone_private_file(cli, tmp_path):
    cli.promise()
    target = tmp_path / "copy.db"
    cli.ok("db", "backup", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: no -wal to carry along
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-journal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")] == []
    copy = Cli(target, cli.config)
    assert len(copy.json("list")) == 1
    assert target.read_bytes()[18:20] == b"\x01\x01"  # reading a backup leaves it as it was


@sqlite_only("SQLite's backup API")
def test_two_backups_in_the_same_second_both_stand(cli):
    cli.promise()
    first = cli.json("db", "backup")["backup"]
    second = cli.json("db", "backup")["backup"]
    assert first != second and Path(first).exists() and Path(second).exists()
    assert Path(first).read_bytes() == Path(second).read_bytes()


@sqlite_only("a backup that fails part way")
def test_a_failed_backup_leaves_nothing_behind(cli, tmp_path, config_file):
    import resource
    import signal

    rows = "".join(f"Promise {n} {'x' * 900},acme,2026-12-{n % 28 + 1:02d}\n" for n in range(200))
    (tmp_path / "rows.csv").write_text("title,client,due\n" + rows)
    cli.ok("import", str(tmp_path / "rows.csv"))
    (tmp_path / "rows.csv").unlink()
    assert cli.path.stat().st_size > 150_000
    before = snapshot(tmp_path)

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))  # more than the -shm, less than a copy

    env = {**os.environ, **cli.env()}
    for args in (["db", "backup"], ["db", "backup", str(tmp_path / "copy.db")]):
        out = subprocess.run([sys.executable, "-m", "expectcli", *args], env=env, capture_output=True, text=True,
                             preexec_fn=small_disk)  # fmt: skip
        assert "the backup failed" in one_line(out, 1) and "nothing was kept" in out.stderr
        after = {name: digest for name, digest in snapshot(tmp_path).items() if not name.endswith(("-wal", "-shm"))}
        assert after == before  # no partial copy, no -journal, no backups folder


def test_no_cache_file_holds_a_password(monkeypatch):
    from expectcli import promptcache

    monkeypatch.setenv("EXPECT_DB", "postgresql+psycopg://bob:s3cret@db.example/ledger")
    key = promptcache.key(["due", "--count", "--db", "postgresql://ann:hunter2@db.example/ledger"])
    assert "s3cret" not in key and "hunter2" not in key
    other = promptcache.key(["due", "--count", "--db", "postgresql://ann:hunter3@db.example/ledger"])
    assert other != key  # still one entry per ledger

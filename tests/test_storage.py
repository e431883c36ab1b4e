"""Where the ledger lives, how it is created, and how its schema is guarded."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from conftest import NOW, pg_url, postgres_only, run_expect, sqlite_only
from expectcli.storage import schema
from expectcli.storage.store import open_store


def test_default_ledger_is_created_in_the_user_data_folder_with_mode_0600(tmp_path, config_file):
    data_home = tmp_path / "data"
    env = {"XDG_DATA_HOME": str(data_home), "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW, "EXPECT_DB": ""}
    done = run_expect(["promise", "Send the proposal", "--to", "acme", "--due", "fri"], env)
    assert done.returncode == 0, done.stderr
    ledger = data_home / "expect" / "ledger.db"
    assert ledger.exists()
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    assert stat.S_IMODE(ledger.parent.stat().st_mode) == 0o700
    path = run_expect(["db", "path"], env)
    assert path.stdout.strip() == str(ledger)


@sqlite_only("the WAL journal is a SQLite file setting")
def test_sqlite_ledger_uses_wal(cli):
    cli.promise()
    with sqlite3.connect(cli.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_ledger_records_its_schema(cli):
    cli.promise()
    store = open_store(cli.location)
    with store.read() as tx:
        names = [row[0] for row in tx.all("SELECT name FROM expect_schema ORDER BY name")]
    store.close()
    assert names == [name for name, _ in schema.MIGRATIONS]


def test_db_accepts_a_sqlalchemy_sqlite_url(cli, tmp_path):
    target = tmp_path / "via-url.db"
    cli.ok("db", "init", f"sqlite:///{target}")
    cli.ok("promise", "X", "--to", "acme", "--due", "fri", "--db", f"sqlite:///{target}")
    assert target.exists()
    assert len(cli.json("list", "--db", f"sqlite:///{target}")) == 1
    assert cli.ok("db", "path", "--db", f"sqlite:///{target}").stdout.strip() == str(target)


def test_db_path_hides_a_password_in_a_url(cli):
    out = cli.ok("db", "path", "--db", "postgresql://ann:secret@db.example/ledger")
    assert "secret" not in out.stdout and "ann" in out.stdout


def test_a_newer_ledger_is_refused_with_one_line(cli):
    cli.promise()
    store = open_store(cli.location)
    with store.write() as tx:
        tx.execute("INSERT INTO expect_schema (name, applied_at) VALUES ('0999_from_the_future', 0)")
    for args in (["list"], ["promise", "Y", "--to", "acme", "--due", "fri"]):
        out = cli(*args)
        assert out.exit_code == 1
        assert out.stderr.count("\n") == 1
        assert "newer than this expect understands" in out.stderr
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM promise") == 1
    store.close()


@sqlite_only("a file that is not a database")
def test_a_file_that_is_not_a_ledger_is_refused(cli):
    cli.path.write_text("this is not a database\n" * 100)
    out = cli("list")
    assert out.exit_code == 2
    assert "is not an expect ledger (not a SQLite database)" in out.stderr and out.stderr.count("\n") == 1


def test_an_unreachable_server_is_one_line_without_the_password(cli):
    pytest.importorskip("psycopg", reason="PostgreSQL support is the optional extra expectcli[postgres]")
    out = cli("list", "--db", "postgresql+psycopg://ann:secret@127.0.0.1:1/ledger")
    assert out.exit_code == 1 and out.stdout == "" and out.stderr.count("\n") == 1
    assert (
        out.stderr
        == "expect: cannot reach the ledger postgresql+psycopg://ann:***@127.0.0.1:1/ledger: connection refused (is the server running, on that host and port?)\n"
    )
    assert "secret" not in out.stderr


@postgres_only("a search_path naming no schema")
def test_a_database_not_set_up_for_the_ledger_is_one_line(cli):
    out = cli("list", "--db", pg_url("no_such_schema"))
    assert out.exit_code == 2 and out.stdout == "" and out.stderr.count("\n") == 1
    assert out.stderr.startswith("expect: no ledger at postgresql") and "expect db init" in out.stderr
    out = cli("db", "init", pg_url("no_such_schema"))
    assert out.exit_code == 2 and out.stdout == "" and out.stderr.count("\n") == 1
    assert "names no schema that exists" in out.stderr


def test_config_sets_the_end_of_the_working_day_and_the_zone(cli):
    cli.config.write_text('timezone = "America/New_York"\nday_end = "18:30"\n')
    created = cli.json("promise", "X", "--to", "acme", "--due", "fri")
    assert created["due"] == "2026-11-27T18:30:00-05:00"


def test_a_broken_config_is_one_clear_line(cli):
    cli.config.write_text('timezone = "Mars/Olympus"\n')
    out = cli("list")
    assert out.exit_code == 2 and "unknown time zone" in out.stderr and out.stderr.count("\n") == 1
    cli.config.write_text("day_end = \n")
    out = cli("list")
    assert out.exit_code == 2 and "not valid TOML" in out.stderr


# -- a server URL whose driver (or SQLAlchemy itself) is missing ------------------------------

# Runs `expect` with some packages hidden, as if they were not installed.
WITHOUT = """
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

HIDDEN = set(sys.argv.pop(1).split(",")) - {""}
sys.meta_path.insert(0, NotInstalled())
from expectcli.cli.fast import main
main()
"""

SERVER_URL = "postgresql+psycopg://ann:secret@127.0.0.1:1/ledger"
FAST, TYPER = ["due", "--count"], ["client", "list"]  # the fast path, and Typer's (slow to start)


@pytest.mark.parametrize("url, hidden, args, says", [
    ("postgresql+nosuchdriver://ann:secret@127.0.0.1:1/ledger", "", FAST,
     "no database driver for postgresql+nosuchdriver; for PostgreSQL, pip install 'expectcli[postgres]'"),
    (SERVER_URL, "psycopg", FAST, "No module named 'psycopg'; for PostgreSQL, pip install 'expectcli[postgres]'"),
    (SERVER_URL, "psycopg", TYPER, "No module named 'psycopg'; for PostgreSQL, pip install 'expectcli[postgres]'"),
    ("postgresql://ann:secret@127.0.0.1:1/ledger", "psycopg,psycopg2", FAST, "pip install 'expectcli[postgres]'"),
    (SERVER_URL, "sqlalchemy", FAST, "SQLAlchemy is not installed"),
])  # fmt: skip
def test_a_server_url_without_its_driver_is_one_line(config_file, url, hidden, args, says):
    env = {**os.environ, "EXPECT_DB": url, "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW}
    out = subprocess.run([sys.executable, "-c", WITHOUT, hidden, *args], env=env, capture_output=True, text=True)
    assert out.returncode in (1, 2), out.stderr  # never 70, an internal error
    assert out.stdout == "" and out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith("expect: cannot use the ledger URL postgresql")
    assert says in out.stderr and "ann:***@127.0.0.1" in out.stderr and "secret" not in out.stderr


@sqlite_only("the probe of a SQLite file")
def test_a_look_that_catches_a_checkpoint_half_done_looks_again(cli, monkeypatch):
    """An immutable look at a ledger while another process checkpoints its log into the file
    can read a torn page ("database disk image is malformed", seen in CI when four shells
    wrote at once): the write must still go through, not be refused as an unusable ledger."""
    from expectcli.storage import store

    cli.promise("First")
    real, torn = store._tables, []

    def once_torn(path, mode):
        if mode == "immutable=1" and not torn:
            torn.append(mode)
            raise store.BadInput(f"{path} is not a usable expect ledger: database disk image is malformed")
        return real(path, mode)

    monkeypatch.setattr(store, "_tables", once_torn)
    assert cli.promise("Second") == 2
    assert torn


@sqlite_only("the probe of a SQLite file")
def test_a_file_that_fails_every_look_is_refused_and_left_untouched(cli, tmp_path):
    broken = tmp_path / "broken.db"
    good = sqlite3.connect(broken)
    good.execute("CREATE TABLE t (x)")
    good.commit()
    good.close()
    data = bytearray(broken.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree, torn
    broken.write_bytes(bytes(data))
    result = cli("list", "--db", str(broken))
    assert result.exit_code == 2 and "not a usable expect ledger" in result.stderr, result
    assert broken.read_bytes() == bytes(data)

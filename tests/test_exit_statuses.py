"""Exit statuses as PRODUCT.md states them: 2 bad input, 1 a failed check, 130 Ctrl-C with
nothing half-written, 0 with a line saying the write stands when the output is lost after a
commit; and a database server's errors as one line naming the problem, never SQL or values."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli, postgres_only, sqlite_only


def shell(cli: Cli, command: str) -> subprocess.CompletedProcess:
    script = f'expect() {{ "{sys.executable}" -m expectcli "$@"; }}\n{command}\n'
    return subprocess.run(["bash", "-c", script], env={**os.environ, **cli.env()}, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


@pytest.mark.parametrize("redirect", [">&-", ">/dev/full"])
def test_a_write_whose_output_is_lost_stands_and_says_so(cli, redirect):
    cli.promise("First")
    out = shell(cli, f"expect promise Second --to acme --due fri {redirect}")
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith("expect: the change was recorded and stands; only its output was lost")
    assert out.stderr.count("\n") == 1
    assert [p["title"] for p in cli.json("list")] == ["First", "Second"]  # once: a retry is not needed


@pytest.mark.parametrize("command", ["expect list >&-", "expect due --count >&-", "expect list >/dev/full",
                                     "expect client list --json >/dev/full", "expect report --week >&-"])  # fmt: skip
def test_a_read_whose_output_is_lost_is_one_line_and_status_1(cli, command):
    cli.promise()
    out = shell(cli, command)
    assert out.returncode == 1, out
    assert out.stderr.startswith("expect: cannot write the output") and out.stderr.count("\n") == 1


@sqlite_only("a closed stdout must not become the ledger's file descriptor")
def test_a_closed_stdout_never_lands_in_the_ledger(cli):
    cli.promise()
    before = cli.path.read_bytes()[:100]
    for command in ("expect list >&-", "expect promise X --to acme --due fri >&-", "expect due >&-"):
        shell(cli, command)
    assert cli.path.read_bytes()[:100] == before
    assert cli.ok("db", "check").exit_code == 0


@pytest.mark.slow
def test_ctrl_c_during_an_import_is_130_and_writes_nothing(cli, tmp_path):
    cli.promise("Existing")
    source = tmp_path / "big.csv"
    source.write_text("title,client,due\n" + "".join(f"P{n},acme,2026-12-{n % 28 + 1:02d}\n" for n in range(60_000)))
    started = subprocess.Popen([sys.executable, "-m", "expectcli", "import", str(source)], env={**os.environ,
                               **cli.env()}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    wal = Path(f"{cli.location}-wal") if "://" not in cli.location else None
    # wait until the import is under way (its log grows, or a moment has passed on a server)
    while started.poll() is None and time.monotonic() < deadline:
        if wal is None or (wal.exists() and wal.stat().st_size > 100_000):
            break
        time.sleep(0.02)
    if wal is None:
        time.sleep(1.0)
    started.send_signal(signal.SIGINT)
    _, err = started.communicate(timeout=60)
    if started.returncode == 0:
        pytest.skip("the import finished before the interrupt arrived")
    assert started.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("expect: interrupted") and "Traceback" not in err
    assert [p["title"] for p in cli.json("list", "--all")] == ["Existing"]  # nothing half-written
    assert cli.ok("db", "check").exit_code == 0


def test_the_edge_maps_ctrl_c_to_130():
    code = "from expectcli.cli import edge\nwith edge.reporting(False):\n    raise KeyboardInterrupt\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 130 and out.stderr.strip() == "expect: interrupted; nothing was written"


def test_output_errors_are_not_mistaken_for_bugs():
    from expectcli.cli import edge

    assert edge.is_output_error(OSError(28, "No space left on device"))
    assert not edge.is_output_error(FileNotFoundError(2, "No such file or directory", "x.csv"))


# -- a database server's errors --------------------------------------------------------------


class FakeDriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None):
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("message, state, says", [
    ('connection to server at "db", port 5432 failed: FATAL:  password authentication failed for user "bob"', None,
     "authentication failed"),
    ("FATAL: password authentication failed", "28P01", "authentication failed"),
    ('FATAL:  database "ledgr" does not exist', None, "the database does not exist"),
    ('FATAL:  role "bobb" does not exist', None, "authentication failed (the user does not exist)"),
    ("permission denied for table promise", "42501", "permission denied"),
    ('connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused', None,
     "connection refused"),
    ("could not translate host name \"dbb\" to address", None, "unknown host name"),
    ("could not extend file: No space left on device", "53100", "out of resources"),
    ("cannot execute INSERT in a read-only transaction", "25006", "read-only"),
])  # fmt: skip
def test_a_server_error_is_named_by_its_class(message, state, says):
    from sqlalchemy.exc import OperationalError

    from expectcli.storage.store import server_problem

    error = OperationalError("INSERT INTO client (handle) VALUES (%(handle)s)", {"handle": "secret-client"},
                             FakeDriverError(message, state))  # fmt: skip
    described = server_problem(error)
    assert says in described
    assert "INSERT" not in described and "secret-client" not in described and "\n" not in described


@postgres_only("a real server's errors")
def test_a_missing_database_is_one_line_naming_it(cli):
    from sqlalchemy.engine import make_url

    url = make_url(cli.location).set(database="no_such_database_h14", password="s3cret")
    out = cli("list", "--db", url.render_as_string(hide_password=False))
    assert out.exit_code == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "the database does not exist" in out.stderr and "s3cret" not in out.stderr


@postgres_only("a real server's errors")
def test_a_bug_on_the_server_shows_neither_sql_nor_values(cli):
    from expectcli.storage.store import StorageBug, open_store

    store = open_store(cli.location)
    try:
        with pytest.raises(StorageBug) as caught, store.read() as tx:
            tx.execute("SELECT CAST(:value AS INTEGER) FROM promise", {"value": "client-secret-value"})
    finally:
        store.close()
    assert "client-secret-value" not in str(caught.value) and "SELECT" not in str(caught.value)
    assert "SQLSTATE" in str(caught.value)


@postgres_only("a user without privileges on the ledger's tables")
def test_permission_denied_is_one_line(cli):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    cli.promise()
    url = make_url(cli.location)
    schema = url.query["options"].split("=", 1)[1]
    role = f"reader_{schema}"
    admin = create_engine(cli.location)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
        conn.execute(text(f"GRANT SELECT ON {schema}.expect_schema TO {role}"))
    try:
        out = cli("list", "--db", url.set(username=role).render_as_string(hide_password=False))
        assert out.exit_code == 1 and out.stderr.count("\n") == 1, out.stderr
        assert "permission denied" in out.stderr and "SELECT" not in out.stderr
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_a_dry_run_uses_up_no_ids(cli, tmp_path):
    first = cli.promise("First")
    source = tmp_path / "rows.csv"
    source.write_text("title,client,due\n" + "".join(f"Row {n},globex,2026-12-0{n + 1}\n" for n in range(5)))
    out = cli.ok("import", str(source), "--dry-run", "--json")
    assert json.loads(out.stdout)["added"] == 5
    assert cli.promise("Second") == first + 1  # the dry run's five ids were given back
    cli.ok("import", str(source))
    assert [p["id"] for p in cli.json("list", "--all")][-5:] == list(range(first + 2, first + 7))

"""Crashes: `kill -9` in the middle of a write leaves a ledger that opens, passes
`expect db check`, and holds all or none of that write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import NOW, sqlite_only

pytestmark = [sqlite_only("kills processes writing a SQLite file"), pytest.mark.slow]  # slow: run by CI with -m slow


def expect(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "expectcli", *args], env=env, capture_output=True, text=True,
                          timeout=120, **options)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, config_file: Path) -> dict:
    env = {
        **os.environ,
        "EXPECT_DB": str(tmp_path / "ledger.db"),
        "EXPECT_CONFIG": str(config_file),
        "EXPECT_NOW": NOW,
    }
    assert expect(env, "db", "init", env["EXPECT_DB"]).returncode == 0
    return env


def promise_count(env: dict) -> int:
    return len(json.loads(expect(env, "list", "--all", "--json").stdout))


def test_kill_9_during_a_large_import_keeps_all_or_nothing(env, tmp_path):
    assert expect(env, "promise", "Before", "--to", "acme", "--due", "fri").returncode == 0
    rows = 20_000
    source = tmp_path / "big.csv"
    source.write_text("title,client,due\n" + "".join(f"P{n},c{n % 7},2026-12-{n % 28 + 1:02d}\n" for n in range(rows)))
    outcomes = set()
    for delay in (0.05, 0.3, 0.8, 1.5, 3.0):
        child = subprocess.Popen([sys.executable, "-m", "expectcli", "import", str(source)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        check = expect(env, "db", "check")
        assert check.returncode == 0, check.stderr
        count = promise_count(env)
        assert count in (1, 1 + rows), count  # all of the import or none of it
        outcomes.add(count)
        if count > 1:
            break
    assert 1 in outcomes  # at least one kill landed mid-import and left nothing behind


def test_kill_9_during_bursts_of_writes(env):
    script = (
        "import subprocess, sys\n"
        "n = 0\n"
        "while True:\n"
        "    subprocess.run([sys.executable, '-m', 'expectcli', 'promise', f'P{n}', '--to', 'acme', '--due', 'fri'],"
        " check=True, capture_output=True)\n"
        "    n += 1\n"
    )
    for delay in (0.4, 0.9, 1.7):
        # The whole process group dies at once, the writing child included, wherever it is.
        loop = subprocess.Popen([sys.executable, "-c", script], env=env, start_new_session=True)
        time.sleep(delay)
        os.killpg(loop.pid, signal.SIGKILL)
        loop.wait()
        check = expect(env, "db", "check")
        assert check.returncode == 0, check.stderr
    listed = json.loads(expect(env, "list", "--all", "--json").stdout)
    journal = json.loads(expect(env, "log", "--limit", "100000", "--json").stdout)
    assert len(listed) == len(journal)  # every promise row has its event, and no event lacks its row
    assert expect(env, "promise", "After", "--to", "acme", "--due", "fri").returncode == 0

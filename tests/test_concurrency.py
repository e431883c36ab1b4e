"""Several shells at once, as prompt hooks and tmux counters make happen: 4 shells each
record 100 promises while 2 prompt hooks run `expect due --count` in a loop. Every write
lands, no command fails or says "database is locked", and the hooks keep answering while the
writers write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import NOW

pytestmark = pytest.mark.slow  # run by CI with `pytest -m slow`; see docs/testing.md

SHELLS, PROMISES_EACH, HOOKS = 4, 100, 2
COMMAND = [sys.executable, "-m", "expectcli"]


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True, timeout=300)


def test_four_shells_write_while_two_prompt_hooks_read(ledger_location, config_file):
    env = {**os.environ, "EXPECT_DB": ledger_location, "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW}
    run(env, "db", "path")  # the ledger exists before the race starts, as it would in real use
    writing = threading.Event()
    writing.set()

    def shell(n: int) -> list:
        return [run(env, "promise", f"S{n}-{i}", "--to", f"c{n}", "--due", "fri") for i in range(PROMISES_EACH)]

    def hook(_: int) -> list:
        answers = []
        while writing.is_set():
            answers.append(run(env, "due", "--count", "--within", "1w"))
        return answers

    with ThreadPoolExecutor(max_workers=SHELLS + HOOKS) as pool:
        hooks = [pool.submit(hook, n) for n in range(HOOKS)]
        shells = [pool.submit(shell, n) for n in range(SHELLS)]
        writes = [result for future in shells for result in future.result()]
        writing.clear()
        reads = [answer for future in hooks for answer in future.result()]

    for result in writes:
        # the first promise to a client says so on stderr ("new client c0"); nothing else may
        assert result.returncode == 0 and result.stderr in ("", f"new client {result.args[6]}\n"), result
    assert len(reads) >= 2 * HOOKS  # the hooks ran throughout
    for result in reads:
        assert result.returncode == 0 and result.stderr == "", result
        assert result.stdout == "" or result.stdout.endswith(" due\n"), result.stdout
    listed = json.loads(run(env, "list", "--json").stdout)
    assert {p["title"] for p in listed} == {f"S{n}-{i}" for n in range(SHELLS) for i in range(PROMISES_EACH)}
    assert sorted(p["id"] for p in listed) == list(range(1, SHELLS * PROMISES_EACH + 1))
    assert run(env, "db", "check").returncode == 0

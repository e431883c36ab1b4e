"""Several shells at once: every write lands, nobody sees "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import NOW

WRITERS, PROMISES_EACH, READS = 3, 8, 12


def test_concurrent_writers_and_prompt_readers_all_succeed(ledger_location, config_file):
    env = {**os.environ, "EXPECT_DB": ledger_location, "EXPECT_CONFIG": str(config_file), "EXPECT_NOW": NOW}
    command = [sys.executable, "-m", "expectcli"]

    def writer(n: int) -> list[subprocess.CompletedProcess]:
        return [
            subprocess.run([*command, "promise", f"W{n}-{i}", "--to", f"c{n}", "--due", "fri"],
                           env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
            for i in range(PROMISES_EACH)
        ]

    def reader(_: int) -> list[subprocess.CompletedProcess]:
        return [
            subprocess.run([*command, "due", "--count", "--within", "1w"], env=env, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
            for _ in range(READS)
        ]

    with ThreadPoolExecutor(max_workers=WRITERS + 1) as pool:
        writes = [pool.submit(writer, n) for n in range(WRITERS)]
        reads = pool.submit(reader, 0)
        results = [r for f in writes for r in f.result()] + reads.result()
    for result in results:
        assert result.returncode == 0 and result.stderr == "", result
    listed = subprocess.run([*command, "list", "--json"], env=env, capture_output=True, text=True, check=True)
    titles = {p["title"] for p in json.loads(listed.stdout)}
    assert titles == {f"W{n}-{i}" for n in range(WRITERS) for i in range(PROMISES_EACH)}
    assert sorted(p["id"] for p in json.loads(listed.stdout)) == list(range(1, WRITERS * PROMISES_EACH + 1))

"""expect beside Taskwarrior on the same data: one generated `task export` file is imported
into both, then the daily views are timed side by side, each against a bare
`python -c pass` run just before it (ratios; this machine is noisy).

    python bench/taskwarrior.py [--sizes 1000 10000 100000] [--rounds 5]

Needs `task` (Taskwarrior 2.6 or 3.x) on PATH; skips with a message otherwise. Everything is
written into a temporary folder, removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import alternate, median, ratios  # noqa: E402

PAIRS = [
    ("daily view", ["due"], ["next"]),
    ("open list", ["list"], ["list"]),
    ("prompt count", ["due", "--count", "--now", "2026-11-26T10:00"], ["+PENDING", "count"]),
]


def tasks(count: int, now: datetime, seed: int = 7) -> list[dict]:
    """Tasks over 50 projects across a year before now: most completed, some deleted, the
    rest pending with dues around now."""
    rng = random.Random(seed)
    stamp = "%Y%m%dT%H%M%SZ"
    made = []
    for index in range(count):
        entry = now - timedelta(days=rng.uniform(1, 365))
        due = entry + timedelta(days=rng.uniform(1, 30), hours=rng.choice((0, 8, 16)))
        task = {"uuid": str(uuid.UUID(int=rng.getrandbits(128))), "description": f"Task {index} for the client",
                "entry": entry.strftime(stamp), "due": due.strftime(stamp), "project": f"client{index % 50:02d}",
                "status": "pending"}  # fmt: skip
        roll = rng.random()
        if roll < 0.6 and due < now:
            task["status"], task["end"] = "completed", (due - timedelta(hours=rng.uniform(-48, 48))).strftime(stamp)
            if task["end"] < task["entry"]:
                task["end"] = task["entry"]
        elif roll < 0.65:
            task["status"], task["end"] = "deleted", min(now, due).strftime(stamp)
        if rng.random() < 0.2:
            task["tags"] = ["sales"]
        made.append(task)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    task = shutil.which("task")
    if task is None:
        print("Taskwarrior (`task`) is not installed: nothing to compare with.")
        return
    version = subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
    expect = [str(Path(sys.executable).parent / "expect")]
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp())
        try:
            (folder / "taskrc").write_text(f"data.location={folder / 'task'}\nconfirmation=off\nverbose=nothing\n"
                                           "gc=off\n")  # fmt: skip
            (folder / "config.toml").write_text('timezone = "UTC"\n')
            env = {**os.environ, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "task"),
                   "EXPECT_DB": str(folder / "ledger.db"), "EXPECT_CONFIG": str(folder / "config.toml"),
                   "EXPECT_NOW": "2026-11-26T10:00", "NO_COLOR": "1", "COLUMNS": "120",
                   "XDG_CACHE_HOME": str(folder / "cache")}  # fmt: skip
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            export = folder / "export.json"
            export.write_text(json.dumps(tasks(size, now)))
            started = time.perf_counter()
            subprocess.run([task, "import", str(export)], env=env, check=True, capture_output=True)
            task_import = time.perf_counter() - started
            subprocess.run([*expect, "db", "init", env["EXPECT_DB"]], env=env, capture_output=True, check=True)
            started = time.perf_counter()
            imported = subprocess.run([*expect, "import", str(export), "--from", "taskwarrior"], env=env,
                                      capture_output=True, text=True)  # fmt: skip
            expect_import = time.perf_counter() - started
            if imported.returncode != 0:
                raise SystemExit(f"expect import failed: {imported.stderr}")
            commands = {}
            for _label, ours, theirs in PAIRS:
                commands[f"expect {' '.join(ours[:2])}"] = [*expect, *ours]
                commands[f"task {' '.join(theirs)}"] = [task, "rc.gc=off", *theirs]
            for argv in commands.values():
                subprocess.run(argv, env=env, capture_output=True)
            samples = alternate(commands, env, args.rounds)
            baseline = median(samples["baseline"])
            print(f"\n{size:,} tasks ({version}); {args.rounds} rounds; `python -c pass` median {baseline:.3f} s; "
                  f"import: task {task_import:.2f} s, expect {expect_import:.2f} s")  # fmt: skip
            print(f"{'what':<14} {'expect':<22} {'median s':>8} {'ratio':>6}   {'Taskwarrior':<20} {'median s':>8} "
                  f"{'ratio':>6}")  # fmt: skip
            names = list(commands)
            for index, (label, _, _) in enumerate(PAIRS):
                ours, theirs = names[2 * index], names[2 * index + 1]
                print(f"{label:<14} {ours:<22} {median(samples[ours]):8.3f} "
                      f"{statistics.median(ratios(samples, ours)):6.1f}   {theirs:<20} {median(samples[theirs]):8.3f} "
                      f"{statistics.median(ratios(samples, theirs)):6.1f}")  # fmt: skip
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print("(ratio: the median over rounds of the command's wall time over the `python -c pass` run just before it)")


if __name__ == "__main__":
    main()

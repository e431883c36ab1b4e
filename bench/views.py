"""The views at 1k, 10k and 100k promises: `due`, `due --count`, the open list and `list --all`
written into a pipe, each timed against a bare `python -c pass` in the same run; and the peak
memory of `list --all` at each size, to show that rows stream (memory does not grow with the
ledger).

Ledgers are generated once into bench/.ledgers/ by bench/ledger.py with a backlog of 40 % of
the promises still in hand (the shape of issue 15's ledger: 100,000 promises, about 40,000
open, over 10,000 overdue). Every command's output is read through a pipe, and `list --all`'s
lines are counted (promises + the header). Exits 1 when a target at the largest size is missed.

    python bench/views.py [--rounds 5] [--sizes 1000,10000,100000] [--typed]

With `--typed`, each ledger is a copy with every due (and break point) moved to 17:00 of its
day in Berlin, as in a ledger typed by a person, where many promises share a due; the
generated ledgers' dues fall at random minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import BASELINE, HERE, LEDGERS, Sample, environment  # noqa: E402

BACKLOG = 0.4
# name, arguments, the largest median ratio to `python -c pass` allowed at 100,000 promises
TARGETS = [
    ("due", ["due"], 10),
    ("due --count", ["due", "--count"], 3),
    ("list (open) | …", ["list"], 20),
    ("list --all | …", ["list", "--all"], 40),
]


def ledger(size: int, typed: bool = False) -> Path:
    path = LEDGERS / f"{size}-backlog.db"
    if not path.exists():
        LEDGERS.mkdir(parents=True, exist_ok=True)
        print(f"generating {size:,} promises …", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "ledger.py"), str(path), str(size), "--backlog", str(BACKLOG)],
                       check=True)  # fmt: skip
    if typed:
        return at_five(path, LEDGERS / f"{size}-backlog-typed.db")
    return path


def at_five(source: Path, path: Path) -> Path:
    """A copy of the ledger at `source` with every due and break point at 17:00 of its day in
    Berlin (made once, into `path`)."""
    if not path.exists():
        from datetime import datetime
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Europe/Berlin")

        def five(moment: int | None) -> int | None:
            if moment is None:
                return None
            day = datetime.fromtimestamp(moment, zone)
            return int(day.replace(hour=17, minute=0, second=0).timestamp())

        partial = path.with_suffix(".partial")
        shutil.copyfile(source, partial)
        with sqlite3.connect(partial) as db:
            db.create_function("five", 1, five, deterministic=True)
            db.execute("UPDATE promise SET due = five(due), broken_at = five(broken_at)")
        db.close()
        partial.rename(path)
    return path


CPU: dict[int, float] = {}  # id(sample) → the child's user + system CPU seconds


def piped(argv: list[str], env: dict[str, str]) -> tuple[Sample, int]:
    """Run `argv` writing into a pipe that is read to the end; (time and peak memory, lines read)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    lines = 0
    while chunk := child.stdout.read(1 << 16):
        lines += chunk.count(b"\n")
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with {code}")
    sample = Sample(elapsed, usage.ru_maxrss)
    CPU[id(sample)] = usage.ru_utime + usage.ru_stime
    return sample, lines


def expect_program() -> list[str]:
    script = Path(sys.executable).parent / "expect"
    return [str(script)] if script.exists() else [sys.executable, "-m", "expectcli"]


def shape(path: Path) -> tuple[int, int, int]:
    """(promises, in hand, overdue at the benchmarks' now) — for the table's caption."""
    from datetime import datetime

    from measure import NOW

    now = int(datetime.fromisoformat(NOW).timestamp())
    with sqlite3.connect(path) as db:
        total, active = db.execute("SELECT COUNT(*), SUM(state = 'active') FROM promise").fetchone()
        overdue = db.execute(
            "SELECT COUNT(*) FROM promise WHERE state = 'active' AND (outcome = 'missed' OR due < ?)", (now,)
        ).fetchone()[0]
    return total, active, overdue


def measure(size: int, rounds: int, typed: bool = False) -> dict:
    path = ledger(size, typed)
    env = environment(path)
    env.pop("COLUMNS", None)
    expect = expect_program()
    samples: dict[str, list] = {name: [] for name, _, _ in TARGETS}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in TARGETS}
    cpu_ratios: dict[str, list[float]] = {name: [] for name, _, _ in TARGETS}
    lines: dict[str, int] = {}
    for _name, args, _ in TARGETS:  # warm up: page cache, byte-code
        piped(expect + args, env)
    for _ in range(rounds):
        for name, args, _ in TARGETS:
            base, _ = piped(BASELINE, env)
            sample, lines[name] = piped(expect + args, env)
            samples[name].append(sample)
            ratios[name].append(sample.seconds / base.seconds)
            cpu_ratios[name].append(CPU[id(sample)] / max(CPU[id(base)], 0.001))
    return {"shape": shape(path), "samples": samples, "ratios": ratios, "cpu": cpu_ratios, "lines": lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--typed", action="store_true", help="dues at 17:00, as a person types them")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {size: measure(size, args.rounds, args.typed) for size in sizes}

    print(f"expect views into a pipe; {args.rounds} rounds; ratio = the median over rounds of the command's wall "
          f"time over the `python -c pass` just before it (CPU ratio: the same of user + system CPU time); Python {sys.version.split()[0]}"
          f"{'; every due at 17:00 (--typed)' if args.typed else ''}")  # fmt: skip
    print(f"{'promises':>9} {'in hand':>8} {'overdue':>8}  {'command':<18} {'median s':>8} {'ratio':>6} "
          f"{'CPU ratio':>9} {'peak MB':>8} {'lines':>8}  target at 100k")  # fmt: skip
    failed = False
    for size, result in results.items():
        total, active, overdue = result["shape"]
        for name, _, target in TARGETS:
            ratio = statistics.median(result["ratios"][name])
            seconds = statistics.median(s.seconds for s in result["samples"][name])
            peak = max(s.peak_kb for s in result["samples"][name]) / 1024
            verdict = ""
            if size == max(sizes) and size >= 100_000:
                ok = ratio <= target
                failed |= not ok
                verdict = f"≤ {target}  {'pass' if ok else 'FAIL'}"
            cpu = statistics.median(result["cpu"][name])
            print(f"{total:9,} {active:8,} {overdue:8,}  {name:<18} {seconds:8.3f} {ratio:6.1f} {cpu:9.1f} {peak:8.1f} "
                  f"{result['lines'][name]:8,}  {verdict}")  # fmt: skip
        assert result["lines"]["list --all | …"] == total + 1, "list --all: one line per promise and the header"
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

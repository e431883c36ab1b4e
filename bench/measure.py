"""Helpers for the benchmarks: cached ledgers, and whole commands timed as real processes in
alternation with a baseline, reported as medians and ratios (this machine is noisy; absolute
seconds are not comparable between runs, ratios measured in the same run are)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
# Generated ledgers, named by their shape: bump SHAPE when bench/ledger.py generates differently
# (2: times in whole minutes, as `expect` writes them), so a stale one is not measured.
SHAPE = 2
LEDGERS = HERE / ".ledgers" / f"shape{SHAPE}"
BASELINE = [sys.executable, "-c", "pass"]
NOW = "2026-11-18T10:00:00+01:00"  # just after bench/ledger.py's fixed now


@dataclass
class Sample:
    seconds: float
    peak_kb: int


def ledger(size: int) -> Path:
    """A generated ledger of `size` promises over 50 clients, built once into bench/.ledgers/."""
    path = LEDGERS / f"{size}.db"
    if not path.exists():
        LEDGERS.mkdir(parents=True, exist_ok=True)
        print(f"generating {size:,} promises …", file=sys.stderr)
        # In a child process, so that this one stays small: a forked child's peak memory
        # counts what it inherited before exec.
        subprocess.run([sys.executable, str(HERE / "ledger.py"), str(path), str(size)], check=True)
    return path


def environment(db: Path) -> dict[str, str]:
    """The environment commands run in: the ledger, a Berlin config, a fixed now, no colour."""
    config = LEDGERS / "config.toml"
    LEDGERS.mkdir(parents=True, exist_ok=True)
    config.write_text('timezone = "Europe/Berlin"\n')
    # A cache folder of the benchmarks' own: the runs never touch the user's remembered answers.
    env = {**os.environ, "EXPECT_DB": str(db), "EXPECT_CONFIG": str(config), "EXPECT_NOW": NOW,
           "NO_COLOR": "1", "COLUMNS": "120", "XDG_CACHE_HOME": str(LEDGERS / "cache-runs")}  # fmt: skip
    # Byte-code is cached as in any installation (pip compiles it; an editable install writes it
    # on first use): a shell that disables it would time the compiler, not the program.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(argv: list[str], env: dict[str, str]) -> Sample:
    """Run `argv` to completion; wall time and the child's own peak resident memory."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed with {code}: {child.stderr.read().decode()}")
    child.stderr.close()
    return Sample(elapsed, usage.ru_maxrss)


def alternate(commands: dict, env: dict[str, str], rounds: int) -> dict[str, list[Sample]]:
    """Run every command once per round, the baseline just before each, so drift hits all alike.
    A command is its argv, or (argv, environment variables to set for it alone).

    `baseline` lists the baseline runs in the order they ran: round by round, one per command."""
    samples: dict[str, list[Sample]] = {name: [] for name in ["baseline", *commands]}
    for _ in range(rounds):
        for name, command in commands.items():
            argv, extra = command if isinstance(command, tuple) else (command, {})
            samples["baseline"].append(run_once(BASELINE, env))
            samples[name].append(run_once(argv, {**env, **extra}))
    return samples


def ratios(samples: dict[str, list[Sample]], name: str) -> list[float]:
    """Each run of `name` over the baseline run just before it (in `alternate`'s order)."""
    names = [key for key in samples if key != "baseline"]
    index, count = names.index(name), len(names)
    return [s.seconds / samples["baseline"][r * count + index].seconds for r, s in enumerate(samples[name])]


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def peak_mb(samples: list[Sample]) -> float:
    return max(s.peak_kb for s in samples) / 1024


@dataclass
class Timed(Sample):
    """A run's wall time and peak memory, and the child's own CPU time (user + system), which
    other work on a loaded machine disturbs less than the wall time."""

    cpu: float = 0.0
    status: int = 0


def run_timed(argv: list[str], env: dict[str, str]) -> Timed:
    """`run_once`, with the child's CPU time; its exit status is left to the caller."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return Timed(elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))

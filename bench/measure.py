"""Timing helpers for the benchmarks: whole commands as real processes, in alternation with
a baseline, reported as medians and ratios (this machine is noisy; absolute seconds are not
comparable between runs, ratios measured in the same run are)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

BASELINE = [sys.executable, "-c", "pass"]


@dataclass
class Sample:
    seconds: float
    peak_kb: int


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


def alternate(commands: dict[str, list[str]], env: dict[str, str], rounds: int) -> dict[str, list[Sample]]:
    """Run every command once per round, the baseline between each, so drift hits all alike."""
    samples: dict[str, list[Sample]] = {name: [] for name in ["baseline", *commands]}
    for _ in range(rounds):
        for name, argv in commands.items():
            samples["baseline"].append(run_once(BASELINE, env))
            samples[name].append(run_once(argv, env))
    return samples


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def peak_mb(samples: list[Sample]) -> float:
    return max(s.peak_kb for s in samples) / 1024

"""The speed targets: each command's median wall time over a bare `python -c pass`.

Runs every command of the table below on a generated 100,000-promise ledger (50 clients, two
years), each round in alternation with `python -c pass` of the same interpreter, and prints
the median seconds, the median of the per-round ratios, the target and the peak memory of
each, and beside them the least any count can cost in Python (bench/count_floor.py, no
target); then `report --month` on a 1,000,000-promise ledger against its absolute targets.
Ledgers are generated once into bench/.ledgers/ (git-ignored). `promise` writes to a fresh
copy of the ledger, deleted afterwards, so runs do not pile promises into the cached one.
Exits 1 when a target is missed.

    python bench/run.py [--rounds 7] [--size 100000] [--large 1000000 | --large 0]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import LEDGERS, alternate, environment, ledger, median, peak_mb, ratios, run_once  # noqa: E402

# name, arguments, the largest median ratio to `python -c pass` allowed
TARGETS = [
    ("due --count", ["due", "--count"], 3),
    # what a prompt runs before every line: the real clock, so the answer may come from the
    # per-user cache (expectcli.promptcache) that the warm-up run filled
    ("due --count, real clock (cached)", ["due", "--count"], 2),
    ("due", ["due"], 10),
    ("list", ["list"], 10),
    ("report --week", ["report", "--week"], 12),
    ("report --month --format json", ["report", "--month", "--format", "json"], 12),
    ("promise …", ["promise", "Benchmark promise", "--to", "client007", "--due", "fri"], 15),
]
# Not `expect`: the least any count can cost in Python (bench/count_floor.py: the imports a count
# needs and its SQL, nothing else), timed beside it as a floor for the uncached count; no target.
FLOOR = "count floor (bench/count_floor.py)"
LARGE = ("report --month", ["report", "--month"])
LARGE_SECONDS, LARGE_MB = 2.0, 150


def program(via: str) -> list[str]:
    """How to start `expect`: the installed console script (what a prompt hook runs), or -m."""
    script = Path(sys.executable).parent / "expect"
    if via == "script" and script.exists():
        return [str(script)]
    return [sys.executable, "-m", "expectcli"]


def measure(commands: dict, env: dict[str, str], rounds: int) -> dict:
    for command in commands.values():  # warm up: page cache, any schema step still to apply, the prompt's cache
        argv, extra = command if isinstance(command, tuple) else (command, {})
        run_once(argv, {**env, **extra})
    return alternate(commands, env, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000, help="0 skips the large report check")
    parser.add_argument(
        "--via",
        choices=("script", "module"),
        default="script",
        help="run the `expect` console script (default) or `python -m expectcli`",
    )
    args = parser.parse_args()
    expect = program(args.via)

    source = ledger(args.size)
    scratch = LEDGERS / f"scratch-{args.size}.db"
    shutil.copyfile(source, scratch)
    try:
        commands: dict = {name: expect + argv + (["--db", str(scratch)] if name.startswith("promise") else [])
                          for name, argv, _ in TARGETS}  # fmt: skip
        real_clock = {"EXPECT_NOW": "", "XDG_CACHE_HOME": str(LEDGERS / "cache")}
        commands = {name: (argv, real_clock) if "real clock" in name else argv for name, argv in commands.items()}
        commands[FLOOR] = [sys.executable, str(Path(__file__).parent / "count_floor.py"), str(source)]
        samples = measure(commands, environment(source), args.rounds)
    finally:
        for path in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
            path.unlink(missing_ok=True)
    large = None
    if args.large:
        large = measure({LARGE[0]: expect + LARGE[1]}, environment(ledger(args.large)), args.rounds)

    baseline = median(samples["baseline"])
    print(f"expect on {args.size:,} promises (50 clients, two years); {args.rounds} rounds; "
          f"`python -c pass` median {baseline:.3f} s; Python {sys.version.split()[0]}; "
          f"{'the expect script' if len(expect) == 1 else 'python -m expectcli'}")  # fmt: skip
    print(f"{'command':<36} {'median s':>8} {'ratio':>6} {'target':>14} {'peak MB':>8}  result")
    failed = False
    for name, _, target in TARGETS:
        ratio = statistics.median(ratios(samples, name))
        ok = ratio <= target
        failed |= not ok
        print(f"{name:<36} {median(samples[name]):8.3f} {ratio:6.1f} {'≤ ' + str(target):>14} "
              f"{peak_mb(samples[name]):8.0f}  {'pass' if ok else 'FAIL'}")  # fmt: skip
    ratio = statistics.median(ratios(samples, FLOOR))
    print(f"{FLOOR:<36} {median(samples[FLOOR]):8.3f} {ratio:6.1f} {'—':>14} {peak_mb(samples[FLOOR]):8.0f}  floor")
    if large is not None:
        name = LARGE[0]
        seconds, mb = median(large[name]), peak_mb(large[name])
        ok = seconds < LARGE_SECONDS and mb < LARGE_MB
        failed |= not ok
        label = f"{name} ({args.large:,} promises)"
        print(f"{label:<36} {seconds:8.3f} {statistics.median(ratios(large, name)):6.1f} "
              f"{f'< {LARGE_SECONDS:g} s, {LARGE_MB} MB':>14} {mb:8.0f}  {'pass' if ok else 'FAIL'}")  # fmt: skip
    print("(ratio: the median over rounds of the command's wall time over the `python -c pass` run just before it)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

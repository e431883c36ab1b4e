"""Does the report scale? `report --month` on a 1,000- and a 1,000,000-promise ledger.

Prints, for each ledger size, the median wall time of each report command, its ratio to a
bare `python -c pass` run in alternation, and its peak memory; then the ratio of the large
ledger's time to the small one's. Ledgers are generated once into bench/.ledgers/.

    python bench/report_scale.py [--rounds 5] [--large 1000000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import alternate, environment, ledger, median, peak_mb  # noqa: E402

EXPECT = [sys.executable, "-m", "expectcli"]
COMMANDS = {
    "report --month --format json": ["report", "--month", "--format", "json"],
    "report --month": ["report", "--month"],
    "report --week": ["report", "--week"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    results = {}
    for size in (1000, args.large):
        env = environment(ledger(size))
        results[size] = alternate({name: EXPECT + argv for name, argv in COMMANDS.items()}, env, args.rounds)
    small, large = results[1000], results[args.large]
    print(
        f"{'command':<30} {'1k s':>7} {'1k/py':>6} {'1k MB':>6} {'big s':>7} {'big/py':>7} {'big MB':>7} {'big/1k':>7}"
    )
    for name in COMMANDS:
        s_t, l_t = median(small[name]), median(large[name])
        print(f"{name:<30} {s_t:7.3f} {s_t / median(small['baseline']):6.1f} {peak_mb(small[name]):6.0f} "
              f"{l_t:7.3f} {l_t / median(large['baseline']):7.1f} {peak_mb(large[name]):7.0f} {l_t / s_t:7.1f}")  # fmt: skip
    print(f"(big = {args.large:,} promises; py = bare `python -c pass`, median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()

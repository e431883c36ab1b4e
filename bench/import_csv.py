"""How long does importing a large CSV take? `expect import` of 100,000 rows into a fresh ledger.

    python bench/import_csv.py [--rows 100000]

Prints the wall time of the import and, for scale, of a bare `python -c pass`, measured in
the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import BASELINE, run_once  # noqa: E402


def write_csv(path: Path, rows: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("title,client,due,promised_at,delivered_at,tags\n")
        for n in range(rows):
            made = 1_730_000_000 + rng.randint(0, 2 * 365 * 86400)
            due = made + rng.choice((3600 * 4, 86400, 3 * 86400, 7 * 86400))
            delivered = _iso(due - 3600) if rng.random() < 0.8 else ""
            out.write(f"Promise {n},client{n % 50:02d},{_iso(due)},{_iso(made)},{delivered},bench\n")


def _iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "promises.csv"
        write_csv(source, args.rows)
        env = {**os.environ, "EXPECT_DB": str(folder / "ledger.db"), "EXPECT_CONFIG": str(folder / "none.toml")}
        subprocess.run([sys.executable, "-m", "expectcli", "db", "init", env["EXPECT_DB"]], env=env, check=True,
                       capture_output=True)  # fmt: skip
        baseline = run_once(BASELINE, env)
        result = run_once([sys.executable, "-m", "expectcli", "import", str(source)], env)
        print(f"import of {args.rows:,} CSV rows: {result.seconds:.1f} s, peak {result.peak_kb / 1024:.0f} MB "
              f"(bare python start: {baseline.seconds:.3f} s; ratio {result.seconds / baseline.seconds:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()

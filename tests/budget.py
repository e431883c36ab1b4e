"""How many examples the costly property tests draw.

The default run (the README's test command) draws a quarter of them (the costliest, a tenth),
so the suite stays within a minute on a two-core machine; `EXPECT_THOROUGH=1`, which
`.ci/run` sets for a second pass over these tests, draws them all.
"""

from __future__ import annotations

import os

THOROUGH = os.environ.get("EXPECT_THOROUGH") == "1"


def examples(full: int, share: int = 4) -> int:
    """`full` in a thorough run, else a `share`-th of it (a quarter; at least five)."""
    return full if THOROUGH else max(5, full // share)

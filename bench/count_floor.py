"""The least a prompt's count can cost in Python: what any `due --count` must do, and nothing else.

Imports what the installed `expect` script and a count need (`re`, which pip's console script
imports to clean its own name; `sqlite3`; `zoneinfo` for the user's time zone), opens the
ledger read-only and counts the promises in hand that are overdue, at risk within a day and
due within two days, through the index of promises in hand. `bench/run.py` times it beside
`expect due --count`, so the uncached count can be read against this floor rather than
against a bare start alone.

    python bench/count_floor.py LEDGER
"""

import os
import re  # noqa: F401 — what pip's console script imports before `expect` runs
import sqlite3
import sys
import time
import zoneinfo
from datetime import datetime

zone = zoneinfo.ZoneInfo("Europe/Berlin")
fixed = os.environ.get("EXPECT_NOW")  # the benchmarks' fixed now, in ISO 8601, as `expect` is given it
now = int(datetime.fromisoformat(fixed).timestamp()) if fixed else int(time.time())
connection = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
DAY = 86400
row = connection.execute(
    "SELECT (SELECT COUNT(*) FROM promise p WHERE p.state = 'active' AND p.outcome = 'missed'),"
    " (SELECT COUNT(*) FROM promise p WHERE p.state = 'active' AND p.outcome = 'open' AND p.due < :now"
    "  AND (p.paused_since IS NULL OR p.paused_since > :now)),"
    " (SELECT COUNT(*) FROM promise p WHERE p.state = 'active' AND p.outcome = 'open' AND p.due >= :now"
    "  AND p.due < :now + :day),"
    " (SELECT COUNT(*) FROM promise p WHERE p.state = 'active' AND p.outcome = 'open' AND p.due >= :now + :day"
    "  AND p.due <= :now + 2 * :day)",
    {"now": now, "day": DAY},
).fetchone()
print(f"{row[0] + row[1]} overdue, {row[2]} at risk, {row[3]} due")

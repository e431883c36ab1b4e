"""Build a realistic ledger of N promises quickly, for benchmarks.

Promises over `clients` clients spread across two years before `now`, with the outcome mix
a working consultant sees (most kept, some moved, some late, some missed or released) and
every event in the journal. Rows are written with plain executemany in one transaction, the
folded state computed by the same `outcomes.fold` the ledger uses.

    python bench/ledger.py PATH N [--clients 50]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from expectcli.core import outcomes
from expectcli.storage import schema
from expectcli.storage.store import open_store

HOUR = 3600
DAY = 24 * HOUR
NOW = 1_795_000_000  # 2026-11-18, a fixed "now" so runs compare


def minute(moment: int) -> int:
    """`moment` to its whole minute: `expect` keeps times in whole minutes (seconds are dropped
    on input), so a ledger it wrote has no others."""
    return moment - moment % 60


def build(path: Path, count: int, clients: int = 50, seed: int = 7, now: int = NOW, backlog: float = 0.0) -> None:
    """`backlog`: the share of promises still in hand (made in the last 60 days, due up to 120
    days after they were made; about a quarter of them overdue), like a ledger that is
    written to but not kept up: the shape of issue 15's 100,000 promises with 40,000 open."""
    path.unlink(missing_ok=True)
    store = open_store(str(path), create=True)
    schema.migrate(store, now)
    rng = random.Random(seed)
    with store.write():
        conn = store.conn  # inside the write transaction: executemany for speed
        conn.executemany(
            "INSERT INTO client (id, handle, name, created_at) VALUES (?, ?, ?, ?)",
            [(i + 1, f"client{i:03d}", f"Client {i}", now - 2 * 365 * DAY) for i in range(clients)],
        )
        promises, events = [], []
        event_id = 0
        for pid in range(1, count + 1):
            if rng.random() < backlog:
                made = minute(now - rng.randint(0, 60 * DAY))
                due = minute(made + rng.randint(4 * HOUR, 120 * DAY))
                roll = 1.0  # stays in hand: open, or missed once its deadline passes
            else:
                made = minute(now - rng.randint(0, 2 * 365 * DAY))
                due = made + rng.choice((4 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY))
                roll = rng.random()
            steps = [outcomes.Step("promised", made, due=due)]
            if roll < 0.15:  # renegotiated in time (sometimes too late)
                moved_at = due - HOUR if rng.random() < 0.8 else due + DAY
                steps.append(outcomes.Step("moved", moved_at, due=due + 3 * DAY))
                due += 3 * DAY
            end = steps[-1].recorded_at
            if roll < 0.88:  # delivered, mostly on time
                delivered = due - rng.randint(0, DAY) if rng.random() < 0.85 else due + rng.randint(HOUR, 3 * DAY)
                delivered = max(minute(delivered), end)
                if delivered <= now:
                    steps.append(outcomes.Step("delivered", delivered, effective_at=delivered))
            elif roll < 0.93:
                released = max(made + HOUR, end)
                if released <= now:
                    steps.append(outcomes.Step("released", released))
            elif roll < 1.0 and due < now - 30 * DAY:  # old work does not stay open forever: delivered late
                steps.append(outcomes.Step("delivered", due + 2 * DAY, effective_at=due + 2 * DAY))
            state = outcomes.fold(steps)
            promises.append((
                pid, 1 + pid % clients, f"Promise {pid}", None, "deliverable", "[]", state.promised_at,
                state.first_due, state.due, state.moves, state.state, state.delivered_at, state.released_at,
                state.broken_at, state.outcome, state.reckon_at,
            ))  # fmt: skip
            previous_due = None
            for step in steps:
                event_id += 1
                events.append((event_id, step.kind, step.recorded_at, pid, step.due,
                               previous_due if step.kind == "moved" else None, step.effective_at,
                               "more time" if step.kind == "moved" else None))  # fmt: skip
                if step.due is not None:
                    previous_due = step.due
        conn.executemany(
            "INSERT INTO promise (id, client_id, title, criteria, kind, tags, promised_at, first_due, due, moves,"
            f" state, delivered_at, released_at, broken_at, outcome, reckon_at) VALUES ({', '.join('?' * 16)})",
            promises,
        )
        conn.executemany(
            "INSERT INTO event (id, kind, recorded_at, promise_id, due, previous_due, effective_at, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    store.conn.execute("ANALYZE")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--backlog", type=float, default=0.0, help="share of promises still in hand (0 to 1)")
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.path, args.count, args.clients, backlog=args.backlog)
    print(f"{args.count} promises in {time.perf_counter() - started:.1f} s -> {args.path}", file=sys.stderr)


if __name__ == "__main__":
    main()

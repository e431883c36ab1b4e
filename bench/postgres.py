"""A prompt on a PostgreSQL ledger: `due --count` asked of the server (as of a fixed moment, so
never cached) and on the real clock (answered from the per-user cache after the first run),
each against a bare `python -c pass` in the same run.

    python bench/postgres.py --url postgresql+psycopg://user@127.0.0.1:5432/db [--rounds 11]
    python bench/postgres.py --url … --list 10000,100000 [--rounds 3]

The URL's database gets a schema of its own for the run (5 promises, as a small practice's
shared ledger has on a given day), dropped afterwards. With `--list`, each size's generated
ledger (bench/views.py's, with its backlog) is copied into a schema of its own instead, and
`list --all` is written into a pipe: its time against `python -c pass`, its lines, and its
peak memory — which stays flat as the ledger grows, the rows coming from a server-side cursor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import alternate, median, ratios  # noqa: E402

TARGET = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--list", default="", help="sizes of ledgers to write `list --all` of (e.g. 10000,100000)")
    args = parser.parse_args()
    if args.list:
        listing(args.url, [int(size) for size in args.list.split(",")], args.rounds)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    server = create_engine(args.url)
    with server.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(args.url).update_query_dict({"options": f"-csearch_path={schema}"})
    folder = Path(tempfile.mkdtemp())
    try:
        config = folder / "config.toml"
        config.write_text('timezone = "Europe/Berlin"\n')
        env = {**os.environ, "EXPECT_DB": url.render_as_string(hide_password=False), "EXPECT_CONFIG": str(config),
               "XDG_CACHE_HOME": str(folder / "cache"), "EXPECT_NOW": ""}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        expect = [str(Path(sys.executable).parent / "expect")]
        subprocess.run([*expect, "db", "init", env["EXPECT_DB"]], env=env, capture_output=True, check=True)
        for day in range(1, 6):
            made = subprocess.run([*expect, "promise", f"Promise {day}", "--to", "acme", "--due", f"in {day} days"],
                                  env=env, capture_output=True, text=True)  # fmt: skip
            if made.returncode != 0:
                raise SystemExit(made.stderr)
        commands = {
            "due --count, asked of the server": ([*expect, "due", "--count", "--now", "2026-11-26T12:00"], {}),
            "due --count, real clock (cached)": ([*expect, "due", "--count"], {}),
        }
        for argv, extra in commands.values():
            subprocess.run(argv, env={**env, **extra}, capture_output=True)  # warm up, fill the cache
        samples = alternate(commands, env, args.rounds)
    finally:
        with server.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        server.dispose()
    baseline = median(samples["baseline"])
    print(f"expect on PostgreSQL, 5 promises; {args.rounds} rounds; `python -c pass` median {baseline:.3f} s")
    print(f"{'command':<36} {'median s':>8} {'ratio':>6}")
    for name in commands:
        print(f"{name:<36} {median(samples[name]):8.3f} {statistics.median(ratios(samples, name)):6.1f}")
    cached = statistics.median(ratios(samples, "due --count, real clock (cached)"))
    print(f"target for the prompt: ≤ {TARGET}x — {'pass' if cached <= TARGET else 'FAIL'}")
    sys.exit(0 if cached <= TARGET else 1)


def listing(url: str, sizes: list[int], rounds: int) -> None:
    """`list --all` of each size's ledger on the server, into a pipe."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from measure import BASELINE, NOW
    from views import CPU, expect_program, ledger, piped

    server = create_engine(url)
    expect = expect_program()
    print(f"`list --all` on PostgreSQL into a pipe; {rounds} rounds; ratio = median of wall time over `python -c pass`")
    print(f"{'promises':>9}  {'median s':>8} {'ratio':>6} {'CPU ratio':>9} {'peak MB':>8} {'lines':>8}")
    for size in sizes:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with server.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            location = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
            copy(ledger(size), location.render_as_string(hide_password=False))
            with tempfile.TemporaryDirectory() as folder:
                config = Path(folder) / "config.toml"
                config.write_text('timezone = "Europe/Berlin"\n')
                env = {**os.environ, "EXPECT_DB": location.render_as_string(hide_password=False),
                       "EXPECT_CONFIG": str(config), "EXPECT_NOW": NOW, "NO_COLOR": "1"}  # fmt: skip
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                env.pop("COLUMNS", None)
                piped([*expect, "list", "--all"], env)  # warm up
                runs = []
                for _ in range(rounds):
                    base, _ = piped(BASELINE, env)
                    sample, lines = piped([*expect, "list", "--all"], env)
                    runs.append((sample, base, lines))
        finally:
            with server.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        seconds = statistics.median(sample.seconds for sample, _, _ in runs)
        ratio = statistics.median(sample.seconds / base.seconds for sample, base, _ in runs)
        cpu = statistics.median(CPU[id(sample)] / max(CPU[id(base)], 0.001) for sample, base, _ in runs)
        peak = max(sample.peak_kb for sample, _, _ in runs) / 1024
        print(f"{size:9,}  {seconds:8.3f} {ratio:6.1f} {cpu:9.1f} {peak:8.1f} {runs[-1][2]:8,}")
        assert runs[-1][2] == size + 1, "list --all: one line per promise and the header"
    server.dispose()


def copy(source: Path, url: str) -> None:
    """A new ledger at `url` (`expect db init`) holding the clients, promises and events of the
    SQLite ledger `source`."""
    import sqlite3

    from sqlalchemy import create_engine, text

    env = {**os.environ, "EXPECT_NOW": ""}
    expect = [str(Path(sys.executable).parent / "expect")]
    subprocess.run([*expect, "db", "init", url], env=env, capture_output=True, check=True)
    engine = create_engine(url)
    with sqlite3.connect(source) as db, engine.begin() as conn:
        for table in ("client", "promise", "event"):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            insert = text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
            cursor = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            while rows := cursor.fetchmany(5000):
                conn.execute(insert, [dict(zip(columns, row, strict=True)) for row in rows])
        conn.execute(text("ANALYZE"))
    engine.dispose()


if __name__ == "__main__":
    main()

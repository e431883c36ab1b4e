"""A prompt on a PostgreSQL ledger: `due --count` asked of the server (as of a fixed moment, so
never cached) and on the real clock (answered from the per-user cache after the first run),
each against a bare `python -c pass` in the same run.

    python bench/postgres.py --url postgresql+psycopg://user@127.0.0.1:5432/db [--rounds 11]

The URL's database gets a schema of its own for the run (5 promises, as a small practice's
shared ledger has on a given day), dropped afterwards.
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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()

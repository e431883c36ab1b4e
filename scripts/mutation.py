"""Mutation run over the rules: outcomes, dates, periods, business time, the report, and the
outcome SQL and write guards of the ledger. Prints the score and every surviving mutant.

    python scripts/mutation.py              # both passes (about 15 minutes on 2 cores)
    python scripts/mutation.py --only edges # the quick pass alone (a few minutes)
    python scripts/mutation.py --only mutmut

Two passes, each in a scratch copy of src/, tests/ and pyproject.toml (the work tree is
never touched):

1. mutmut, configured in pyproject.toml ([tool.mutmut]): operators, numbers, strings,
   arguments and names in the Python of the modules listed there, each mutant tried
   against the selected tests that reach the mutated function.
2. "edges", done here because mutmut leaves the text of SQL alone and does not mutate
   the journal and queries: every ordering comparison in the SQL of the core (`<` ↔ `<=`,
   `>` ↔ `>=`; EDGE_FILES), every ordering comparison in the Python of the journal, the
   queries and validation, and every `if …: raise BadInput(…)` guard there switched off. Each mutant
   runs EDGE_TESTS (stopping at the first failure) with the mutated copy first on
   PYTHONPATH.

docs/testing.md lists the score and the reason each survivor survives.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "src/expectcli/core/"
EDGE_FILES = tuple(
    CORE + name for name in ("outcomes.py", "queries.py", "journal.py", "report.py", "clients.py", "due.py")
)
PYTHON_EDGE_FILES = tuple(CORE + name for name in ("queries.py", "journal.py", "validate.py"))
EDGE_TESTS = (
    "tests/test_boundaries.py",
    "tests/test_outcomes.py",
    "tests/test_outcome_rule.py",
    "tests/test_cli_ledger.py",
    "tests/test_report.py",
    "tests/test_clients.py",
    "tests/test_brief.py",
    "tests/test_bad_input.py",
    "tests/test_security.py",
    "tests/test_asks.py",
    "tests/test_notice.py",
    "tests/test_report_asks.py",
    "tests/test_due.py",
    "tests/test_filters.py",
    "tests/test_recurring.py",
    "tests/test_corrections.py",
    "tests/test_undo_commands.py",
    "tests/test_report_edges.py",
    "tests/test_edges_sql.py",
)
SQL_WORDS = re.compile(r"\b(SELECT|WHERE|CASE|WHEN|AND|UPDATE|INSERT)\b| :[a-z]")  # SQL text, or a bound :name
SQL_COMPARISON = re.compile(r"(?<= )(<=|>=|<|>)(?= )")
FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


@dataclass
class Mutant:
    name: str
    path: str
    line: int
    description: str
    source: str  # the whole mutated file


def scratch_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="expect-mutation-"))
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", folder / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", folder / "pyproject.toml")
    return folder


# --- pass 1: mutmut ----------------------------------------------------------------


def run_mutmut(jobs: int) -> tuple[int, int, list[str]]:
    """(killed, total, survivor lines with their diffs) of a mutmut run."""
    folder = scratch_copy()
    mutmut = [sys.executable, "-m", "mutmut"]
    started = time.monotonic()
    print(f"mutmut: running in {folder} with {jobs} workers …", flush=True)
    run = subprocess.run([*mutmut, "run", "--max-children", str(jobs)], cwd=folder, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        raise SystemExit("mutmut run failed")
    listed = subprocess.run([*mutmut, "results", "--all", "true"], cwd=folder, capture_output=True, text=True).stdout
    statuses = dict(line.strip().rsplit(": ", 1) for line in listed.splitlines() if ": " in line)
    counted = {name: status for name, status in statuses.items() if status not in ("no tests", "skipped")}
    killed = sum(1 for status in counted.values() if status in ("killed", "timeout", "segfault"))
    survivors = []
    for name, status in statuses.items():
        if status in ("survived", "no tests", "suspicious"):
            diff = subprocess.run([*mutmut, "show", name], cwd=folder, capture_output=True, text=True).stdout
            survivors.append(f"{status}: {name}\n{_short_diff(diff)}")
    print(f"mutmut: done in {time.monotonic() - started:.0f} s", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    return killed, len(counted), survivors


def _short_diff(diff: str) -> str:
    return "\n".join("    " + line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))


# --- pass 2: the edges of the journal, the queries and the SQL ------------------------------------


def edge_mutants() -> list[Mutant]:
    mutants: list[Mutant] = []
    for path in EDGE_FILES:
        text = (ROOT / path).read_text()
        lines = text.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        short = Path(path).stem
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            start = offsets[tok.start[0] - 1] + tok.start[1]
            if tok.type == tokenize.STRING and SQL_WORDS.search(tok.string):
                for found in SQL_COMPARISON.finditer(tok.string):
                    at = start + found.start()
                    old, new = found.group(), FLIP[found.group()]
                    context = tok.string[max(0, found.start() - 25) : found.end() + 12].replace("\n", " ")
                    mutants.append(Mutant(f"{short}.sql@{tok.start[0]}:{found.start()}", path, tok.start[0],
                                          f"SQL `{old}` → `{new}` in …{context}…",
                                          text[:at] + new + text[at + len(old):]))  # fmt: skip
            elif tok.type == tokenize.OP and tok.string in FLIP and path in PYTHON_EDGE_FILES:
                new = FLIP[tok.string]
                mutants.append(Mutant(f"{short}.py@{tok.start[0]}:{tok.start[1]}", path, tok.start[0],
                                      f"`{tok.string}` → `{new}` in `{lines[tok.start[0] - 1].strip()}`",
                                      text[:start] + new + text[start + len(tok.string):]))  # fmt: skip
        if path in PYTHON_EDGE_FILES:
            for found in re.finditer(r"(?m)^(?P<indent>[ \t]*)if (?P<cond>.+):\n[ \t]*raise BadInput", text):
                at = found.start("cond")
                mutants.append(Mutant(f"{short}.guard@{text.count(chr(10), 0, at) + 1}", path,
                                      text.count("\n", 0, at) + 1, f"guard removed: `if {found['cond']}`",
                                      text[:at] + "False" + text[found.end("cond"):]))  # fmt: skip
    return mutants


def try_edge_mutant(mutant: Mutant) -> tuple[Mutant, bool]:
    folder = Path(tempfile.mkdtemp(prefix="expect-edge-"))
    try:
        shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__"))
        (folder / mutant.path).write_text(mutant.source)
        env = {**os.environ, "PYTHONPATH": str(folder / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-n",
                "0",
                "-p",
                "no:cacheprovider",
                "-m",
                "not slow",
                *(test for test in EDGE_TESTS if (ROOT / test).exists()),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        return mutant, run.returncode != 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_edges(jobs: int) -> tuple[int, int, list[str]]:
    mutants = edge_mutants()
    started = time.monotonic()
    print(f"edges: {len(mutants)} mutants, {jobs} at a time …", flush=True)
    killed, survivors = 0, []
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for done, (mutant, dead) in enumerate(pool.map(try_edge_mutant, mutants), start=1):
            killed += dead
            print(f"  {done}/{len(mutants)} {'killed' if dead else 'SURVIVED'}: {mutant.description}", flush=True)
            if not dead:
                survivors.append(f"survived: {mutant.name} ({mutant.path}:{mutant.line})\n    {mutant.description}")
    print(f"edges: done in {time.monotonic() - started:.0f} s", flush=True)
    return killed, len(mutants), survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("mutmut", "edges"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    results = {}
    if args.only in (None, "edges"):
        results["edges"] = run_edges(args.jobs)
    if args.only in (None, "mutmut"):
        results["mutmut"] = run_mutmut(args.jobs)
    print()
    for name, (_killed, _total, survivors) in results.items():
        print(f"== {name}: {len(survivors)} not killed")
        for survivor in survivors:
            print(survivor)
    print()
    for name, (killed, total, _) in results.items():
        print(f"{name}: {killed}/{total} killed ({100 * killed / max(total, 1):.1f} %)")
    killed = sum(k for k, _, _ in results.values())
    total = sum(t for _, t, _ in results.values())
    print(f"score: {killed}/{total} killed ({100 * killed / max(total, 1):.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

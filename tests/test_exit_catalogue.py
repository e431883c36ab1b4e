"""The failure catalogue of docs/reliability.md, run row by row as real processes (its folder
holds a SQLite ledger also when the suite runs on PostgreSQL).

The catalogue is the one list: the page shows it to users, and this test runs (every other
one by default, all of them with `-m slow` in `.ci/run`) every row
whose "tried" cell is a single command (and that names no other test file), in a bash shell, in a folder holding `ledger.db`
(the ledger EXPECT_DB names, with promise #1 for acme), `notes.db` (another program's
SQLite database) and `notes.txt`. A row fails on a traceback or exit 70 anywhere, on another
exit status than documented, on a missing fragment of what the user sees, or — where the
page says "unchanged" — on any file of the folder changed, added or removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import NOW

PAGE = Path(__file__).parent.parent / "docs" / "reliability.md"
HEADING = "## The failure catalogue"


@dataclass
class Row:
    failure: str
    command: str
    status: int
    fragments: list[str]
    on_disk: str


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (`\\|` is a literal bar)."""
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]


def catalogue() -> list[Row]:
    text = PAGE.read_text()
    section = text[text.index(HEADING) :]
    section = section[: section.find("\n## ", len(HEADING))] if "\n## " in section[len(HEADING) :] else section
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| failure"):
            continue
        failure, tried, status, seen, on_disk = cells(line)
        single = re.fullmatch(r"`([^`]+)`", tried)
        if single is None or not status.isdigit() or re.search(r"test_\w+\.py", on_disk):
            continue  # tested where its last column says
        rows.append(Row(failure, single.group(1), int(status), re.findall(r"`([^`]+)`", seen), on_disk))
    return rows


ROWS = catalogue()


def test_the_catalogue_is_read_from_the_page():
    assert len(ROWS) >= 30
    assert {row.status for row in ROWS} >= {0, 1, 2}
    assert any(">&-" in row.command for row in ROWS) and any("/dev/full" in row.command for row in ROWS)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if not path.name.endswith(("-wal", "-shm")) and ".cache" not in path.parts
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The folder every row starts from (copied per row)."""
    folder = tmp_path_factory.mktemp("catalogue")
    env = environment(folder)
    for args in (["db", "init", "ledger.db"], ["promise", "Send the proposal", "--to", "acme", "--due", "fri"]):
        made = subprocess.run([sys.executable, "-m", "expectcli", *args], cwd=folder, env=env, capture_output=True,
                              text=True)  # fmt: skip
        assert made.returncode == 0, made.stderr
    with sqlite3.connect(folder / "notes.db") as conn:
        conn.execute("CREATE TABLE note (text TEXT)")
        conn.execute("INSERT INTO note VALUES ('call the plumber')")
    conn.close()
    (folder / "notes.txt").write_text("dear diary\n")
    return folder


def environment(folder: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(folder), "EXPECT_DB": "ledger.db", "EXPECT_CONFIG": str(folder / "none.toml"),
           "EXPECT_NOW": NOW, "NO_COLOR": "1", "XDG_CACHE_HOME": str(folder / ".cache"), "PYTHON": sys.executable}  # fmt: skip
    env.pop("EXPECT_TEST_PG", None)
    return env


# The default run tries every other row (each a real process); the slow pass (`.ci/run`) all of them.
@pytest.mark.parametrize(
    "row",
    [pytest.param(row, marks=() if n % 2 == 0 else pytest.mark.slow) for n, row in enumerate(ROWS)],
    ids=[row.failure for row in ROWS],
)
def test_a_failure_of_the_catalogue(row: Row, template: Path, tmp_path: Path):
    import shutil

    folder = tmp_path / "work"
    shutil.copytree(template, folder)
    before = snapshot(folder)
    script = f'expect() {{ "$PYTHON" -m expectcli "$@"; }}\n{row.command}\n'
    out = subprocess.run(["bash", "-c", script], cwd=folder, env=environment(folder), capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    said = out.stderr
    assert out.returncode != 70 and "Traceback" not in said and "internal error" not in said, said
    assert out.returncode == row.status, (row.command, out.returncode, out.stdout, said)
    assert said.count("\n") == 1, said  # one line
    for fragment in row.fragments:
        assert fragment in said, (fragment, said)
    assert "s3cret" not in said + out.stdout and "s3cr@t" not in said
    if row.on_disk.startswith("unchanged"):
        assert snapshot(folder) == before
        assert not any(name.startswith(("bob", "postgres")) for name in os.listdir(folder))

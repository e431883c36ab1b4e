"""The fixtures' own promises: the ledger each test gets is the one `expect db init` makes."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

from conftest import db_init, fresh_ledger, sqlite_only


def dump(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return list(conn.iterdump())


@sqlite_only("the copied ledger file stands for what db init writes")
def test_the_copied_ledger_is_what_db_init_makes(tmp_path: Path):
    made = tmp_path / "made" / "deeper" / "ledger.db"
    db_init(str(made))
    with fresh_ledger(tmp_path / "copied" / "deeper") as location:
        copied = Path(location)
        assert dump(copied) == dump(made)
        assert (
            [stat.S_IMODE(p.stat().st_mode) for p in (copied, copied.parent, copied.parent.parent)]
            == [stat.S_IMODE(p.stat().st_mode) for p in (made, made.parent, made.parent.parent)]
            == [0o600, 0o700, 0o700]
        )
        assert sorted(p.name for p in copied.parent.iterdir()) == sorted(p.name for p in made.parent.iterdir())


def test_each_test_gets_a_ledger_of_its_own(cli, tmp_path: Path):
    cli.promise()
    with fresh_ledger(tmp_path / "other") as location:
        assert location != cli.location
        assert cli.json("list", "--all") and not cli.__class__(location, cli.config).json("list", "--all")
    assert cli.ok("db", "check").exit_code == 0


def test_every_file_that_draws_fewer_examples_is_run_again_with_all_of_them():
    """A test file using `budget.examples` draws a quarter of its examples by default;
    `.ci/run` must run it again with `EXPECT_THOROUGH=1`."""
    tests = Path(__file__).parent
    budgeted = {
        path.name for path in tests.glob("test_*.py") if re.search(r"^from budget import", path.read_text(), re.M)
    }
    thorough = (tests.parent / ".ci" / "run").read_text().split("EXPECT_THOROUGH=1", 1)[1].split("\n\n", 1)[0]
    assert budgeted and budgeted <= {word.removeprefix("tests/") for word in thorough.split()}

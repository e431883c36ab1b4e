"""The fixtures' own promises: the ledger each test gets is the one `expect db init` makes."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

import conftest
from conftest import Cli, _copy_new_ledger, built, db_init, fresh_ledger, sqlite_only


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


def type_two_promises(cli: Cli) -> None:
    cli.promise("Proposal", due="2026-11-20", now="2026-11-16T09:00:00+01:00")
    cli.ok("move", "1", "2026-11-23", "--reason", "figures late", now="2026-11-18T10:00:00+01:00")
    cli.promise("Workshop", to="globex", due="fri")


@sqlite_only("the copy of a SQLite file")
def test_a_built_ledger_is_the_ledger_its_commands_make(tmp_path: Path, config_file: Path):
    """`built` types a history once per process and copies its file after that: the copy is
    the same ledger, file for file, as the one typed, and each copy is a ledger of its own."""
    conftest._BUILT.pop(f"{__name__}.type_two_promises", None)
    typed, copied, again = (Cli(tmp_path / name / "ledger.db", config_file) for name in ("typed", "copied", "again"))
    for cli in (typed, copied, again):
        _copy_new_ledger(cli.path)
    built(typed, type_two_promises)
    built(copied, type_two_promises)
    assert dump(copied.path) == dump(typed.path)
    assert copied.json("list", "--all") == typed.json("list", "--all")
    assert [p["outcome"] for p in copied.json("list", "--all")] == ["missed", "open"]
    copied.promise("Only in the copy")
    built(again, type_two_promises)
    assert len(again.json("list", "--all")) == 2 and len(copied.json("list", "--all")) == 3
    assert stat.S_IMODE(copied.path.stat().st_mode) == 0o600


def test_every_file_that_draws_fewer_examples_is_run_again_with_all_of_them():
    """A test file using `budget.examples` draws a quarter of its examples by default;
    `.ci/run` must run it again with `EXPECT_THOROUGH=1`."""
    tests = Path(__file__).parent
    budgeted = {
        path.name for path in tests.glob("test_*.py") if re.search(r"^from budget import", path.read_text(), re.M)
    }
    thorough = (tests.parent / ".ci" / "run").read_text().split("EXPECT_THOROUGH=1", 1)[1].split("\n\n", 1)[0]
    assert budgeted and budgeted <= {word.removeprefix("tests/") for word in thorough.split()}

"""A shell prompt runs `expect due --count` before every prompt: it must import none of the
heavy libraries. Python's own report (`python -X importtime`) of every module a real run
imported is the proof; a module is matched by its top-level package, exactly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, run_expect

# Typer (with the Click it vendors or depends on), Rich, SQLModel with SQLAlchemy and
# pydantic, Pendulum, holidays: each costs more to import than the prompt can afford.
HEAVY = {"typer", "click", "rich", "sqlmodel", "sqlalchemy", "pydantic", "pydantic_core", "pendulum", "holidays"}

HEADER = ["import time: self [us]", "cumulative", "imported package"]
FAST_ENTRY = "from expectcli.cli.fast import main; main()"
SCRIPTS = Path(sys.executable).parent  # the installed console scripts, `expect` and `expectcli`


def imported_modules(report: str) -> list[str]:
    """The full names of the modules in a `-X importtime` report, in import order. Each line
    is `import time: <self µs> | <cumulative µs> | <name, indented by nesting>`."""
    lines = [line for line in report.splitlines() if line.startswith("import time:")]
    assert lines and [part.strip() for part in lines[0].split("|")] == HEADER, lines[:1]
    names = []
    for line in lines[1:]:
        own, cumulative, name = line[len("import time:") :].split("|")
        assert own.strip().isdigit() and cumulative.strip().isdigit(), line
        names.append(name.strip())
    return names


def top_level(names: list[str]) -> set[str]:
    return {name.partition(".")[0] for name in names}


def test_the_report_is_read_by_exact_package_names():
    report = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   richtext\n"
        "import time:        80 |        200 | rich_cli_helpers.x\n"
        "import time:        95 |         95 |     sqlalchemy.engine\n"
        "an unrelated line on stderr\n"
    )
    names = imported_modules(report)
    assert names == ["richtext", "rich_cli_helpers.x", "sqlalchemy.engine"]
    assert top_level(names) & HEAVY == {"sqlalchemy"}


@pytest.fixture(scope="module")
def prompt_ledger(tmp_path_factory) -> dict[str, str]:
    """A ledger file with a promise and a client owed updates, made by `db init`, `promise` and `client terms`."""
    folder = tmp_path_factory.mktemp("prompt")
    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\nday_end = "18:00"\n')
    env = {"EXPECT_DB": str(folder / "ledger.db"), "EXPECT_CONFIG": str(config), "EXPECT_NOW": NOW}
    for args in (["db", "init", env["EXPECT_DB"]],
                 ["promise", "Send the proposal", "--to", "acme", "--due", "tomorrow"],
                 ["client", "terms", "acme", "--update-every", "1bd"]):  # fmt: skip
        made = run_expect(args, env)
        assert made.returncode == 0, made.stderr
    return env


def run_with_importtime(
    program: list[str], env: dict[str, str], args: tuple[str, ...] = ("due", "--count")
) -> tuple[subprocess.CompletedProcess, list[str]]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *program, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return out, imported_modules(out.stderr)


@pytest.mark.parametrize("program", [["-m", "expectcli"], ["-c", FAST_ENTRY]], ids=["-m expectcli", "fast entry"])
@pytest.mark.parametrize("config", ["small", "missing"])
@pytest.mark.parametrize("clock", ["real", "EXPECT_NOW"])
def test_due_count_imports_no_heavy_library(prompt_ledger, tmp_path, program, config, clock):
    env = dict(prompt_ledger)
    if config == "missing":
        env["EXPECT_CONFIG"] = str(tmp_path / "no-such-config.toml")
    if clock == "real":
        env["EXPECT_NOW"] = ""
    out, names = run_with_importtime(program, env)
    assert out.returncode in (0, 1), out.stderr  # 1: something is overdue
    assert re.match(r"\d+ (overdue|due)\b", out.stdout), out.stdout  # the ledger was read and counted
    assert {"expectcli.cli.fast", "sqlite3"} <= set(names)  # the report covers the real work
    assert top_level(names) & HEAVY == set(), sorted(n for n in names if n.partition(".")[0] in HEAVY)


@pytest.mark.parametrize("script", ["expect", "expectcli"])
def test_the_installed_scripts_answer_the_prompt_without_heavy_libraries(prompt_ledger, script):
    for args in (("due", "--count"), ("due", "--count", "--json", "--within", "1bd")):
        out, names = run_with_importtime([str(SCRIPTS / script)], prompt_ledger, args)
        assert out.returncode in (0, 1), out.stderr
        assert {"expectcli.cli.fast", "sqlite3"} <= set(names)
        assert top_level(names) & HEAVY == set(), (script, args, sorted(top_level(names) & HEAVY))


def test_nothing_heavy_is_loaded_without_an_import_statement(prompt_ledger):
    """The same check from inside: as the process ends, nothing heavy is in `sys.modules`
    (which also catches a module put there by other means than an import). The fast path
    ends with `os._exit`, which skips `atexit`, so the check wraps it."""
    code = (
        "import atexit, os, sys\n"
        f"heavy = {sorted(HEAVY)!r}\n"
        "def check():\n"
        "    print(sorted({m.partition('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr, flush=True)\n"
        "exit_now = os._exit\n"
        "os._exit = lambda status: (check(), exit_now(status))\n"
        "atexit.register(check)\n"
        f"{FAST_ENTRY}\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "due", "--count"],
        env={**os.environ, **prompt_ledger},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode in (0, 1) and out.stderr == "[]\n", out.stderr


def test_a_write_names_its_author_without_importing_socket(prompt_ledger, tmp_path):
    """Every write records user@host: the host is the kernel's node name, the same name
    `socket.gethostname` gives, read without importing `socket` (a few ms on each write)."""
    import socket

    from expectcli.core.journal import _host

    assert _host() == socket.gethostname()
    env = {**prompt_ledger, "EXPECT_DB": str(tmp_path / "ledger.db")}
    assert run_expect(["db", "init", env["EXPECT_DB"]], env).returncode == 0
    out, names = run_with_importtime(["-m", "expectcli"], env, ("client", "add", "globex"))
    assert out.returncode == 0, out.stderr
    assert "sqlite3" in names and "socket" not in names, sorted(names)


READS = [("list",), ("list", "--all", "--json"), ("due",), ("show", "1"), ("log",), ("search", "proposal"),
         ("client", "list"), ("client", "show", "acme"), ("report", "--week")]  # fmt: skip


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_loads_no_write_path(prompt_ledger, args):
    """A command that writes nothing opens the ledger for reading (`opening.open_reader`):
    the journal's write path is not imported, and neither is tomllib once the config's parse
    is remembered (`config.parsed_toml`)."""
    with pytest.MonkeyPatch.context() as env:  # the config's text parsed once, and its parse remembered
        env.setenv("EXPECT_CONFIG", prompt_ledger["EXPECT_CONFIG"])
        from expectcli.core.config import load_settings

        load_settings()
    out, names = run_with_importtime(["-m", "expectcli"], prompt_ledger, args)
    assert out.returncode in (0, 1) and out.stdout, out.stderr
    loaded = set(names)
    assert not loaded & {"expectcli.core.journal", "expectcli.core.corrections", "expectcli.core.recurring",
                         "tomllib"}, sorted(loaded)  # fmt: skip

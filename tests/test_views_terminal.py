"""Views on a real terminal, driven through tmux (a pane of a fixed size: send-keys, then
capture-pane): tables fit the width and long titles end in "…", never wrapped; output longer
than the screen goes through the pager, shorter output does not; colour, but not with NO_COLOR.
Skipped where tmux is not installed (CI installs it)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import NOW

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

LONG = "Write the migration guide for " + "the very long legacy platform " * 6
DONE = "RUN-FINISHED"


class Terminal:
    """A tmux server of its own with one pane `width` × `height` running sh."""

    def __init__(self, width: int, height: int):
        self.folder = Path(tempfile.mkdtemp(prefix="xt"))  # a short path: sockets have a length limit
        self.socket = str(self.folder / "s")
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height), "-s", "t",
                  "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=screen PS1='$ ' sh")  # fmt: skip
        self.tmux("set-option", "-t", "t", "status", "off")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def type(self, keys: str, enter: bool = True) -> None:
        self.tmux("send-keys", "-t", "t", "-l", keys)
        if enter:
            self.tmux("send-keys", "-t", "t", "Enter")

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t", *(["-e"] if escapes else []))

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{self.screen()}")

    def start(self, command: str) -> None:
        """Type a short line that runs `command` (kept in a script: a long typed line would wrap)."""
        self.runs = getattr(self, "runs", 0) + 1
        script = self.folder / f"c{self.runs}"
        script.write_text(command + "\n")
        self.type("clear")
        deadline = time.monotonic() + 30
        while DONE in self.screen() and time.monotonic() < deadline:  # the last run's screen is gone
            time.sleep(0.05)
        self.type(f"sh {script}; echo RUN-FIN''ISHED")  # the echo's own text differs from what it prints

    def run(self, command: str) -> str:
        """Run `command` in the pane and wait until it has finished; the screen then."""
        self.start(command)
        return self.wait_for(DONE)

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def terminal():
    made: list[Terminal] = []

    def make(width: int = 80, height: int = 24) -> Terminal:
        made.append(Terminal(width, height))
        return made[-1]

    yield make
    for t in made:
        t.close()


def expect(cli, *args: str, **env: str) -> str:
    """The shell command running `expect` on the test's ledger with a fixed now."""
    variables = {"EXPECT_DB": cli.location, "EXPECT_CONFIG": str(cli.config), "EXPECT_NOW": NOW,
                 "XDG_CACHE_HOME": str(Path(cli.config).parent / "cache"), **env}  # fmt: skip
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in variables.items())
    return f"{assignments} {shlex.quote(sys.executable)} -m expectcli {shlex.join(args)}"


def rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line.strip() and "RUN-FIN" not in line and not line.startswith("$")]


def test_a_table_fits_the_width_and_long_titles_end_in_an_ellipsis(cli, terminal):
    ids = [cli.promise(LONG if n == 1 else f"Short {n}", due="fri") for n in range(3)]
    pane = terminal(width=60, height=30)
    screen = pane.run(expect(cli, "list", NO_COLOR="1"))
    lines = rows(screen)
    assert len(lines) == 1 + len(ids)  # the header and one line per promise: nothing wrapped
    assert all(len(line) <= 60 for line in lines)
    long_row = next(line for line in lines if line.lstrip().startswith(f"{ids[1]} "))
    assert long_row.endswith("…") and len(long_row) == 60 and "Write the" in long_row
    assert next(line for line in lines if line.lstrip().startswith(f"{ids[0]} ")).endswith("Short 0")


def test_the_same_list_is_shortened_to_each_width(cli, terminal):
    pid = cli.promise(LONG, due="fri")
    for width in (50, 100):
        lines = rows(terminal(width=width, height=10).run(expect(cli, "list", NO_COLOR="1")))
        assert len(lines) == 2 and all(len(line) <= width for line in lines)
        assert lines[1].lstrip().startswith(f"{pid} ") and lines[1].endswith("…")


def test_long_output_goes_through_the_pager_and_short_output_does_not(cli, terminal, tmp_path):
    marker = tmp_path / "paged"
    script = tmp_path / "pager.sh"  # a pager that leaves a mark, then shows what it reads
    script.write_text(f"#!/bin/sh\necho >> {shlex.quote(str(marker))}\ncat\n")
    script.chmod(0o755)
    pager = str(script)

    def paged(*args: str, **env: str) -> bool:
        marker.unlink(missing_ok=True)
        screen = pane.run(expect(cli, *args, **env))
        assert DONE in screen
        return marker.exists()

    cli.promise("Only one", due="fri")
    pane = terminal(width=80, height=12)
    assert not paged("list", EXPECT_PAGER=pager)
    for n in range(20):
        cli.promise(f"Promise {n}", due="fri")
    assert paged("list", EXPECT_PAGER=pager)
    assert not paged("list", "--no-pager", EXPECT_PAGER=pager)
    assert not paged("list", "--json", EXPECT_PAGER=pager)
    assert paged("list", PAGER=pager)  # $PAGER when EXPECT_PAGER is unset


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_the_default_pager_is_less_and_waits_for_the_reader(cli, terminal):
    for n in range(30):
        cli.promise(f"Promise {n:02d}", due="fri")
    pane = terminal(width=80, height=10)
    pane.start(expect(cli, "list"))
    screen = pane.wait_for("Promise 0")
    assert DONE not in screen  # less holds the screen until it is quit
    pane.type("q", enter=False)
    pane.wait_for(DONE)


def test_colour_on_a_terminal_but_not_with_no_color(cli, terminal):
    cli.promise("Overdue one", due="2026-11-24", now="2026-11-23T09:00:00+01:00")
    pane = terminal(width=100, height=10)
    pane.run(expect(cli, "list"))
    coloured = next(line for line in pane.screen(escapes=True).splitlines() if "Overdue one" in line)
    assert "\x1b[31m" in coloured
    pane.run(expect(cli, "list", NO_COLOR="1"))
    plain = next(line for line in pane.screen(escapes=True).splitlines() if "Overdue one" in line)
    assert "\x1b[" not in plain

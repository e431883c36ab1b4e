"""What people see: user text printed literally, colours that mean something."""

from __future__ import annotations

from conftest import NOW
from expectcli.cli.app import app

HOSTILE = "Fix \x1b[31mred\x1b[0m [bold]now[/bold] :smile: \u202eevil"


def test_user_text_is_printed_literally_everywhere(cli):
    pid = cli.promise(HOSTILE, criteria="[link=http://x]click[/link]")
    cli.ok("move", str(pid), "mon", "--reason", "\x07bell [red]reason[/red]")
    outputs = [
        cli.ok("list").stdout,
        cli.ok("show", str(pid)).stdout,
        cli.ok("log").stdout,
        cli.ok("due", "--within", "2w").stdout,
        cli.ok("undo").stdout,
        cli.ok("client", "show", "acme").stdout,
    ]
    for text in outputs:
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Fix \\x1b[31mred\\x1b[0m [bold]now[/bold] :smile: \\u202eevil" in outputs[0]
    assert "[link=http://x]click[/link]" in outputs[1]
    assert "\\x07bell [red]reason[/red]" in outputs[1]


def test_json_keeps_the_exact_text(cli):
    pid = cli.promise(HOSTILE)
    assert cli.json("show", str(pid))["title"] == HOSTILE


def test_errors_show_user_text_literally(cli):
    out = cli("promise", "X", "--to", "\x1b[2Jwipe", "--due", "fri")
    assert out.exit_code == 2
    assert "\x1b" not in out.stderr and "\\x1b[2Jwipe" in out.stderr


def test_overdue_is_red_and_due_today_is_highlighted(cli):
    cli.promise("Overdue one", due="today", now="2026-11-24T09:00:00+01:00")
    cli.promise("Due today", due="today")
    cli.promise("Next week", due="dec 4")
    env = {key: value for key, value in cli.env(NOW).items() if key != "NO_COLOR"}
    result = cli.runner.invoke(app, ["list"], env={**env, "NO_COLOR": None, "FORCE_COLOR": "1"})
    lines = result.stdout.splitlines()
    overdue = next(line for line in lines if "Overdue one" in line)
    today = next(line for line in lines if "Due today" in line)
    later = next(line for line in lines if "Next week" in line)
    assert "\x1b[31m" in overdue
    assert "\x1b[1;33m" in today
    assert "\x1b[31m" not in later and "\x1b[1;33m" not in later
    assert "17 h overdue" in overdue and "in 7 h" in today


def test_without_a_terminal_there_is_no_colour(cli):
    cli.promise("Overdue one", due="today", now="2026-11-24T09:00:00+01:00")
    assert "\x1b[" not in cli("list").stdout

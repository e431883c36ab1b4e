"""Views in a pipe: every promise exactly one line, never wrapped or shortened, whatever the
title's length or COLUMNS; no colour; no pager. Run as real processes writing into a pipe."""

from __future__ import annotations

import pytest

from conftest import NOW, run_expect

LONG = "Proposal " + " ".join(f"section-{n}" for n in range(40))  # about 400 characters


@pytest.fixture
def env(cli) -> dict[str, str]:
    return {**cli.env(NOW), "EXPECT_PAGER": "echo PAGER-STARTED; cat"}


@pytest.mark.parametrize("columns", ["40", "80", "300"])
def test_list_all_is_one_line_per_promise_plus_the_header(cli, env, columns):
    ids = [cli.promise(LONG if n % 3 == 0 else f"Short {n}", due="fri") for n in range(7)]
    for pid in ids[:3]:
        cli.ok("done", str(pid))
    out = run_expect(["list", "--all"], {**env, "COLUMNS": columns})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(ids) + 1
    assert lines[0].split() == ["ID", "Due", "Client", "Status", "Promise"]
    for pid in ids:
        row = next(line for line in lines[1:] if line.lstrip().startswith(f"{pid} "))
        assert row.endswith(LONG) or row.rstrip().endswith(f"Short {ids.index(pid)}")
    assert sum(1 for line in lines if line.endswith(LONG)) == 3  # whole, never cut with "…"
    assert "…" not in out.stdout and "\x1b" not in out.stdout and "PAGER-STARTED" not in out.stdout


def test_grep_finds_whole_rows_with_their_ids(cli, env):
    pid = cli.promise(LONG, to="acme")
    cli.promise("Something else", to="acme")
    out = run_expect(["list"], {**env, "COLUMNS": "60"})
    found = [line for line in out.stdout.splitlines() if "Proposal" in line]
    assert len(found) == 1 and found[0].lstrip().startswith(f"{pid} ") and found[0].endswith(LONG)


def test_columns_line_up_in_a_pipe(cli, env):
    for n, (title, client) in enumerate([("A", "acme"), ("Bb", "globex"), (LONG, "initech-holdings")]):
        cli.promise(title, to=client, due=f"2026-12-0{n + 1}")
    lines = run_expect(["list"], env).stdout.splitlines()
    starts = {line.index("open") for line in lines[1:]}
    assert len(starts) == 1 and lines[0].index("Status") == starts.pop()


def test_due_sections_in_a_pipe_are_one_line_per_promise(cli, env):
    cli.promise(LONG, due="2026-11-24", now="2026-11-23T09:00:00+01:00")
    cli.promise("Soon", due="tomorrow")
    out = run_expect(["due"], {**env, "COLUMNS": "50"})
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "Overdue (1)" and lines[2].endswith(LONG) and "…" not in out.stdout
    assert "Due within 2d (1)" in lines


def test_json_goes_to_a_pipe_whole_and_never_through_a_pager(cli, env):
    for n in range(3):
        cli.promise(f"P{n}", due="fri")
    out = run_expect(["list", "--json"], env)
    assert [p["title"] for p in __import__("json").loads(out.stdout)] == ["P0", "P1", "P2"]
    assert run_expect(["list", "--json"], env).stdout == cli.ok("list", "--json").stdout
    assert run_expect(["list", "--json", "--status", "kept"], env).stdout == "[]\n"


def test_an_empty_list_says_so(cli, env):
    out = run_expect(["list"], env)
    assert (out.returncode, out.stdout) == (0, "No promises to show.\n")

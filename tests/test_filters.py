"""Narrowing `list` (--tag, --kind, --due-before) and `log` (--client, --since)."""

from __future__ import annotations

import pytest

from conftest import NOW


def listed(cli, *args: str) -> list[int]:
    return [item["id"] for item in cli.json("list", *args)]


@pytest.fixture
def tagged(cli):
    cli.promise("Deck", due="fri", tag="finance")  # 1
    cli.json("promise", "Call Bob", "--to", "acme", "--due", "tomorrow", "--kind", "call",
             "--tag", "finance", "--tag", "q4")  # 2  # fmt: skip
    cli.json("promise", "Odd tags", "--to", "acme", "--due", "next fri", "--tag", 'a"b', "--tag", "50%_off")  # 3
    cli.json("promise", "Meeting", "--to", "beta", "--due", "2026-12-10", "--kind", "meeting", "--tag", "müller")  # 4
    cli.ok("done", "1")
    return cli


@pytest.mark.parametrize("args, found", [
    (["--tag", "finance"], [2]),  # open ones by default
    (["--tag", "finance", "--all"], [2, 1]),
    (["--tag", "FINANCE", "--all"], [2, 1]),  # tags are lower-case
    (["--tag", "+q4"], [2]),  # as typed at `promise`
    (["--tag", "finance", "--tag", "q4"], [2]),  # every tag given
    (["--tag", "q4", "--tag", "nope"], []),
    (["--tag", "fin"], []),  # a whole tag, not a part of one
    (["--tag", "b"], []),  # not the inside of a tag with a quote
    (["--tag", 'a"b'], [3]),
    (["--tag", "50%_off"], [3]),  # LIKE's wildcards are plain characters here
    (["--tag", "50x_off"], []),
    (["--tag", "5_%off"], []),
    (["--tag", "müller"], [4]),
    (["--kind", "call"], [2]),
    (["--kind", "CALL"], [2]),
    (["--kind", "deliverable", "--all"], [1, 3]),
    (["--due-before", "fri"], [2]),  # at or before Friday's end of day: #1 is delivered
    (["--due-before", "fri", "--all"], [2, 1]),
    (["--due-before", "fri 16:59", "--all"], [2]),
    (["--due-before", "2026-12-10"], [2, 3, 4]),
    (["--due-before", "tomorrow", "--kind", "call", "--tag", "q4", "--client", "acme"], [2]),
    (["--due-before", "tomorrow", "--status", "kept"], []),
    (["--due-before", "fri", "--status", "kept"], [1]),
])  # fmt: skip
def test_list_narrows_by_tag_kind_and_due(tagged, args, found):
    assert listed(tagged, *args) == found


def test_due_before_takes_missed_promises_too(tagged):
    later = "2026-12-15T10:00:00+01:00"  # everything open is missed by now
    found = tagged.json("list", "--due-before", "2026-12-05", now=later)
    assert [(item["id"], item["outcome"]) for item in found] == [(2, "missed"), (3, "missed")]


@pytest.mark.parametrize("args, message", [
    (["list", "--kind", "lunch"], "unknown kind 'lunch'"),
    (["list", "--due-before", "someday"], "someday"),
    (["list", "--tag", "a,b"], "is not a tag"),
    (["log", "--client", "nobody"], "no client nobody"),
    (["log", "--since", "someday"], "someday"),
])  # fmt: skip
def test_bad_filters_are_one_line_and_exit_2(tagged, args, message):
    out = tagged(*args)
    assert out.exit_code == 2, out
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_log_narrows_by_client_and_time(cli):
    deck = cli.promise("Deck", to="acme", now="2026-11-23T09:00:00+01:00")  # Monday
    cli.promise("Call", to="beta", now="2026-11-23T11:00:00+01:00")
    cli.ok("client", "terms", "acme", "--respond-within", "1bd", now="2026-11-24T09:00:00+01:00")
    cli.ok("note", str(deck), "asked for figures", now="2026-11-24T16:00:00+01:00")
    cli.ok("feedback", "beta", "9", now="2026-11-25T09:30:00+01:00")

    def kinds(*args: str) -> list[tuple[str, str]]:
        return [(e["kind"], e["client"]) for e in cli.json("log", *args)]

    assert kinds("--client", "acme") == [("noted", "acme"), ("terms", "acme"), ("promised", "acme")]
    assert kinds("--client", "beta") == [("feedback", "beta"), ("promised", "beta")]
    assert kinds("--since", "yesterday") == [("feedback", "beta"), ("noted", "acme"), ("terms", "acme")]
    assert kinds("--since", "yesterday 12:00") == [("feedback", "beta"), ("noted", "acme")]
    assert kinds("--since", "wed") == [("feedback", "beta")]  # today, Wednesday, from its start
    assert kinds("--since", "mon", "--client", "acme", "--limit", "2") == [("noted", "acme"), ("terms", "acme")]
    assert kinds("--since", "2 hours ago") == [("feedback", "beta")]
    assert cli.ok("log", "--since", "today", "--client", "acme").stdout == "No events to show.\n"


def test_log_of_a_renamed_client_follows_it(cli):
    cli.promise("Deck", to="acme")
    cli.ok("client", "rename", "acme", "acme-gmbh")
    assert [e["kind"] for e in cli.json("log", "--client", "acme-gmbh")] == ["renamed", "promised"]
    assert cli("log", "--client", "acme").exit_code == 2


def test_new_options_complete_their_values(cli):
    import os
    import subprocess
    import sys
    from pathlib import Path

    cli.promise("Deck", to="acme")
    program = Path(sys.executable).parent / "expect"

    def complete(line: str) -> list[str]:
        env = {**os.environ, **cli.env(NOW), "_EXPECT_COMPLETE": "complete_bash", "COMP_WORDS": line,
               "COMP_CWORD": str(len(line.split(" ")) - 1)}  # fmt: skip
        out = subprocess.run([str(program)], env=env, capture_output=True, text=True, timeout=60)
        return out.stdout.split()

    assert complete("expect list --kind ") == ["deliverable", "reply", "call", "meeting"]
    assert complete("expect log --client ") == ["acme"]
    assert complete("expect list --d") == ["--db", "--due-before"]
    assert complete("expect search --l") == ["--limit"]


def test_list_limit_shows_the_first_n_and_says_how_many_more(cli):
    for n in range(5):
        cli.promise(f"P{n}", due=f"2026-12-0{n + 1} 12:00")
    out = cli.ok("list", "--limit", "2")
    assert [line.split()[0] for line in out.stdout.splitlines()[1:]] == ["1", "2"]
    assert out.stderr == "… and 3 more (leave out --limit to see them all)\n"
    assert [p["id"] for p in cli.json("list", "--limit", "3")] == [1, 2, 3]
    out = cli.ok("list", "--limit", "9")
    assert len(out.stdout.splitlines()) == 6 and out.stderr == ""
    assert cli("list", "--limit", "0").exit_code == 2

"""Bad input: one line on stderr, exit status 2, nothing written, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REFUSALS = [
    (["promise", "X", "--to", "acme", "--due", "someday"], "can't read 'someday' as a date"),
    (["promise", "X", "--to", "acme", "--due", "2026-02-30"], "2026-02-30 is not a calendar date"),
    (["promise", "X", "--to", "acme", "--due", "feb 30"], "not a calendar date"),
    (["promise", "X", "--to", "acme", "--due", "25:00"], "25:00"),
    (["promise", "X", "--to", "acme", "--due", "yesterday"], "already past"),
    (["promise", "   ", "--to", "acme", "--due", "fri"], "the title must not be empty"),
    (["promise", "a\x00b", "--to", "acme", "--due", "fri"], "the title contains a NUL character"),
    (["promise", "X", "--to", "no spaces please", "--due", "fri"], "is not a client handle"),
    (["promise", "X", "--to", "acme", "--due", "fri", "--kind", "party"], "unknown kind 'party'"),
    (["promise", "X", "--to", "acme", "--due", "fri", "--tag", "a;b"], "is not a tag"),
    (["promise", "X", "--due", "fri"], "Missing option '--to'"),
    (["promise", "X", "--to", "acme", "--due", "fri", "--every", "2h"], "can't read '2h' as a period for --every"),
    (["release", "1", "--series", "--reason", "x"], "promise 1 is not recurring; leave out --series"),
    (["done", "42"], "no promise 42"),
    (["done", "one"], "'one' is not a promise id"),
    (["show", "99999999999999999999999"], "is not a promise id"),
    (["done", "1", "--at", "tomorrow"], "cannot be recorded in the future"),
    (["move", "42", "fri", "--reason", "x"], "no promise 42"),
    (["move", "1", "fri", "--reason", ""], "the reason must not be empty"),
    (["move", "1", "whenever", "--reason", "x"], "can't read 'whenever'"),
    (["move", "1", "fri", "--reason", "x"], "already due then"),
    (["release", "42", "--reason", "x"], "no promise 42"),
    (["reopen", "1"], "nothing to reopen"),
    (["show", "42"], "no promise 42"),
    (["list", "--status", "lost"], "unknown status 'lost'"),
    (["list", "--client", "nobody"], "no client nobody"),
    (["due", "--within", "soon"], "can't read 'soon' as a duration"),
    (["log", "--limit", "0"], "--limit takes a whole number from 1 to 1,000,000"),
    (["promise", "X", "--to", "acme", "--due", "fri", "--now", "the day after"], "can't read 'the day after'"),
]


@pytest.mark.parametrize("args, message", REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_bad_input_is_refused_with_one_line_and_nothing_written(cli, args, message):
    cli.promise()  # promise 1, due Friday
    before = cli.journal_size()
    out = cli(*args)
    assert out.exit_code == 2, out
    assert out.stdout == ""
    assert out.stderr.startswith("expect: ") and out.stderr.count("\n") == 1, out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert cli.journal_size() == before


def test_an_unparseable_date_names_the_accepted_forms(cli):
    out = cli("promise", "X", "--to", "acme", "--due", "next blue moon")
    for form in ("2026-12-03", "tomorrow", "eow", "fri 5pm", "in 3 days", "+2bd"):
        assert form in out.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=30), when=st.text(max_size=20), client=st.text(max_size=12))
def test_any_text_arguments_never_cause_a_traceback(cli, title, when, client):
    out = cli("promise", title, "--to", client, "--due", when)
    assert out.exit_code in (0, 2), out
    if out.exit_code == 2:
        assert out.stderr.count("\n") == 1 and out.stdout == ""


TEXT = st.text(max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from([
    ["move", "1", "{}", "--reason", "{}"], ["done", "1", "--at", "{}", "--note", "{}"],
    ["release", "1", "--reason", "{}"], ["client", "add", "{}", "--name", "{}"], ["feedback", "acme", "{}"],
    ["client", "terms", "acme", "--respond-within", "{}", "--hours", "{}"], ["report", "--since", "{}", "--until", "{}"],
    ["due", "--within", "{}"], ["inbound", "acme", "{}", "--at", "{}"], ["brief", "acme", "--since", "{}"],
    ["list", "--client", "{}", "--status", "{}"], ["show", "{}"], ["log", "--limit", "{}"],
]), values=st.lists(TEXT, min_size=2, max_size=2))  # fmt: skip
def test_every_text_argument_is_fuzzed_without_a_traceback(cli, command, values):
    if cli.journal_size() == 0:
        cli.promise()
    filled, pending = [], list(values)
    for arg in command:
        filled.append(pending.pop(0) if arg == "{}" else arg)
    out = cli(*filled)
    assert out.exit_code in (0, 1, 2), out
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr
    if out.exit_code == 2:
        assert out.stderr.count("\n") == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["csv", "taskwarrior", "expect"]), body=st.one_of(
    st.text(max_size=200),
    st.lists(st.lists(TEXT, min_size=1, max_size=4), max_size=5).map(
        lambda rows: "title,client,due\n" + "\n".join(",".join(row) for row in rows)),
    st.lists(st.dictionaries(st.sampled_from(["description", "due", "entry", "end", "status", "project", "tags"]),
                             st.one_of(TEXT, st.integers(), st.none()), max_size=6), max_size=4).map(__import__("json").dumps),
    st.dictionaries(st.sampled_from(["format", "version", "clients", "promises"]),
                    st.one_of(TEXT, st.integers(), st.lists(st.dictionaries(TEXT, TEXT, max_size=3), max_size=2)),
                    max_size=4).map(lambda d: __import__("json").dumps({**d, "format": "expect-ledger", "version": 1})),
))  # fmt: skip
def test_import_parsers_are_fuzzed_without_a_traceback(cli, tmp_path, kind, body):
    path = tmp_path / "fuzz.txt"
    path.write_text(body, encoding="utf-8")
    out = cli("import", str(path), "--from", kind, "--dry-run")
    assert out.exit_code in (0, 2), out
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr

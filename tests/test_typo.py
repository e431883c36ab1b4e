"""New client handles: a one-line notice, and the typo rule of PRODUCT.md ("client")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st


def clients(cli) -> list[str]:
    return [c["client"] for c in cli.json("client", "list")]


# -- the scenario of issue 12 ---------------------------------------------------------------


def test_a_typod_handle_is_refused_not_made_a_new_client(cli):
    cli.promise("Proposal", to="globex")
    before = cli.journal_size()
    out = cli("promise", "Deck", "--to", "globx", "--due", "fri")
    assert (out.exit_code, out.stdout) == (2, "")
    assert out.stderr == "expect: no client globx; did you mean globex? (add --new-client to create globx)\n"
    assert cli.journal_size() == before and clients(cli) == ["globex"]


def test_new_client_creates_it_anyway_with_the_notice(cli):
    cli.promise("Proposal", to="globex")
    out = cli.ok("promise", "Deck", "--to", "globx", "--due", "fri", "--new-client")
    assert out.stderr == "new client globx\n"
    assert clients(cli) == ["globex", "globx"]


def test_a_new_handle_prints_one_notice_on_stderr_and_a_known_one_none(cli):
    first = cli.ok("promise", "One", "--to", "initech", "--due", "fri")
    assert first.stderr == "new client initech\n" and first.stdout.startswith("Promised #1 One for initech")
    assert cli.ok("promise", "Two", "--to", "INITECH", "--due", "fri").stderr == ""
    assert cli("promise", "Two", "--to", "initech", "--due", "fri", "--json").stderr == ""


@pytest.mark.parametrize(
    "existing, typed",
    [
        ("globex", "globx"),  # missing letter
        ("globex", "globexx"),  # extra letter
        ("globex", "globez"),  # wrong letter
        ("globex", "glboex"),  # swapped neighbours
        ("acme-corp", "acmecorp"),  # punctuation
        ("acme-corp", "acme.corp"),
        ("a-b", "ab"),  # punctuation, however short
    ],
)
def test_what_counts_as_a_typo(cli, existing, typed):
    cli.ok("client", "add", existing)
    out = cli("promise", "X", "--to", typed, "--due", "fri")
    assert out.exit_code == 2 and f"did you mean {existing}?" in out.stderr


@pytest.mark.parametrize(
    "existing, typed",
    [
        ("acme", "acne"),  # one edit, but from a handle shorter than five
        ("globex", "glx"),  # more than one edit
        ("globex", "xolbeg"),
        ("initech", "initech2x"),
    ],
)
def test_what_does_not(cli, existing, typed):
    cli.ok("client", "add", existing)
    out = cli.ok("promise", "X", "--to", typed, "--due", "fri")
    assert out.stderr == f"new client {typed}\n"


def test_every_command_that_creates_a_client_by_use_checks(cli):
    pid = cli.promise("Proposal", to="globex")
    before = cli.journal_size()
    inbound = cli("inbound", "globx", "Call back")
    edit = cli("edit", str(pid), "--to", "globx")
    terms = cli("client", "terms", "globx", "--respond-within", "4h")
    assert [o.exit_code for o in (inbound, edit, terms)] == [2, 2, 2]
    assert "did you mean globex?" in inbound.stderr and "did you mean globex?" in edit.stderr
    assert terms.stderr == "expect: no client globx; did you mean globex? (`expect client add globx` to create globx)\n"
    assert cli.journal_size() == before
    assert cli.ok("inbound", "globx", "Call back", "--new-client").stderr == "new client globx\n"
    assert cli.json("edit", str(pid), "--to", "globxx", "--new-client")["client"] == "globxx"


def test_client_add_is_explicit_creation(cli):
    cli.ok("client", "add", "globex")
    assert cli.ok("client", "add", "globx").stdout == "Added client globx\n"


def test_imports_create_the_clients_their_files_name(cli, tmp_path):
    cli.ok("client", "add", "globex")
    path = tmp_path / "rows.csv"
    path.write_text("title,client,due\nDeck,globx,2026-12-01\n")
    cli.ok("import", str(path))
    assert clients(cli) == ["globex", "globx"]


# -- the rule itself (imported in each test, so that the scenarios above run on any version) --


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the plain dynamic programme."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


HANDLES = st.text(alphabet="abcde-", min_size=0, max_size=7)


@given(HANDLES, HANDLES)
def test_one_edit_is_distance_one(a, b):
    from expectcli.core.validate import one_edit

    assert one_edit(a, b) == (osa_distance(a, b) == 1)


@given(st.text(alphabet="abcdefgh", min_size=5, max_size=10), st.data())
def test_any_single_edit_of_a_long_handle_is_caught(handle, data):
    from expectcli.core.validate import typo_of

    i = data.draw(st.integers(0, len(handle) - 1))
    letter = data.draw(st.sampled_from("abcdefghz"))
    edits = [handle[:i] + handle[i + 1 :], handle[:i] + letter + handle[i:], handle[:i] + letter + handle[i + 1 :]]
    if i + 1 < len(handle):
        edits.append(handle[:i] + handle[i + 1] + handle[i] + handle[i + 2 :])
    for typed in edits:
        if typed != handle:
            assert typo_of(typed, [handle]) == handle, typed


def test_typo_of_prefers_a_punctuation_match_and_is_deterministic():
    from expectcli.core.validate import typo_of

    assert typo_of("acmecorp", ["acme-corpx", "acme-corp"]) == "acme-corp"
    assert typo_of("globx", ["globex", "globe"]) == "globe"  # the first in order of those one edit away
    assert typo_of("new", ["globex"]) is None

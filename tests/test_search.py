"""`expect search`: what it finds (titles, criteria, notes, reasons; words, prefixes, phrases;
any script, any case), that the full-text index and the plain `LIKE` search agree, and that
the index follows every change (edits, undo, import, an upgraded ledger)."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from conftest import ON_POSTGRES, Cli, fresh_ledger, sqlite_only
from expectcli.core import search
from expectcli.core.ledger import open_ledger
from expectcli.storage import searchindex
from expectcli.storage.store import open_store

NOW_EPOCH = int(datetime(2026, 11, 25, 9, tzinfo=UTC).timestamp())
DAY = 86400


def ids(cli: Cli, *args: str) -> list[int]:
    return [item["id"] for item in cli.json("search", *args)]


@pytest.fixture
def ledger_with_words(cli):
    """Four promises whose words sit in each searchable place."""
    cli.promise("Send the Proposal to Müller", to="acme", due="fri", criteria="signed PDF, v1.2")
    cli.promise("Quarterly report", to="beta", due="next fri")
    cli.promise("Call about pricing", to="acme", due="tomorrow")
    cli.promise("Workshop agenda", to="gamma", due="fri")
    cli.ok("note", "2", "Figures from the STRASSE office")
    cli.ok("move", "3", "+1d", "--reason", "waiting on the improper invoice")
    cli.ok("done", "4", "--note", "sent with the Müller-GmbH logo")
    return cli


SEARCHES = [
    ("proposal", [1]),  # a title
    ("PDF", [1]),  # criteria
    ("figures", [2]),  # a note
    ("invoice", [3]),  # a move's reason
    ("logo", [4]),  # a delivery's note, on a settled promise
    ("müller", [1, 4]),  # case-insensitive in any script, open ones first
    ("MÜLLER", [1, 4]),
    ("straße", [2]),  # case folding: ß is ss
    ("muller", []),  # accents matter
    ("prop", [1]),  # a word finds the words it begins …
    ("roposal", []),  # … not words it is inside
    ("proper", []),  # (improper)
    ("müller pricing", []),  # every word must be found …
    ("müller signed", [1]),  # … each anywhere in the promise
    ('"send the proposal"', [1]),  # a phrase: those words together, in order
    ('"the send"', []),
    ('"send the prop"', []),  # a quoted phrase is whole words
    ("send the prop", [1]),  # unquoted, every word is a start
    ("müller-gmbh", [4]),  # a word with punctuation inside is a phrase
    ("v1.2", [1]),
    ("v1.3", []),
    ('"müller gmbh" logo', [4]),
    ("...müller!!", [1, 4]),  # punctuation only separates
]  # fmt: skip


def test_what_search_finds(ledger_with_words):
    answers = [(query, ids(ledger_with_words, query)) for query, _ in SEARCHES]
    assert answers == SEARCHES
    assert ids(ledger_with_words, "müller", "signed") == [1]  # several arguments are one text
    assert ids(ledger_with_words, '"send', 'the"', "proposal") == [1]


def test_json_is_the_objects_of_list_plus_where_it_matched(ledger_with_words):
    cli = ledger_with_words
    listed = {item["id"]: item for item in cli.json("list", "--all")}
    (found,) = cli.json("search", "müller signed")
    matched = found.pop("matched")
    assert found == listed[1]
    assert matched == ["title", "criteria"]
    assert [item["matched"] for item in cli.json("search", "müller")] == [["title"], ["note"]]


def test_the_table_is_the_list_table(ledger_with_words):
    cli = ledger_with_words
    assert cli.ok("search", "workshop").stdout == cli.ok("list", "--all", "--client", "gamma").stdout


def test_limit_bounds_the_answer_and_says_what_was_left_out(cli):
    for n in range(5):
        cli.promise(f"Report part {n}", due=f"{n + 1}d")
    assert ids(cli, "report", "--limit", "2") == [1, 2]
    out = cli.ok("search", "report", "--limit", "2").stdout
    assert "Report part 1" in out and "Report part 2" not in out
    assert out.rstrip().endswith("… and 3 more (--limit 5 shows them all)")
    assert "more" not in cli.ok("search", "report").stdout


def test_open_promises_come_first_then_the_latest_settled(cli):
    first = cli.promise("Report A", due="3d")
    second = cli.promise("Report B", due="1d")
    third = cli.promise("Report C", due="2d")
    fourth = cli.promise("Report D", due="4d")
    cli.ok("done", str(first), str(fourth))
    assert ids(cli, "report") == [second, third, fourth, first]


def test_undone_notes_reasons_and_promises_are_not_found(cli):
    pid = cli.promise("Deck")
    cli.ok("note", str(pid), "zebra stripes")
    assert ids(cli, "zebra") == [pid]
    cli.ok("undo")
    assert ids(cli, "zebra") == []
    cli.ok("release", str(pid), "--reason", "budget frozen")
    assert ids(cli, "frozen") == [pid]
    cli.ok("undo")
    assert ids(cli, "frozen") == []
    other = cli.promise("Unicorn plan")
    cli.ok("undo")
    assert ids(cli, "unicorn") == []
    assert other != pid


def test_an_edited_title_is_found_by_its_new_words_and_undo_brings_back_the_old(cli):
    pid = cli.promise("Send the proposal", criteria="draft")
    cli.ok("edit", str(pid), "--title", "Send the offer", "--criteria", "")
    assert (ids(cli, "proposal"), ids(cli, "offer"), ids(cli, "draft")) == ([], [pid], [])
    cli.ok("undo")
    assert (ids(cli, "proposal"), ids(cli, "offer"), ids(cli, "draft")) == ([pid], [], [pid])


def test_a_phrase_never_runs_from_one_note_into_the_next(cli):
    pid = cli.promise("Deck")
    cli.ok("note", str(pid), "call alpha")
    cli.ok("note", str(pid), "beta tomorrow")
    assert ids(cli, '"alpha beta"') == []
    assert ids(cli, "alpha beta") == [pid]
    assert ids(cli, '"call alpha"') == [pid]


def test_user_text_is_printed_literally(cli):
    cli.promise("Evil \x1b[31mred\x1b[0m title")
    out = cli.ok("search", "evil").stdout
    assert "\x1b" not in out and "\\x1b" in out
    nothing = cli.ok("search", "zzz \x1b[2J").stdout
    assert nothing == 'No promises match "zzz \\x1b[2J".\n'


@pytest.mark.parametrize("args, message", [
    (["search", "!!"], "nothing to search for"),
    (["search", '""'], "nothing to search for"),
    (["search", " ".join(f"w{n}" for n in range(21))], "too many words"),
    (["search", "x", "--limit", "0"], "--limit takes a whole number"),
])  # fmt: skip
def test_bad_searches_are_one_line_and_exit_2(cli, args, message):
    cli.promise()
    out = cli(*args)
    assert out.exit_code == 2 and message in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_imported_promises_are_found(cli, tmp_path, config_file):
    pid = cli.promise("Send the proposal")
    cli.ok("note", str(pid), "ask about pricing")
    document = cli.ok("export").stdout
    (tmp_path / "other").mkdir()
    with fresh_ledger(tmp_path / "other") as location:
        other = Cli(location, config_file)
        path = tmp_path / "ledger.json"
        path.write_text(document)
        other.ok("import", str(path))
        assert ids(other, "pricing") == [pid]
        other.ok("undo")
        assert ids(other, "pricing") == []


# -- the two ways of asking agree -------------------------------------------------------------


def both(location: str, query: str, limit: int = 1000) -> tuple[list, list | None]:
    """The answers of the LIKE search and (on SQLite with FTS5) of the full-text index."""
    ledger = open_ledger(location, NOW_EPOCH)
    try:
        plain = search.search(ledger, query, limit, full_text=False)
        full = None
        if not ON_POSTGRES:
            with ledger.store.read() as tx:
                assert searchindex.fts_ready(tx)
            full = search.search(ledger, query, limit, full_text=True)
        answer = lambda results: [(f.promise.id, f.matched) for f in results.found] + [results.total]  # noqa: E731
        return answer(plain), None if full is None else answer(full)
    finally:
        ledger.store.close()


def test_the_full_text_index_and_like_give_the_same_answers(ledger_with_words):
    for query, found in SEARCHES:
        plain, full = both(ledger_with_words.location, query)
        assert [pid for pid, _ in plain[:-1]] == found, query
        if full is not None:
            assert full == plain, query


LETTERS = "aAbBäÄsSßüÜkK\u212aıİﬁ1२ é"  # with a Kelvin sign, dotless/dotted i, a ligature, a Devanagari digit
TEXT = st.text(alphabet=LETTERS + " -.,'\"%_", max_size=24)


def oracle(texts: dict[int, dict[str, list[str]]], query: str) -> list[tuple[int, tuple[str, ...]]]:
    """The matching rule, stated plainly: every term found in some text of the promise, a
    term's words consecutive words of one text, the last a prefix unless quoted."""
    wanted = search.terms(query)

    def found_in(text: str, term: search.Term) -> bool:
        words, n = searchindex.words(text), len(term.words)
        for start in range(len(words) - n + 1):
            window = words[start : start + n]
            head, last = window[:-1], window[-1]
            if list(head) == list(term.words[:-1]) and (
                last.startswith(term.words[-1]) if term.prefix else last == term.words[-1]
            ):
                return True
        return False

    answer = []
    for pid, fields in texts.items():
        where = [(field, term) for field, items in fields.items() for term in wanted for text in items
                 if found_in(text, term)]  # fmt: skip
        if {term for _, term in where} == set(wanted):
            answer.append((pid, tuple(f for f in searchindex.FIELDS if f in {field for field, _ in where})))
    return answer


@settings(
    max_examples=int(os.environ.get("SEARCH_EXAMPLES", examples(40))),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.tuples(TEXT, st.one_of(st.none(), TEXT), st.lists(TEXT, max_size=2), st.booleans()),
             min_size=1, max_size=4),
    st.data(),
)  # fmt: skip
def test_both_ways_agree_with_the_rule_on_any_text(tmp_path_factory, promises, data):
    folder = tmp_path_factory.mktemp("search")
    with fresh_ledger(folder) as location:
        ledger = open_ledger(location, NOW_EPOCH)
        texts: dict[int, dict[str, list[str]]] = {}
        for n, (title, criteria, notes, moved) in enumerate(promises):
            title = title if title.strip() else "x"
            criteria = criteria if criteria and criteria.strip() else None
            pid = ledger.promise(title, "acme", NOW_EPOCH + DAY * (n + 1), criteria=criteria).id
            texts[pid] = {"title": [title], "criteria": [criteria] if criteria else [], "note": [], "reason": []}
            for note in notes:
                if note.strip():
                    ledger.note(pid, note)
                    texts[pid]["note"].append(note)
            if moved:
                ledger.move(pid, NOW_EPOCH + DAY * 30, "moved: " + (notes[0] if notes else "no reason"))
                texts[pid]["reason"].append("moved: " + (notes[0] if notes else "no reason"))
        ledger.store.close()
        words = sorted({w for fields in texts.values() for items in fields.values() for t in items
                        for w in searchindex.words(t)})  # fmt: skip
        for _ in range(4):
            picked = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=3)) if words else ["x"]
            picked = [w[: data.draw(st.integers(1, len(w)))] for w in picked]
            query = " ".join(data.draw(st.sampled_from([w, w.upper(), f'"{w}"', f"{w}-{w}"])) for w in picked)
            expected = oracle(texts, query)
            plain, full = both(location, query)
            assert sorted(plain[:-1]) == expected and plain[-1] == len(expected)
            if full is not None:
                assert full == plain


# -- the index follows the ledger --------------------------------------------------------------


def test_an_existing_ledger_is_indexed_when_it_is_upgraded(cli):
    pid = cli.promise("Send the proposal")
    cli.ok("note", str(pid), "pricing questions")
    store = open_store(cli.location)
    with store.write() as tx:  # as the release before the search left it
        tx.execute("DROP TABLE IF EXISTS search_fts")
        tx.execute("DROP TABLE search_text")
        tx.execute("DELETE FROM expect_schema WHERE name = '0006_search'")
    store.close()
    assert ids(cli, "pricing") == [pid]  # the first command after the upgrade finds it
    plain, full = both(cli.location, "proposal")
    assert plain == [(pid, ("title",)), 1] and full in (None, plain)


@sqlite_only("FTS5 is SQLite's")
def test_a_write_by_a_sqlite_without_fts5_is_caught_up_by_the_next(cli, monkeypatch):
    first = cli.promise("Send the proposal")
    monkeypatch.setattr(searchindex, "fts5_available", lambda tx: False)
    second = cli.promise("Proposal review")
    assert ids(cli, "proposal") == [first, second]  # answered with LIKE meanwhile
    monkeypatch.undo()
    store = open_store(cli.location)
    with store.read() as tx:
        assert not searchindex.fts_ready(tx)  # the full-text table missed a write
    store.close()
    assert ids(cli, "proposal") == [first, second]
    cli.promise("Third proposal")
    store = open_store(cli.location)
    with store.read() as tx:
        assert searchindex.fts_ready(tx)  # rebuilt by the next write
    store.close()
    plain, full = both(cli.location, "proposal")
    assert full == plain and plain[-1] == 3


@sqlite_only("FTS5 is SQLite's")
def test_search_uses_the_full_text_index_on_sqlite(cli):
    pid = cli.promise("Send the proposal")
    with sqlite3.connect(cli.path) as conn:
        rows = conn.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"prop\"*'").fetchall()
    assert rows == [(searchindex.key(pid, "title"),)]


def test_the_index_equals_a_rebuild_after_many_changes(cli):
    a = cli.promise("Alpha deck", criteria="two pages")
    b = cli.promise("Beta deck", to="beta")
    cli.ok("note", str(a), "first note")
    cli.ok("edit", str(a), "--title", "Alpha slides")
    cli.ok("move", str(b), "+2d", "--reason", "late data")
    cli.ok("done", str(a), "--note", "sent")
    cli.ok("reopen", str(a))
    cli.ok("undo")
    cli.ok("client", "merge", "beta", "acme")
    store = open_store(cli.location)
    with store.write() as tx:
        held = tx.all("SELECT id, promise_id, field, body FROM search_text ORDER BY id")
        searchindex.rebuild(tx)
        assert tx.all("SELECT id, promise_id, field, body FROM search_text ORDER BY id") == held
    store.close()


def test_db_check_finds_a_search_index_that_differs_from_the_promises(cli):
    pid = cli.promise("Send the proposal")
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"
    store = open_store(cli.location)
    with store.write() as tx:
        tx.execute("UPDATE search_text SET body = ' something else ' WHERE id = :id",
                   {"id": searchindex.key(pid, "title")})  # fmt: skip
    store.close()
    out = cli("db", "check")
    assert out.exit_code == 1
    assert f"promise {pid}: the search index of its title differs from the promise" in out.stdout + out.stderr

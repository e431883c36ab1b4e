"""The search index: each promise's searchable text, as words, kept current by every write.

`search_text` holds up to four rows per promise — its title, its criteria, its notes (`note`
and the note of a delivery) and its reasons (of moves and releases) — keyed `promise id × 4 +
field`, so a promise's rows are found by their keys alone. A row's `body` is its words, each
folded the same way (Unicode NFKC, then case-folded), separated by single spaces and padded
with one at each end (` send the proposal `); the notes of several events are joined with a
private-use character between them, so that no phrase runs from one note into the next.

Because the words are folded here, in Python, both ways of searching see exactly the same
words: on SQLite with FTS5, the full-text table `search_fts` indexes `search_text` with the
`ascii` tokenizer (which splits only at the spaces this module put there); everywhere else
(PostgreSQL, a SQLite without FTS5) a plain `LIKE '% word%'` over `body` answers the same
question. `core/search.py` asks it.

The index is derived: `reindex` rewrites a promise's rows from its current details and live
events, and the journal calls it on every write that touches a promise; `rebuild` rewrites
every row (the schema step that created the index ran it on an existing ledger). A SQLite
without FTS5 writing a ledger that has `search_fts` cannot update that table: it leaves a
marker row (key 0) in `search_text`, searches then use `LIKE`, and the next write by a
SQLite with FTS5 rebuilds the full-text table and removes the marker.
"""

from __future__ import annotations

import re
import unicodedata

from expectcli.storage.store import Tx

FIELDS = ("title", "criteria", "note", "reason")
TEXT_KINDS = {"noted": "note", "delivered": "note", "moved": "reason", "released": "reason"}
NOTE_BREAK = "\ue000"  # between two events' texts: never a word character, never typed into a search
STALE = 0  # the key of the marker row: the full-text table missed writes
FTS_TABLE = "search_fts"

_WORD = re.compile(r"[^\W_]+")
_LIVE = "NOT EXISTS (SELECT 1 FROM event v WHERE v.voids = e.id)"


def words(text: str) -> list[str]:
    """The words of `text` as searched: runs of letters and digits (of any script),
    compatibility-normalised and case-folded, so `MÜLLER` and `müller` are one word."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def body(texts: list[str]) -> str:
    """The stored form of one field's texts (its words, each text apart from the next)."""
    joined = f" {NOTE_BREAK} ".join(" ".join(words(text)) for text in texts)
    return f" {joined} "


def key(promise_id: int, field: str) -> int:
    return promise_id * len(FIELDS) + FIELDS.index(field)


def split_key(row_key: int) -> tuple[int, str]:
    promise_id, field = divmod(row_key, len(FIELDS))
    return promise_id, FIELDS[field]


def documents(tx: Tx, promise_id: int) -> dict[int, str]:
    """The rows a promise should have: key → body, for the fields that hold any words."""
    row = tx.one("SELECT title, criteria FROM promise WHERE id = :id", {"id": promise_id})
    if row is None:
        return {}
    texts: dict[str, list[str]] = {"title": [row[0]], "criteria": [row[1]] if row[1] else []}
    kinds = ", ".join(f"'{kind}'" for kind in TEXT_KINDS)
    for kind, text in tx.all(
        f"SELECT e.kind, e.text FROM event e WHERE e.promise_id = :id AND e.kind IN ({kinds})"
        f" AND e.text IS NOT NULL AND {_LIVE} ORDER BY e.id",
        {"id": promise_id},
    ):
        texts.setdefault(TEXT_KINDS[kind], []).append(text)
    return _bodies(promise_id, texts)


def _bodies(promise_id: int, texts: dict[str, list[str]]) -> dict[int, str]:
    found = {}
    for field, items in texts.items():
        stored = body(items)
        if stored.strip(f" {NOTE_BREAK}"):
            found[key(promise_id, field)] = stored
    return found


def reindex(tx: Tx, promise_id: int) -> None:
    """Bring a promise's rows (and the full-text table, where there is one) up to date."""
    wanted = documents(tx, promise_id)
    low = key(promise_id, FIELDS[0])
    high = low + len(FIELDS) - 1
    held = dict(tx.all("SELECT id, body FROM search_text WHERE id BETWEEN :low AND :high",
                       {"low": low, "high": high}))  # fmt: skip
    if held == wanted:
        return
    fts = _fts(tx)
    for row_key in sorted(set(held) | set(wanted)):
        old, new = held.get(row_key), wanted.get(row_key)
        if old == new:
            continue
        if old is not None:
            tx.execute("DELETE FROM search_text WHERE id = :id", {"id": row_key})
            if fts == "current":
                tx.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body) VALUES ('delete', :id, :body)",
                           {"id": row_key, "body": old})  # fmt: skip
        if new is not None:
            _insert(tx, row_key, new)
            if fts == "current":
                tx.execute(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (:id, :body)", {"id": row_key, "body": new})
    _settle_fts(tx, fts)


def rebuild(tx: Tx) -> None:
    """Rewrite every row from the promises and their live events (and the full-text table)."""
    tx.execute("DELETE FROM search_text")
    tx.search_fts_state = None  # type: ignore[attr-defined]
    for row_key, stored in all_documents(tx).items():
        _insert(tx, row_key, stored)
    fts = _fts(tx)
    if fts != "none":
        _settle_fts(tx, "stale" if fts == "current" else fts)


def differences(tx: Tx) -> list[str]:
    """Where the stored rows differ from what the promises and their live events give (for `db check`)."""
    held = dict(tx.all("SELECT id, body FROM search_text WHERE id <> :stale", {"stale": STALE}))
    wanted = all_documents(tx)
    problems = []
    for row_key in sorted(set(held) | set(wanted)):
        if held.get(row_key) != wanted.get(row_key):
            promise_id, field = split_key(row_key)
            problems.append(f"promise {promise_id}: the search index of its {field} differs from the promise")
    return problems[:20]


def all_documents(tx: Tx) -> dict[int, str]:
    """`documents` of every promise."""
    texts: dict[int, dict[str, list[str]]] = {}
    for promise_id, title, criteria in tx.all("SELECT id, title, criteria FROM promise ORDER BY id"):
        texts[promise_id] = {"title": [title], "criteria": [criteria] if criteria else []}
    kinds = ", ".join(f"'{kind}'" for kind in TEXT_KINDS)
    for promise_id, kind, text in tx.all(
        f"SELECT e.promise_id, e.kind, e.text FROM event e WHERE e.promise_id IS NOT NULL AND e.kind IN ({kinds})"
        f" AND e.text IS NOT NULL AND {_LIVE} ORDER BY e.id"
    ):
        if promise_id in texts:
            texts[promise_id].setdefault(TEXT_KINDS[kind], []).append(text)
    return {row_key: stored for promise_id, fields in texts.items() for row_key, stored in
            _bodies(promise_id, fields).items()}  # fmt: skip


def _insert(tx: Tx, row_key: int, stored: str) -> None:
    promise_id, field = split_key(row_key)
    tx.execute(
        "INSERT INTO search_text (id, promise_id, field, body) VALUES (:id, :promise, :field, :body)",
        {"id": row_key, "promise": promise_id, "field": field, "body": stored},
    )


# -- the full-text table (SQLite with FTS5) ---------------------------------------------------


def fts5_available(tx: Tx) -> bool:
    """Whether this SQLite has the FTS5 module."""
    return tx.dialect == "sqlite" and bool(tx.scalar("SELECT sqlite_compileoption_used('ENABLE_FTS5')"))


def _has_fts_table(tx: Tx) -> bool:
    return tx.dialect == "sqlite" and bool(
        tx.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name", {"name": FTS_TABLE})
    )


def _fts(tx: Tx) -> str:
    """The full-text table's state: none, current, stale (it missed writes; this SQLite can
    rebuild it), or unusable (this SQLite has no FTS5 to update it with). Worked out once per
    transaction (an import asks for every promise); `_settle_fts` keeps it up to date."""
    known = getattr(tx, "search_fts_state", None)
    if known is not None:
        return str(known)
    if not _has_fts_table(tx):
        state = "none"
    elif not fts5_available(tx):
        state = "unusable"
    else:
        marked = tx.scalar("SELECT 1 FROM search_text WHERE id = :id", {"id": STALE})
        state = "stale" if marked else "current"
    tx.search_fts_state = state  # type: ignore[attr-defined]
    return state


def _settle_fts(tx: Tx, state: str) -> None:
    """After rows changed: rebuild a stale full-text table, or mark one this SQLite cannot update."""
    if state == "stale":
        tx.execute("DELETE FROM search_text WHERE id = :id", {"id": STALE})
        tx.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")
        tx.search_fts_state = "current"  # type: ignore[attr-defined]
    elif state == "unusable" and not tx.scalar("SELECT 1 FROM search_text WHERE id = :id", {"id": STALE}):
        _insert(tx, STALE, " ")


def fts_ready(tx: Tx) -> bool:
    """Whether a search can ask the full-text table (it exists, is current, and FTS5 is here)."""
    return _fts(tx) == "current"


def create_fts(tx: Tx) -> None:
    """The full-text table over `search_text`, on a SQLite with FTS5 (else nothing)."""
    if fts5_available(tx):
        tx.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, content='search_text', content_rowid='id',"
            " tokenize='ascii')"
        )

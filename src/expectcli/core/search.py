"""`expect search`: the promises whose title, criteria, notes or reasons hold what was typed.

What matches (the same on every database; `docs/reference.md` and the search docs say so):

- The text is split into words: runs of letters and digits of any script. Punctuation and
  symbols only separate words. Case does not matter (`MÜLLER` finds `Müller`, `STRASSE`
  finds `Straße`); accents do (`muller` does not find `Müller`).
- Each word typed must begin a word of the promise: `prop` finds "Proposal", not "improper".
- Every word typed must be found, each anywhere in the promise (its title, criteria, any
  note, any reason); together they need not be in the same place.
- `"a quoted phrase"` finds those whole words next to each other, in that order, within one
  field (and within one note or reason). A typed word with punctuation inside it
  (`müller-gmbh`, `v1.2`) is a phrase too, whose last word may be the start of a word.
- Notes are `expect note` and the note of a delivery (`done --note`); reasons are those of
  moves and releases. Notes and reasons that were undone, and undone promises, are not found.

The words of each field are stored folded (`storage.searchindex`), so the two ways of
asking give the same answer by construction: SQLite's FTS5 full-text table where the ledger
has one, else `LIKE '% word%'` over the same stored words (PostgreSQL, a SQLite without
FTS5). A test asks both and compares.
"""

from typing import NamedTuple

from expectcli.core.queries import Promise, promises_where
from expectcli.errors import BadInput
from expectcli.storage import searchindex
from expectcli.storage.store import Tx

MAX_TERMS = 20
CHUNK = 500  # promise ids read per query


class Term(NamedTuple):
    words: tuple[str, ...]
    prefix: bool  # whether the last word may be the start of a longer one


class Found(NamedTuple):
    promise: Promise
    matched: tuple[str, ...]  # the fields any term was found in: title, criteria, note, reason


class Results(NamedTuple):
    found: list[Found]  # at most the limit asked for, open ones first
    total: int  # how many promises match in all


def terms(text: str) -> list[Term]:
    """What to look for: a term per quoted phrase and per unquoted word."""
    parsed: list[Term] = []
    for index, part in enumerate(text.split('"')):
        quoted = index % 2 == 1  # an unclosed quote runs to the end
        chunks = [part] if quoted else part.split()
        for chunk in chunks:
            found = searchindex.words(chunk)
            if found:
                parsed.append(Term(tuple(found), prefix=not quoted))
    if not parsed:
        raise BadInput("nothing to search for: give a word (letters or digits), e.g. expect search proposal")
    if len(parsed) > MAX_TERMS:
        raise BadInput(f"too many words to search for at once ({len(parsed)}); give at most {MAX_TERMS}")
    return list(dict.fromkeys(parsed))


def like_pattern(term: Term) -> str:
    """The pattern over a stored body (` w1 w2 `): the words start a word, in a row."""
    return "% " + " ".join(term.words) + ("%" if term.prefix else " %")


def fts_query(term: Term) -> str:
    """The FTS5 query for a term: a phrase of its words, the last a prefix if so."""
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def search(ledger, text: str, limit: int, full_text: bool | None = None) -> Results:
    """The promises matching `text`, open ones first (soonest due first), then the settled
    ones (most recently due first); at most `limit`. `full_text` chooses the way of asking
    (None: the full-text table where the ledger has a current one)."""
    if limit < 1:
        raise BadInput("--limit must be at least 1")
    wanted = terms(text)
    with ledger.store.read() as tx:
        if full_text is None:
            full_text = searchindex.fts_ready(tx)
        hits = matching(tx, wanted, full_text)
        promises = _promises(tx, sorted(hits), ledger.now)
    promises.sort(key=_order)
    found = [Found(p, tuple(f for f in searchindex.FIELDS if f in hits[p.id])) for p in promises[:limit]]
    return Results(found, len(promises))


def matching(tx: Tx, wanted: list[Term], full_text: bool) -> dict[int, set[str]]:
    """Promise id → the fields any term was found in, for the promises where every term is."""
    hits: dict[int, set[str]] | None = None
    for term in wanted:
        if full_text:
            keys = tx.all(
                f"SELECT rowid FROM {searchindex.FTS_TABLE} WHERE {searchindex.FTS_TABLE} MATCH :q",
                {"q": fts_query(term)},
            )
        else:
            keys = tx.all("SELECT id FROM search_text WHERE body LIKE :pattern", {"pattern": like_pattern(term)})
        fields: dict[int, set[str]] = {}
        for (row_key,) in keys:
            promise_id, field = searchindex.split_key(int(row_key))
            if promise_id > 0:  # not the marker row
                fields.setdefault(promise_id, set()).add(field)
        hits = fields if hits is None else {pid: hits[pid] | more for pid, more in fields.items() if pid in hits}
    return hits or {}


def _promises(tx: Tx, ids: list[int], now: int) -> list[Promise]:
    promises: list[Promise] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        params = {f"i{n}": promise_id for n, promise_id in enumerate(chunk)}
        where = f"p.state <> 'voided' AND p.id IN ({', '.join(':' + name for name in params)})"
        promises.extend(promises_where(tx, where, params, now))
    return promises


def _order(p: Promise) -> tuple:
    return (0, p.due, p.id) if p.state == "active" else (1, -p.due, -p.id)

"""What every reader of a file hands the importer: promises in ledger terms, checked.

A reader (`csvfile`, `taskwarrior`, `ics`) turns its file into a `Parsed`: one `Incoming` per
promise, the rows it refused with the reason, and warnings. `importing.apply` writes them.
Times are integer UTC epoch seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from expectcli.core.validate import KINDS, checked_text
from expectcli.errors import BadInput

FIRST_YEAR, LAST_YEAR = 1970, 2199
_FIRST = int(datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
_END = int(datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC).timestamp())


@dataclass
class Incoming:
    """One promise from a file, checked and in ledger terms (times in epoch seconds).

    `due` is the first deadline; `moves` the later ones, each (recorded at, new due, reason).
    `origin` names the promise in the program it came from (`taskwarrior:<uuid>`,
    `ics:<uid>`): a second import of the same item updates it instead of adding it again."""

    line: int
    client: str
    title: str
    due: int
    promised_at: int | None = None  # None: made now
    kind: str = "deliverable"
    tags: tuple[str, ...] = ()
    criteria: str | None = None
    delivered_at: int | None = None
    released_at: int | None = None
    origin: str | None = None
    moves: list[tuple[int, int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (recorded at, text)
    release_reason: str | None = None
    modified_at: int | None = None  # when the source last changed it (a move is recorded then)
    same_as: int | None = None  # a ledger id this item was exported from (`promise-3@expect`)

    @property
    def final_due(self) -> int:
        return self.moves[-1][1] if self.moves else self.due


@dataclass
class Parsed:
    promises: list[Incoming] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    ignored: int = 0  # rows that are not promises (e.g. tasks without a due date)
    warnings: list[str] = field(default_factory=list)
    raw: dict[int, Any] = field(default_factory=dict)  # line → the refused item as it was, for --skip-bad


def check(incoming: Incoming, *, history: bool = False) -> None:
    """Refuse what no ledger can hold. With `history`, a deadline or a settlement before
    the promise was made is allowed (the caller warns about it)."""
    if incoming.kind not in KINDS:
        raise BadInput(f"unknown kind {incoming.kind!r}; use one of {', '.join(KINDS)}")
    if incoming.delivered_at is not None and incoming.released_at is not None:
        raise BadInput("both delivered and released")
    for moment in (incoming.due, incoming.promised_at, incoming.delivered_at, incoming.released_at,
                   *(due for _, due, _ in incoming.moves)):  # fmt: skip
        if moment is not None:
            in_range(moment)
    made = incoming.promised_at
    if history or made is None:
        return
    if incoming.due < made:
        raise BadInput("due before it was promised")
    for settled in (incoming.delivered_at, incoming.released_at):
        if settled is not None and settled < made:
            raise BadInput("settled before it was promised")


def in_range(moment: int) -> int:
    if not _FIRST <= moment < _END:
        raise BadInput(f"a date outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return moment


def text(value: object, what: str) -> str:
    """User text from a file, by the rules for typed text: no NUL, not too long, and
    encodable (a lone surrogate from a JSON escape is refused)."""
    cleaned = str(value).strip()
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"the {what} is not valid Unicode text") from None
    return checked_text(cleaned, what)


def title(value: object) -> str:
    cleaned = text(value or "", "title")
    if not cleaned:
        raise BadInput("no title")
    return cleaned


def journal_of(incoming: Incoming, promised_at: int) -> list[dict]:
    """The journal of a promise from a flat record: each thing recorded when it happened."""
    events: list[dict] = [{"kind": "promised", "recorded_at": promised_at, "due": incoming.due}]
    previous = incoming.due
    for recorded_at, due, reason in incoming.moves:
        events.append({"kind": "moved", "recorded_at": recorded_at, "due": due, "previous_due": previous,
                       "text": reason})  # fmt: skip
        previous = due
    settled: list[dict] = []
    if incoming.delivered_at is not None:
        settled.append({"kind": "delivered", "recorded_at": incoming.delivered_at,
                        "effective_at": incoming.delivered_at})  # fmt: skip
    elif incoming.released_at is not None:
        settled.append({"kind": "released", "recorded_at": incoming.released_at, "text": incoming.release_reason})
    notes = [{"kind": "noted", "recorded_at": at, "text": note} for at, note in incoming.notes]
    # Notes in time order among the moves; the settlement last (the fold reads journal order).
    body = sorted(events[1:] + notes, key=lambda event: event["recorded_at"])
    return [events[0], *body, *settled]

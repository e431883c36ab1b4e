"""Promises as CSV, both ways: one row per promise, with enough dates to rebuild its outcome.

The export's header is `HEADER`. A row's outcome follows from its dates: `first_due` is the
deadline first promised, `due` the one in force; when they differ the promise was moved
once, before its first deadline (renegotiated) unless the row's `outcome` says it broke
there (late, or missed). A row whose `outcome` its dates cannot produce is refused.

The import reads what a spreadsheet writes: `,` `;` or tab between cells (told by the
header line), a byte-order mark, empty rows (skipped), slashed dates in the configured
`date_order`, and the export's guard against formulas (a `'` before `=`), taken back off.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from expectcli.core import dates, outcomes
from expectcli.core.config import Settings
from expectcli.core.formats.records import Incoming, Parsed, check, journal_of, text, title
from expectcli.core.ledger import Ledger
from expectcli.core.outcomes import OUTCOME_SQL, OUTCOMES, Step
from expectcli.core.serialize import iso
from expectcli.core.validate import normalise_handle, normalise_tags
from expectcli.errors import BadInput

HEADER = ("id", "title", "client", "kind", "tags", "promised_at", "due", "first_due", "delivered_at", "released_at",
          "outcome", "criteria")  # fmt: skip
DELIMITERS = (",", ";", "\t")
MOVE_REASON = "moved before the import (the CSV gives no reason)"
_GUARDED = "=+-@\t\r"


# -- out --------------------------------------------------------------------------------


def write(ledger: Ledger, settings: Settings) -> str:
    """One row per live promise; cells a spreadsheet would run as a formula are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    with ledger.store.read() as tx:
        rows = tx.execute(
            "SELECT p.id, p.title, c.handle, p.kind, p.tags, p.promised_at, p.due, p.first_due, p.delivered_at,"
            f" p.released_at, {OUTCOME_SQL}, p.criteria FROM promise p JOIN client c ON c.id = p.client_id"
            " WHERE p.state <> 'voided' ORDER BY p.id",
            {"now": ledger.now},
        )
        for (
            pid,
            name,
            client,
            kind,
            tags,
            promised_at,
            due,
            first_due,
            delivered_at,
            released_at,
            outcome,
            criteria,
        ) in rows:
            writer.writerow([
                pid, safe_cell(name), client, kind, safe_cell(";".join(json.loads(tags))), iso(promised_at, settings),
                iso(due, settings), iso(first_due, settings), iso(delivered_at, settings) or "",
                iso(released_at, settings) or "", outcome, safe_cell(criteria or ""),
            ])  # fmt: skip
    return out.getvalue()


def safe_cell(text: str) -> str:
    """Text a spreadsheet will show, not run: a leading = + - @ tab or CR gets a ' before it
    (and so does a ' already before one, so that reading it back gives the text as it was)."""
    if text and (text[0] in _GUARDED or (text[0] == "'" and len(text) > 1 and text[1] in _GUARDED + "'")):
        return "'" + text
    return text


def unguard(value: str) -> str:
    """Take `safe_cell`'s guard back off."""
    if len(value) > 1 and value[0] == "'" and value[1] in _GUARDED + "'":
        return value[1:]
    return value


# -- in ---------------------------------------------------------------------------------


def read(source: str, settings: Settings, now: int, default_client: str, date_order: str | None = None) -> Parsed:
    """Rows with at least `title`, `client` and `due`; the other columns of `HEADER` are read
    too (tags separated by `;`), and unknown columns are ignored."""
    if date_order is not None:
        settings = settings._replace(date_order=date_order)
    lines = source.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = max(DELIMITERS, key=lambda d: _count_outside_quotes(header_line, d))
    reader = csv.reader(io.StringIO(source, newline=""), delimiter=delimiter)
    rows = _rows(reader)
    header: list[str] | None = None
    parsed = Parsed()
    moment = datetime.fromtimestamp(now, UTC)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # an empty row
        if header is None:
            header = [cell.strip().lstrip("\ufeff").lower() for cell in row]
            missing = [name for name in ("title", "due") if name not in header]
            if "client" not in header and not default_client:
                missing.insert(1, "client")
            if missing:
                raise BadInput(f"the CSV has no {' or '.join(missing)} column; it needs title, client and due")
            continue
        try:
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                raise BadInput(f"{len(row)} cells but the header names {len(header)}")
            cells = {name: cell.strip() for name, cell in zip(header, row) if name}
            parsed.promises.append(_promise(line, cells, settings, moment, now, default_client))
        except BadInput as exc:
            parsed.rejected.append((line, str(exc)))
            parsed.raw[line] = row
    if header is None:
        raise BadInput("the CSV is empty; it needs a header line naming title, client and due")
    parsed.raw[0] = header
    return parsed


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _rows(reader):
    """(first line, cells) of each row; a row quoted over several lines starts where it starts."""
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadInput(f"line {end + 1}: not valid CSV: {exc}") from None
        start, end = end + 1, reader.line_num
        yield start, row


def _promise(line: int, cells: dict[str, str], settings: Settings, moment: datetime, now: int,
             default_client: str) -> Incoming:  # fmt: skip
    def when(name: str) -> int | None:
        value = unguard(cells.get(name, ""))
        if not value:
            return None
        if settings.date_order is None and "/" in value:
            try:
                return int(dates.parse_when(value, moment, settings).timestamp())
            except BadInput as exc:
                if "ambiguous" in str(exc):
                    raise BadInput(f"{value!r} is ambiguous (day or month first?); import with --date-order "
                                   "DMY (or MDY, YMD), or set date_order in the config") from None  # fmt: skip
                raise
        return int(dates.parse_when(value, moment, settings).timestamp())

    due = when("due")
    if due is None:
        raise BadInput("no due")
    first_due = when("first_due") or due
    incoming = Incoming(
        line=line,
        client=normalise_handle(cells.get("client") or default_client),
        title=title(unguard(cells.get("title", ""))),
        due=first_due,
        promised_at=when("promised_at"),
        kind=(cells.get("kind") or "deliverable").lower(),
        tags=normalise_tags([tag for tag in unguard(cells.get("tags", "")).split(";") if tag.strip()]),
        criteria=text(unguard(cells["criteria"]), "criteria") if cells.get("criteria") else None,
        delivered_at=when("delivered_at"),
        released_at=when("released_at"),
    )
    check(incoming)
    if due < (incoming.promised_at or first_due) and due != first_due:
        raise BadInput("moved to a deadline before it was promised")
    wanted = (cells.get("outcome") or "").lower() or None
    if wanted is not None and wanted not in OUTCOMES:
        raise BadInput(f"unknown outcome {wanted!r}; one of {', '.join(OUTCOMES)}")
    _rebuild_moves(incoming, due, wanted, now)
    return incoming


def _rebuild_moves(incoming: Incoming, due: int, wanted: str | None, now: int) -> None:
    """Give `incoming` the move from its first deadline to `due` that yields the outcome the
    row states: made in time (renegotiated) unless only a late move explains it."""
    if due == incoming.due:
        timings: list[int | None] = [None]
    else:
        made = incoming.promised_at if incoming.promised_at is not None else min(now, incoming.due)
        settled = incoming.delivered_at if incoming.delivered_at is not None else incoming.released_at
        in_time = max(made, min(incoming.due, now, settled if settled is not None else incoming.due))
        timings = [in_time]
        if incoming.due + 60 <= now:
            timings.append(incoming.due + 60)  # a minute after the first deadline had passed
    got = ""
    for timing in timings:
        incoming.moves = [] if timing is None else [(timing, due, MOVE_REASON)]
        folded, got = _outcome(incoming, now)
        if wanted is None or wanted == got or (wanted == "open" and got == "missed" and folded == "open"):
            return
    raise BadInput(f"the outcome says {wanted} but its dates give {got}")


def _outcome(incoming: Incoming, now: int) -> tuple[str, str]:
    """The outcome folded from the row's journal, and the outcome at `now`."""
    made = incoming.promised_at if incoming.promised_at is not None else min(now, incoming.due)
    steps = [Step(e["kind"], e["recorded_at"], e.get("due"), e.get("effective_at")) for e in journal_of(incoming, made)]
    state = outcomes.fold(steps)
    assert state is not None
    return state.outcome, outcomes.outcome_at(state.outcome, state.due, now)


def rejects(parsed: Parsed) -> str:
    """The refused rows as a CSV the import reads again: the file's header plus `error`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*parsed.raw.get(0, ()), "error"])
    for line, why in parsed.rejected:
        writer.writerow([*parsed.raw.get(line, ()), why])
    return out.getvalue()

"""Small reads for shell completion: what a Tab offers, read in one short query each, bounded
however large the ledger (completion runs on every Tab, so it must answer in milliseconds)."""

from __future__ import annotations

from expectcli.core.textsafe import printable


def client_handles(ledger, prefix: str) -> list[str]:
    """The handles of the clients in use (not merged into another) that start with `prefix`."""
    with ledger.store.read() as tx:
        rows = tx.all("SELECT handle FROM client WHERE merged_into IS NULL")
    return sorted(handle for (handle,) in rows if handle.startswith(prefix))


def open_titles(ledger, prefix: str, limit: int) -> list[tuple[str, str]]:
    """(id, title) of the open promises whose id starts with `prefix`, soonest due first, at
    most `limit`; titles on one line, with control characters shown, never interpreted."""
    return _titles(ledger, prefix, limit, "SELECT p.id, p.title FROM promise p WHERE p.state = 'active'"
                   " AND CAST(p.id AS TEXT) LIKE :prefix ORDER BY p.due, p.id LIMIT :limit")  # fmt: skip


def waiting_titles(ledger, prefix: str, limit: int) -> list[tuple[str, str]]:
    """(id, title) of the asks still waiting whose id starts with `prefix`, soonest needed
    first, at most `limit` (for `received`); titles as `open_titles` gives them."""
    return _titles(ledger, prefix, limit,
                   "SELECT a.id, a.title FROM ask a WHERE a.state = 'waiting' AND CAST(a.id AS TEXT) LIKE :prefix"
                   " ORDER BY CASE WHEN a.needed_by IS NULL THEN 1 ELSE 0 END, a.needed_by, a.id LIMIT :limit")  # fmt: skip


def _titles(ledger, prefix: str, limit: int, sql: str) -> list[tuple[str, str]]:
    """(id, title) of the rows `sql` selects (parameters :prefix and :limit) for an id typed so far."""
    if prefix and not prefix.isdigit():
        return []
    with ledger.store.read() as tx:
        rows = tx.all(sql, {"prefix": f"{prefix}%", "limit": limit})
    return [(str(row_id), printable(" ".join(title.split()))) for row_id, title in rows]

"""The ledger: one object over a store at one moment `now`, for the commands to call.

It composes the journal's writes (`journal`: append an event, store the refolded state) and
the queries' reads (`queries`); what the ledger accepts is checked in `validate`, and the
outcome rules live in `outcomes`. The names below are re-exported for the callers that
import them from here.
"""

from __future__ import annotations

from expectcli.core.journal import Journal
from expectcli.core.queries import ClientCadence, ClientSummary, Event, Promise, Queries
from expectcli.core.validate import KINDS, TERMS, checked_text, normalise_handle, normalise_tags
from expectcli.storage.store import Store

__all__ = [
    "ClientCadence", "ClientSummary", "Event", "KINDS", "Ledger", "Promise", "TERMS", "checked_text",
    "normalise_handle", "normalise_tags", "open_ledger",
]  # fmt: skip


class Ledger(Journal, Queries):
    """Writes (`Journal`) and reads (`Queries`) of the ledger in `store`, at `now`."""

    def __init__(self, store: Store, now: int):
        self.store = store
        self.now = now


def open_ledger(location: str, now: int, create: bool = False) -> Ledger:
    """Open (upgrading as needed) the ledger at `location`; with `create` (the default
    ledger, on first use), create it if there is none."""
    from expectcli.core.opening import open_store_at

    return Ledger(open_store_at(location, now, create), now)

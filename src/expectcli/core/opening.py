"""Opening a ledger: its store upgraded as needed, for reading (`open_reader`) or, through
`ledger.open_ledger`, for writing too."""

from expectcli.core.queries import Queries
from expectcli.storage.store import Store


def open_store_at(location: str, now: int, create: bool = False) -> Store:
    """The store of the ledger at `location`, upgraded as needed; with `create` (the default
    ledger, on first use), created if there is none. (`ledger.open_ledger` for writes;
    `open_reader` for reads.)"""
    from expectcli.storage import schema
    from expectcli.storage.store import open_store

    def refold(*args, **options):  # a schema step that refolds promises: the journal's rules
        from expectcli.core.journal import refold_all

        return refold_all(*args, **options)

    store = open_store(location, create=create)
    try:
        schema.migrate(store, now, create=create, refold=refold)
    except BaseException:
        store.close()
        raise
    return store


def open_reader(location: str, now: int, create: bool = False) -> Queries:
    """The ledger at `location` for reading only: the commands that write nothing open it
    without loading the journal's write path (its modules cost every read a few milliseconds)."""
    return Queries(open_store_at(location, now, create), now)

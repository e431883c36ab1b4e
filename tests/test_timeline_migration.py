"""A ledger written before outcomes followed the timeline holds state folded by the old rule
(events in the order they were typed). Schema step 0005_timeline folds every promise again,
on `db migrate` or on first use, and `db check` agrees afterwards.

The old ledger is made as the old version left it: the journal as it was written, the
promise row as the old fold stored it, and no 0005 step recorded.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text

from expectcli.storage import schema
from expectcli.storage.store import open_store

MON_2 = "2026-11-02T09:00:00+01:00"
WED_17 = 1793808000  # Wed 4 Nov 2026 17:00 CET, the first deadline
FRI_17 = 1793980800  # Fri 6 Nov 2026 17:00 CET, the new date of a move recorded Thursday


def old_ledger(cli) -> int:
    """Slides, due Wed 17:00; moved Thursday 09:00 to Fri; delivered, typed Thursday 11:00,
    at Wed 15:00. The old fold read the move first and stored it late, broken at Wednesday."""
    pid = cli.promise("Slides", due="2026-11-04 17:00", now=MON_2)
    cli.ok("move", str(pid), "2026-11-06 17:00", "--reason", "more time", now="2026-11-05T09:00:00+01:00")
    cli.ok("done", str(pid), "--at", "2026-11-04 15:00", now="2026-11-05T11:00:00+01:00")
    engine = create_engine(cli.url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE promise SET due = :fri, moves = 1, broken_at = :wed, outcome = 'late', reckon_at = :wed"),
                {"fri": FRI_17, "wed": WED_17},
            )
            conn.execute(text("DELETE FROM expect_schema WHERE name = '0005_timeline'"))
    finally:
        engine.dispose()
    return pid


def stored(cli) -> tuple:
    engine = create_engine(cli.url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text("SELECT due, moves, broken_at, outcome, reckon_at FROM promise")).one())
    finally:
        engine.dispose()


def test_db_migrate_refolds_a_ledger_of_the_old_rule(cli):
    pid = old_ledger(cli)
    assert stored(cli) == (FRI_17, 1, WED_17, "late", WED_17)
    out = cli.ok("db", "migrate")
    assert out.stdout == f"Applied 0005_timeline; the ledger is at schema version {len(schema.MIGRATIONS)}.\n"
    assert stored(cli) == (WED_17, 0, None, "kept", WED_17)
    assert cli.ok("db", "check").stdout == "The ledger is sound.\n"
    assert cli.json("show", str(pid))["outcome"] == "kept"


def test_first_use_refolds_too(cli):
    pid = old_ledger(cli)
    assert cli.json("list", "--all")[0]["outcome"] == "kept"
    assert cli.ok("db", "migrate").stdout == f"The ledger is already at schema version {len(schema.MIGRATIONS)}.\n"
    assert cli.json("show", str(pid))["moves"] == 0


def test_without_the_core_s_refold_the_step_waits(cli):
    """The storage layer alone cannot fold: it leaves the step pending rather than record it
    over stale state."""
    old_ledger(cli)
    store = open_store(cli.location)
    try:
        assert schema.migrate(store, 1_795_000_000) == []
        with store.read() as tx:
            assert "0005_timeline" not in schema.applied(tx)
    finally:
        store.close()
    assert stored(cli) == (FRI_17, 1, WED_17, "late", WED_17)

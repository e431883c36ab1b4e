"""The migrations build exactly the schema the SQLModel classes describe."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, inspect, text
from sqlmodel import Session, SQLModel, select

from conftest import postgres_only, sqlite_only
from expectcli.storage import models


def test_migrated_ledger_matches_the_models(cli):
    cli.promise()
    inspector = inspect(create_engine(cli.url))
    assert set(inspector.get_table_names()) - {"sqlite_sequence"} == set(SQLModel.metadata.tables)
    for name, table in SQLModel.metadata.tables.items():
        live = {column["name"]: column for column in inspector.get_columns(name)}
        assert set(live) == set(table.columns.keys()), name
        for column in table.columns:
            if not column.primary_key:
                assert live[column.name]["nullable"] == column.nullable, (name, column.name)


def test_models_read_a_ledger_as_typed_rows(cli):
    pid = cli.promise("Send the proposal")
    cli.ok("done", str(pid))
    with Session(create_engine(cli.url)) as session:
        promise = session.exec(select(models.Promise)).one()
        events = session.exec(select(models.Event).order_by(models.Event.id)).all()
    assert (promise.title, promise.state, promise.outcome) == ("Send the proposal", "delivered", "kept")
    assert [e.kind for e in events] == ["promised", "delivered"]


@sqlite_only("AUTOINCREMENT is SQLite's guard against reusing ids")
def test_journal_ids_are_never_reused(cli):
    cli.promise()
    with sqlite3.connect(cli.path) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'promise'").fetchone()[0]
    assert "AUTOINCREMENT" in sql


@postgres_only("identity columns are its guard against reusing ids")
def test_journal_ids_come_from_identity_columns_on_postgresql(cli):
    cli.promise()
    with create_engine(cli.url).connect() as conn:
        identity = dict(conn.execute(text(
            "SELECT table_name, is_identity FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = 'id'"
        )).all())  # fmt: skip
    assert identity == {"client": "YES", "promise": "YES", "event": "YES"}

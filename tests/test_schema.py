"""The SQLModel classes are the one declaration of the schema: the migration steps build
exactly what they declare, and a server ledger created from them equals a migrated one.

Ledgers are compared through SQLAlchemy's inspector: tables, columns in order, types (by
SQLite's type affinity on SQLite, exactly on a server), nullability, primary keys, foreign
keys, unique constraints, indexes, and the guard against reusing ids.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import UniqueConstraint, create_engine, inspect, text
from sqlmodel import Session, select

from conftest import ON_POSTGRES, Cli, fresh_ledger, postgres_only, sqlite_only
from expectcli.storage import models, schema
from expectcli.storage.store import SQLAlchemyStore, open_store

NOW = 1_795_000_000


# -- two descriptions of a schema, made comparable ------------------------------------------


def sqlite_affinity(declared: str) -> str:
    """The affinity SQLite gives a declared column type (the rules of its section 3.1)."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in declared or not declared:
        return "BLOB"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def type_key(type_, dialect) -> str:
    compiled = type_.compile(dialect=dialect)
    return sqlite_affinity(compiled) if dialect.name == "sqlite" else compiled


def nullability(dialect, primary_key: bool, nullable: bool) -> bool | None:
    """SQLite reports its primary key columns as nullable whatever they declare: not compared."""
    return None if dialect.name == "sqlite" and primary_key else nullable


def declared(dialect) -> dict[str, dict]:
    """The schema as the models declare it, for `dialect`."""
    description = {}
    for table in models.TABLES:
        pk = [column.name for column in table.primary_key.columns]
        description[table.name] = {
            "columns": [
                (c.name, type_key(c.type, dialect), nullability(dialect, c.primary_key, c.nullable))
                for c in table.columns
            ],
            "primary key": pk,
            "foreign keys": sorted(
                (tuple(fk.column_keys), fk.referred_table.name, tuple(e.column.name for e in fk.elements))
                for fk in table.foreign_key_constraints
            ),
            "unique": sorted(
                tuple(c.name for c in constraint.columns)
                for constraint in table.constraints
                if isinstance(constraint, UniqueConstraint)
            ),
            "indexes": sorted(
                (i.name, tuple(c.name for c in i.columns), bool(i.unique))
                for i in table.indexes
                if dialect.name == "sqlite" or i.name not in models.SQLITE_ONLY
            ),
            "ids never reused": (
                table.dialect_options["sqlite"]["autoincrement"]
                if dialect.name == "sqlite"
                else [c.name for c in table.columns if c.identity is not None]
            ),
        }
    return description


def found(conn) -> dict[str, dict]:
    """The schema of the ledger on `conn`, as the inspector finds it."""
    inspector = inspect(conn)
    dialect = conn.dialect
    description = {}
    for name in inspector.get_table_names():
        if name == "sqlite_sequence":  # SQLite's own, present once a table has AUTOINCREMENT
            continue
        if name.startswith("search_fts"):  # FTS5's virtual table and its own tables: no model declares them
            continue
        columns = inspector.get_columns(name)
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        description[name] = {
            "columns": [
                (c["name"], type_key(c["type"], dialect), nullability(dialect, c["name"] in pk, c["nullable"]))
                for c in columns
            ],
            "primary key": pk,
            "foreign keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                for fk in inspector.get_foreign_keys(name)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(name)
                if "duplicates_constraint" not in i  # the index behind a unique constraint
            ),
            "ids never reused": (
                _has_autoincrement(conn, name)
                if dialect.name == "sqlite"
                else [c["name"] for c in columns if c.get("identity")]
            ),
        }
    return description


def _has_autoincrement(conn, table: str) -> bool:
    """Whether SQLite keeps a high-water mark for `table`: AUTOINCREMENT's guard. (Every
    table with AUTOINCREMENT has a row in sqlite_sequence once a row was inserted.)"""
    known = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_sequence"))}
    rows = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
    assert rows, f"put a row in {table} to see whether its ids are guarded"
    return table in known


# -- ledgers built each way ------------------------------------------------------------------


def url_of(location: str) -> str:
    return location if "://" in location else f"sqlite:///{location}"


@pytest.fixture
def ledger_location(tmp_path: Path):
    """A place with no ledger yet (a missing file, an empty schema): these tests set up the
    schema themselves, each way it can be built."""
    with fresh_ledger(tmp_path, init=False) as location:
        yield location


def build(location: str, steps_only: bool, first_steps: int | None = None, through_sqlalchemy: bool = False) -> None:
    """Set up a new ledger: through the migration steps (only the first `first_steps` of
    them, as an older release left it), or as this version sets up a ledger at `location`
    (`through_sqlalchemy`: a SQLite file on the SQLAlchemy road, as a server's ledger is)."""
    steps = schema.MIGRATIONS[: first_steps or len(schema.MIGRATIONS)]
    store = SQLAlchemyStore(url_of(location)) if through_sqlalchemy else open_store(location, create=True)
    try:
        with mock.patch.object(schema, "MIGRATIONS", steps):
            schema.migrate(store, NOW, steps_only=steps_only)
    finally:
        store.close()


def schema_of(cli) -> dict[str, dict]:
    """Use the ledger as the command line does (a row in every table), then describe it."""
    cli.promise()
    engine = create_engine(url_of(cli.location))
    try:
        with engine.begin() as conn:  # an ask (its id is taken from the promises' generator, not its own)
            conn.execute(
                text(
                    "INSERT INTO ask (id, client_id, title, asked_at, state) SELECT 1000, MIN(id), 'x', 0, 'waiting' FROM client"
                )
            )
        with engine.connect() as conn:
            return found(conn)
    finally:
        engine.dispose()


def dialect_of(cli):
    engine = create_engine(url_of(cli.location))
    try:
        return engine.dialect
    finally:
        engine.dispose()


def test_the_migration_steps_build_the_schema_the_models_declare(cli):
    build(cli.location, steps_only=True)
    assert schema_of(cli) == declared(dialect_of(cli))


def test_a_ledger_of_the_first_release_upgrades_to_the_models_schema(cli):
    build(cli.location, steps_only=True, first_steps=1)
    store = open_store(cli.location)
    with store.read() as tx:
        assert schema.applied(tx) == ["0001_initial"]
    store.close()
    assert schema_of(cli) == declared(dialect_of(cli))  # upgraded by the steps on first use
    store = open_store(cli.location)
    with store.read() as tx:
        assert schema.applied(tx) == [name for name, _ in schema.MIGRATIONS]
    store.close()


def test_a_new_ledger_is_set_up_as_the_models_declare(cli):
    build(cli.location, steps_only=False)
    assert schema_of(cli) == declared(dialect_of(cli))


def test_a_ledger_created_from_the_models_records_every_step(cli):
    build(cli.location, steps_only=False)
    store = open_store(cli.location)
    with store.read() as tx:
        assert schema.applied(tx) == [name for name, _ in schema.MIGRATIONS]
        assert tx.all("SELECT DISTINCT applied_at FROM expect_schema") == [(NOW,)]
    assert schema.migrate(store, NOW + 1) == []
    store.close()


def test_a_ledger_created_from_the_models_equals_a_migrated_one(cli, tmp_path):
    if ON_POSTGRES:
        from_models = cli
    else:  # the SQLAlchemy road, which a server's ledger takes, on a SQLite file
        from_models = Cli(str(tmp_path / "from-models.db"), cli.config)
    build(from_models.location, steps_only=False, through_sqlalchemy=True)
    with fresh_ledger(tmp_path / "by-steps", init=False) as location:
        by_steps = Cli(location, cli.config)
        build(location, steps_only=True)
        assert schema_of(from_models) == schema_of(by_steps) == declared(dialect_of(cli))
        if ON_POSTGRES:  # and exactly so: constraint names, identity options, index definitions
            assert _raw(from_models.location) == _raw(location)


def _raw(location: str) -> dict:
    """Everything the inspector reports of each table, less the schema's name."""
    engine = create_engine(location)
    try:
        inspector = inspect(engine)
        report = {}
        for name in inspector.get_table_names():
            report[name] = {
                "columns": [{k: str(v) for k, v in c.items()} for c in inspector.get_columns(name)],
                "pk": inspector.get_pk_constraint(name),
                "fks": sorted([dict(fk, referred_schema=None) for fk in inspector.get_foreign_keys(name)], key=str),
                "unique": sorted(inspector.get_unique_constraints(name), key=str),
                "indexes": sorted(inspector.get_indexes(name), key=str),
                "checks": inspector.get_check_constraints(name),
            }
        return report
    finally:
        engine.dispose()


@pytest.mark.parametrize("steps_only", [True, False])
def test_the_comparison_notices_a_difference(cli, steps_only):
    """The checks above can fail: an index missing from a ledger is seen."""
    build(cli.location, steps_only=steps_only)
    store = open_store(cli.location)
    with store.write() as tx:
        tx.execute("DROP INDEX promise_state_client")
    store.close()
    described = schema_of(cli)
    expected = declared(dialect_of(cli))
    assert described != expected
    described["promise"]["indexes"].append(("promise_state_client", ("state", "client_id", "due"), False))
    described["promise"]["indexes"].sort()
    assert described == expected


# -- the models in use ------------------------------------------------------------------------


def test_models_read_a_ledger_as_typed_rows(cli):
    cli.ok("db", "init", cli.location)  # this module's ledgers start bare (see `ledger_location`)
    pid = cli.promise("Send the proposal")
    cli.ok("done", str(pid))
    engine = create_engine(cli.url)
    with Session(engine) as session:
        promise = session.exec(select(models.Promise)).one()
        events = session.exec(select(models.Event).order_by(models.Event.id)).all()
    engine.dispose()
    assert (promise.title, promise.state, promise.outcome) == ("Send the proposal", "delivered", "kept")
    assert [e.kind for e in events] == ["promised", "delivered"]


@sqlite_only("AUTOINCREMENT is SQLite's guard against reusing ids")
def test_journal_ids_are_never_reused(cli):
    cli.ok("db", "init", cli.location)  # this module's ledgers start bare (see `ledger_location`)
    cli.promise()
    cli.promise()
    with sqlite3.connect(cli.path) as conn:
        conn.execute("DELETE FROM event WHERE id = (SELECT MAX(id) FROM event)")
        newest = conn.execute("SELECT MAX(id) FROM event").fetchone()[0]
    cli.promise()
    with sqlite3.connect(cli.path) as conn:
        assert conn.execute("SELECT MAX(id) FROM event").fetchone()[0] == newest + 2


@postgres_only("identity columns are its guard against reusing ids")
def test_journal_ids_come_from_identity_columns_on_postgresql(cli):
    cli.ok("db", "init", cli.location)  # this module's ledgers start bare (see `ledger_location`)
    cli.promise()
    with create_engine(cli.url).connect() as conn:
        identity = dict(conn.execute(text(
            "SELECT table_name, is_identity FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = 'id'"
        )).all())  # fmt: skip
    # search_text is keyed by promise id × 4 + field: derived keys, not generated ones; an
    # ask's id is taken from the promises' generator
    assert identity == {
        "client": "YES",
        "promise": "YES",
        "event": "YES",
        "command": "YES",
        "search_text": "NO",
        "ask": "NO",
    }


def test_the_sqlite_path_does_not_import_the_models(tmp_path: Path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from expectcli.storage import schema\n"
        "from expectcli.storage.store import open_store\n"
        f"schema.migrate(open_store({str(tmp_path / 'ledger.db')!r}, create=True), {NOW})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sqlmodel', 'sqlalchemy', 'pydantic'}"
        " or m == 'expectcli.storage.models'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def test_an_ask_takes_its_id_from_the_promises_generator_and_no_promise_reuses_it(cli):
    cli.ok("db", "init", cli.location)  # this module's ledgers start bare (see `ledger_location`)
    first = cli.promise()
    store = open_store(cli.location)
    try:
        with store.write() as tx:
            taken = tx.take_promise_id()
    finally:
        store.close()
    assert taken == first + 1
    assert cli.promise() == taken + 1

"""The ledger's tables as SQLModel classes: the one declaration of the schema.

Columns, types, nullability, keys, foreign keys, unique constraints and indexes are stated
here and nowhere else. A ledger on a database server is created from these classes (see
`schema.migrate`); a SQLite ledger, and a server ledger created by an older `expect`, is
built by the frozen steps in `schema.MIGRATIONS`, and a test checks that both roads end at
exactly this schema. A change to the schema is a change here plus a new migration step.

The classes also give Python users typed rows when they use the ledger as a library::

    from sqlmodel import Session, create_engine, select
    from expectcli.storage.models import Promise

    with Session(create_engine("sqlite:///ledger.db")) as session:
        for promise in session.exec(select(Promise).where(Promise.state == "active")):
            print(promise.id, promise.title)

The SQLite read path does not import this module: SQLModel and pydantic cost more to
import than a prompt hook can afford. Times are integer UTC epoch seconds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Identity, Index, Integer, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# BIGINT on a database server; INTEGER on SQLite, where only an INTEGER PRIMARY KEY is the
# rowid (and may be AUTOINCREMENT). Both hold 64-bit integers.
INT = BigInteger().with_variant(Integer(), "sqlite")

# Ids are never reused, even after the newest row is deleted: journal events are referred
# to by id (`voids`, exports, user scripts). SQLite's guard is AUTOINCREMENT; PostgreSQL's
# is the identity column's sequence.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


# Indexes only a SQLite ledger has (`sqlite_only`), by name.
SQLITE_ONLY: set[str] = set()


def sqlite_only(index: Index) -> Index:
    """`index`, created on SQLite alone."""
    SQLITE_ONLY.add(str(index.name))
    return index.ddl_if(dialect="sqlite")


def _id() -> Any:
    return Field(default=None, sa_column=Column(INT, Identity(), primary_key=True))


def _int(nullable: bool = False) -> Any:
    return Field(default=None if nullable else ..., sa_column=Column(INT, nullable=nullable))


def _text(nullable: bool = False) -> Any:
    return Field(default=None if nullable else ..., sa_column=Column(Text, nullable=nullable))


def _ref(target: str, nullable: bool = False) -> Any:
    return Field(default=None if nullable else ..., sa_column=Column(INT, ForeignKey(target), nullable=nullable))


class SchemaStep(SQLModel, table=True):
    """One migration step applied to this ledger (see `schema.MIGRATIONS`)."""

    __tablename__ = "expect_schema"

    name: str = Field(sa_column=Column(Text, primary_key=True))
    applied_at: int = _int()


class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        UniqueConstraint("handle", name="client_handle_key"),
        NEVER_REUSE_IDS,
    )

    id: int | None = _id()
    handle: str = _text()
    name: str | None = _text(nullable=True)
    created_at: int = _int()
    respond_within: str | None = _text(nullable=True)  # a duration such as 4h or 1bd
    update_every: str | None = _text(nullable=True)  # a duration such as 1w
    work_hours: str | None = _text(nullable=True)  # 09:00-17:00
    timezone: str | None = _text(nullable=True)  # an IANA zone name
    terms_set_at: int | None = _int(nullable=True)
    holidays: str | None = _text(nullable=True)  # a public-holiday calendar: country[-subdivision], DE-BY
    merged_into: int | None = _ref("client.id", nullable=True)  # set once merged into another client
    notice: str | None = _text(nullable=True)  # notice expected before a date moves: a duration such as 1bd


class Command(SQLModel, table=True):
    """One write command as typed (`done 3 4 5`): its events point at it, so undo takes back
    the whole command; `author` is user@host."""

    __tablename__ = "command"
    __table_args__ = (
        Index("command_author", "author", "id"),
        NEVER_REUSE_IDS,
    )

    id: int | None = _id()
    name: str = _text()
    author: str = _text()
    recorded_at: int = _int()


class Promise(SQLModel, table=True):
    __tablename__ = "promise"
    __table_args__ = (
        Index("promise_state_due", "state", "due"),
        # Reports count by reckoning time; these cover every column they read, so a period
        # is counted from the index alone.
        Index("promise_reckon", "reckon_at", "state", "outcome", "due", "client_id", "paused_since"),
        Index("promise_client_reckon", "client_id", "reckon_at", "state", "outcome", "due", "paused_since"),
        # Active promises by client, for every update cadence check (`due --count`).
        Index("promise_state_client", "state", "client_id", "due"),
        # The promises in hand by stored outcome and due, with every column `due`'s sections
        # read: its counts come from the index alone, its first rows in due order (core/due.py).
        # Partial: only the promises in hand, so no query over settled promises is drawn to it.
        Index(
            "promise_in_hand",
            "state",
            "outcome",
            "due",
            "paused_since",
            "client_id",
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
        # Each client's latest delivery, for the update cadence (core/queries.LAST_DELIVERY_SQL).
        Index(
            "promise_delivered",
            "client_id",
            "delivered_at",
            sqlite_where=text("state = 'delivered'"),
            postgresql_where=text("state = 'delivered'"),
        ),
        # `list`: the promises in hand in due order, with every column it shows, so the open
        # list is read from the index alone, already sorted (core/queries.py). SQLite only: on
        # PostgreSQL a btree entry is limited to a third of a page, which a long title exceeds.
        sqlite_only(
            Index(
                "promise_listed",
                "due",
                "id",
                "title",
                "client_id",
                "outcome",
                "paused_since",
                "broken_at",
                "tags",
                "recurrence",
                "state",
                sqlite_where=text("state = 'active'"),
            )
        ),
        Index("promise_origin", "origin", unique=True),
        Index("promise_series", "series_id", "id"),  # a series' occurrences
        NEVER_REUSE_IDS,
    )

    id: int | None = _id()
    client_id: int = _ref("client.id")
    title: str = _text()
    criteria: str | None = _text(nullable=True)
    kind: str = _text()
    tags: str = _text()  # a JSON array of tag strings
    promised_at: int = _int()
    first_due: int = _int()
    due: int = _int()
    moves: int = _int()
    state: str = _text()  # active, delivered, released, voided
    delivered_at: int | None = _int(nullable=True)
    released_at: int | None = _int(nullable=True)
    broken_at: int | None = _int(nullable=True)
    outcome: str = _text()  # settled outcome; "open" turns "missed" once now > due
    reckon_at: int = _int()
    origin: str | None = _text(nullable=True)  # an imported promise's source and id there: taskwarrior:<uuid>
    recurrence: str | None = _text(nullable=True)  # a recurring promise's period: 1w, 2w, 1m, 1bd
    series_id: int | None = _ref("promise.id", nullable=True)  # the first occurrence of its series
    paused_since: int | None = _int(nullable=True)  # while an ask blocking it is outstanding


class Ask(SQLModel, table=True):
    """Something a client owes (a signed SOW, data, approval). Its id comes from the promises'
    id generator (`Tx.take_promise_id`), so one number names a promise or an ask, never both."""

    __tablename__ = "ask"
    __table_args__ = (
        Index("ask_state_needed", "state", "needed_by"),
        Index("ask_client", "client_id", "asked_at"),
    )

    id: int = Field(sa_column=Column(INT, primary_key=True, autoincrement=False))
    client_id: int = _ref("client.id")
    title: str = _text()
    asked_at: int = _int()
    needed_by: int | None = _int(nullable=True)
    received_at: int | None = _int(nullable=True)
    state: str = _text()  # waiting, received, voided


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        Index("event_promise", "promise_id", "id"),
        Index("event_kind_recorded", "kind", "recorded_at"),
        Index("event_voids", "voids", unique=True),  # an event is voided at most once
        Index("event_client_kind", "client_id", "kind", "recorded_at"),
        Index("event_command", "command_id"),
        Index("event_ask", "ask_id", "id"),
        NEVER_REUSE_IDS,
    )

    id: int | None = _id()
    kind: str = _text()
    recorded_at: int = _int()
    promise_id: int | None = _ref("promise.id", nullable=True)
    client_id: int | None = _ref("client.id", nullable=True)
    due: int | None = _int(nullable=True)
    previous_due: int | None = _int(nullable=True)
    effective_at: int | None = _int(nullable=True)
    text: str | None = _text(nullable=True)
    voids: int | None = _ref("event.id", nullable=True)
    score: int | None = _int(nullable=True)  # feedback: 0-10 would-refer score
    command_id: int | None = _ref("command.id", nullable=True)  # the command that wrote it; None before 0004
    ask_id: int | None = _ref("ask.id", nullable=True)  # asked, received; paused, resumed (the ask blocking it)
    basis: str | None = _text(nullable=True)  # promised, moved: "bd" when the deadline was given in business days


class SearchText(SQLModel, table=True):
    """A promise's searchable words, one row per field (title, criteria, note, reason), keyed
    `promise id × 4 + field`; derived from the promise and its live events and rewritten on
    every write (see `searchindex`). On SQLite with FTS5 the full-text table `search_fts`
    indexes it: a virtual table, made by the migration step, not declared here."""

    __tablename__ = "search_text"

    id: int = Field(sa_column=Column(INT, primary_key=True, autoincrement=False))
    promise_id: int = _int()  # id // 4 (no foreign key: the row keyed 0 marks a full-text table to rebuild)
    field: str = _text()
    body: str = _text()  # the words, folded, space-separated, with a space at each end


# The ledger's tables, in an order that creates each before the tables referring to it.
TABLES: list[Table] = [model.__table__ for model in (SchemaStep, Client, Command, Promise, Ask, Event, SearchText)]  # type: ignore[attr-defined,union-attr,unused-ignore]


def create_tables(connection: Any) -> None:
    """Create the ledger's tables, keys and indexes on a SQLAlchemy connection, inside the
    caller's transaction. A table of the same name already there is an error, not skipped."""
    SQLModel.metadata.create_all(connection, tables=TABLES, checkfirst=False)

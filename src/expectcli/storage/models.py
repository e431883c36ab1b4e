"""The ledger's tables as SQLModel classes: a typed description of the current schema.

The migrations in `schema.py` are what create and upgrade a ledger; these classes state what
the result must be (a test compares the two), and give Python users typed rows when they use
the ledger as a library::

    from sqlmodel import Session, create_engine, select
    from expectcli.models import Promise

    with Session(create_engine("sqlite:///ledger.db")) as session:
        for promise in session.exec(select(Promise).where(Promise.state == "active")):
            print(promise.id, promise.title)

The command line does not import this module: SQLModel and pydantic cost more to import than
a prompt hook can afford. Times are integer UTC epoch seconds.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


def _time(nullable: bool = False):
    return Field(default=None if nullable else ..., sa_column=Column(BigInteger, nullable=nullable))


class SchemaStep(SQLModel, table=True):
    __tablename__ = "expect_schema"

    name: str = Field(primary_key=True)
    applied_at: int = _time()


class Client(SQLModel, table=True):
    __tablename__ = "client"

    id: Optional[int] = Field(default=None, primary_key=True)
    handle: str = Field(unique=True)
    name: Optional[str] = None
    created_at: int = _time()
    respond_within: Optional[str] = None  # a duration such as 4h or 1bd
    update_every: Optional[str] = None  # a duration such as 1w
    work_hours: Optional[str] = None  # 09:00-17:00
    timezone: Optional[str] = None  # an IANA zone name
    terms_set_at: Optional[int] = _time(nullable=True)


class Promise(SQLModel, table=True):
    __tablename__ = "promise"

    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    title: str
    criteria: Optional[str] = None
    kind: str
    tags: str  # a JSON array of tag strings
    promised_at: int = _time()
    first_due: int = _time()
    due: int = _time()
    moves: int
    state: str  # active, delivered, released, voided
    delivered_at: Optional[int] = _time(nullable=True)
    released_at: Optional[int] = _time(nullable=True)
    broken_at: Optional[int] = _time(nullable=True)
    outcome: str  # settled outcome; "open" turns "missed" once now > due
    reckon_at: int = _time()


class Event(SQLModel, table=True):
    __tablename__ = "event"

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str
    recorded_at: int = _time()
    promise_id: Optional[int] = Field(default=None, foreign_key="promise.id")
    client_id: Optional[int] = Field(default=None, foreign_key="client.id")
    due: Optional[int] = _time(nullable=True)
    previous_due: Optional[int] = _time(nullable=True)
    effective_at: Optional[int] = _time(nullable=True)
    text: Optional[str] = None
    voids: Optional[int] = Field(default=None, foreign_key="event.id")
    score: Optional[int] = None  # feedback: 0-10 would-refer score

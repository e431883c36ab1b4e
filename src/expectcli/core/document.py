"""The expect JSON document (`expect export --format json`): its versioned schema, declared
once, here, as pydantic models.

The models are the schema: the export is built from them, every imported document is
validated against them before anything is written, and `python -m expectcli.core.document`
prints the JSON Schema generated from them (published in docs/data.md; a test checks the two
agree). A bad document is refused with one line naming the place, such as
`promises[3].events[2].kind: unknown event kind`.

Version 3 holds the whole ledger: the commands that wrote the journal (who, when, which
command), the clients with their ids, the promises and the asks (what clients owe) with their
ids, each client's, promise's and ask's events under it, verbatim. A promise's `paused` and
`resumed` events name the ask that blocked it (`ask`); a deadline typed in business days
says so (`basis`). Times are ISO 8601 with an offset; inside the models they are integer UTC
epoch seconds.

Earlier versions are read by upgrading them, in the model layer: version 2 (before asks) by
`DocumentV2`, version 1 (expect 0.x before commands were exported) by `LegacyDocument`.
A later version adds sections beside `asks` in the same shape — a list of things, each with
its `id` and its `events` — and reads this one by upgrading it, as version 2 is here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    SerializationInfo,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from expectcli.core import validate
from expectcli.core.durations import FIRST_YEAR, LAST_YEAR
from expectcli.core.validate import MAX_TEXT
from expectcli.errors import BadInput

FORMAT = "expect-ledger"
VERSION = 3
VERSIONS = (1, 2, 3)
MAX_ID = 2**53 - 1
MAX_FIELD = 20 * MAX_TEXT  # an event's text holds an edit's old and new values, as JSON

V2_PROMISE_EVENTS = ("promised", "moved", "delivered", "released", "reopened", "edited", "noted", "voided")
CLIENT_EVENTS = ("terms", "feedback", "update-sent", "renamed", "merged", "voided")
V2_EVENT_KINDS = tuple(dict.fromkeys(V2_PROMISE_EVENTS + CLIENT_EVENTS))
PROMISE_EVENTS = (*V2_PROMISE_EVENTS, "paused", "resumed")  # version 3: a promise's clock waits on an ask
ASK_EVENTS = ("asked", "received", "voided")
EVENT_KINDS = tuple(dict.fromkeys(PROMISE_EVENTS + CLIENT_EVENTS + ASK_EVENTS))


class DocumentError(BadInput):
    """A document refused: `place` is where, as `promises[3].events[2].kind`."""

    def __init__(self, place: str, message: str):
        super().__init__(f"{place}: {message}" if place else message)
        self.place = place


# -- field types -----------------------------------------------------------------------------


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("expect", "{message}", {"message": message})


def _shown(value: object) -> str:
    """A value of a document, for a one-line message."""
    if isinstance(value, str):
        return validate.quote(value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if abs(value) <= MAX_ID else "a number out of range"
    if isinstance(value, float):
        return repr(value)[:40]
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__


def _id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(f"an id is a whole number, not {_shown(value)}")
    if not 1 <= value <= MAX_ID:
        raise _refuse(f"an id is a whole number from 1 to 2^53-1, not {_shown(value)}")
    return value


def _moment(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        raise _refuse("a time is ISO 8601 text with an offset, like 2026-11-25T10:00:00+01:00, not a number")
    if not isinstance(value, str):
        raise _refuse(f"a time is ISO 8601 text with an offset, not {_shown(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _refuse(f"{_shown(value)} is not an ISO 8601 time (like 2026-11-25T10:00:00+01:00)") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _refuse(f"{_shown(value)} has no UTC offset (like +01:00 or Z)")
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise _refuse(f"{_shown(value)} is outside the dates this tool accepts (years {FIRST_YEAR} to {LAST_YEAR})")
    return int(utc.timestamp())


def _iso(value: int, info: SerializationInfo) -> Any:
    context = info.context or {}
    if context.get("raw"):
        return value
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(value, ZoneInfo(context.get("zone") or "UTC")).isoformat()


def clean_text(value: object, limit: int = MAX_FIELD) -> str:
    """Text as any typed text must be: a string of valid Unicode (no lone surrogates, which
    invalid UTF-8 becomes), no NUL, not absurdly long."""
    if not isinstance(value, str):
        raise _refuse(f"should be text, not {_shown(value)}")
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise _refuse("contains invalid UTF-8 (a lone surrogate)")
    if "\x00" in value:
        raise _refuse("contains a NUL character")
    if len(value) > limit:
        raise _refuse(f"is longer than {limit} characters")
    return value


def _checked(check: Callable[[str], Any]) -> Callable[[object], Any]:
    """A validator running `check` (which raises BadInput as for typed input) on clean text."""

    def run(value: object) -> Any:
        text = clean_text(value)
        try:
            return check(text)
        except BadInput as exc:
            raise _refuse(str(exc)) from None

    return run


def _period(text: str):
    from expectcli.core.recurring import parse_period

    return parse_period(text)


def _kind(value: object) -> str:
    if value not in EVENT_KINDS:
        raise _refuse("unknown event kind")
    return str(value)


def _v2_kind(value: object) -> str:
    if value not in V2_EVENT_KINDS:
        raise _refuse("unknown event kind" + (" in version 2 (asks came in version 3)" if value in EVENT_KINDS else ""))
    return str(value)


def _score(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise _refuse(f"a feedback score is a whole number from 0 to 10, not {_shown(value)}")
    return value


Id = Annotated[int, BeforeValidator(_id), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID})]
Moment = Annotated[
    int,
    BeforeValidator(_moment),
    PlainSerializer(_iso, when_used="always"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Text = Annotated[str, BeforeValidator(clean_text)]
Title = Annotated[str, BeforeValidator(_checked(lambda text: validate.required_text(text, "title")))]
Note = Annotated[str, BeforeValidator(_checked(lambda text: validate.checked_text(text, "text")))]
Period = Annotated[
    str,
    BeforeValidator(_checked(lambda text: str(_period(text)))),
    WithJsonSchema({"type": "string", "description": "a recurring promise's period: 1w, 2w, 1m, 1bd"}),
]
Handle = Annotated[
    str,
    BeforeValidator(_checked(validate.normalise_handle)),
    WithJsonSchema({"type": "string", "description": "a client handle, as typed: acme"}),
]
Tag = Annotated[str, BeforeValidator(_checked(lambda tag: validate.normalise_tags([tag])[0]))]
PromiseKind = Annotated[str, BeforeValidator(_checked(validate.kind)), WithJsonSchema({"enum": list(validate.KINDS)})]
EventKind = Annotated[str, BeforeValidator(_kind), WithJsonSchema({"enum": list(EVENT_KINDS)})]
V2EventKind = Annotated[str, BeforeValidator(_v2_kind), WithJsonSchema({"enum": list(V2_EVENT_KINDS)})]
Score = Annotated[int, BeforeValidator(_score), WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 10})]


def _term(key: str) -> Callable[[str], str | None]:
    """A validator of one of a client's terms, exactly as `expect client terms` checks it."""
    option = {"respond_within": 0, "update_every": 1, "work_hours": 2, "timezone": 3, "holidays": 4, "notice": 5}[key]

    def check(text: str) -> str | None:
        from expectcli.core.clients import parse_terms

        arguments: list[str | None] = [None] * 6
        arguments[option] = text
        try:
            return parse_terms(*arguments)[key]
        except BadInput as exc:
            raise BadInput(str(exc).removeprefix("--timezone: ")) from None

    return check


def _term_type(key: str) -> Any:
    return Annotated[str, BeforeValidator(_checked(_term(key)))]


# -- the models ------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Terms(_Model):
    """A client's terms, as `expect client terms` takes them (all optional)."""

    respond_within: _term_type("respond_within") | None = None  # type: ignore[valid-type]
    update_every: _term_type("update_every") | None = None  # type: ignore[valid-type]
    work_hours: _term_type("work_hours") | None = None  # type: ignore[valid-type]
    timezone: _term_type("timezone") | None = None  # type: ignore[valid-type]
    holidays: _term_type("holidays") | None = None  # type: ignore[valid-type]
    notice: _term_type("notice") | None = None  # type: ignore[valid-type]


class Command(_Model):
    """One write command as typed (`done 3 4 5`): its name, who ran it (user@host), when."""

    id: Id
    name: Text
    author: Text
    recorded_at: Moment


class EventV2(_Model):
    """One journal event of a version 2 document, verbatim (see `Event`)."""

    id: Id
    kind: V2EventKind
    recorded_at: Moment
    due: Moment | None = None
    previous_due: Moment | None = None
    effective_at: Moment | None = None
    text: Text | None = None
    score: Score | None = None
    voids: Id | None = None
    command: Id | None = None  # the command that wrote it; none for events older than commands


class Event(EventV2):
    """One journal event, verbatim. `text` is a reason or note, an ask's title, or for
    `terms`, `edited`, `renamed` and `merged` events a JSON object (clients named by id)."""

    kind: EventKind
    ask: Id | None = None  # paused, resumed: the ask blocking the promise
    basis: Literal["bd"] | None = None  # promised, moved: the deadline was given in business days


class ClientV2(_Model):
    id: Id
    client: Handle
    name: Note | None = None
    created_at: Moment
    merged_into: Handle | None = None  # given by its events, as are terms and terms_set_at
    terms: Terms = Field(default_factory=Terms)
    terms_set_at: Moment | None = None
    events: list[EventV2] = Field(default_factory=list)


class Client(ClientV2):
    events: list[Event] = Field(default_factory=list)  # type: ignore[assignment]


class PromiseV2(_Model):
    id: Id
    client: Handle
    title: Title
    kind: PromiseKind = "deliverable"
    tags: list[Tag] = Field(default_factory=list)
    criteria: Note | None = None
    origin: Text | None = None  # where an imported promise came from: taskwarrior:<uuid>
    every: Period | None = None  # a recurring promise's period; absent for a one-off promise
    series: Id | None = None  # the id of its series' first occurrence (its own for the first)
    events: list[EventV2]


class Promise(PromiseV2):
    events: list[Event]  # type: ignore[assignment]


class Ask(_Model):
    """Something a client owes (a signed SOW, data, approval). Its id is from the promises'
    numbering: no promise has it. The fields beside `events` are given by its events, as a
    promise's state is: exported to be read, folded again on import."""

    id: Id
    client: Handle
    title: Title
    asked_at: Moment
    needed_by: Moment | None = None
    received_at: Moment | None = None
    state: Literal["waiting", "received", "voided"]
    events: list[Event]


class Document(_Model):
    """The whole ledger, version 3."""

    format: Literal["expect-ledger"]
    version: Literal[3]
    exported_at: Moment
    commands: list[Command] = Field(default_factory=list)
    clients: list[Client] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    asks: list[Ask] = Field(default_factory=list)
    _legacy: bool = PrivateAttr(default=False)  # upgraded from version 1: no commands, clients by handle

    @property
    def legacy(self) -> bool:
        return self._legacy


# -- version 2 -------------------------------------------------------------------------------


def _v3_events(items: list, text: Callable[[Any, int], str | None] | None = None) -> list[Event]:
    """Events of an earlier version as version 3 has them (`text(event, n)` rewrites a text)."""
    return [
        Event.model_construct(**{**item.model_dump(context={"raw": True}),
                                 **({"text": text(item, n)} if text else {})})
        for n, item in enumerate(items)
    ]  # fmt: skip


class DocumentV2(_Model):
    """Version 2: the whole ledger before asks (no `asks`, no paused clocks)."""

    format: Literal["expect-ledger"]
    version: Literal[2]
    exported_at: Moment
    commands: list[Command] = Field(default_factory=list)
    clients: list[ClientV2] = Field(default_factory=list)
    promises: list[PromiseV2] = Field(default_factory=list)

    def upgrade(self, known: dict[str, int]) -> Document:
        """Version 3 of this document: the same, with no asks."""
        return Document.model_construct(
            format=FORMAT,
            version=VERSION,
            exported_at=self.exported_at,
            commands=self.commands,
            clients=[Client.model_construct(**{**dict(c), "events": _v3_events(c.events)}) for c in self.clients],
            promises=[Promise.model_construct(**{**dict(p), "events": _v3_events(p.events)}) for p in self.promises],
            asks=[],
        )


# -- version 1 -------------------------------------------------------------------------------


class LegacyEvent(_Model):
    id: Id
    kind: EventKind
    recorded_at: Moment
    due: Moment | None = None
    previous_due: Moment | None = None
    effective_at: Moment | None = None
    text: Text | None = None
    score: Score | None = None
    voids: Id | None = None


class LegacyClient(_Model):
    client: Handle
    name: Note | None = None
    created_at: Moment
    terms: Terms = Field(default_factory=Terms)
    terms_set_at: Moment | None = None
    events: list[LegacyEvent] = Field(default_factory=list)


class LegacyPromise(_Model):
    id: Id
    client: Handle
    title: Title
    kind: PromiseKind = "deliverable"
    tags: list[Tag] = Field(default_factory=list)
    criteria: Note | None = None
    events: list[LegacyEvent]


class LegacyDocument(_Model):
    """Version 1: clients without ids, no commands; edits and merges name clients by handle."""

    format: Literal["expect-ledger"]
    version: Literal[1]
    exported_at: Moment
    clients: list[LegacyClient] = Field(default_factory=list)
    promises: list[LegacyPromise] = Field(default_factory=list)

    def upgrade(self, known: dict[str, int]) -> Document:
        """Version 2 of this document. Clients keep the ids `known` gives their handles (the
        ledger's, so a file imported again finds them) or get new ones after those."""
        ids = dict(known)
        next_id = max(ids.values(), default=0) + 1
        for client in self.clients:
            if client.client not in ids:
                ids[client.client] = next_id
                next_id += 1

        def events(items: list[LegacyEvent], place: str) -> list[Event]:
            return [
                Event.model_construct(
                    **{**item.model_dump(context={"raw": True}), "text": _local(item, ids, f"{place}[{n}].text")}
                )
                for n, item in enumerate(items)
            ]

        upgraded = Document.model_construct(
            format=FORMAT,
            version=VERSION,
            exported_at=self.exported_at,
            commands=[],
            clients=[
                Client.model_construct(
                    id=ids[c.client],
                    client=c.client,
                    name=c.name,
                    created_at=c.created_at,
                    merged_into=None,
                    terms=c.terms,
                    terms_set_at=c.terms_set_at,
                    events=events(c.events, f"clients[{n}].events"),
                )  # fmt: skip
                for n, c in enumerate(self.clients)
            ],
            promises=[
                Promise.model_construct(
                    id=p.id,
                    client=p.client,
                    title=p.title,
                    kind=p.kind,
                    tags=p.tags,
                    criteria=p.criteria,
                    origin=None,
                    events=events(p.events, f"promises[{n}].events"),
                )  # fmt: skip
                for n, p in enumerate(self.promises)
            ],
            asks=[],
        )
        upgraded._legacy = True
        return upgraded


def _local(event: LegacyEvent, ids: dict[str, int], place: str) -> str | None:
    """A version 1 edit or merge names clients by handle; version 2, as the ledger, by id."""
    if event.kind not in ("edited", "merged") or not event.text:
        return event.text
    fields = _json_object(event.text, place)
    if event.kind == "edited" and isinstance(fields.get("client"), list) and len(fields["client"]) == 2:
        fields["client"] = [_client_id(value, ids, place) for value in fields["client"]]
    elif event.kind == "merged" and fields.get("into_id") is not None:
        fields["into_id"] = _client_id(fields["into_id"], ids, place)
    else:
        return event.text
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _client_id(handle: object, ids: dict[str, int], place: str) -> int:
    if not isinstance(handle, str) or handle not in ids:
        raise DocumentError(place, f"names client {_shown(handle)}, which is not in the document")
    return ids[handle]


# -- reading a document ----------------------------------------------------------------------


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"not a JSON document: {exc.msg} at line {exc.lineno}") from None
    except (ValueError, RecursionError):  # an integer of thousands of digits; nesting too deep
        raise BadInput("not a JSON document this tool can read (a number too long or nesting too deep)") from None


def load(data: Any, known_clients: dict[str, int] | None = None) -> Document:
    """The document in `data` (parsed JSON), validated and upgraded to this version; refused
    with a `DocumentError` naming the first bad place. `known_clients` (handle → id) gives a
    version 1 document's clients their ids."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DocumentError("format", f'not an expect export (no "format": "{FORMAT}")')
    version = data.get("version")
    if isinstance(version, bool) or version not in VERSIONS:
        raise DocumentError(
            "version", f"this export is format version {_shown(version)}; this expect reads versions 1 to {VERSION}"
        )
    models: dict[int, type[BaseModel]] = {3: Document, 2: DocumentV2, 1: LegacyDocument}
    model = models[version]
    try:
        document = model.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc) from None
    if isinstance(document, (LegacyDocument, DocumentV2)):
        document = document.upgrade(known_clients or {})
    assert isinstance(document, Document)
    check(document)
    return document


def place(loc: tuple) -> str:
    """`('promises', 3, 'events', 2, 'kind')` as `promises[3].events[2].kind`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "not a field of this format",
    "model_type": "should be an object",
    "model_attributes_type": "should be an object",
    "list_type": "should be a list",
    "literal_error": "not a value this format allows",
}


def _first_error(exc: ValidationError) -> DocumentError:
    error = exc.errors(include_url=False, include_input=False)[0]
    message = _MESSAGES.get(error["type"]) or str(error["msg"])
    return DocumentError(place(tuple(error["loc"])), message)


# -- what a valid document also holds to -----------------------------------------------------


def check(document: Document) -> None:
    """What the models cannot see field by field: ids unique (one number names a promise or
    an ask, never both), references that resolve, each event's kind at home under its
    promise, client or ask with the fields it needs, and undos within their own owner."""
    _unique([(f"commands[{n}].id", c.id) for n, c in enumerate(document.commands)], "command")
    _unique([(f"clients[{n}].id", c.id) for n, c in enumerate(document.clients)], "client")
    _unique([(f"clients[{n}].client", c.client) for n, c in enumerate(document.clients)], "client")
    _unique([(f"promises[{n}].id", p.id) for n, p in enumerate(document.promises)], "promise")
    _unique([(f"promises[{n}].origin", p.origin) for n, p in enumerate(document.promises) if p.origin], "origin")
    _unique([(f"asks[{n}].id", a.id) for n, a in enumerate(document.asks)], "ask")
    promise_ids = {p.id for p in document.promises}
    for n, ask in enumerate(document.asks):
        if ask.id in promise_ids:
            raise DocumentError(
                f"asks[{n}].id", f"{ask.id} is the id of a promise; a promise and an ask never share one"
            )
    lists: list[tuple[str, list[Event], tuple[str, ...]]]
    lists = [(f"clients[{n}]", c.events, CLIENT_EVENTS) for n, c in enumerate(document.clients)]
    lists += [(f"promises[{n}]", p.events, PROMISE_EVENTS) for n, p in enumerate(document.promises)]
    lists += [(f"asks[{n}]", a.events, ASK_EVENTS) for n, a in enumerate(document.asks)]
    _unique([(f"{owner}.events[{n}].id", e.id) for owner, events, _ in lists for n, e in enumerate(events)], "event")
    handles = {c.client for c in document.clients}
    client_ids = {c.id for c in document.clients}
    client_events = {e.id for c in document.clients for e in c.events}
    commands = {c.id for c in document.commands}
    for n, client in enumerate(document.clients):
        if client.merged_into is not None and client.merged_into not in handles:
            raise DocumentError(f"clients[{n}].merged_into", f"no client {client.merged_into} in the document")
    series_heads: set[int] = set()  # first occurrences seen so far (promises are listed by id)
    for n, promise in enumerate(document.promises):
        if promise.client not in handles:
            raise DocumentError(f"promises[{n}].client", f"no client {promise.client} in the document")
        if not promise.events or promise.events[0].kind != "promised":
            raise DocumentError(f"promises[{n}].events", "a promise's first event is its `promised` event")
        if (promise.every is None) != (promise.series is None):
            raise DocumentError(f"promises[{n}].series", "a recurring promise has both `every` and `series`")
        if promise.series == promise.id:
            series_heads.add(promise.id)
        if promise.series is not None and promise.series not in series_heads:
            raise DocumentError(f"promises[{n}].series", f"no recurring promise {promise.series} at or before it")
    ask_ids = {a.id for a in document.asks}
    for n, ask in enumerate(document.asks):
        if ask.client not in handles:
            raise DocumentError(f"asks[{n}].client", f"no client {ask.client} in the document")
        if not ask.events or ask.events[0].kind != "asked":
            raise DocumentError(f"asks[{n}].events", "an ask's first event is its `asked` event")
    by_owner: dict[str, int | None] = {f"clients[{n}]": c.id for n, c in enumerate(document.clients)}
    for owner, events, kinds in lists:
        voided: set[int] = set()
        by_id = {event.id: event for event in events}
        for n, event in enumerate(events):
            at = f"{owner}.events[{n}]"
            if event.kind not in kinds:
                raise DocumentError(
                    f"{at}.kind", f"{_a(event.kind)} event does not belong to {_a(owner.split('s[')[0])}"
                )
            if n and event.id <= events[n - 1].id:
                raise DocumentError(f"{at}.id", "events are listed in the order of their ids")
            if event.command is not None and event.command not in commands:
                raise DocumentError(f"{at}.command", f"no command {event.command} in the document")
            _fields(event, at, n)
            if event.kind == "voided":
                target = by_id.get(event.voids or 0)
                if target is None or target.id >= event.id or target.kind == "voided":
                    raise DocumentError(
                        f"{at}.voids", f"event {event.voids} is not an earlier event of the same {owner.split('s[')[0]}"
                    )
                if target.id in voided:
                    raise DocumentError(f"{at}.voids", f"event {target.id} is undone twice")
                voided.add(target.id)
            if event.ask is not None and event.ask not in ask_ids:
                raise DocumentError(f"{at}.ask", f"no ask {event.ask} in the document")
            _text(event, at, client_ids - {by_owner.get(owner)}, client_events)


def _a(noun: str) -> str:
    """'a promise', 'an ask'."""
    return f"an {noun}" if noun[:1] in ("a", "e", "i", "o", "u") else f"a {noun}"


_NEEDS = {"promised": ("due",), "moved": ("due",), "delivered": ("effective_at",), "voided": ("voids",),
          "feedback": ("score",), "noted": ("text",), "edited": ("text",), "terms": ("text",),
          "renamed": ("text",), "merged": ("text",), "asked": ("effective_at", "text"),
          "received": ("effective_at",), "paused": ("ask",), "resumed": ("ask", "effective_at")}  # fmt: skip
_ALLOWS = {"promised": ("due", "effective_at", "basis"), "moved": ("due", "previous_due", "text", "basis"),
           "delivered": ("effective_at", "text"), "released": ("text",), "feedback": ("score", "text"),
           "voided": ("voids",), "noted": ("text",), "edited": ("text",), "terms": ("text",),
           "renamed": ("text",), "merged": ("text",), "asked": ("due", "effective_at", "text"),
           "received": ("effective_at",), "paused": ("ask",), "resumed": ("ask", "effective_at")}  # fmt: skip
_OPTIONAL = ("due", "previous_due", "effective_at", "text", "score", "voids", "ask", "basis")


def _fields(event: Event, at: str, n: int) -> None:
    for name in _NEEDS.get(event.kind, ()):
        if getattr(event, name) is None:
            raise DocumentError(f"{at}.{name}", f"required for a {event.kind} event")
    for name in _OPTIONAL:
        if getattr(event, name) is not None and name not in _ALLOWS.get(event.kind, ()):
            raise DocumentError(f"{at}.{name}", f"not part of a {event.kind} event")


def _text(event: Event, at: str, client_ids: set[int], client_events: set[int]) -> None:
    """An event's text: a reason or note as typed, or the JSON its kind records (`client_ids`:
    the clients it may name; a client's own events cannot merge it into itself)."""
    if event.text is None:
        return
    where = f"{at}.text"
    try:
        if event.kind == "terms":
            Terms.model_validate(_json_object(event.text, where))
        elif event.kind == "edited":
            _edit(_json_object(event.text, where), where, client_ids)
        elif event.kind == "renamed":
            fields = _json_object(event.text, where)
            _only(fields, ("from", "to"), where)
            for key in ("from", "to"):
                _handle(fields.get(key), f"{where}.{key}")
        elif event.kind == "merged":
            _merge(_json_object(event.text, where), where, client_ids, client_events)
        elif event.kind == "asked":
            validate.required_text(event.text, "title")
        else:
            validate.checked_text(event.text, "text")
    except ValidationError as exc:
        error = _first_error(exc)
        raise DocumentError(f"{where}.{error.place}", str(error).split(": ", 1)[1]) from None
    except DocumentError:
        raise
    except BadInput as exc:
        raise DocumentError(where, str(exc)) from None


def _json_object(text: str, where: str) -> dict:
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):
        fields = None
    if not isinstance(fields, dict):
        raise DocumentError(where, "should be a JSON object")
    return fields


def _only(fields: dict, keys: tuple[str, ...], where: str) -> None:
    for key in fields:
        if key not in keys:
            raise DocumentError(f"{where}.{key}", "not a field of this event")


def _handle(value: object, where: str) -> str:
    try:
        return validate.normalise_handle(clean_text(value))
    except (BadInput, PydanticCustomError) as exc:
        raise DocumentError(where, str(exc)) from None


def _pair(fields: dict, key: str, where: str) -> list:
    value = fields[key]
    if not isinstance(value, list) or len(value) != 2:
        raise DocumentError(f"{where}.{key}", "should be a pair [old, new]")
    return value


def _edit(fields: dict, where: str, client_ids: set[int]) -> None:
    _only(fields, ("title", "client", "criteria", "kind", "tags", "client_handles", "merge"), where)
    if not set(fields) & {"title", "client", "criteria", "kind", "tags"}:
        raise DocumentError(where, "an edit changes at least one of title, client, criteria, kind, tags")
    for key in fields:
        at = f"{where}.{key}"
        if key == "merge":
            if not isinstance(fields[key], bool):
                raise DocumentError(at, "should be true or false")
            continue
        for value in _pair(fields, key, where):
            try:
                if key == "title":
                    validate.required_text(clean_text(value), "title")
                elif key == "criteria" and value is not None:
                    validate.checked_text(clean_text(value), "criteria")
                elif key == "kind":
                    validate.kind(clean_text(value))
                elif key == "tags":
                    if not isinstance(value, list):
                        raise BadInput("should be a list of tags")
                    validate.normalise_tags([clean_text(tag) for tag in value])
                elif key == "client_handles":
                    _handle(value, at)
                elif key == "client" and (isinstance(value, bool) or value not in client_ids):
                    raise BadInput(f"names client id {_shown(value)}, which is not in the document")
            except PydanticCustomError as exc:
                raise DocumentError(at, str(exc)) from None
            except DocumentError:
                raise
            except BadInput as exc:
                raise DocumentError(at, str(exc)) from None


def _merge(fields: dict, where: str, client_ids: set[int], client_events: set[int]) -> None:
    _only(fields, ("from", "into", "into_id", "events"), where)
    for key in ("from", "into"):
        _handle(fields.get(key), f"{where}.{key}")
    into = fields.get("into_id")
    if isinstance(into, bool) or into not in client_ids:
        raise DocumentError(
            f"{where}.into_id", f"should be the id of another client of the document, not {_shown(into)}"
        )
    carried = fields.get("events", [])
    if not isinstance(carried, list) or any(isinstance(i, bool) or i not in client_events for i in carried):
        raise DocumentError(f"{where}.events", "should list events of the document's clients")


def _unique(items: list[tuple[str, object]], what: str) -> None:
    seen: set[object] = set()
    for where, value in items:
        if value in seen:
            raise DocumentError(where, f"{what} {value} appears twice")
        seen.add(value)


# -- the schema, published -------------------------------------------------------------------


def json_schema() -> dict:
    """The JSON Schema of this version's document, generated from the models."""
    schema = Document.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"expect ledger export, version {VERSION}"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m expectcli.core.document: print the JSON Schema
    import sys

    sys.stdout.write(schema_text())

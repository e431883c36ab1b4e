"""Taskwarrior's `task export` (2.6 and 3.x; also the older one-task-per-line output) read
as promises.

description → title; project → client (`Müller GmbH` → `müller-gmbh`; `acme.finance` →
client `acme`, tag `finance`); due (a due at local midnight — a date typed without a time —
means that day's end of working day); entry → made; end with status completed → delivered;
deleted → released; annotations → notes; tags; the uuid is kept as the promise's origin, so
a newer export imported again updates the same promises (see `importing`). A due or end
before the entry is history: imported as it is, with a warning. Tasks without a due date,
and recurring templates, are not promises and are left out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime, time

from expectcli.core.config import Settings
from expectcli.core.formats.records import Incoming, Parsed, check, in_range, text, title
from expectcli.core.validate import normalise_handle, normalise_tags
from expectcli.errors import BadInput

ORIGIN = "taskwarrior:"
RELEASE_REASON = "deleted in Taskwarrior"
MOVE_REASON = "changed in Taskwarrior"
_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_UUID = re.compile(r"^[0-9a-fA-F-]{8,64}$")


def read(source: str, settings: Settings, default_client: str) -> Parsed:
    parsed = Parsed()
    seen: set[str] = set()
    for number, task in enumerate(records(source), start=1):
        if not isinstance(task, dict):
            parsed.rejected.append((number, "not a task object"))
            parsed.raw[number] = task
            continue
        if task.get("status") == "recurring" or not task.get("due"):
            parsed.ignored += 1
            continue
        try:
            incoming = _promise(number, task, settings, default_client, parsed.warnings)
            if incoming.origin is not None:
                if incoming.origin in seen:
                    raise BadInput("the same uuid as an earlier task in this file")
                seen.add(incoming.origin)
        except BadInput as exc:
            parsed.rejected.append((number, f"{name(task)}: {exc}"))
            parsed.raw[number] = task
            continue
        parsed.promises.append(incoming)
    return parsed


def name(task: dict) -> str:
    """How errors and warnings name a task: its uuid and description."""
    uuid = str(task.get("uuid") or "without uuid")[:64]
    description = str(task.get("description") or "")
    if len(description) > 60:
        description = description[:60] + "…"
    return f"uuid {uuid} ({json.dumps(description, ensure_ascii=False)})"


def _promise(number: int, task: dict, settings: Settings, default_client: str, warnings: list[str]) -> Incoming:
    status = task.get("status", "pending")
    if status not in ("pending", "waiting", "completed", "deleted"):
        raise BadInput(f"unknown status {str(status)[:20]!r}")
    entry = moment(task["entry"]) if task.get("entry") else None
    end = moment(task["end"]) if task.get("end") else None
    client, project_tags = client_of(task.get("project"), default_client)
    tags = task.get("tags") or ()
    if isinstance(tags, str):  # some versions write a comma-separated string
        tags = tags.split(",")
    if not isinstance(tags, list | tuple):
        raise BadInput("tags is not a list")
    uuid = task.get("uuid")
    if uuid is not None and not (isinstance(uuid, str) and _UUID.match(uuid)):
        raise BadInput("the uuid is not a uuid")
    incoming = Incoming(
        line=number,
        client=client,
        title=title(task.get("description")),
        due=due_of(task["due"], settings),
        promised_at=entry,
        tags=normalise_tags([*project_tags, *(text(tag, "tag") for tag in tags)]),
        delivered_at=end if status == "completed" else None,
        released_at=(end or _modified(task) or entry) if status == "deleted" else None,
        release_reason=RELEASE_REASON if status == "deleted" else None,
        origin=f"{ORIGIN}{uuid.lower()}" if uuid else None,
        notes=notes(task),
        modified_at=_modified(task),
    )
    if status == "completed" and incoming.delivered_at is None:
        raise BadInput("a completed task without an end time")
    if status == "deleted" and incoming.released_at is None:
        raise BadInput("a deleted task without an end or entry time")
    check(incoming, history=True)
    if entry is not None:
        late = [what for what, at in (("due", incoming.due), ("end", end)) if at is not None and at < entry]
        if late:
            warnings.append(f"task {number}: {name(task)}: {' and '.join(late)} before its entry; imported as history")
    return incoming


def notes(task: dict) -> list[tuple[int, str]]:
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise BadInput("annotations is not a list")
    found = []
    for annotation in annotations:
        if not isinstance(annotation, dict) or "description" not in annotation:
            raise BadInput("an annotation without a description")
        at = moment(annotation["entry"]) if annotation.get("entry") else moment(task.get("entry") or "")
        note = text(annotation["description"], "annotation")
        if note:
            found.append((at, note))
    return found


def _modified(task: dict) -> int | None:
    return moment(task["modified"]) if task.get("modified") else None


def records(source: str) -> list:
    """The task objects of an export: a JSON array, or (older versions) one object a line."""
    try:
        data = json.loads(source)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise BadInput("not a Taskwarrior export: nested too deeply") from None
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        line = line.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            found.append(json.loads(line))
        except RecursionError:
            raise BadInput(f"line {number} is nested too deeply") from None
        except json.JSONDecodeError as exc:
            raise BadInput(f"line {number} is not JSON: {exc.msg}") from None
    return found


def moment(value: object) -> int:
    """A Taskwarrior time (20261124T170000Z, UTC) in epoch seconds, whole minutes."""
    match = _TIME.match(str(value))
    if match is None:
        raise BadInput(f"can't read {str(value)[:30]!r} as a Taskwarrior date (like 20261124T170000Z)")
    try:
        year, month, day, hour, minute, _ = (int(part) for part in match.groups())
        stamp = int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())
    except ValueError:
        raise BadInput(f"{value} is not a calendar date") from None
    return in_range(stamp)


def due_of(value: object, settings: Settings) -> int:
    """A due; at local midnight (a date without a time in Taskwarrior) it is that day's end
    of working day."""
    stamp = moment(value)
    local = datetime.fromtimestamp(stamp, UTC).astimezone(settings.zone)
    if local.time() == time(0, 0):
        from expectcli.core.durations import instant_at

        day_end = instant_at(local.date(), settings.day_end, settings.zone)
        return in_range(int(day_end.timestamp()))
    return stamp


def client_of(project: object, default_client: str) -> tuple[str, list[str]]:
    """The client a project names, and the tag its sub-project names (`acme.finance`)."""
    if not project:
        return normalise_handle(default_client), []
    top, _, rest = str(project).partition(".")
    handle = slug(top)
    if not handle:
        return normalise_handle(default_client), []
    sub = ".".join(part for part in (slug(piece) for piece in rest.split(".")) if part)
    return normalise_handle(handle), [sub] if sub else []


def slug(value: str) -> str:
    """Lower-case letters of any script and digits, everything else one `-`, at most 40."""
    value = unicodedata.normalize("NFC", value).lower()
    cleaned = "".join(char if char.isalnum() else "-" for char in value)
    return re.sub(r"-+", "-", cleaned).strip("-")[:40].strip("-")


def rejects(parsed: Parsed) -> str:
    """The refused tasks as a JSON array the import reads again, each with its reason."""
    items = []
    for line, why in parsed.rejected:
        task = parsed.raw.get(line)
        items.append({**task, "expect_error": why} if isinstance(task, dict) else {"task": task, "expect_error": why})
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"

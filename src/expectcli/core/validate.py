"""What the ledger accepts: client handles, tags, kinds, terms and user text, checked and
put in canonical form before anything is written. No SQL here."""

from __future__ import annotations

import re
from collections.abc import Sequence

from expectcli.errors import BadInput

KINDS = ("deliverable", "reply", "call", "meeting")
HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
TAG_RE = re.compile(r"^[^\s,;\x00]{1,40}$")
MAX_TEXT = 1000
TERMS = ("respond_within", "update_every", "work_hours", "timezone", "holidays")


def normalise_handle(handle: str) -> str:
    cleaned = (handle or "").strip().lower()
    if not HANDLE_RE.match(cleaned):
        raise BadInput(
            f"{quote(handle)} is not a client handle; use letters, digits, '.', '_' or '-' "
            "(up to 40, starting with a letter or digit), e.g. acme"
        )
    return cleaned


def required_text(value: str | None, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput(f"the {what} must not be empty")
    return checked_text(cleaned, what)


def optional_text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    return required_text(value, what)


def checked_text(text: str, what: str) -> str:
    """Text any backend can store: not too long, and no NUL character (PostgreSQL refuses it)."""
    if len(text) > MAX_TEXT:
        raise BadInput(f"the {what} is longer than {MAX_TEXT} characters")
    if "\x00" in text:
        raise BadInput(f"the {what} contains a NUL character")
    return text


def kind(kind: str) -> str:
    cleaned = (kind or "").strip().lower()
    if cleaned not in KINDS:
        raise BadInput(f"unknown kind {quote(kind)}; use one of {', '.join(KINDS)}")
    return cleaned


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip().lower().lstrip("+")
        if not TAG_RE.match(tag):
            raise BadInput(f"{quote(tag)} is not a tag; tags are single words without ',' or ';'")
        if tag not in cleaned:
            cleaned.append(tag)
    return tuple(cleaned)


def terms_keys(changes: dict) -> None:
    """Refuse terms other than TERMS (a bug in the caller, not the user's input)."""
    unknown = set(changes) - set(TERMS)
    if unknown:
        raise ValueError(f"unknown terms {sorted(unknown)}")


def feedback_score(score: int) -> int:
    if not 0 <= score <= 10:
        raise BadInput(f"a feedback score is 0 to 10 (how likely to refer you), not {score}")
    return score


def quote(text: str | None) -> str:
    text = text or ""
    return repr(text if len(text) <= 40 else text[:40] + "…")

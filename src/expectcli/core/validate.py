"""What the ledger accepts: client handles, tags, kinds, terms and user text, checked and
put in canonical form before anything is written. No SQL here."""

from __future__ import annotations

import re
from collections.abc import Sequence

from expectcli.errors import BadInput

KINDS = ("deliverable", "reply", "call", "meeting")
# Lower-case letters of any script and digits (`müller-gmbh`), with `-` (and `.`, `_`,
# accepted since the first version) between them.
HANDLE_RE = re.compile(r"^[^\W_][\w.-]{0,39}$")
TAG_RE = re.compile(r"^[^\s,;\x00]{1,40}$")
MAX_TEXT = 1000
TERMS = ("respond_within", "update_every", "work_hours", "timezone", "holidays", "notice")


def normalise_handle(handle: str) -> str:
    cleaned = (handle or "").strip().lower()
    if not cleaned.isascii():  # one spelling of `müller`, however the letters were composed
        import unicodedata

        cleaned = unicodedata.normalize("NFC", cleaned)
    if not HANDLE_RE.match(cleaned):
        raise BadInput(
            f"{quote(handle)} is not a client handle; use letters, digits, '.', '_' or '-' "
            "(up to 40, starting with a letter or digit), e.g. acme"
        )
    return cleaned


PUNCTUATION = str.maketrans("", "", "-._")
TYPO_MIN_LENGTH = 5  # one edit from a handle this long or longer is taken for a typo


def typo_of(handle: str, known: Sequence[str]) -> str | None:
    """The existing handle a new `handle` looks like a typo of: one that differs only in
    punctuation (case is already folded), or is one edit (a wrong, missing, extra or
    swapped adjacent letter) from it and has at least TYPO_MIN_LENGTH characters."""
    bare = handle.translate(PUNCTUATION)
    candidates = sorted(other for other in known if other != handle)
    for other in candidates:
        if other.translate(PUNCTUATION) == bare:
            return other
    for other in candidates:
        if len(other) >= TYPO_MIN_LENGTH and one_edit(handle, other):
            return other
    return None


def one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` are one edit apart: a substituted, inserted or deleted character,
    or two adjacent characters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) == 1:
            return True
        first = diffs[0]
        return len(diffs) == 2 and diffs[1] == first + 1 and a[first] == b[first + 1] and a[first + 1] == b[first]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(shorter) and shorter[i] == longer[i]:
        i += 1
    return shorter[i:] == longer[i + 1 :]


def required_text(value: str | None, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise BadInput(f"the {what} must not be empty")
    return checked_text(cleaned, what)


def optional_text(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    return required_text(value, what)


_SURROGATE = re.compile("[\ud800-\udfff]")  # what invalid UTF-8 bytes become in a command line


def checked_text(text: str, what: str) -> str:
    """Text any backend can store: not too long, and no NUL character (PostgreSQL refuses it)."""
    if len(text) > MAX_TEXT:
        raise BadInput(f"the {what} is longer than {MAX_TEXT} characters")
    if "\x00" in text:
        raise BadInput(f"the {what} contains a NUL character")
    if not text.isascii() and _SURROGATE.search(text):
        raise BadInput(f"the {what} is not valid UTF-8 text")
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

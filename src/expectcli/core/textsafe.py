"""Show user text literally: no terminal escape sequences, no invisible reordering."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, and the bidirectional overrides and isolates that can
# make a line read differently from what it holds.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str | None) -> str:
    """`text` with every control character shown as a visible escape (ESC → \\x1b)."""
    if not text:
        return ""
    if text.isprintable():  # the usual case, and none of _UNSAFE is printable: nothing to escape
        return text
    return escaped(text)


def escaped(text: str) -> str:
    """`printable` without its fast path (tests/test_textsafe.py holds the two equal)."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def markdown_literal(text: str | None) -> str:
    """User text for Markdown (and its table cells): literal, no markup or pipes breaking out."""
    cleaned = printable(text).replace("\\", "\\\\")
    for char in "|*_`[]<>#":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned

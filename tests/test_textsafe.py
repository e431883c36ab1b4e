"""User text made safe to print: the fast path for plain text gives exactly what the full
escaping gives, for any text at all (a long list takes the fast path on nearly every row)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from expectcli.core.textsafe import escaped, printable

UNSAFE = "\x00\x07\x1b\x7f\x85\x9b\u202a\u202e\u2066\u2069"


@settings(max_examples=examples(1000))
@given(st.text())
def test_the_fast_path_equals_the_full_escaping(text):
    assert printable(text) == escaped(text)


@settings(max_examples=examples(400))
@given(st.text(alphabet=st.sampled_from("ab é漢\u0301\u200b\u00a0" + UNSAFE)))
def test_text_with_controls_mixed_in_is_escaped_as_in_full(text):
    assert printable(text) == escaped(text)
    assert not any(char in printable(text) for char in UNSAFE)


def test_what_the_escapes_look_like():
    assert printable("Fix \x1b[31mred \u202eevil\tnow") == "Fix \\x1b[31mred \\u202eevil\\x09now"
    assert printable("Müller 漢字 plain") == "Müller 漢字 plain"
    assert printable(None) == printable("") == ""

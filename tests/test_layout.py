"""Tables and lines laid out without Rich are exactly what Rich prints."""

from __future__ import annotations

import contextlib
import io
import os
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from expectcli.views import output

STYLES = st.sampled_from(["", "bold", "red", "dim", "bold red"])
TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z9-.:%") + ["—", "→", "…", "é", "█", "▌", "漢", "\u0301"]), max_size=14
)
SPANS = st.lists(st.tuples(TEXT, STYLES), min_size=1, max_size=3)


def rich_prints(renderable, width: int, **options) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, emoji=False, soft_wrap=False, color_system=None).print(
        renderable, **options
    )
    return buffer.getvalue()


def written(width: int, draw) -> str:
    """What `draw(out)` writes to a pipe in a terminal `width` columns wide."""
    buffer = io.StringIO()
    with mock.patch.dict(os.environ, {"COLUMNS": str(width)}), contextlib.redirect_stdout(buffer):
        out = output.Output()
        assert out.plain
        draw(out)
    return buffer.getvalue()


@st.composite
def tables(draw):
    columns = [output.Column(draw(TEXT), draw(st.sampled_from(["left", "right"])),
                             draw(st.none() | st.integers(0, 12))) for _ in range(draw(st.integers(1, 5)))]  # fmt: skip
    table = output.Table(*columns, title=draw(st.none() | TEXT), title_style=draw(STYLES),
                         show_header=draw(st.booleans()))  # fmt: skip
    for _ in range(draw(st.integers(0, 4))):
        table.add_row(*(draw(SPANS) for _ in columns), style=draw(STYLES))
    return table


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(1, 100))
def test_a_table_is_laid_out_as_rich_lays_it_out(table, width):
    lines = table.lines(width)
    if lines is not None:
        assert "".join("".join(t for t, _ in spans) + "\n" for spans, _ in lines) == rich_prints(table.to_rich(), width)
    assert written(width, lambda out: out.table(table)) == rich_prints(table.to_rich(), width)


@settings(max_examples=300, deadline=None)
@given(SPANS, st.integers(1, 60), st.booleans())
def test_a_line_is_written_as_rich_writes_it(spans, width, soft_wrap):
    expected = rich_prints(Text.assemble(*spans), width, soft_wrap=soft_wrap)
    assert written(width, lambda out: out.line(*spans, soft_wrap=soft_wrap)) == expected


def test_the_narrow_characters_are_one_cell_for_rich_too():
    assert all(cell_len(character) == 1 for character in output.NARROW)


def test_the_everyday_tables_fit_a_wide_terminal_without_rich():
    table = output.Table(output.Column("ID", "right"), output.Column("Promise"), title="Broken promises")
    table.add_row("7", [("Send the deck", ""), ("  +deck", "dim")], style="red")
    assert table.lines(120) is not None
    assert table.lines(10) is None  # too narrow: Rich wraps it

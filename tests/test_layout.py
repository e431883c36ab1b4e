"""One layout for a terminal and a pipe: in a pipe nothing is cut or wrapped; on a terminal
every line fits the width and what was cut ends in "…"; where a table fits, it is laid out
as Rich lays out a `Table(box=None, pad_edge=False)`."""

from __future__ import annotations

import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from budget import examples
from expectcli.views import output

STYLES = st.sampled_from(["", "bold", "red", "dim", "bold red"])
TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z9-.:%") + ["—", "→", "…", "é", "█", "▌", "漢", "\u0301"]), max_size=14
)
COMBINING = "\u0301"
SPANS = st.lists(st.tuples(TEXT, STYLES), min_size=1, max_size=3)


def written(table: output.Table, width: int | None) -> str:
    """What `out.table(table)` writes without colour: in a pipe (`width` None) or on a terminal."""
    buffer = io.StringIO()
    out = output.Output(buffer)
    out.colour, out.width = False, width
    out.table(table)
    return buffer.getvalue()


def rich_prints(table: output.Table, width: int) -> str:
    from rich.table import Table as RichTable
    from rich.text import Text

    rich = RichTable(box=None, header_style="bold", pad_edge=False, show_header=table.show_header,
                     title=table.title, title_justify="left")  # fmt: skip
    for column in table.columns:
        rich.add_column(column.header, justify=column.justify)  # type: ignore[arg-type]
    for cells, style in table.rows:
        rich.add_row(*(Text.assemble(*cell) for cell in cells), style=style)
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, emoji=False, color_system=None).print(rich)
    return buffer.getvalue()


@st.composite
def tables(draw, flexible_last: bool = False):
    count = draw(st.integers(1, 5))
    columns = [output.Column(draw(TEXT), draw(st.sampled_from(["left", "right"]))) for _ in range(count)]
    if flexible_last:
        columns[-1] = output.Column(draw(TEXT), flexible=True)
    table = output.Table(*columns, show_header=draw(st.booleans()))
    for _ in range(draw(st.integers(1, 4))):
        table.add_row(*(draw(SPANS) for _ in columns), style=draw(STYLES))
    return table


def cell_text(cell) -> str:
    return "".join(text for text, _ in cell)


@settings(max_examples=examples(200), deadline=None)
@given(tables(flexible_last=True))
def test_in_a_pipe_each_row_is_one_line_and_nothing_is_cut(table):
    lines = written(table, None).split("\n")[:-1]
    assert len(lines) == len(table.rows) + table.show_header
    for line, (cells, _) in zip(lines[table.show_header :], table.rows, strict=True):
        assert line.endswith(cell_text(cells[-1]))
        assert all(cell_text(cell).strip() in line for cell in cells)


@settings(max_examples=examples(200), deadline=None)
@given(tables(flexible_last=True), st.integers(8, 100))
def test_on_a_terminal_every_line_fits_and_a_cut_ends_in_an_ellipsis(table, width):
    lines = written(table, width).split("\n")[:-1]
    assert len(lines) == len(table.rows) + table.show_header  # never wrapped
    assert all(output.cells(line) <= width for line in lines)
    for line, (cells, _) in zip(lines[table.show_header :], table.rows, strict=True):
        title = cell_text(cells[-1])
        assert line.endswith(title) or line.endswith("…")


@settings(max_examples=examples(300), deadline=None)
@given(tables(), st.integers(1, 100))
def test_a_table_that_fits_is_laid_out_as_rich_lays_it_out(table, width):
    natural = written(table, None)
    widest = max((output.cells(line) for line in natural.split("\n")), default=0)
    assume(widest > 0)  # a table of nothing at all: Rich still takes a cell
    if widest <= width:
        ours, theirs = written(table, width), rich_prints(table, width)
        assert natural == ours
        if ours != theirs:
            # Rich drops a combining mark that follows only padding (a line of spaces and the
            # mark); we keep the user's text. Apart from that mark the layout is Rich's.
            assert ours.count(COMBINING) > theirs.count(COMBINING)
            assert ours.replace(COMBINING, "") == theirs.replace(COMBINING, "")


def test_colour_is_written_as_rich_names_it():
    assert output.sgr("bold yellow") == "\x1b[1;33m"
    assert output.sgr("dim strike") == "\x1b[2;9m"
    assert output.sgr("") == ""


def test_cells_counts_wide_and_combining_characters():
    assert output.cells("abc") == 3 and output.cells("漢字") == 4 and output.cells("e\u0301") == 1
    assert output.cut([("漢字漢字", "")], 5) == [("漢字", ""), ("…", "")]

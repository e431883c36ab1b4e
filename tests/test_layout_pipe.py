"""In a pipe without colour a table is laid out by a fast path (`Output._plain_row`); it must
write exactly what the one layout (`output.lay_out`, then `render`) gives, whatever the
cells: plain strings or spans, ASCII or wide or combining characters, trailing spaces in a
right-aligned cell, rows with cells missing, a flexible last column or none."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from expectcli.views import output

TEXT = st.text(alphabet=st.sampled_from(list("ab Z9-.: ") + ["é", "漢", "\u0301", "…", "\t"]), max_size=12)
CELL = st.one_of(TEXT, st.lists(st.tuples(TEXT, st.sampled_from(["", "dim", "red"])), min_size=1, max_size=3))
COLUMN = st.builds(
    output.Column,
    header=st.sampled_from(["", "ID", "Promise", "漢字"]),
    justify=st.sampled_from(["left", "right"]),
    width=st.one_of(st.none(), st.integers(0, 6)),
    flexible=st.booleans(),
    min_width=st.integers(0, 8),
)


@settings(max_examples=examples(1500, share=10), deadline=None)  # the suite's costliest property: a tenth by default
@given(
    st.lists(COLUMN, min_size=1, max_size=5), st.lists(st.lists(CELL, max_size=6), min_size=1, max_size=6), st.data()
)
def test_the_pipes_fast_path_writes_what_the_layout_gives(columns, rows, data):
    table = output.Table(*columns)
    width_of = data.draw(st.lists(st.integers(0, 10), min_size=len(columns), max_size=len(columns)))
    draw = output.Output._plain_row(table, width_of)
    for cells in rows:
        cells = cells[: len(columns)]
        laid = "".join(text for text, _ in output.lay_out(table, cells, width_of, None))
        assert draw(cells, "") == laid, cells
        if all(isinstance(cell, str) for cell in cells):  # plain strings may come as a tuple
            assert draw(tuple(cells), "") == laid, cells


def test_a_long_streamed_table_is_written_whole_and_in_order():
    table = output.Table(output.Column("ID", "right"), output.Column("Promise", flexible=True))
    buffer = io.StringIO()
    out = output.Output(buffer)
    out.colour, out.width = False, None
    rows = ([str(n), f"Promise {n}"] for n in range(3 * output.BATCH + 7))
    assert out.stream_table(table, ((cells, "") for cells in rows)) == 3 * output.BATCH + 7
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 3 * output.BATCH + 8
    assert [line.split() for line in lines[1:]] == [[str(n), "Promise", str(n)] for n in range(3 * output.BATCH + 7)]


def test_a_right_aligned_cell_is_trimmed_before_it_is_aligned():
    table = output.Table(output.Column("ID", "right"), output.Column("Note"), output.Column("Promise", flexible=True))
    draw = output.Output._plain_row(table, [4, 3, 0])
    for cells in (["7 ", "a", "x"], ["7\t", "é", "y"], ["12", "a", [("x", "dim"), (" y", "")]]):
        assert draw(cells, "") == "".join(text for text, _ in output.lay_out(table, cells, [4, 3, 0], None))
    assert draw(["7 ", "a", "x"], "") == "   7  a    x"
    assert draw(("7 ", "é", "x"), "") == "   7  é    x"

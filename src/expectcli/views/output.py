"""Lines and tables for people, laid out as Rich lays them out, at a fraction of the cost.

Rich takes tens of milliseconds to import and draws a table at about half a millisecond a
row: a `list` of a thousand promises spent half a second in it. The views of the everyday
commands (`views.py`) therefore describe their lines and tables here as plain text with
Rich style names. When a table fits the width — almost always — it is laid out here the way
Rich lays out a `Table(box=None, pad_edge=False)`, and written as plain text when Rich would
write no escape codes (not a terminal), else handed to Rich as styled lines. Anything this
module does not measure exactly (a table too wide, so that Rich would wrap it; a character
that is not one terminal cell wide for certain) is handed to Rich whole, so the output is
always what Rich itself would print.
"""

from __future__ import annotations

import os
import sys

Spans = list  # of (text, style) pairs: a line of text in pieces, each with a Rich style name

# The characters Rich counts as one cell each without looking them up (`rich.cells`), plus the
# few of our own it also counts as one (tested against `rich.cells.cell_len`).
_RANGES = ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482), (0x2500, 0x25FC), (0x2800, 0x28FF))
NARROW = frozenset(chr(c) for start, end in _RANGES for c in range(start, end + 1)) | frozenset("—→…")


def cells(text: str) -> int | None:
    """How many terminal cells `text` takes, if that is certain without Rich; else None."""
    return len(text) if NARROW.issuperset(text) else None


def styled(text: str, style: str = "") -> Spans:
    return [(text, style)]


class Column:
    def __init__(self, header: str = "", justify: str = "left", width: int | None = None):
        self.header = header
        self.justify = justify  # left or right
        self.width = width  # fixed, else as wide as the widest cell


class Table:
    """A `rich.table.Table(box=None, pad_edge=False)`: cells one space apart from their
    neighbours' padding (two between columns), an optional title above."""

    def __init__(self, *columns: Column, title: str | None = None, title_style: str = "", show_header: bool = True):
        self.columns = columns
        self.title = title
        self.title_style = title_style
        self.show_header = show_header
        self.rows: list[tuple[list[Spans], str]] = []

    def add_row(self, *cells: str | Spans, style: str = "") -> None:
        self.rows.append(([styled(cell) if isinstance(cell, str) else cell for cell in cells], style))

    def lines(self, width: int) -> list[tuple[Spans, str]] | None:
        """(spans, line style) for each line, as Rich would lay them out in `width` cells;
        None if Rich would lay the table out differently (it does not fit: Rich wraps)."""
        rows = [([styled(column.header, "bold") for column in self.columns], "")] if self.show_header else []
        rows += self.rows
        last = len(self.columns) - 1
        pads = [(0 if i == 0 else 1, 0 if i == last else 1) for i in range(len(self.columns))]
        measured = [[_width(cell) for cell in cells] for cells, _ in rows]
        if any(None in sizes for sizes in measured):
            return None
        widths = []
        for i, column in enumerate(self.columns):
            content = column.width if column.width is not None else max((sizes[i] for sizes in measured), default=width)
            widths.append(max(content + sum(pads[i]), 1))
        table_width = sum(widths)
        if table_width > width:
            return None
        lines = []
        if self.title:
            title = cells(self.title)
            if title is None or title > table_width:
                return None
            lines.append(([(self.title + " " * (table_width - title), self.title_style)], ""))
        for (row, style), sizes in zip(rows, measured):
            spans: Spans = []
            for cell, size, column, (left, right), total in zip(row, sizes, self.columns, pads, widths):
                if column.justify == "right":
                    cell = _rstrip(cell)
                    size = _width(cell)
                room = total - left - right - size
                if room < 0:  # wider than a fixed-width column: Rich wraps it
                    return None
                before, after = (room, 0) if column.justify == "right" else (0, room)
                spans += [(" " * (left + before), ""), *cell, (" " * (after + right), "")]
            lines.append((spans, style))
        return lines

    def to_rich(self):
        from rich.table import Table as RichTable
        from rich.text import Text

        table = RichTable(box=None, header_style="bold", pad_edge=False, show_header=self.show_header,
                          title=self.title, title_justify="left", title_style=self.title_style or None)  # fmt: skip
        for column in self.columns:
            table.add_column(column.header, justify=column.justify, width=column.width)
        for cells, style in self.rows:
            table.add_row(*(Text.assemble(*cell) for cell in cells), style=style)
        return table


class Output:
    """Where a command's lines and tables go: stdout, through Rich only when it must."""

    def __init__(self):
        self.plain = not _rich_sees_a_terminal()
        self._console = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, emoji=False, soft_wrap=False)
        return self._console

    @property
    def width(self) -> int:
        return _plain_width() if self.plain else self.console.width

    def line(self, *spans: tuple[str, str], soft_wrap: bool = False) -> None:
        """One line (or several, split at newlines); wrapped as Rich would unless `soft_wrap`."""
        text = "".join(text for text, _ in spans)
        if self.plain and (soft_wrap or all(_within(line, self.width) for line in text.split("\n"))):
            sys.stdout.write(text + "\n")
            return
        from rich.text import Text

        self.console.print(Text.assemble(*spans), soft_wrap=soft_wrap)

    def blank(self) -> None:
        if self.plain:
            sys.stdout.write("\n")
        else:
            self.console.print()

    def table(self, table: Table) -> None:
        lines = table.lines(self.width)
        if lines is None:
            self.console.print(table.to_rich())
        elif self.plain:
            sys.stdout.write("".join("".join(text for text, _ in spans) + "\n" for spans, _ in lines))
        else:
            from rich.text import Text

            for spans, style in lines:
                line = Text(style=style)
                for text, span_style in spans:
                    line.append(text, span_style or None)
                self.console.print(line, soft_wrap=True)


def _width(spans: Spans) -> int | None:
    text = "".join(text for text, _ in spans)
    return None if "\n" in text else cells(text)


def _within(text: str, width: int) -> bool:
    size = cells(text)
    return size is not None and size <= width


def _rstrip(spans: Spans) -> Spans:
    """Rich strips the end of a right-justified cell."""
    text = "".join(text for text, _ in spans)
    keep = len(text.rstrip())
    out, used = [], 0
    for piece, style in spans:
        if used < keep:
            out.append((piece[: keep - used], style))
        used += len(piece)
    return out


def _rich_sees_a_terminal() -> bool:
    """Rich's own test (`Console.is_terminal`) of whether to write escape codes; on Windows,
    whose consoles Rich handles specially, always leave it to Rich."""
    if sys.platform == "win32":
        return True
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return sys.stdout.isatty()
    except ValueError:
        return False


def _plain_width() -> int:
    """Rich's width for a console that is not a terminal: COLUMNS, else the size of whichever
    standard stream is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            pass
    return 80

"""Lines and tables for people: one layout, for a terminal and for a pipe.

A table's columns are sized on its rows (on the first `SAMPLE` of a long, streamed one), two
spaces apart, as `rich.table.Table(box=None, pad_edge=False)` would size them. Then:

- **in a pipe** nothing is ever shortened or wrapped: each row is exactly one line, however
  long its text (`expect list --all | grep Proposal` finds whole rows with their ids). A cell
  wider than its column further down a streamed table pushes the rest of its own line right;
- **on a terminal** a table fits the width: the columns marked `flexible` (a promise's title),
  else the widest text columns, give up room first and their text ends in "…"; a line is
  never wrapped. Colour is written only on a terminal (or with FORCE_COLOR), never with
  NO_COLOR; output longer than the screen goes through the pager (`Pager`).

Rows are written as they come (`Output.stream`), so a list of 100,000 promises is never held
whole. User text goes in as spans of literal text (made printable by the caller).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

Spans = list  # of (text, style) pairs: a line of text in pieces, each with a style name
SAMPLE = 200  # a streamed table's columns are sized on this many rows
BATCH = 500  # a streamed table's rows are written this many at a time
GAP = "  "
ELLIPSIS = "…"

# Style names (as Rich spells them) → SGR codes; attributes first, as Rich writes them.
_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "strike": "9"}
_COLOURS = {"black": "30", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36",
            "white": "37"}  # fmt: skip


def styled(text: str, style: str = "") -> Spans:
    return [(text, style)]


def cells(text: str) -> int:
    """How many terminal cells `text` takes (wide East Asian characters two, combining marks none)."""
    if text.isascii():
        return len(text)
    from unicodedata import category, east_asian_width

    width = 0
    for character in text:
        if category(character) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if east_asian_width(character) in ("W", "F") else 1
    return width


def cut(spans: Spans, room: int) -> Spans:
    """`spans` shortened to `room` cells, ending in "…" when anything was cut."""
    if sum(cells(text) for text, _ in spans) <= room:
        return spans
    if room <= 0:
        return []
    out: Spans = []
    left = room - 1
    for text, style in spans:
        if left <= 0:
            break
        if cells(text) <= left:
            out.append((text, style))
            left -= cells(text)
            continue
        kept = ""
        for character in text:
            size = cells(character)
            if size > left:
                break
            kept += character
            left -= size
        out.append((kept, style))
        left = 0
    style = out[-1][1] if out else ""
    out.append((ELLIPSIS, style))
    return out


def sgr(style: str) -> str:
    words = style.split()
    codes = [_ATTRIBUTES[w] for w in words if w in _ATTRIBUTES] + [_COLOURS[w] for w in words if w in _COLOURS]
    return f"\x1b[{';'.join(codes)}m" if codes else ""


class Column:
    def __init__(
        self, header: str = "", justify: str = "left", width: int | None = None, flexible: bool = False,
        min_width: int = 0, styles: dict[str, str] | None = None,
    ):  # fmt: skip
        self.header = header
        self.justify = justify  # left or right
        self.width = width  # fixed, else as wide as the widest cell
        self.flexible = flexible  # gives up room first on a narrow terminal (its text then ends in "…")
        self.min_width = min_width  # at least this wide (rows beyond a streamed table's sample may be wider)
        self.styles = styles or {}  # the style of a plain-string cell, by its text (a status by its outcome)


class Table:
    """Columns and rows (each a list of cells — spans, or a plain string of text in the
    column's style — and a style for the whole row); an optional title above. Rows are a
    list, or any iterable for `Output.stream_table`. A row's cells may also be a tuple of
    plain strings only (never spans), which a pipe lays out in one step."""

    def __init__(self, *columns: Column, title: str | None = None, title_style: str = "", show_header: bool = True):
        self.columns = columns
        self.title = title
        self.title_style = title_style
        self.show_header = show_header
        self.rows: list[tuple[list[Spans], str]] = []

    def add_row(self, *cells: str | Spans, style: str = "") -> None:
        self.rows.append(row(*cells, style=style))

    def widths(self, sample: list[tuple[list[Spans], str]], limit: int | None) -> list[int]:
        """Each column's width in cells: its widest cell (or its fixed width), then, when the
        whole is wider than `limit`, shrunk — flexible columns first, else the widest
        left-justified ones — down to a few cells each."""
        content = []
        for i, column in enumerate(self.columns):
            if column.width is not None:
                content.append(column.width)
                continue
            sizes = [span_cells(cells_[i]) for cells_, _ in sample if i < len(cells_)]
            content.append(max([cells(column.header) if self.show_header else 0, *sizes]))
        widths = [max(size, column.min_width) for size, column in zip(content, self.columns, strict=True)]
        if limit is None:
            return widths
        excess = sum(widths) + len(GAP) * (len(widths) - 1) - limit
        flexible = [i for i, c in enumerate(self.columns) if c.flexible]
        left = [i for i, c in enumerate(self.columns) if c.justify == "left" and not c.flexible]
        stages = [  # (columns, the width each may shrink to), in turn
            (range(len(widths)), content),  # the room kept for rows beyond the sample
            (flexible, [10] * len(widths)),
            (left, [4] * len(widths)),
            (flexible, [4] * len(widths)),
        ]
        for columns, floors in stages:
            while excess > 0:
                shrinkable = [i for i in columns if widths[i] > floors[i]]
                if not shrinkable:
                    break
                widest = max(shrinkable, key=lambda i: widths[i])
                others = [widths[i] for i in shrinkable if i != widest]
                step = min(excess, widths[widest] - floors[widest], max(widths[widest] - max(others, default=0), 1))
                widths[widest] -= step
                excess -= step
        return widths

    def header_row(self) -> tuple[list[Spans], str]:
        return [styled(c.header, "bold") for c in self.columns], ""


def row(*cells_: str | Spans, style: str = "") -> tuple[list[Spans], str]:
    return [styled(cell) if isinstance(cell, str) else cell for cell in cells_], style


def span_cells(spans: Spans | str) -> int:
    if isinstance(spans, str):
        return cells(spans)
    return sum(cells(text) for text, _ in spans)


def lay_out(table: Table, cells_: list[Spans], widths: list[int], limit: int | None) -> Spans:
    """One row as spans: each cell padded (or, on a terminal, cut) to its column's width."""
    spans: Spans = []
    last = len(table.columns) - 1
    trim = table.columns[-1].flexible  # a flexible last column (a title) is not padded
    for i, (column, width) in enumerate(zip(table.columns, widths, strict=False)):
        cell = cells_[i] if i < len(cells_) else []
        if isinstance(cell, str):
            cell = [(cell, column.styles.get(cell, ""))]
        if column.justify == "right":
            cell = _rstrip(cell)
        size = span_cells(cell)
        if limit is not None and size > width:
            cell = cut(cell, width)
            size = span_cells(cell)
        room = max(width - size, 0)
        if i:
            spans.append((GAP, ""))
        if column.justify == "right":
            spans += [(" " * room, ""), *cell]
        elif i == last and trim:
            spans += cell
        else:
            spans += [*cell, (" " * room, "")]
    if limit is not None and span_cells(spans) > limit:
        spans = cut(spans, limit)
    return spans


def _rstrip(spans: Spans) -> Spans:
    text = "".join(text for text, _ in spans)
    keep = len(text.rstrip())
    out, used = [], 0
    for piece, style in spans:
        if used < keep:
            out.append((piece[: keep - used], style))
        used += len(piece)
    return out


class Output:
    """Where a command's lines and tables go: stdout, or the pager when a terminal's screen
    would not hold them."""

    def __init__(self, stream=None, *, pager: str | None = None):
        self.stream = stream if stream is not None else sys.stdout
        self.terminal = _is_terminal(self.stream)
        self.colour = _colour(self.terminal)
        size = _terminal_size(self.stream) if self.terminal else None
        self.width: int | None = size[0] if size else None  # None: a pipe, no limit
        self.height: int | None = size[1] if size else None
        self._pager = Pager(pager, self.height, self.stream) if pager and self.terminal and self.height else None
        self._console = None

    # -- writing ---------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """Text ending in a newline, as it is (already laid out)."""
        if self._pager is not None:
            self._pager.write(text)
        else:
            self.stream.write(text)

    def line(self, *spans: tuple[str, str], style: str = "") -> None:
        """One line (or several, split at newlines), never wrapped by us: prose is left to the terminal."""
        self.write(self.render(list(spans), style) + "\n")

    def blank(self) -> None:
        self.write("\n")

    def render(self, spans: Spans, style: str = "") -> str:
        if not self.colour:
            return "".join(text for text, _ in spans)
        out = []
        for text, span_style in spans:
            codes = sgr(f"{style} {span_style}".strip())
            out.append(f"{codes}{text}\x1b[0m" if codes and text else text)
        return "".join(out)

    def table(self, table: Table) -> None:
        self.stream_table(table, table.rows)

    def stream_table(self, table: Table, rows: Iterable[tuple[list[Spans], str]]) -> int:
        """Write `table` with `rows` as they come; columns sized on the first SAMPLE rows. The number of rows."""
        iterator: Iterator = iter(rows)
        sample = list(islice(iterator, SAMPLE))
        if not sample:
            return 0
        measured = [table.header_row(), *sample] if table.show_header else sample
        widths = table.widths(measured, self.width)
        if table.title:
            total = sum(widths) + len(GAP) * (len(widths) - 1)
            title = cut(styled(table.title, table.title_style), self.width) if self.width else styled(table.title)
            title_cells = span_cells(title)
            padded = [(title[0][0], table.title_style), *title[1:], (" " * max(total - title_cells, 0), "")]
            self.write(self.render(padded if not table.columns[-1].flexible else padded[:-1]) + "\n")
        draw = self._plain_row(table, widths) if self.width is None and not self.colour else (
            lambda cells_, style: self.render(lay_out(table, cells_, widths, self.width), style))  # fmt: skip
        write = self.write
        write("".join([draw(cells_, style) + "\n" for cells_, style in measured]))
        count = len(sample)
        import gc

        collecting = gc.isenabled()
        gc.disable()  # each row's objects are freed as it is written (no cycles): the collector only costs time
        try:
            while batch := [draw(cells_, style) for cells_, style in islice(iterator, BATCH)]:
                batch.append("")
                write("\n".join(batch))  # a few hundred lines a write: the rows still stream
                count += len(batch) - 1
        finally:
            if collecting:
                gc.enable()
        return count

    @staticmethod
    def _plain_row(table: Table, widths: list[int]):
        """`lay_out` then `render`, for a pipe without colour (nothing cut, no style): the
        same text, at a fraction of the cost on a long list (tests/test_layout_pipe.py holds
        the two equal). A row of plain-string cells whose padded part is ASCII is one
        %-format (cells given as a tuple) or `str.format` (a list, which may hold spans); any
        other row is laid out cell by cell."""
        last = len(table.columns) - 1
        modes = [("r" if c.justify == "right" else "t" if i == last and c.flexible else "l")
                 for i, c in enumerate(table.columns)]  # fmt: skip
        plan = list(zip(modes, widths, strict=True))
        # Every padded column as a format field (a field with a format spec refuses a list of
        # spans: TypeError); a flexible last column is added unpadded.
        padded = [(mode, width) for mode, width in plan if mode != "t"]
        form = GAP.join(f"{{{i}:{'>' if mode == 'r' else '<'}{width}}}" for i, (mode, width) in enumerate(padded))
        form = form.format
        count = len(plan)
        unpadded = modes[-1] == "t"
        tail = GAP if unpadded and padded else ""
        right = [i for i, mode in enumerate(modes) if mode == "r"]
        wide: dict[tuple[int, str], str] = {}  # (column, non-ASCII text) → the text padded to its column

        def by_cell(cells_: list) -> str:
            parts = []
            for (mode, width), cell in zip(plan, cells_, strict=False):
                if cell.__class__ is str:
                    text = cell
                else:
                    text = cell[0][0] if len(cell) == 1 else "".join(piece for piece, _ in cell)
                if mode == "t":
                    parts.append(text)
                elif text.isascii():
                    parts.append(text.rstrip().rjust(width) if mode == "r" else text.ljust(width))
                else:
                    if mode == "r":
                        text = text.rstrip()
                    room = width - cells(text)
                    if room > 0:
                        text = " " * room + text if mode == "r" else text + " " * room
                    parts.append(text)
            parts += ["" if mode == "t" else " " * width for mode, width in plan[len(cells_) :]]
            return GAP.join(parts)

        def fit(i: int, text: str) -> str:
            """A cell of non-ASCII text padded to its column in terminal cells (remembered)."""
            fitted = wide.get((i, text))
            if fitted is None:
                mode, width = padded[i]
                fitted = text.rstrip() if mode == "r" else text
                room = width - cells(fitted)
                if room > 0:
                    fitted = " " * room + fitted if mode == "r" else fitted + " " * room
                if len(wide) < 4096:
                    wide[(i, text)] = fitted
            return fitted

        loose_forms: dict[tuple[int, ...], Callable[..., str]] = {}

        def measured(cells_: list) -> str:
            """The padded part of a row of plain-string cells some of which are not ASCII: those
            padded in terminal cells by `fit`, the others by `str.format` as usual."""
            texts = list(cells_)
            loose = []
            for i in range(len(padded)):
                if not texts[i].isascii():
                    texts[i] = fit(i, texts[i])
                    loose.append(i)
            key = tuple(loose)
            form_ = loose_forms.get(key)
            if form_ is None:
                form_ = loose_forms[key] = GAP.join(
                    f"{{{i}}}" if i in key else f"{{{i}:{'>' if mode == 'r' else '<'}{width}}}"
                    for i, (mode, width) in enumerate(padded)
                ).format
            return form_(*texts)

        # A row given as a tuple is plain strings (`Table`): one %-format lays it out whole.
        whole = GAP.join("%s" if mode == "t" or not width else f"%{'' if mode == 'r' else '-'}{width}s"
                         for mode, width in plan)  # fmt: skip

        def draw(cells_: list | tuple, style: str) -> str:
            if len(cells_) != count:
                return by_cell(cells_)
            if cells_.__class__ is tuple:
                for i in right:
                    if cells_[i][-1:].isspace():  # trimmed before it is aligned right
                        return by_cell(cells_)
                line = whole % cells_
                if line.isascii() or (unpadded and line[: len(line) - len(cells_[-1])].isascii()):
                    return line
            try:
                line = form(*cells_)
            except TypeError:  # a cell of spans
                return by_cell(cells_)
            for i in right:
                if cells_[i][-1:].isspace():  # trimmed before it is aligned right
                    return by_cell(cells_)
            if not line.isascii():
                line = measured(cells_)
            if unpadded:
                cell = cells_[-1]
                if cell.__class__ is not str:
                    cell = cell[0][0] if len(cell) == 1 else "".join(piece for piece, _ in cell)
                return line + tail + cell
            return line

        return draw

    def close(self) -> None:
        """Everything is written: show what the screen holds, or let the pager finish."""
        if self._pager is not None:
            self._pager.close()
        try:
            self.stream.flush()
        except ValueError:  # closed
            pass

    @property
    def console(self):
        """A Rich console writing here (through the pager too), for the views drawn with Rich."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=_Sink(self), highlight=False, emoji=False, soft_wrap=False, width=self.width or 10_000,
                force_terminal=self.colour, no_color=not self.colour, color_system="standard" if self.colour else None,
            )  # fmt: skip
        return self._console


class _Sink:
    """A file for Rich that writes through `Output` (so paging and order hold)."""

    def __init__(self, out: Output):
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.out.colour

    def fileno(self) -> int:
        raise OSError("not a real file")


class Pager:
    """Like git: output longer than the screen goes through `command` (run by the shell), the
    rest straight to the terminal. Lines are held until a screenful is exceeded; then the pager
    starts and everything held, and all that follows, goes to it."""

    def __init__(self, command: str, height: int, stream):
        self.command = command
        self.room = max(height - 1, 1)  # leave the last line for the shell's prompt
        self.stream = stream
        self.held: list[str] | None = []
        self.lines = 0
        self.process = None
        self.pipe = None

    def write(self, text: str) -> None:
        if self.held is None:
            self._to_pager(text)
            return
        self.held.append(text)
        self.lines += text.count("\n")
        if self.lines > self.room:
            self._start()

    def _start(self) -> None:
        import subprocess

        held, self.held = self.held or [], None
        env = {**os.environ}
        env.setdefault("LESS", "FRX")  # as git does
        env.setdefault("LV", "-c")
        try:
            self.process = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, env=env)
        except OSError:
            self.process = None
        if self.process is None or self.process.stdin is None:
            self.pipe = self.stream  # no pager after all: write to the terminal
        else:
            import io

            self.pipe = io.TextIOWrapper(self.process.stdin, encoding="utf-8", errors="replace", write_through=False)
        self._to_pager("".join(held))

    def _to_pager(self, text: str) -> None:
        try:
            self.pipe.write(text)  # type: ignore[union-attr]
        except BrokenPipeError:  # the reader quit the pager: nothing more to show
            self._wait()
            raise

    def close(self) -> None:
        if self.held is not None:
            self.stream.write("".join(self.held))
            self.held = []
            return
        if self.process is None:
            return
        try:
            self.pipe.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass
        self._wait()

    def _wait(self) -> None:
        import signal

        if self.process is None:
            return
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the pager's, as in git
        try:
            self.process.wait()
        finally:
            signal.signal(signal.SIGINT, previous)
        self.process = None


def pager_command(no_pager: bool) -> str | None:
    """The pager to use (EXPECT_PAGER, then PAGER, else `less -FRX`), or None: `--no-pager`,
    or a pager set to an empty string or `cat`."""
    if no_pager:
        return None
    for name in ("EXPECT_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    return "less -FRX"


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _colour(terminal: bool) -> bool:
    """Colour on a terminal (not a dumb one), never with NO_COLOR; FORCE_COLOR forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return terminal and os.environ.get("TERM") != "dumb"


def _terminal_size(stream) -> tuple[int, int] | None:
    try:
        size = os.get_terminal_size(stream.fileno())
        if size.columns > 0 and size.lines > 0:
            return size.columns, size.lines
    except (AttributeError, ValueError, OSError):
        pass
    columns, lines = os.environ.get("COLUMNS", ""), os.environ.get("LINES", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns), int(lines) if lines.isdigit() and int(lines) > 0 else 24
    return 80, 24

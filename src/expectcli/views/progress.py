"""A transient progress bar on stderr, for long imports on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress(what: str, shown: bool) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`: a Rich progress bar when `shown`, else a no-op."""
    if not shown:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True),
                  transient=True) as bar:  # fmt: skip
        task = bar.add_task(what, total=None)
        yield lambda n: bar.advance(task, n)

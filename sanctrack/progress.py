"""Progress bars on the terminal for long runs (nothing when output is not a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(total: int, what: str) -> Iterator[Callable[..., None]]:
    """Yield `advance(n, note="")`: moves the bar by n and shows a note (e.g. rows loaded)."""
    if not (total and sys.stderr.isatty()):
        yield lambda n=1, note="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.fields[note]}"), console=Console(stderr=True), transient=True)
    task_id = bar.add_task(what, total=total, note="")
    with bar:
        yield lambda n=1, note="": bar.update(task_id, advance=n, note=note)

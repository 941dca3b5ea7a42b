"""Tables on a terminal that stay readable however wide the rows are.

A table that fits is printed as it is. One that does not has its cells shortened at word boundaries
(marked "…") so that every row stays on one line, the narrow columns whole and the wide ones sharing
what is left; when there are too many columns for even that, each row is printed as a record (one
"column  value" line each). `wide` prints every cell whole, the table as wide as it needs (for
`less -S`). Markdown gives a table to paste into a document.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterable, Sequence

from rich.cells import cell_len

from sanctrack.text import shorten, strip_control_characters

# A column is never narrower than this, nor than its values up to MIN_HEADER (its header may fold).
MIN_WIDTH, MIN_HEADER = 6, 14


def terminal_width() -> int:
    """The terminal's columns (COLUMNS when set; 120 when the output is not a terminal)."""
    return shutil.get_terminal_size((120, 50)).columns


def cell_text(value: object) -> str:
    """A value as one line of text: None is empty, line breaks and control characters go."""
    if value is None:
        return ""
    return " ".join(strip_control_characters(str(value)).split())


def column_widths(columns: Sequence[str], rows: Sequence[Sequence[str]], room: int) -> list[int] | None:
    """Widths that fit `room` characters of cells: each column its natural width when all fit; else the
    narrow ones whole and the wide ones cut to a common cap (the largest that fits); a header may fold onto
    more lines. None when even the least widths do not fit."""
    values = [max([0] + [cell_len(row[i]) for row in rows]) for i in range(len(columns))]
    natural = [max(v, cell_len(c)) for v, c in zip(values, columns)]
    if sum(natural) <= room:
        return natural
    least = [min(n, max(MIN_WIDTH, min(v, MIN_HEADER))) for n, v in zip(natural, values)]
    if sum(least) > room:
        return None
    low, high = 0, max(natural)
    while low < high:  # the largest cap at which the columns still fit
        cap = (low + high + 1) // 2
        if sum(max(lo, min(n, cap)) for lo, n in zip(least, natural)) <= room:
            low = cap
        else:
            high = cap - 1
    widths = [max(lo, min(n, low)) for lo, n in zip(least, natural)]
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: natural[i] - widths[i], reverse=True):
        grow = min(spare, natural[i] - widths[i])  # what the cap leaves, to the most shortened first
        widths[i] += grow
        spare -= grow
    return widths


def folded_header(header: str, width: int) -> str:
    """A header on as many lines as it needs at this width, broken after underscores or spaces."""
    if cell_len(header) <= width:
        return header
    lines, line = [], ""
    for token in re.findall(r"[^_ ]+[_ ]?", header):
        while cell_len(token) > width:  # a word longer than the column
            if line:
                lines.append(line)
                line = ""
            lines.append(token[:width])
            token = token[width:]
        if cell_len(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    return "\n".join(lines + ([line.rstrip()] if line.strip() else []))


def print_table(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str | None = None,
                wide: bool = False, wrap: bool = False, width: int | None = None) -> bool:
    """Print the rows as a table (or as records, when the columns cannot fit); True when a cell was shortened.

    `wrap`: long cells go on over more lines instead of being shortened (for a few rows that must be read whole).
    """
    from rich.console import Console
    from rich.table import Table

    columns = [cell_text(c) for c in columns]
    texts = [[cell_text(v) for v in row] for row in rows]
    width = width or terminal_width()
    # rich draws "│ " before each cell, " " after it, and a last "│": 3 characters a column, plus 1.
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in texts]) for i, c in enumerate(columns)] if wide \
        else column_widths(columns, texts, width - 3 * len(columns) - 1)
    if widths is None:
        return print_records(columns, texts, title, width)
    table = Table(title=title, title_justify="left")
    for column, w in zip(columns, widths):
        table.add_column(folded_header(column, w), width=w, no_wrap=not wrap, overflow="fold" if wrap else "ellipsis")
    shortened = False
    for row in texts:
        cells = row if wrap else [shorten(text, w) if cell_len(text) > w else text for text, w in zip(row, widths)]
        shortened = shortened or cells != row
        table.add_row(*cells)
    Console(width=sum(widths) + 3 * len(columns) + 1, highlight=False, soft_wrap=False).print(table)
    return shortened


def print_records(columns: Sequence[str], texts: Sequence[Sequence[str]], title: str | None, width: int) -> bool:
    """Each row as a block of "column  value" lines: for rows too wide to be a table."""
    label = max((cell_len(c) for c in columns), default=0)
    room = max(width - label - 2, MIN_WIDTH)
    shortened = False
    out = [title] if title else []
    for n, row in enumerate(texts, start=1):
        out.append(f"── row {n:,} " + "─" * max(width - 12 - len(f"{n:,}"), 3))
        for column, text in zip(columns, row):
            shown = shorten(text, room) if cell_len(text) > room else text
            shortened = shortened or shown != text
            out.append(f"{column.ljust(label)}  {shown}")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    sys.stdout.flush()
    return shortened

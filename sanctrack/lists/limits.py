"""Reading list files within bounds: no list file, however made, can exhaust the machine or crash a run.

Every parser goes through these before (or instead of) handing a file to a library:
- `check_file_size`: a list file is at most SANCTRACK_FETCH_MAX_BYTES (downloads are held to the
  same cap as they stream, after decompression: sanctrack.fetching).
- `read_xlsx_sheet`: the zip directory is checked before anything is inflated (parts, declared sizes,
  compression ratio); then python-calamine reads the sheet in a child process with a memory and a time
  limit. calamine allocates what a file declares (a cell at XFD1048576, a sharedStrings count of four
  billion) and aborts the whole process when that fails: in a child, that is this file's error.
- `check_csv_shape`: records, columns per record, characters per field and per line, streamed (memory
  bounded by one line) before pandas reads the file.
XML parser settings, and the cap on records in an XML list, live in xmlsafe.py.
"""

from __future__ import annotations

import csv
import os
import pickle
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sanctrack.lists.model import ListFormatError
from sanctrack.settings import load_settings

# XLSX. The real ConList: 7 parts, 17 MB inflated (a 12.8 MB sheet, ratio 9.9), 18,800 x 36 cells.
XLSX_MAX_PARTS = 1_000
XLSX_MAX_INFLATED_BYTES = 256 * 2**20  # all parts together, as the zip directory declares them
XLSX_MAX_RATIO = 100  # declared size / compressed size of a part (zip bombs: about 1,000)
XLSX_MAX_CELLS = 4_000_000  # rows x columns of the sheet as calamine lays it out
XLSX_READER_MEMORY = 640 * 2**20  # the reader process's address space
XLSX_READER_SECONDS = 120
# CSV. The real files: at most 58 columns, 3,198 characters in a field, 2,561 in a line, 25,755 records.
CSV_MAX_RECORDS = 100_000
CSV_MAX_COLUMNS = 200
CSV_MAX_FIELD_CHARS = 65_536
CSV_MAX_LINE_CHARS = 2**20


def check_file_size(path: Path, max_bytes: int | None = None) -> None:
    """Refuse a list file larger than the cap (SANCTRACK_FETCH_MAX_BYTES), or one that is not a regular
    file (a device such as /dev/zero or a pipe has no size to check and may never end)."""
    max_bytes = load_settings().fetch_max_bytes if max_bytes is None else max_bytes
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ListFormatError(path, "file", "not a regular file (a device, a pipe or a socket): refused")
    size = info.st_size
    if size > max_bytes:
        raise ListFormatError(path, "file", f"{size:,} bytes, over the {max_bytes:,}-byte cap for a list file "
                                            "(SANCTRACK_FETCH_MAX_BYTES)")


def check_xlsx_directory(path: Path) -> None:
    """Refuse an XLSX whose zip directory announces too many parts, too much content or a bomb's ratio."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ListFormatError(path, "zip directory", f"not a readable XLSX (zip) file: {exc}") from None
    if len(parts) > XLSX_MAX_PARTS:
        raise ListFormatError(path, "zip directory", f"{len(parts):,} parts, over the cap of {XLSX_MAX_PARTS:,}")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1) and part.file_size > 2**20:
            raise ListFormatError(path, f"part {part.filename}",
                                  f"inflates {part.compress_size:,} bytes to {part.file_size:,} "
                                  f"(over {XLSX_MAX_RATIO}x): refused as a compression bomb")
        if total > XLSX_MAX_INFLATED_BYTES:
            raise ListFormatError(path, f"part {part.filename}",
                                  f"the parts inflate to more than {XLSX_MAX_INFLATED_BYTES:,} bytes: refused")


XLSX_READER = Path(__file__).with_name("xlsx_reader.py")  # run as a script, in a child process


def read_xlsx_sheet(path: Path) -> list[list]:
    """The first sheet's cells (python-calamine values), read within bounds, or ListFormatError saying why not."""
    check_xlsx_directory(path)
    process = subprocess.Popen(
        [sys.executable, "-I", str(XLSX_READER), str(path), str(XLSX_READER_MEMORY), str(XLSX_MAX_CELLS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    try:
        out, err = process.communicate(timeout=XLSX_READER_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise ListFormatError(path, "sheet 1", f"not read within {XLSX_READER_SECONDS} s: refused") from None
    if process.returncode != 0:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        said = next((line for line in lines if "memory allocation" in line or "panicked" in line),
                    lines[-1] if lines else f"exit status {process.returncode}")
        raise ListFormatError(path, "sheet 1", f"the XLSX reader failed (it may need more than "
                                               f"{XLSX_READER_MEMORY // 2**20} MiB): {said.strip()[:300]}")
    kind, value = pickle.loads(out)  # our own child's output
    if kind == "error":
        raise ListFormatError(path, "sheet 1", f"cannot read as XLSX: {value}")
    return value


def check_csv_shape(path: Path, *, encoding: str = "utf-8-sig", max_columns: int = CSV_MAX_COLUMNS,
                    max_field_chars: int = CSV_MAX_FIELD_CHARS, max_line_chars: int = CSV_MAX_LINE_CHARS,
                    max_records: int | None = None) -> None:
    """Refuse a CSV with too many records, a record of too many columns, a field or a line too long; memory
    bounded by a line.

    Decoding errors are left to the parser that follows, which names them.
    """
    max_records = CSV_MAX_RECORDS if max_records is None else max_records
    with path.open(encoding=encoding, errors="replace", newline="") as handle, _field_limit(max_field_chars):
        records = csv.reader(_bounded_lines(path, handle, max_line_chars))
        try:
            for number, record in enumerate(records, start=1):
                if number > max_records:
                    raise ListFormatError(path, f"record {number}", f"more than {max_records:,} records: refused")
                if len(record) > max_columns:
                    raise ListFormatError(path, f"record {records.line_num}",
                                          f"{len(record):,} fields, over the cap of {max_columns} columns")
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ListFormatError(path, f"line {records.line_num}",
                                      f"a field longer than {max_field_chars:,} characters: refused") from None
            raise ListFormatError(path, f"line {records.line_num}", f"malformed CSV: {exc}") from None


def _bounded_lines(path: Path, handle, max_chars: int) -> Iterator[str]:
    number = 0
    while line := handle.readline(max_chars + 1):
        number += 1
        if len(line) > max_chars:
            raise ListFormatError(path, f"line {number}", f"longer than {max_chars:,} characters: refused")
        yield line


@contextmanager
def _field_limit(chars: int) -> Iterator[None]:
    previous = csv.field_size_limit(chars)
    try:
        yield
    finally:
        csv.field_size_limit(previous)

"""Small helpers the tests share."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb

from sanctrack.warehouse.db import table_names

# `runs` is the log of runs: it grows by one row per run by design; every other table is data.
LOG_TABLES = {"runs"}


def table_fingerprints(db_path: Path | str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every data table."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        fingerprints = {}
        for name in table_names(con):
            if name in LOG_TABLES:
                continue
            rows = con.execute(f'select * from "{name}"').fetchall()
            digest = hashlib.sha256("\n".join(sorted(repr(r) for r in rows)).encode()).hexdigest()
            fingerprints[name] = (len(rows), digest)
        return fingerprints
    finally:
        con.close()


def query(db_path: Path | str, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_xlsx_parts(path: Path, sheet_data: str, shared_strings: str | None = None) -> Path:
    """A minimal XLSX workbook of one sheet ("Data") whose <sheetData> is given (and, optionally, a
    sharedStrings part): the parts a spreadsheet reader needs, nothing else."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SPREADSHEET_NS}">'
             f"<sheetData>{sheet_data}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{SPREADSHEET_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        relationships = '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared_strings is not None:
            relationships += '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            z.writestr("xl/sharedStrings.xml", shared_strings)
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + relationships + "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


class _LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # clients that hang up (time-outs, deadlines) are what these tests provoke


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve the handler on 127.0.0.1 (a free port) for the block: yields the base URL."""
    server = _LoopbackServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def warehouse_held_by_another_process(db: Path, *, read_only: bool = False) -> Iterator[int]:
    """A separate process that opens the warehouse (as writer, or read-only like an analyst's notebook)
    and sleeps; yields its PID."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; con = duckdb.connect({str(db)!r}, read_only={read_only}); "
                               "print('held', flush=True); time.sleep(300)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=30)


def reader_holding(db: Path):
    """A separate process holding a read-only connection; yields its PID."""
    return warehouse_held_by_another_process(db, read_only=True)

"""Benchmark: the memory cases of issue 17 against real-shaped files, side by side, peak RSS and time each.

Every input is generated on the fly in a temporary folder (nothing is kept). Each case runs in its own
process, through the same steps as `sanctrack run` (run_lists / run_news, without Prefect), on a fresh
warehouse; the parent measures that process's wall time and peak RSS (os.wait4), and the process
reports the peak of any helper it ran (the XLSX reader). The real list files and the seed article run
the same way, as the baseline: what a normal input costs.

An XLSX is read by a separate reader process (lists/xlsx_reader.py, under a memory limit); its peak is
measured alone, started from this light process (a child's peak counts what it inherits at fork).

Usage: .venv/bin/python bench/bench_limits.py [--only NAME ...] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LISTS = REPO.parent / "shared" / "data" / "lists"
SEED = REPO / "seeds" / "news" / "news_2025-02-14_uk-sanctions-fradkov-selin-chaika-rosatom.txt"
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 2**20

# Runs in the measured process: one source through the flow's own steps, on a fresh warehouse.
CHILD = r"""
import json, logging, resource, sys
logging.disable(logging.CRITICAL)
flow, source, db = sys.argv[1:4]
if flow == "lists":
    from sanctrack.flows.lists import run_lists
    result = run_lists([source], db)
    outcome = result["sources"][0]
    said = outcome.get("error") or f"{outcome['status']}: {outcome.get('designations', 0):,} designations"
else:
    from sanctrack.flows.news import run_news
    result = run_news([source], db)
    said = (result["errors"][0]["message"] if result["errors"] else
            f"{result['status']}: {result['counts'].get('mentions_added', 0)} mentions")
print(json.dumps({"said": said}))
"""
# The reader's limits, as lists/limits.py sets them (read from its source: importing it would load pandas here).
LIMITS = (REPO / "sanctrack" / "lists" / "limits.py").read_text()
READER_MEMORY, READER_MAX_CELLS = 640 * MB, 4_000_000
assert f"XLSX_READER_MEMORY = {READER_MEMORY // MB} * 2**20" in LIMITS and "XLSX_MAX_CELLS = 4_000_000" in LIMITS


# The price of reading an XLSX in a bounded child process, side by side with calamine in this process.
READER_OVERHEAD = r"""
import statistics, sys, time
from pathlib import Path
import python_calamine
from sanctrack.lists.limits import read_xlsx_sheet
path = Path(sys.argv[1])
inside, child = [], []
for _ in range(5):
    started = time.perf_counter()
    python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    inside.append(time.perf_counter() - started)
    started = time.perf_counter()
    read_xlsx_sheet(path)
    child.append(time.perf_counter() - started)
a, b = statistics.median(inside), statistics.median(child)
print(f"reading {path.name}: calamine in the process {a:.2f} s, the bounded reader process {b:.2f} s "
      f"(x{b / a:.2f}; medians of 5)")
"""


def xlsx(path: Path, rows, shared_strings: str | None = None) -> Path:
    """An XLSX whose one sheet streams the given <row> elements (inflated as it is written, not in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{SPREADSHEET_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{SPREADSHEET_NS}"><sheetData>'.encode())
            for chunk in rows:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def inflating_xlsx(folder: Path) -> Path:
    """About 2.4 GB of sheet XML (36 text cells a row, as the ConList), deflated to a few MB."""
    cells = "".join(f'<c t="inlineStr"><is><t>RUSSIA {c:02d}</t></is></c>' for c in range(36))
    block = "".join(f'<row r="{r}">{cells}</row>' for r in range(1, 1001)).encode()
    return xlsx(folder / "inflates.xlsx", (block for _ in range(2400 * MB // len(block))))


def lying_xlsx(folder: Path) -> Path:
    """A sheet of 1 GB of XML whose zip directory says 10,000 bytes: the directory check cannot see it."""
    cells = "".join(f'<c t="inlineStr"><is><t>RUSSIA {c:02d}</t></is></c>' for c in range(36))
    block = "".join(f'<row r="{r}">{cells}</row>' for r in range(1, 1001)).encode()
    path = xlsx(folder / "lying.xlsx", (block for _ in range(1000 * MB // len(block))))
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo("xl/worksheets/sheet1.xml").header_offset
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, local + 22, 10_000)  # the local header's uncompressed size
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + 24] != b"xl/worksheets/sheet1.xml":
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 10_000)  # the central directory's
    path.write_bytes(data)
    return path


def far_cell_xlsx(folder: Path) -> Path:
    """A 2 KB XLSX with one cell at XFD1048576: calamine lays out 17 billion cells and aborts."""
    rows = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>Last Updated</t></is></c></row>',
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>']
    return xlsx(folder / "far_cell.xlsx", rows)


def ofac_csv_million_columns(folder: Path) -> Path:
    """A 4 MB OFAC sdn.csv whose one record has a million fields."""
    path = folder / "million_columns" / "sdn.csv"
    path.parent.mkdir()
    path.write_bytes(b'1,"A",' + b"-0- ," * 1_000_000 + b"\n")
    return path.parent


def ofac_csv_long_line(folder: Path, size: int, name: str) -> Path:
    """An OFAC sdn.csv whose remarks field is one line of `size` bytes."""
    path = folder / name / "sdn.csv"
    path.parent.mkdir()
    with path.open("wb") as out:
        out.write(b'1,"A",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"')
        for _ in range(size // MB):
            out.write(b"x" * MB)
        out.write(b'"\n\x1a')
    return path.parent


def ofac_csv_real_rows(folder: Path, records: int) -> Path:
    """A well-formed OFAC sdn.csv of `records` records: the real 2024-02-23 rows repeated, renumbered."""
    rows = (LISTS / "us-ofac" / "sdn_2024-02-23.csv").read_bytes().rstrip(b"\x1a").splitlines(keepends=True)
    path = folder / f"sdn_{records}_2024-02-23.csv"
    with path.open("wb") as out:
        for number in range(1, records + 1):
            out.write(str(number).encode() + b"," + rows[(number - 1) % len(rows)].split(b",", 1)[1].rstrip(b"\r\n") + b"\n")
        out.write(b"\x1a")
    return path


def ofac_csv_fat_remarks(folder: Path, size: int) -> Path:
    """A well-formed OFAC sdn.csv of `size` bytes whose remarks are 16,000 characters of real-looking items."""
    item = "DOB 01 Jan 1960; nationality Russia; Passport 753252811 (Russia); a.k.a. 'TESTOV, Ivan'; "
    remarks = (item * (16_000 // len(item)))[:16_000]
    path = folder / "sdn_fat_2024-02-23.csv"
    with path.open("w") as out:
        number = 0
        while out.tell() < size - 20_000:
            number += 1
            out.write(f'{number},"TESTOV, Ivan {number}",individual,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"\n')
        out.write("\x1a")
    return path


def one_line_text(folder: Path, chars: int, name: str) -> Path:
    """A text document of one line of `chars` characters (its line break included): the seed article's
    sentences run together."""
    unit = SEED.read_text().replace("\n", " ")
    path = folder / name
    with path.open("w") as out:
        for _ in range((chars - 1) // len(unit)):
            out.write(unit)
        out.write(unit[: (chars - 1) % len(unit)] + "\n")
    return path


def text_of_lines(folder: Path, chars: int, name: str) -> Path:
    """A text document of normal lines: the seed article repeated."""
    unit = SEED.read_text()
    path = folder / name
    path.write_text((unit * (chars // len(unit) + 1))[:chars])
    return path


def cases(folder: Path) -> list[tuple[str, str, callable]]:
    """(name, flow, make input): the attacks of issue 17 point 4, then inputs at the caps, then real files."""
    return [
        ("xlsx inflating to 2.4 GB", "lists", lambda: inflating_xlsx(folder)),
        ("xlsx with a lying zip directory (1 GB said 10 KB)", "lists", lambda: lying_xlsx(folder)),
        ("xlsx with a cell at XFD1048576", "lists", lambda: far_cell_xlsx(folder)),
        ("OFAC CSV, a million columns (4 MB)", "lists", lambda: ofac_csv_million_columns(folder)),
        ("OFAC CSV, a 1 GB line", "lists", lambda: ofac_csv_long_line(folder, 1024 * MB, "line_1g")),
        ("OFAC CSV, a 30 MB line (under the file cap)", "lists", lambda: ofac_csv_long_line(folder, 30 * MB, "line_30m")),
        ("OFAC CSV under the record cap (99,999 real rows)", "lists", lambda: ofac_csv_real_rows(folder, 99_999)),
        ("OFAC CSV past the record cap (100,001 real rows)", "lists", lambda: ofac_csv_real_rows(folder, 100_001)),
        ("OFAC CSV at the byte cap (32 MiB, 16,000-char remarks)", "lists", lambda: ofac_csv_fat_remarks(folder, 32 * MB)),
        ("text, 200 MB in one line", "news", lambda: one_line_text(folder, 200 * MB, "one_line_200m.txt")),
        ("text, 20 MB in one line (under the byte cap)", "news", lambda: one_line_text(folder, 20 * MB * 99 // 100, "one_line_20m.txt")),
        ("text, 2,000,000 chars in one line (the text cap)", "news", lambda: one_line_text(folder, 2_000_000, "one_line_2m.txt")),
        ("text, 2,000,000 chars in lines (the text cap)", "news", lambda: text_of_lines(folder, 2_000_000, "lines_2m.txt")),
        ("real: UK ConList XLSX 2025-04-14", "lists", lambda: LISTS / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx"),
        ("real: OFAC SDN CSV 2024-02-23", "lists", lambda: LISTS / "us-ofac" / "sdn_2024-02-23.csv"),
        ("real: the seed article", "news", lambda: SEED),
    ]


def peak_of(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB), exit status and standard output of a command run from this process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, status, out.decode("utf-8", "replace")


def measure(flow: str, source: Path, folder: Path) -> dict:
    """Run one source in a fresh process on a fresh warehouse: wall seconds, peak RSS, what the run said;
    for an XLSX, the reader process's own peak too."""
    db = folder / f"w{time.monotonic_ns()}.duckdb"
    seconds, peak, status, out = peak_of([sys.executable, "-c", CHILD, flow, str(source), str(db)])
    said = json.loads(out.strip().splitlines()[-1])["said"] if status == 0 else f"exit status {status}"
    reader = 0.0
    if source.suffix == ".xlsx":
        _, reader, _, _ = peak_of([sys.executable, "-I", str(REPO / "sanctrack" / "lists" / "xlsx_reader.py"),
                                   str(source), str(READER_MEMORY), str(READER_MAX_CELLS)])
    return {"seconds": seconds, "peak_mb": peak, "reader_peak_mb": reader, "said": said}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="Run only the cases whose name contains one of these.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per case (medians are printed).")
    args = parser.parse_args()
    if not LISTS.is_dir():
        sys.exit(f"the real list files are not at {LISTS}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'case':52} {'input':>10} {'seconds':>8} {'peak MB':>8} {'reader MB':>9}  outcome")
        for name, flow, make in cases(folder):
            if args.only and not any(word in name for word in args.only):
                continue
            source = make()
            size = sum(p.stat().st_size for p in ([source] if source.is_file() else source.iterdir()))
            runs = [measure(flow, source, folder) for _ in range(args.repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            reader = statistics.median(r["reader_peak_mb"] for r in runs)
            said = runs[0]["said"].replace(str(folder) + "/", "").replace(str(LISTS) + "/", "")
            print(f"{name:52} {size / MB:>8.1f}MB {seconds:>8.2f} {peak:>8.0f} {reader:>9.0f}  {said[:150]}", flush=True)
            for stale in folder.glob("w*.duckdb*"):
                if stale.is_file():
                    stale.unlink()
            if source.parent == folder or source.parent.parent == folder:
                for path in ([source] if source.is_file() else [*source.iterdir(), source]):
                    path.unlink() if path.is_file() else path.rmdir()
        if not args.only:
            conlist = LISTS / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx"
            print(subprocess.run([sys.executable, "-c", READER_OVERHEAD, str(conlist)], capture_output=True,
                                 text=True).stdout.strip())


if __name__ == "__main__":
    main()

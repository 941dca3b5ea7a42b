"""List files that would exhaust or crash the process are refused as that source's error; the rest loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sanctrack.lists.limits as limits
from sanctrack.flows.lists import run_lists
from sanctrack.lists import ListFormatError, parse_list
from tests.helpers import SPREADSHEET_NS, query, write_xlsx_parts

FIXTURES = Path(__file__).parent / "fixtures" / "lists"
GOOD = str(FIXTURES / "eu_fsf_5.xml")


def loads_beside_a_good_list(tmp_path: Path, bad: Path, good: str = GOOD) -> str:
    """Run the bad file with a good one: the bad one fails with its message, the good one loads."""
    db = tmp_path / "w.duckdb"
    result = run_lists([str(bad), good], db)
    statuses = {s["source"]: s["status"] for s in result["sources"]}
    assert statuses == {str(bad): "failed", good: "loaded"}, result["sources"]
    assert result["status"] == "partial"
    assert query(db, "select count(*) from list_versions") == [(1,)]
    return result["errors"][0]["message"]


def test_an_xlsx_that_inflates_past_the_cap_is_refused_from_its_zip_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "XLSX_MAX_INFLATED_BYTES", 3 * 2**20)
    path = tmp_path / "big.xlsx"
    row = '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>{1}</t></is></c></row>'
    write_xlsx_parts(path, "".join(row.format(i, f"name {i:07d} " * 4) for i in range(1, 40_000)))
    message = loads_beside_a_good_list(tmp_path, path)
    assert "part xl/worksheets/sheet1.xml: the parts inflate to more than 3,145,728 bytes: refused" in message


def test_an_xlsx_part_with_a_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    write_xlsx_parts(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>' + " " * (4 * 2**20) + "</t></is></c></row>")
    with pytest.raises(ListFormatError, match=r"inflates [\d,]+ bytes to [\d,]+ \(over 100x\): refused as a compression bomb"):
        parse_list(path)


def test_a_zip_that_is_not_an_xlsx_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ListFormatError, match="zip directory: not a readable XLSX"):
        parse_list(path)


@pytest.mark.parametrize("name, sheet, shared", [
    # calamine lays the sheet out densely from A1 to the last cell: 17 billion cells.
    ("far-cell", '<row r="1"><c r="A1" t="inlineStr"><is><t>Last Updated</t></is></c></row>'
                 '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>', None),
    # calamine reserves room for the announced number of shared strings.
    ("shared-strings-count", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
     f'<?xml version="1.0"?><sst xmlns="{SPREADSHEET_NS}" '
     'count="4000000000" uniqueCount="4000000000"><si><t>Last Updated</t></si></sst>'),
])
def test_an_xlsx_that_crashes_its_reader_is_that_sources_error(tmp_path: Path, name: str, sheet: str,
                                                               shared: str | None) -> None:
    path = write_xlsx_parts(tmp_path / f"{name}.xlsx", sheet, shared)
    assert path.stat().st_size < 4000
    message = loads_beside_a_good_list(tmp_path, path)
    assert f"{path}: sheet 1: " in message


def test_an_xlsx_spanning_too_many_cells_is_refused(tmp_path: Path) -> None:
    path = write_xlsx_parts(tmp_path / "wide.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                                                  '<row r="200000"><c r="AZ200000" t="inlineStr"><is><t>b</t></is></c></row>')
    with pytest.raises(ListFormatError, match=r"spans 200,000 rows x 52 columns, over the cap of 4,000,000 cells"):
        parse_list(path)


def test_an_ofac_csv_with_a_million_columns_is_refused_quickly(tmp_path: Path) -> None:
    folder = tmp_path / "sdn"
    folder.mkdir()
    (folder / "sdn.csv").write_text('1,"A",' + "-0- ," * 1_000_000 + "\n")
    message = loads_beside_a_good_list(tmp_path, folder)
    assert "line 1: longer than 1,048,576 characters: refused" in message


def test_an_ofac_csv_record_with_too_many_fields_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text('1,"A",' + "-0- ," * 100 + '"x"\n')
    with pytest.raises(ListFormatError, match="record 1: 103 fields, over the cap of 12 columns"):
        parse_list(path, "ofac_csv")


def test_a_csv_field_that_never_ends_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text("Last Updated,01/01/2025\n" + '"' + "an open quote\n" * 10_000)
    with pytest.raises(ListFormatError, match="a field longer than 65,536 characters: refused"):
        parse_list(path, "uk_ofsi_csv")


def test_a_local_list_over_the_size_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_FETCH_MAX_BYTES", "4000")
    message = loads_beside_a_good_list(tmp_path, FIXTURES / "eu_fsf_5.xml", str(FIXTURES / "un_5.xml"))
    assert "5,799 bytes, over the 4,000-byte cap for a list file (SANCTRACK_FETCH_MAX_BYTES)" in message


def test_a_list_that_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    pipe = tmp_path / "list.csv"
    os.mkfifo(pipe)  # reading it would wait for a writer forever; a device like /dev/zero never ends
    message = loads_beside_a_good_list(tmp_path, pipe)
    assert "not a regular file (a device, a pipe or a socket): refused" in message


def test_the_real_lists_pass_the_caps(shared_dir: Path) -> None:
    lists = shared_dir / "data" / "lists"
    limits.check_xlsx_directory(lists / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx")
    for path in [*lists.glob("us-ofac/*.csv"), *lists.glob("us-ofac/sdn-2021-07/*.csv"),
                 *lists.glob("uk-fcdo-derived/*.csv")]:
        limits.check_csv_shape(path)


def test_a_csv_with_too_many_records_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "CSV_MAX_RECORDS", 3)
    with pytest.raises(ListFormatError, match="record 4: more than 3 records: refused"):
        parse_list(FIXTURES / "uk_conlist_5rows.csv")


def test_an_xml_list_with_too_many_records_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctrack.lists.xmlsafe as xmlsafe

    monkeypatch.setattr(xmlsafe, "XML_MAX_RECORDS", 3)
    with pytest.raises(ListFormatError, match="record 4: more than 3 records: refused"):
        parse_list(FIXTURES / "un_5.xml")

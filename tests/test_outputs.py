"""Exports and reports: written whole under a temporary name, then renamed; an existing file only with --force."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from sanctrack.outputs import OutputExists, written_atomically


def invoke(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args])


@pytest.mark.parametrize("fmt, name", [("csv", "mentions.csv"), ("parquet", "mentions.parquet"),
                                       ("ftm", "entities.ftm.json")])
def test_an_export_refuses_to_overwrite_unless_forced(loaded_db: Path, tmp_path: Path, fmt: str, name: str) -> None:
    out = tmp_path / "exports"
    assert invoke(loaded_db, "export", "--format", fmt, "--out", str(out)).exit_code == 0
    target = out / name
    target.write_bytes(b"an analyst's own file")
    before = sorted(p.name for p in out.iterdir())

    refused = invoke(loaded_db, "export", "--format", fmt, "--out", str(out))
    assert refused.exit_code == 1
    assert f"{out}/" in refused.output and "exists" in refused.output and "pass --force to overwrite" in refused.output
    assert target.read_bytes() == b"an analyst's own file"
    assert sorted(p.name for p in out.iterdir()) == before, "nothing written, nothing left behind"

    forced = invoke(loaded_db, "export", "--format", fmt, "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"an analyst's own file"
    assert not list(out.glob(".*partial")) and sorted(p.name for p in out.iterdir()) == before


def test_a_report_refuses_to_overwrite_unless_forced(loaded_db: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("keep me")
    refused = invoke(loaded_db, "report", "--out", str(page))
    assert refused.exit_code == 1 and f"{page} exists: pass --force to overwrite" in refused.output
    assert page.read_text() == "keep me"
    assert invoke(loaded_db, "report", "--out", str(page), "--force").exit_code == 0
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_written_file_has_the_mode_of_any_new_file(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        with written_atomically(tmp_path / "report.html") as partial:
            partial.write_text("<html></html>")
    finally:
        os.umask(mask)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644  # readable by others, as a CSV export is


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with written_atomically(target) as partial:
            partial.write_text("half")
            raise RuntimeError("the disk filled up")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(OutputExists):
        with written_atomically(target) as partial:
            partial.write_text("ours")
            target.write_text("someone else's")  # created while we were writing
    assert target.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_report_of_an_old_warehouse_with_control_characters_is_clean(loaded_db: Path, tmp_path: Path) -> None:
    from sanctrack.warehouse.db import connect

    con = connect(loaded_db)  # as loaded before control characters were stripped at load
    con.execute("update mentions set sentence = sentence || chr(0) || chr(7) where name = 'Pavel Fradkov'")
    con.close()
    page = tmp_path / "report.html"
    assert invoke(loaded_db, "report", "--out", str(page)).exit_code == 0
    text = page.read_text()
    assert "Fradkov" in text and "\x00" not in text and "\x07" not in text


def test_screening_results_refuse_to_overwrite_unless_forced(tmp_path: Path) -> None:
    from sanctrack.flows.lists import run_lists

    db = tmp_path / "w.duckdb"
    run_lists([str(Path(__file__).parent / "fixtures" / "lists" / "un_5.xml")], db)
    names = tmp_path / "names.csv"
    names.write_text("name\nIvan Testov\n")
    out = tmp_path / "screened.csv"
    out.write_text("keep me")
    refused = invoke(db, "screen", "--file", str(names), "--out", str(out))
    assert refused.exit_code == 1 and f"{out} exists: pass --force to overwrite" in refused.output
    assert out.read_text() == "keep me"
    forced = invoke(db, "screen", "--file", str(names), "--out", str(out), "--force")
    assert forced.exit_code in (0, 4), forced.output  # 4: no match at the threshold, which is fine here
    assert out.read_text().startswith("query,")

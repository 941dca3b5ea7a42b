"""Known entities: the names on the official lists, recognised in the news."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sanctrack.extract import extract_mentions, extractor_version
from sanctrack.extract.known import KnownEntities, from_list_files, from_warehouse

FIXTURES = Path(__file__).parent / "fixtures" / "lists"

LISTED = KnownEntities.from_names(
    [
        ("PETROV, Ivan Sergeyevich", "person", "UK", "RUS0001"),
        ("VOLGA TRADING LLC", "organisation", "US", "40001"),
        ("NORDIC STAR", "vessel", "UK", "RUS0002"),
        ("ABC", "organisation", "UN", "X1"),  # too short to recognise on its own
    ],
    fingerprint="test",
)


def test_a_listed_name_is_found_in_any_word_order_and_case() -> None:
    assert LISTED.lookup("Ivan Sergeyevich Petrov") == ("exact", ("UK:RUS0001", "person"))
    assert LISTED.lookup("Volga Trading") == ("exact", ("US:40001", "organisation"))  # legal forms aside


def test_part_of_a_listed_name_is_a_partial_hit_and_unknown_names_miss() -> None:
    assert LISTED.lookup("Ivan Petrov") == ("partial", ("UK:RUS0001", "person"))
    assert LISTED.lookup("Anna Volkova") is None
    assert LISTED.lookup("ABC") is None


def test_a_known_name_in_a_statement_names_its_entry_and_takes_its_type() -> None:
    found = extract_mentions("The UK sanctioned Ivan Petrov and NORDIC STAR on Friday.", known=LISTED)
    by_name = {m.name: m for m in found}
    assert by_name["Ivan Petrov"].cue.endswith("known:UK:RUS0001")
    assert by_name["NORDIC STAR"].entity_type == "vessel"


def test_the_version_of_an_extraction_names_the_lists() -> None:
    assert extractor_version(None) != extractor_version(LISTED)
    assert extractor_version(LISTED).endswith("+lists:test")


def test_known_entities_from_list_files() -> None:
    known = from_list_files([FIXTURES / "un_5.xml"])
    assert known.exact and len(known.fingerprint) == 12


def test_a_warehouse_without_lists_gives_no_index() -> None:
    con = duckdb.connect()
    assert from_warehouse(con) is None


def test_the_index_of_a_warehouse_is_kept_beside_it_until_its_lists_change(tmp_path: Path, monkeypatch) -> None:
    from sanctrack.flows.lists import run_lists
    from sanctrack.warehouse.db import connect

    db = tmp_path / "w.duckdb"
    run_lists([str(FIXTURES / "un_5.xml")], db)
    con = connect(db, read_only=True)
    built = from_warehouse(con, db)
    saved = list((tmp_path / "w.duckdb.screen-index" / "known").glob("*.pickle"))
    assert built is not None and len(saved) == 1

    # Unchanged lists: read back, not built (the same names and entries).
    monkeypatch.setattr(KnownEntities, "from_frame", classmethod(lambda *a: pytest.fail("rebuilt")))
    assert from_warehouse(con, db) == built
    con.close()
    monkeypatch.undo()

    # Another list loaded: another index, and the old one is gone.
    run_lists([str(FIXTURES / "uk_fcdo_5.csv")], db)
    con = connect(db, read_only=True)
    again = from_warehouse(con, db)
    con.close()
    assert again is not None and again.fingerprint != built.fingerprint and len(again.exact) > len(built.exact)
    assert [p.name for p in (tmp_path / "w.duckdb.screen-index" / "known").glob("*.pickle")] != [saved[0].name]
    assert len(list((tmp_path / "w.duckdb.screen-index" / "known").glob("*.pickle"))) == 1


def test_the_warehouse_named_before_extract_lends_its_lists(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sanctrack.cli import main
    from sanctrack.flows.lists import run_lists

    db = tmp_path / "w.duckdb"
    run_lists([str(FIXTURES / "un_5.xml")], db)
    text = tmp_path / "a.txt"
    text.write_text("The UN Security Council has sanctioned Eric Badege for attacks on civilians.\n")
    for args in (["--db", str(db), "extract", str(text), "--format", "jsonl"],
                 ["extract", str(text), "--format", "jsonl", "--db", str(db)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "known:UN:" in result.output, args
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = CliRunner().invoke(main, ["--db", str(empty), "extract", str(text)])  # no list: extracts plainly
    assert result.exit_code == 0, result.output

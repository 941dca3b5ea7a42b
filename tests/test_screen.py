"""`sanctrack screen`: one name or a file of names against the loaded lists, read-only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from sanctrack.flows.lists import run_lists
from tests.helpers import table_fingerprints

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("screen") / "w.duckdb"
    result = run_lists([str(FIXTURES / "uk_conlist_5rows.csv"), str(FIXTURES / "ofac_set")], path)
    assert result["status"] == "succeeded", result["errors"]
    return path


def screen(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), "screen", *args], catch_exceptions=False)


def test_screen_json_is_a_list_of_candidates_with_the_documented_keys(db: Path) -> None:
    result = screen(db, "Fradkov Pavel Mikhaylovich", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert set(records[0]) == {"authority", "list_id", "list_ref", "name", "matched_name", "score", "evidence"}
    assert (records[0]["authority"], records[0]["list_id"], records[0]["list_ref"]) == ("UK", "16758", "RUS2389")
    assert records[0]["score"] == 1.0
    assert records[0]["evidence"]["tokens_missing_from_query"] == []


def test_screen_finds_a_transliterated_name_on_both_lists(db: Path) -> None:
    records = json.loads(screen(db, "Artyom Chayka", "--format", "json").output)
    assert ("US", "23303") in {(r["authority"], r["list_id"]) for r in records}


def test_screen_filters_by_authority_type_and_limit(db: Path) -> None:
    records = json.loads(screen(db, "Rosatom Additive Technologies", "--authority", "us", "--format", "json").output)
    assert {r["authority"] for r in records} == {"US"}
    assert json.loads(screen(db, "Rosatom Additive Technologies", "--type", "person", "--format", "json").output) == []
    assert len(json.loads(screen(db, "Rosatom Additive Technologies", "--limit", "1", "--format", "json").output)) == 1


def test_screen_table_shows_the_evidence(db: Path) -> None:
    result = screen(db, "Artyom Chayka")
    assert result.exit_code == 0
    assert "23303" in result.output and "transliteration" in result.output


def test_screen_file_writes_one_csv_row_per_candidate(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name,type\nPavel Fradkov,person\nOOO Rosatom Additive Technologies,organisation\n"
                     "Trading Bank LLC,\n", encoding="utf-8")
    result = screen(db, "--file", str(names), "--limit", "2")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["query", "rank", "authority", "list_id", "list_ref", "name", "matched_name", "score",
                             "evidence"]
    firsts = {r["query"]: r for r in rows if r["rank"] == "1"}
    assert firsts["Pavel Fradkov"]["list_id"] == "16758"
    assert firsts["OOO Rosatom Additive Technologies"]["list_id"] == "16755"
    assert "Trading Bank LLC" not in firsts  # generic words alone match nothing
    assert json.loads(firsts["Pavel Fradkov"]["evidence"])["entity_type"] == "agree"


def test_screen_file_can_write_to_a_file(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\nArtem Chaika\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = screen(db, "--file", str(names), "--out", str(out))
    assert result.exit_code == 0
    assert {r["list_id"] for r in csv.DictReader(out.open())} >= {"23303"}


def test_screen_refuses_a_names_file_without_a_name_column(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("who\nPavel Fradkov\n", encoding="utf-8")
    result = screen(db, "--file", str(names))
    assert result.exit_code == 1 and "no `name` column" in result.output


def test_screen_needs_a_name_or_a_file(db: Path) -> None:
    result = screen(db)
    assert result.exit_code == 1 and "give either a NAME or --file" in result.output


def test_screen_leaves_the_warehouse_unchanged(db: Path) -> None:
    before = table_fingerprints(db)
    screen(db, "Pavel Fradkov")
    assert table_fingerprints(db) == before


def test_screen_without_a_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    result = screen(tmp_path / "none.duckdb", "Pavel Fradkov")
    assert result.exit_code == 1 and "no warehouse" in result.output

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
    assert set(records[0]) == {"authority", "list_id", "list_ref", "name", "matched_name", "matched_name_latin", "score",
                               "evidence"}
    assert (records[0]["authority"], records[0]["list_id"], records[0]["list_ref"]) == ("UK", "RUS2389", "RUS2389")
    assert records[0]["score"] == 1.0
    assert records[0]["evidence"]["tokens_missing_from_query"] == []


def test_screen_finds_a_transliterated_name_on_both_lists(db: Path) -> None:
    records = json.loads(screen(db, "Artyom Chayka", "--format", "json").output)
    assert ("US", "23303") in {(r["authority"], r["list_id"]) for r in records}


def test_screen_filters_by_authority_type_and_limit(db: Path) -> None:
    records = json.loads(screen(db, "Rosatom Additive Technologies", "--authority", "us", "--format", "json").output)
    assert {r["authority"] for r in records} == {"US"}
    by_person = screen(db, "Rosatom Additive Technologies", "--type", "person", "--format", "json")
    assert json.loads(by_person.output) == [] and by_person.exit_code == 4
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
    assert list(rows[0]) == ["query", "rank", "authority", "list_id", "list_ref", "name", "matched_name",
                             "matched_name_latin", "score", "evidence"]
    firsts = {r["query"]: r for r in rows if r["rank"] == "1"}
    assert firsts["Pavel Fradkov"]["list_id"] == "RUS2389"
    assert firsts["OOO Rosatom Additive Technologies"]["list_id"] == "RUS2386"
    assert "Trading Bank LLC" not in firsts  # generic words alone match nothing
    assert json.loads(firsts["Pavel Fradkov"]["evidence"])["entity_type"] == "agree"


def test_screen_file_can_write_to_a_file(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\nArtem Chaika\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = screen(db, "--file", str(names), "--out", str(out))
    assert result.exit_code == 0
    assert {r["list_id"] for r in csv.DictReader(out.open())} >= {"23303"}


@pytest.mark.parametrize(("text", "message"), [
    ("who\nPavel Fradkov\n", "no `name` column"),
    ("name,type\n", "no names to screen"),  # a header only: nothing screened is no clear
    ("name\nPavel Fradkov\n\"\"\n", "line 3: empty name"),
])
def test_a_names_file_that_cannot_be_screened_is_a_usage_error(db: Path, tmp_path: Path, text: str,
                                                               message: str) -> None:
    names = tmp_path / "names.csv"
    names.write_text(text, encoding="utf-8")
    result = screen(db, "--file", str(names))
    assert result.exit_code == 2 and message in result.output


def test_screen_needs_a_name_or_a_file(db: Path) -> None:
    result = screen(db)
    assert result.exit_code == 2 and "give either a NAME or --file" in result.output


def test_screen_leaves_the_warehouse_unchanged(db: Path) -> None:
    before = table_fingerprints(db)
    screen(db, "Pavel Fradkov")
    assert table_fingerprints(db) == before


def test_screen_without_a_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    result = screen(tmp_path / "none.duckdb", "Pavel Fradkov")
    assert result.exit_code == 1 and "no warehouse" in result.output


def test_an_unknown_authority_is_a_usage_error_naming_the_loaded_ones(db: Path) -> None:
    """`--authority GB` would match nothing whatever the name: an empty result would read as a clear."""
    result = screen(db, "Pavel Fradkov", "--authority", "GB")
    assert result.exit_code == 2
    assert "unknown authority GB" in result.output and "UK, US" in result.output


def test_a_type_with_no_designation_loaded_is_a_usage_error(tmp_path: Path) -> None:
    uk_only = tmp_path / "uk.duckdb"
    assert run_lists([str(FIXTURES / "uk_conlist_5rows.csv")], uk_only)["status"] == "succeeded"
    result = screen(uk_only, "Selin Star", "--type", "aircraft")
    assert result.exit_code == 2 and "no designations of type aircraft" in result.output
    assert screen(uk_only, "Selin Star", "--type", "spaceship").exit_code == 2  # not a type at all


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_usage_error(db: Path, name: str) -> None:
    result = screen(db, name)
    assert result.exit_code == 2 and "empty" in result.output


def test_min_score_defaults_to_the_recommended_threshold(db: Path) -> None:
    """A shared given name alone is no match: nothing is shown below 0.80 unless asked, and the exit status
    says there was no match."""
    result = screen(db, "Pavel Smith", "--format", "json")
    assert json.loads(result.output) == [] and result.exit_code == 4
    everything = screen(db, "Pavel Smith", "--all", "--format", "json")
    records = json.loads(everything.output)
    assert records and max(r["score"] for r in records) < 0.8 and everything.exit_code == 4
    assert [r["score"] for r in records] == sorted((r["score"] for r in records), reverse=True)


def test_a_match_exits_zero_and_no_match_exits_four(db: Path) -> None:
    assert screen(db, "Pavel Fradkov").exit_code == 0
    assert screen(db, "Nobody Atall").exit_code == 4


def test_all_and_min_score_together_are_a_usage_error(db: Path) -> None:
    assert screen(db, "Pavel Fradkov", "--all", "--min-score", "0.5").exit_code == 2


def test_a_non_latin_match_shows_its_latin_form(db: Path) -> None:
    """A Cyrillic query matches the Cyrillic spelling exactly; the result also shows it in Latin letters."""
    records = json.loads(screen(db, "ФРАДКОВ Павел Михайлович", "--format", "json").output)
    assert records[0]["matched_name"] == "ФРАДКОВ Павел Михайлович"
    assert records[0]["matched_name_latin"] == "FRADKOV Pavel Mikhaylovich"
    table = CliRunner().invoke(main, ["--db", str(db), "screen", "ФРАДКОВ Павел Михайлович"],
                               env={"COLUMNS": "400"}).output
    assert "ФРАДКОВ Павел Михайлович (FRADKOV Pavel Mikhaylovich)" in table


def test_a_latin_query_is_shown_the_latin_name_that_matched(db: Path) -> None:
    records = json.loads(screen(db, "Pavel Mikhailovich Fradkov", "--format", "json").output)
    assert records[0]["matched_name"].isascii()
    assert records[0]["matched_name_latin"] == records[0]["matched_name"]


def test_a_names_file_exits_zero_when_some_name_matched(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("name\nNobody Atall\nPavel Fradkov\n", encoding="utf-8")
    assert screen(db, "--file", str(names)).exit_code == 0
    names.write_text("name\nNobody Atall\n", encoding="utf-8")
    assert screen(db, "--file", str(names)).exit_code == 4

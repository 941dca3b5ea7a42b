"""The command line: every verb has help and an example; query, extract and export behave."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sanctrack.cli import main
from tests.helpers import query as query_rows

EXTRACT_FIELDS = ["doc", "name", "entity_type", "count", "role", "affiliation", "authority", "action",
                  "rosatom_linked", "sentence", "start", "end", "confidence", "cue"]


def all_commands(group: click.Group, prefix: str = "sanctrack"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from all_commands(command, f"{prefix} {name}")


@pytest.mark.parametrize("path, command", list(all_commands(main)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_and_an_example(path: str, command: click.Command) -> None:
    result = CliRunner().invoke(main, [*path.split()[1:], "--help"])
    assert result.exit_code == 0
    assert command.help and len(command.help.strip()) > 20
    assert "Example:" in result.output and path in result.output


@pytest.mark.parametrize("fmt, expected", [
    ("csv", ["name,role", "Artem Chaika,", "Pavel Fradkov,Defense Minister",
             "Vladimir Selin,head of a division within the defense ministry"]),
    ("markdown", ["| name | role |", "|---|---|", "| Artem Chaika |  |", "| Pavel Fradkov | Defense Minister |",
                  "| Vladimir Selin | head of a division within the defense ministry |"]),
])
def test_query_csv_and_markdown_print_a_header_then_every_row(loaded_db: Path, fmt: str, expected: list[str]) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query",
                                       "select name, role from sanctioned_persons order by name", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == expected


def test_query_json_gives_objects(loaded_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTRACK_DB", str(loaded_db))
    result = CliRunner().invoke(main, ["query", "select count, affiliation from rosatom_linked_mentions",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"count": 2, "affiliation": "Rosatom"}]


def test_query_is_read_only(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", "delete from mentions"])
    assert result.exit_code == 1
    assert "read-only" in result.output


def test_query_without_a_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.duckdb"), "query", "select 1"])
    assert result.exit_code == 1
    assert "no warehouse at" in result.output and "sanctrack run news" in result.output


def test_extract_jsonl_has_the_documented_fields(seed_article: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(seed_article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [list(r) for r in records] == [EXTRACT_FIELDS] * 4
    text = seed_article.read_text()
    for record in records:
        assert record["doc"] == str(seed_article)
        span = text[record["start"]:record["end"]]
        assert span == (record["name"] or "two organizations linked to Russia's nuclear energy sector, Rosatom")


def test_extract_reports_unreadable_files_and_goes_on(tmp_path: Path, seed_article: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["extract", str(empty), str(seed_article), "--format", "jsonl"])
    assert result.exit_code == 3  # partial: one file failed, the other was read
    assert f"skipped {empty}: empty file" in result.output
    assert result.output.count('"entity_type"') == 4


def test_export_writes_every_table_and_view_and_says_so_in_one_line(loaded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "export", "--format", "parquet", "--format", "csv",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "mentions.parquet").exists() and (out / "sanctioned_persons.csv").exists()
    views = len(list(out.glob("*.csv")))
    assert views == len(list(out.glob("*.parquet"))) > 20
    assert result.output == f"exports: {views} tables and views as Parquet and CSV in {out.resolve()}\n"


def test_export_verbose_lists_every_file(loaded_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "export", "--format", "csv", "--out", str(tmp_path),
                                       "--table", "mentions", "--verbose"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"       4 rows  {tmp_path / 'mentions.csv'}",
                                          f"exports: 1 table or view as CSV in {tmp_path.resolve()}"]


@pytest.mark.parametrize("sql", ["", "   ", ";", "/* only a comment */ ;"])
def test_query_refuses_an_empty_statement(loaded_db: Path, sql: str) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", sql])
    assert result.exit_code == 1
    assert "refused: the SQL is empty" in result.output and "no rows" not in result.output


def test_query_refuses_several_statements_and_says_so(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", "select 1; select 2"])
    assert result.exit_code == 1
    assert "refused: one statement at a time (2 given)" in result.output and "2\n" not in result.output


SENTENCES = "select name, sentence from mentions where name is not null order by name"


def test_a_wide_query_fits_the_terminal_with_cells_cut_at_word_boundaries(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", SENTENCES], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    sentences = [s for (s,) in query_rows(loaded_db, "select sentence from mentions where name is not null")]
    for cell in (line.split("│")[2].strip() for line in lines if line.startswith("│ ")):
        assert cell.endswith("…") and any(s.startswith(cell[:-1]) for s in sentences)
        assert any(s[len(cell) - 1] == " " for s in sentences if s.startswith(cell[:-1])), "cut at a word boundary"
    assert "cells shortened to fit the terminal: --wide shows them whole" in result.stderr


def test_query_wide_prints_every_cell_whole(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", SENTENCES, "--wide"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    for (sentence,) in query_rows(loaded_db, "select sentence from mentions where name is not null"):
        assert sentence in result.output


def test_a_query_of_many_columns_prints_records(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query", "select * from mentions_enriched limit 2"],
                                env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("── row 1 ") and sum(line.startswith("── row ") for line in lines) == 2
    assert any(re.fullmatch(r"authority +UK", line) for line in lines)
    assert max(len(line) for line in lines) <= 100


def test_run_lists_names_each_list_and_each_error_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sanctrack.flows.lists as lists_module
    from sanctrack.flows.lists import run_lists

    monkeypatch.setattr(lists_module, "lists_flow", lambda sources, db_path, fmt, force, max_shrink: run_lists(
        sources, db_path, fmt, force, max_shrink))
    lists = Path(__file__).parent / "fixtures" / "lists"
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "w.duckdb"), "run", "lists", str(lists / "un_5.xml"),
                                       str(lists / "eu_fsf_truncated.xml")])
    assert result.exit_code == 1
    assert ": UN Security Council Consolidated List of " in result.output and "UN UN" not in result.output
    assert result.output.count("malformed XML") == 1 and "eu_fsf_truncated.xml: line 12, column 45" in result.output
    assert "ListFormatError" not in result.output and result.output.count("eu_fsf_truncated.xml") == 1
    assert "5 designations, 5 added" in result.output and "2 sources, 1 failed" in result.output

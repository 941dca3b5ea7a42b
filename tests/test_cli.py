"""The command line: every verb has help and an example; query, extract and export behave."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sanctrack.cli import main

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


def test_query_csv_prints_a_header_then_rows(loaded_db: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "query",
                                       "select name, role from sanctioned_persons order by name", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "name,role",
        "Artem Chaika,",
        "Pavel Fradkov,Defense Minister",
        "Vladimir Selin,head of a division within the defense ministry",
    ]


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
    assert result.exit_code == 1
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

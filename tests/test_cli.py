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


@pytest.mark.parametrize("fmt", ["csv", "ftm"])
def test_export_into_a_folder_that_cannot_be_made_says_so(loaded_db: Path, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "exports"
    result = CliRunner().invoke(main, ["--db", str(loaded_db), "export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"cannot write the exports in {out}" in result.output


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
    assert result.exit_code == 3  # partial: one source failed, the other loaded
    assert ": UN Security Council Consolidated List of " in result.output and "UN UN" not in result.output
    assert result.output.count("malformed XML") == 1 and "eu_fsf_truncated.xml: line 12, column 45" in result.output
    assert "ListFormatError" not in result.output and result.output.count("eu_fsf_truncated.xml") == 1
    assert "5 designations, 5 added" in result.output and "2 sources, 1 failed" in result.output


# --- one exit-code scheme for every verb (README: Exit status) ----------------------------------------------


def run_verb(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args])


def test_exit_0_when_a_run_succeeds(tmp_path: Path, seed_article: Path) -> None:
    result = run_verb(tmp_path / "w.duckdb", "run", "news", str(seed_article))
    assert result.exit_code == 0, result.output
    assert " succeeded: 1 document read" in result.output


def test_exit_1_when_every_source_of_a_run_failed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    db = tmp_path / "w.duckdb"
    result = run_verb(db, "run", "news", str(empty))
    assert result.exit_code == 1, result.output
    assert " failed: 0 documents read" in result.output
    assert query_rows(db, "select status from runs") == [("failed",)]


def test_a_run_without_mentions_says_so_instead_of_an_empty_table(tmp_path: Path) -> None:
    quiet = tmp_path / "news"
    quiet.mkdir()
    (quiet / "weather.txt").write_text("The weather in the region remained mild for the season.\n", encoding="utf-8")
    result = run_verb(tmp_path / "w.duckdb", "run", "news", str(quiet))
    assert result.exit_code == 0, result.output
    assert "No sanctions mentions in this run's documents." in result.output
    assert "┏" not in result.output and "Sanctions mentions found" not in result.output


def test_exit_1_when_a_reader_waits_past_its_wait(tmp_path: Path) -> None:
    from sanctrack.warehouse.db import connect
    from tests.helpers import warehouse_held_by_another_process

    db = tmp_path / "w.duckdb"
    connect(db).close()
    with warehouse_held_by_another_process(db) as pid:
        result = run_verb(db, "query", "select 1", "--wait", "0.3")
    assert result.exit_code == 1
    assert f"still held after 0.3 s: a writer (process {pid}" in result.output
    assert "waiting for the warehouse (up to 0.3 s)" in result.output


def test_exit_2_on_a_usage_error_before_anything_runs(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = run_verb(db, "run", "news", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2 and f"no such file or folder: {tmp_path / 'missing.txt'}" in result.output
    assert run_verb(db, "run", "news", "--address", "tcp://127.0.0.1:1").exit_code == 2
    assert run_verb(db, "run", "lists", "--wait", "-1").exit_code == 2  # click's own usage errors too
    assert not db.exists()


def test_exit_2_on_export_options_that_do_not_fit(loaded_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    unknown = run_verb(loaded_db, "export", "--format", "csv", "--out", str(out), "--table", "no_such_table")
    assert unknown.exit_code == 2 and "no such table or view: no_such_table" in unknown.output
    ftm = run_verb(loaded_db, "export", "--format", "ftm", "--out", str(out), "--table", "mentions")
    assert ftm.exit_code == 2 and "--format ftm goes alone" in ftm.output
    assert not out.exists() or not any(out.iterdir())


def test_exit_3_when_a_run_is_partial(tmp_path: Path, seed_article: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    db = tmp_path / "w.duckdb"
    result = run_verb(db, "run", "news", str(empty), str(seed_article))
    assert result.exit_code == 3, result.output
    assert " partial: 1 document read" in result.output and "skipped " in result.output
    assert query_rows(db, "select status from runs") == [("partial",)]


def test_a_bad_invocation_fails_without_starting_prefect_or_loading_pandas(tmp_path: Path) -> None:
    """`run lists /missing/file` answers from the arguments alone (README: under a second)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom sanctrack.cli import main\n"
             "try:\n    main(['--db', sys.argv[1], 'run', 'lists', '/missing/file'])\n"
             "except SystemExit as exc:\n"
             "    print(exc.code, sorted(m for m in ('prefect', 'pandas', 'duckdb') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "w.duckdb")], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "2 []", done.stderr
    assert "no such file or folder, nor a configured source name: /missing/file" in done.stderr


def test_a_run_in_process_leaves_dask_dataframe_unloaded_and_importable(tmp_path: Path, seed_article: Path) -> None:
    """pandera would import dask.dataframe (a quarter of a short run's CPU): schemas/__init__.py."""
    import subprocess
    import sys

    probe = ("import sys\nfrom sanctrack.cli import main\n"
             "try:\n    main(['--db', sys.argv[1], 'run', 'news', sys.argv[2]])\n"
             "except SystemExit as exc:\n"
             "    print(exc.code, 'dask.dataframe' in sys.modules)\n"
             "import dask.dataframe\nprint(dask.dataframe.DataFrame.__name__)\n")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "w.duckdb"), str(seed_article)],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.split("\n")[-3:] == ["0 False", "DataFrame", ""], done.stdout[-2000:] + done.stderr[-2000:]


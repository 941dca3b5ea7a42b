"""Long runs show a progress bar on a terminal, and nothing when output is not a terminal."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest

from sanctrack.flows.lists import run_lists
from sanctrack.flows.news import run_news

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_news_run_shows_documents_progress_on_a_terminal(tmp_path: Path, seed_article: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for i in range(3):
        shutil.copy(seed_article, folder / f"{i}.txt")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_news([str(folder)], tmp_path / "w.duckdb", batch_size=1)
    shown = terminal.getvalue()
    assert "documents" in shown and "3/3" in shown


def test_lists_run_shows_sources_and_rows_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixture = FIXTURES / "uk_conlist_5rows.csv"
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    result = run_lists([str(fixture)], tmp_path / "w.duckdb")
    assert result["status"] == "succeeded", result["errors"]
    shown = terminal.getvalue()
    assert "lists" in shown and "1/1" in shown and "list rows" in shown


def test_no_progress_bar_when_output_is_not_a_terminal(tmp_path: Path, seed_article: Path, capsys) -> None:
    run_news([str(seed_article)], tmp_path / "w.duckdb")
    captured = capsys.readouterr()
    assert "documents" not in captured.err and "\x1b[" not in captured.err

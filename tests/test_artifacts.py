"""The run summary: what a run changed, its escaped Markdown, and the Prefect artifact a flow publishes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from sanctrack.run_summary import RunSummary, artifact_key, escape_markdown, render_markdown, summarize_run
from sanctrack.warehouse.db import connect
from tests.helpers import query
from tests.test_report import INJECTED_ROLE, INJECTED_SENTENCE, build_warehouse, write_news


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    return build_warehouse(tmp_path_factory.mktemp("artifacts"))


def summary_of(db: Path, run_id: str) -> RunSummary:
    con = connect(db, read_only=True)
    try:
        return summarize_run(con, run_id)
    finally:
        con.close()


def rendered(markdown: str) -> str:
    """The HTML a Markdown renderer (CommonMark with tables, as in Prefect's UI) makes of it."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_news_run_counts_its_new_mentions_by_authority_and_action(loaded: tuple[Path, dict, dict]) -> None:
    db, _, news = loaded
    summary = summary_of(db, news["run_id"])
    assert summary.mentions_by_authority_action == query(
        db, "select authority, action, count(*) from mentions where run_id = ? group by all order by all",
        [news["run_id"]])
    assert summary.new_mentions == news["counts"]["mentions_added"]
    assert summary.designation_changes == []
    assert [target for target, *_ in summary.rosatom_mentions] == [  # a group by its phrase
        name or "two organizations linked to Russia's nuclear energy sector, Rosatom"
        for (name,) in query(db, "select name from mentions where run_id = ? and is_rosatom_linked "
                                 "order by document_id, span_start", [news["run_id"]])]


def test_lists_run_counts_designation_changes_and_new_rosatom_designations(loaded: tuple[Path, dict, dict]) -> None:
    db, lists, _ = loaded
    summary = summary_of(db, lists["run_id"])
    assert summary.designation_changes == [("EU", "added", 4), ("UK", "added", 3), ("UN", "added", 5)]
    assert summary.new_mentions == 0
    assert {(a, name) for a, _, name, _ in summary.rosatom_designations} == {
        ("EU", "JSC Rosatom Test Enterprise"), ("UK", "LIMITED LIABILITY COMPANY ROSATOM ADDITIVE TECHNOLOGIES")}


def test_quarantined_rows_of_the_run_are_counted_with_the_top_reasons(tmp_path: Path) -> None:
    from sanctrack.flows.news import run_news

    db = tmp_path / "w.duckdb"
    result = run_news([str(write_news(tmp_path / "news"))], db)
    con = connect(db)
    con.execute(
        "insert into quarantine (quarantine_id, run_id, target_table, row_json, check_name, column_name, "
        "failure_case, source_location, quarantined_at) values "
        "('q1', $run, 'mentions', '{}', 'str_length', 'name', 'x', 'a.txt', timestamp '2025-03-03 10:00'), "
        "('q2', $run, 'mentions', '{}', 'str_length', 'name', 'y', 'b.txt', timestamp '2025-03-03 10:00'), "
        "('q3', $run, 'mentions', '{}', 'isin', 'action', 'z', 'c.txt', timestamp '2025-03-03 10:00')",
        {"run": result["run_id"]})
    con.close()
    summary = summary_of(db, result["run_id"])
    assert summary.quarantine_reasons == [("mentions", "str_length", 2), ("mentions", "isin", 1)]


def test_an_unknown_run_is_an_error(loaded: tuple[Path, dict, dict]) -> None:
    with pytest.raises(LookupError, match="no run nope"):
        summary_of(loaded[0], "nope")


def test_escape_markdown_leaves_no_html_link_or_emphasis() -> None:
    assert escape_markdown("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
    assert escape_markdown("**bold** [x](javascript:y) a|b `c` #h") == (
        "\\*\\*bold\\*\\* \\[x\\]\\(javascript:y\\) a\\|b \\`c\\` \\#h")
    assert escape_markdown("two\nlines") == "two lines"
    assert escape_markdown(None) == ""


def test_markdown_of_the_injection_article_shows_it_as_text(loaded: tuple[Path, dict, dict]) -> None:
    db, _, news = loaded
    markdown = render_markdown(summary_of(db, news["run_id"]))
    assert "<script" not in markdown and "<img" not in markdown
    html = rendered(markdown)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<strong>Bold</strong>" not in html
    assert INJECTED_SENTENCE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html


def test_every_value_of_the_summary_is_escaped() -> None:
    payload = "<script>alert(1)</script> **x** [l](javascript:a) | `c`"
    summary = RunSummary(
        run_id=payload, flow=payload, status=payload, started_at=datetime(2025, 3, 3), ended_at=None,
        mentions_by_authority_action=[(payload, payload, 1)], designation_changes=[(payload, "added", 1)],
        rosatom_mentions=[(payload, payload, payload, payload)], rosatom_designations=[(payload,) * 4],
        quarantine_reasons=[(payload, payload, 1)], errors=[{"source": payload, "message": INJECTED_ROLE}])
    html = rendered(render_markdown(summary))
    assert "<script" not in html and "<a " not in html and "<strong>x</strong>" not in html
    assert "<code>" not in html
    # flow and run id in the title, status, 2 + 1 + 4 + 4 + 2 table cells, the failed source
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; **x** [l](javascript:a) | `c`") == 17


def test_artifact_keys_are_lower_case_letters_digits_and_dashes() -> None:
    assert artifact_key("news") == "sanctrack-news-run-summary"
    assert artifact_key("Lists_UK v2") == "sanctrack-lists-uk-v2-run-summary"


@pytest.mark.prefect
def test_a_flow_publishes_the_escaped_summary_as_an_artifact(prefect_harness: None, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from sanctrack.flows.news import news_flow

    db = tmp_path / "w.duckdb"
    result = news_flow([str(write_news(tmp_path / "news"))], str(db))
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["sanctrack-news-run-summary"])))
    # Other flow runs of the session publish under the same key: this run's is the one naming it.
    artifacts = [a for a in artifacts if result["run_id"] in (a.description or "")]
    assert len(artifacts) == 1
    artifact = artifacts[0]
    assert artifact.type == "markdown" and artifact.flow_run_id is not None
    assert result["run_id"] in artifact.description
    assert artifact.data == render_markdown(summary_of(db, result["run_id"]))
    assert "<script" not in artifact.data and "<img" not in artifact.data
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in artifact.data

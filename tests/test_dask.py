"""The news flow fanned out over a local two-worker Dask cluster gives exactly the default runner's tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import table_fingerprints


@pytest.mark.prefect
def test_dask_runner_gives_the_same_tables_as_the_default(tmp_path: Path, seed_article: Path,
                                                          prefect_harness: None) -> None:
    from prefect_dask import DaskTaskRunner

    from sanctrack.flows.news import news_flow, run_news

    folder = tmp_path / "news"
    folder.mkdir()
    text = seed_article.read_text()
    for i in range(6):
        (folder / f"{i}.txt").write_text(text.replace("Artem Chaika", f"Artem Chaika{i}"))
    (folder / "empty.txt").write_bytes(b"")

    default_db, dask_db = tmp_path / "default.duckdb", tmp_path / "dask.duckdb"
    expected = run_news([str(folder)], default_db, batch_size=2)
    # Worker threads share this process's Prefect API; `sanctrack run news --task-runner dask` uses processes.
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": False})
    result = news_flow.with_options(task_runner=runner)([str(folder)], str(dask_db), batch_size=2, in_flight=3)

    for key in ("documents_read", "documents_extracted", "mentions_added", "source_errors"):
        assert result["counts"][key] == expected["counts"][key]
    # Run ids and load times differ by nature; everything else must be identical.
    assert comparable(dask_db) == comparable(default_db)
    assert table_fingerprints(dask_db).keys() == table_fingerprints(default_db).keys()
    assert len(comparable(dask_db)["mentions"]) == 24


def comparable(db: Path) -> dict[str, list[tuple]]:
    from tests.helpers import query

    return {
        "documents": query(db, "select document_id, source_uri, title, published_on, content_type, n_chars, text "
                               "from documents order by document_id"),
        "document_sources": query(db, "select document_id, source_uri from document_sources order by all"),
        "mentions": query(db, "select * exclude (run_id) from mentions order by mention_id"),
        "extractions": query(db, "select document_id, extractor_version, mention_count from extractions order by all"),
        "quarantine": query(db, "select * exclude (run_id, quarantined_at) from quarantine order by all"),
    }

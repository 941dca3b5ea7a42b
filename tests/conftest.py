"""Fixtures shared by the whole suite."""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE = REPO_ROOT / "seeds" / "news" / "news_2025-02-14_uk-sanctions-fradkov-selin-chaika-rosatom.txt"


def _shared_dir() -> Path:
    return Path(os.environ.get("SANCTRACK_SHARED", REPO_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared folder (real list files, the dev corpus); tests skip where it is absent."""
    path = _shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} is absent (set SANCTRACK_SHARED to point at it)")
    return path


@pytest.fixture(scope="session")
def seed_article() -> Path:
    return SEED_ARTICLE


@pytest.fixture()
def loaded_db(tmp_path: Path, seed_article: Path) -> Path:
    """A warehouse holding the seed article's run (tmp_path/w.duckdb)."""
    import shutil

    from sanctrack.flows.news import run_news

    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(seed_article, folder)
    db = tmp_path / "w.duckdb"
    run_news([str(folder)], db)
    return db


@pytest.fixture(scope="session")
def full_warehouse(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse as an analyst would have it: every shipped list (bench/bench_lists.py: SHIPPED), then the
    seed article and the dev texts. Loaded once per session (about 40 s), read by several test modules."""
    from bench.bench_lists import SHIPPED
    from sanctrack.flows.lists import run_lists
    from sanctrack.flows.news import run_news

    lists, texts = shared_dir / "data" / "lists", shared_dir / "corpus" / "dev" / "texts"
    missing = [name for name in SHIPPED if not (lists / name).exists()] + ([] if texts.is_dir() else [str(texts)])
    if missing:
        pytest.skip(f"shared files absent: {', '.join(missing)}")
    db = tmp_path_factory.mktemp("full") / "w.duckdb"
    loaded = run_lists([str(lists / name) for name in SHIPPED], db)
    assert all(s["status"] == "loaded" for s in loaded["sources"] if "truncated" not in s["source"]), loaded
    assert run_news([str(SEED_ARTICLE.parent), str(texts)], db)["status"] == "succeeded"
    return db


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; /slow/... answers after a delay (time-outs); /flaky/... hangs up the first time."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.requests.append((self.path, self.headers.get("User-Agent")))
        if self.path.startswith("/flaky/") and [p for p, _ in self.server.requests].count(self.path) == 1:
            self.close_connection = True  # hang up without an answer: an I/O error for the client
            return
        if self.path.startswith("/slow/"):
            time.sleep(float(os.environ.get("SANCTRACK_TEST_SLOW_SECONDS", "3")))
        super().do_GET()

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A client that gave up (the time-out tests) is expected; anything else is printed.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LoopbackServer(NamedTuple):
    base: str
    root: Path
    requests: list[tuple[str, str | None]]  # (path, User-Agent) of every GET, in order


@pytest.fixture()
def http_server(tmp_path: Path) -> Iterator[LoopbackServer]:
    """A loopback HTTP server over a fresh folder: yields (base URL, folder, requests seen)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Handler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LoopbackServer(f"http://127.0.0.1:{server.server_address[1]}", root, server.requests)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API server for the whole session, started only when a test asks for it (13-17 s)."""
    from sanctrack.settings import configure_prefect_environment

    configure_prefect_environment()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

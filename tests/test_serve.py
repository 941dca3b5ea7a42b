"""Schedules and the single writer: `sanctrack serve` against a real local Prefect server, offline."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sanctrack.flows.deployments import build_deployments
from sanctrack.flows.news import run_news
from sanctrack.settings import PREFECT_DEFAULTS, SEEDS_DIR
from sanctrack.warehouse.db import WarehouseBusy
from tests.helpers import query, reader_holding, table_fingerprints, warehouse_held_by_another_process

OFFLINE_DIR = Path(__file__).parent / "offline"
BIN = Path(sys.executable).parent


@pytest.fixture()
def news_folder(tmp_path: Path, seed_article: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(seed_article, folder)
    return folder


def test_a_second_writer_fails_naming_the_holder_and_changes_nothing(tmp_path: Path, news_folder: Path) -> None:
    db = tmp_path / "w.duckdb"
    run_news([str(news_folder)], db)
    before = table_fingerprints(db)
    runs_before = query(db, "select run_id, status from runs")
    with warehouse_held_by_another_process(db) as pid:
        with pytest.raises(WarehouseBusy, match=rf"still held after 1 s: a writer \(process {pid}: python"):
            run_news([str(news_folder)], db, wait=1)
    assert table_fingerprints(db) == before
    assert query(db, "select run_id, status from runs") == runs_before


# --- the schedules, defined once (flows/deployments.py) ----------------------------------------------------


@pytest.fixture()
def no_schedule_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SANCTRACK_NEWS_SOURCES", "SANCTRACK_NEWS_EVERY_MINUTES", "SANCTRACK_LISTS_SOURCES",
                 "SANCTRACK_LISTS_EVERY_MINUTES"):
        monkeypatch.delenv(name, raising=False)


def test_news_runs_hourly_over_the_seeds_and_lists_every_six_hours_by_default(
    tmp_path: Path, no_schedule_settings: None
) -> None:
    news, lists = build_deployments(tmp_path / "w.duckdb")
    assert (news.flow_name, news.name, lists.flow_name, lists.name) == ("news", "scheduled", "lists", "scheduled")
    assert news.schedules[0].schedule.interval == timedelta(hours=1)
    assert lists.schedules[0].schedule.interval == timedelta(hours=6)
    assert news.parameters == {"sources": [str(SEEDS_DIR)], "db_path": str(tmp_path / "w.duckdb")}
    assert lists.parameters == {"sources": [], "db_path": str(tmp_path / "w.duckdb")}


def test_intervals_and_sources_come_from_the_environment_or_the_arguments(
    tmp_path: Path, news_folder: Path, monkeypatch: pytest.MonkeyPatch, no_schedule_settings: None
) -> None:
    monkeypatch.setenv("SANCTRACK_NEWS_EVERY_MINUTES", "15")
    monkeypatch.setenv("SANCTRACK_LISTS_SOURCES", "un_sc https://example.org/list.xml")
    news, lists = build_deployments(tmp_path / "w.duckdb", lists_every_minutes=720)
    assert news.schedules[0].schedule.interval == timedelta(minutes=15)
    assert lists.schedules[0].schedule.interval == timedelta(hours=12)
    assert lists.parameters["sources"] == ["un_sc", "https://example.org/list.xml"]
    monkeypatch.chdir(tmp_path)  # a relative path is made absolute: runs need not start here
    news, _ = build_deployments("w.duckdb", news_sources=["news", "news/*.txt"])
    assert news.parameters == {"sources": [str(news_folder), str(news_folder / "*.txt")],
                               "db_path": str(tmp_path / "w.duckdb")}


def test_a_sources_file_gives_the_news_flow_its_pages_and_feeds(tmp_path: Path, news_folder: Path) -> None:
    sources_file = tmp_path / "news_sources.csv"
    sources_file.write_text(f"name,kind,location\nlocal,page,{news_folder}\nofsi,feed,https://example.org/ofsi.atom\n")
    news, _ = build_deployments(tmp_path / "w.duckdb", news_sources_file=sources_file)
    assert news.parameters["sources"] == [str(news_folder)]
    assert news.parameters["feeds"] == ["https://example.org/ofsi.atom"]


def test_serve_refuses_without_a_prefect_server_and_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process of its own: Prefect's settings in this one may point at the suite's test server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["SANCTRACK_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run([str(Path(sys.executable).with_name("sanctrack")), "--db", str(tmp_path / "w.duckdb"),
                             "serve"], env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "PREFECT_API_URL is not set" in output
    assert "prefect server start --host 127.0.0.1 --port 4200" in output
    assert "export PREFECT_API_URL=http://127.0.0.1:4200/api" in output
    assert not (tmp_path / "w.duckdb").exists()


# --- a real server, a real `sanctrack serve` ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Its own process group: the server and the runner start children, and none may outlive the test.
    return subprocess.Popen(args, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> int | None:
    """SIGTERM (a clean stop), then SIGKILL the whole group whatever happened; the SIGTERM exit code."""
    code = None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    else:
        code = process.returncode
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
    return code


def _wait_for(what: str, probe, timeout: float, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")


def _finished(api: httpx.Client, flow_run_id: str):
    run = api.get(f"/flow_runs/{flow_run_id}").raise_for_status().json()
    return run if run["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None


def _trigger(api: httpx.Client, deployment_id: str) -> str:
    """What `prefect deployment run news/scheduled` does: a flow run scheduled for now."""
    for _ in range(10):
        response = api.post(f"/deployments/{deployment_id}/create_flow_run",
                            json={"state": {"type": "SCHEDULED", "name": "Scheduled"}})
        if response.status_code != 503:  # a busy server (SQLite locked); Prefect's own client retries too
            break
        time.sleep(1)
    return response.raise_for_status().json()["id"]


def _span(run: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(run["start_time"]), datetime.fromisoformat(run["end_time"])


@pytest.mark.prefect
def test_serve_runs_the_news_deployment_one_run_at_a_time_and_loads_the_warehouse(
    tmp_path: Path, news_folder: Path
) -> None:
    db = tmp_path / "w.duckdb"
    network_log = tmp_path / "network.log"
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        **PREFECT_DEFAULTS,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "SANCTRACK_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(OFFLINE_DIR),
        "SANCTRACK_NETWORK_LOG": str(network_log),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # the runner looks for due runs every second (default 10)
        "SANCTRACK_WAIT": "3",  # a run meeting a reader waits 3 s (default 60)
    }
    (tmp_path / "prefect").mkdir()
    env.pop("PREFECT_API_URL", None)
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    server = _start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                    env, server_log)
    serve = None
    try:
        with httpx.Client(base_url=api_url, timeout=10) as api:
            _wait_for("the Prefect server", lambda: api.get("/health").status_code == 200, 120, [server_log])
            serve = _start([str(BIN / "sanctrack"), "--db", str(db), "serve", "--news-source", str(news_folder),
                            "--lists-source", str(tmp_path / "no-list-here.xml")],
                           {**env, "PREFECT_API_URL": api_url}, serve_log)
            deployment = _wait_for(
                "the news deployment",
                lambda: (r := api.get("/deployments/name/news/scheduled")).status_code == 200 and r.json(),
                60, [serve_log, server_log],
            )
            # serve registers its deployments one after the other: wait for the second too.
            lists = _wait_for(
                "the lists deployment",
                lambda: (r := api.get("/deployments/name/lists/scheduled")).status_code == 200 and r.json(),
                60, [serve_log, server_log],
            )
            assert deployment["schedules"][0]["schedule"]["interval"] == 3600
            assert lists["schedules"][0]["schedule"]["interval"] == 6 * 3600
            assert deployment["parameters"] == {"sources": [str(news_folder)], "db_path": str(db)}

            # Two runs due at once: the runner takes one at a time, so both load and they never overlap.
            first, second = _trigger(api, deployment["id"]), _trigger(api, deployment["id"])
            runs = [_wait_for(f"flow run {run_id}", lambda run_id=run_id: _finished(api, run_id), 150,
                              [serve_log, server_log]) for run_id in (first, second)]
            assert [run["state_type"] for run in runs] == ["COMPLETED", "COMPLETED"], [r["state"] for r in runs]
            (start_a, end_a), (start_b, end_b) = sorted(_span(run) for run in runs)
            assert end_a <= start_b
            assert query(db, "select count(*) from mentions") == [(4,)]
            assert query(db, "select flow, status from runs") == [("news", "succeeded")] * 2

            # A run that comes due while a reader holds the warehouse (an analyst's notebook) waits, then
            # fails naming it; the next run records it in `runs`, with the reason.
            before = table_fingerprints(db)
            with reader_holding(db) as pid:
                blocked = _wait_for("the blocked flow run", lambda r=_trigger(api, deployment["id"]): _finished(api, r),
                                    150, [serve_log, server_log])
            assert blocked["state_type"] == "FAILED"
            assert f"still held after 3 s: a reader (process {pid}: python" in blocked["state"]["message"]
            assert table_fingerprints(db) == before
            after = _wait_for("the next flow run", lambda r=_trigger(api, deployment["id"]): _finished(api, r),
                              150, [serve_log, server_log])
            assert after["state_type"] == "COMPLETED"
            (errors,), = query(db, "select errors from runs where status = 'failed'")
            assert f"a reader (process {pid}" in errors
            assert query(db, "select status, count(*) from runs group by status order by status") == [
                ("failed", 1), ("succeeded", 3)]

            # `sanctrack run` with PREFECT_API_URL: a flow run on that server, and a row in `runs`.
            done = subprocess.run([str(BIN / "sanctrack"), "--db", str(db), "run", "news", str(news_folder)],
                                  env={**env, "PREFECT_API_URL": api_url}, capture_output=True, text=True, timeout=240)
            assert done.returncode == 0, done.stderr[-3000:]
            run_id = done.stdout.split("run ", 1)[1].split()[0]
            assert query(db, "select flow, status from runs where run_id = ?", [run_id]) == [("news", "succeeded")]
            shown = api.post("/flow_runs/filter", json={"flows": {"name": {"any_": ["news"]}}}).raise_for_status().json()
            by_hand = [r for r in shown if r["deployment_id"] is None]  # the others: the deployment's
            assert [(r["state_type"], r["parameters"]["db_path"]) for r in by_hand] == [("COMPLETED", str(db))]
    finally:
        serve_code = _stop(serve) if serve is not None else None
        _stop(server)
    assert serve_code == 0, serve_log.read_text()[-3000:]
    calls_out = network_log.read_text() if network_log.exists() else ""
    assert calls_out == "", f"something tried to reach the network:\n{calls_out}"

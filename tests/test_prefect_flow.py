"""The real command, in a real process, as `make run` runs it (no Prefect server configured), offline.

Prefect's temporary server (`--prefect`) is run offline by tests/test_kill.py's command test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import query

OFFLINE_DIR = Path(__file__).parent / "offline"


def test_run_news_command_loads_the_seed_without_calling_out(tmp_path: Path, seed_article: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(seed_article, folder)
    db = tmp_path / "w.duckdb"
    network_log = tmp_path / "network.log"
    env = {
        **os.environ,
        "SANCTRACK_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(OFFLINE_DIR),
        "SANCTRACK_NETWORK_LOG": str(network_log),
    }
    env.pop("PREFECT_HOME", None)
    env.pop("PREFECT_API_URL", None)
    sanctrack = Path(sys.executable).with_name("sanctrack")
    result = subprocess.run([str(sanctrack), "--db", str(db), "run", "news", str(folder)],
                            env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("Pavel Fradkov", "Vladimir Selin", "Artem Chaika", "two organizations"):
        assert name in result.stdout
    assert f"warehouse: {db}" in result.stdout
    assert query(db, "select count(*) from mentions") == [(4,)]
    assert query(db, "select flow, status from runs") == [("news", "succeeded")]
    calls_out = network_log.read_text() if network_log.exists() else ""
    assert calls_out == "", f"something tried to reach the network:\n{calls_out}"
    # What `make run` shows: quiet (no INFO from Prefect or Dask), ending with the mentions and the exports.
    exported = subprocess.run([str(sanctrack), "--db", str(db), "export", "--format", "parquet", "--format", "csv",
                               "--out", str(tmp_path / "exports")], env=env, capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr[-3000:]
    screen = (result.stderr + result.stdout + exported.stderr + exported.stdout).splitlines()
    assert len(screen) <= 50 and "INFO" not in result.stderr, screen
    assert re.fullmatch(rf"exports: \d+ tables and views as Parquet and CSV in {re.escape(str(tmp_path))}/exports",
                        screen[-1])
    assert screen[-2].startswith("└") and "Sanctions mentions found (4)" in "\n".join(screen[-16:-1])

"""Configuration, read in one place from environment variables with defaults.

Every setting has a default that works on a fresh clone: a local DuckDB file, Prefect's
local (ephemeral) mode with telemetry off, and nothing that reaches the internet.
See example.env for the variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
REFERENCE_DIR = SEEDS_DIR / "reference"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    export_dir: Path
    prefect_home: Path
    fetch_timeout_s: float  # the most one fetch may take in all: connection, redirects, retries, body
    fetch_max_bytes: int  # a list file: downloaded (counted after decompression) or local
    document_max_bytes: int  # a news document or feed: file or URL (after decompression)
    document_max_chars: int  # the text of one news document, after decoding and HTML reduction
    user_agent: str
    duckdb_memory_limit: str | None  # e.g. "512MB"; None: DuckDB's default (80% of RAM)
    lock_wait_s: float = 60.0  # how long a reader or a run waits for another process's hold on the warehouse
    # `sanctrack serve` (flows/deployments.py): what the schedules run, and how often.
    news_sources: tuple[str, ...] = (str(SEEDS_DIR),)
    news_every_minutes: float = 60.0
    lists_sources: tuple[str, ...] = ()  # none: every configured official source (downloads)
    lists_every_minutes: float = 360.0


def load_settings() -> Settings:
    """Read the settings from the environment (call again after changing it)."""
    data_dir = Path(os.environ.get("SANCTRACK_DATA_DIR", REPO_ROOT / "data"))
    return Settings(
        db_path=Path(os.environ.get("SANCTRACK_DB", data_dir / "sanctrack.duckdb")),
        export_dir=Path(os.environ.get("SANCTRACK_EXPORT_DIR", data_dir / "exports")),
        prefect_home=Path(os.environ.get("PREFECT_HOME", data_dir / "prefect")),
        fetch_timeout_s=float(os.environ.get("SANCTRACK_FETCH_TIMEOUT", "60")),
        fetch_max_bytes=int(os.environ.get("SANCTRACK_FETCH_MAX_BYTES", str(32 * 1024 * 1024))),
        document_max_bytes=int(os.environ.get("SANCTRACK_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024))),
        document_max_chars=int(os.environ.get("SANCTRACK_DOCUMENT_MAX_CHARS", "2000000")),
        duckdb_memory_limit=os.environ.get("SANCTRACK_DUCKDB_MEMORY_LIMIT") or None,
        lock_wait_s=float(os.environ.get("SANCTRACK_WAIT", "60")),
        user_agent=os.environ.get(
            "SANCTRACK_USER_AGENT", "sanctrack/0.1 (sanctions-tracking ETL; +https://github.com/sanctrack)"
        ),
        # Sources are separated by whitespace (URLs may contain ':', so not os.pathsep).
        news_sources=tuple(os.environ.get("SANCTRACK_NEWS_SOURCES", "").split()) or (str(SEEDS_DIR),),
        news_every_minutes=float(os.environ.get("SANCTRACK_NEWS_EVERY_MINUTES", "60")),
        lists_sources=tuple(os.environ.get("SANCTRACK_LISTS_SOURCES", "").split()),
        lists_every_minutes=float(os.environ.get("SANCTRACK_LISTS_EVERY_MINUTES", "360")),
    )


# Prefect reads its settings from the environment when it is first imported, so these defaults
# must be in place before any `import prefect`. They keep Prefect local and quiet: no telemetry,
# a patient start-up for its temporary local server on a busy machine, and a project-local home.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    # Dask's scheduler and workers (--task-runner dask) log every start and stop at INFO otherwise.
    "DASK_LOGGING__DISTRIBUTED": "warning",
}
# `--verbose`: what Prefect, Dask and sanctrack's own steps say at INFO.
VERBOSE_LOGGING = {"PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_LOGGING_ROOT_LEVEL": "INFO",
                   "DASK_LOGGING__DISTRIBUTED": "info"}


def configure_prefect_environment(verbose: bool = False) -> None:
    """Set Prefect's (and Dask's) environment defaults, quiet but for warnings (a user's own values win);
    `verbose` asks for their INFO lines."""
    if verbose:
        os.environ.update(VERBOSE_LOGGING)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(load_settings().prefect_home))
    # Prefect creates its home without parents; the server's database lives there.
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)

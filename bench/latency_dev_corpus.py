"""Latency from the news to the lists, on the dev corpus: the figures of `sanctrack entities latency`.

The dev corpus's texts carry no publication date the loader can read (one has a dateline); its
gold.jsonl gives the date each text was published, or none. Each text is copied (to a temporary
folder, never into the project) under a name starting with that date, which the news loader reads as
the publication date (sanctrack/documents.py); texts without a date keep their names and stay undated,
and are left out of the figures and counted. The texts are loaded into a copy of WAREHOUSE (which
must hold the lists and their entities), so WAREHOUSE itself is not changed.

Usage: .venv/bin/python bench/latency_dev_corpus.py WAREHOUSE [CORPUS_DIR]   (default ../shared/corpus/dev)
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from sanctrack.cli import main as cli
from sanctrack.flows.news import run_news
from sanctrack.settings import REPO_ROOT


def dated_copies(corpus: Path, out_dir: Path) -> tuple[int, int]:
    """Copy the texts, each dated text under `<published>_<name>`; returns (dated, undated)."""
    dated = undated = 0
    for line in (corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        published = record["published"]
        name = f"{published}_{record['doc']}" if published else record["doc"]
        shutil.copy(corpus / "texts" / record["doc"], out_dir / name)
        dated, undated = (dated + 1, undated) if published else (dated, undated + 1)
    return dated, undated


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    warehouse = Path(sys.argv[1])
    corpus = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO_ROOT.parent / "shared" / "corpus" / "dev"
    with tempfile.TemporaryDirectory() as tmp:
        texts, db = Path(tmp) / "texts", Path(tmp) / "w.duckdb"
        texts.mkdir()
        dated, undated = dated_copies(corpus, texts)
        shutil.copy(warehouse, db)
        counts = run_news([str(texts)], db)["counts"]
        print(f"dev corpus: {dated + undated} texts ({dated} dated by gold.jsonl, {undated} undated); "
              f"{counts.get('mentions_added', 0)} mentions, {counts.get('mention_links', 0)} links")
        result = CliRunner().invoke(cli, ["--db", str(db), "entities", "latency"], terminal_width=160)
        print(result.output)
        if result.exit_code:
            sys.exit(result.exit_code)


if __name__ == "__main__":
    main()

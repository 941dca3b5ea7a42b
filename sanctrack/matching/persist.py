"""The screening index, saved beside the warehouse and rebuilt only when the lists or the matcher change.

Building the index from the warehouse takes seconds (every name tokenised, postings built); loading a
saved one takes a fraction of that. A saved index is named by a key: a hash of what it was built from
(the warehouse's list versions and current designations) and of the matcher (MATCHER_VERSION, the
matching code and its reference word lists). A lists run that changes the lists changes the key, so
the next screen builds a new index; a reader never trusts an index built from other lists.

Writes are atomic: the index is written to a temporary file in the same folder and renamed into place,
so a reader sees a whole index or none, and two processes building at once each rename a complete file
(the same content) over the other. Old indexes are removed after a new one is saved; a reader that has
one open keeps reading it (POSIX unlink), and one that finds it gone builds its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from pathlib import Path

import duckdb

from sanctrack.matching import MATCHER_VERSION
from sanctrack.matching.index import NameIndex
from sanctrack.matching.normalize import REFERENCE_DIR

log = logging.getLogger(__name__)

FORMAT = b"sanctrack-name-index-1\n"
_MATCHING_DIR = Path(__file__).resolve().parent
_SOURCES = ["normalize.py", "index.py", "score.py", "__init__.py"]


def index_dir(db_path: Path) -> Path:
    """Where the saved indexes of a warehouse live: `<warehouse>.screen-index/` beside it."""
    return db_path.with_name(db_path.name + ".screen-index")


def matcher_fingerprint() -> str:
    """MATCHER_VERSION and a hash of the matching code and its reference word lists."""
    digest = hashlib.sha256(MATCHER_VERSION.encode())
    for path in [_MATCHING_DIR / name for name in _SOURCES] + sorted(REFERENCE_DIR.glob("matching_*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def lists_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of the list versions loaded and of the current designations and their names."""
    versions = con.execute(
        "select authority, list_name, sha256, run_id, loaded_at from list_versions "
        "order by authority, list_name, sha256, run_id"
    ).fetchall()
    current = con.execute(
        "select count(*), bit_xor(hash(designation_version_id)) from designations where is_current"
    ).fetchall()
    names = con.execute("select count(*) from designation_names").fetchall()
    return hashlib.sha256(repr((versions, current, names)).encode()).hexdigest()


def index_key(con: duckdb.DuckDBPyConnection) -> str:
    """The name of the saved index that fits this warehouse and this matcher."""
    return hashlib.sha256((lists_fingerprint(con) + matcher_fingerprint()).encode()).hexdigest()[:32]


def load_or_build(con: duckdb.DuckDBPyConnection, db_path: Path) -> NameIndex:
    """The index of the warehouse's current designations: the saved one if it fits, else built and saved."""
    folder = index_dir(db_path)
    key = index_key(con)
    path = folder / f"{key}.pickle"
    index = _load(path)
    if index is not None:
        return index
    index = NameIndex.from_warehouse(con)
    try:
        _save(index, folder, path)
    except OSError as exc:  # a read-only place: screening still works, only slower next time
        log.warning("the screening index could not be saved in %s: %s", folder, exc)
    return index


def _load(path: Path) -> NameIndex | None:
    try:
        with path.open("rb") as fh:
            if fh.read(len(FORMAT)) != FORMAT:
                log.warning("%s is not a saved screening index: it is rebuilt", path)
                return None
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError, IndexError, KeyError) as exc:
        log.warning("the saved screening index %s cannot be read (%s): it is rebuilt", path, exc)
        return None


def _save(index: NameIndex, folder: Path, path: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".building-", suffix=".pickle", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(FORMAT)
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for old in folder.glob("*.pickle"):
        # Another process's file being written is left alone (unless a killed build left it long ago).
        stale = old.name.startswith(".building-") and time.time() - _mtime(old) > 3600
        if old != path and (stale or not old.name.startswith(".")):
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()

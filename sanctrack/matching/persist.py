"""The screening index, saved beside the warehouse and rebuilt only when the lists or the matcher change.

Building the index from the warehouse takes seconds (every name tokenised, postings built); loading a
saved one takes a fraction of that. A saved index is named by a key: a hash of what it was built from
(the warehouse's list versions and current designations) and of the matcher (MATCHER_VERSION, the
matching code and its reference word lists). A lists run that changes the lists changes the key, so
the next screen builds a new index; a reader never trusts an index built from other lists.

`screening_index` also keeps `stamp.json`: the inode, size and modification time of the warehouse file
and its write-ahead log when the key was last read. While they are unchanged the warehouse is not even
opened (a screen then costs the imports and the load of the index); once a writer has changed them, the
key is read again.

Writes are atomic: the index is written to a temporary file in the same folder and renamed into place,
so a reader sees a whole index or none, and two processes building at once each rename a complete file
(the same content) over the other. Old indexes are removed after a new one is saved; a reader that has
one open keeps reading it (POSIX unlink), and one that finds it gone builds its own.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sanctrack.matching import MATCHER_VERSION
from sanctrack.matching.index import NameIndex
from sanctrack.matching.normalize import REFERENCE_DIR

if TYPE_CHECKING:  # only opened when the warehouse changed: a screen of an unchanged one needs no duckdb
    import duckdb

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
    return _load_or_build(con, db_path)[1]


def screening_index(db_path: Path, open_warehouse: Callable[[], duckdb.DuckDBPyConnection]) -> NameIndex:
    """`load_or_build`, without opening the warehouse when neither its file nor its write-ahead log has
    changed (inode, size, modification time) since the key was last read from it, for this matcher.

    A lists run that commits changes the files, so the next screen reads the key again; while a writer
    has not touched them, the saved index is that of the last committed lists.
    """
    folder = index_dir(db_path)
    matcher = matcher_fingerprint()
    files = _file_stamp(db_path)
    known = _read_stamp(folder)
    if files is not None and known and known.get("files") == files and known.get("matcher") == matcher:
        index = _load(folder / f"{known['key']}.pickle")
        if index is not None:
            return index
    con = open_warehouse()
    try:
        files = _file_stamp(db_path)  # read while connected: no writer can change the files meanwhile
        key, index = _load_or_build(con, db_path)
    finally:
        con.close()
    if files is not None:
        try:
            _write_atomically(folder / "stamp.json",
                              json.dumps({"files": files, "matcher": matcher, "key": key}).encode())
        except OSError as exc:
            log.warning("the screening index stamp could not be saved in %s: %s", folder, exc)
    return index


def link_index(con: duckdb.DuckDBPyConnection, db_path: Path,
               build: Callable[[duckdb.DuckDBPyConnection], NameIndex]) -> NameIndex:
    """The index that news mentions are linked with (`build`: every designation's latest version,
    removed ones too), saved in `<warehouse>.screen-index/links/` and rebuilt, like the screening
    index, only when the lists or the matcher change: a news run loads it instead of building it."""
    return _load_or_build(con, db_path, folder=index_dir(db_path) / "links", build=build)[1]


def _load_or_build(con: duckdb.DuckDBPyConnection, db_path: Path, *, folder: Path | None = None,
                   build: Callable[[duckdb.DuckDBPyConnection], NameIndex] | None = None) -> tuple[str, NameIndex]:
    folder = folder or index_dir(db_path)
    key = index_key(con)
    path = folder / f"{key}.pickle"
    index = _load(path)
    if index is not None:
        return key, index
    index = (build or NameIndex.from_warehouse)(con)
    try:
        _save(index, folder, path)
    except OSError as exc:  # a read-only place: screening still works, only slower next time
        log.warning("the screening index could not be saved in %s: %s", folder, exc)
    return key, index


def save_index(index: NameIndex, path: Path) -> None:
    """Save an index at `path`, atomically; other indexes of its folder are removed (the entity linker
    keeps its own index this way: warehouse/entities.py)."""
    _save(index, path.parent, path)


def load_index(path: Path) -> NameIndex | None:
    """The index saved at `path`, or None when there is none or it cannot be read."""
    return _load(path)


def _file_stamp(db_path: Path) -> list[list[int] | None] | None:
    """Inode, size and modification time of the warehouse file and of its write-ahead log."""
    stamps = []
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            if path == db_path:
                return None
            stamps.append(None)
            continue
        stamps.append([st.st_ino, st.st_size, st.st_mtime_ns])
    return stamps


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "stamp.json").read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def _load(path: Path) -> NameIndex | None:
    try:
        with path.open("rb") as fh:
            if fh.read(len(FORMAT)) != FORMAT:
                log.warning("%s is not a saved screening index: it is rebuilt", path)
                return None
            # The index is hundreds of thousands of small objects and no cycles: the cyclic collector
            # would walk them again and again while they load (40% of the load time).
            gc.disable()
            try:
                return pickle.load(fh)
            finally:
                gc.enable()
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError, IndexError, KeyError) as exc:
        log.warning("the saved screening index %s cannot be read (%s): it is rebuilt", path, exc)
        return None


def _save(index: NameIndex, folder: Path, path: Path) -> None:
    _write_atomically(path, FORMAT + pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    for old in folder.iterdir():
        # Another process's file being written is left alone (unless a killed build left it long ago).
        if old.name.startswith(".building-"):
            if time.time() - _mtime(old) > 3600:
                old.unlink(missing_ok=True)
        elif old.suffix == ".pickle" and old != path:
            old.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, sync it and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".building-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()

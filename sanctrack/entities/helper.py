"""A second process for the name comparisons of a full entity computation.

Proposing pairs (a shortlist and a name score for each name of every entry) and examining them (every
name of one entry against every name of the other) is pure Python, and nearly all of a cold
computation. Both split cleanly: pairs proposed from half of the entries, evidence on half of the
pairs. `helper_process` starts one process with its own copy of the entries and the names; the caller
hands it half of the work and does the other half itself, so that two cores share it. The results are
the same as one process gives (each half is computed by the same functions on the same data; the
halves are put back in order).

The process is started with `spawn` (a clean interpreter: forking a process that runs Prefect's
threads is not safe) and only for large computations (MIN_ENTRIES), where its start-up (about three
seconds: the data are pickled across) pays for itself, and only when a core is idle (the load
average says so). `SANCTRACK_WORKERS=1` turns it off, `=2` forces it. If it
cannot start or fails, the caller's process does all the work.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

log = logging.getLogger(__name__)

MIN_ENTRIES = 5_000  # fewer entries to screen: one process is as fast

_state: tuple | None = None  # (entries, names) in the helper process


def workers_allowed() -> int:
    """How many processes may share a computation: SANCTRACK_WORKERS if set; else 2 when the machine has
    two cores or more and one of them is idle (a load average below cores - 0.5, this run included),
    since on a busy machine the helper only adds its start-up and its own caches' warming."""
    setting = os.environ.get("SANCTRACK_WORKERS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            log.warning("SANCTRACK_WORKERS=%r is not a number: one process is used", setting)
            return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2:
        return 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > cores - 0.5:
        log.info("entities: one process (load average %.1f on %d cores: no core is idle)", load, cores)
        return 1
    return 2


class Helper:
    """The other process: submit a share of the work, get its result back."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.executor = executor
        self.failed = False

    def submit(self, name: str, *args) -> Future:
        """Hand the helper a share; a helper that cannot start (a daemonic process, as a Dask worker is,
        may not have children) gives a failed future, and `result` then does the share here."""
        try:
            return self.executor.submit(_call, name, *args)
        except Exception as exc:
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def result(self, future: Future, redo):
        """The helper's result, or `redo()` in this process when the helper failed (it is then not used again)."""
        if not self.failed:
            try:
                return future.result()
            except Exception as exc:  # a helper that died or could not unpickle: the work is done here
                log.warning("entities: the helper process failed (%s); this process does its share", exc)
                self.failed = True
        return redo()


@contextmanager
def helper_process(entries, names, size: int) -> Iterator[Helper | None]:
    """A helper process holding `entries` and `names`, or None when `size` (entries to screen) is too
    small, only one core may be used, or the process cannot be started."""
    if size < MIN_ENTRIES or workers_allowed() < 2:
        yield None
        return
    try:
        payload = pickle.dumps((entries, names), protocol=pickle.HIGHEST_PROTOCOL)
        executor = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_init, initargs=(payload,))
    except Exception as exc:
        log.warning("entities: no helper process (%s); one process does the work", exc)
        yield None
        return
    try:
        yield Helper(executor)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _init(payload: bytes) -> None:
    global _state
    _state = pickle.loads(payload)


def _call(name: str, *args):
    from sanctrack.entities import link

    entries, names = _state
    if name == "name_pairs":
        query, one_way = args
        return link.name_pairs(entries, names, query, one_way=one_way)
    if name == "evidence":
        from sanctrack.entities.resolve import _evidence

        (pairs,) = args
        return _evidence(entries, names, pairs)
    raise ValueError(f"unknown helper call {name!r}")

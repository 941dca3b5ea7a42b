"""Files the verbs write (exports, reports, screening results): whole or not at all, and never over an
existing file unless asked (--force).

Each file is written beside its target under a temporary name, then published: a reader never sees
half a file, a failure leaves no partial file behind. Without force, publishing is a hard link, which
fails if the target exists, so a file that appeared meanwhile is not overwritten either.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputExists(Exception):
    """A target file exists and overwriting was not asked for."""


def refuse_existing(targets: Iterable[Path], force: bool) -> None:
    """Before writing several files: refuse them all if any exists (unless force), so none is half-done."""
    if force:
        return
    existing = [target for target in targets if target.exists()]
    if existing:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise OutputExists(f"{existing[0]} exists{more}: pass --force to overwrite")


@contextmanager
def written_atomically(target: Path, force: bool = False) -> Iterator[Path]:
    """A temporary path beside `target` to write; on success it becomes `target`, on failure it is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(_new_file_mode())  # mkstemp's 0600 would make a report or export private
        _publish(partial, target, force)
    finally:
        partial.unlink(missing_ok=True)


def _new_file_mode() -> int:
    """The mode an ordinary new file gets here: 0666 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _publish(partial: Path, target: Path, force: bool) -> None:
    if force:
        partial.replace(target)
        return
    try:
        os.link(partial, target)
    except FileExistsError:
        raise OutputExists(f"{target} exists: pass --force to overwrite") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        refuse_existing([target], force)  # no hard links on this file system: check, then rename
        partial.replace(target)

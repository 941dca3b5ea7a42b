"""Known entities: every name and alias on the official lists, recognised in the news.

When lists are loaded, a candidate whose name is a listed name or alias (any authority; spelling
folded the way the matching module folds it: transliterations, word order, legal forms) gets the
evidence `known:exact` or `known:partial` and the entry's type, and the entry is named in its
`cue`. The lookup is a dictionary from a name's set of word keys to its entries, plus a posting
list per word key for partial names ("Maksim Yakubets" for "YAKUBETS, Maksim Viktorovich"): built
once per run, then one dictionary probe per candidate.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sanctrack.matching.normalize import NAME, tokenize

log = logging.getLogger(__name__)

_TYPES = {"person": "person", "organisation": "organisation", "vessel": "vessel", "aircraft": "vessel"}


@lru_cache(maxsize=131072)
def name_keys(name: str) -> frozenset[str]:
    """The word keys of a name that identify it (legal forms and generic words left out)."""
    return frozenset(t.key for t in tokenize(name) if t.kind == NAME)


@dataclass
class KnownEntities:
    """The listed names, keyed for lookup; `fingerprint` names the lists it was built from."""

    exact: dict[frozenset[str], tuple[str, str]] = field(default_factory=dict)  # keys -> (entry, type)
    postings: dict[str, list[frozenset[str]]] = field(default_factory=dict)  # key -> names holding it
    fingerprint: str = "none"

    @classmethod
    def from_names(cls, rows: Iterable[tuple[str, str, str, str]], fingerprint: str) -> KnownEntities:
        """From (name, entity type, authority, list id) rows."""
        known = cls(fingerprint=fingerprint)
        for name, entity_type, authority, list_id in rows:
            keys = name_keys(name)
            if len(keys) == 0 or len(keys) == 1 and len(next(iter(keys))) < 4:
                continue  # a one-word name of three letters ("ABC") is too ambiguous to recognise
            if keys not in known.exact:
                known.exact[keys] = (f"{authority}:{list_id}", _TYPES.get(entity_type, "organisation"))
                for key in keys:
                    known.postings.setdefault(key, []).append(keys)
        return known

    @classmethod
    def from_frame(cls, names: pd.DataFrame, fingerprint: str) -> KnownEntities:
        cols = ["full_name", "entity_type", "authority", "list_id"]
        return cls.from_names(names[cols].itertuples(index=False, name=None), fingerprint)

    def lookup(self, name: str) -> tuple[str, tuple[str, str]] | None:
        """('exact' | 'partial', (entry, type)) for a name, or None."""
        keys = name_keys(name)
        if not keys:
            return None
        hit = self.exact.get(keys)
        if hit is not None:
            return "exact", hit
        if len(keys) < 2:
            return None
        rarest = min(keys, key=lambda k: len(self.postings.get(k, ())))
        for full in self.postings.get(rarest, ()):
            if keys < full:
                return "partial", self.exact[full]
        return None

    def annotate(self, candidates) -> None:
        """Add the known-entity evidence to every name candidate that is a listed name."""
        for cand in candidates:
            if cand.kind != "name" or not cand.name:
                continue
            found = self.lookup(cand.name)
            if found is None:
                continue
            how, (entry, entity_type) = found
            cand.known = (entry, entity_type)
            cand.features.append(f"known:{how}")
            cand.features.append(f"known:type:{entity_type}")
            if how == "exact" or cand.entity_type == "person" and entity_type == "person":
                cand.entity_type = entity_type


def from_warehouse(con, db_path: str | Path | None = None) -> KnownEntities | None:
    """Every current listed name of the warehouse; None when no list is loaded.

    With `db_path`, the index is kept beside the warehouse (`<warehouse>.screen-index/known/`, named by
    the list versions, the matcher and this module) and read from there while they are unchanged:
    building it takes seconds of CPU on every shipped list, reading it a few hundredths.
    """
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    if "designation_names" not in tables:
        return None
    versions = con.execute("select string_agg(sha256, ',' order by sha256) from list_versions").fetchone()[0] or ""
    fingerprint = hashlib.sha256(versions.encode()).hexdigest()[:12]
    saved = _saved_path(db_path, fingerprint) if db_path is not None else None
    if saved is not None:
        from sanctrack.matching.persist import load_index

        known = load_index(saved)
        if isinstance(known, KnownEntities):
            return known
    names = con.execute(
        """
        select n.full_name, d.entity_type, d.authority, d.list_id
        from designation_names as n
        join designations as d using (designation_version_id)
        where d.is_current
        """
    ).df()
    if names.empty:
        return None
    known = KnownEntities.from_frame(names, fingerprint)
    if saved is not None:
        from sanctrack.matching.persist import save_index

        try:
            save_index(known, saved)
        except OSError as exc:  # a read-only place: recognition still works, only slower next time
            log.warning("the known-entity index could not be saved in %s: %s", saved.parent, exc)
    return known


def _saved_path(db_path: str | Path, fingerprint: str) -> Path:
    from sanctrack.matching.persist import index_dir, matcher_fingerprint

    digest = hashlib.sha256(f"{fingerprint}\0{matcher_fingerprint()}\0".encode() + Path(__file__).read_bytes())
    return index_dir(Path(db_path)) / "known" / f"{digest.hexdigest()[:24]}.pickle"


def from_list_files(paths: Iterable[Path]) -> KnownEntities:
    """The names of list files, parsed as `sanctrack run lists` parses them (no warehouse)."""
    from sanctrack.lists import parse_list

    frames = []
    digest = hashlib.sha256()
    for path in paths:
        parsed = parse_list(Path(path))
        digest.update(parsed.sha256.encode())
        names = parsed.names.merge(parsed.designations[["authority", "list_id", "entity_type"]], on=["authority", "list_id"])
        frames.append(names)
    return KnownEntities.from_frame(pd.concat(frames, ignore_index=True), digest.hexdigest()[:12])

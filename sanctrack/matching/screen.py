"""Screening one name or a file of names against an index: what `sanctrack screen` prints and writes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from sanctrack.matching.index import Candidate, NameIndex

ENTITY_TYPES = ("person", "organisation", "vessel", "aircraft")
CSV_COLUMNS = ["query", "rank", "authority", "list_id", "list_ref", "name", "matched_name", "matched_name_latin", "score",
               "evidence"]


class ScreenInputError(ValueError):
    """A names file that cannot be screened: names the file and the row."""


def read_names_file(path: Path) -> list[dict[str, str | None]]:
    """Rows of a names CSV: a `name` column, optional `type` (person, organisation, vessel, aircraft)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "name" not in fields:
            raise ScreenInputError(f"{path}: the header has no `name` column (found: {', '.join(fields) or 'none'})")
        rows = []
        for line, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
            etype = row.get("type") or None
            if etype is not None and etype not in ENTITY_TYPES:
                raise ScreenInputError(f"{path}: line {line}: unknown type {etype!r}; known: {', '.join(ENTITY_TYPES)}")
            if not row["name"]:
                raise ScreenInputError(f"{path}: line {line}: empty name")
            rows.append({"name": row["name"], "type": etype})
    if not rows:
        raise ScreenInputError(f"{path}: no names to screen (the file has a header and no rows)")
    return rows


def check_filters(index: NameIndex, authorities: list[str] | None, entity_types: Iterable[str | None]) -> None:
    """Refuse filters that would match nothing whatever the name: an authority or an entity type with no
    designation loaded. An empty result for them would read as a clear."""
    loaded = sorted(set(index.authority))
    unknown = sorted(set(authorities or []) - set(loaded))
    if unknown:
        raise ScreenInputError(f"unknown authority {', '.join(unknown)}: the warehouse holds designations of "
                               f"{', '.join(loaded)}")
    types = sorted(set(index.entity_type))
    missing = sorted({t for t in entity_types if t} - set(types))
    if missing:
        raise ScreenInputError(f"no designations of type {', '.join(missing)} are loaded (types loaded: "
                               f"{', '.join(types)})")


def screen_many(index: NameIndex, rows: Iterable[dict], *, authorities: list[str] | None, limit: int,
                min_score: float, default_type: str | None = None) -> list[tuple[str, int, Candidate]]:
    """(query, rank, candidate) for every row's candidates, in input order."""
    rows = list(rows)
    if len(rows) > 1:  # one name looks its typos up alone, without the batch's numpy
        index.prepare(row["name"] for row in rows)
    out: list[tuple[str, int, Candidate]] = []
    for row in rows:
        candidates = index.screen(row["name"], entity_type=row.get("type") or default_type, authorities=authorities,
                                  limit=limit, threshold=min_score)
        out.extend((row["name"], rank, cand) for rank, cand in enumerate(candidates, start=1))
    return out


def write_csv(results: list[tuple[str, int, Candidate]], fh: TextIO) -> None:
    """One CSV row per (query, candidate), evidence as JSON text."""
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for query, rank, cand in results:
        rec = cand.as_record()
        writer.writerow([query, rank, rec["authority"], rec["list_id"], rec["list_ref"] or "", rec["name"],
                         rec["matched_name"], rec["matched_name_latin"], f"{rec['score']:.4f}",
                         json.dumps(rec["evidence"], sort_keys=True, ensure_ascii=False)])


def describe(evidence: dict) -> str:
    """A one-line summary of the evidence for the table view."""
    parts = [f"{m['query']}={m['candidate']} ({m['how']})" if m["query"] != m["candidate"] else m["query"]
             for m in evidence["tokens_matched"]]
    text = "agree: " + ", ".join(parts)
    if evidence["tokens_missing_from_candidate"]:
        text += "; not in list name: " + ", ".join(evidence["tokens_missing_from_candidate"])
    if evidence["tokens_missing_from_query"]:
        text += "; not in query: " + ", ".join(evidence["tokens_missing_from_query"])
    if evidence["entity_type"] != "unknown":
        text += f"; type {evidence['entity_type']}"
    return text

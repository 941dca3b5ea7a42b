"""Validate a parsed list against the pandera contracts; failing rows go to quarantine with reasons."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd

from sanctrack.lists.model import ParsedList, in_values
from sanctrack.schemas.lists import MODELS
from sanctrack.schemas.quarantine import QUARANTINE_COLUMNS, QuarantineFrame, empty_quarantine, validate_frame


def source_locations(parsed: ParsedList, frame: pd.DataFrame) -> pd.Series:
    """Where each row came from: the file, the list id and, where known, the row/record position."""
    location = parsed.source_file + ":" + frame["authority"] + " " + frame["list_id"].astype("str")
    if "source_position" in frame:
        position = frame["source_position"].astype("str")
        location = location.str.cat(("@" + position).fillna(""))
    return location


def validate_parsed(parsed: ParsedList) -> tuple[ParsedList, pd.DataFrame]:
    """The valid part of a parsed list, and the quarantined rows (QuarantineFrame columns).

    A designation that fails takes its child rows with it (they are quarantined too, as orphans),
    so no loaded name points at a missing designation.
    """
    quarantined = []
    valid: dict[str, pd.DataFrame] = {}
    for table, frame in parsed.tables().items():
        result = validate_frame(frame, MODELS[table], f"list_{table}", source_locations(parsed, frame))
        valid[table] = result.valid
        quarantined.append(result.quarantined)
    kept = set(valid["designations"]["list_id"])
    for table, frame in valid.items():
        if table == "designations":
            continue
        orphans = ~in_values(frame["list_id"], kept)
        if orphans.any():
            quarantined.append(orphan_quarantine(parsed, table, frame[orphans]))
            valid[table] = frame[~orphans]
    all_quarantined = pd.concat([q for q in quarantined if len(q)], ignore_index=True) if any(
        len(q) for q in quarantined) else empty_quarantine()
    return replace(parsed, **valid), QuarantineFrame.validate(all_quarantined)


def orphan_quarantine(parsed: ParsedList, table: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Quarantine rows whose designation failed its own contract."""
    row_json = rows.apply(lambda r: r.to_json(date_format="iso", default_handler=str), axis=1)
    check = "designation_quarantined"
    return pd.DataFrame({
        "quarantine_id": row_json.map(lambda j: hashlib.sha256(f"list_{table}\x1f{j}\x1f{check}".encode()).hexdigest()),
        "target_table": f"list_{table}",
        "row_json": row_json,
        "check_name": check,
        "column_name": "list_id",
        "failure_case": rows["list_id"].astype("str"),
        "source_location": source_locations(parsed, rows),
    }, columns=QUARANTINE_COLUMNS).drop_duplicates("quarantine_id")


def quarantine_summary(quarantined: pd.DataFrame) -> dict[str, int]:
    """Quarantined rows per table and check, for logs and run counts."""
    counts = quarantined.groupby(["target_table", "check_name"]).size()
    return {f"{t}:{c}": int(n) for (t, c), n in counts.items()}


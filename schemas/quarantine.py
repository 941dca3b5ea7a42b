"""Lazy validation that splits a frame into valid rows and quarantined rows with reasons."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series


class QuarantineFrame(pa.DataFrameModel):
    """A row that failed its table's contract, with the check and where it came from."""

    quarantine_id: Series[str] = pa.Field(str_length={"min_value": 1})
    target_table: Series[str] = pa.Field(str_length={"min_value": 1})
    row_json: Series[str]
    check_name: Series[str]
    column_name: Series[str] = pa.Field(nullable=True)
    failure_case: Series[str] = pa.Field(nullable=True)
    source_location: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        coerce = True


QUARANTINE_COLUMNS = list(QuarantineFrame.to_schema().columns)


class ContractError(Exception):
    """The frame's structure is broken (a missing or unexpected column): nothing can be loaded."""


@dataclass(frozen=True)
class Validated:
    valid: pd.DataFrame
    quarantined: pd.DataFrame  # QuarantineFrame columns


def validate_frame(
    frame: pd.DataFrame,
    model: type[pa.DataFrameModel],
    target_table: str,
    source_location: pd.Series | None = None,
) -> Validated:
    """Validate lazily; rows that fail go to quarantine (one row per failed check), never dropped silently.

    `source_location` (aligned with `frame`) says where each row came from, e.g. "file.txt:1234-1247".
    A failure that is not tied to a row (a missing column, a wrong dtype of a whole column) is a
    broken structure and raises ContractError.
    """
    if frame.empty and list(frame.columns) == list(model.to_schema().columns):
        return Validated(frame, empty_quarantine())  # nothing to check, and pandera's fixed cost is not small
    try:
        return Validated(model.validate(frame, lazy=True), empty_quarantine())
    except SchemaErrors as exc:
        cases = exc.failure_cases
    row_level = cases[cases["index"].notna()]
    if len(row_level) < len(cases):
        structural = cases[cases["index"].isna()]
        details = "; ".join(
            f"{row.check} on {row.column}: {row.failure_case}" for row in structural.itertuples()
        )
        raise ContractError(f"{target_table}: the frame breaks its contract: {details}")
    bad_index = pd.Index(row_level["index"].unique())
    records = []
    for case in row_level.itertuples():
        row = frame.loc[case.index]
        row_json = row.to_json(date_format="iso", default_handler=str)
        check = str(case.check)
        # A dataframe-level check reports every column of the failing row; the row says it all.
        row_check = case.schema_context == "DataFrameSchema"
        records.append(
            {
                "quarantine_id": hashlib.sha256(f"{target_table}\x1f{row_json}\x1f{check}".encode()).hexdigest(),
                "target_table": target_table,
                "row_json": row_json,
                "check_name": check,
                "column_name": None if row_check or pd.isna(case.column) else str(case.column),
                "failure_case": None if row_check or pd.isna(case.failure_case) else str(case.failure_case),
                "source_location": None if source_location is None else str(source_location.loc[case.index]),
            }
        )
    good = frame.drop(index=bad_index)
    valid = model.validate(good, lazy=True) if len(good) else model.validate(frame.iloc[0:0], lazy=True)
    quarantined = pd.DataFrame.from_records(records, columns=QUARANTINE_COLUMNS).drop_duplicates("quarantine_id")
    return Validated(valid, QuarantineFrame.validate(quarantined))


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in QUARANTINE_COLUMNS})


def summarise_quarantine(quarantined: pd.DataFrame) -> dict[str, int]:
    """Counts per failed check, for the run's counts."""
    return {str(k): int(v) for k, v in quarantined["check_name"].value_counts().items()}


def as_json(record: dict) -> str:
    return json.dumps(record, default=str, sort_keys=True)

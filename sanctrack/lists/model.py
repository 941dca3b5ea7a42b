"""The parsed shape of one official list file, shared by every format parser and the loader."""

from __future__ import annotations

import hashlib
import itertools
import logging
import operator
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sanctrack.text import CONTROL_CHARACTERS

log = logging.getLogger(__name__)

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"

KEY = ["authority", "list_id"]
DESIGNATION_COLUMNS = [
    "authority", "list_name", "list_id", "list_ref", "entity_type", "primary_name", "regimes",
    "listed_on", "last_updated", "remarks", "statement_of_reasons", "parent_company", "source_position",
]
NAME_COLUMNS = [
    "authority", "list_id", "full_name", "alias_type", "alias_quality", "title",
    "name_non_latin", "non_latin_script", "non_latin_language", "source_position",
]
IDENTIFIER_COLUMNS = ["authority", "list_id", "id_type", "id_number", "country", "details"]
ADDRESS_COLUMNS = ["authority", "list_id", "address", "city", "postal_code", "country"]
BIRTH_DATE_COLUMNS = ["authority", "list_id", "birth_date", "year_from", "year_to", "is_approximate", "raw_value"]
NATIONALITY_COLUMNS = ["authority", "list_id", "country"]
# Facts with no column of their own, as (property, value): OFAC features and list memberships, UK
# sanctions imposed, gender, phone numbers, ship details. A list without them has no rows, so the
# content hashes of the lists that carry none are what they were before the table existed.
PROPERTY_COLUMNS = ["authority", "list_id", "property", "value"]

CHILD_TABLES: dict[str, list[str]] = {
    "names": NAME_COLUMNS,
    "identifiers": IDENTIFIER_COLUMNS,
    "addresses": ADDRESS_COLUMNS,
    "birth_dates": BIRTH_DATE_COLUMNS,
    "nationalities": NATIONALITY_COLUMNS,
    "properties": PROPERTY_COLUMNS,
}
# Columns that say where a fact sits in the file, not what it is: left out of content hashes so that
# a row moving in the file is not an amendment.
POSITIONAL_COLUMNS = {"source_position"}
# Columns that are not text; every other column is text.
TYPED_COLUMNS = {
    "source_position": "Int64", "year_from": "Int64", "year_to": "Int64", "is_approximate": "bool",
    "listed_on": "datetime64[s]", "last_updated": "datetime64[s]",
}


class ListFormatError(ValueError):
    """A list file that cannot be read as its format: names the file and the position of the fault."""

    def __init__(self, file: Path | str, position: str, message: str) -> None:
        self.file = str(file)
        self.position = position
        self.message = message
        super().__init__(f"{self.file}: {position}: {message}")


@dataclass
class ParsedList:
    """One list file parsed into frames keyed by (authority, list_id), with its provenance."""

    authority: str
    list_name: str
    format: str
    source_file: str
    sha256: str
    published_on: date | None
    designations: pd.DataFrame
    names: pd.DataFrame
    identifiers: pd.DataFrame
    addresses: pd.DataFrame
    birth_dates: pd.DataFrame
    nationalities: pd.DataFrame
    properties: pd.DataFrame = field(default_factory=lambda: empty_frame(PROPERTY_COLUMNS))
    source_records: int | None = None  # records in the file, where one designation can span several
    # "full": the whole list as of published_on; "delta": only the entries one publication added or
    # removed (OFAC delta files), applied on top of the loaded version.
    kind: str = "full"
    # For a delta: one row per entry, its action ("add", "remove", "update").
    actions: pd.DataFrame | None = None
    # Earlier keys of an entry (list_id, former_list_id): an entry keyed provisionally in an older file
    # (a UK entry without its Unique ID) takes its real key when a later file gives it.
    former_ids: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The frames by warehouse table name, designations first."""
        return {"designations": self.designations, **{name: getattr(self, name) for name in CHILD_TABLES}}


def sha256_of(paths: list[Path]) -> str:
    """The sha256 of one file, or of the concatenated per-file hashes of a file set."""
    digests = []
    for path in paths:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        digests.append(h.hexdigest())
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("".join(f"{p.name}:{d}\n" for p, d in zip(paths, digests)).encode()).hexdigest()


@lru_cache(maxsize=1)
def vocabulary() -> pd.DataFrame:
    """The lookup table that maps each list's own category values to ours (seeds/reference)."""
    return pd.read_csv(REFERENCE_DIR / "list_vocabulary.csv", dtype=str, keep_default_na=False)


def map_vocabulary(values: pd.Series, authority: str, field_name: str, source: str) -> pd.Series:
    """Map a list's category values through the vocabulary; unknown values warn with the value and map to NA.

    NA then fails the pandera model, so the row goes to quarantine rather than being guessed.
    An empty `value` in the vocabulary is an explicit "no value" (e.g. UN alias quality `a.k.a.`).
    """
    voc = vocabulary()
    voc = voc[(voc["authority"] == authority) & (voc["field"] == field_name)]
    table = dict(zip(voc["source_value"], voc["value"]))
    keyed = values.fillna("").astype("str").str.strip()
    if "" not in table:
        # Absent stays absent unless the vocabulary gives it a meaning.
        keyed = keyed.mask(keyed == "")
    unknown = sorted(set(keyed.dropna().unique()) - set(table))
    if unknown:
        log.warning("%s: unknown %s %s value(s): %s", source, authority, field_name, unknown)
    mapped = keyed.map(table)
    return mapped.mask(mapped == "").astype("str")


def empty_frame(columns: list[str]) -> pd.DataFrame:
    """An empty frame with the given columns, all text."""
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})


def clean_text(values: pd.Series) -> pd.Series:
    """Strip text and turn empty strings into NA (lists write empty strings for absent values)."""
    s = values.astype("str").str.strip()
    return s.mask(s == "")


def join_columns(frame: pd.DataFrame, columns: list[str], sep: str = " ") -> pd.Series:
    """Join the non-empty values of several text columns row-wise; NA where all are empty."""
    parts = [clean_text(frame[c]) for c in columns]
    joined = parts[0].fillna("")
    for part in parts[1:]:
        joined = joined.str.cat(part.fillna(""), sep=sep)
    joined = joined.str.replace(rf"(?:{re.escape(sep)}){{2,}}", sep, regex=True).str.strip(sep.strip() or " ")
    joined = joined.str.strip()
    return joined.mask(joined == "")


def parse_dates(values: pd.Series, fmt: str, source: str, what: str) -> pd.Series:
    """Parse dates with one format; values that do not parse warn with the values and become NaT."""
    text = clean_text(values)
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = text[text.notna() & parsed.isna()]
    if len(bad):
        log.warning("%s: %d unparseable %s value(s), e.g. %s", source, len(bad), what, bad.unique()[:5].tolist())
    return parsed.astype("datetime64[s]")


def in_values(values: pd.Series, allowed) -> pd.Series:
    """`values.isin(allowed)` for text keys, fast for large sets (a hash lookup in Arrow; pandas 3's
    Arrow-string isin is slow on big value sets)."""
    allowed = [str(v) for v in allowed]
    found = pc.is_in(pa.array(values.astype("str"), from_pandas=True), value_set=pa.array(allowed, type=pa.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def joined_by_key(keys: pd.Series | list, texts: pd.Series | list, sep: str = "\x1e") -> dict[str, str]:
    """Per key, its texts sorted and joined: an order-independent summary of a key's rows.

    A plain sort of Python pairs and one pass: several times faster than a groupby with a Python aggregate.
    """
    keys = keys.tolist() if isinstance(keys, pd.Series) else keys
    texts = texts.tolist() if isinstance(texts, pd.Series) else texts
    out: dict[str, str] = {}
    for key, group in itertools.groupby(sorted(zip(keys, texts)), key=operator.itemgetter(0)):
        out[key] = sep.join(t for _, t in group)
    return out


def iso_partial_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """ISO dates that keep partial dates partial: `1994`, `1970-05`, `1958-01-01`; NA without a year.

    A zero or missing month/day means unknown (the UK writes `00/00/1994`).
    """
    y = pd.to_numeric(year, errors="coerce").astype("Int64")
    m = pd.to_numeric(month, errors="coerce").astype("Int64")
    d = pd.to_numeric(day, errors="coerce").astype("Int64")
    m = m.mask(m == 0)
    d = d.mask((d == 0) | m.isna())
    text = y.astype("str").str.zfill(4)
    text = text.str.cat(("-" + m.astype("str").str.zfill(2)).fillna(""))
    text = text.str.cat(("-" + d.astype("str").str.zfill(2)).fillna(""))
    return text.mask(y.isna())


def finalise(parsed: ParsedList) -> ParsedList:
    """Order columns, strip control characters, drop exact duplicate child rows kept by no list semantics,
    and add content hashes."""
    parsed.designations = without_controls(typed(parsed.designations[DESIGNATION_COLUMNS])).reset_index(drop=True)
    known = set(parsed.designations["list_id"])
    for name, columns in CHILD_TABLES.items():
        frame = without_controls(typed(getattr(parsed, name)[columns]))
        orphans = ~in_values(frame["list_id"], known)
        if orphans.any():
            log.warning("%s: %d %s row(s) for unknown designations dropped, e.g. %s", parsed.source_file,
                        int(orphans.sum()), name, frame.loc[orphans, "list_id"].unique()[:5].tolist())
            frame = frame[~orphans]
        if "source_position" not in columns:
            # Rows are a set per designation: the UK file repeats a DOB on every name row.
            frame = frame.drop_duplicates()
        setattr(parsed, name, frame.reset_index(drop=True))
    parsed.designations["content_hash"] = content_hashes(parsed)
    return parsed


def without_controls(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns without NUL or other control characters (sanctrack.text): they never belong in a name."""
    for column in frame.columns:
        if frame[column].dtype == "str":
            dirty = frame[column].str.contains(CONTROL_CHARACTERS, regex=True, na=False)
            if dirty.any():
                frame[column] = frame[column].str.replace(CONTROL_CHARACTERS, "", regex=True)
    return frame


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give every column its dtype: text unless listed in TYPED_COLUMNS."""
    return frame.astype({c: TYPED_COLUMNS.get(c, "str") for c in frame.columns})


def row_text_lists(frame: pd.DataFrame, table: str) -> tuple[list[str], list[str]]:
    """The designation key and one normalised text per row (table name + fact values), as Python lists."""
    columns = [c for c in frame.columns if c not in POSITIONAL_COLUMNS and c not in KEY and c != "content_hash"]
    values = []
    for c in columns:
        col = frame[c]
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        values.append(col.to_numpy(dtype=object, na_value="\u2205").tolist())
    # A Python join per row: much faster than chained str.cat on Arrow strings.
    texts = ["\x1f".join(map(str, (table, *row))) for row in zip(*values)] if values else [table] * len(frame)
    return frame["list_id"].astype("str").tolist(), texts


def content_hashes(parsed: ParsedList) -> pd.Series:
    """Per designation, a sha256 of all its normalised facts across its own row and all child rows.

    Order-independent (rows are sorted), so an unchanged entry hashes equal across two files.
    """
    keys, texts = row_text_lists(parsed.designations, "designation")
    for name in CHILD_TABLES:
        frame = getattr(parsed, name)
        if len(frame):
            more_keys, more_texts = row_text_lists(frame, name)
            keys += more_keys
            texts += more_texts
    joined = joined_by_key(keys, texts)
    hashes = {k: hashlib.sha256(v.encode("utf-8")).hexdigest() for k, v in joined.items()}
    return parsed.designations["list_id"].astype("str").map(hashes).astype("str")


class RecordRows:
    """Rows collected record by record from an XML list, turned into frames once at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {"designations": [], **{name: [] for name in CHILD_TABLES}}

    def add(self, table: str, **values: object) -> None:
        """Add one row to a table."""
        self.rows[table].append(values)

    def frame(self, table: str, authority: str) -> pd.DataFrame:
        """The rows of one table as a frame with that table's columns."""
        columns = DESIGNATION_COLUMNS if table == "designations" else CHILD_TABLES[table]
        frame = pd.DataFrame(self.rows[table], columns=columns)
        frame["authority"] = authority
        return frame

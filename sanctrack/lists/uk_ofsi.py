"""UK OFSI Consolidated List (ConList): the XLSX export and the CSV with the same layout.

One row per name; rows sharing a Group ID are one designation. Row 1 is `Last Updated, dd/mm/yyyy`,
row 2 the header. Other Information packs sub-fields such as `(UK Sanctions List Ref):RUS2389`.
Frozen since 28 January 2026; its designations are those of the FCDO UK Sanctions List (`uk_fcdo`),
loaded as one list with them, keyed by the Unique ID (see `sanctrack.lists.uk`).
"""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path

import pandas as pd

from sanctrack.lists import uk
from sanctrack.lists.limits import check_csv_shape, read_xlsx_sheet
from sanctrack.lists.model import (
    ListFormatError,
    ParsedList,
    clean_text,
    join_columns,
    joined_by_key,
    map_vocabulary,
    parse_dates,
    sha256_of,
)

log = logging.getLogger(__name__)

AUTHORITY = uk.AUTHORITY
LIST_NAME = uk.LIST_NAME
NAME_PARTS = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
HEADER = [
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth",
    "Nationality", "Passport Number", "Passport Details", "National Identification Number",
    "National Identification Details", "Position", "Address 1", "Address 2", "Address 3", "Address 4",
    "Address 5", "Address 6", "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID",
]
# Preference for the primary name where a group has several name rows (two real groups have no
# `Primary name` row at all): the first row of the best-ranked alias type.
ALIAS_RANK = {"primary": 0, "primary_variation": 1, "aka": 2, "fka": 3}
# Packed multi-values: `(1) D00000897 (2) D00004262`.
_PACKED = r"\s*\(\d{1,2}\)\s*"
_PACKED_RE = re.compile(_PACKED)
FIRST_ROW_OFFSET = 3  # spreadsheet row of the first data row (1-based, after the date row and the header)


def read_xlsx_cells(path: Path) -> pd.DataFrame:
    """The first sheet's cells as text (python-calamine, within bounds: lists/limits.py)."""
    cells = read_xlsx_sheet(path)
    odd = {t.__name__ for t in set(map(type, itertools.chain.from_iterable(cells))) if t is not str}
    if odd:
        # The ConList writes every cell as text; a typed cell means the file was re-saved by a spreadsheet.
        log.warning("%s: non-text cells (%s) converted to text", path, sorted(odd))
        cells = [[cell_text(v) for v in row] for row in cells]
    return pd.DataFrame(cells, dtype="str")


def cell_text(value: object) -> str:
    """A non-text cell as the text the ConList would have written."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def read_rows(path: Path, fmt: str) -> tuple[pd.DataFrame, str]:
    """The raw cells (all text) and the `Last Updated` value of row 1, from XLSX or CSV."""
    try:
        if fmt == "uk_ofsi_xlsx":
            raw = read_xlsx_cells(path)
        else:
            check_csv_shape(path)
            raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                              names=range(len(HEADER)))
    except ListFormatError:
        raise
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ListFormatError(path, "file", f"cannot read as {fmt}: {exc}") from exc
    if len(raw) < 2:
        raise ListFormatError(path, "row 1", f"expected a `Last Updated` row and a header, got {len(raw)} row(s)")
    if str(raw.iat[0, 0]).strip() != "Last Updated":
        raise ListFormatError(path, "row 1, column 1", f"expected 'Last Updated', found {raw.iat[0, 0]!r}")
    header = [str(v).strip() for v in raw.iloc[1].tolist()]
    if header[: len(HEADER)] != HEADER or any(h not in ("", "nan", "None") for h in header[len(HEADER):]):
        unexpected = [h for h in header if h not in HEADER]
        missing = [h for h in HEADER if h not in header]
        raise ListFormatError(path, "row 2", f"header differs from the ConList layout: new {unexpected}, missing {missing}")
    rows = raw.iloc[2:, : len(HEADER)].copy()
    rows.columns = HEADER
    rows = rows.apply(clean_text)
    rows["source_position"] = (rows.index - 2 + FIRST_ROW_OFFSET).astype("int64")
    if rows["Group ID"].isna().any():
        first = int(rows.loc[rows["Group ID"].isna(), "source_position"].iloc[0])
        raise ListFormatError(path, f"row {first}", "row without a Group ID")
    return rows.reset_index(drop=True), str(raw.iat[0, 1]).strip()


# Other Information sub-fields that have a home of their own; any other `(Key):value` stays in the remarks.
REF_KEYS = {"UK Sanctions List Ref": "unique_id", "UN Ref": "un_reference"}  # an id, then free text
FIELD_KEYS = {"UK Statement of Reasons": "statement_of_reasons", "Parent company": "parent_company",
              "Business Reg No": "registration", "IMO number": "imo"}
PROPERTY_KEYS = {conlist: prop for _, _, conlist, prop in uk.PROPERTIES if conlist}
PROPERTY_COLUMNS = {"Position", "Town of Birth", "Country of Birth"}  # ConList columns that become properties
_KEY = re.compile(r"\(([A-Z][A-Za-z/ ]{1,40}(?:\(s\))?)\):")


def split_other_information(text: object) -> dict[str, str]:
    """Other Information as its sub-fields, by our names, and the free text left (`remarks`).

    `(UK Sanctions List Ref):AQD0013. (UN Ref):QDe.104. Review pursuant to …` gives the Unique ID, the UN
    reference and the free text; a statement of reasons runs to the next key.
    """
    if not isinstance(text, str):
        return {}
    out: dict[str, str] = {}
    free: list[str] = []
    markers = list(_KEY.finditer(text))
    free.append(text[: markers[0].start()] if markers else text)
    for marker, following in zip(markers, [*markers[1:], None]):
        key = marker[1]
        value = text[marker.end(): following.start() if following else len(text)]
        if key in REF_KEYS:
            token, _, rest = value.strip().partition(" ")
            out[REF_KEYS[key]] = token.rstrip(".")
            free.append(rest)
        elif key in FIELD_KEYS or key in PROPERTY_KEYS:
            name = FIELD_KEYS.get(key) or PROPERTY_KEYS[key]
            out[name] = f"{out[name]} {value}" if name in out else value
        else:
            free.append(text[marker.start(): following.start() if following else len(text)])
    out["remarks"] = " ".join(free)
    return out


def other_information(rows: pd.DataFrame) -> pd.DataFrame:
    """Per designation (index: Group ID), the sub-fields of its Other Information and the free text."""
    first = rows.drop_duplicates("Group ID").set_index("Group ID")["Other Information"]
    parsed = {text: split_other_information(text) for text in first.dropna().unique()}
    columns = ["remarks", "unique_id", "un_reference", *FIELD_KEYS.values(), *PROPERTY_KEYS.values()]
    frame = pd.DataFrame([parsed.get(text, {}) for text in first.tolist()], index=first.index,
                         columns=columns, dtype="str")
    return frame


def parse_designations(rows: pd.DataFrame, names: pd.DataFrame, info: pd.DataFrame, source: str) -> pd.DataFrame:
    """One designation per Group ID: type, primary name, regimes, dates and the Other Information sub-fields."""
    grouped = rows.groupby("Group ID", sort=False)
    first = grouped.head(1).set_index("Group ID")
    types_per_group = grouped["Group Type"].nunique()
    if (types_per_group > 1).any():
        log.warning("%s: groups with several Group Types: %s", source, types_per_group[types_per_group > 1].index.tolist())
    ranked = names.assign(_rank=names["alias_type"].map(ALIAS_RANK))
    primary = ranked.sort_values(["_rank", "source_position"], na_position="last").groupby("list_id").head(1)
    primary = primary.set_index("list_id")["full_name"]
    # The UK listing date is the UK Sanctions List's date of designation (the FCDO's Date Designated);
    # the ConList's `Listed On` (when OFSI first listed the entry, often under an EU-era regime) is the
    # fallback where it is empty.
    designated = parse_dates(rows["UK Sanctions List Date Designated"], "%d/%m/%Y", source,
                             "UK Sanctions List Date Designated")
    listed = designated.fillna(parse_dates(rows["Listed On"], "%d/%m/%Y", source, "Listed On"))
    updated = parse_dates(rows["Last Updated"], "%d/%m/%Y", source, "Last Updated")
    info = info.reindex(first.index)
    keys = first["list_id"]
    return pd.DataFrame({
        "authority": AUTHORITY,
        "list_name": LIST_NAME,
        "list_id": keys.values,
        "list_ref": keys.where(~keys.str.startswith(uk.PROVISIONAL_PREFIX)).values,
        "entity_type": map_vocabulary(first["Group Type"], AUTHORITY, "entity_type", source).values,
        "primary_name": keys.map(primary).values,
        "regimes": first.index.map(regimes_by_group(rows)),
        "listed_on": listed.groupby(rows["Group ID"]).min().reindex(first.index).values,
        "last_updated": updated.groupby(rows["Group ID"]).max().reindex(first.index).values,
        "remarks": uk.remarks(info["remarks"]).values,
        "statement_of_reasons": uk.statement_of_reasons(info["statement_of_reasons"]).values,
        "parent_company": clean_text(info["parent_company"].str.strip().str.rstrip(".")).values,
        "source_position": first["source_position"].values,
    })


def regimes_by_group(rows: pd.DataFrame) -> dict[str, str]:
    """The distinct regimes of each group, sorted and "; "-joined (15 real groups span several)."""
    pairs = rows[["Group ID", "Regime"]].dropna().drop_duplicates()
    return joined_by_key(pairs["Group ID"], pairs["Regime"], sep="; ")


def parse_names(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """One name per row: the Latin name from Name 1..6 and the non-Latin script name of the same row."""
    return pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": rows["list_id"],
        "full_name": join_columns(rows, NAME_PARTS),
        "alias_type": map_vocabulary(rows["Alias Type"], AUTHORITY, "alias_type", source),
        "alias_quality": map_vocabulary(rows["Alias Quality"], AUTHORITY, "alias_quality", source),
        "title": rows["Title"],
        "name_non_latin": rows["Name Non-Latin Script"],
        "non_latin_script": rows["Non-Latin Script Type"],
        "non_latin_language": rows["Non-Latin Script Language"],
        "source_position": rows["source_position"],
    })


def _packed(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Split a packed `(1) a (2) b` column into one row per value, keeping the designation's key."""
    values = rows[["list_id", column]].dropna()
    split = values[column].str.replace(rf"^{_PACKED}", "", regex=True).str.split(_PACKED, regex=True)
    out = values.assign(**{column: split}).explode(column)
    return out[out[column].str.strip() != ""]


def parse_identifiers(rows: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Passports, national identification numbers, IMO numbers and business registrations."""
    frames = []
    for id_type, number, details in (
        ("passport", "Passport Number", "Passport Details"),
        ("national_id", "National Identification Number", "National Identification Details"),
    ):
        ids = _packed(rows, number).merge(rows[["list_id", details]].drop_duplicates(), on="list_id", how="left")
        ids = ids.drop_duplicates(["list_id", number, details])
        frames.append(pd.DataFrame({
            "list_id": ids["list_id"], "id_type": id_type, "id_number": ids[number], "country": pd.NA,
            "details": ids[details],
        }))
    keys = info["list_id"]
    for id_type in ("imo", "registration"):
        value = clean_text(info[id_type].str.strip().str.rstrip(".")).dropna()
        frames.append(pd.DataFrame({
            "list_id": keys[value.index].values, "id_type": id_type, "id_number": value.values, "country": pd.NA,
            "details": pd.NA,
        }))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "authority", AUTHORITY)
    return out.astype({c: "str" for c in ["list_id", "id_type", "id_number", "country", "details"]})


def parse_properties(rows: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Facts with no column of their own: the OFSI Group ID, the UN reference, gender, phones, ship details…

    Packed values (`(1) a (2) b`) are one fact each.
    """
    keys, props, values = [], [], []
    for prop, column in (("ofsi_group_id", pd.Series(info.index, index=info.index)),
                         ("un_reference", info["un_reference"]), *((p, info[p]) for p in PROPERTY_KEYS.values())):
        present = column.dropna()
        keys += info.loc[present.index, "list_id"].tolist()
        props += [prop] * len(present)
        values += present.astype("str").tolist()
    for column in sorted(PROPERTY_COLUMNS):
        present = rows[["list_id", column]].dropna().drop_duplicates()
        keys += present["list_id"].tolist()
        props += [PROPERTY_KEYS[column]] * len(present)
        values += present[column].tolist()
    return uk.properties_frame(keys, props, values, packed=_PACKED_RE)


def parse_addresses(rows: pd.DataFrame) -> pd.DataFrame:
    """Distinct addresses per designation (the UK repeats them on every name row)."""
    address = join_columns(rows, [f"Address {i}" for i in range(1, 7)], sep=", ")
    out = pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": rows["list_id"],
        "address": address,
        "city": pd.Series(pd.NA, index=rows.index, dtype="str"),
        "postal_code": rows["Post/Zip Code"],
        "country": rows["Country"],
    })
    return out[out[["address", "postal_code", "country"]].notna().any(axis=1)]


def parse_birth_dates(rows: pd.DataFrame) -> pd.DataFrame:
    """Distinct birth dates, partial dates kept partial (`00/00/1994` and `1994` are the year 1994)."""
    dob = rows[["list_id", "DOB"]].dropna().drop_duplicates()
    return uk.birth_dates(dob["list_id"], dob["DOB"])


def parse_nationalities(rows: pd.DataFrame) -> pd.DataFrame:
    """Distinct nationalities, unpacking `(1) Russia (2) Ukraine`."""
    nat = _packed(rows, "Nationality")
    return pd.DataFrame({"authority": AUTHORITY, "list_id": nat["list_id"], "country": nat["Nationality"].str.strip()})


def parse_uk_ofsi(path: Path, fmt: str) -> ParsedList:
    """Parse a ConList XLSX (`uk_ofsi_xlsx`) or CSV (`uk_ofsi_csv`) file."""
    rows, last_updated = read_rows(path, fmt)
    published = pd.to_datetime(last_updated, format="%d/%m/%Y", errors="coerce")
    if pd.isna(published):
        raise ListFormatError(path, "row 1, column 2", f"unparseable Last Updated date {last_updated!r}")
    source = str(path)
    info = other_information(rows)
    info["list_id"] = uk.list_ids(info["unique_id"], pd.Series(info.index, index=info.index), source)
    rows["list_id"] = rows["Group ID"].map(info["list_id"])
    names = parse_names(rows, source)
    designations = parse_designations(rows, names, info, source)
    return ParsedList(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        format=fmt,
        source_file=source,
        sha256=sha256_of([path]),
        published_on=published.date(),
        designations=designations,
        names=names,
        identifiers=parse_identifiers(rows, info),
        addresses=parse_addresses(rows),
        birth_dates=parse_birth_dates(rows),
        nationalities=parse_nationalities(rows),
        properties=parse_properties(rows, info),
        former_ids=uk.former_ids(info["list_id"], pd.Series(info.index, index=info.index)),
    )

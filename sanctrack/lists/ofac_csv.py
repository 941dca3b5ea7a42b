"""US OFAC SDN list in the legacy CSV set: sdn.csv, add.csv, alt.csv, sdn_comments.csv.

No header, every value quoted, `-0- ` (unquoted, trailing space) for null, a 0x1A byte at the end.
Remarks are cut at 1,000 characters and continue, mid-word, in sdn_comments.csv; programs are packed
as `SDGT] [SYRIA`; remarks hold `DOB …; nationality …; Passport …; a.k.a. '…'; Linked To: …`.
A path is either one sdn.csv (primary records only) or a folder holding the set.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date
from pathlib import Path

import pandas as pd

from sanctrack.lists.limits import check_csv_shape
from sanctrack.lists.model import (
    ListFormatError,
    ParsedList,
    clean_text,
    empty_frame,
    iso_partial_dates,
    map_vocabulary,
    sha256_of,
    ADDRESS_COLUMNS,
)

log = logging.getLogger(__name__)

AUTHORITY = "US"
LIST_NAME = "OFAC SDN List"
NULL = "-0- "
END_BYTE = b"\x1a"
COLUMNS = {
    "sdn.csv": ["ent_num", "sdn_name", "sdn_type", "program", "title", "call_sign", "vess_type", "tonnage",
                "grt", "vess_flag", "vess_owner", "remarks"],
    "add.csv": ["ent_num", "add_num", "address", "city_state_zip", "country", "add_remarks"],
    "alt.csv": ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"],
    "sdn_comments.csv": ["ent_num", "remarks"],
}
MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
# Remark items that are identifiers: `Passport A123 (Russia)` -> (passport, A123, Russia, rest).
ID_PREFIXES = {
    "passport": r"Passport",
    "national_id": r"National ID No\.",
    "tax_id": r"Tax ID No\.",
    "registration": r"(?:Registration ID|Registration Number|Business Registration Number)",
    "imo": r"(?:Vessel Registration Identification IMO|IMO)",
    "mmsi": r"MMSI",
    "swift_bic": r"SWIFT/BIC",
}
_DATE = r"(?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})"
_DOB = re.compile(rf"^(circa )?{_DATE}(?:(?: to |-){_DATE})?$")


def read_ofac_csv(path: Path, kind: str) -> pd.DataFrame:
    """Read one file of the set into text columns, `-0- ` as NA; refuse empty or ragged files."""
    check_csv_shape(path, max_columns=len(COLUMNS[kind]))
    data = path.read_bytes()
    if not data.strip(END_BYTE + b"\r\n "):
        raise ListFormatError(path, "byte 0", f"empty {kind}: no records")
    if data.endswith(END_BYTE):
        data = data[:-1]
    elif kind != "sdn_comments.csv":
        log.warning("%s: no 0x1A end byte: the file may have been cut short", path)
    names = COLUMNS[kind]
    try:
        frame = pd.read_csv(io.BytesIO(data), header=None, names=names, dtype=str, keep_default_na=False,
                            na_values=[], encoding="utf-8", quotechar='"', on_bad_lines="error")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ListFormatError(path, "csv", f"malformed {kind}: {exc}") from exc
    # Every field is quoted or `-0- `: an empty last field means the record was cut short.
    ragged = frame[names[-1]].isna() | (frame[names[-1]] == "")
    if ragged.any():
        record = int(ragged.idxmax()) + 1
        raise ListFormatError(path, f"record {record}", f"{kind} record has fewer than {len(names)} fields (cut short?)")
    bad_id = ~frame["ent_num"].str.fullmatch(r"\d+")
    if bad_id.any():
        record = int(bad_id.idxmax()) + 1
        raise ListFormatError(path, f"record {record}", f"ent_num is not a number: {frame['ent_num'][bad_id].iloc[0]!r}")
    frame = frame.mask(frame == NULL).mask(frame.apply(lambda c: c.str.strip()) == "-0-")
    frame["source_position"] = (frame.index + 1).astype("int64")
    return frame


def files_of(path: Path) -> dict[str, Path]:
    """The files of the set: a folder with sdn.csv and its companions, or one sdn.csv alone."""
    if path.is_dir():
        files = {kind: path / kind for kind in COLUMNS if (path / kind).is_file()}
        if "sdn.csv" not in files:
            raise ListFormatError(path, "folder", "no sdn.csv in the OFAC CSV folder")
        missing = sorted(set(COLUMNS) - set(files))
        if missing:
            log.warning("%s: OFAC CSV set without %s", path, missing)
        return files
    return {"sdn.csv": path}


def published_on_of(path: Path) -> date | None:
    """The legacy CSV carries no publication date: use a date in the file or folder name.

    `sdn_2024-02-23.csv` gives 2024-02-23; a month alone (`sdn-2021-07`) gives its first day, with a warning.
    """
    match = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", path.name)
    if match is None:
        log.warning("%s: no publication date in the file name; the load date will be used", path)
        return None
    if match[3] is None:
        log.warning("%s: only a month in the name; taking %s-%s-01 as the publication date", path, match[1], match[2])
    return date(int(match[1]), int(match[2]), int(match[3] or 1))


def parse_remark_items(remarks: pd.Series) -> pd.DataFrame:
    """Split remarks into their `; `-separated items, one row per (ent_num, item)."""
    items = remarks.dropna().str.replace(r"\.$", "", regex=True).str.split(r";\s+", regex=True).explode()
    items = clean_text(items).dropna()
    return pd.DataFrame({"list_id": items.index, "item": items.values})


def parse_designations(sdn: pd.DataFrame, remarks: pd.Series, source: str) -> pd.DataFrame:
    """One designation per sdn.csv record."""
    programs = sdn["program"].fillna("").str.strip("[] ").str.split(r"\]\s*\[", regex=True)
    return pd.DataFrame({
        "authority": AUTHORITY,
        "list_name": LIST_NAME,
        "list_id": sdn["ent_num"],
        "list_ref": pd.Series(pd.NA, index=sdn.index, dtype="str"),
        "entity_type": map_vocabulary(sdn["sdn_type"].fillna("-0-"), AUTHORITY, "entity_type", source),
        "primary_name": clean_text(sdn["sdn_name"]),
        "regimes": programs.map(lambda p: "; ".join(sorted(x.strip() for x in p if x.strip()))).replace("", pd.NA),
        "listed_on": pd.Series(pd.NaT, index=sdn.index, dtype="datetime64[s]"),
        "last_updated": pd.Series(pd.NaT, index=sdn.index, dtype="datetime64[s]"),
        "remarks": remarks.values,
        "statement_of_reasons": pd.Series(pd.NA, index=sdn.index, dtype="str"),
        "parent_company": pd.Series(pd.NA, index=sdn.index, dtype="str"),
        "source_position": sdn["source_position"],
    })


def parse_names(sdn: pd.DataFrame, alt: pd.DataFrame | None, items: pd.DataFrame, source: str) -> pd.DataFrame:
    """The primary name, then aliases from alt.csv (or, without alt.csv, the remarks' `a.k.a. '…'`)."""
    primary = pd.DataFrame({
        "list_id": sdn["ent_num"], "full_name": clean_text(sdn["sdn_name"]), "alias_type": "primary",
        "title": clean_text(sdn["title"]), "source_position": sdn["source_position"],
    })
    if alt is not None:
        aliases = pd.DataFrame({
            "list_id": alt["ent_num"], "full_name": clean_text(alt["alt_name"]),
            "alias_type": map_vocabulary(alt["alt_type"], AUTHORITY, "alias_type", source),
            "source_position": alt["source_position"],
        })
    else:
        found = items["item"].str.extract(r"^([afn]\.k\.a\.) '(.+)'$")
        keep = found[1].notna()
        aliases = pd.DataFrame({
            "list_id": items.loc[keep, "list_id"], "full_name": found.loc[keep, 1],
            "alias_type": map_vocabulary(found.loc[keep, 0], AUTHORITY, "alias_type", source),
            "source_position": pd.NA,
        })
    names = pd.concat([primary, aliases], ignore_index=True)
    names.insert(0, "authority", AUTHORITY)
    for column in ("alias_quality", "title", "name_non_latin", "non_latin_script", "non_latin_language"):
        if column not in names:
            names[column] = pd.Series(pd.NA, index=names.index, dtype="str")
    names["source_position"] = names["source_position"].astype("Int64")
    return names


def parse_identifiers(sdn: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Identifiers from the remarks (passports, national ids, IMO, registrations…) and vessel call signs."""
    frames = []
    # One pass with every prefix as an alternative, then the matched prefix names the type.
    alternatives = "|".join(f"(?P<{id_type}>{prefix})" for id_type, prefix in ID_PREFIXES.items())
    found = items["item"].str.extract(
        rf"^(?:alt\. )?(?:{alternatives})\s+(?P<number>[^\s(]+)(?:\s+\((?P<country>[^)]+)\))?,?\s*(?P<rest>.*)$")
    keep = found["number"].notna()
    found = found[keep]
    id_type = pd.Series(pd.NA, index=found.index, dtype="str")
    for name in ID_PREFIXES:
        id_type = id_type.mask(found[name].notna(), name)
    frames.append(pd.DataFrame({
        "list_id": items.loc[keep, "list_id"], "id_type": id_type, "id_number": found["number"],
        "country": found["country"], "details": clean_text(found["rest"]),
    }))
    calls = sdn[sdn["call_sign"].notna()]
    frames.append(pd.DataFrame({
        "list_id": calls["ent_num"], "id_type": "call_sign", "id_number": calls["call_sign"],
        "country": calls["vess_flag"], "details": pd.NA,
    }))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "authority", AUTHORITY)
    return out.astype({c: "str" for c in ["list_id", "id_type", "id_number", "country", "details"]})


def parse_birth_dates(items: pd.DataFrame) -> pd.DataFrame:
    """`DOB 01 Jan 1960`, `DOB Jan 1960`, `DOB circa 1960`, `DOB 1960 to 1962`: partial dates kept partial."""
    dob = items[items["item"].str.match(r"^(?:alt\. )?DOB ")]
    raw = dob["item"].str.replace(r"^(?:alt\. )?DOB ", "", regex=True)
    parts = raw.str.extract(_DOB)
    month = parts[2].map(MONTHS)
    ranged = parts[6].notna()
    iso = iso_partial_dates(parts[3], month, parts[1]).mask(ranged)
    return pd.DataFrame({
        "authority": AUTHORITY,
        "list_id": dob["list_id"],
        "birth_date": iso,
        "year_from": pd.to_numeric(parts[3], errors="coerce").astype("Int64"),
        "year_to": pd.to_numeric(parts[6].fillna(parts[3]), errors="coerce").astype("Int64"),
        "is_approximate": parts[0].notna() | ranged,
        "raw_value": raw,
    })


def parse_nationalities(items: pd.DataFrame) -> pd.DataFrame:
    """`nationality Russia` and `citizen Russia` remark items."""
    found = items["item"].str.extract(r"^(?:alt\. )?(?:nationality|citizen) (.+)$")[0]
    keep = found.notna()
    return pd.DataFrame({"authority": AUTHORITY, "list_id": items.loc[keep, "list_id"], "country": found[keep]})


def parse_addresses(add: pd.DataFrame | None) -> pd.DataFrame:
    """Addresses from add.csv; none where the set has no add.csv."""
    if add is None:
        return empty_frame(ADDRESS_COLUMNS)
    out = pd.DataFrame({
        "authority": AUTHORITY, "list_id": add["ent_num"], "address": clean_text(add["address"]),
        "city": clean_text(add["city_state_zip"]), "postal_code": pd.Series(pd.NA, index=add.index, dtype="str"),
        "country": clean_text(add["country"]),
    })
    return out[out[["address", "city", "country"]].notna().any(axis=1)]


def parse_ofac_csv(path: Path) -> ParsedList:
    """Parse an OFAC legacy CSV set (a folder) or a lone sdn.csv."""
    files = files_of(path)
    source = str(path)
    frames = {kind: read_ofac_csv(file, kind) for kind, file in files.items()}
    sdn = frames["sdn.csv"]
    duplicated = sdn["ent_num"].duplicated()
    if duplicated.any():
        raise ListFormatError(files["sdn.csv"], f"record {int(duplicated.idxmax()) + 1}", "ent_num repeated")
    remarks = sdn.set_index("ent_num")["remarks"]
    if "sdn_comments.csv" in frames:
        # The continuation follows the cut mid-word: concatenate without a separator.
        more = frames["sdn_comments.csv"].groupby("ent_num")["remarks"].agg("".join)
        remarks = remarks.fillna("").str.cat(remarks.index.map(more).fillna("").astype("str")).replace("", pd.NA)
    items = parse_remark_items(remarks)
    alt, add = frames.get("alt.csv"), frames.get("add.csv")
    return ParsedList(
        authority=AUTHORITY,
        list_name=LIST_NAME,
        format="ofac_csv",
        source_file=source,
        sha256=sha256_of(list(files.values())),
        published_on=published_on_of(path),
        designations=parse_designations(sdn, remarks, source),
        names=parse_names(sdn, alt, items, source),
        identifiers=parse_identifiers(sdn, items),
        addresses=parse_addresses(add),
        birth_dates=parse_birth_dates(items),
        nationalities=parse_nationalities(items),
    )

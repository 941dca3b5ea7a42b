"""The facts of a list entry that say who it is, in comparable form, and how two entries' facts compare.

An entry is one designation of one list (authority, list name, list id) as its latest version gives
it; a kind of fact the latest version no longer carries (the derived FCDO files carry no birth dates
or identifiers) is taken from the latest version that did. Facts are reduced to comparable values:
identifiers to (family, number) pairs read through seeds/reference/entity_identifiers.csv, birth
dates to intervals of days, nationalities to ISO country codes (FollowTheMoney's country lookup).
Names are compared by the matching module's scorer (sanctrack/matching), not here.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sanctrack.settings import REFERENCE_DIR

log = logging.getLogger(__name__)

Key = tuple[str, str, str]  # (authority, list_name, list_id)

# Families of identifiers: two entries share an identifier when family and number are equal.
# `number` holds passports, national ids, tax and registration numbers: a person's passport number
# given as a national id by another list is still the same number.
IMO, MMSI, BIC, NUMBER, UN_REFERENCE, OFAC_ID = "imo", "mmsi", "bic", "number", "un_reference", "ofac_id"
FAMILIES = (IMO, MMSI, BIC, NUMBER, UN_REFERENCE, OFAC_ID)
UN_REFERENCE_PATTERN = re.compile(r"\b([A-Z]{2}[EI])\s*\.?\s*(\d{3})\b")

# Entity types that can be the same thing: lists that do not type ships or aircraft (the UN, the EU)
# list them as entities.
COMPATIBLE_TYPES = {
    ("person", "person"), ("organisation", "organisation"), ("vessel", "vessel"), ("aircraft", "aircraft"),
    ("organisation", "vessel"), ("vessel", "organisation"), ("organisation", "aircraft"), ("aircraft", "organisation"),
}


@dataclass(frozen=True)
class DateSpan:
    """A birth date as the interval of days it allows: a day, a month, a year, a range of years."""

    first: date
    last: date
    raw: str

    @property
    def is_day(self) -> bool:
        return self.first == self.last


@dataclass
class Entry:
    """One list entry's identifying facts."""

    key: Key
    version_id: str  # the latest version: its names are the entry's names
    entity_type: str
    primary_name: str
    regimes: frozenset[str]
    first_listed: date  # valid_from of the entry's first version (history starts at the first loaded file)
    removed_on: date | None  # valid_to of its last version when it is no longer listed
    birth_dates: tuple[DateSpan, ...] = ()
    countries: frozenset[str] = frozenset()  # nationalities, ISO codes
    identifiers: frozenset[tuple[str, str]] = frozenset()  # (family, number)

    @property
    def list_key(self) -> tuple[str, str]:
        return self.key[0], self.key[1]


@lru_cache(maxsize=1)
def identifier_families() -> dict[tuple[str, str], str]:
    """(authority, the list's id type) -> family, or "none" for labels that identify nothing."""
    with (REFERENCE_DIR / "entity_identifiers.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    unknown = {r["family"] for r in rows} - set(FAMILIES) - {"none"}
    if unknown:
        raise ValueError(f"entity_identifiers.csv: unknown families {sorted(unknown)} (known: {', '.join(FAMILIES)})")
    return {(r["authority"], r["id_type"]): r["family"] for r in rows}


def identifier_numbers(family: str, value: str) -> set[str]:
    """The numbers an identifier value holds, normalised for comparison (none when it holds no usable one).

    A number is upper case letters and digits without separators, at least 6 long with at least 4
    digits (shorter ones collide by chance); a cell may hold several ("OGRN: 1157847282603 TIN:
    7840038027"). IMO numbers must pass their check digit, MMSI numbers have 9 digits, SWIFT codes
    are compared on the bank's first 8 characters, UN references as `QDI.064`.
    """
    text = value.upper()
    if family == IMO:
        return {n for n in re.findall(r"(?<!\d)\d{7}(?!\d)", text) if imo_check_digit_ok(n)}
    if family == MMSI:
        return set(re.findall(r"(?<!\d)\d{9}(?!\d)", text))
    if family == BIC:
        return {m[:8] for m in re.findall(r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b", text)}
    if family == UN_REFERENCE:
        return {f"{a}.{b}" for a, b in UN_REFERENCE_PATTERN.findall(text)}
    numbers = set()
    whole = re.sub(r"[^A-Z0-9]", "", text)
    if not re.search(r"[A-Z]{3}", text):  # one number written with separators ("001-843-989-7", "AB 12345")
        numbers.add(whole)
    for part in re.split(r"[\s,;:()\[\]\"']+", text):
        numbers.add(re.sub(r"[^A-Z0-9]", "", part))
    return {n for n in numbers if len(n) >= 6 and sum(c.isdigit() for c in n) >= 4 and len(set(n)) > 2}


def imo_check_digit_ok(number: str) -> bool:
    """IMO ship numbers: the weighted sum of the first six digits (weights 7..2) ends in the seventh."""
    digits = [int(c) for c in number]
    return sum(d * w for d, w in zip(digits[:6], range(7, 1, -1))) % 10 == digits[6]


def date_span(birth_date: str | None, year_from: int | None, year_to: int | None, approximate: bool,
              raw: str) -> DateSpan | None:
    """A birth date row as an interval of days; approximate dates allow a year either side."""
    first = last = None
    if birth_date:
        parts = [int(p) for p in birth_date.split("-")]
        if len(parts) == 3:
            first = last = date(*parts)
        elif len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            last = (date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)) - timedelta(days=1)
        else:
            first, last = date(parts[0], 1, 1), date(parts[0], 12, 31)
    elif year_from or year_to:
        first, last = date(year_from or year_to, 1, 1), date(year_to or year_from, 12, 31)
    if first is None:
        return None
    if approximate:
        first, last = date(first.year - 1, 1, 1), date(last.year + 1, 12, 31)
    return DateSpan(first, last, raw)


# How two entries' birth dates compare.
SAME_DAY, SAME_PERIOD, NEAR, BIRTH_DATE_CONFLICT, UNKNOWN = "same_day", "same_period", "near", "conflict", "unknown"


def compare_birth_dates(a: tuple[DateSpan, ...], b: tuple[DateSpan, ...]) -> str:
    """How two entries' birth dates compare, the best of any two of their dates:

    same_day (two full dates agree), same_period (a partial date or a range holds the other), near (a
    day apart, day and month swapped, or years given one apart: the UN list gives several DPRK birth
    dates a day earlier than the UK, lists write days and months in both orders, and a year of birth
    is often worked out from an age), conflict (both known, none of these), or unknown (one side gives
    none).
    """
    if not a or not b:
        return UNKNOWN
    best = BIRTH_DATE_CONFLICT
    for x in a:
        for y in b:
            if x.first <= y.last and y.first <= x.last:
                if x.is_day and y.is_day:
                    return SAME_DAY
                best = SAME_PERIOD
            elif best == BIRTH_DATE_CONFLICT and _near(x, y):
                best = NEAR
    return best


def _near(x: DateSpan, y: DateSpan) -> bool:
    if not (x.is_day and y.is_day):  # a year given one apart (1950 and 1949)
        return x.first.year - 1 <= y.last.year and y.first.year - 1 <= x.last.year
    if abs((x.first - y.first).days) <= 1:
        return True
    return x.first.year == y.first.year and x.first.day == y.first.month and x.first.month == y.first.day


AGREE, CONFLICT = "agree", "conflict"


def compare_countries(a: frozenset[str], b: frozenset[str]) -> str:
    """agree (a nationality in common), conflict (both known, none in common) or unknown."""
    if not a or not b:
        return UNKNOWN
    return AGREE if a & b else CONFLICT


def types_compatible(a: str, b: str) -> bool:
    """Whether two entity types can be the same thing (an organisation of a list that does not type
    ships may be a vessel of another)."""
    return (a, b) in COMPATIBLE_TYPES


@lru_cache(maxsize=1)
def country_table() -> dict[str, frozenset[str]]:
    """Country names as the lists write them -> ISO codes (seeds/reference/entity_countries.csv; an
    empty cell: no country, e.g. "undetermined")."""
    with (REFERENCE_DIR / "entity_countries.csv").open(newline="", encoding="utf-8") as fh:
        return {row["value"].strip().lower(): frozenset(row["codes"].split()) for row in csv.DictReader(fh)}


def country_codes(values: set[str]) -> dict[str, frozenset[str]]:
    """ISO codes of each country value ("Russia", "RUSSIAN FEDERATION", "Estonia, Russia"). Values the
    reference table lacks are read by FollowTheMoney's country lookup (seconds to load), with a warning
    naming them so that they are added to the table."""
    table = country_table()
    out = {v: table[v.strip().lower()] for v in values if v.strip().lower() in table}
    new = sorted(set(values) - set(out))
    if new:
        from followthemoney.types import registry

        for value in new:
            code = registry.country.clean(value)
            parts = [code] if code else [registry.country.clean(p) for p in re.split(r"[,;./]| and ", value) if p.strip()]
            out[value] = frozenset(c for c in parts if c)
        log.warning("entities: country values not in seeds/reference/entity_countries.csv, read by FollowTheMoney: "
                    "%s", {v: " ".join(sorted(out[v])) for v in new[:20]})
    return out

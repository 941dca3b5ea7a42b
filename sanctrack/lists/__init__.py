"""Official sanctions lists in their published formats: one parser module per format.

`parse_list(path)` detects the format from the content (or takes it explicitly) and returns a
ParsedList of frames keyed by (authority, list_id), with a content hash per designation.
"""

from __future__ import annotations

from pathlib import Path

from sanctrack.lists.detect import FORMATS, detect_format
from sanctrack.lists.model import ListFormatError, ParsedList, finalise

__all__ = ["FORMATS", "ListFormatError", "ParsedList", "detect_format", "parse_list"]


def parse_list(path: Path, fmt: str | None = None) -> ParsedList:
    """Parse one list file (or OFAC CSV folder) in the given or detected format."""
    path = Path(path)
    if not path.exists():
        raise ListFormatError(path, "file", "no such file")
    fmt = fmt or detect_format(path)
    if fmt in ("uk_fcdo_xml", "uk_fcdo_csv"):
        from sanctrack.lists.uk_fcdo import parse_uk_fcdo

        parsed = parse_uk_fcdo(path, fmt)
    elif fmt in ("uk_ofsi_xlsx", "uk_ofsi_csv"):
        from sanctrack.lists.uk_ofsi import parse_uk_ofsi

        parsed = parse_uk_ofsi(path, fmt)
    elif fmt == "ofac_csv":
        from sanctrack.lists.ofac_csv import parse_ofac_csv

        parsed = parse_ofac_csv(path)
    elif fmt in ("ofac_enhanced_xml", "ofac_delta_xml"):
        from sanctrack.lists.ofac_enhanced import parse_ofac_enhanced

        parsed = parse_ofac_enhanced(path, fmt)
    elif fmt == "ofac_xml":
        from sanctrack.lists.ofac_xml import parse_ofac_xml

        parsed = parse_ofac_xml(path)
    elif fmt == "un_xml":
        from sanctrack.lists.un_xml import parse_un_xml

        parsed = parse_un_xml(path)
    elif fmt == "eu_fsf_xml":
        from sanctrack.lists.eu_fsf import parse_eu_fsf

        parsed = parse_eu_fsf(path)
    else:
        raise ValueError(f"unknown list format {fmt!r}; known: {', '.join(FORMATS)}")
    if parsed.source_records is None:
        parsed.source_records = len(parsed.designations)
    if parsed.designations.empty:
        raise ListFormatError(path, "end of file", "no designations in the file")
    return finalise(parsed)

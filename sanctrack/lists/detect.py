"""The format of a list file, told from its content (magic bytes, root element, first line)."""

from __future__ import annotations

import re
from pathlib import Path

from sanctrack.lists.model import ListFormatError
from sanctrack.lists.xmlsafe import root_info

FORMATS = ("uk_fcdo_xml", "uk_fcdo_csv", "uk_ofsi_xlsx", "uk_ofsi_csv", "ofac_enhanced_xml", "ofac_delta_xml",
           "ofac_csv", "ofac_xml", "un_xml", "eu_fsf_xml")
XML_ROOTS = {
    ("", "Designations"): "uk_fcdo_xml",
    ("https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML", "sanctionsData"):
        "ofac_enhanced_xml",
    ("https://www.treasury.gov/ofac/DeltaFile/1.0", "sanctionsData"): "ofac_delta_xml",
    ("http://tempuri.org/sdnList.xsd", "sdnList"): "ofac_xml",
    ("", "CONSOLIDATED_LIST"): "un_xml",
    ("http://eu.europa.ec/fpi/fsd/export", "export"): "eu_fsf_xml",
}
# An OFAC legacy CSV record starts with the ent_num, then the quoted name.
_OFAC_FIRST_LINE = re.compile(rb'^\d+,"')


def detect_format(path: Path) -> str:
    """Name the format of a list file or an OFAC CSV folder; raise ListFormatError if unknown."""
    if path.is_dir():
        if (path / "sdn.csv").is_file():
            return "ofac_csv"
        raise ListFormatError(path, "folder", "a folder is only read as an OFAC CSV set, and it has no sdn.csv")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip(b"\x1a\r\n \t"):
        raise ListFormatError(path, "byte 0", "empty file")
    if head.startswith(b"PK\x03\x04"):
        return "uk_ofsi_xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        namespace, root, _ = root_info(path)
        try:
            return XML_ROOTS[(namespace, root)]
        except KeyError:
            raise ListFormatError(path, "root element", f"unknown XML list: {{{namespace}}}{root}") from None
    if text.startswith(b"Last Updated,") or text.startswith(b'"Last Updated",'):
        return "uk_ofsi_csv"
    if text.startswith(b"Report Date:") or text.startswith(b'"Report Date:'):
        return "uk_fcdo_csv"
    if _OFAC_FIRST_LINE.match(text):
        return "ofac_csv"
    raise ListFormatError(path, "line 1", f"unrecognised list format, starting {head[:60]!r}")

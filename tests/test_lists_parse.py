"""Parsing the official lists in their native formats: tiny fixtures, then the real files."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from sanctrack.lists import ListFormatError, detect_format, parse_list
from sanctrack.lists.validate import validate_parsed
from tests.helpers import write_xlsx_parts

FIXTURES = Path(__file__).parent / "fixtures" / "lists"


def write_xlsx(rows: list[list[str]], path: Path) -> Path:
    """A minimal XLSX (inline strings, one sheet "Data") with the given cells, as OFSI publishes."""

    def column(i: int) -> str:
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    cells = []
    for r, row in enumerate(rows, start=1):
        values = "".join(
            f'<c r="{column(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
            for c, v in enumerate(row) if v
        )
        cells.append(f'<row r="{r}">{values}</row>')
    return write_xlsx_parts(path, "".join(cells))


@pytest.fixture
def uk_xlsx(tmp_path: Path) -> Path:
    """The five-row ConList CSV fixture written as the XLSX OFSI publishes."""
    rows = pd.read_csv(FIXTURES / "uk_conlist_5rows.csv", header=None, dtype=str, keep_default_na=False)
    return write_xlsx(rows.values.tolist(), tmp_path / "ConList_fixture.xlsx")


# --- format detection ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fmt"), [
    ("uk_conlist_5rows.csv", "uk_ofsi_csv"),
    ("ofac_set", "ofac_csv"),
    ("ofac_set/sdn.csv", "ofac_csv"),
    ("ofac_consolidated_5.xml", "ofac_xml"),
    ("un_5.xml", "un_xml"),
    ("eu_fsf_5.xml", "eu_fsf_xml"),
    ("uk_fcdo_5.xml", "uk_fcdo_xml"),
    ("uk_fcdo_5.csv", "uk_fcdo_csv"),
    ("ofac_enhanced_2024-07-03.xml", "ofac_enhanced_xml"),
    ("ofac_delta_2025-01-13.xml", "ofac_delta_xml"),
])
def test_format_is_detected_from_content(name: str, fmt: str) -> None:
    assert detect_format(FIXTURES / name) == fmt


def test_xlsx_is_detected_by_its_magic_bytes(uk_xlsx: Path) -> None:
    assert detect_format(uk_xlsx) == "uk_ofsi_xlsx"


def test_content_decides_not_the_file_name(tmp_path: Path) -> None:
    disguised = tmp_path / "list.csv"
    shutil.copy(FIXTURES / "un_5.xml", disguised)
    assert detect_format(disguised) == "un_xml"


def test_format_can_be_named_explicitly() -> None:
    with pytest.raises(ListFormatError, match="Last Updated"):
        parse_list(FIXTURES / "ofac_set" / "sdn.csv", "uk_ofsi_csv")


def test_unknown_format_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(ListFormatError, match="notes.txt: line 1: unrecognised"):
        parse_list(path)


# --- UK OFSI --------------------------------------------------------------------------------------

def test_uk_rows_sharing_a_group_id_are_one_designation() -> None:
    parsed = parse_list(FIXTURES / "uk_conlist_5rows.csv")
    assert parsed.published_on.isoformat() == "2025-04-14"
    assert len(parsed.names) == 5
    assert parsed.designations.set_index("list_id")["entity_type"].to_dict() == {
        "RUS2389": "person", "RUS2386": "organisation", "DPR0100": "vessel"}


def test_uk_sub_fields_of_other_information_are_extracted() -> None:
    d = parse_list(FIXTURES / "uk_conlist_5rows.csv").designations.set_index("list_id")
    assert d.loc["RUS2389", "list_ref"] == "RUS2389"
    assert d.loc["RUS2386", "parent_company"] == "Rosatom"
    assert d.loc["RUS2389", "statement_of_reasons"].startswith("Pavel Mikhailovich FRADKOV is an involved person")
    assert d.loc["RUS2389", "primary_name"] == "Pavel Mikhailovich FRADKOV"


def test_uk_keys_are_unique_ids_and_sub_fields_with_a_home_leave_the_remarks() -> None:
    parsed = parse_list(FIXTURES / "uk_conlist_5rows.csv")
    assert parsed.list_name == "UK Sanctions List"
    d = parsed.designations.set_index("list_id")
    assert pd.isna(d.loc["RUS2389", "remarks"])  # reference, statement of reasons and gender: all have a home
    props = set(zip(parsed.properties["list_id"], parsed.properties["property"], parsed.properties["value"]))
    assert {("RUS2389", "ofsi_group_id", "16758"), ("RUS2389", "gender", "Male"), ("RUS2389", "position", "Director"),
            ("DPR0100", "ship_flag", "North Korea"), ("RUS2386", "type_of_entity", "Limited Liability Company")} <= props


def test_uk_other_information_keeps_its_free_text_and_unknown_sub_fields() -> None:
    from sanctrack.lists.uk_ofsi import split_other_information

    parts = split_other_information("(UK Sanctions List Ref):AQD0013. (UN Ref):QDe.104. Review concluded. "
                                    "(Fax):+1 234 (Gender):Male")
    assert parts["unique_id"] == "AQD0013" and parts["un_reference"] == "QDe.104" and parts["gender"] == "Male"
    assert " ".join(parts["remarks"].split()) == "Review concluded. (Fax):+1 234"


def test_a_uk_unique_id_given_to_two_entries_keys_both_by_their_group_ids(tmp_path: Path,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "shared_ref.csv"
    path.write_text((FIXTURES / "uk_conlist_5rows.csv").read_text(encoding="utf-8").replace("RUS2386", "RUS2389"),
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        parsed = parse_list(path)
    assert sorted(parsed.designations["list_id"]) == ["DPR0100", "OFSI-16755", "OFSI-16758"]
    assert "UK Unique IDs given to several entries" in caplog.text and "RUS2389" in caplog.text


def test_uk_names_keep_alias_type_quality_and_non_latin_script() -> None:
    names = parse_list(FIXTURES / "uk_conlist_5rows.csv").names
    fradkov = names[names["list_id"] == "RUS2389"].iloc[0]
    assert (fradkov["alias_type"], fradkov["name_non_latin"], fradkov["non_latin_script"]) == (
        "primary", "ФРАДКОВ Павел Михайлович", "Cyrillic")
    assert names[names["full_name"] == "RUSATOM ADDITIVE TECHNOLOGIES"]["alias_quality"].tolist() == ["good"]


def test_uk_packed_passports_and_ship_imo_become_identifiers() -> None:
    ids = parse_list(FIXTURES / "uk_conlist_5rows.csv").identifiers
    assert sorted(ids[ids["list_id"] == "RUS2389"]["id_number"]) == ["123456", "654321"]
    assert ids[ids["id_type"] == "imo"]["id_number"].tolist() == ["7408873"]


def test_partial_birth_dates_stay_partial() -> None:
    dates = parse_list(FIXTURES / "uk_conlist_5rows.csv").birth_dates.set_index("list_id")["birth_date"]
    assert dates["RUS2389"] == "1981-06-07"
    assert dates["DPR0100"] == "1994"


def test_uk_xlsx_and_csv_of_the_same_list_parse_the_same(uk_xlsx: Path) -> None:
    from_csv = parse_list(FIXTURES / "uk_conlist_5rows.csv")
    from_xlsx = parse_list(uk_xlsx)
    assert from_xlsx.format == "uk_ofsi_xlsx"
    assert from_xlsx.designations["content_hash"].tolist() == from_csv.designations["content_hash"].tolist()


def test_a_new_uk_column_is_an_error(tmp_path: Path) -> None:
    text = (FIXTURES / "uk_conlist_5rows.csv").read_text(encoding="utf-8").replace("Group ID", "Group Identifier", 1)
    path = tmp_path / "changed.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListFormatError, match=r"row 2: header differs.*Group Identifier"):
        parse_list(path)


# --- UK FCDO UK Sanctions List -------------------------------------------------------------------

FCDO_XML, FCDO_CSV = FIXTURES / "uk_fcdo_5.xml", FIXTURES / "uk_fcdo_5.csv"


def test_fcdo_csv_and_xml_of_one_day_give_identical_designations() -> None:
    xml, csv = parse_list(FCDO_XML), parse_list(FCDO_CSV)
    assert (xml.format, csv.format) == ("uk_fcdo_xml", "uk_fcdo_csv")
    assert xml.published_on.isoformat() == csv.published_on.isoformat() == "2026-08-22"
    for table, frame in xml.tables().items():
        columns = [c for c in frame.columns if c != "source_position"]
        a = frame[columns].sort_values(columns).reset_index(drop=True)
        b = csv.tables()[table][columns].sort_values(columns).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=table)


def test_fcdo_designations_are_keyed_by_unique_id_with_the_ofsi_group_id_kept() -> None:
    parsed = parse_list(FCDO_XML)
    d = parsed.designations.set_index("list_id")
    assert d["entity_type"].to_dict() == {"RUS2389": "person", "RUS2386": "organisation", "DPR0100": "vessel",
                                          "AQD0013": "organisation", "GHR0094": "person"}
    assert d.loc["RUS2389", "list_ref"] == "RUS2389" and d.loc["RUS2389", "regimes"] == "Russia"
    assert (d.loc["RUS2389", "listed_on"], d.loc["RUS2389", "last_updated"]) == (
        pd.Timestamp("2025-02-14"), pd.Timestamp("2025-04-09"))
    groups = parsed.properties[parsed.properties["property"] == "ofsi_group_id"].set_index("list_id")["value"]
    assert groups["RUS2389"] == "16758"
    assert parsed.former_ids.set_index("list_id").loc["GHR0094", "former_list_id"] == "OFSI-15878"


def test_fcdo_name_types_in_every_spelling_and_nameless_entries() -> None:
    names = parse_list(FCDO_XML).names
    by_name = names.set_index("full_name")
    assert by_name.loc["Pavel Mikhaylovich FRADKOV", "alias_type"] == "primary_variation"  # `Primary name variation`
    assert tuple(by_name.loc["AL HARAMAIN", ["alias_type", "alias_quality"]]) == ("aka", "low")  # `ALias`
    assert tuple(by_name.loc["RUSATOM ADDITIVE TECHNOLOGIES", ["alias_type", "alias_quality"]]) == ("aka", "good")
    # The Name entry with no name part is left out; the non-Latin name is a name of its own.
    assert names[names["list_id"] == "AQD0013"]["full_name"].tolist() == ["AL-HARAMAIN FOUNDATION (PAKISTAN)",
                                                                          "AL HARAMAIN"]
    cyrillic = by_name.loc["Павел Михайлович Фрадков"]
    assert (cyrillic["name_non_latin"], cyrillic["non_latin_script"]) == ("Павел Михайлович Фрадков", "Cyrillic")


def test_fcdo_partial_birth_dates_stay_partial_and_entities_are_read() -> None:
    parsed = parse_list(FCDO_CSV)
    dates = parsed.birth_dates.set_index("raw_value")["birth_date"].to_dict()
    assert dates == {"07/06/1981": "1981-06-07", "00/00/1975": "1975", "dd/mm/1972": "1972"}  # `'00/00/1975` too
    d = parsed.designations.set_index("list_id")
    assert d.loc["RUS2389", "statement_of_reasons"].startswith('Pavel Mikhailovich FRADKOV, hereafter "FRADKOV", is')
    assert pd.isna(d.loc["DPR0100", "statement_of_reasons"])  # a UN designation's is a lone line break
    props = parsed.properties.groupby("list_id").apply(lambda g: sorted(zip(g["property"], g["value"])))
    assert ("designation_source", "UK") in props["AQD0013"] and ("designation_source", "UN") in props["AQD0013"]
    assert ("sanctions_imposed", "Prohibition of port entry") in props["DPR0100"]
    ids = parsed.identifiers.set_index("id_type")
    assert ids.loc["imo", "id_number"] == "7408873" and ids.loc["passport", "details"] == "Russian passport"


def test_fcdo_csv_with_another_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "changed.csv"
    path.write_text(FCDO_CSV.read_text(encoding="utf-8").replace(",Gender,", ",Sex,", 1), encoding="utf-8")
    with pytest.raises(ListFormatError, match=r"changed.csv: line 2: header differs.*new \['Sex'\]"):
        parse_list(path)


def test_an_unknown_fcdo_element_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "new.xml"
    path.write_text(FCDO_XML.read_text(encoding="utf-8").replace("<RegimeName>", "<Colour>red</Colour><RegimeName>", 1),
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        parse_list(path)
    assert "elements this parser does not read: {'Colour': 1}" in caplog.text


# --- OFAC enhanced XML and delta files ------------------------------------------------------------

def test_ofac_enhanced_reads_names_translations_features_and_lists() -> None:
    parsed = parse_list(FIXTURES / "ofac_enhanced_2026-01-08.xml")
    assert (parsed.list_name, parsed.published_on.isoformat(), parsed.kind) == (
        "OFAC Consolidated (non-SDN) List", "2026-01-08", "full")
    d = parsed.designations.set_index("list_id")
    assert d.loc["17016", "regimes"] == "RUSSIA-EO14024; UKRAINE-EO13662"
    assert d.loc["17016", "listed_on"] == pd.Timestamp("2014-07-16")  # the earliest list publication
    names = parsed.names.set_index("full_name")
    assert names.loc["GAZPROMBANK JOINT STOCK COMPANY", "name_non_latin"] == "ГАЗПРОМБАНК"
    assert tuple(names.loc["GAZPROMBANK OAO", ["alias_type", "alias_quality"]]) == ("fka", "strong")
    dates = parsed.birth_dates.set_index("raw_value")
    assert dates.loc["12 Feb 1951", "birth_date"] == "1951-02-12"
    assert (pd.isna(dates.loc["circa 1950", "birth_date"]), dates.loc["circa 1950", "year_from"],
            dates.loc["circa 1950", "year_to"], dates.loc["circa 1950", "is_approximate"]) == (True, 1949, 1951, True)
    props = set(zip(parsed.properties["list_id"], parsed.properties["property"], parsed.properties["value"]))
    assert ("17016", "sanctions_list", "SDN List (2024-11-21)") in props
    assert ("17016", "relationship", "Owned or Controlled By: VTB BANK (17013)") in props
    assert ("17016", "listing_date_eo_14024_directive_2", "24 Feb 2022") in props
    ids = parsed.identifiers.set_index("id_number")
    assert ids.loc["GAZPRUMM", "id_type"] == "swift_bic"


def test_ofac_delta_entities_carry_their_action() -> None:
    parsed = parse_list(FIXTURES / "ofac_delta_2025-01-13.xml")
    assert (parsed.kind, parsed.list_name, parsed.published_on.isoformat()) == ("delta", "OFAC SDN List", "2025-01-13")
    assert dict(zip(parsed.actions["list_id"], parsed.actions["action"])) == {"90001": "add", "36": "remove"}


def test_a_delta_entity_without_an_action_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "delta.xml"
    path.write_text((FIXTURES / "ofac_delta_2025-01-13.xml").read_text().replace(' action="remove"', ""))
    with pytest.raises(ListFormatError, match="1 without one"):
        parse_list(path)


# --- OFAC legacy CSV ------------------------------------------------------------------------------

def test_ofac_null_marker_and_packed_programs() -> None:
    d = parse_list(FIXTURES / "ofac_set").designations.set_index("list_id")
    assert d.loc["43196", "regimes"] == "RUSSIA-EO14024; SDGT"
    assert d.loc["36", "entity_type"] == "organisation"  # SDN_Type `-0- ` is an entity
    assert pd.isna(d.loc["36", "remarks"])
    assert d["entity_type"].tolist() == ["organisation", "person", "organisation", "vessel", "aircraft"]


def test_ofac_remarks_continue_mid_word_from_sdn_comments() -> None:
    remarks = parse_list(FIXTURES / "ofac_set").designations.set_index("list_id").loc["43196", "remarks"]
    assert "ROSATOM STATE CORPORATION; Linked To: KIROV ENERGOMASH." in remarks


def test_ofac_set_reads_aliases_addresses_and_remark_facts() -> None:
    parsed = parse_list(FIXTURES / "ofac_set")
    assert parsed.names[parsed.names["list_id"] == "23303"]["full_name"].tolist() == [
        "CHAYKA, Artem Yuryevich", "CHAIKA, Artem"]
    assert parsed.addresses["list_id"].tolist() == ["36", "43196"]
    assert parsed.birth_dates.set_index("list_id").loc["23303", "birth_date"] == "1988-07-12"
    ids = parsed.identifiers.set_index(["list_id", "id_type"])["id_number"]
    assert ids[("23303", "passport")] == "753252811"
    assert ids[("9702", "imo")] == "7408873"


def test_a_lone_sdn_csv_takes_aliases_from_the_remarks() -> None:
    names = parse_list(FIXTURES / "ofac_set" / "sdn.csv").names
    assert names[names["list_id"] == "23303"]["full_name"].tolist() == ["CHAYKA, Artem Yuryevich", "CHAIKA, Artem"]


def test_an_empty_sdn_csv_fails_naming_the_file_and_position() -> None:
    with pytest.raises(ListFormatError) as caught:
        parse_list(FIXTURES / "empty_sdn.csv", "ofac_csv")
    assert caught.value.file.endswith("empty_sdn.csv") and caught.value.position == "byte 0"


def test_a_cut_ofac_record_fails_with_its_record_number(tmp_path: Path) -> None:
    data = (FIXTURES / "ofac_set" / "sdn.csv").read_bytes()
    cut = data[: data.index(b'"GLOMAG"') + 8] + b"\r\n"
    (tmp_path / "sdn.csv").write_bytes(cut)
    with pytest.raises(ListFormatError, match=r"sdn.csv: record 2: .*fewer than 12 fields"):
        parse_list(tmp_path / "sdn.csv")


# --- XML formats ----------------------------------------------------------------------------------

def test_ofac_xml_reads_entries_and_checks_the_record_count() -> None:
    parsed = parse_list(FIXTURES / "ofac_consolidated_5.xml")
    assert parsed.list_name == "OFAC Consolidated (non-SDN) List"
    assert parsed.published_on.isoformat() == "2022-03-24"
    assert parsed.designations["entity_type"].tolist() == ["person", "organisation", "vessel", "aircraft", "person"]
    assert parsed.designations.set_index("list_id").loc["26000", "regimes"] == "CMIC-EO13959; RUSSIA-EO14024"


def test_ofac_xml_with_a_wrong_record_count_fails(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text((FIXTURES / "ofac_consolidated_5.xml").read_text().replace("<Record_Count>5<", "<Record_Count>6<"))
    with pytest.raises(ListFormatError, match="Record_Count says 6, found 5"):
        parse_list(path)


def test_un_xml_reads_aliases_ranges_and_time_zone_dates() -> None:
    parsed = parse_list(FIXTURES / "un_5.xml")
    d = parsed.designations.set_index("list_id")
    assert d.loc["6908000", "listed_on"] == pd.Timestamp("2015-07-01")  # `2015-07-01-04:00`
    assert d.loc["6908000", "last_updated"] == pd.Timestamp("2011-11-21")
    assert d.loc["6908000", "list_ref"] == "TAi.033"
    ranged = parsed.birth_dates.set_index("list_id").loc["6908000"]
    assert (pd.isna(ranged["birth_date"]), ranged["year_from"], ranged["year_to"], ranged["is_approximate"]) == (
        True, 1966, 1968, True)
    assert parsed.names[parsed.names["full_name"] == "Zahid"]["alias_quality"].tolist() == ["low"]


def test_eu_entity_repeated_per_regulation_is_one_designation() -> None:
    parsed = parse_list(FIXTURES / "eu_fsf_5.xml")
    assert parsed.source_records == 5 and len(parsed.designations) == 4
    merged = parsed.designations.set_index("list_id").loc["516"]
    assert merged["regimes"] == "AFG; TAQA"
    assert merged["listed_on"] == pd.Timestamp("2001-01-31")


def test_eu_unknown_country_code_is_no_country() -> None:
    parsed = parse_list(FIXTURES / "eu_fsf_5.xml")
    assert "UNKNOWN" not in parsed.nationalities["country"].tolist()
    assert parsed.birth_dates.set_index("list_id").loc["7010", "birth_date"] == "1970-05"


def test_a_truncated_eu_file_fails_with_line_and_column() -> None:
    with pytest.raises(ListFormatError, match=r"eu_fsf_truncated.xml: line \d+, column \d+ .*malformed XML"):
        parse_list(FIXTURES / "eu_fsf_truncated.xml")


def test_billion_laughs_is_rejected_quickly() -> None:
    started = time.perf_counter()
    # libxml2's own amplification limit, or the DOCTYPE refusal: whichever the parser meets first.
    with pytest.raises(ListFormatError, match="declares a DOCTYPE|Maximum entity amplification factor exceeded"):
        parse_list(FIXTURES / "billion_laughs.xml")
    assert time.perf_counter() - started < 10  # an expansion would take minutes and gigabytes: not a speed


def test_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                    '<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
                    '<FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>')
    with pytest.raises(ListFormatError, match="declares a DOCTYPE"):
        parse_list(path)


UN_WITH_ENTITY = ('<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
                  '<FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>')


@pytest.mark.parametrize("prolog", [
    "<!--" + "x" * 200_000 + '-->\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY e "EVIL">]>',  # past any prolog scan
    '<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY e "EVIL">]>\n<!--' + "x" * 200_000 + "-->",
    '<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://127.0.0.1:9/list.dtd">',
])
@pytest.mark.parametrize("fmt", [None, "un_xml"])  # detection reads the root; the parser reads the records
def test_any_doctype_is_refused_by_the_parser_wherever_it_stands(tmp_path: Path, prolog: str, fmt) -> None:
    path = tmp_path / "un.xml"
    path.write_text(f'<?xml version="1.0"?>\n{prolog}\n{UN_WITH_ENTITY}')
    with pytest.raises(ListFormatError, match=r"un.xml: DOCTYPE: the file declares a DOCTYPE"):
        parse_list(path, fmt)


def test_an_undeclared_entity_is_malformed_xml_not_an_empty_name(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(f'<?xml version="1.0"?>\n{UN_WITH_ENTITY}')
    with pytest.raises(ListFormatError, match="malformed XML"):
        parse_list(path, "un_xml")


# --- content hashes and contracts -----------------------------------------------------------------

def test_content_hash_ignores_row_order(tmp_path: Path) -> None:
    rows = pd.read_csv(FIXTURES / "uk_conlist_5rows.csv", header=None, dtype=str, keep_default_na=False)
    path = tmp_path / "reordered.csv"
    pd.concat([rows.iloc[:2], rows.iloc[2:].iloc[::-1]]).to_csv(path, header=False, index=False)
    before = parse_list(FIXTURES / "uk_conlist_5rows.csv").designations.set_index("list_id")["content_hash"]
    after = parse_list(path).designations.set_index("list_id")["content_hash"]
    assert before.sort_index().tolist() == after.sort_index().tolist()


def test_content_hash_changes_when_a_child_fact_changes(tmp_path: Path) -> None:
    path = tmp_path / "changed.csv"
    path.write_text((FIXTURES / "uk_conlist_5rows.csv").read_text(encoding="utf-8").replace("654321", "654322"),
                    encoding="utf-8")
    before = parse_list(FIXTURES / "uk_conlist_5rows.csv").designations.set_index("list_id")["content_hash"]
    after = parse_list(path).designations.set_index("list_id")["content_hash"]
    assert (before != after).to_dict() == {"RUS2389": True, "RUS2386": False, "DPR0100": False}


def test_unknown_entity_type_warns_and_is_quarantined(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "odd.csv"
    path.write_text((FIXTURES / "uk_conlist_5rows.csv").read_text(encoding="utf-8").replace(",Ship,", ",Spaceship,"),
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        parsed = parse_list(path)
    assert "unknown UK entity_type value(s): ['Spaceship']" in caplog.text
    valid, quarantined = validate_parsed(parsed)
    assert "DPR0100" not in set(valid.designations["list_id"])
    row = quarantined[quarantined["target_table"] == "list_designations"].iloc[0]
    assert row["column_name"] == "entity_type" and row["source_location"].endswith("UK DPR0100@7")


def test_fixtures_pass_their_contracts() -> None:
    for name in ("uk_conlist_5rows.csv", "ofac_set", "ofac_consolidated_5.xml", "un_5.xml", "eu_fsf_5.xml",
                 "uk_fcdo_5.xml", "uk_fcdo_5.csv", "ofac_enhanced_2024-07-03.xml", "ofac_enhanced_2026-01-08.xml",
                 "ofac_delta_2025-01-13.xml", "ofac_delta_2025-02-11.xml"):
        _, quarantined = validate_parsed(parse_list(FIXTURES / name))
        assert quarantined.empty, name


# --- the real files (../shared/data/lists) ---------------------------------------------------------

@pytest.fixture(scope="session")
def lists_dir(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "lists"
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def uk_0414(lists_dir: Path):
    return parse_list(lists_dir / "uk-ofsi-conlist" / "ConList_2025-04-14.xlsx")


@pytest.mark.shared_data
def test_real_uk_figures(uk_0414) -> None:
    assert (len(uk_0414.designations), len(uk_0414.names)) == (4688, 18798)
    assert uk_0414.designations["entity_type"].value_counts().to_dict() == {
        "person": 3663, "organisation": 1010, "vessel": 15}
    assert uk_0414.designations["regimes"].str.split("; ").explode().nunique() == 31
    _, quarantined = validate_parsed(uk_0414)
    assert quarantined.empty


@pytest.mark.shared_data
def test_real_uk_seed_article_designations(uk_0414) -> None:
    d = uk_0414.designations.set_index("list_ref")
    assert "FRADKOV" in d.loc["RUS2389", "primary_name"]
    groups = uk_0414.properties[uk_0414.properties["property"] == "ofsi_group_id"].set_index("list_id")["value"]
    assert groups[["RUS2389", "RUS2388", "RUS2387"]].tolist() == ["16758", "16757", "16756"]
    assert "ROSATOM ADDITIVE TECHNOLOGIES" in d.loc["RUS2386", "primary_name"]
    assert "KIROV ENERGOMASH" in d.loc["RUS2385", "primary_name"]
    assert (d.loc[["RUS2389", "RUS2388", "RUS2387", "RUS2386", "RUS2385"], "listed_on"] == pd.Timestamp("2025-02-14")).all()
    chaika = uk_0414.names[uk_0414.names["list_id"] == "RUS2387"]
    assert len(chaika) == 4
    assert (uk_0414.designations["parent_company"] == "Rosatom").sum() == 11


@pytest.mark.shared_data
def test_real_uk_versions_differ_by_two_added_three_amended(lists_dir: Path, uk_0414) -> None:
    before = parse_list(lists_dir / "uk-ofsi-conlist" / "ConList_2025-04-10.xlsx").designations
    old, new = before.set_index("list_id")["content_hash"], uk_0414.designations.set_index("list_id")["content_hash"]
    common = old.index.intersection(new.index)
    assert sorted(new.index.difference(old.index)) == ["IRN0242", "IRN0243"]
    assert old.index.difference(new.index).empty
    assert sorted(common[old[common] != new[common]]) == ["GAC0075", "RUS1980", "RUS2086"]


@pytest.mark.shared_data
def test_real_ofac_figures(lists_dir: Path) -> None:
    parsed = parse_list(lists_dir / "us-ofac" / "sdn_2024-02-23.csv")
    assert len(parsed.designations) == 14484
    assert parsed.published_on.isoformat() == "2024-02-23"
    chayka = parsed.designations.set_index("list_id").loc["23303"]
    assert chayka["primary_name"] == "CHAYKA, Artem Yuryevich" and chayka["regimes"] == "GLOMAG"
    ids = parsed.identifiers[parsed.identifiers["list_id"] == "23303"]
    assert ids[["id_type", "id_number", "country"]].values.tolist() == [["national_id", "4501052463", "Russia"]]
    consolidated = parse_list(lists_dir / "us-ofac" / "consolidated_2022-03-24.xml")
    assert consolidated.designations["entity_type"].value_counts().to_dict() == {"organisation": 382, "person": 80}


@pytest.mark.shared_data
def test_real_ofac_2021_set_counts(lists_dir: Path) -> None:
    parsed = parse_list(lists_dir / "us-ofac" / "sdn-2021-07")
    assert len(parsed.designations) == 8976
    _, quarantined = validate_parsed(parsed)
    assert quarantined.empty


@pytest.mark.shared_data
def test_real_un_figures(lists_dir: Path) -> None:
    parsed = parse_list(lists_dir / "un-sc" / "UN_consolidated_2026-02-27.xml")
    assert parsed.designations["entity_type"].value_counts().to_dict() == {"person": 730, "organisation": 273}


@pytest.mark.shared_data
def test_real_eu_cut_file_has_1044_entities(lists_dir: Path) -> None:
    parsed = parse_list(lists_dir / "eu-fsf" / "FSF_xml_1_1_2022-03-18_cut-to-complete-entities.xml")
    assert parsed.source_records == 1044
    # 20 logicalIds are listed twice (once per regulation): 1,024 distinct designations.
    assert len(parsed.designations) == 1024
    _, quarantined = validate_parsed(parsed)
    assert quarantined.empty


@pytest.mark.shared_data
def test_real_truncated_eu_file_fails_cleanly(lists_dir: Path) -> None:
    with pytest.raises(ListFormatError) as caught:
        parse_list(lists_dir / "eu-fsf" / "FSF_xml_1_1_2022-03-18_truncated.xml")
    assert caught.value.position.startswith("line 28198, column 82")


def test_an_xml_1_1_declaration_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fsf_1_1.xml"
    path.write_text((FIXTURES / "eu_fsf_5.xml").read_text(encoding="utf-8").replace('version="1.0"', 'version="1.1"', 1),
                    encoding="utf-8")
    assert len(parse_list(path).designations) == 4


def test_nul_and_control_characters_never_reach_a_name(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text((FIXTURES / "uk_conlist_5rows.csv").read_text().replace("FRADKOV,Pavel", "FRAD\x00KOV,Pa\x07vel", 1))
    parsed = parse_list(path)
    names = parsed.names["full_name"].tolist()
    assert "Pavel Mikhailovich FRADKOV" in names
    for frame in parsed.tables().values():
        for column in frame.select_dtypes("str"):
            assert not frame[column].str.contains("[\x00-\x08]", regex=True, na=False).any(), column

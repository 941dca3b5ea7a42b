"""The constructions the extractor must read, each on sentences written for this test (none copied
from the labelled corpus): who is a target, of which authority, with which action."""

from __future__ import annotations

from sanctrack.extract import extract_mentions


def rows(text: str) -> set[tuple]:
    return {(m.name, m.entity_type, m.authority, m.action) for m in extract_mentions(text)}


def names(text: str) -> set[str | None]:
    return {m.name for m in extract_mentions(text)}


def test_a_coordinated_action_gives_one_row_per_authority_and_target() -> None:
    found = rows("The UK, the US and Canada have sanctioned Ivan Petrov, Oleg Sidorov and Volga Trading LLC over arms sales.")
    assert found == {
        (name, kind, authority, "designated")
        for name, kind in (("Ivan Petrov", "person"), ("Oleg Sidorov", "person"), ("Volga Trading LLC", "organisation"))
        for authority in ("UK", "US", "Canada")
    }


def test_surname_first_entries_after_an_introduction_are_targets() -> None:
    text = (
        "The Treasury designated the following individuals and entity:\n"
        "- KOVALENKO, Dmitri Sergeyevich\n- VOLKOVA, Irina Pavlovna\n- Nordstar Shipping Co., Ltd\n"
    )
    assert rows(text) == {
        ("KOVALENKO, Dmitri Sergeyevich", "person", "US", "designated"),
        ("VOLKOVA, Irina Pavlovna", "person", "US", "designated"),
        ("Nordstar Shipping Co., Ltd", "organisation", "US", "designated"),
    }


def test_a_title_before_a_name_is_its_role_and_keeps_it_a_person() -> None:
    found = extract_mentions("Britain imposed sanctions on Deputy Prime Minister Ivan Petrov and Central Bank Governor Jane Doe on Tuesday.")
    assert {(m.name, m.entity_type, m.role) for m in found} == {
        ("Ivan Petrov", "person", "Deputy Prime Minister"),
        ("Jane Doe", "person", "Central Bank Governor"),
    }


def test_the_speaker_announcing_sanctions_is_never_a_target() -> None:
    assert "David Lammy" not in names("Foreign Secretary David Lammy said the sanctions on Pavel Orlov send a clear message.")
    assert "Jane Roe" not in names("The committee chair, Senator Jane Roe, wrote to the Treasury asking it to sanction Rostislav Merkulov.")


def test_lifting_sanctions_and_removing_from_a_list_is_a_delisting() -> None:
    assert ("Oleg Tinkov", "person", "US", "delisted") in rows("The US Treasury lifted sanctions on Oleg Tinkov on Friday.")


def test_a_renewal_and_a_listing_that_remains_are_existing_sanctions() -> None:
    assert rows("The Council renewed the restrictive measures against Oleg Deripaska for another six months.") == {
        ("Oleg Deripaska", "person", "EU", "existing")
    }
    assert rows("Mikhail Gutseriev remains sanctioned by the EU, a court confirmed on Wednesday.") == {
        ("Mikhail Gutseriev", "person", "EU", "existing")
    }


def test_a_later_sentence_adds_an_authority_to_targets_it_refers_back_to() -> None:
    found = rows("The UK sanctioned Ivan Petrov and Oleg Sidorov on Friday. Both men were already under US sanctions.")
    assert found == {
        ("Ivan Petrov", "person", "UK", "designated"), ("Ivan Petrov", "person", "US", "existing"),
        ("Oleg Sidorov", "person", "UK", "designated"), ("Oleg Sidorov", "person", "US", "existing"),
    }


def test_a_call_to_sanction_named_targets_is_a_proposal_for_the_authority_called_on() -> None:
    text = (
        "Britain has designated four Sri Lankan commanders: Ravi Perera, Anura Silva, Kamal Fernando and Nimal Jayasuriya. "
        "Rights groups called on the European Union to impose similar sanctions on the four men."
    )
    found = rows(text)
    for person in ("Ravi Perera", "Anura Silva", "Kamal Fernando", "Nimal Jayasuriya"):
        assert (person, "person", "UK", "designated") in found
        assert (person, "person", "EU", "proposed") in found
    assert not any(name is None for name, *_ in found), "the four named men are not also a group"


def test_counted_groups_take_the_lower_bound_and_their_kind() -> None:
    found = {(m.count, m.entity_type, m.authority) for m in extract_mentions(
        "Canada sanctioned more than 30 Belarusian trading firms and four foreign subsidiaries of Rostec."
    )}
    assert found == {(30, "unnamed_group", "Canada"), (4, "unnamed_group", "Canada")}


def test_a_group_named_in_full_in_the_next_sentence_is_not_a_target_of_its_own() -> None:
    named = extract_mentions(
        "Canada and Australia have imposed asset freezes on two former ministers accused of abuses. "
        "The measures target Pavel Dorokhin, governor of the northern province, and Timur Baskayev."
    )
    assert {(m.name, m.count) for m in named} >= {("Pavel Dorokhin", 1), ("Timur Baskayev", 1)}
    assert not [m for m in named if m.entity_type == "unnamed_group"]
    # one of the two named: the group stays
    partly = extract_mentions(
        "Canada has imposed asset freezes on two former ministers accused of abuses. "
        "One of them is Pavel Dorokhin, governor of the northern province."
    )
    assert [m.count for m in partly if m.entity_type == "unnamed_group"] == [2]


def test_every_name_of_a_numbered_aka_list_is_an_alias_of_the_entry() -> None:
    text = (
        "The UK has added the following entity to its Russia list:\n"
        "1. VOLGOTECH PLANT JSC. a.k.a: (1) VOLGOTECH PLANT (2) OJSC VOLGOTECH PLANT (3) OTKRYTOE AKTSIONERNOE "
        "OBSCHESTVO ZAVOD VOLGOTECH. Listed on: 27/01/2025.\n"
    )
    assert rows(text) == {("VOLGOTECH PLANT JSC", "organisation", "UK", "designated")}


def test_a_row_is_named_by_the_entry_not_by_its_longer_alias() -> None:
    text = (
        "The Security Council committee added Hassan Ali Hassan to its list today.\n"
        "Hassan Ali Hassan, also known as Hassan Ali Warsame Kheyre, was listed as a financier of the group."
    )
    assert names(text) == {"Hassan Ali Hassan"}


def test_an_alias_used_alone_later_is_the_same_target() -> None:
    text = (
        "The UN committee added to its list:\n"
        "- Jean-Paul Mbarushimana alias \"Kabuyo\", commander of an armed group;\n\n"
        "The US Treasury had already sanctioned Kabuyo in 2021."
    )
    found = rows(text)
    assert {name for name, *_ in found} == {"Jean-Paul Mbarushimana"}
    assert ("Jean-Paul Mbarushimana", "person", "US", "existing") in found


def test_an_organisation_owned_by_rosatom_is_rosatom_linked() -> None:
    found = extract_mentions("Ukraine imposed sanctions on the Arctic Metals Plant, a subsidiary of Rosatom, and on two other Rosatom subsidiaries.")
    assert {(m.name, m.count, m.affiliation, m.rosatom_linked) for m in found} == {
        ("Arctic Metals Plant", 1, "Rosatom", True), (None, 2, "Rosatom", True)
    }


def test_ships_named_after_the_tankers_are_vessels() -> None:
    found = rows("The UK sanctioned the tankers NORDIC STAR and OCEAN PEARL on Thursday.")
    assert found == {("NORDIC STAR", "vessel", "UK", "designated"), ("OCEAN PEARL", "vessel", "UK", "designated")}


def test_aliases_and_a_later_surname_are_the_same_target() -> None:
    assert names("The Treasury sanctioned Volga Trading LLC (a.k.a. VOLGA TRADE; a.k.a. VOLGATRADING) on Tuesday.") == {"Volga Trading LLC"}
    assert names("The UK has sanctioned Ivan Petrov, a Russian banker. Petrov is accused of financing the war.") == {"Ivan Petrov"}


def test_a_partner_named_in_coordination_is_not_an_authority() -> None:
    found = rows("The action was taken in coordination with Australia and Canada. The UK sanctioned Pavel Orlov.")
    assert found == {("Pavel Orlov", "person", "UK", "designated")}


def test_an_authority_that_did_not_act_gets_no_row() -> None:
    found = rows("The EU listed Marina Kovaleva and Sergei Danilov on Monday, but Canada did not list Danilov.")
    assert not any(authority == "Canada" for *_, authority, _ in found)


def test_countries_demonyms_and_words_in_capitals_are_never_targets() -> None:
    found = names("SANCTIONS UPDATE\nThe UK sanctioned Russian, Iranian and Syrian firms in Dubai on Monday, including Gulf Star Trading LLC.")
    assert found == {"Gulf Star Trading LLC"}


def test_offsets_slice_the_name_and_the_sentence() -> None:
    text = "Wire report. The UK has sanctioned Ivan Petrov, a banker, and two companies linked to Rosatom."
    for m in extract_mentions(text):
        assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
        if m.name:
            assert text[m.start:m.end] == m.name
        else:
            assert text[m.start:m.end] == "two companies linked to Rosatom"


def test_entry_fields_and_dates_are_not_names() -> None:
    text = (
        "OFAC added the following person to the SDN List:\n"
        "KOVAL, Pyotr Ivanovich (a.k.a. KOVAL, Petr); DOB 03 Feb 1971; alt. DOB 1972; POB Tver, Russia (individual).\n"
    )
    found = names(text)
    assert "KOVAL, Pyotr Ivanovich" in found
    assert not any(n and ("DOB" in n or "Feb" in n or n.isdigit()) for n in found)


def test_every_entry_of_a_long_annex_is_read_past_its_fields() -> None:
    entries = "\n\n".join(
        f"{k}. {name} TRADING LIMITED\nAddress: Yangon.\nBusiness Reg No: 55{k}0.\nReasons: supplies jet fuel to the air force."
        for k, name in enumerate(("NORTHWIND", "SILVER LOTUS", "GOLDEN DELTA", "BLUE HERON"), start=1)
    )
    text = "The Secretary of State has designated the following entities under the Burma (Sanctions) Regulations 2021:\n\n" + entries
    found = rows(text)
    assert {(f"{name} TRADING LIMITED", "organisation", "UK", "designated") for name in ("NORTHWIND", "SILVER LOTUS", "GOLDEN DELTA", "BLUE HERON")} <= found


def test_the_instrument_and_the_first_person_say_who_acts() -> None:
    # the instrument names the authority where no alias does; "we" is the voice of the document
    assert rows("Ivan Petrov was designated on 4 May under Executive Order 14024.") == {("Ivan Petrov", "person", "US", "designated")}
    hansard = (
        "The Minister (Jane Roe)\nWe have today designated Pavel Orlov and Volga Trading LLC. "
        "The United States sanctioned Oleg Sidorov last year.\nJohn Doe (Leeds East) (Lab)\nI thank the hon. Member for that answer."
    )
    assert {("Pavel Orlov", "UK"), ("Volga Trading LLC", "UK")} <= {(name, authority) for name, _, authority, _ in rows(hansard)}


def test_the_names_of_a_removal_are_delisted_where_they_are_listed() -> None:
    text = (
        "The State Department has lifted sanctions on a shipping network. "
        "The firms removed are Harbour Line Ltd, of Limassol, and Coastal Freight LLC."
    )
    assert rows(text) == {
        ("Harbour Line Ltd", "organisation", "US", "delisted"),
        ("Coastal Freight LLC", "organisation", "US", "delisted"),
    }


def test_programmes_places_addresses_and_offices_are_never_targets() -> None:
    text = (
        "OFAC designated Harbour Line Ltd [SDGT] under the Specially Designated Global Terrorists programme, "
        "with offices on Marsa Road in the Bay Region. Besides Harbour Line, North Korean brokers were named. "
        "Media enquiries: Foreign, Commonwealth & Development Office, King Charles Street, London."
    )
    assert names(text) == {"Harbour Line Ltd"}


def test_officials_who_comment_after_an_appositive_are_not_targets() -> None:
    text = (
        "The UK has sanctioned Boreal Shipping LLC for moving stolen grain. "
        "Maria Lindqvist, Director General for Trade at the Ministry of Commerce, said the measures were overdue. "
        "The Russian envoy, Pavel Ostrov, condemned them in a statement."
    )
    assert names(text) == {"Boreal Shipping LLC"}


def test_a_list_transposed_into_another_authoritys_own_is_its_designation() -> None:
    assert rows("Canada has transposed the listing of Omar Haddad into its own regulations.") == {
        ("Omar Haddad", "person", "Canada", "designated"),
    }


def test_the_fields_of_a_published_list_entry_are_never_targets() -> None:
    text = (
        "Today OFAC designated the following persons:\n\n"
        "1. KOVALENKO, Pyotr Andreyevich; DOB 12 Mar 1979; nationality Russia; Gender Male; Passport K7TR55P1 "
        "(Russia); Tax ID No. 770412345678 (Russia) (individual) [UKRAINE-EO13660] (Linked To: SEVERNAYA ZVEZDA OOO).\n\n"
        "2. SEVERNAYA ZVEZDA OOO; Organization Established Date 14 Feb 2011; Organization Type: Wholesale of "
        "machinery; Registration Number 1117746123456 (Russia); Legal Entity Number 2138009ABCDEF12345 [RUSSIA-EO14024].\n"
    )
    assert names(text) == {"KOVALENKO, Pyotr Andreyevich", "SEVERNAYA ZVEZDA OOO"}

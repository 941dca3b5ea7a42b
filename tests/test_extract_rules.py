"""One behaviour per test, on short texts written for the test (never the dev corpus)."""

from __future__ import annotations

from sanctrack.extract import extract_mentions
from sanctrack.extract.model import Mention


def rows(text: str) -> list[tuple]:
    return [(m.name, m.entity_type, m.count, m.authority, m.action) for m in extract_mentions(text)]


def names(text: str) -> list[str | None]:
    return [m.name for m in extract_mentions(text)]


def only(text: str) -> Mention:
    found = extract_mentions(text)
    assert len(found) == 1, found
    return found[0]


# --- designations and lists ------------------------------------------------------------------


def test_designation_with_title_before_name() -> None:
    m = only("The UK has sanctioned Deputy Defence Minister Ivan Petrenko for supplying drones.")
    assert (m.name, m.role, m.authority, m.action) == ("Ivan Petrenko", "Deputy Defence Minister", "UK", "designated")


def test_list_with_roles_after_names() -> None:
    text = (
        "The US Treasury sanctioned Oleg Varlamov, chief executive of Baltic Freight, and "
        "Svetlana Kuzina, a senior judge in Rostov."
    )
    found = extract_mentions(text)
    assert [(m.name, m.role) for m in found] == [
        ("Oleg Varlamov", "chief executive of Baltic Freight"),
        ("Svetlana Kuzina", "senior judge in Rostov"),
    ]
    assert {m.authority for m in found} == {"US"}


def test_passive_designation_is_found() -> None:
    assert rows("Yuri Belov, a businessman from Omsk, has also been sanctioned by the EU.") == [
        ("Yuri Belov", "person", 1, "EU", "designated")
    ]


def test_respectively_keeps_both_names() -> None:
    text = "Britain sanctioned Anton Lebedev and Irina Sokolova, the mayor and deputy mayor of Kursk respectively."
    assert names(text) == ["Anton Lebedev", "Irina Sokolova"]


def test_name_split_across_line_break_after_title() -> None:
    text = "Canada has imposed sanctions on Deputy Prime Minister\nPavel Orlov over the deportations."
    m = only(text)
    assert m.name == "Pavel Orlov" and m.authority == "Canada"
    assert text[m.start:m.end] == "Pavel Orlov"


def test_family_relation_is_the_role() -> None:
    text = "The UK also sanctioned Elena Gromova, wife of Russian energy minister Nikolai Gromov."
    m = only(text)
    assert m.name == "Elena Gromova" and m.role == "wife of Russian energy minister Nikolai Gromov"


def test_relative_used_as_reference_point_is_not_a_target() -> None:
    assert names("Washington sanctioned the son of Arkady Zotov, Kirill Zotov, on Monday.") == ["Kirill Zotov"]


def test_organisation_with_legal_form() -> None:
    found = extract_mentions("OFAC designated Volga Trading LLC and PJSC Ural Polymer on Tuesday.")
    assert [(m.name, m.entity_type, m.authority) for m in found] == [
        ("Volga Trading LLC", "organisation", "US"),
        ("PJSC Ural Polymer", "organisation", "US"),
    ]


def test_vessel_after_tanker_prefix() -> None:
    m = only("The UK has sanctioned the tanker Silver Gull for carrying Russian crude.")
    assert (m.name, m.entity_type) == ("Silver Gull", "vessel")


def test_vessels_listed_after_a_dash() -> None:
    text = "Britain has sanctioned three more vessels — Arctic Swan, Polar Dawn and Kara Wind — in a new package."
    assert [(m.name, m.entity_type) for m in extract_mentions(text)] == [
        ("Arctic Swan", "vessel"),
        ("Polar Dawn", "vessel"),
        ("Kara Wind", "vessel"),
    ]


# --- unnamed groups ----------------------------------------------------------------------------


def test_group_with_over_n_takes_the_lower_bound() -> None:
    m = only("The EU has sanctioned over 120 more individuals linked to the deportation of children.")
    assert (m.name, m.entity_type, m.count, m.authority) == (None, "unnamed_group", 120, "EU")


def test_group_linked_to_rosatom_is_rosatom_linked() -> None:
    text = "The UK also sanctioned three companies linked to Rosatom, the state nuclear firm."
    m = only(text)
    assert (m.count, m.affiliation, m.rosatom_linked) == (3, "Rosatom", True)
    assert text[m.start:m.end] == "three companies linked to Rosatom"


def test_rosatom_subsidiary_is_rosatom_linked() -> None:
    m = only("The US Treasury designated Kirov-Energomash on Friday.")
    assert (m.name, m.entity_type, m.rosatom_linked) == ("Kirov-Energomash", "organisation", True)


def test_group_without_number_has_null_count() -> None:
    m = only("Japan sanctioned a number of individuals associated with the Wagner Group.")
    assert (m.count, m.authority, m.entity_type) == (None, "Japan", "unnamed_group")


def test_group_fully_enumerated_by_names_gets_no_row() -> None:
    text = "The UK sanctioned two Russian judges, Pavel Demin and Olga Ryabova, for their role in the trial."
    assert names(text) == ["Pavel Demin", "Olga Ryabova"]


def test_running_total_is_not_a_group() -> None:
    text = "More than 1,800 individuals and entities have been sanctioned by Britain since the invasion."
    assert rows(text) == []


# --- actions -----------------------------------------------------------------------------------


def test_delisting_is_not_a_designation() -> None:
    assert rows("The EU removed Boris Kalinin from its sanctions list after a court ruling.") == [
        ("Boris Kalinin", "person", 1, "EU", "delisted")
    ]


def test_decided_but_not_yet_effective_removal_is_a_delisting() -> None:
    m = only("Natalia Orlova will no longer be designated by the US from next month.")
    assert (m.name, m.action, m.authority) == ("Natalia Orlova", "delisted", "US")


def test_sanctions_lifted_is_a_delisting() -> None:
    m = only("The UN Security Council lifted sanctions on Interior Minister Omar Haddad on Thursday.")
    assert (m.name, m.action, m.authority) == ("Omar Haddad", "delisted", "UN")


def test_call_to_sanction_is_a_proposal() -> None:
    text = "MPs urged ministers in London to sanction Viktor Golubev, a banker close to the Kremlin."
    assert rows(text) == [("Viktor Golubev", "person", 1, "UK", "proposed")]


def test_already_sanctioned_is_existing() -> None:
    m = only("Anatoly Serov had already been sanctioned by the EU in 2022.")
    assert (m.action, m.authority) == ("existing", "EU")


def test_remains_on_the_list_is_existing() -> None:
    m = only("Georgy Lapin remains on the UK sanctions list.")
    assert (m.name, m.action, m.authority) == ("Georgy Lapin", "existing", "UK")


def test_considered_removal_stays_existing() -> None:
    m = only("The EU is considering lifting sanctions on Marat Ziyatdinov, officials said.")
    assert m.action == "existing"


# --- authorities -------------------------------------------------------------------------------


def test_authority_alias_maps_to_jurisdiction() -> None:
    assert only("OFSI has frozen the assets of Sergei Lantsov.").authority == "UK"
    assert only("The State Department designated Maxim Kurbatov.").authority == "US"
    assert only("The Council added Artyom Zaitsev to the list.").authority == "EU"


def test_several_authorities_give_one_row_each() -> None:
    text = "Vadim Rostov was sanctioned by the UK, the US and Australia on Friday."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [
        ("Vadim Rostov", "UK"), ("Vadim Rostov", "US"), ("Vadim Rostov", "Australia"),
    ]


def test_per_authority_exception_is_respected() -> None:
    text = "Olga Marchenko was sanctioned by the UK and US; Canada did not list her."
    assert {m.authority for m in extract_mentions(text)} == {"UK", "US"}


def test_coordination_partner_is_not_an_authority() -> None:
    text = "The US Treasury, acting in coordination with the United Kingdom, sanctioned Denis Avdeev."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [("Denis Avdeev", "US")]


def test_authority_carries_to_the_next_sentence() -> None:
    text = "The EU adopted new sanctions on Monday. Among those listed is Roman Tarasov, a tycoon."
    assert rows(text) == [("Roman Tarasov", "person", 1, "EU", "designated")]


# --- negations and non-targets -------------------------------------------------------------------


def test_negated_target_is_dropped() -> None:
    text = "The UK sanctioned Egor Mirny. His partner, Alla Voronova, was not among those sanctioned."
    assert names(text) == ["Egor Mirny"]


def test_parent_company_itself_not_sanctioned() -> None:
    text = "The US sanctioned two subsidiaries of Rosatom; Rosatom itself was not sanctioned."
    assert [m.name for m in extract_mentions(text)] == [None]


def test_official_announcing_is_not_a_target() -> None:
    text = "Foreign Secretary Jane Holloway said the UK had sanctioned Mikhail Fomin and Petr Glazkov."
    assert names(text) == ["Mikhail Fomin", "Petr Glazkov"]


def test_official_with_appositive_announcing_is_not_a_target() -> None:
    text = "Sarah Whitley, the Treasury Secretary, announced sanctions on Dmitri Kolesov."
    assert names(text) == ["Dmitri Kolesov"]


def test_according_to_speaker_is_not_a_target() -> None:
    assert names("According to Andrew Pike, the UK sanctioned Ilya Rudin.") == ["Ilya Rudin"]


def test_victim_is_not_a_target() -> None:
    text = "The EU sanctioned Judge Leonid Krasnov, who jailed the dissident Alexei Mirov."
    assert names(text) == ["Leonid Krasnov"]


def test_photographer_and_byline_are_not_targets() -> None:
    text = (
        "By Tom Harding and Lucy Marsh\n"
        "Photograph: Daniel Reyes/Reuters\n"
        "The UK sanctioned Stanislav Orekhov on Monday."
    )
    assert names(text) == ["Stanislav Orekhov"]


def test_cookie_banner_and_more_news_block_yield_nothing() -> None:
    text = (
        "We use cookies to improve your experience. Accept all cookies or manage your settings.\n"
        "More news\n"
        "Local council approves new park after Mary Jenkins campaign\n"
    )
    assert rows(text) == []


def test_sanctions_on_a_state_are_not_a_target() -> None:
    assert rows("Washington threatened new sanctions on Russia if talks fail.") == []


def test_text_cut_mid_sentence_does_not_crash() -> None:
    assert rows("The UK sanctioned Pavel Yermak and his brot") == [("Pavel Yermak", "person", 1, "UK", "designated")]


def test_surname_alone_resolves_to_the_full_name() -> None:
    text = "The US sanctioned Ruslan Timchenko on Monday. Timchenko was also sanctioned by the EU."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [
        ("Ruslan Timchenko", "US"), ("Ruslan Timchenko", "EU"),
    ]


def test_offsets_slice_the_text() -> None:
    text = "Intro line.\nThe UK has sanctioned Ivan Sidorov and three companies linked to Rosatom."
    for m in extract_mentions(text):
        assert text[m.start:m.end] == (m.name or text[m.start:m.end])
        assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence


# --- more constructions --------------------------------------------------------------------------


def test_speaker_after_quote_is_not_a_target() -> None:
    text = "\u201cWe are hitting the Kremlin's cronies,\u201d said Foreign Secretary Helen Marsh as the UK sanctioned Boris Zhukov."
    assert names(text) == ["Boris Zhukov"]


def test_spokesman_criticising_sanctions_is_not_a_target() -> None:
    text = "Kremlin spokesman Dmitry Peskov said the new sanctions were illegal."
    assert rows(text) == []


def test_named_package_gets_group_and_names() -> None:
    text = "The UK has today sanctioned 14 individuals, including Alexander Borodin and Nina Vlasova."
    assert rows(text) == [
        (None, "unnamed_group", 14, "UK", "designated"),
        ("Alexander Borodin", "person", 1, "UK", "designated"),
        ("Nina Vlasova", "person", 1, "UK", "designated"),
    ]


def test_org_before_title_is_not_a_target_but_person_is() -> None:
    assert names("The new US sanctions target Rosneft chief Igor Sechin.") == ["Igor Sechin"]


def test_hyphenated_descriptor_is_not_part_of_the_name() -> None:
    assert names("Sanctions were also imposed on Kremlin-linked businessman Arkady Rotenko by Britain.") == ["Arkady Rotenko"]


def test_bulleted_list_continues_the_statement() -> None:
    text = (
        "The EU today listed the following persons:\n"
        "\u2022 Ivan Kuzmin, deputy governor of Kursk region;\n"
        "\u2022 Polina Zorina, head of a propaganda channel.\n"
    )
    assert rows(text) == [
        ("Ivan Kuzmin", "person", 1, "EU", "designated"),
        ("Polina Zorina", "person", 1, "EU", "designated"),
    ]


def test_also_designated_by_other_authority_is_separate_row() -> None:
    text = "Canada sanctioned Lev Morozov on Monday. Morozov is already designated by the EU."
    assert rows(text) == [
        ("Lev Morozov", "person", 1, "Canada", "designated"),
        ("Lev Morozov", "person", 1, "EU", "existing"),
    ]


# --- press-release and wire-story constructions --------------------------------------------------


def test_ofac_release_with_agency_name_and_counted_groups() -> None:
    text = (
        "Today, the Department of the Treasury\u2019s Office of Foreign Assets Control (OFAC) designated "
        "22 individuals and 83 entities, including Volga Trading LLC."
    )
    assert rows(text) == [
        (None, "unnamed_group", 22, "US", "designated"),
        (None, "unnamed_group", 83, "US", "designated"),
        ("Volga Trading LLC", "organisation", 1, "US", "designated"),
    ]


def test_colon_list_of_vessels_continues_the_statement() -> None:
    text = "OFAC also identified the following vessels as blocked property:\n- Ocean Star (IMO 9123456)\n- Sea Breeze (IMO 9234567)\n"
    assert [(m.name, m.entity_type, m.authority) for m in extract_mentions(text)] == [
        ("Ocean Star", "vessel", "US"), ("Sea Breeze", "vessel", "US"),
    ]


def test_middle_initial_stays_in_the_name() -> None:
    assert names("The US sanctioned Ivan I. Pereverzev on Friday.") == ["Ivan I. Pereverzev"]


def test_single_word_company_in_apposition_is_an_organisation() -> None:
    m = only("Britain sanctioned Rostekhmash, a state defence conglomerate, on Monday.")
    assert (m.name, m.entity_type) == ("Rostekhmash", "organisation")


def test_could_face_sanctions_is_a_proposal() -> None:
    m = only("Ministers in London said Artur Belyaev could face sanctions within weeks.")
    assert (m.name, m.action, m.authority) == ("Artur Belyaev", "proposed", "UK")


def test_lifted_asset_freeze_is_a_delisting() -> None:
    m = only("The EU has lifted the asset freeze on Yulia Kamenskaya.")
    assert (m.name, m.action) == ("Yulia Kamenskaya", "delisted")


def test_not_included_is_dropped() -> None:
    text = "The UK sanctioned Petr Sobolev, but the list did not include his brother Denis Sobolev."
    assert names(text) == ["Petr Sobolev"]


def test_photo_credit_inside_a_sanctions_caption_is_not_a_target() -> None:
    text = "Oleg Deripaska was sanctioned by the US in 2018. Photograph: Mark Dalton/Reuters"
    assert [(m.name, m.action) for m in extract_mentions(text)] == [("Oleg Deripaska", "existing")]


def test_uncounted_plural_group_has_null_count() -> None:
    m = only("Canada has sanctioned dozens of officials linked to the Belarusian regime.")
    assert (m.count, m.entity_type, m.authority) == (None, "unnamed_group", "Canada")


def test_joint_action_lists_both_authorities() -> None:
    text = "The US and UK on Tuesday sanctioned Stepan Kovalchuk."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [("Stepan Kovalchuk", "US"), ("Stepan Kovalchuk", "UK")]


def test_reporting_credit_is_not_a_target() -> None:
    text = "The EU sanctioned Igor Sheremet. (Reporting by Anna Wright; Editing by Paul Hart)"
    assert names(text) == ["Igor Sheremet"]


def test_plural_title_before_a_list_of_names() -> None:
    text = "Norway has sanctioned Deputy Energy Ministers Pavel Sorokin and Anton Inyutsin."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [("Pavel Sorokin", "Norway"), ("Anton Inyutsin", "Norway")]


def test_nickname_is_not_a_separate_target() -> None:
    text = "Canada imposed sanctions on gang leader Jean Baptiste, known as Lion, on Friday."
    assert names(text) == ["Jean Baptiste"]


def test_addressee_with_title_is_not_a_target() -> None:
    text = "US senators urged President Mark Hollis to impose sanctions on Baltic Pipe AG and its chief Franz Weber."
    assert names(text) == ["Baltic Pipe AG", "Franz Weber"]
    assert {m.action for m in extract_mentions(text)} == {"proposed"}


def test_removal_announced_for_later_is_a_delisting() -> None:
    m = only("The Treasury said it would no longer designate Orion Holdings once the sale closed.")
    assert (m.name, m.action, m.authority) == ("Orion Holdings", "delisted", "US")


def test_another_countrys_council_is_not_the_eu() -> None:
    text = "Ukraine's National Security and Defence Council imposed sanctions on Vostok Trading LLC."
    assert [(m.name, m.authority) for m in extract_mentions(text)] == [("Vostok Trading LLC", "Ukraine")]


def test_demonym_before_a_noun_is_not_an_organisation() -> None:
    assert names("Ottawa sanctions Haitian gang leader Rene Dorval.") == ["Rene Dorval"]


def test_possessive_full_name_resolves_a_later_surname() -> None:
    text = "The US removed Arkady Lisin's former firm from the list. Lisin himself remains sanctioned."
    assert [(m.name, m.action) for m in extract_mentions(text)] == [("Arkady Lisin", "existing")]


def test_relative_clause_adds_an_existing_row_for_another_authority() -> None:
    text = "Arkady Volin, who has been under US sanctions since 2014, was added to the UK list on Thursday."
    assert rows(text) == [
        ("Arkady Volin", "person", 1, "UK", "designated"),
        ("Arkady Volin", "person", 1, "US", "existing"),
    ]


def test_object_of_an_unrelated_verb_is_not_a_target() -> None:
    text = "The Foreign Office summoned ambassador Andrei Kalinov after the UK sanctions were announced."
    assert rows(text) == []


def test_single_unnamed_entity_is_a_group_of_one() -> None:
    text = "The UK also sanctioned a Tatarstani conglomerate that supplies drone engines."
    assert rows(text) == [(None, "unnamed_group", 1, "UK", "designated")]


def test_single_unnamed_person_with_affiliation() -> None:
    text = "The US imposed sanctions on the head of the Wagner Group in Mali."
    m = only(text)
    assert (m.entity_type, m.count, text[m.start:m.end]) == ("unnamed_group", 1, "the head of the Wagner Group in Mali")


def test_single_description_of_a_named_target_gets_no_group() -> None:
    text = "Britain sanctioned a defence manufacturer, Kronvek, and the bank Vostok Capital Group."
    assert names(text) == ["Kronvek", "Vostok Capital Group"]


def test_possessive_description_is_a_single_unnamed_target() -> None:
    m = only("The EU has sanctioned Putin\u2019s favourite PR agency.")
    assert (m.entity_type, m.count, m.name) == ("unnamed_group", 1, None)


def test_possessive_description_before_a_name_is_not_a_group() -> None:
    text = "The US imposed sanctions on Moldova\u2019s former central bank chief Ion Petrescu."
    assert rows(text) == [("Ion Petrescu", "person", 1, "US", "designated")]


def test_dateline_names_the_authority() -> None:
    text = "WASHINGTON, May 2 (Wire) - The administration on Friday imposed sanctions on Kama Shipping LLC."
    assert rows(text) == [("Kama Shipping LLC", "organisation", 1, "US", "designated")]


def test_name_wrapped_after_a_relation_word() -> None:
    text = "Britain on Thursday sanctioned Arkady Belin and, as a relative, Arkady Belin's son\nIgor Belin, the ministry said."
    assert names(text) == ["Arkady Belin", "Igor Belin"]


def test_list_size_is_a_running_total_but_additions_are_a_group() -> None:
    text = "Britain's sanctions list now includes more than 1,700 individuals. The UK added 18 people on Monday."
    assert rows(text) == [(None, "unnamed_group", 18, "UK", "designated")]


def test_had_been_designated_is_background() -> None:
    text = "The UK sanctioned Nikita Orlov on Monday. His company had also been designated by the Treasury recently, and Orlov had also been sanctioned by the US."
    assert rows(text) == [("Nikita Orlov", "person", 1, "UK", "designated"), ("Nikita Orlov", "person", 1, "US", "existing")]


def test_call_to_sanction_all_members_is_an_uncounted_proposal() -> None:
    text = "The opposition said London ought to impose sanctions on all members of the Duma."
    assert rows(text) == [(None, "unnamed_group", None, "UK", "proposed")]


def test_partner_we_acted_alongside_is_not_an_authority() -> None:
    text = "We acted alongside our US allies: the UK sanctioned Marat Gaziev today."
    assert rows(text) == [("Marat Gaziev", "person", 1, "UK", "designated")]


def test_nested_subgroup_with_affiliation_and_the_group_itself() -> None:
    text = "The US also designated two commanders of Wagner Group forces, along with the Wagner Group itself."
    found = extract_mentions(text)
    assert [(m.name, m.count, m.affiliation) for m in found] == [(None, 2, "Wagner Group"), ("Wagner Group", 1, None)]


def test_names_given_in_the_next_sentence_enumerate_the_group() -> None:
    text = "Canada imposed sanctions on two investigators and a judge. They are Ilya Sizov, Petr Bulgakov and Elena Lenskaya."
    assert rows(text) == [
        ("Ilya Sizov", "person", 1, "Canada", "designated"),
        ("Petr Bulgakov", "person", 1, "Canada", "designated"),
        ("Elena Lenskaya", "person", 1, "Canada", "designated"),
    ]


def test_two_single_unnamed_targets_are_two_rows() -> None:
    text = "The EU sanctioned Putin\u2019s favourite PR agency and a Tatarstani conglomerate on Tuesday."
    assert [(m.count, m.entity_type) for m in extract_mentions(text)] == [(1, "unnamed_group"), (1, "unnamed_group")]


def test_they_are_far_from_a_statement_is_not_a_list() -> None:
    text = "The UK sanctioned Oleg Rybin on Monday. Markets were calm. They are Anna Belova and Petr Lvov."
    assert names(text) == ["Oleg Rybin"]


def test_headline_names_the_authority_when_the_body_does_not() -> None:
    text = "Canada acts against Haitian elites\nThe government on Friday imposed sanctions on Reynold Deeb."
    assert rows(text) == [("Reynold Deeb", "person", 1, "Canada", "designated")]


def test_name_split_inside_across_a_line_break() -> None:
    text = "The EU has sanctioned Defence Minister Sergei\nShoigu and his deputy."
    m = only(text)
    assert m.name == "Sergei\nShoigu" and text[m.start:m.end] == m.name


def test_announcers_joined_by_and_are_not_targets() -> None:
    text = "Treasury Secretary Ann Holt and Secretary of State Mark Rowe announced the designations of Ivan Duma."
    assert names(text) == ["Ivan Duma"]


def test_announcer_title_alone_names_the_authority() -> None:
    text = "Foreign Secretary Alan Reeve announced the measures. The sanctions target Vadim Korin and Oleg Sukhov."
    assert rows(text) == [("Vadim Korin", "person", 1, "UK", "designated"), ("Oleg Sukhov", "person", 1, "UK", "designated")]


def test_victim_after_an_ing_verb_is_not_a_target() -> None:
    text = "The UK has sanctioned two men accused of poisoning Sergei Volkov: Denis Garin and Ilya Kostin."
    assert names(text) == ["Denis Garin", "Ilya Kostin"]


def test_list_in_apposition_is_not_mistaken_for_a_verb() -> None:
    text = "The EU sanctions target Vadim Lenin, Vasily Orlov and Petr Kuzin, officials at the prison colony."
    assert names(text) == ["Vadim Lenin", "Vasily Orlov", "Petr Kuzin"]


def test_group_described_by_accusation_is_still_a_target() -> None:
    text = "The UK has sanctioned four men accused of the attack, including Denis Garin and Ilya Kostin."
    assert [(m.name, m.count) for m in extract_mentions(text)] == [(None, 4), ("Denis Garin", 1), ("Ilya Kostin", 1)]


def test_title_case_list_items_are_not_headlines() -> None:
    text = (
        "The UK has today sanctioned three individuals and one entity.\n"
        "The individuals designated today are:\n"
        "  \u2022 Reza Karimi \u2013 Deputy Commander of the Border Guard\n"
        "  \u2022 Ali Akbar Nouri, Head of the Prisons Organisation in Tabriz\n"
        "The entity designated is the Shiraz Province Resistance Force.\n"
    )
    assert [(m.name, m.entity_type) for m in extract_mentions(text)] == [
        (None, "unnamed_group"),
        ("Reza Karimi", "person"),
        ("Ali Akbar Nouri", "person"),
        ("Shiraz Province Resistance Force", "organisation"),
    ]


def test_the_victim_of_a_trial_is_not_a_target() -> None:
    text = ("Canada is imposing sanctions on two Russian judges involved in the trial of opposition politician "
            "Ivan Rechnikov, including Judge Pavel Sudov and prosecutor Oleg Obvinov.\n")
    assert names(text) == ["Pavel Sudov", "Oleg Obvinov"]


def test_the_poisoning_of_a_dissident_names_a_victim() -> None:
    text = "The EU sanctioned Colonel Artur Yadov over the poisoning of Maria Zhertva.\n"
    assert names(text) == ["Artur Yadov"]


def test_a_sentence_opening_adverb_is_not_an_organisation() -> None:
    text = "Separately, the United Kingdom lifted sanctions on businesswoman Elena Lgotova after a review.\n"
    assert rows(text)[0][:1] == ("Elena Lgotova",) and len(rows(text)) == 1


def test_respectively_gives_each_name_its_own_role() -> None:
    text = ("The measures also target Igor Semyonov and Pavel Kuznetsov, the chief executive and chairman "
            "of Orion Marine, respectively, the Council said.\n")
    found = [(m.name, m.role, m.affiliation) for m in extract_mentions(
        "The EU sanctioned two shipping firms on Tuesday.\n" + text)]
    assert ("Igor Semyonov", "chief executive", "Orion Marine") in found
    assert ("Pavel Kuznetsov", "chairman", "Orion Marine") in found


def test_a_listing_not_renewed_is_a_delisting() -> None:
    text = "The Council decided not to renew the listing of businessman Dmitry Ostrovok.\n"
    assert rows(text) == [("Dmitry Ostrovok", "person", 1, "EU", "delisted")]


def test_every_vessel_of_a_list_after_tankers_is_a_vessel() -> None:
    text = "The UK sanctioned the tankers NORDIC STAR and Baltic Wind on Monday.\n"
    assert rows(text) == [("NORDIC STAR", "vessel", 1, "UK", "designated"),
                          ("Baltic Wind", "vessel", 1, "UK", "designated")]


def test_names_in_capitals_are_still_not_targets_outside_a_vessel_list() -> None:
    text = "Photo: JOHN SMITH/REUTERS. The UK sanctioned Ivan Petrovsky.\n"
    assert names(text) == ["Ivan Petrovsky"]

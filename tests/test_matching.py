"""The matching engine on small hand-written lists: normalisation, ranking, calibration, evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from sanctrack.matching import NameIndex, tokenize
from sanctrack.matching.index import name_rows
from sanctrack.matching.normalize import GENERIC, INITIAL, LEGAL_FORM, phonetic_key

# A few designations in the shape of the parsed UK and OFAC lists.
DESIGNATIONS = [
    ("UK", "16758", "RUS2389", "person", "Pavel Mikhailovich FRADKOV"),
    ("UK", "13035", "RUS0094", "person", "Mikhail Efimovich FRADKOV"),
    ("UK", "14191", "RUS0244", "person", "Petr Mikhailovich FRADKOV"),
    ("UK", "16756", "RUS2387", "person", "Artem Yuryevich CHAIKA"),
    ("UK", "16757", "RUS2388", "person", "Vladimir Viktorovich SELIN"),
    ("UK", "16755", "RUS2386", "organisation", "LIMITED LIABILITY COMPANY ROSATOM ADDITIVE TECHNOLOGIES"),
    ("UK", "16754", "RUS2385", "organisation", "JOINT STOCK COMPANY KIROV ENERGOMASH PLANT"),
    ("UK", "20001", "RUS9001", "organisation", "BANK ROSSIYA"),
    ("UK", "20002", "RUS9002", "vessel", "SELIN STAR"),
    ("US", "23303", None, "person", "CHAYKA, Artem Yuryevich"),
    ("US", "30001", None, "organisation", "GLOBAL TRADING BANK LLC"),
    ("US", "30002", None, "organisation", "THE LORD"),
]
NAMES = [
    ("UK", "16758", "Pavel Mikhailovich FRADKOV", "primary", "Павел Михайлович Фрадков"),
    ("UK", "16758", "Pavel Mikhaylovich FRADKOV", "primary_variation", None),
    ("UK", "13035", "Mikhail Efimovich FRADKOV", "primary", None),
    ("UK", "14191", "Petr Mikhailovich FRADKOV", "primary", None),
    ("UK", "16756", "Artem Yuryevich CHAIKA", "primary", "Артём Юрьевич ЧАЙКА"),
    ("UK", "16756", "Artem Yurievich CHAIKA", "primary_variation", "Артём Юрьевич ЧАЙКА"),
    ("UK", "16756", "Artyom Yurievich CHAIKA", "primary_variation", "Артём Юрьевич ЧАЙКА"),
    ("UK", "16757", "Vladimir Viktorovich SELIN", "primary", None),
    ("UK", "16755", "LIMITED LIABILITY COMPANY ROSATOM ADDITIVE TECHNOLOGIES", "primary", None),
    ("UK", "16755", "RUSATOM ADDITIVE TECHNOLOGIES", "aka", None),
    ("UK", "16754", "JOINT STOCK COMPANY KIROV ENERGOMASH PLANT", "primary", None),
    ("UK", "16754", "AO KIROV ENERGOMASH", "aka", None),
    ("UK", "20001", "BANK ROSSIYA", "primary", None),
    ("UK", "20002", "SELIN STAR", "primary", None),
    ("US", "23303", "CHAYKA, Artem Yuryevich", "primary", None),
    ("US", "23303", "CHAIKA, Artem", "aka", None),
    ("US", "30001", "GLOBAL TRADING BANK LLC", "primary", None),
    ("US", "30002", "THE LORD", "primary", None),
]


def small_index() -> NameIndex:
    designations = pd.DataFrame(DESIGNATIONS, columns=["authority", "list_id", "list_ref", "entity_type", "primary_name"])
    designations["list_name"] = designations["authority"].map({"UK": "UK OFSI Consolidated List", "US": "US OFAC SDN"})
    designations["listed_on"] = pd.Timestamp("2025-02-14")
    names = pd.DataFrame(NAMES, columns=["authority", "list_id", "full_name", "alias_type", "name_non_latin"])
    return NameIndex(name_rows(designations, names, ["authority", "list_id"]))


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return small_index()


def first(index: NameIndex, name: str, **kwargs) -> tuple[str, str]:
    found = index.screen(name, **kwargs)
    assert found, f"no candidate for {name!r}"
    return found[0].authority, found[0].list_id


@pytest.mark.parametrize("variants", [
    ["Chaika", "Chayka", "Чайка", "CHAIKA"],
    ["Artem", "Artyom", "Artiom", "Артём"],
    ["Yuryevich", "Yurievich", "Юрьевич"],
    ["Mikhailovich", "Mikhaylovich", "Михайлович"],
    ["Dmitriy", "Dmitry", "Dmitrii"],
    ["Yevgeny", "Evgeniy", "Evgenii"],
])
def test_transliteration_variants_share_one_key(variants: list[str]) -> None:
    assert len({tokenize(v)[0].key for v in variants}) == 1


@pytest.mark.parametrize("variants", [
    ["Vladimir Chistov", "Wladimir Tschistow", "Vladimir Tchistov", "Vladimir Čistov"],
    ["Yuri Ushakov", "Iouri Ouchakov", "Juri Uschakow", "Jurij Ušakov"],
    ["Yuri Chaika", "Jurij Čajka", "Juri Tschajka", "Iouri Tchaïka"],
    ["Mikhail Khodorkovsky", "Michail Chodorkowski", "Mixail Xodorkovskij", "Mikhail Khodorkovski"],
    ["Zhukov", "Schukow", "Joukov", "Žukov"],
    ["Yevgeny Tsvetkov", "Jewgeni Zwetkow", "Evgenij Cvetkov", "Evgueni Tsvetkov"],
    ["Shchukin", "Schtschukin", "Chtchoukine", "Ščukin"],
    ["Vladimir Putin", "Wladimir Putin", "Vladimir Poutine"],
    ["Berezovsky", "Beresowski", "Berezovskij"],
    ["Oleksandr Lukashenka", "Aleksandr Lukashenko", "Aliaksandr Lukashenka"],
    ["Dzhokhar", "Djokhar"],
])
def test_romanisation_schemes_fold_into_a_shared_key(variants: list[str]) -> None:
    """German, French and scholarly spellings (and Ukrainian/Belarusian forms) meet the English-style
    one word by word: the key of one is the key or a reading of the other."""
    from sanctrack.matching.score import TRANSLITERATION, token_similarity

    first, *others = [tokenize(v) for v in variants]
    for other in others:
        assert len(other) == len(first)
        for a, b in zip(first, other):
            assert token_similarity(a, b)[1] in ("exact", TRANSLITERATION), (a, b)


def test_accented_letters_also_keep_their_plain_reading() -> None:
    """Vučić meets VUCIC (accent dropped) as well as Vuchich (accent spelt out)."""
    vucic = tokenize("Vučić")[0]
    assert vucic.key == "vuchich" and "vucic" in vucic.readings


def test_diacritics_and_case_fold_away() -> None:
    assert [t.text for t in tokenize("José MÜLLER-Łukasz")] == ["jose", "muller", "lukasz"]


@pytest.mark.parametrize(("name", "canonical"), [
    ("Rosatom LLC", "llc"), ("OOO Rosatom", "llc"), ("ООО «Росатом»", "llc"),
    ("Limited Liability Company Rosatom", "llc"), ("JSC Kirov", "jsc"), ("AO Kirov", "jsc"), ("АО Киров", "jsc"),
    ("Joint Stock Company Kirov", "jsc"), ("PAO Kirov", "jsc"),
])
def test_legal_forms_in_local_and_abbreviated_forms_are_one_token(name: str, canonical: str) -> None:
    forms = [t for t in tokenize(name) if t.kind == LEGAL_FORM]
    assert [t.text for t in forms] == [canonical]


def test_honorifics_and_punctuation_are_dropped_but_never_the_whole_name() -> None:
    assert [t.text for t in tokenize("Mr. Pavel FRADKOV")] == ["pavel", "fradkov"]
    assert [t.text for t in tokenize("Sheikh")] == ["sheikh"]


def test_generic_words_and_initials_are_marked_weak() -> None:
    kinds = {t.text: t.kind for t in tokenize("Global Trading Bank P. Fradkov")}
    assert kinds["bank"] == kinds["trading"] == kinds["global"] == GENERIC
    assert kinds["p"] == INITIAL


def test_acronyms_written_with_dots_become_one_word() -> None:
    assert [t.text for t in tokenize('OOO "T.R.O.S."')] == ["llc", "tros"]
    assert [t.text for t in tokenize("P. M. Fradkov")] == ["p", "m", "fradkov"]


def test_phonetic_key_leaves_short_words_and_numbers() -> None:
    assert phonetic_key("al") == "al" and phonetic_key("2") == "2"


def test_exact_full_name_scores_one(index: NameIndex) -> None:
    found = index.screen("Pavel Mikhailovich Fradkov")
    assert (found[0].list_id, found[0].score) == ("16758", 1.0)


def test_full_name_outranks_surname_only_matches(index: NameIndex) -> None:
    found = index.screen("Pavel Fradkov")
    assert found[0].list_id == "16758"
    others = {c.list_id: c.score for c in found[1:]}
    assert others["13035"] < found[0].score - 0.2 and others["14191"] < found[0].score - 0.2


def test_surname_alone_scores_well_below_a_full_name(index: NameIndex) -> None:
    assert max(c.score for c in index.screen("Fradkov")) < 0.8


def test_transliterated_name_matches_below_one_and_above_a_surname_alone(index: NameIndex) -> None:
    # Levels on the real lists are in test_matching_lists.py: in an index of 18 names no word is rare.
    found = index.screen("Artyom Chayka", authorities=["UK"])
    assert found[0].list_id == "16756" and found[0].score < 1.0
    assert found[0].score > index.screen("Chayka", authorities=["UK"])[0].score


def test_word_order_and_dropped_patronymic_still_find_the_person(index: NameIndex) -> None:
    assert first(index, "FRADKOV Pavel") == ("UK", "16758")
    assert first(index, "Fradkov Pavel Mikhaylovich") == ("UK", "16758")
    assert first(index, "Selin Vladimir", entity_type="person") == ("UK", "16757")


def test_cyrillic_query_matches_latin_and_non_latin_names(index: NameIndex) -> None:
    assert first(index, "Фрадков Павел") == ("UK", "16758")
    assert {c.list_id for c in index.screen("Чайка Артём Юрьевич")[:2]} == {"16756", "23303"}


def test_the_same_person_on_two_lists_is_found_on_both(index: NameIndex) -> None:
    found = {c.list_id: c for c in index.screen("Artem Chaika")}
    assert set(found) >= {"16756", "23303"}
    assert found["23303"].score == 1.0  # OFAC's alias CHAIKA, Artem


def test_initials_count_a_little(index: NameIndex) -> None:
    found = index.screen("P. M. Fradkov")
    assert found[0].list_id == "16758"
    assert {m["how"] for m in found[0].evidence["tokens_matched"]} == {"exact", "initial"}


def test_a_typo_still_matches(index: NameIndex) -> None:
    found = index.screen("Pavel Fradkv")
    assert found[0].list_id == "16758"
    assert any(m["how"] == "typo" for m in found[0].evidence["tokens_matched"])


def test_legal_form_variants_match_as_the_same_form(index: NameIndex) -> None:
    found = index.screen("OOO Rosatom Additive Technologies")
    assert (found[0].list_id, found[0].score) == ("16755", 1.0)
    assert first(index, "АО Киров Энергомаш") == ("UK", "16754")


def test_generic_words_never_make_a_match_on_their_own(index: NameIndex) -> None:
    assert index.screen("Trading Bank LLC") == []
    assert index.screen("Bank of Cyprus") == []  # shares only "bank" with two listed names
    assert index.screen("The Trading Company") == []


def test_a_name_made_only_of_weak_words_matches_when_identical(index: NameIndex) -> None:
    found = index.screen("The Lord")
    assert (found[0].list_id, found[0].score) == ("30002", 1.0)


def test_entity_type_filters_and_disagreement_costs(index: NameIndex) -> None:
    assert {c.entity_type for c in index.screen("Selin", entity_type="vessel")} == {"vessel"}
    unfiltered = {c.list_id: c for c in index.screen("Selin Star", entity_type="person", type_filter=False)}
    assert unfiltered["20002"].evidence["entity_type"] == "disagree"
    assert unfiltered["20002"].score == pytest.approx(0.9)


def test_authority_filter(index: NameIndex) -> None:
    found = index.screen("Artem Chaika", authorities=["us"])
    assert {c.authority for c in found} == {"US"}
    assert found[0].evidence["authority_filter"] == ["US"]


def test_evidence_says_what_agreed_and_how(index: NameIndex) -> None:
    cand = index.screen("Artyom Chayka Yurievich", authorities=["US"])[0]
    record = cand.as_record()
    assert set(record) == {"authority", "list_id", "list_ref", "name", "matched_name", "matched_name_latin", "score",
                           "evidence"}
    assert record["matched_name"] == "CHAYKA, Artem Yuryevich"
    ev = record["evidence"]
    assert {(m["query"], m["candidate"], m["how"]) for m in ev["tokens_matched"]} == {
        ("artyom", "artem", "transliteration"), ("chayka", "chayka", "exact"),
        ("yurievich", "yuryevich", "transliteration")}
    assert ev["tokens_missing_from_query"] == ev["tokens_missing_from_candidate"] == []
    assert ev["listed_on"] == "2025-02-14"


def test_evidence_lists_the_tokens_missing_on_either_side(index: NameIndex) -> None:
    ev = index.screen("Pavel Ivanov Fradkov", authorities=["UK"])[0].evidence
    assert ev["tokens_missing_from_query"] == ["mikhailovich"]
    assert ev["tokens_missing_from_candidate"] == ["ivanov"]


def test_results_are_one_per_designation_and_deterministic(index: NameIndex) -> None:
    found = index.screen("Artem Yurievich Chaika")
    keys = [(c.authority, c.list_id) for c in found]
    assert len(keys) == len(set(keys))
    assert [c.as_record() for c in found] == [c.as_record() for c in small_index().screen("Artem Yurievich Chaika")]


def test_a_typo_in_a_short_word_meets_its_target_without_shared_letters_at_either_end(index: NameIndex) -> None:
    # "sekin" shares neither its first nor its last three letters with "selin": only the typo lookup finds it.
    found = index.screen("Sekin")
    assert {c.list_id for c in found} == {"16757", "20002"}
    assert found[0].evidence["tokens_matched"][0]["how"] == "typo"


def test_screening_a_batch_gives_what_screening_one_by_one_gives() -> None:
    names = ["Sekin", "Pavel Fradkv", "Artyom Chayka", "Rossiyya Bank", "Kirof Energomash", "Nobody Known"]
    one_by_one = small_index()
    batch = small_index()
    batch.prepare(names)
    for name in names:
        assert batch.screen(name) == one_by_one.screen(name), name


@pytest.mark.parametrize("name", ["Sekin", "Pavel Fradkv", "Fradkov", "Artyom Chayka", "Rosatom Additive", "The Lord",
                                  "Global Trading Bank LLC", "Trading Bank", "Mikhail Petrovich", "Vladimir Star",
                                  "Kirof Energomash", "Nobody Known"])
def test_brute_force_equals_scoring_every_row_and_the_index_agrees(index: NameIndex, name: str) -> None:
    from sanctrack.matching.evaluate import brute_force
    from sanctrack.matching.score import compare

    (row, score), = brute_force(index, [name], workers=1)
    toks, weights = index.query_tokens(name)
    scores = [compare(toks, t, weights, w, scale=index.default_weight).score for t, w in zip(index.tokens, index.weights)]
    assert score == pytest.approx(max(scores))
    assert row == (scores.index(max(scores)) if max(scores) > 0 else -1)
    assert index.best_rows(name)[1] == pytest.approx(score)


def test_the_index_rows_are_in_list_order_whatever_the_version_ids() -> None:
    """A designation_version_id hashes the run that loaded it; the index's rows (whose order breaks the
    shortlist's ties) must come out the same when the same lists are loaded again."""
    designations = pd.DataFrame(DESIGNATIONS, columns=["authority", "list_id", "list_ref", "entity_type", "primary_name"])
    designations["list_name"] = designations["authority"].map({"UK": "UK OFSI Consolidated List", "US": "US OFAC SDN"})
    designations["listed_on"] = pd.Timestamp("2025-02-14")
    names = pd.DataFrame(NAMES, columns=["authority", "list_id", "full_name", "alias_type", "name_non_latin"])

    def rows_with_versions(salt: str) -> list[tuple]:
        version = {(a, i): f"{salt}{n:03d}" for n, (a, i) in enumerate(zip(designations["authority"], designations["list_id"]))}
        if salt == "z":  # the other load's ids sort the other way round
            version = {k: f"{999 - int(v[1:]):03d}" for k, v in version.items()}
        d = designations.assign(designation_version_id=[version[k] for k in zip(designations["authority"], designations["list_id"])])
        n = names.assign(designation_version_id=[version[k] for k in zip(names["authority"], names["list_id"])])
        rows = name_rows(d, n.drop(columns=["authority", "list_id"]), ["designation_version_id"])
        return list(zip(rows["authority"], rows["list_id"], rows["matched_name"]))

    assert rows_with_versions("a") == rows_with_versions("z")

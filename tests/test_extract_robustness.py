"""Hostile inputs finish quickly and without crashing: huge, one-line, broken, foreign, degenerate."""

from __future__ import annotations

import time

from sanctrack.extract import extract_mentions
from sanctrack.extract.text import MAX_SEGMENT, segment_document

FILLER = "The weather in the region remained mild for the season and local markets were calm. "
NEWS = "The UK has sanctioned Ivan Petrenko, a Russian businessman, and two companies linked to Rosatom. "


def test_a_fifty_megabyte_document_costs_ten_times_a_five_megabyte_one() -> None:
    """A huge document finishes: its cost grows with its length, not faster. Compared with a tenth of it
    in CPU time, not against a clock (shared machines are noisy): linear is 10x, quadratic 100x."""
    block = FILLER * 1200 + NEWS  # ~100 KB of filler per sanctions sentence
    text = block * (50_000_000 // len(block) + 1)
    assert len(text) >= 50_000_000

    def cpu(t: str) -> tuple[float, list]:
        started = time.process_time()
        mentions = extract_mentions(t)
        return time.process_time() - started, mentions

    tenth, _ = cpu(text[:len(text) // 10])
    whole, mentions = cpu(text)
    assert whole / max(tenth, 1e-3) < 25, f"{whole:.1f} s of CPU for 50 MB, {tenth:.1f} s for 5 MB"
    # The same target repeated is one row per (target, authority, action).
    assert [(m.name, m.count) for m in mentions] == [("Ivan Petrenko", 1), (None, 2)]


def test_one_long_line_without_punctuation_is_hard_split() -> None:
    text = ("sanctions were discussed by many people in many places " * 40_000).strip()
    segments = segment_document(text)
    assert segments and max(s.end - s.start for s in segments) <= MAX_SEGMENT
    assert extract_mentions(text) == []


def test_the_cost_grows_linearly_with_the_text() -> None:
    """A text of sanctions statements from end to end: 8x the text costs about 8x, far from the 64x of a
    quadratic step. The margin is wide on purpose: this guards the shape of the cost, not a speed
    (benchmarks measure speed), and shared machines are noisy."""
    names = ["Ivan Petrenko", "Oleg Sidorov", "Anna Volkova", "Pavel Orlov", "Nikolai Smirnov"]

    def text(n: int) -> str:
        return "".join(
            f"The UK has sanctioned {names[i % 5]}, a Russian businessman, and {2 + i % 7} companies linked to Rosatom. "
            + FILLER for i in range(n)
        )

    def seconds(t: str) -> float:
        started = time.process_time()
        extract_mentions(t)
        return time.process_time() - started

    small, large = text(600), text(4800)
    ratio = min(seconds(large) for _ in range(2)) / max(min(seconds(small) for _ in range(3)), 1e-3)
    assert ratio < 22, f"8x the text took {ratio:.1f}x the time"


def test_one_long_line_with_news_still_finds_targets() -> None:
    text = (FILLER * 5000 + NEWS + FILLER * 5000).replace("\n", " ")
    assert [m.name for m in extract_mentions(text)] == ["Ivan Petrenko", None]


def test_broken_encoding_replacement_characters_do_not_crash() -> None:
    text = "Le Royaume-Uni a sanctionn\ufffd M. \ufffd\ufffdIvan \ufffd. The UK sanctioned Oleg Sidorov\ufffd today.\x00\x1b"
    assert "Oleg Sidorov" in [m.name for m in extract_mentions(text)]


def test_non_english_text_yields_nothing_and_does_not_crash() -> None:
    text = (
        "Европейский союз ввёл санкции против ряда российских компаний. "
        "Die Europäische Union hat neue Sanktionen gegen Russland verhängt. "
        "欧盟对俄罗斯实施了新的制裁。"
    ) * 1000
    assert extract_mentions(text) == []


def test_degenerate_inputs() -> None:
    assert extract_mentions("") == []
    assert extract_mentions("sanctions") == []
    assert extract_mentions("\n" * 100_000) == []
    assert isinstance(extract_mentions("Sanctions " * 100_000), list)
    assert isinstance(extract_mentions(("Ivan " * 50_000) + "was sanctioned by the UK."), list)
    assert isinstance(extract_mentions("A" * 1_000_000), list)


def test_dense_keywords_and_capitals_finish_in_bounded_time() -> None:
    """The worst shape for the extractor (a candidate and a cue every few words, 1.3 MB): it finishes,
    in time bounded per segment (a quadratic cost would take many minutes here)."""
    text = "Sanctioned Ivan Sanctioned Petrov, Listed Group Designated LLC; " * 20_000
    started = time.process_time()
    extract_mentions(text)
    assert time.process_time() - started < 120


def test_every_mention_keeps_the_contract_on_generated_news() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from corpus_gen import generate_documents
    from sanctrack.extract.model import ACTIONS, ENTITY_TYPES

    for text in generate_documents(300, seed=3):
        mentions = extract_mentions(text)
        keys = set()
        for m in mentions:
            assert m.entity_type in ENTITY_TYPES and m.action in ACTIONS
            assert m.count is None or m.count >= 1
            assert 0.0 < m.confidence <= 1.0 and m.cue
            assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
            if m.name is not None:
                assert text[m.start:m.end] == m.name
            key = (m.start, m.end, m.authority, m.action)
            assert key not in keys, m
            keys.add(key)
        assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_random_word_salad_keeps_offsets_and_finishes_fast() -> None:
    import random

    rng = random.Random(1)
    words = (
        "sanctioned Sanctions UK US EU the of and Ivan Petrov LLC JSC , . ; : — - ( ) \n \n\n over 370 more "
        "individuals linked to Rosatom, who which said according to by in on delisted already é \ufffd İ ß ﬁ 🙂 • 1. Mr. U.S."
    ).split(" ")
    started = time.process_time()
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 300)))
        for m in extract_mentions(text):
            if m.name is not None:
                assert text[m.start:m.end] == m.name
    # A guard against runaway backtracking (minutes), not a speed: about 1 s of CPU on a quiet machine.
    assert time.process_time() - started < 30

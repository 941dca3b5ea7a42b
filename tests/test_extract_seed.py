"""The seed article's mentions, compared exactly with a golden file (offsets included).

To accept an intended change of output, regenerate the golden file with
`SANCTRACK_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_extract_seed.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sanctrack.extract import EXTRACTOR_VERSION, extract_mentions

GOLDEN = Path(__file__).parent / "golden" / "seed_mentions.jsonl"
OFFICIALS_AND_BYSTANDERS = ("Starmer", "Zelenskyy", "Trump", "Putin", "Hegseth", "Johnson", "Macron", "Rosatom")


def _records(seed_article: Path) -> list[dict]:
    text = seed_article.read_text(encoding="utf-8")
    return [m.as_record(seed_article.name) | {"sentence_start": m.sentence_start} for m in extract_mentions(text)]


def test_seed_matches_golden_file_exactly(seed_article: Path) -> None:
    records = _records(seed_article)
    if os.environ.get("SANCTRACK_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    expected = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert records == expected


def test_seed_gives_the_four_targets_in_order(seed_article: Path) -> None:
    mentions = extract_mentions(seed_article.read_text(encoding="utf-8"))
    assert [(m.name, m.entity_type, m.count, m.authority, m.action) for m in mentions] == [
        ("Pavel Fradkov", "person", 1, "UK", "designated"),
        ("Vladimir Selin", "person", 1, "UK", "designated"),
        ("Artem Chaika", "person", 1, "UK", "designated"),
        (None, "unnamed_group", 2, "UK", "designated"),
    ]


def test_seed_roles_and_affiliations(seed_article: Path) -> None:
    fradkov, selin, chaika, group = extract_mentions(seed_article.read_text(encoding="utf-8"))
    assert (fradkov.role, fradkov.affiliation) == ("Defense Minister", "Russian government")
    assert (selin.role, selin.affiliation) == ("head of a division within the defense ministry", "defense ministry")
    assert (chaika.role, chaika.affiliation) == (None, None)
    assert (group.affiliation, group.rosatom_linked) == ("Rosatom", True)
    assert not any(m.rosatom_linked for m in (fradkov, selin, chaika))


def test_seed_offsets_slice_the_document(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    mentions = extract_mentions(text)
    for m in mentions:
        expected = m.name if m.name is not None else "two organizations linked to Russia's nuclear energy sector, Rosatom"
        assert text[m.start:m.end] == expected
        assert text[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
        assert m.sentence_start <= m.start and m.end <= m.sentence_start + len(m.sentence)


@pytest.mark.parametrize("name", OFFICIALS_AND_BYSTANDERS)
def test_seed_officials_and_bystanders_are_never_targets(seed_article: Path, name: str) -> None:
    mentions = extract_mentions(seed_article.read_text(encoding="utf-8"))
    assert not any(m.name and name in m.name for m in mentions)


def test_seed_mentions_explain_themselves(seed_article: Path) -> None:
    for m in extract_mentions(seed_article.read_text(encoding="utf-8")):
        target, authority, action = m.cue.split("|")[:3]
        assert target.startswith("target:") and authority.startswith("authority:UK:") and action.startswith("action:designated:")
        assert 0.5 < m.confidence <= 1.0


def test_extractor_version_names_the_generation_and_a_digest_of_lexicons_and_model() -> None:
    generation, digest = EXTRACTOR_VERSION.split("+")
    assert generation.startswith("evidence-") and len(digest) == 8

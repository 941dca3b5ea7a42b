"""Names to comparable tokens: Unicode fold, transliteration, legal forms, honorifics, phonetic keys.

A name becomes a tuple of `Token`s. Each token keeps its folded spelling (`text`, compared for an
exact match) and a `key` that merges the usual romanisation variants of the same sound
(Chaika / Chayka, Artem / Artyom / Artiom, Yuryevich / Yurievich, Mikhailovich / Mikhaylovich), so
that two spellings of one name meet in the index and score as a transliteration rather than a typo.

Transliteration of any script to ASCII is anyascii's (ISC licence, pure Python, tables generated from
Unicode data); the variant-merging key is ours, because no library folds romanisation systems of
Russian into one another. Word lists (legal forms, honorifics, generic words) are reference data in
seeds/reference/matching_*.csv.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from anyascii import anyascii

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "seeds" / "reference"

# Token kinds: a name word carries identity; the others are weak evidence.
NAME, LEGAL_FORM, GENERIC, INITIAL = "name", "legal_form", "generic", "initial"

# Patronymic endings (Russian, Ukrainian, Belarusian, Turkic), read on the key.
_PATRONYMIC = re.compile(r"(?:vich|vna|ichna|ogli|oglu|kizi|uli)$")


class Token(NamedTuple):
    """One word of a name: folded spelling, variant-merging key, kind, and the keys of its other readings.

    `readings` are the keys of the same word read as a German, French or scholarly romanisation, or as
    a Ukrainian or Belarusian form of a name (only those that differ from `key`): "Tschistow",
    "Tchistov" and "Čistov" each have the key or a reading "chistov".
    """

    text: str
    key: str
    kind: str
    is_patronymic: bool = False
    readings: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The key first, then the readings."""
        return (self.key, *self.readings)


@dataclass(frozen=True)
class Vocabulary:
    """The reference word lists, folded the same way names are."""

    legal_forms: dict[str, str]  # folded variant (one or more words) -> canonical token
    honorifics: frozenset[str]
    generic: frozenset[str]
    multiword: re.Pattern | None  # multi-word legal forms, longest first


def _read(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load seeds/reference/matching_{legal_forms,honorifics,generic_words}.csv once."""
    forms = {" ".join(_words(row["variant"])): row["canonical"] for row in _read("matching_legal_forms.csv")}
    multi = sorted((v for v in forms if " " in v), key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in multi) + r")\b") if multi else None
    honorifics = frozenset(" ".join(_words(r["word"])) for r in _read("matching_honorifics.csv"))
    generic = frozenset(" ".join(_words(r["word"])) for r in _read("matching_generic_words.csv"))
    return Vocabulary(forms, honorifics, generic, pattern)


# Letters of the scholarly and Slavic Latin alphabets that stand for a digraph of English-style
# romanisation (anyascii would drop the accent: Čajka -> Cajka, not Chaika).
_DIGRAPHS = str.maketrans({"č": "ch", "Č": "Ch", "š": "sh", "Š": "Sh", "ž": "zh", "Ž": "Zh", "ŝ": "shch", "Ŝ": "Shch",
                           "ć": "ch", "Ć": "Ch", "ś": "sh", "Ś": "Sh", "ź": "zh", "Ź": "Zh", "ż": "zh", "Ż": "Zh"})


def fold(text: str, digraphs: bool = True) -> str:
    """Unicode to lower-case ASCII: compatibility-normalise, transliterate any script, lower-case.

    With `digraphs`, č š ž (and ŝ ć ś ź ż) become ch sh zh, as in English-style romanisation.
    """
    text = unicodedata.normalize("NFC", text)
    if digraphs:
        text = text.translate(_DIGRAPHS)
    return anyascii(unicodedata.normalize("NFKC", text)).lower()


def latin_form(name: str) -> str:
    """A name in Latin letters, its case kept (Фрадков Павел -> Fradkov Pavel): how a non-Latin alias is shown."""
    return anyascii(unicodedata.normalize("NFKC", name))


def is_latin(name: str) -> bool:
    """Whether a name is written in Latin letters (accents allowed)."""
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def _words(text: str, digraphs: bool = True) -> list[str]:
    """Folded words: apostrophes and the soft and hard signs of romanised Cyrillic (O'Brien, Ilʹin,
    obʺekt) join, other punctuation separates."""
    text = re.sub(r"['`\u2019\u02bc\u02b9\u02ba\u2032\u2033]", "", text)
    folded = fold(text, digraphs).replace("&", " and ")
    folded = re.sub(r"['`\u2019\u02bc]", "", folded)
    return re.findall(r"[a-z0-9]+", folded)


# Romanisation variants, applied in order to a folded word (see module docstring).
_REWRITES = [
    (re.compile(r"d(?:zh|j)"), "j"),  # Dzhokhar / Djokhar / Jokhar
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Dmitrii / Dmitriy / Dmitri
    (re.compile(r"i([eo])"), "e"),  # ye/ie/yo/io: Yevgeny / Evgeny, Artyom / Artiom / Artem
    (re.compile(r"iu"), "u"),  # yu/iu: Yuri / Iurii
    (re.compile(r"ia"), "a"),  # ya/ia: Tatyana / Tatiana
]


@lru_cache(maxsize=200_000)
def phonetic_key(word: str) -> str:
    """A key shared by the common romanisations of one name word (folded ASCII in, key out)."""
    if word.isdigit() or len(word) <= 2:
        return word
    key = word
    for pattern, repl in _REWRITES:
        key = pattern.sub(repl, key)
    return key or word


# How other romanisations of Cyrillic spell what the English-style one spells: each list rewrites a
# folded word into English-style spelling, read as German (Duden), French, or scholarly romanisation.
# Words are lower case: capitals stand for ч (C) and ш (S) while the other digraphs are rewritten, so
# that the "ch" inside "tsch" is not read as х.
_GERMAN = [("schtsch", "SC"), ("tsch", "C"), ("sch", "S"), ("ch", "kh"), ("C", "ch"), ("S", "sh"), ("z", "ts"),
           ("j", "y")]
_FRENCH = [("chtch", "SC"), ("tch", "C"), ("ch", "S"), ("C", "ch"), ("S", "sh"), ("ou", "u"), ("gue", "ge"),
           ("gui", "gi")]
_SCHOLARLY = [("x", "kh"), ("j", "y")]
_GERMAN_MARK = re.compile(r"w|sch|j[aeiou]|[ie]j$|ow$|ew$")


def _rewrite(word: str, rules: list[tuple[str, str]]) -> str:
    for old, new in rules:
        word = word.replace(old, new)
    return word


def _romanisation_readings(word: str) -> set[str]:
    """The word as each other romanisation would spell it in English style."""
    out = set()
    german = _rewrite(word, _GERMAN)
    out.add(german)
    if _GERMAN_MARK.search(word):
        # German s between vowels is з (с is written ss there); sch is ж as well as ш.
        voiced = re.sub(r"(?<=[aeiouy])s(?=[aeiouy])", "z", german)
        out.add(voiced)
        if "sch" in word:
            out.add(_rewrite(voiced, [("shch", "SC"), ("sh", "zh"), ("SC", "shch")]))
    french = re.sub(r"j(?=[aeiouy])", "zh", _rewrite(word, _FRENCH))  # j is ж before a vowel
    if len(french) > 5 and french.endswith("ine"):
        french = french[:-1]  # Poutine, Lenine
    out.add(french)
    scholarly = _rewrite(re.sub(r"c(?!h)", "ts", word), _SCHOLARLY)
    out.add(scholarly)
    return out


@lru_cache(maxsize=1)
def _name_equivalents() -> dict[str, str]:
    """Ukrainian and Belarusian forms of given names -> the Russian form (matching_name_equivalents.csv)."""
    return {" ".join(_words(r["variant"])): " ".join(_words(r["canonical"])) for r in _read("matching_name_equivalents.csv")}


@lru_cache(maxsize=200_000)
def readings(word: str, plain: str | None = None) -> tuple[str, ...]:
    """Keys of a folded word's other readings (German, French, scholarly romanisation; a Ukrainian or
    Belarusian form; `plain`, the word with its accents dropped rather than spelt out), without the key."""
    if word.isdigit() or len(word) <= 2:
        return ()
    spellings = _romanisation_readings(word)
    equivalent = _name_equivalents().get(word)
    if equivalent:
        spellings.add(equivalent)
    if plain and plain != word:
        spellings.add(plain)
    key = phonetic_key(word)
    return tuple(sorted({phonetic_key(s) for s in spellings if s} - {key}))


def tokenize(name: str, entity_type: str | None = None) -> tuple[Token, ...]:
    """Split a name into Tokens: legal forms canonicalised, honorifics dropped, words keyed.

    Honorifics are dropped only from names that are not organisations and only while a name word
    remains ("THE LORD" stays whole), so that a name is never reduced to nothing.
    """
    voc = vocabulary()
    words = _words(name)
    plain = _words(name, digraphs=False)
    accents = dict(zip(words, plain)) if len(plain) == len(words) else {}
    text = " ".join(words)
    if voc.multiword is not None:
        text = voc.multiword.sub(lambda m: voc.legal_forms[m.group(0)], text)
    words = _join_initials(text.split(), entity_type, voc)
    if entity_type != "organisation":
        kept = [w for w in words if w not in voc.honorifics]
        if any(w not in voc.generic and w not in voc.legal_forms for w in kept):
            words = kept
    tokens = []
    for word in words:
        if word in voc.legal_forms:
            canonical = voc.legal_forms[word]
            tokens.append(Token(canonical, canonical, LEGAL_FORM))
        elif word in voc.generic:
            tokens.append(Token(word, word, GENERIC))
        elif len(word) == 1 and word.isalpha():
            tokens.append(Token(word, word, INITIAL))
        else:
            key = phonetic_key(word)
            tokens.append(Token(word, key, NAME, bool(_PATRONYMIC.search(key)), readings(word, accents.get(word))))
    return tuple(tokens)


def _join_initials(words: list[str], entity_type: str | None, voc: Vocabulary) -> list[str]:
    """Join runs of single letters into one word ("T.R.O.S." -> "tros"): an acronym is a name.

    Runs of three or more always; runs of two in organisation names (a legal form or the given
    type says so), since a person's "P. M." stands for two names.
    """
    is_org = entity_type == "organisation" or any(w in voc.legal_forms for w in words)
    out: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 3 or (len(run) == 2 and is_org):
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out

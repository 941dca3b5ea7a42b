"""Shallow syntax around a candidate: what governs it on the left, what follows it on the right.

"The UK sanctioned Angolan billionaire Isabel dos Santos": walking left from the name over its
modifiers ("billionaire", "Angolan") reaches "sanctioned", an active sanction verb: the name is
its object. "Isabel dos Santos, the daughter of ..., was also designated": walking right over the
appositive reaches "was also designated", a passive sanction predicate: the name is its subject.
"..., said Lammy" / "Lammy said": a speaker. These relations are the strongest evidence of a
target and of a non-target, and they hold across wordings, which is why the scorer leans on them.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from sanctrack.extract.lexicon import REFERENCE_DIR

_DETERMINERS = frozenset("the a an its his her their our this these those that such".split())
_PREPOSITIONS = frozenset(
    "on against to in at from with for into onto over under about via towards toward upon across behind near"
    " within without after before during between".split()
)
_AUX = frozenset("is are was were be been being has have had will would 's shall".split())
_ADVERBS = frozenset(
    "also now already today previously recently since still further likewise not never both all each yesterday"
    " formally officially subsequently too jointly separately additionally newly".split()
)
# Nouns that stand for the targets of an action: "The individuals are ...", "The list: ...".
TARGET_NOUNS = frozenset(
    """individuals persons people entities companies organisations organizations targets names list lists vessels ships
    tankers designations package others officials members groups firms banks men women""".split()
)
_TITLE_WORDS = frozenset("president minister chairman director chief head owner founder governor commander".split())
_STATE_NOUNS = frozenset("list lists sanctions sanction blacklist regime measures freeze ban".split())
_COMMON_VERBS = frozenset(
    "is are was were has have had will would can could may might must should do does did be been being said says"
    " told runs ran owns owned controls controlled leads led heads headed holds held met meets visited".split()
)


@lru_cache(maxsize=1)
def predicate_classes() -> dict[str, frozenset[str]]:
    """word -> its classes (sanction_verb, delist_verb, sanction_noun, list_intro, copula, speech, propose_verb)."""
    out: dict[str, set[str]] = {}
    path = REFERENCE_DIR / "predicates.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), 2):
            if not row.get("word") or not row.get("class"):
                raise ValueError(f"{path} line {line_no}: a word and a class are required")
            out.setdefault(row["word"], set()).add(row["class"])
    return {w: frozenset(c) for w, c in out.items()}


@lru_cache(maxsize=65536)  # a fact of the word alone, asked of the same words again and again
def is_verb_like(word: str) -> bool:
    """A lower-case word that reads as a finite verb or participle (not a modifier to skip)."""
    if not word.isalpha() or not word.islower():
        return False
    classes = predicate_classes().get(word, frozenset())
    if classes - {"sanction_noun", "list_intro"}:
        return True
    return word in _COMMON_VERBS or word.endswith("ed") and len(word) > 4


def left_governor(low: list[str], head: int, role_nouns: frozenset[str], caps_skip: frozenset[str], text: list[str] | None = None) -> tuple[str, int]:
    """The class of the word that governs tokens starting at `head`, skipping its modifiers.

    Modifiers are determiners, role nouns and lower-case adjectives ("its owner", "Angolan
    billionaire", "the former deputy minister"); `caps_skip` holds capitalised modifiers that are
    not names (demonyms). Returns (class, index of the governing word).
    """
    preds = predicate_classes()
    k = head - 1
    skipped = 0
    while k >= 0 and skipped < 7:
        w = low[k]
        if w in _DETERMINERS or w in role_nouns or w.rstrip("s") in role_nouns:
            k -= 1
            skipped += 1
            continue
        if text is not None and text[k][:1].isupper() and text[k] in caps_skip and w not in _PREPOSITIONS and w not in ("of", "and", "by"):
            k -= 1  # a capitalised modifier that is not a name: "Angolan billionaire"
            skipped += 1
            continue
        if w in ("’s", "'s") and k >= 1 and text is not None and text[k - 1][:1].isupper():
            k -= 2  # a possessor: "Angola's late president X"
            while k >= 0 and text is not None and text[k][:1].isupper() and k > head - 10:
                k -= 1
            skipped += 1
            continue
        if w.isalpha() and w.islower() and w not in preds and w not in _PREPOSITIONS and w not in _AUX and not is_verb_like(w) and w not in ("and", "or", "but", "as", "of", "by", "than", "said"):
            k -= 1  # an adjective or a noun modifier ("shipping", "non-bank", "Iranian-backed")
            skipped += 1
            continue
        if "-" in w and w.split("-")[-1].isalpha() and w.split("-")[-1].islower():
            k -= 1  # "London-based", "Kremlin-backed", "non-bank": a modifier
            skipped += 1
            continue
        if text is not None and text[k][:1].isupper() and k + 1 < len(low) and k + 1 < head and (
            low[k + 1] in role_nouns or text[k + 1][:1].isupper() and low[k + 1] in _TITLE_WORDS
        ):
            k -= 1  # "the Chelsea owner X", "Norilsk Nickel President X": the owner's organisation
            skipped += 1
            continue
        break
    if k < 0:
        return "start", -1
    w = low[k]
    classes = preds.get(w, frozenset())
    before = low[k - 1] if k >= 1 else ""
    before2 = low[k - 2] if k >= 2 else ""
    if w in ("on", "against", "upon", "targeting", "over") and (
        preds.get(before, frozenset()) & {"sanction_noun", "sanction_verb"} or preds.get(before2, frozenset()) & {"sanction_noun"}
        or before in ("freezes", "bans", "freeze", "ban")
    ):
        return "sanction_prep", k
    if w == "of":
        if before in role_nouns or before.rstrip("s") in role_nouns:
            return "of_role", k
        if preds.get(before, frozenset()) & {"sanction_noun"} or before in ("assets", "property", "funds", "names", "listing", "designation", "removal", "delisting"):
            return "of_sanction", k
        return "of_other", k
    if w == "by":
        return "by", k
    if w in ("to",) and before in ("apply", "applies", "applied", "extend", "extends", "extended"):
        return "sanction_prep", k
    if w == ":" or w in ("–", "—") and k > 0:
        return "colon", k
    if "list_intro" in classes and w not in ("as",) or w == "as" and before == "such":
        return "list_intro", k
    if w == "with" and before in ("together", "along") or w == "as" and before == "well":
        return "list_intro", k  # "added X to its list, together with Y"
    if w in ("as",) and before in ("known", "named", "dubbed", "alias"):
        return "alias", k
    if w in ("alias", "aka", "a.k.a", "a.k.a.", "dubbed", "nicknamed", "f.k.a", "f.k.a."):
        return "alias", k
    if "copula" in classes:
        # "Also sanctioned are X"; "The other two persons are X", "The entities are X"
        for j in range(k - 1, max(-1, k - 5), -1):
            if preds.get(low[j], frozenset()) & {"sanction_verb", "delist_verb"}:
                return "copula_after_predicate", k
            if low[j] in TARGET_NOUNS:
                return "copula_target_subject", k
        return "copula", k
    if "speech" in classes and "sanction_verb" not in classes or w in ("according",):
        return "speech", k
    if w == "to" and before == "according":
        return "speech", k
    if "delist_verb" in classes:
        return "delist_verb", k
    if "sanction_verb" in classes:
        return "sanction_verb", k
    if "propose_verb" in classes:
        return "propose_verb", k
    if w in (",", ";"):
        return "comma", k
    if w == "and" or w == "or":
        return "and", k
    if w in ("(", "[", "\"", "“", "‘", "'"):
        return "open", k
    if w in _PREPOSITIONS:
        return "prep", k
    if is_verb_like(w) or w.endswith("ing") and w.isalpha():
        return "verb_other", k
    return "other", k


def right_context(low: list[str], after: int) -> tuple[str, int]:
    """What follows a candidate (or its list) starting at token `after`, past an appositive;
    with the index of the word that decided it (-1 when none)."""
    preds = predicate_classes()
    n = len(low)
    k = after
    if k < n and low[k] in ("’s", "'s", "’", "'"):
        return "possessive", k
    if k < n and low[k] == "(":
        depth = 0
        for j in range(k, min(n, k + 30)):
            if low[j] == "(":
                depth += 1
            elif low[j] == ")":
                depth -= 1
                if depth == 0:
                    k = j + 1
                    break
    if k < n and low[k] == "," and k + 1 < n and low[k + 1] in _AUX:
        k += 1  # "whose chief engineer, X, was also listed"
    elif k < n and low[k] == ",":
        if k + 1 < n and low[k + 1] in ("who", "which", "whose", "whom"):
            # a relative clause about the name: "X, who was designated in 2020, ..."
            rel = low[k + 2:k + 8]
            if any(preds.get(w, frozenset()) & {"sanction_verb"} for w in rel) and any(w in _AUX for w in rel):
                return "relative_sanction", k + 2
            return "relative", k + 1
        for j in range(k + 1, min(n, k + 18)):
            if low[j] in (",",):
                k = j + 1
                break
            if low[j] in (";", ".", ":", "(", ")") or is_verb_like(low[j]) and low[j] not in ("known",):
                if j == k + 1 and low[j].isalpha():
                    k = j  # "The chancellor, X, condemned them": the comma closed an appositive before the name
                break
    if k >= n or low[k] in (".", ";", ":"):
        return "end", -1
    j = k
    saw_aux = False
    while j < n and (low[j] in _AUX or low[j] in _ADVERBS or low[j] in ("and",) and j == k):
        saw_aux = saw_aux or low[j] in _AUX
        j += 1
    if j >= n:
        return "end", -1
    w = low[j]
    classes = preds.get(w, frozenset())
    if saw_aux:
        if "delist_verb" in classes and w.endswith(("ed", "en")):
            return "passive_delist", j
        if "sanction_verb" in classes and (w.endswith(("ed", "en")) or w in ("hit",)):
            return "passive_sanction", j
        if w in ("on", "under", "subject", "among", "in") and any(x in _STATE_NOUNS or x == "subject" for x in low[j:j + 6]):
            return "state_sanction", j
        if w in ("accused", "charged", "alleged", "believed", "said", "suspected"):
            return "passive_other", j
        return "aux_other", j
    if "speech" in classes and "sanction_verb" not in classes:
        return "speech", j
    if w in ("face", "faces", "face-", "remain", "remains", "stays", "stay"):
        return ("state_sanction" if any(x in _STATE_NOUNS or x in ("freezes", "bans", "asset") for x in low[j:j + 5]) else "verb_other"), j
    if classes & {"sanction_verb", "delist_verb"}:
        return "active_predicate", j
    if is_verb_like(w):
        return "verb_other", j
    if w in (",",):
        return "comma", j
    if w in ("and", "or"):
        return "and", j
    if j == k and w.isalpha() and w.islower() and w not in _PREPOSITIONS and w not in ("of", "as", "than", "who", "which", "that", "whose"):
        return "modifier", j  # "Houthi leaders", "Vostochny port operator": an adjective, not a name
    return "other", j

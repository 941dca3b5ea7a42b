"""Rule-based extraction of sanctions mentions: stages, each a plain function.

1. `keyword_sentences` (pre-filter) yields sentences holding a sanctions keyword; a following
   sentence that continues the list ("Three of them ...", "The individuals include ...") is
   analysed with it.
2. For each analysed sentence: clauses, action cues (triggers.csv), authorities (authorities.csv),
   negations; then candidate names (capitalised sequences) and counted groups.
3. Each candidate passes filters that remove the people who are never targets (speakers,
   addressees, possessors, references after "of"/"by", boilerplate) and gets a type, role and
   affiliation.
4. Document-level resolution: surnames to the fullest name, one row per (target, authority,
   action), groups already enumerated by names dropped, document order.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from sanctrack.extract.model import Mention
from sanctrack.extract.reference import ACTION_PRIORITY, Reference, load_reference
from sanctrack.extract.sentences import keyword_sentences

# --- token-level patterns -------------------------------------------------------------------

_TOKEN = r"(?:[A-Z]\.(?=[ \t]+[A-Z])|[A-Z\u00C0-\u00DE](?:[\w’'\-+]|\.(?=[A-Z]))*)"
_PARTICLE = r"(?:(?:al|el|bin|ibn|van|von|de|da|der|ul)[-\s])"
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
# A digit inside a name is kept when a capitalised word follows it ("Nord Stream 2 AG").
CAPSEQ_RE = re.compile(rf"(?<![\w@/#]){_TOKEN}(?:{_SEP}(?:{_PARTICLE}?{_TOKEN}|\d+(?={_SEP}[A-Z]))){{0,7}}")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_NUMBER_WORDS) + r")"
_QUANT = r"(?:(?:over|more than|around|about|approximately|at least|nearly|almost|some|up to|a further|an additional|another|a total of)\s+)"
_MODS = r"(?:(?!(?:of|them|the|and|or|to|in|for|with|by|from|on|at|their|its|were|are|was|is|have|has)\b)(?:more|new|additional|further|other|[\"“”'‘’]?[\w’'-]+[\"“”'‘’]?)\s+){0,4}?"

_PREPOSITIONS = frozenset(
    "in at from between with by of for near than about like via into to under besides across"
    " throughout toward towards within without during amid after before behind over".split()
)
_TRIGGER_NOUNS_BEFORE_OF = frozenset(
    "designation designations listing listings delisting removal assets asset property properties"
    " funds sanctioning names freezing".split()
)
_ON_OK = frozenset(
    "sanctions sanction measures restrictions penalties bans ban freeze freezes designations and also"
    " imposed placed put focus".split()
)
_ADDRESS_VERBS = frozenset("call calls called calling urge urges urged urging ask asks asked press pressed told tell".split())
_STATE_VERBS = frozenset("remains remain appears appear features stays joins becomes faces face".split())
_AUXILIARIES = frozenset("is was are were has have had will would be been being".split())
_ADVERBS = frozenset("also already now reportedly previously recently since still further likewise".split())
_DETERMINERS = frozenset("the a an".split())
# Words that continue an organisation's name across "and" ("JSC Research and Design Institute").
_ORG_DESCRIPTORS = frozenset(
    "Research Design Science Scientific Development Production Engineering Trade Trading Investment"
    " Construction Technical Industrial Manufacturing Innovation Testing Repair".split()
)
_RELATIVE_RE = re.compile(r",\s*(?:who|whose|whom|which)\b[^,;—–()]*")
_CONTINUATION_RE = re.compile(
    r"^(?:[\"“]?\s*)(?:(?:\w+)\s+of\s+(?:them|these|those)\b|(?:They|These|Those)\s+include\b|"
    r"(?:The|Those)\s+(?:\w+\s+){0,2}(?:include|includes|included)\b|(?:The|Those)\s+(?:\w+\s+){0,2}(?:are|were)\s+[A-Z]|"
    r"Among\s+them\b)",
)
# Only right after the statement they continue: "They are" is common anywhere else.
_ADJACENT_CONTINUATION_RE = re.compile(r"^(?:They|These|Those)\s+(?:are|were)\s+[A-Z]")
_APPOSITIVE_RE = re.compile(r"^,\s+(?:(?:the|a|an|his|her|their|its)\s+)?([^,;()—–\n]{2,90}?)(?=\s*(?:,|;|\.(?:\s|$)|\s—|\s–|$))")
_HYPHEN_LOWER_RE = re.compile(r"^[\w’']+-[a-z][\w-]*$")
_SURNAME_SUFFIX_RE = re.compile(
    r"(?:ov|ova|ev|eva|yov|in|ina|yn|kin|ko|enko|sky|skiy|ski|skaya|ich|vich|uk|yuk|yan|ian|dze|shvili|ova|ayev|iev|ik)$"
)


logger = logging.getLogger(__name__)

_NONSPACE_RE = re.compile(r"\S+")
# A past-tense verb, then at most three lower-case descriptor words, right before a name.
_VERB_OBJECT_RE = re.compile(
    r"(?<![\w’'-])([a-z]+ed)\s+(?:(?:the|a|an|his|her|its|their)\s+)?"
    r"(?:(?!(?:on|of|to|in|for|with|against|by|and|or|as|at|from|into|sanctions|measures|restrictions|penalties)\b)"
    r"(?![a-z]+(?:ed|ing)\b)[a-z]+\s+){0,3}$"  # the verb nearest to the name decides
)
_COORDINATED_NAME_RE = re.compile(r"^\s+and\s+(?:(?:[A-Z][\w.’'-]*|of|the)\s+){1,6}(?=(?:has\s+|have\s+)?[a-z]+(?:ed|s)\b)")
# An -ing verb right before the name, or before a determiner and descriptors ("accused of poisoning
# Sergei Volkov"); an -ing word before a plain noun is an adjective ("the shipping firm Neva").
_ING_OBJECT_RE = re.compile(r"(?<![\w’'-])([a-z]+ing)\s+(?:(?:the|a|an|his|her|its|their)\s+(?:[a-z]+\s+){0,3})?$")
_TRIGGER_PARTICIPLES = frozenset(
    "sanctioned designated targeted listed delisted added blacklisted removed named included imposed lifted"
    " unfrozen identified penalised penalized punished blocked restricted affected mentioned hit called urged"
    " expanded extended renewed renamed"
    " sanctioning designating targeting listing delisting adding blacklisting removing naming including imposing"
    " lifting freezing identifying penalising penalizing punishing blocking restricting hitting calling urging"
    " expanding extending renewing".split()
)
_ALIAS_BEFORE_RE = re.compile(r"\b(?:known as|also known as|alias|aka|a\.k\.a\.|dubbed|nicknamed|nickname)\s+[\"“‘']?$", re.IGNORECASE)
# A lower-case word after a single capitalised word that is an ordinary preposition or verb keeps
# it a name ("removed Belaruskali from"); any other ("Haitian gang") makes it an adjective.
_AFTER_SINGLE_OK_RE = re.compile(r"^(?:\s*[,;.)—–:]|\s*$|\s+(?:from|to|on|in|for|over|as|and|or|with|by|under|after|is|was|were|are|has|have|had|will|itself)\b)")
# A single word right after a sanction verb is its object: "removed Belaruskali from its list".
_TRIGGER_VERB_BEFORE_RE = re.compile(
    r"\b(?:sanctioned|sanctions|sanctioning|designated|designating|removed|delisted|delisting|targeted|targets|added|listed|blacklisted)\s+$"
)
_NEGATED_BEFORE_RE = re.compile(
    r"\b(?:not|never)\s+(?:\w+\s+){0,2}?(?:include|included|including|target|targeted|sanction|sanctioned|list|listed|designate|designated|cover|covered)\b[^,;.]*$"
    r"|\b(?:except(?:\s+for)?|excluding|with the exception of|spared|sparing)\s+[^,;.]*$"
)
# After a speaker named behind "said": the clause ends or a time/place phrase follows.
_SPEAKER_END_RE = re.compile(r"^\s*(?:[,.;:!?”\"]|$|(?:in|on|at|during|as|when|while|after|before|adding|told)\b)")
# Precompiled patterns of the rules below (compiled once at import, for speed).
_PLACE_PREPOSITION_BEFORE_RE = re.compile(r"\b(?:in|on|against|to|into|for|over|from|towards|at|across)\s+(?:the\s+)?$")
_AUTH_DID_NOT_RE = re.compile(r"^\s+(?:\w+\s+){0,2}(?:did|does|do|has|have)\s+not\b")
_AUTH_HAS_NOT_RE = re.compile(r"^\s+(?:\w+\s+)?(?:has|have)\s+(?:so far\s+)?not\b")
_PERSON_APPOSITIVE_RE = re.compile(r"^,\s+(?:\d+|(?:a|an|the|his|her)\s+\w+)")
_WORD_RE = re.compile(r"[\w’'-]+")
_WORD_OR_PUNCT_RE = re.compile(r"[\w’'-]+|[,;:.()—–]")
_VERB_ED_S_RE = re.compile(r"[a-z]+(?:ed|es|s)")
_VERB_ED_RE = re.compile(r"[a-z]+ed")
_RELATIVE_SPLIT_RE = re.compile(r"\s+(?:who|whose|which|that|said)\b")
_ROLE_OF_RE = re.compile(r"\b(?:of|within|at|in)\s+(?:the\s+|a\s+)?([^,;]+)$")
_AND_SPLIT_RE = re.compile(r"\s+and\s+")
_DIVISION_WITHIN_RE = re.compile(r"\b(?:division|department|unit)\s+within\b")
_WITHIN_RE = re.compile(r"\bwithin\s+(?:the\s+|a\s+)?(.+)$")
_HEADLINE_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*")
_OF_ROLE_WORDS_RE = re.compile(r"\bof\s+(?:[a-zA-Z’'-]+\s+){1,4}$")
_OF_ROLE_WORDS_GROUP_RE = re.compile(r"\bof\s+((?:[a-zA-Z’'-]+\s+){1,4})$")
_ACCORDING_TO_RE = re.compile(r"according\s+to\s+(?:[\w’'-]+\s+){0,3}$", re.IGNORECASE)
_SAID_BEFORE_RE = re.compile(r"\b(?:said|says|told|stated|wrote|tweeted)\s+(?:(?:the\s+)?[A-Z][\w’'-]*\s+){0,4}$")
_BY_FROM_NAME_RE = re.compile(r"\b(?:by|from)\s+(?:[A-Z][\w’'-]*\s+){1,4}$")
_VESSEL_PREFIX_RE = re.compile(r"\b(?:tankers?|vessels?|ships?|MV|MT|M/V)\s+$")
_LIST_FOLLOW_RE = re.compile(r"^\s*(?:[,;.)—–]|and\b|or\b|is\b|was\b|has\b|have\b|were\b|are\b|$)")
_GROUP_ACTS_RE = re.compile(r"^\s+(?:have|has|had)\s+(?!been\b|also\b|now been\b)\w+")
_GROUP_VERB_ED_RE = re.compile(r"^\s+\w+(?:ed)\s")
_GROUP_LINKED_VERB_RE = re.compile(
    r"^\s+(?:linked|affiliated|associated|connected|tied|controlled|owned|based|involved|located|accused|suspected|"
    r"alleged|believed|implicated|named|listed|designated|sanctioned|identified|deemed|considered)\b"
)
_TRAILING_NAME_RE = re.compile(r"^,\s*([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s*(?=[.;]|$)")
_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+")
_MORE_RE = re.compile(r"\b(?:also|additional|further|another|more)\b", re.IGNORECASE)
# "the tankers NORDIC STAR, OCEAN PEARL and BALTIC WIND": every name of a list after a plural vessel noun.
_VESSEL_LIST_BEFORE_RE = re.compile(
    r"\b(?:tankers|vessels|ships)\s+(?:[A-Z][\w’'-]*(?:\s+[A-Z0-9][\w’'-]*)*\s*,\s*)*"
    r"(?:[A-Z][\w’'-]*(?:\s+[A-Z0-9][\w’'-]*)*,?\s+and\s+)?$"
)


def _in_vessel_list(before: str) -> bool:
    """Whether a name right after `before` is a vessel's: "the tanker X", "the tankers X and Y"."""
    tail = before[-120:]
    return bool(_VESSEL_PREFIX_RE.search(tail[-15:]) or _VESSEL_LIST_BEFORE_RE.search(tail))


_VESSEL_WORD_RE = re.compile(r"\b(?:ships?|vessels?|tankers?)\b", re.IGNORECASE)
_INCLUDING_AFFILIATION_RE = re.compile(r"\b(?:affiliated with|linked to|associated with|connected to)\s+(?:the\s+)?([^,;]+?),\s+including\b")
_VESSEL_LIST_RE = re.compile(r"(?:ships?|vessels?|tankers?)\b[^.]{0,40}[—–:]")
_PUNCT_RE = re.compile(r"[^\w\s]")


@dataclass
class _Candidate:
    """A possible target inside one analysed sentence, before document-level resolution."""

    name: str | None
    entity_type: str
    count: int | None
    start: int
    end: int
    role: str | None
    affiliation: str | None
    authorities: tuple[str, ...]
    action: str
    sentence: str
    sentence_start: int
    confidence: float
    cues: list[str] = field(default_factory=list)
    group_kind: str | None = None
    group_has_more: bool = False
    org_ok: bool = True  # a single token is an organisation only in list-like positions
    extra: _Candidate | None = None  # a second row from a relative clause about the same target
    singular: bool = False  # "a Tatarstani conglomerate": an unnamed single target


def fold(text: str) -> str:
    """Unicode-fold and lower-case, for comparisons that ignore accents and case."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


# --- clause-level analysis ------------------------------------------------------------------

_CLAUSE_SPLIT_RE = re.compile(r";|,\s+(?:while|whereas|but)\s|\s+but\s")


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """Clause spans (relative to the sentence) used for action and authority cues."""
    spans, last = [], 0
    for match in _CLAUSE_SPLIT_RE.finditer(sentence):
        spans.append((last, match.start()))
        last = match.end()
    spans.append((last, len(sentence)))
    return spans


_ACTION_RES: list[tuple[str, re.Pattern[str]]] = [
    # re.ASCII: the cues are English words, and ASCII case folding is about a third faster.
    (action, re.compile("|".join(f"(?:{t.source})" for t in load_reference().triggers if t.action == action), re.IGNORECASE | re.ASCII))
    for action in ACTION_PRIORITY
]


def _actions(ref: Reference, text: str) -> list[tuple[str, str]]:
    """(action, matched cue) pairs found in `text`: one combined regex per action, for speed."""
    found = []
    for action, pattern in _ACTION_RES:
        match = pattern.search(text)
        if match:
            found.append((action, match.group(0)))
    return found


# All cues in one alternation, strongest action first, so that at any position the more specific
# cue wins ("had already been sanctioned" is one `existing` cue, not also a `designated` one) and
# the sentence is scanned once instead of once per action.
_ALL_ACTIONS_RE = re.compile(
    "|".join(f"(?P<{action}>{pattern.pattern})" for action, pattern in _ACTION_RES), re.IGNORECASE | re.ASCII
)


def _clause_actions(sentence: str, clauses: list[tuple[int, int]]) -> list[tuple[str, str] | None]:
    """The action of each clause, from one scan of the sentence (not one per clause and action)."""
    found: list[list[tuple[str, str]]] = [[] for _ in clauses]
    for match in _ALL_ACTIONS_RE.finditer(sentence):
        for i, (cs, ce) in enumerate(clauses):
            # a cue counts in a clause when it lies entirely inside it
            if cs <= match.start() and match.end() <= ce:
                found[i].append((match.lastgroup or "designated", match.group(0)))
                break
    return [_choose_action(f) for f in found]


def _choose_action(found: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The action a set of cues signals; a removal only considered stays 'existing'."""
    if not found:
        return None
    actions = {a for a, _ in found}
    by_action = {a: cue for a, cue in reversed(found)}
    if "delisted" in actions and "proposed" in actions:
        return "existing", by_action["proposed"]
    for action in ACTION_PRIORITY:
        if action in actions:
            return action, by_action[action]
    raise AssertionError("unreachable: ACTION_PRIORITY covers every action")


_AUTH_TRIGGER_RE = re.compile(
    r"sanction|designat|impos|\badd(?:s|ed)?\b|\blist|freez|froze|\bput\b|placed|target|remov|lift|delist|"
    r"unveil|\bhit\b|applied|acted|restrict|measures|blacklist|\btaken off\b|\btook off\b",
    re.IGNORECASE,
)
_COORDINATION_RE = re.compile(
    r"(?:coordination|coordinated|concert|partnership|conjunction|together|alongside|cooperation)\s+with\s+|alongside\s+|between\s+",
    re.IGNORECASE,
)
_COORDINATED_BEFORE_RE = re.compile(r"(?:" + _COORDINATION_RE.pattern + r")(?:[\w.’' ,&]*?)$", re.IGNORECASE)
_CAPITALISED_BEFORE_RE = re.compile(r"\b(?!(?:The|A|An|EU|European|UN|Its|Their|Our)\b)[A-Z][\w’']*\s+$")
_AUTH_LIST_GAP_RE = re.compile(r"^(?:,\s*|\s+and\s+|\s*&\s*)(?:the\s+)?$")


def _authorities(ref: Reference, clause: str) -> tuple[list[str], list[str], set[str], list[str]]:
    """(strong, weak, negated, mentioned) authorities of a clause.

    Strong: the alias is the agent or owner of a sanction (a trigger within ten words after it,
    or within four words before it: "sanctioned by the US", "on the lists of Washington"), or
    is coordinated with a strong one ("the EU, the UK, Japan and New Zealand"). Weak: any other
    alias, except partners "in coordination with" and compounds like "US-drafted".
    """
    matches = []
    mentioned: list[str] = []
    for m in ref.authority_re.finditer(clause):
        alias = m.group(0)
        if clause[m.end():m.end() + 1] == "-":
            continue
        if alias in ("Council", "Treasury") and _CAPITALISED_BEFORE_RE.search(clause[max(0, m.start() - 30):m.start()]):
            continue  # "National Security and Defence Council" is not the EU Council
        # "war on Ukraine", "assets in the US", "sanctions against Russia": the place, not the agent.
        mentioned.append(ref.authority_alias[alias])
        if _PLACE_PREPOSITION_BEFORE_RE.search(clause[max(0, m.start() - 14):m.start()]) and not re.match(
            r"^(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:sanctions?\s+)?lists?\b", clause[m.end():m.end() + 40]
        ):
            continue
        before = clause[max(0, m.start() - 40):m.start()]
        coordinated = bool(_COORDINATED_BEFORE_RE.search(before)) and not re.search(
            r"\b(?:sanction|designat|list|target)\w*\b", before[-25:], re.IGNORECASE
        )
        matches.append((m, alias, coordinated))
    strong: list[str] = []
    weak: list[str] = []
    negated: set[str] = set()
    previous_strong_end = -10
    for m, alias, coordinated in matches:
        authority = ref.authority_alias[alias]
        after_words = clause[m.end():].split()[:10]
        before_words = clause[:m.start()].split()[-4:]
        tail = clause[m.end():m.end() + 40]
        if _AUTH_DID_NOT_RE.match(tail) or _AUTH_HAS_NOT_RE.match(tail):
            negated.add(authority)
            continue
        if coordinated:
            continue
        is_strong = any(_AUTH_TRIGGER_RE.search(w) for w in after_words) or any(
            _AUTH_TRIGGER_RE.search(w) for w in before_words
        )
        if not is_strong and previous_strong_end >= 0 and _AUTH_LIST_GAP_RE.match(clause[previous_strong_end:m.start()]):
            is_strong = True
        if is_strong:
            strong.append(authority)
            previous_strong_end = m.end()
        else:
            weak.append(authority)
    return list(dict.fromkeys(strong)), list(dict.fromkeys(weak)), negated, mentioned


# --- candidate names ------------------------------------------------------------------------


_TITLES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _t in load_reference().titles:  # longest first, so "Deputy Defence Minister" beats "Deputy"
    _TITLES_BY_FIRST.setdefault(_t.split()[0], []).append(tuple(_t.split()))
    # the plural before a list of names: "Deputy Defence Ministers Timur Ivanov and ..."
    _TITLES_BY_FIRST.setdefault(_t.split()[0], []).append(tuple(_t.split()[:-1] + [_t.split()[-1] + "s"]))
for _parts in _TITLES_BY_FIRST.values():
    _parts.sort(key=len, reverse=True)


def _strip_leading(ref: Reference, tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split leading stopwords, authority words and titles off a capitalised sequence.

    Returns (title tokens kept as a role, remaining name tokens).
    """
    title: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].rstrip("’'")
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        matched_title = None
        for parts in _TITLES_BY_FIRST.get(tokens[i], ()):
            if i + len(parts) < len(tokens) and tuple(tokens[i:i + len(parts)]) == parts:
                matched_title = list(parts)
                break
        if matched_title:
            title.extend(matched_title)
            i += len(matched_title)
            continue
        if i == 0 and nxt is not None and nxt[:1].isupper() and token.lower() in ref.role_nouns and token not in ref.given_names:
            title.append(token)  # "Investigator Sergei Sizov", "Oligarch Oleg Deripaska"
            i += 1
            continue
        if token in ref.stopwords or token in ref.authority_alias or token in ref.media:
            # A demonym that starts a personal name ("German Khan") is kept when nothing
            # suggests it is an adjective (a title, an authority word, another stopword).
            if (
                nxt is not None
                and token not in ("The", "A", "An")
                and token.istitle()
                and nxt not in ref.stopwords
                and nxt not in ref.title_words
                and nxt not in ref.authority_alias
                and not title
                and i == 0
                and token in ref.given_names
            ):
                break
            if title:
                title.append(token)
            i += 1
            continue
        break
    return title, tokens[i:]


def _is_org(ref: Reference, tokens: list[str]) -> bool:
    if any(t.rstrip(".,") in ref.legal_forms for t in tokens):
        return True
    if any(t in ref.org_words or t.split("-")[-1] in ref.org_words for t in tokens):
        return True
    return bool(ref.rosatom_re.fullmatch(" ".join(tokens)))


_TARGET_POSITION_RE = re.compile(
    r"(?:\b(?:sanctioned|sanctioning|designated|designating|targeted|targets|target|listed|delisted|include|includes|including|"
    r"on|against|is|are|were|was|as well as|and|added|removed|freezing|froze|frozen)|,)\s*$"
)


def _looks_like_person(ref: Reference, tokens: list[str], before: str, after: str, had_title: bool) -> bool:
    if len(tokens) < 2 or len(tokens) > 4:
        return False
    if any(t.isupper() and len(t) > 1 and not t.endswith(".") for t in tokens):
        return False
    if tokens[0] in ref.given_names:
        return True
    if _SURNAME_SUFFIX_RE.search(tokens[-1].lower()):
        return True
    if had_title:
        return True
    words = before.lower().split()
    if words and words[-1] in ref.role_nouns:
        return True
    if len(tokens) <= 3 and all(t.istitle() and t not in ref.stopwords and t not in ref.title_words for t in tokens):
        # An unknown name in a target position: right after a trigger or inside a list.
        if _TARGET_POSITION_RE.search(before[-40:]):
            return True
    return bool(_PERSON_APPOSITIVE_RE.match(after))


def _word_before(text: str) -> tuple[str, str]:
    """(word immediately before, word before that), skipping determiners."""
    words = _WORD_RE.findall(text[-48:])
    while words and words[-1].lower() in _DETERMINERS:
        words.pop()
    last = words[-1].lower() if words else ""
    prev = words[-2].lower() if len(words) > 1 else ""
    return last, prev


def _is_actor(ref: Reference, after: str) -> bool:
    """Whether the name is the subject of an active verb (speaker, announcer, actor)."""
    rest = after
    coordinated = _COORDINATED_NAME_RE.match(rest)
    if coordinated:
        rest = rest[coordinated.end():]  # "X and Secretary of State Y announced": X acts too
    m = _APPOSITIVE_RE.match(rest)
    skipped = False
    if m and rest[m.end():m.end() + 1] == ",":
        rest = rest[m.end() + 1:]
        skipped = True
    words = _WORD_OR_PUNCT_RE.findall(rest[:60])
    if not words:
        return False
    i = 0
    if words[0] in _AUXILIARIES and words[0] in ("has", "have", "had", "will", "would"):
        i = 1
        while i < len(words) and words[i] in _ADVERBS:
            i += 1
        if i < len(words) and words[i] == "been":
            return False
    if i >= len(words):
        return False
    word = words[i]
    if word in ref.actor_verbs:
        return True
    if word in _STATE_VERBS:
        return False
    if skipped and i == 0:
        return False  # after an appositive only a listed verb counts ("X, a judge, said")
    if i == 0 and word.islower() and word not in _AUXILIARIES and word not in ("as", "plus", "its", "his", "her", "their", "and", "or", "who", "whose", "which", "to", "of", "in", "on", "from", "with", "for"):
        return bool(_VERB_ED_S_RE.fullmatch(word)) and not word.endswith(("ss", "us"))
    return i > 0 and bool(_VERB_ED_RE.fullmatch(word))


def _role_after(ref: Reference, after: str) -> str | None:
    m = _APPOSITIVE_RE.match(after)
    if not m:
        return None
    phrase = _RELATIVE_SPLIT_RE.split(m.group(1))[0].strip()
    words = phrase.lower().split()
    if not words or words[0] in ("who", "whose", "which", "and", "as", "also"):
        return None
    if any(w.strip(",") in ref.role_nouns or w.strip(",").rstrip("s") in ref.role_nouns for w in words) or any(
        w in ref.title_words for w in phrase.split()
    ):
        return phrase
    return None


_ROLE_BEFORE_RE = re.compile(r"(?:(?:his|her|their|the|a|an)\s+)?((?:[\w’'-]+\s+){0,3}?[\w’'-]+)\s+$")


def _role_before(ref: Reference, before: str) -> str | None:
    m = _ROLE_BEFORE_RE.search(before[-60:])
    if not m:
        return None
    phrase = m.group(1)
    words = phrase.split()
    if words[-1].lower() not in ref.role_nouns:
        return None
    # Keep only the lower-case descriptor run ending in the role noun ("former assistant").
    kept: list[str] = []
    for w in reversed(words):
        if w.lower() in ("his", "her", "their", "the", "a", "an", "and", "with", "of", "to", "on", "including", "include", "includes", "as", "among", "are", "is") or w.endswith(("’s", "'s")):
            break
        if w.endswith("ed") and w.islower() or (w in ref.stopwords and not w.endswith(("an", "ian", "ese"))):
            break  # a verb or a sentence word ("Thursday sanctioned Russian businessmen")
        kept.insert(0, w)
    return " ".join(kept) or None


def _affiliation_of(ref: Reference, role: str | None) -> str | None:
    if not role:
        return None
    m = _ROLE_OF_RE.search(role)
    if not m:
        return None
    value = _AND_SPLIT_RE.split(m.group(1).strip())[0]
    if value.split()[0] in ref.stopwords and len(value.split()) == 1:
        return None  # a country or place is never an affiliation
    if _DIVISION_WITHIN_RE.search(role):
        inner = _WITHIN_RE.search(role)
        return inner.group(1).strip() if inner else value
    return value


@dataclass
class _Context:
    """What one analysed sentence contributes: cues shared by its candidates."""

    sentence: str
    offset: int
    clauses: list[tuple[int, int]]
    clause_actions: list[tuple[str, str] | None]
    clause_authorities: list[tuple[list[str], str]]
    negated_authorities: set[str]
    vessel_context: bool
    blocked: list[tuple[int, int]]
    alias_spans: list[tuple[int, int]]
    including_affiliation: tuple[int, str] | None
    headline: bool = False


def _clause_index(ctx: _Context, pos: int) -> int:
    for i, (s, e) in enumerate(ctx.clauses):
        if s <= pos <= e:
            return i
    return len(ctx.clauses) - 1


_HEADLINE_LOWER = frozenset("a an the and or but of on in at to for by with from after over as vs via into".split())


def _title_case_line(sentence: str) -> bool:
    """A headline in Title Case ("UK Announces Fresh Sanctions on Russian Officials"): every word is
    capitalised but the small ones, so capitalisation says nothing about names there."""
    words = _HEADLINE_WORD_RE.findall(sentence)
    if len(words) < 4:
        return False
    return all(w[0].isupper() or w in _HEADLINE_LOWER for w in words)


def _name_candidates(ref: Reference, ctx: _Context, text: str) -> list[_Candidate]:
    sentence = ctx.sentence
    if ctx.headline:
        return []
    raw = list(CAPSEQ_RE.finditer(sentence))
    merged: list[tuple[int, int]] = []
    for m in raw:
        if merged:
            ps, pe = merged[-1]
            gap = sentence[pe:m.start()]
            prev_tokens = sentence[ps:pe].split()
            starts_legal = prev_tokens[0] in ref.legal_forms
            ends_org = prev_tokens[-1] in ref.org_words
            descriptor_and = gap == " and " and prev_tokens[-1] in _ORG_DESCRIPTORS
            if (starts_legal and (descriptor_and or gap in (" of ", " of the ", " for ", " – ", " - ", " — ", " & "))) or (
                ends_org and gap in (" of ", " of the ", " for ")
            ) or gap == " & ":
                merged[-1] = (ps, m.end())
                continue
        merged.append(m.span())

    out: list[_Candidate] = []
    for s, e in merged:
        # Split the sequence at possessives and authority words: "Lavrov’s", "EU".
        tokens_spans = [m.span() for m in _NONSPACE_RE.finditer(sentence, s, e)]
        groups: list[list[tuple[int, int]]] = [[]]
        for ts, te in tokens_spans:
            tok = sentence[ts:te]
            groups[-1].append((ts, te))
            if tok.endswith(("’s", "'s")) and not tok.endswith(("’s’", "'s'")):
                groups.append([])
        for group in groups:
            if not group:
                continue
            cand = _make_name_candidate(ref, ctx, text, group)
            if cand is not None:
                out.append(cand)
    _distribute_respectively(ref, out)
    return out


_RESPECTIVELY_RE = re.compile(r",?\s*respectively\b", re.IGNORECASE)
_ROLE_LIST_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _distribute_respectively(ref: Reference, candidates: list[_Candidate]) -> None:
    """"A and B, the chief executive and chairman of X, respectively": one role each, in order."""
    persons = [c for c in candidates if c.entity_type == "person"]
    if len(persons) < 2:
        return
    sentence = persons[0].sentence
    marker = _RESPECTIVELY_RE.search(sentence)
    if not marker:
        return
    named = [c for c in persons if c.end - c.sentence_start <= marker.start()]
    if len(named) < 2:
        return
    tail = sentence[named[-1].end - named[-1].sentence_start:marker.start()]
    tail = re.sub(r"^[\s,]+(?:(?:are|were|is)\s+)?(?:the\s+)?", "", tail)
    roles_part, _, org = tail.partition(" of ")
    roles = [r.strip() for r in _ROLE_LIST_SPLIT_RE.split(roles_part) if r.strip()]
    if len(roles) < 2 or len(roles) > len(named) or not all(
        r.split()[-1].lower() in ref.role_nouns or r in ref.title_words for r in roles
    ):
        return
    org = re.sub(r"^the\s+", "", org.strip()) or None
    for candidate, role in zip(named[-len(roles):], roles):
        candidate.role = role
        candidate.affiliation = org or candidate.affiliation
        candidate.cues.append("pattern:respectively")


def _make_name_candidate(ref: Reference, ctx: _Context, text: str, group: list[tuple[int, int]]) -> _Candidate | None:
    """The target a capitalised sequence names, or None when the rules say it is not one (why: see
    the comment at each `return None`)."""
    sentence, offset = ctx.sentence, ctx.offset
    tokens = [sentence[a:b] for a, b in group]
    possessive = tokens[-1].endswith(("’s", "'s"))
    if possessive:
        return None
    while len(tokens) > 1 and _HYPHEN_LOWER_RE.match(tokens[0]):
        tokens, group = tokens[1:], group[1:]  # "Moscow-based Alfa-Bank"
    title, name_tokens = _strip_leading(ref, tokens)
    if not name_tokens:
        return None
    first = len(tokens) - len(name_tokens)  # index of the first kept token
    # Drop trailing function words ("Alrosa The").
    while len(name_tokens) > 1 and name_tokens[-1] in ("The", "A", "An", "And", "Of", "In", "On"):
        name_tokens.pop()
    start_rel = group[first][0]
    end_rel = group[first + len(name_tokens) - 1][1]
    name = sentence[start_rel:end_rel]
    joined = " ".join(name_tokens)
    if joined in ref.authority_alias or joined in ref.government_bodies or joined in ref.media:
        return None
    if any(t in ("Ministry", "Office", "Department", "Council", "Government", "Court", "Parliament", "Commission", "Embassy", "Sanctions", "Act", "Regime", "Treasury", "Kremlin") for t in name_tokens):
        return None
    if (len(name_tokens) > 1 and all(t.isupper() for t in name_tokens) and not any(t in ref.legal_forms for t in name_tokens)
            and not _in_vessel_list(sentence[:start_rel])):
        return None  # "NEW YORK", photo credits in capitals (but "the tankers NORDIC STAR and ...")
    if _HYPHEN_LOWER_RE.match(name_tokens[-1]):
        return None  # "Moscow-based", "US-drafted"
    before = sentence[:start_rel]
    after = sentence[end_rel:]
    if after[:1] == ":" or before[-1:] in ("(", "/", "@", "#") or after[:1] in (")", "/"):
        return None
    if any(a <= start_rel < b for a, b in ctx.blocked):
        return None
    if any(a < end_rel and start_rel < b for a, b in ctx.alias_spans):
        return None  # part of "the European Union", "Foreign, Commonwealth and Development Office"
    # Words before the whole sequence, title included: "urged President Joe Biden" is addressed.
    last, prev = _word_before(sentence[:group[0][0]])
    name_last, name_prev = _word_before(before)
    if (
        group[0][0] != start_rel  # something capitalised was stripped off the front
        and name_last in _PREPOSITIONS
        and name_last not in ("of", "to", "on", "by")
        and not any(t in ref.legal_forms for t in name_tokens)
    ):
        return None  # a capitalised preposition stripped off the sequence ("Besides Rusatom Overseas")
    is_legal = any(t in ref.legal_forms for t in name_tokens)
    if all(t in ref.org_words or t in ref.legal_forms for t in name_tokens):
        return None  # "Group" or "AG" left alone is not a name
    if _ALIAS_BEFORE_RE.search(before[-30:]):
        return None  # "known as Barbecue": alias entries are not separate targets
    if last in _PREPOSITIONS:
        allowed = (
            (last == "of" and prev in _TRIGGER_NOUNS_BEFORE_OF)
            or (last == "with" and prev in ("along", "together"))  # "along with the Wagner Group itself"
            or (last == "to" and prev in ("apply", "applies", "extend", "extends", "extended", "applied"))
            or (is_legal and last in ("at", "in"))
        )
        if not allowed:
            return None
    if _OF_ROLE_WORDS_RE.search(before[-60:]) and not re.search(
        r"\b(?:" + "|".join(_TRIGGER_NOUNS_BEFORE_OF) + r")\s+of\s+", before[-60:]
    ):
        ref_words = _OF_ROLE_WORDS_GROUP_RE.search(before[-60:])
        if ref_words and any(w.lower() in ref.role_nouns for w in ref_words.group(1).split()):
            return None  # "wife of Russian energy minister Nikolai Gromov": a reference point
    if last == "on" and prev not in _ON_OK:
        return None  # "pressure on Johnson", "call on Johnson": only "sanctions on X" makes a target
    if last in _ADDRESS_VERBS:
        return None
    if _ACCORDING_TO_RE.search(before[-60:]):
        return None
    if ref.victim_events_re.search(before[-80:]):
        return None  # "the trial of opposition politician X", "the poisoning of X": a victim, not a target
    window = sentence[max(0, group[0][0] - 60):group[0][0]]
    verb = _VERB_OBJECT_RE.search(window) or _ING_OBJECT_RE.search(window)
    if verb and verb.group(1) not in _TRIGGER_PARTICIPLES:
        return None  # "summoned ambassador Andrei Kelin": the object of another verb
    if _SAID_BEFORE_RE.search(before[-70:]) and _SPEAKER_END_RE.match(after):
        return None  # "..., said Foreign Secretary Helen Marsh"
    if not (last == "of" and prev in _TRIGGER_NOUNS_BEFORE_OF) and _is_actor(ref, after):
        return None
    if ctx.including_affiliation is None and _BY_FROM_NAME_RE.search(before[-50:]):
        return None
    clause_start, clause_end = ctx.clauses[_clause_index(ctx, start_rel)]
    clause_after = sentence[end_rel:clause_end][:80]
    for pattern in ref.negations:
        if pattern.search(clause_after):
            return None  # "Alla Voronova, was not among those sanctioned"
    if _NEGATED_BEFORE_RE.search(sentence[max(clause_start, start_rel - 80):start_rel]):
        return None  # "the list did not include his brother Denis Sobolev"

    if title and " ".join(title) in ref.announcer_titles:
        return None  # "Foreign Secretary X", "Treasury Secretary Y": they announce sanctions
    is_org = _is_org(ref, name_tokens)
    org_ok = True
    role: str | None = None
    entity_type: str
    confidence = 0.85
    vessel_prefix = _in_vessel_list(before)
    if vessel_prefix or (ctx.vessel_context and not is_org):
        entity_type = "vessel"
        confidence = 0.7
    elif is_org:
        entity_type = "organisation"
    elif len(name_tokens) >= 2:
        if not _looks_like_person(ref, name_tokens, before, after, bool(title)):
            return None
        entity_type = "person"
        role = " ".join(title) if title else None
        role = role or _role_after(ref, after) or _role_before(ref, before)
    else:
        token = name_tokens[0]
        if token in ref.stopwords or token in ref.title_words or token in ref.authority_alias or token in ref.media:
            return None
        if token.isupper() and not ref.rosatom_re.fullmatch(token):
            return None
        if title:
            entity_type = "person"  # "Defence Minister Shoigu": resolved to a full name later
            role = " ".join(title)
        else:
            entity_type = "single"  # decided at document level: a surname or an organisation
            org_ok = bool(_LIST_FOLLOW_RE.match(after)) or (
                bool(_TRIGGER_VERB_BEFORE_RE.search(before[-30:])) and bool(_AFTER_SINGLE_OK_RE.match(after))
            )
        confidence = 0.6

    ci = _clause_index(ctx, start_rel)
    affiliation = None
    if entity_type == "person":
        affiliation = _affiliation_of(ref, role)
        if role and title and " ".join(title) == role and ctx.including_affiliation and start_rel > ctx.including_affiliation[0]:
            affiliation = ctx.including_affiliation[1]
    if entity_type == "organisation" and ref.rosatom_re.search(name) and not ref.rosatom_re.fullmatch(name):
        affiliation = "Rosatom"
    extra = _relative_row(ref, ctx, after, name, entity_type, offset + start_rel, offset + end_rel, role, affiliation)
    if not any(ctx.clause_actions) and extra is not None:
        return extra
    cand = _candidate(ref, ctx, ci, name, entity_type, 1, offset + start_rel, offset + end_rel, role, affiliation, confidence)
    if cand is not None and extra is not None:
        cand.extra = extra
    if cand is not None:
        cand.org_ok = org_ok
        if title:
            cand.cues.append("pattern:title-before-name")
        if ctx.including_affiliation and start_rel > ctx.including_affiliation[0]:
            cand.cues.append("pattern:list-after-including")
    return cand


def _relative_row(
    ref: Reference, ctx: _Context, after: str, name: str, entity_type: str, start: int, end: int,
    role: str | None, affiliation: str | None,
) -> _Candidate | None:
    """The row a relative clause right after the name adds: "X, who has been under US sanctions
    since 2014, was added ..." gives X/US/existing besides the sentence's own statement."""
    m = _RELATIVE_RE.match(after)
    if not m:
        return None
    clause = m.group(0)
    action = _choose_action(_actions(ref, clause))
    strong, weak, _neg, _mentioned = _authorities(ref, clause)
    authorities = strong or weak
    if action is None or not authorities:
        return None
    name_action = action[0]
    if name_action == "designated" and _BACKGROUND_RE.search(clause):
        name_action = "existing"
    return _Candidate(
        name=name, entity_type=entity_type, count=1, start=start, end=end, role=role, affiliation=affiliation,
        authorities=tuple(authorities), action=name_action, sentence=ctx.sentence, sentence_start=ctx.offset,
        confidence=0.7, cues=[f"trigger:{action[1]}", "authority:relative-clause", "pattern:relative-clause"],
    )


_BACKGROUND_RE = re.compile(r"\b(?:has|have|had) been\b|\bsince\b|\balready\b|\bpreviously\b|\b(?:19|20)\d\d\b")


def _candidate(
    ref: Reference,
    ctx: _Context,
    ci: int,
    name: str | None,
    entity_type: str,
    count: int | None,
    start: int,
    end: int,
    role: str | None,
    affiliation: str | None,
    confidence: float,
) -> _Candidate | None:
    action_cue = ctx.clause_actions[ci] or _sentence_action(ctx)
    if action_cue is None:
        return None
    action, cue = action_cue
    authorities, how = ctx.clause_authorities[ci]
    authorities = [a for a in authorities if a not in ctx.negated_authorities]
    if not authorities:
        return None
    if how != "strong":
        confidence -= 0.1
    return _Candidate(
        name=name,
        entity_type=entity_type,
        count=count,
        start=start,
        end=end,
        role=role,
        affiliation=affiliation,
        authorities=tuple(authorities),
        action=action,
        sentence=ctx.sentence,
        sentence_start=ctx.offset,
        confidence=round(max(0.05, min(confidence, 0.99)), 2),
        cues=[f"trigger:{cue}", f"authority:{how}"],
    )


def _sentence_action(ctx: _Context) -> tuple[str, str] | None:
    """The sentence's action when a candidate's own clause has no cue."""
    return _first_action(ctx.clause_actions)


# --- groups ---------------------------------------------------------------------------------


def _group_re(ref: Reference) -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in sorted(ref.group_nouns, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w$£€])(?P<q>{_QUANT})?(?:(?P<num>{_NUM})|(?P<anum>a number of|dozens of|scores of|hundreds of|several|numerous|multiple|all(?: the)?))\s+{_MODS}(?P<noun>{nouns})\b"
        rf"(?:\s+and\s+(?!(?:{_NUM}|a number)\b)(?:{_MODS})(?P<noun2>{nouns})\b)?",
        re.IGNORECASE,
    )


_LINKED_RE = re.compile(
    r"^\s+(?:linked to|affiliated with|associated with|belonging to|connected to|tied to|controlled by|owned by|in|of)\s+([^,;.]+?)(?=\s+(?:which|that|who|whose)\b|[,;]|\.(?:\s|$)|$)"
)


def _singular_re(ref: Reference) -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in sorted(ref.singular_nouns, key=len, reverse=True))
    return re.compile(
        r"\b(?:sanctioned|designated|targeted|blacklisted|listed|delisted|removed|and|(?:sanctions|measures|restrictions)\s+(?:on|against))\s+"
        rf"(?P<phrase>(?:a|an|the|[A-Z][\w-]*['’]s)\s+(?:(?!(?:and|or|of|with|to|for|on|in)\b)[\w’'-]+\s+){{0,4}}?(?P<noun>{nouns})\b"
        r"(?:\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3}(?:\s+in\s+[A-Z][\w’'-]*)?)?)"
        # the noun phrase ends here, and no name follows in apposition ("a defence manufacturer, Kronvek")
        r"(?=\s*[.;:)]|\s*$|,\s+(?![A-Z]|the\s+[A-Z])|\s+(?:and|or|that|which|who|for|over|in|on|with|from|to|as|after|because|linked|accused)\b)"
    )


def _singular_groups(ref: Reference, ctx: _Context) -> list[_Candidate]:
    """Single unnamed targets right after a sanction verb: "sanctioned a Tatarstani conglomerate",
    "sanctions on the head of the Wagner Group in Mali" (count 1). Kept at document level only
    when no named target of the same kind shares their authority and action."""
    global _SINGULAR_RE_CACHE
    if _SINGULAR_RE_CACHE is None:
        _SINGULAR_RE_CACHE = _singular_re(ref)
    out = []
    for m in _SINGULAR_RE_CACHE.finditer(ctx.sentence):
        ci = _clause_index(ctx, m.start("phrase"))
        cand = _candidate(
            ref, ctx, ci, None, "unnamed_group", 1, ctx.offset + m.start("phrase"), ctx.offset + m.end("phrase"), None, None, 0.5
        )
        if cand is None:
            continue
        cand.group_kind = ref.singular_nouns[m.group("noun")]
        cand.singular = True
        cand.cues.append("pattern:single-unnamed")
        out.append(cand)
    return out


_SINGULAR_RE_CACHE: re.Pattern[str] | None = None


def _group_candidates(ref: Reference, ctx: _Context, group_re: re.Pattern[str]) -> list[_Candidate]:
    sentence = ctx.sentence
    if ctx.headline:
        return []
    out = _singular_groups(ref, ctx)
    for m in group_re.finditer(sentence):
        ci = _clause_index(ctx, m.start())
        cs, ce = ctx.clauses[ci]
        clause = sentence[cs:ce]
        if ref.running_totals.search(clause):
            continue
        after = sentence[m.end():]
        if _GROUP_ACTS_RE.match(after) or _GROUP_VERB_ED_RE.match(after) and not _GROUP_LINKED_VERB_RE.match(after):
            continue  # the group acts ("have brought cases"): not a target
        last, prev = _word_before(sentence[:m.start()])
        if last in ("of",) and prev not in _TRIGGER_NOUNS_BEFORE_OF:
            continue
        if m.group("num"):
            raw = m.group("num").lower().replace(",", "")
            count: int | None = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        else:
            count = None
        if count == 0:
            continue  # "0 entities": nothing to record (the warehouse requires count >= 1)
        end = m.end()
        affiliation = None
        linked = _LINKED_RE.match(after)
        if linked and not linked.group(0).lstrip().startswith(("in ", "of ")):
            end = m.end() + linked.end()
            phrase = linked.group(1)
            tail = _TRAILING_NAME_RE.match(sentence[end:])
            if tail:
                end += tail.end(1)
                phrase = phrase + ", " + tail.group(1)
            rosatom = ref.rosatom_re.search(phrase)
            if rosatom:
                affiliation = rosatom.group(0)
            else:
                caps = [c for c in CAPSEQ_RE.findall(phrase) if c.split()[0] not in ref.stopwords]
                affiliation = caps[-1] if caps else _ARTICLE_RE.sub("", phrase.strip())
        elif linked and linked.group(0).lstrip().startswith(("in ", "of ")):
            phrase = linked.group(1)
            caps = [c for c in CAPSEQ_RE.findall(phrase) if c.split()[0] not in ref.stopwords]
            if caps:
                affiliation = caps[0]  # "two commanders of Wagner Group forces" -> Wagner Group
        kinds = {ref.group_nouns[k.lower()] if k.lower() in ref.group_nouns else ref.group_nouns.get(k, "person") for k in filter(None, (m.group("noun"), m.group("noun2")))}
        kind = kinds.pop() if len(kinds) == 1 else "mixed"
        phrase_text = sentence[m.start():end]
        cand = _candidate(
            ref, ctx, ci, None, "unnamed_group", count, ctx.offset + m.start(), ctx.offset + end, None, affiliation,
            0.75 if count is not None else 0.6,
        )
        if cand is None:
            continue
        cand.group_kind = kind
        cand.group_has_more = bool(_MORE_RE.search(sentence[max(0, m.start() - 40):end]))
        cand.cues.append("pattern:counted-group" if count is not None else "pattern:a-number-of")
        del phrase_text
        out.append(cand)
    return out


# --- sentence analysis ----------------------------------------------------------------------


@dataclass
class _State:
    """What earlier sentences pass on: authorities of the last news statement, its action, ships."""

    carry: list[str] | None = None
    action: tuple[str, str] | None = None
    vessel: bool = False
    negated: set[str] = field(default_factory=set)
    mentioned: list[str] = field(default_factory=list)
    last_end: int = -10  # end of the last analysed sentence
    head_authority: str | None = None  # first authority alias in the first 3,000 characters


def _analyse(
    ref: Reference, text: str, start: int, end: int, state: _State, group_re: re.Pattern[str], list_item: bool = False
) -> list[_Candidate]:
    """Candidates of one sentence; updates `state` for the sentences after it."""
    sentence = text[start:end]
    clauses = _clauses(sentence)
    continuation = list_item or bool(_CONTINUATION_RE.match(sentence))
    if not continuation and _ADJACENT_CONTINUATION_RE.match(sentence) and 0 <= start - state.last_end <= 3:
        continuation = True  # "... two investigators and a judge. They are A, B and C."
    # Relative clauses (", who has been under US sanctions since 2014,") describe the name before
    # them, not the sentence's statement: their cues are blanked here and read in `_relative_row`.
    blocked = [(m.start(), m.end()) for m in _RELATIVE_RE.finditer(sentence)]
    masked = sentence
    for a, b in blocked:
        masked = masked[:a] + " " * (b - a) + masked[b:]
    clause_actions = _clause_actions(masked, clauses)
    if not continuation and not any(clause_actions) and not any(_actions(ref, sentence)):
        return []  # a keyword but no sanction statement ("he added", "a list of films")
    clause_auth: list[tuple[list[str], list[str]]] = []
    negated: set[str] = set()
    for cs, ce in clauses:
        clause = masked[cs:ce]
        strong, weak, neg, mentioned = _authorities(ref, clause)
        state.mentioned.extend(a for a in mentioned if a not in neg)
        negated |= neg
        clause_auth.append((strong, weak))
    if continuation and not any(clause_actions) and state.action:
        # "Three of them — A, B and C — ...": the list continues the previous statement.
        clause_actions = [state.action] * len(clauses)
    state.negated |= negated
    sentence_strong = list(dict.fromkeys(a for st, _ in clause_auth for a in st))
    sentence_weak = list(dict.fromkeys(a for _, w in clause_auth for a in w))
    resolved: list[tuple[list[str], str]] = []
    for (strong, weak), action in zip(clause_auth, clause_actions):
        action_name = (action or _first_action(clause_actions) or ("designated", ""))[0]
        if strong:
            resolved.append((strong, "strong"))
        elif sentence_strong:
            resolved.append((sentence_strong, "strong"))
        elif action_name == "proposed" and (weak or sentence_weak):
            # A call to sanction is addressed to the authority the text is set in ("London").
            resolved.append((weak or sentence_weak, "weak"))
        elif action_name == "proposed" and state.negated:
            resolved.append((sorted(state.negated), "negated-elsewhere"))
        elif state.carry:
            resolved.append((state.carry, "carried"))
        elif weak or sentence_weak:
            resolved.append((weak or sentence_weak, "weak"))
        elif state.mentioned:
            # Last resort: the first jurisdiction the text names at all ("ministers in London").
            resolved.append((state.mentioned[:1], "mentioned"))
        elif state.head_authority:
            # ... or its headline and first paragraphs ("Canada acts against Haitian elites").
            resolved.append(([state.head_authority], "document-head"))
        else:
            resolved.append(([], "none"))
    vessel_here = bool(_VESSEL_WORD_RE.search(sentence))
    alias_spans = [m.span() for m in ref.authority_re.finditer(sentence)]
    including = None
    inc = _INCLUDING_AFFILIATION_RE.search(sentence)
    if inc:
        including = (inc.end(), inc.group(1).strip())
    ctx = _Context(
        sentence=sentence,
        offset=start,
        clauses=clauses,
        clause_actions=clause_actions,
        clause_authorities=resolved,
        negated_authorities=negated,
        vessel_context=(continuation and state.vessel) or bool(_VESSEL_LIST_RE.search(sentence)),
        blocked=blocked,
        alias_spans=alias_spans,
        including_affiliation=including,
        headline=not list_item and _title_case_line(sentence),  # "• Hossein Nejat – Deputy Commander"
    )
    groups = _group_candidates(ref, ctx, group_re)
    # A name inside a group phrase is the group's affiliation ("linked to Rosatom"), not a target.
    names = [c for c in _name_candidates(ref, ctx, text) if not any(g.start <= c.start < g.end for g in groups)]
    sentence_action = _first_action(clause_actions)
    if sentence_action is not None and sentence_action[0] != "existing":
        # Background statements ("is already designated by the EU, Japan ...") do not set the
        # authority of the sentences that follow.
        state.carry = sentence_strong or state.carry or (sentence_weak or None)
        state.action = sentence_action
    state.vessel = vessel_here or (continuation and state.vessel)
    state.last_end = end
    extras = [c.extra for c in names if c.extra is not None]
    return names + extras + groups


def _first_action(actions: list[tuple[str, str] | None]) -> tuple[str, str] | None:
    for action in ACTION_PRIORITY:
        for a in actions:
            if a is not None and a[0] == action:
                return a
    return None


# --- document level -------------------------------------------------------------------------


def _full_name_index(ref: Reference, text: str, windows: list[tuple[int, int]]) -> dict[str, str]:
    """surname -> first multi-token personal name with that surname, from the text's head and
    the analysed windows (bounded, so a huge document is not rescanned per name)."""
    index: dict[str, str] = {}
    spans = [(0, min(len(text), 5000))] + windows
    for s, e in spans:
        for m in CAPSEQ_RE.finditer(text, s, e):
            spans = [t.span() for t in _NONSPACE_RE.finditer(text, m.start(), m.end())]
            _title, tokens = _strip_leading(ref, [text[a:b] for a, b in spans])
            if not tokens:
                continue
            first, last = spans[len(spans) - len(tokens)][0], spans[-1][1]
            if tokens[-1].endswith(("’s", "'s")):
                tokens = tokens[:-1] + [tokens[-1][:-2]]  # "Oleg Deripaska's" names Oleg Deripaska
                last -= 2
            if 2 <= len(tokens) <= 4 and (tokens[0] in ref.given_names or _SURNAME_SUFFIX_RE.search(tokens[-1].lower())) and not _is_org(ref, tokens):
                if any(t in ref.stopwords for t in tokens[1:]):
                    continue
                # the name exactly as written (it may span a line break), so offsets can find it
                index.setdefault(tokens[-1], text[first:last])
    return index


def _norm_key(name: str) -> str:
    return " ".join(_PUNCT_RE.sub(" ", fold(name)).split())


def extract(text: str) -> list[Mention]:
    """All mentions in `text`, in document order (see module docstring for the stages)."""
    ref = load_reference()
    group_re = _group_regex()
    candidates: list[_Candidate] = []
    state = _State()
    head = ref.authority_re.search(text, 0, 3000)
    state.head_authority = ref.authority_alias[head.group(0)] if head else None
    windows: list[tuple[int, int]] = []
    covered = 0
    for start, end in keyword_sentences(text):
        if start < covered:
            continue
        candidates.extend(_analyse(ref, text, start, end, state, group_re))
        windows.append((max(0, start - 300), end))
        covered = end
        if text[start:end].rstrip().endswith(":"):
            # "... the following persons:" then a bulleted list: each item continues the statement.
            for item_start, item_end in _list_items(text, end):
                candidates.extend(_analyse(ref, text, item_start, item_end, state, group_re, list_item=True))
                windows.append((item_start, item_end))
                covered = item_end
    return _resolve(ref, text, candidates, windows)


_LIST_ITEM_RE = re.compile(r"[ \t]*(?:[•·▪◦*\-–—]|\d{1,3}[.)])[ \t]*([^\n]{1,2000})")


def _list_items(text: str, pos: int, limit: int = 200) -> list[tuple[int, int]]:
    """Spans of the bulleted or numbered lines right after `pos` (at most `limit`)."""
    items = []
    while len(items) < limit:
        while pos < len(text) and text[pos] == "\n":
            pos += 1
        m = _LIST_ITEM_RE.match(text, pos)
        if not m:
            break
        items.append(m.span(1))
        pos = m.end()
    return items


def _group_regex() -> re.Pattern[str]:
    global _GROUP_RE_CACHE
    if _GROUP_RE_CACHE is None:
        _GROUP_RE_CACHE = _group_re(load_reference())
    return _GROUP_RE_CACHE


_GROUP_RE_CACHE: re.Pattern[str] | None = None


def _resolve(ref: Reference, text: str, candidates: list[_Candidate], windows: list[tuple[int, int]]) -> list[Mention]:
    """Document-level stage: names resolved to their fullest form, one row per target/authority/action."""
    index: dict[str, str] | None = None
    first_by_surname: dict[str, _Candidate] = {}
    for c in candidates:
        if c.entity_type == "person" and c.name and len(c.name.split()) >= 2:
            first_by_surname.setdefault(c.name.split()[-1], c)
    resolved: list[_Candidate] = []
    for c in candidates:
        if c.entity_type in ("single", "person") and c.name and len(c.name.split()) == 1:
            known = first_by_surname.get(c.name)
            if known is None and index is None:
                index = _full_name_index(ref, text, windows)
            full = known.name if known else (index or {}).get(c.name)
            if full:
                c.name = full
                c.entity_type = "person"
                if known and c.role is None:
                    c.role, c.affiliation = known.role, known.affiliation
                c.cues.append("pattern:surname-resolved")
            elif c.entity_type == "single":
                if c.name in ref.given_names or not c.org_ok:
                    continue
                c.entity_type = "organisation"
                c.cues.append("pattern:single-token-organisation")
            else:
                continue
        resolved.append(c)

    # The fullest form of a person: the longest name written in the document holding its tokens.
    person_names = sorted({c.name for c in resolved if c.entity_type == "person" and c.name}, key=len, reverse=True)

    def fullest(name: str) -> str:
        tokens = set(_norm_key(name).split())
        for other in person_names:
            if tokens <= set(_norm_key(other).split()):
                return other
        return name

    rows: dict[tuple, tuple[_Candidate, str]] = {}
    for c in resolved:
        if c.entity_type == "person" and c.name:
            c.name = fullest(c.name)
        for authority in c.authorities:
            if c.entity_type == "unnamed_group":
                # counted groups with the same size are re-descriptions; single ones differ by text
                size = text[c.start:c.end].lower() if c.singular else c.count
                key: tuple = ("group", size, c.group_kind, authority, c.action)
            else:
                key = ("named", _norm_key(c.name or ""), authority, c.action)
            if key not in rows:
                rows[key] = (c, authority)

    # Groups already enumerated by names, and later smaller re-descriptions, get no row.
    named_count: dict[tuple[str, str, str], int] = {}
    for (kind, *rest), (c, authority) in rows.items():
        if kind == "named":
            t = "person" if c.entity_type == "person" else ("vessel" if c.entity_type == "vessel" else "entity")
            for k in (t, "mixed"):
                named_count[(k, authority, c.action)] = named_count.get((k, authority, c.action), 0) + 1
    seen_groups: dict[tuple[str, str, str], int] = {}
    keep: list[tuple[_Candidate, str]] = []
    for key, (c, authority) in sorted(rows.items(), key=lambda kv: kv[1][0].start):
        if key[0] == "group":
            kind = c.group_kind or "mixed"
            named = named_count.get((kind, authority, c.action), 0)
            if (c.count is None or c.singular) and named:
                continue
            if c.count is not None and c.count <= named:
                continue
            earlier = seen_groups.get((kind, authority, c.action))
            if earlier is not None and c.count is not None and c.count < earlier and not c.group_has_more:
                continue
            if c.count is not None:
                seen_groups[(kind, authority, c.action)] = max(c.count, earlier or 0)
        keep.append((c, authority))

    mentions = []
    for c, authority in keep:
        name = c.name
        start, end = c.start, c.end
        if name is not None and text[start:end] != name:
            # The name was resolved to a fuller form written elsewhere: point the span at it,
            # so that text[start:end] == name always holds.
            pos = text.find(name)
            if pos < 0:
                logger.warning("resolved name %r is not written in the text; keeping %r", name, text[start:end])
                pos, name = start, text[start:end]
            start, end = pos, pos + len(name)
        affiliation = c.affiliation
        linked = bool(
            (affiliation and ref.rosatom_re.search(affiliation)) or (name and ref.rosatom_re.search(name))
        )
        mentions.append(
            Mention(
                name=name,
                entity_type=c.entity_type,
                count=c.count,
                role=c.role,
                affiliation=affiliation,
                authority=authority,
                action=c.action,
                rosatom_linked=linked,
                sentence=c.sentence,
                sentence_start=c.sentence_start,
                start=start,
                end=end,
                confidence=c.confidence,
                cue="|".join(c.cues),
            )
        )
    mentions.sort(key=lambda m: (m.start, m.sentence_start))
    return mentions

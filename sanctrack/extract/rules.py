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

import re
import unicodedata
from dataclasses import dataclass, field

from sanctrack.extract.model import Mention
from sanctrack.extract.reference import ACTION_PRIORITY, Reference, load_reference
from sanctrack.extract.sentences import keyword_sentences, next_sentence

# --- token-level patterns -------------------------------------------------------------------

_TOKEN = r"(?:[A-Z\u00C0-\u00DE](?:[\w’'\-]|\.(?=[A-Z]))*)"
_PARTICLE = r"(?:(?:al|el|bin|ibn|van|von|de|da|der|ul)[-\s])"
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
CAPSEQ_RE = re.compile(rf"(?<![\w@/#]){_TOKEN}(?:{_SEP}{_PARTICLE}?{_TOKEN}){{0,7}}")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + "|".join(_NUMBER_WORDS) + r")"
_QUANT = r"(?:(?:over|more than|around|about|approximately|at least|nearly|almost|some|up to|a further|an additional|another|a total of)\s+)"
_MODS = r"(?:(?:more|new|additional|further|other|[\"“”'‘’]?[\w’'-]+[\"“”'‘’]?)\s+){0,4}?"

_PREPOSITIONS = frozenset(
    "in at from between with by of for near than about like via into to under besides across"
    " throughout toward towards within without during amid after before behind over".split()
)
_TRIGGER_NOUNS_BEFORE_OF = frozenset(
    "designation designations listing listings delisting removal assets asset property properties"
    " funds sanctioning names freezing".split()
)
_ADDRESS_VERBS = frozenset("call calls called calling urge urges urged urging ask asks asked press pressed told tell".split())
_AUXILIARIES = frozenset("is was are were has have had will would be been being".split())
_ADVERBS = frozenset("also already now reportedly previously recently since still further likewise".split())
_DETERMINERS = frozenset("the a an".split())
_RELATIVE_RE = re.compile(r",\s*(?:who|whose|whom|which)\b[^,;—–()]*")
_CONTINUATION_RE = re.compile(
    r"^(?:[\"“]?\s*)(?:(?:\w+)\s+of\s+(?:them|these|those)\b|(?:They|These|Those)\s+(?:include|are|were)\b|"
    r"(?:The|Those)\s+(?:\w+\s+){0,2}(?:include|includes|included|are|were)\b|Among\s+them\b)",
)
_APPOSITIVE_RE = re.compile(r"^,\s+(?:(?:the|a|an|his|her|their|its)\s+)?([^,;()—–\n]{2,90}?)(?=\s*(?:,|;|\.(?:\s|$)|\s—|\s–|$))")
_DASH_RE = re.compile(r"\s[—–-]\s|:\s")
_HYPHEN_LOWER_RE = re.compile(r"^[\w’']+-[a-z][\w-]*$")
_SURNAME_SUFFIX_RE = re.compile(
    r"(?:ov|ova|ev|eva|yov|in|ina|yn|kin|ko|enko|sky|skiy|ski|skaya|ich|vich|uk|yuk|yan|ian|dze|shvili|ova|ayev|iev|ik)$"
)
_SPEAKER_AFTER_RE = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:said|says|told|added|stated)\b")


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


def _actions(ref: Reference, text: str) -> list[tuple[str, str]]:
    """(action, matched cue) pairs found in `text`."""
    found = []
    for trigger in ref.triggers:
        match = trigger.pattern.search(text)
        if match:
            found.append((trigger.action, match.group(0)))
    return found


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
_AUTH_LIST_GAP_RE = re.compile(r"^(?:,\s*|\s+and\s+|\s*&\s*)(?:the\s+)?$")


def _authorities(ref: Reference, clause: str) -> tuple[list[str], list[str], set[str]]:
    """(strong, weak, negated) authorities of a clause.

    Strong: the alias is the agent or owner of a sanction (a trigger within ten words after it,
    or within four words before it: "sanctioned by the US", "on the lists of Washington"), or
    is coordinated with a strong one ("the EU, the UK, Japan and New Zealand"). Weak: any other
    alias, except partners "in coordination with" and compounds like "US-drafted".
    """
    matches = []
    for m in ref.authority_re.finditer(clause):
        alias = m.group(0)
        after = clause[m.end():m.end() + 1]
        if after == "-" or (alias.isupper() is False and after == "’"):
            pass
        if clause[m.end():m.end() + 1] == "-":
            continue
        before = clause[max(0, m.start() - 40):m.start()]
        coordinated = bool(re.search(r"(?:" + _COORDINATION_RE.pattern + r")(?:[\w.’' ,&]*?)$", before, re.IGNORECASE)) and not re.search(
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
        if re.match(r"^\s+(?:\w+\s+){0,2}(?:did|does|do|has|have)\s+not\b", tail) or re.match(r"^\s+(?:\w+\s+)?(?:has|have)\s+(?:so far\s+)?not\b", tail):
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
    return list(dict.fromkeys(strong)), list(dict.fromkeys(weak)), negated


# --- candidate names ------------------------------------------------------------------------


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
        for t in ref.titles:
            parts = t.split()
            if tokens[i:i + len(parts)] == parts and i + len(parts) < len(tokens):
                matched_title = parts
                break
        if matched_title:
            title.extend(matched_title)
            i += len(matched_title)
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
                and token in ref.given_names | {"German", "Roman", "Herman"}
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


def _looks_like_person(ref: Reference, tokens: list[str], before: str, after: str, had_title: bool) -> bool:
    if len(tokens) < 2 or len(tokens) > 4:
        return False
    if any(t.isupper() and len(t) > 1 for t in tokens):
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
    return bool(re.match(r"^,\s+(?:\d+|(?:a|an|the|his|her)\s+\w+)", after))


def _word_before(text: str) -> tuple[str, str]:
    """(word immediately before, word before that), skipping determiners."""
    words = re.findall(r"[\w’'-]+", text[-80:])
    while words and words[-1].lower() in _DETERMINERS:
        words.pop()
    last = words[-1].lower() if words else ""
    prev = words[-2].lower() if len(words) > 1 else ""
    return last, prev


def _is_actor(ref: Reference, after: str) -> bool:
    """Whether the name is the subject of an active verb (speaker, announcer, actor)."""
    rest = after
    m = _APPOSITIVE_RE.match(rest)
    if m and rest[m.end():m.end() + 1] == ",":
        rest = rest[m.end() + 1:]
    words = re.findall(r"[\w’'-]+|[,;:.()—–]", rest[:80])
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
    if i == 0 and word.islower() and word not in _AUXILIARIES and word not in ("as", "plus", "its", "his", "her", "their", "and", "or", "who", "whose", "which", "to", "of", "in", "on", "from", "with", "for"):
        return bool(re.fullmatch(r"[a-z]+(?:ed|es|s)", word)) and not word.endswith(("ss", "us"))
    return i > 0 and bool(re.fullmatch(r"[a-z]+ed", word))


def _role_after(ref: Reference, after: str) -> str | None:
    m = _APPOSITIVE_RE.match(after)
    if not m:
        return None
    phrase = re.split(r"\s+(?:who|whose|which|that|said)\b", m.group(1))[0].strip()
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
        if w.lower() in ("his", "her", "their", "the", "a", "an", "and", "with", "of", "to", "on") or w.endswith(("’s", "'s")):
            break
        kept.insert(0, w)
    return " ".join(kept) or None


def _affiliation_of(ref: Reference, role: str | None) -> str | None:
    if not role:
        return None
    m = re.search(r"\b(?:of|within|at|in)\s+(?:the\s+|a\s+)?([^,;]+)$", role)
    if not m:
        return None
    value = m.group(1).strip()
    if value.split()[0] in ref.stopwords and len(value.split()) == 1:
        return None  # a country or place is never an affiliation
    if re.search(r"\b(?:division|department|unit)\s+within\b", role):
        inner = re.search(r"\bwithin\s+(?:the\s+|a\s+)?(.+)$", role)
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
    including_affiliation: tuple[int, str] | None


def _clause_index(ctx: _Context, pos: int) -> int:
    for i, (s, e) in enumerate(ctx.clauses):
        if s <= pos <= e:
            return i
    return len(ctx.clauses) - 1


def _title_case_line(sentence: str) -> bool:
    words = re.findall(r"[A-Za-z][\w’'-]*", sentence)
    if len(words) < 4:
        return False
    capital = sum(1 for w in words if w[0].isupper())
    return capital / len(words) > 0.6


def _name_candidates(ref: Reference, ctx: _Context, text: str) -> list[_Candidate]:
    sentence, offset = ctx.sentence, ctx.offset
    if _title_case_line(sentence):
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
            if (starts_legal and gap in (" and ", " of ", " of the ", " for ", " – ", " - ", " — ", " & ")) or (
                ends_org and gap in (" of ", " of the ", " for ")
            ) or gap == " & ":
                merged[-1] = (ps, m.end())
                continue
        merged.append(m.span())

    out: list[_Candidate] = []
    for s, e in merged:
        # Split the sequence at possessives and authority words: "Lavrov’s", "EU".
        piece_start = s
        for part in re.finditer(r"\S+(?:\s+\S+)*?(?=(?:’s|'s)\b|$)", sentence[s:e]):
            pass
        tokens_spans = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", sentence[s:e])]
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
        del piece_start
    return out


def _make_name_candidate(ref: Reference, ctx: _Context, text: str, group: list[tuple[int, int]]) -> _Candidate | None:
    sentence, offset = ctx.sentence, ctx.offset
    tokens = [sentence[a:b] for a, b in group]
    possessive = tokens[-1].endswith(("’s", "'s"))
    if possessive:
        return None
    title, name_tokens = _strip_leading(ref, tokens)
    if not name_tokens:
        return None
    # Drop trailing stopwords ("Alrosa The").
    while name_tokens and name_tokens[-1] in ref.stopwords and len(name_tokens) > 1 and name_tokens[-1] not in ref.org_words:
        name_tokens.pop()
    first = len(tokens) - len(name_tokens) - (len(tokens) - len(tokens))  # index of first kept token
    first = tokens.index(name_tokens[0], len(tokens) - len(name_tokens) - 0) if name_tokens[0] in tokens[len(tokens) - len(name_tokens):] else len(tokens) - len(name_tokens)
    start_rel = group[first][0]
    end_rel = group[first + len(name_tokens) - 1][1]
    name = sentence[start_rel:end_rel]
    joined = " ".join(name_tokens)
    if joined in ref.authority_alias or joined in ref.government_bodies or joined in ref.media:
        return None
    if any(t in ("Ministry", "Office", "Department", "Council", "Government", "Court", "Parliament", "Commission", "Embassy", "Sanctions", "Act", "Regime", "Treasury", "Kremlin") for t in name_tokens):
        return None
    if len(name_tokens) > 1 and all(t.isupper() for t in name_tokens) and not any(t in ref.legal_forms for t in name_tokens):
        return None  # "NEW YORK", photo credits in capitals
    if _HYPHEN_LOWER_RE.match(name_tokens[-1]):
        return None  # "Moscow-based", "US-drafted"
    before = sentence[:start_rel]
    after = sentence[end_rel:]
    if after[:1] == ":" or before[-1:] in ("(", "/", "@", "#") or after[:1] in (")", "/"):
        return None
    if any(a <= start_rel < b for a, b in ctx.blocked):
        return None
    last, prev = _word_before(before)
    is_legal = any(t in ref.legal_forms for t in name_tokens)
    if last in _PREPOSITIONS:
        allowed = (
            (last == "of" and prev in _TRIGGER_NOUNS_BEFORE_OF)
            or (last == "to" and prev in ("apply", "applies", "extend", "extends", "extended", "applied"))
            or (is_legal and last in ("at", "in"))
        )
        if not allowed:
            return None
    if last == "on" and prev in _ADDRESS_VERBS:
        return None
    if last in _ADDRESS_VERBS:
        return None
    if re.search(r"according\s+to\s+(?:[\w’'-]+\s+){0,3}$", before[-60:], re.IGNORECASE):
        return None
    if _is_actor(ref, after):
        return None
    if ctx.including_affiliation is None and re.search(r"\b(?:by|from)\s+(?:[A-Z][\w’'-]*\s+){1,4}$", before[-50:]):
        return None
    for pattern in ref.negations:
        m = pattern.search(after[:80])
        if m and not re.search(r"[;]", after[:m.start()]):
            return None

    is_org = _is_org(ref, name_tokens)
    role: str | None = None
    entity_type: str
    confidence = 0.85
    vessel_prefix = re.search(r"\b(?:tanker|vessel|ship|MV|MT|M/V)\s+$", before[-15:])
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
            if not re.match(r"^\s*(?:[,;.)—–]|and\b|or\b|is\b|was\b|has\b|have\b|were\b|are\b|$)", after):
                return None
        confidence = 0.6

    ci = _clause_index(ctx, start_rel)
    affiliation = None
    if entity_type == "person":
        affiliation = _affiliation_of(ref, role)
        if role and title and " ".join(title) == role and ctx.including_affiliation and start_rel > ctx.including_affiliation[0]:
            affiliation = ctx.including_affiliation[1]
    if entity_type == "organisation" and ref.rosatom_re.search(name) and not ref.rosatom_re.fullmatch(name):
        affiliation = "Rosatom"
    return _candidate(ref, ctx, ci, name, entity_type, 1, offset + start_rel, offset + end_rel, role, affiliation, confidence)


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
    found = [a for a in ctx.clause_actions if a is not None]
    if not found:
        return None
    for action in ACTION_PRIORITY:
        for a in found:
            if a[0] == action:
                return a
    return None


# --- groups ---------------------------------------------------------------------------------


def _group_re(ref: Reference) -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in sorted(ref.group_nouns, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w$£€])(?P<q>{_QUANT})?(?:(?P<num>{_NUM})|(?P<anum>a number of))\s+{_MODS}(?P<noun>{nouns})\b"
        rf"(?:\s+and\s+(?:{_MODS})(?P<noun2>{nouns})\b)?",
        re.IGNORECASE,
    )


_LINKED_RE = re.compile(
    r"^\s+(?:linked to|affiliated with|associated with|belonging to|connected to|tied to|controlled by|owned by|in)\s+([^,;.]+?)(?=\s+(?:which|that|who|whose)\b|[,;]|\.(?:\s|$)|$)"
)


def _group_candidates(ref: Reference, ctx: _Context, group_re: re.Pattern[str]) -> list[_Candidate]:
    sentence = ctx.sentence
    if _title_case_line(sentence):
        return []
    out = []
    for m in group_re.finditer(sentence):
        ci = _clause_index(ctx, m.start())
        cs, ce = ctx.clauses[ci]
        clause = sentence[cs:ce]
        if ref.running_totals.search(clause):
            continue
        after = sentence[m.end():]
        if re.match(r"^\s+(?:have|has|had)\s+(?!been\b|also\b|now been\b)\w+", after) or re.match(r"^\s+\w+(?:ed)\s", after) and not re.match(r"^\s+(?:linked|affiliated|associated|connected|tied|controlled|owned|based|involved|located)\b", after):
            continue  # the group acts ("have brought cases"): not a target
        last, prev = _word_before(sentence[:m.start()])
        if last in ("of",) and prev not in _TRIGGER_NOUNS_BEFORE_OF:
            continue
        if m.group("num"):
            raw = m.group("num").lower().replace(",", "")
            count: int | None = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        else:
            count = None
        end = m.end()
        affiliation = None
        linked = _LINKED_RE.match(after)
        if linked and not linked.group(0).lstrip().startswith("in "):
            end = m.end() + linked.end()
            phrase = linked.group(1)
            tail = re.match(r"^,\s*([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})\s*(?=[.;]|$)", sentence[end:])
            if tail:
                end += tail.end(1)
                phrase = phrase + ", " + tail.group(1)
            rosatom = ref.rosatom_re.search(phrase)
            if rosatom:
                affiliation = rosatom.group(0)
            else:
                caps = [c for c in CAPSEQ_RE.findall(phrase) if c.split()[0] not in ref.stopwords]
                affiliation = caps[-1] if caps else re.sub(r"^(?:the|a|an)\s+", "", phrase.strip())
        elif linked and linked.group(0).lstrip().startswith("in "):
            phrase = linked.group(1)
            if phrase.split()[0][:1].isupper() or phrase.startswith(("the ", "Putin")):
                affiliation = phrase.strip()
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
        cand.group_has_more = bool(re.search(r"\b(?:also|additional|further|another|more)\b", sentence[max(0, m.start() - 40):end], re.IGNORECASE))
        cand.cues.append("pattern:counted-group" if count is not None else "pattern:a-number-of")
        del phrase_text
        out.append(cand)
    return out


# --- sentence analysis ----------------------------------------------------------------------


def _analyse(
    ref: Reference, text: str, start: int, end: int, carry: list[str] | None, vessel_context: bool, group_re: re.Pattern[str]
) -> tuple[list[_Candidate], list[str] | None, bool]:
    """Candidates of one sentence, and the authorities and vessel context it passes on."""
    sentence = text[start:end]
    clauses = _clauses(sentence)
    clause_actions = []
    clause_auth: list[tuple[list[str], list[str]]] = []
    negated: set[str] = set()
    for cs, ce in clauses:
        clause = sentence[cs:ce]
        clause_actions.append(_choose_action(_actions(ref, clause)))
        strong, weak, neg = _authorities(ref, clause)
        negated |= neg
        clause_auth.append((strong, weak))
    sentence_strong = list(dict.fromkeys(a for s, _ in clause_auth for a in s))
    sentence_weak = list(dict.fromkeys(a for _, w in clause_auth for a in w))
    resolved: list[tuple[list[str], str]] = []
    for strong, weak in clause_auth:
        if strong:
            resolved.append((strong, "strong"))
        elif sentence_strong:
            resolved.append((sentence_strong, "strong"))
        elif carry:
            resolved.append((carry, "carried"))
        elif weak or sentence_weak:
            resolved.append((weak or sentence_weak, "weak"))
        else:
            resolved.append(([], "none"))
    vessel_here = bool(re.search(r"\b(?:ships?|vessels?|tankers?)\b", sentence, re.IGNORECASE))
    blocked = [(m.start(), m.end()) for m in _RELATIVE_RE.finditer(sentence)]
    including = None
    inc = re.search(r"\b(?:affiliated with|linked to|associated with|connected to)\s+(?:the\s+)?([^,;]+?),\s+including\b", sentence)
    if inc:
        including = (inc.end(), inc.group(1).strip())
    ctx = _Context(
        sentence=sentence,
        offset=start,
        clauses=clauses,
        clause_actions=clause_actions,
        clause_authorities=resolved,
        negated_authorities=negated,
        vessel_context=vessel_context and not vessel_here or bool(re.search(r"(?:ships?|vessels?|tankers?)\b[^.]{0,40}[—–:]", sentence)),
        blocked=blocked,
        including_affiliation=including,
    )
    groups = _group_candidates(ref, ctx, group_re)
    # A name inside a group phrase is the group's affiliation ("linked to Rosatom"), not a target.
    names = [c for c in _name_candidates(ref, ctx, text) if not any(g.start <= c.start < g.end for g in groups)]
    candidates = names + groups
    new_carry = sentence_strong or carry or (sentence_weak if sentence_weak else None)
    return candidates, new_carry, vessel_here


# --- document level -------------------------------------------------------------------------


def _full_name_index(ref: Reference, text: str, windows: list[tuple[int, int]]) -> dict[str, str]:
    """surname -> first multi-token personal name with that surname, from the text's head and
    the analysed windows (bounded, so a huge document is not rescanned per name)."""
    index: dict[str, str] = {}
    spans = [(0, min(len(text), 5000))] + windows
    for s, e in spans:
        for m in CAPSEQ_RE.finditer(text, s, e):
            _title, tokens = _strip_leading(ref, m.group(0).split())
            tokens = [t for t in tokens if not t.endswith(("’s", "'s"))] if tokens and tokens[-1].endswith(("’s", "'s")) else tokens
            if 2 <= len(tokens) <= 4 and (tokens[0] in ref.given_names or _SURNAME_SUFFIX_RE.search(tokens[-1].lower())) and not _is_org(ref, tokens):
                if any(t in ref.stopwords for t in tokens[1:]):
                    continue
                index.setdefault(tokens[-1], " ".join(tokens))
    return index


def _norm_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(name)).split())


def extract(text: str) -> list[Mention]:
    """All mentions in `text`, in document order (see module docstring for the stages)."""
    ref = load_reference()
    group_re = _group_regex()
    candidates: list[_Candidate] = []
    carry: list[str] | None = None
    windows: list[tuple[int, int]] = []
    last_end = -1
    for start, end in keyword_sentences(text):
        if start < last_end:
            continue
        cands, carry, vessel_here = _analyse(ref, text, start, end, carry, False, group_re)
        candidates.extend(cands)
        windows.append((max(0, start - 300), end))
        last_end = end
        # A following sentence that continues the list is analysed with this one's context.
        nxt = next_sentence(text, end)
        hops = 0
        while nxt is not None and hops < 3 and _CONTINUATION_RE.match(text[nxt[0]:nxt[1]]):
            cands, carry_next, _ = _analyse(ref, text, nxt[0], nxt[1], carry, vessel_here, group_re)
            # The continuation has no cue of its own: it inherits the antecedent's action.
            for c in cands:
                c.cues.append("pattern:continuation")
            if not any(_actions(ref, text[nxt[0]:nxt[1]])):
                action = _choose_action(_actions(ref, text[start:end]))
                for c in cands:
                    if action:
                        c.action = action[0]
            candidates.extend(cands)
            carry = carry_next or carry
            windows.append(nxt)
            last_end = nxt[1]
            nxt = next_sentence(text, nxt[1])
            hops += 1
    return _resolve(ref, text, candidates, windows)


def _group_regex() -> re.Pattern[str]:
    global _GROUP_RE_CACHE
    if _GROUP_RE_CACHE is None:
        _GROUP_RE_CACHE = _group_re(load_reference())
    return _GROUP_RE_CACHE


_GROUP_RE_CACHE: re.Pattern[str] | None = None


def _resolve(ref: Reference, text: str, candidates: list[_Candidate], windows: list[tuple[int, int]]) -> list[Mention]:
    index = _full_name_index(ref, text, windows) if candidates else {}
    named_persons_by_surname: dict[str, str] = {}
    for c in candidates:
        if c.entity_type == "person" and c.name and len(c.name.split()) >= 2:
            named_persons_by_surname.setdefault(c.name.split()[-1], c.name)
    resolved: list[_Candidate] = []
    for c in candidates:
        if c.entity_type in ("single", "person") and c.name and len(c.name.split()) == 1:
            full = named_persons_by_surname.get(c.name) or index.get(c.name)
            if full:
                c.name = full
                c.entity_type = "person"
                c.cues.append("pattern:surname-resolved")
            elif c.entity_type == "single":
                if c.name in ref.given_names:
                    continue
                c.entity_type = "organisation"
            else:
                continue
        resolved.append(c)

    # The fullest form of each person: prefer the longest name sharing the surname.
    fullest: dict[str, str] = {}
    for c in resolved:
        if c.entity_type == "person" and c.name:
            key = c.name.split()[-1]
            if len(c.name) > len(fullest.get(key, "")):
                fullest[key] = c.name

    rows: dict[tuple, tuple[_Candidate, str]] = {}
    for c in resolved:
        for authority in c.authorities:
            if c.entity_type == "unnamed_group":
                key: tuple = ("group", c.count, c.group_kind, authority, c.action)
            else:
                name = fullest.get(c.name.split()[-1], c.name) if c.entity_type == "person" and c.name else c.name
                key = ("named", _norm_key(name or ""), authority, c.action)
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
            if c.count is None and named:
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
        if c.entity_type == "person" and name and name != text[start:end]:
            # Point the span at the fullest form where it is written, so text[start:end] == name.
            full = fullest.get(name.split()[-1], name)
            pos = text.find(full)
            if pos >= 0:
                name, start, end = full, pos, pos + len(full)
            else:
                name = text[start:end]
        elif c.entity_type == "person" and name:
            full = fullest.get(name.split()[-1], name)
            if full != name:
                pos = text.find(full)
                if pos >= 0:
                    name, start, end = full, pos, pos + len(full)
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

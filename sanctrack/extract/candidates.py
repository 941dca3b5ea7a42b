"""Stage 2: spans that could be targets. Proposes, never decides.

`name_spans` finds capitalised sequences in a segment and shapes them into candidate names: names
in enumerations, "SURNAME, Given" as notices write them, legal forms at either end ("LLC X", "X Co.,
Ltd"), organisations with "of"/"and"/"&" inside ("Ministry of Defence", "Elemento Oil & Gas Ltd"),
particles ("al-Nabi", "dos Santos"), numbers ("Unit 29155", "SPIRIT 2"). A title before a name is
split off as its role ("Deputy Prime Minister Ivan Petrov"). `group_spans` finds counted and
uncounted groups ("more than 30 Belarusian trading firms", "several Iranian exchanges").
Whether a span is a target is decided later, from evidence (features.py), by a scorer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate, chain, compress

from sanctrack.extract.lexicon import Lexicon

# Tokens: initialisms (U.S., S.A., a.k.a.), numbers and ordinals, words with inner apostrophes and
# hyphens, and single other characters. Each alternative opens with a character class, so the regex
# engine rejects it on the first character; the white space before a token is matched with it, so
# offsets are sums of lengths (tokenize).
_L = r"[^\W\d_]"
_TOKEN = (
    rf"{_L}\.{_L}\.(?:{_L}\.)*(?:{_L}(?![\w]))?"
    r"|\d\d*(?:[.,]\d+)*(?:st|nd|rd|th|s)?(?![\w])"
    r"|[^\W_]\w*(?:(?:[’'](?=\w)(?![sS](?!\w))|[-‐](?=\w))\w*)*"
    r"|[’'][sS](?!\w)"
    r"|\S"
)
_SPACE_TOKEN_RE = re.compile(rf"(\s*)({_TOKEN})")
_DOT_WORDS = frozenset(
    "co ltd inc corp dr mr mrs ms jr sr st gen lt col capt maj adm sgt prof hon rt no nos dept bros llc plc"
    " pte pty sa ag bv nv srl sro spa vs".split()
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12, "single": 1,
}
# Words that join the two halves of an organisation's name across "and" ("Research and Design").
_ORG_DESCRIPTORS = frozenset(
    "Research Design Science Scientific Development Production Engineering Trade Trading Investment Investments"
    " Construction Technical Industrial Industry Manufacturing Innovation Innovations Testing Repair Affairs"
    " Security Finance Financial Energy Defence Defense Communications Commerce Justice Culture Education Health"
    " Planning Economic Economy Transport Logistics Technology Technologies Services Exploration Production"
    " Supply Maintenance Gas Oil Chemicals Chemical Biological Radiological Nuclear Space Aviation".split()
)
_JOIN_OF = frozenset("of for".split())
# The labels of a list entry's fields ("DOB 15 Jul 1998; POB Tulua"): never a word of a name.
_FIELD_LABELS = frozenset("DOB POB YOB D.O.B. P.O.B. DoB PoB".split())
# Month words: next to a number they are a date ("15 Jul 1998", "March 2022"), not a name.
_MONTHS = frozenset(
    """January February March April May June July August September October November December Jan Feb Mar Apr Jun
    Jul Aug Sep Sept Oct Nov Dec""".split()
)
_QUOTES_OPEN = "\"“‘'«"
_QUOTES_CLOSE = "\"”’'»"


@dataclass(slots=True)
class Tokens:
    """A segment's tokens: text, start and end offsets (relative to the segment)."""

    text: list[str]
    start: list[int]
    end: list[int]


def tokenize(segment: str) -> Tokens:
    """Tokens of a segment; a dot stays on a known abbreviation or a single capital ("J.")."""
    # (space, token) pairs flattened: the running sum of their lengths gives every offset.
    pieces = list(chain.from_iterable(_SPACE_TOKEN_RE.findall(segment)))
    offsets = list(accumulate(map(len, pieces), initial=0))
    texts, starts, ends = pieces[1::2], offsets[1:-1:2], offsets[2::2]
    if "." in texts:
        k = texts.index(".")
        while True:
            if 0 < k < len(texts) - 1 and ends[k - 1] == starts[k]:
                prev = texts[k - 1]
                if prev.lower() in _DOT_WORDS or len(prev) == 1 and prev.isupper():
                    texts[k - 1] = prev + "."
                    ends[k - 1] = ends[k]
                    del texts[k], starts[k], ends[k]
                    k -= 1
            try:
                k = texts.index(".", k + 1)
            except ValueError:
                break
    return Tokens(texts, starts, ends)


def _is_cap(tok: str) -> bool:
    """A capitalised name word: "Petrov", "PETROV", "al-Nabi" is not (particle), "Russian-installed" is not."""
    c = tok[0]
    if not (c.isupper() or c.isdigit() and tok[-1:].isalpha() and tok[:1].isdigit() and tok.endswith(("st", "nd", "rd", "th"))):
        return False
    if c.isdigit():
        return True
    if "-" in tok:
        tail = tok.rsplit("-", 1)[1]
        if tail[:1].islower() and not tok.isupper():
            return False  # "Russian-installed", "Kremlin-backed"
    return True


def _is_particle_word(tok: str, lex: Lexicon) -> bool:
    """A lower-case name particle, alone ("bin", "dos") or hyphenated to a name ("al-Nabi")."""
    if tok.lower() in lex.particles and tok.islower():
        return True
    head, _, tail = tok.partition("-")
    return bool(tail) and head.lower() in lex.particles and tail[:1].isupper()


def _is_upper_word(tok: str) -> bool:
    """A word in capitals ("PETROV", "U.S.", "LLC-FZ"); a single capital letter is not."""
    return len(tok) >= 2 and tok.isupper()


class WordFacts(dict):
    """word (or phrase) -> a fact about it that depends on it and the lexicon alone, computed on first use.

    The hot loops read facts of every token or candidate; words repeat, so a dictionary probe
    replaces a function call. Bounded: past LIMIT words, facts are computed and not kept.
    """

    __slots__ = ("fact",)
    LIMIT = 50_000

    def __init__(self, fact: Callable[[str], object]) -> None:
        super().__init__()
        self.fact = fact

    def __missing__(self, word: str):
        value = self.fact(word)
        if len(self) < self.LIMIT:
            self[word] = value
        return value


_FACTS: dict[tuple[int, Callable], tuple[Lexicon, WordFacts]] = {}


def word_facts(lex: Lexicon, fact: Callable[[Lexicon, str], object]) -> WordFacts:
    """The table of `fact(lex, word)` for one lexicon (`fact` a module-level function), made on first use."""
    key = (id(lex), fact)
    held = _FACTS.get(key)
    if held is None or held[0] is not lex:
        held = _FACTS[key] = (lex, WordFacts(partial(fact, lex)))
    return held[1]


def _cap_fact(lex: Lexicon, w: str) -> bool:
    """A capitalised name word (_is_cap) that is not a field label ("DOB")."""
    return _is_cap(w) and w not in _FIELD_LABELS


def _particle_fact(lex: Lexicon, w: str) -> bool:
    """A lower-case name particle ("bin", "al-Nabi")."""
    return (w in lex.particles or "-" in w and _is_particle_word(w, lex)) and not w[:1].isupper()


def _opens_fact(lex: Lexicon, w: str) -> bool:
    """Can open a name span: capitalised, a particle, a number or an opening quote."""
    return w in _QUOTES_OPEN or _is_cap(w) or _particle_fact(lex, w) or w[:1].isdigit()


@dataclass(slots=True)
class NameSpan:
    """A candidate name inside a segment (token indexes [first, last], offsets relative to the segment)."""

    first: int
    last: int
    start: int
    end: int
    title: str | None = None  # a title split off the front ("Deputy Prime Minister")
    title_first: int | None = None  # token index where the title began
    quoted: bool = False
    acronym: str | None = None  # "(SDA)" right after the name
    surname_first: bool = False  # "PETROV, Ivan"
    flags: set[str] = field(default_factory=set)


def _title_prefix_end(tokens: list[str], i: int, j: int, lex: Lexicon) -> int:
    """Index after the longest run of capitalised words from i that ends in a title word, or i."""
    best = i
    for k in range(i, j + 1):
        word = tokens[k].rstrip(".")
        if word in lex.titles:
            best = k + 1
        elif not (word in ("of", "the", "and", "for") or word[:1].isupper()):
            break
    return best


def is_title_phrase(tokens: list[str], i: int, j: int, lex: Lexicon) -> bool:
    """'Minister for Karamoja Affairs', 'Director General for Trade': a title with its field, not a name."""
    best = _title_prefix_end(tokens, i, j, lex)
    return i < best <= j and tokens[best] in ("of", "for")


def _strip_title(tokens: list[str], i: int, j: int, lex: Lexicon) -> int:
    """Index of the first name token after a leading title ("Lieutenant General X" -> X), or i.

    The title is the longest prefix of capitalised words (with "of"/"the" inside) that ends in a
    title word; it is kept with the name when what follows is an organisation ("General Directorate").
    """
    best = _title_prefix_end(tokens, i, j, lex)
    if best == i or best > j:
        return i
    if tokens[best] in ("of", "for"):
        return i  # "Minister for Karamoja Affairs": a title phrase, not a title and a name
    while best <= j and tokens[best] in ("of", "the", "and", "for"):
        best += 1
    if best > j:
        return i
    if any(t.rstrip(".,") in lex.org_words or t.upper().replace(".", "") in lex.legal_forms for t in tokens[best:j + 1]):
        return i
    return best


def name_spans(segment: str, toks: Tokens, lex: Lexicon) -> list[NameSpan]:
    """Candidate names in a segment, left to right, not overlapping."""
    t = toks.text
    n = len(t)
    spans: list[NameSpan] = []
    cap = list(map(word_facts(lex, _cap_fact).__getitem__, t))  # read many times below
    if not _MONTHS.isdisjoint(t):
        for k, w in enumerate(t):
            if w in _MONTHS and (k > 0 and t[k - 1][:1].isdigit() or k + 1 < n and t[k + 1][:1].isdigit()):
                cap[k] = False
    particle = list(map(word_facts(lex, _particle_fact).__getitem__, t))
    resume = 0  # the token after the last span: a span starts only where the last one ended
    # Only a token that can open a span is looked at (any other one is passed over).
    for i in compress(range(n), map(word_facts(lex, _opens_fact).__getitem__, t)):
        if i < resume:
            continue
        tok = t[i]
        # A quoted name: "Troops of Radiological, Chemical and Biological Defence".
        if tok in _QUOTES_OPEN and i + 1 < n and cap[i + 1]:
            close = _quoted_end(t, i + 1, n)
            if close is not None and close - i <= 32 and _mostly_capitalised(t[i + 1:close], lex):
                span = NameSpan(i + 1, close - 1, toks.start[i + 1], toks.end[close - 1], quoted=True)
                spans.append(span)
                resume = close + 1
                continue
        if not (cap[i] or particle[i] and i + 1 < n and cap[i + 1] or tok[:1].isdigit() and _leading_number(t, i, lex)):
            continue
        j = i
        surname_first = False
        while j + 1 < n:
            nxt = t[j + 1]
            if cap[j + 1] or particle[j + 1] and "-" in nxt:
                j += 1
                continue
            after = t[j + 2] if j + 2 < n else ""
            if particle[j + 1] and after and (cap[j + 2] or particle[j + 2]):
                j += 1
                continue
            if nxt == "&" and after and cap[j + 2]:
                j += 1
                continue
            if nxt.isdigit() and (j + 2 >= n or not t[j + 2][:1].islower()) and cap[j]:
                j += 1  # "Unit 29155", "SPIRIT 2", "Nord Stream 2 AG"
                continue
            if nxt in _JOIN_OF and after and (cap[j + 2] or after == "the" and j + 3 < n and cap[j + 3]):
                if _org_or_title_so_far(t, i, j, lex):
                    j += 2 if after != "the" else 3
                    continue
            if nxt == "and" and after in _ORG_DESCRIPTORS and _org_or_title_so_far(t, i, j, lex, descriptors=True):
                j += 1
                continue
            if nxt == "," and after:
                if not surname_first and _opens_entry(t, i) and _surname_comma(t, i, j, lex) and _given_after(t, j + 2, n, lex):
                    surname_first = True
                    j += 1
                    continue
                if after.upper().replace(".", "") in lex.legal_forms or after in ("S.A.", "S.A", "Ltd", "Ltd.", "Inc.", "Inc", "L.L.C.", "LLC"):
                    j += 1  # "D'Agostino & Company, Ltd", "Petroleos de Venezuela, S.A."
                    continue
            break
        start, end = toks.start[i], toks.end[j]
        span = NameSpan(i, j, start, end, surname_first=surname_first)
        first = _strip_title(t, i, j, lex)
        if first != i:
            span.title = segment[toks.start[i]:toks.end[first - 1]]
            span.title_first = i
            span.first = first
            span.start = toks.start[first]
        _trim(span, t, lex)
        if span.first <= span.last:
            span.end = toks.end[span.last]
            span.start = toks.start[span.first]
            if span.last + 2 < n and t[span.last + 1] == "(" and t[span.last + 3 if span.last + 3 < n else span.last + 2] == ")":
                acr = t[span.last + 2]
                if acr[:1].isupper() and len(acr) <= 12:
                    span.acronym = acr
            spans.append(span)
        resume = j + 1
    return spans


def _leading_number(t: list[str], i: int, lex: Lexicon) -> bool:
    """'82 Elm Realty LLC', '27th Scientific Centre': a number that starts a capitalised name with a head."""
    if not t[i][:1].isdigit() or i + 1 >= len(t) or not _is_cap(t[i + 1]) or t[i + 1][:1].isdigit():
        return False
    k = i + 1
    while k < len(t) and k < i + 7 and (_is_cap(t[k]) or t[k] in ("of", "&")):
        if t[k] in lex.org_words or t[k].upper().replace(".", "") in lex.legal_forms:
            return True
        k += 1
    return False


def _quoted_end(t: list[str], i: int, n: int) -> int | None:
    for k in range(i, min(n, i + 34)):
        if t[k] in _QUOTES_CLOSE:
            return k
    return None


def _mostly_capitalised(words: list[str], lex: Lexicon) -> bool:
    alpha = [w for w in words if w[:1].isalpha()]
    if len(alpha) < 2:
        return False
    caps = sum(1 for w in alpha if w[:1].isupper())
    return caps / len(alpha) >= 0.6 and sum(1 for w in alpha if w in lex.org_words) >= 1


def _org_or_title_so_far(t: list[str], i: int, j: int, lex: Lexicon, descriptors: bool = False) -> bool:
    """Whether the run so far is an organisation (or a title) that can continue with "of"/"and"."""
    last = t[j].rstrip(".")
    if descriptors:
        return last in _ORG_DESCRIPTORS or any(w in lex.org_words for w in t[i:j + 1])
    return last in lex.org_words or last in lex.titles or _is_upper_word(last) and last.capitalize() in lex.org_words or (
        last in _ORG_DESCRIPTORS and any(w in lex.org_words for w in t[i:j + 1])
    )


def _opens_entry(t: list[str], i: int) -> bool:
    """Notices write SURNAME, Given at the start of an entry: the segment's start, or after ':',
    ';', '(', 'a.k.a.'; never after an article ("the CNE, Carlos ...")."""
    return i == 0 or t[i - 1] in (":", ";", "(", "-", "•", "a.k.a.", "a.k.a", "aka", ")") or t[i - 1][:1].isdigit()


def _surname_comma(t: list[str], i: int, j: int, lex: Lexicon) -> bool:
    """'PETROV, Ivan' / 'AMORIM FERREIRA, Ciro': the run so far is a surname in capitals."""
    words = t[i:j + 1]
    if not all(_is_upper_word(w) or _is_particle_word(w, lex) for w in words):
        return False
    if any(w in lex.stopwords or w in lex.authority_alias or w.upper().replace(".", "") in lex.legal_forms for w in words):
        return False
    return any(len(w) >= 3 for w in words) and len(words) <= 3


def _given_after(t: list[str], k: int, n: int, lex: Lexicon) -> bool:
    """The comma is followed by given names in title case ("Ivan Sergeyevich")."""
    if k >= n:
        return False
    w = t[k]
    return w[:1].isupper() and not _is_upper_word(w) and w not in lex.stopwords and w.rstrip(".") not in lex.titles


# Capitalised words that open a sentence or a phrase and are never part of a name.
_LEADING_WORDS = frozenset(
    """The A An This That These Those On In At For From By With As And But Or Also Both All Each Any Some According
    After Before During Since Under Over Among Following If When While Where Which Who Today Yesterday Meanwhile
    However Separately Additionally Further Furthermore Moreover Last Next Earlier Later Then Now Here There It Its
    Their His Her Our We They He She I You Thursday's Monday's Tuesday's Wednesday's Friday's Saturday's Sunday's
    Today's Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Mr Mrs Ms Dr Sir Image Photo Read Share Related Tags THE Besides Despite
    Although Though Because Unlike Amid Amidst Through Via Whilst Until Whether Instead Indeed""".split()
)


def _trim(span: NameSpan, t: list[str], lex: Lexicon) -> None:
    """Drop leading function words and trailing joiners: 'The Kremlin' -> 'Kremlin', 'Bank of' -> 'Bank'."""
    while span.first <= span.last and (
        t[span.first] in _LEADING_WORDS and span.first < span.last and not _keeps_stopword(t, span, lex)
        or t[span.first] in ("of", "the", "and", "&", "for")
    ):
        span.first += 1
    while span.last >= span.first and (t[span.last] in ("of", "the", "and", "&", "for", ",") or _is_particle_word(t[span.last], lex) and "-" not in t[span.last]):
        span.last -= 1


def _keeps_stopword(t: list[str], span: NameSpan, lex: Lexicon) -> bool:
    """'Russian Railways', 'British Steel': a demonym that is part of an organisation's name."""
    word = t[span.first]
    if word in ("The", "A", "An", "THE") and span.last - span.first >= 1 and all(_is_upper_word(w) for w in t[span.first:span.last + 1] if w.isalpha()):
        return True  # "THE TERRORGRAM COLLECTIVE": keep the article of a name in capitals
    rest = t[span.first + 1:span.last + 1]
    return word[:1].isupper() and word not in ("The", "A", "An", "This", "That", "On", "In", "At", "For", "By", "As", "And", "But", "Also", "Both") and any(
        w in lex.org_words or w.upper().replace(".", "") in lex.legal_forms for w in rest
    )


# --- groups --------------------------------------------------------------------------------------

_QUANT = r"(?:(?:over|more than|at least|around|about|approximately|nearly|almost|some|up to|a further|an additional|another|a total of|a further|roughly)\s+)"


def group_pattern(lex: Lexicon) -> re.Pattern[str]:
    """Counted and uncounted groups: '[over] N [modifiers] nouns' and 'several/dozens of ... nouns'."""
    nouns = sorted(lex.group_nouns, key=len, reverse=True)
    number = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
    vague = r"(?:several|dozens of|scores of|hundreds of|a number of|numerous|multiple|various|a group of|a handful of|a raft of|other)"
    mods = r"(?:(?!(?:of|them|the|and|or|to|in|for|with|by|from|on|at|their|its|were|are|was|is|have|has|who|which|that)\b)[\w’'\"“”-]+\s+){0,4}?"
    return re.compile(
        rf"(?<![\w-])(?P<quant>{_QUANT})?(?:(?P<num>{number})|(?P<vague>{vague}))\s+(?:(?P<more>more|new|additional|further|other)\s+)?"
        rf"(?P<mods>{mods})(?P<noun>{'|'.join(re.escape(n) for n in nouns)})(?![\w-])",
        re.IGNORECASE,
    )


@dataclass(slots=True)
class GroupSpan:
    """A candidate unnamed group inside a segment (offsets relative to the segment)."""

    start: int
    end: int
    count: int | None
    kind: str  # person | entity | vessel
    noun: str
    has_more: bool
    quantified: bool  # "over", "more than", "at least"...
    vague: bool  # "several", "a number of"


def parse_count(text: str) -> int | None:
    """'1,400' -> 1400, 'twelve' -> 12, 'a dozen' -> 12; None when it is not a number."""
    low = text.lower().replace(",", "")
    if low.isdigit():
        return int(low)
    return _NUMBER_WORDS.get(low)


def group_spans(segment: str, pattern: re.Pattern[str], lex: Lexicon) -> list[GroupSpan]:
    out: list[GroupSpan] = []
    for m in pattern.finditer(segment):
        noun = m.group("noun").lower()
        kind = lex.group_nouns.get(noun) or lex.group_nouns.get(m.group("noun"), "person")
        num = m.group("num")
        count = parse_count(num) if num else None
        if num and num.lower() in ("one", "single") and not noun.endswith("s"):
            pass
        out.append(
            GroupSpan(
                start=m.start("quant") if m.group("quant") else m.start("num") if num else m.start("vague"),
                end=m.end("noun"),
                count=count,
                kind=kind,
                noun=noun,
                has_more=bool(m.group("more")) or bool(m.group("quant") and m.group("quant").lower().strip() in ("another", "a further", "an additional")),
                quantified=bool(m.group("quant")),
                vague=num is None,
            )
        )
    return out

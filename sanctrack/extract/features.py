"""Stage 3: evidence. Facts about each candidate, as named features the scorer weighs.

Every function here records what the text shows and decides nothing: the word before a name, a
title in front of it, a legal form, a sanction cue two words to the left, "said" right after it,
the list it belongs to, the alias of an authority and the role that alias plays. `scorer.py`
combines the features with weights learned from the labelled texts (`learn.py`); the features a
mention's decision rested on are kept in its `cue`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from sanctrack.extract.candidates import GroupSpan, NameSpan, Tokens, _is_upper_word, is_title_phrase, word_facts
from sanctrack.extract.cues import AuthorityMention, Cue
from sanctrack.extract.lexicon import Lexicon
from sanctrack.extract.syntax import TARGET_NOUNS, is_verb_like, left_governor, right_context
from sanctrack.extract.text import Segment

# Words whose identity is worth a feature of its own when they stand next to a candidate; any
# other word is reduced to its shape.
CONTEXT_WORDS = frozenset(
    """on against of by for to in at from with and or as including include includes included among are were is was
    be been being has have had also said says told according the a an his her their its sanctioned sanctions
    designated designates targeted targets target listed added named removed delisted lifted imposed froze frozen
    hit blacklisted blocked freezing banned barred following who whom whose which that while but except like such
    alias known aka dubbed nicknamed called urged urge asked dear president minister chief head leader son wife
    daughter brother father mother husband former deputy director owner founder chairman commander member members
    alongside together jointly coordination both all two three four five six seven eight nine ten other another
    further additional new will would could should may might can not never nor neither""".split()
)
_SANCTION_PARTICIPLES = frozenset(
    """sanctioned designated listed added targeted blacklisted removed delisted hit frozen blocked named included
    penalised penalized punished affected covered barred banned subjected inscribed""".split()
)
_PASSIVE_AUX = frozenset("is was are were be been being has have had will would also now today already".split())
_SPEECH = frozenset("said says say told tells announced stated wrote tweeted added noted explained argued warned".split())
_ADDRESS = frozenset("call calls called calling urge urges urged urging ask asks asked press pressed presses dear letter".split())
_ALIAS_WORDS = frozenset("alias aka a.k.a known dubbed nicknamed called f.k.a".split())
_VESSEL_NOUNS = frozenset("ship ships vessel vessels tanker tankers yacht superyacht superyachts yachts carrier carriers mv mt".split())
_SURNAME_SUFFIX_RE = re.compile(
    r"(?:ov|ova|ev|eva|yov|in|ina|yn|kin|ko|enko|sky|skiy|ski|skaya|ich|vich|uk|yuk|yan|ian|dze|shvili|ayev|iev|ik|ovic|evic|ovich|zadeh|pour)$"
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d$")


@dataclass(slots=True)
class SegmentContext:
    """Per-segment facts computed once and shared by every candidate in it."""

    seg: Segment
    text: str
    toks: Tokens
    low: list[str]
    cues: list[tuple[str, int, int]]  # (class, first token, last token)
    auths: list[tuple[AuthorityMention, int, int]]  # (mention, first token, last token)
    clause: list[int]  # clause number of each token
    intro_cues: frozenset[str]
    continuation: int  # 0: the segment has its own cue; k: k segments after a cued one
    cue_classes: frozenset[str] = frozenset()
    continues: bool = False  # opens like a continuation ("They include", "Three of them")
    roles: dict | None = None  # alias occurrence -> role (analyse.alias_roles), computed once
    cues_in_clause: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)
    classes_before_clause: dict[int, frozenset[str]] = field(default_factory=dict)  # classes of earlier clauses
    cue_starts: list[int] = field(default_factory=list)  # token index of each cue, sorted
    quote_depth: list[bool] | None = None  # per token: inside a quotation (features._inside_quotes)

    def tok_at(self, offset: int) -> int:
        return max(0, bisect_right(self.toks.start, offset) - 1)


def segment_context(seg: Segment, text: str, toks: Tokens, cues: list[Cue], auths: list[AuthorityMention],
                    intro_cues: frozenset[str], continuation: int) -> SegmentContext:
    starts = toks.start
    low = list(map(str.lower, toks.text))

    def tok_range(s: int, e: int) -> tuple[int, int]:
        first = max(0, bisect_right(starts, s) - 1)
        last = max(first, bisect_right(starts, e - 1) - 1)
        return first, last

    clause = []
    c = 0
    in_relative = False  # inside a relative clause, which keeps its cues to itself
    for i, w in enumerate(low):
        if w not in _CLAUSE_WORDS:  # most words: nothing to decide
            clause.append(c)
            continue
        if w == "and" and i and low[i - 1] == "," and _starts_clause(low, i + 1):
            c += 1  # ", and the US Department of Justice today unsealed ...": a new subject and verb
        if not in_relative and w in _RELATIVE_WORDS and _opens_relative(low, i):
            in_relative = True  # "banks that are now under sanctions"
            c += 1
        elif in_relative and w in _RELATIVE_ENDS:
            c += 1
            in_relative = False
        clause.append(c)
        if w in _CLAUSE_ENDS or (w in ("while", "whereas") and i and low[i - 1] == ","):
            c += 1
    ctx = SegmentContext(
        seg=seg,
        text=text,
        toks=toks,
        low=low,
        cues=[(cue.cls, *tok_range(cue.start, cue.end)) for cue in cues],
        auths=[(a, *tok_range(a.start, a.end)) for a in auths],
        clause=clause,
        intro_cues=intro_cues,
        continuation=continuation,
    )
    ctx.cue_classes = frozenset(cls for cls, _, _ in ctx.cues)
    ctx.cues.sort(key=lambda c: c[1])
    ctx.cue_starts = [cs for _, cs, _ in ctx.cues]
    seen: set[str] = set()
    for cue in ctx.cues:
        ctx.cues_in_clause.setdefault(clause[cue[1]], []).append(cue)
    for c in sorted(set(clause)):
        ctx.classes_before_clause[c] = frozenset(seen)
        seen |= {cls for cls, _, _ in ctx.cues_in_clause.get(c, ())}
    return ctx


_RELATIVE_WORDS = frozenset(("which", "who", "whom", "whose", "that"))
_RELATIVE_ENDS = frozenset((",", ";", ":", "—", "–", ")"))
_CLAUSE_ENDS = frozenset((";", ":", "—", "–", "but"))
_CLAUSE_WORDS = _RELATIVE_WORDS | _RELATIVE_ENDS | _CLAUSE_ENDS | {"and", "while", "whereas"}


def _opens_relative(low: list[str], i: int) -> bool:
    """'which', 'who', 'whom', 'whose', or 'that' right after a noun, opening a relative clause."""
    w = low[i]
    if w in ("which", "who", "whom", "whose"):
        return True
    if w == "that" and i and low[i - 1].isalpha() and low[i - 1] not in ("said", "says", "so", "such", "now", "and", "but"):
        return not is_verb_like(low[i - 1])
    return False


def _starts_clause(low: list[str], i: int) -> bool:
    """A subject then a finite verb within six words, no comma: the start of a clause."""
    for j in range(i, min(len(low), i + 7)):
        w = low[j]
        if w in (",", ";", ":"):
            return False
        if j > i and (w in ("has", "have", "had", "is", "was", "are", "were", "will", "said") or is_verb_like(w) and w.endswith("ed")):
            return True
    return False


def _shape(tok: str) -> str:
    if tok in CONTEXT_WORDS:
        return tok
    if not tok:
        return "<none>"
    c = tok[0]
    if c.isdigit():
        return "<year>" if _YEAR_RE.match(tok) else "<num>"
    if c.isupper():
        return "<CAPS>" if _is_upper_word(tok) else "<Cap>"
    if c.isalpha():
        if tok.endswith("ed"):
            return "<-ed>"
        if tok.endswith("ing"):
            return "<-ing>"
        return "<low>"
    return tok if tok in ",.;:()\"“”'’—–-" else "<punct>"


def _bucket(d: int) -> str:
    return "1" if d <= 1 else "2-3" if d <= 3 else "4-7" if d <= 7 else "8+"


def cue_features(ctx: SegmentContext, first: int, last: int, prefix: str) -> list[str]:
    """Nearest cue of each class left and right of tokens [first, last], in the same clause."""
    clause = ctx.clause[first]
    feats: list[str] = [f"{prefix}l_other_clause:{cls}" for cls in ctx.classes_before_clause.get(clause, ())]
    left: dict[str, int] = {}
    right: dict[str, int] = {}
    for cls, cs, ce in ctx.cues_in_clause.get(clause, ()):
        if ce < first:
            left[cls] = min(left.get(cls, 99), first - ce)
        elif cs > last:
            right[cls] = min(right.get(cls, 99), cs - last)
    for cls, d in left.items():
        feats.append(f"{prefix}l:{cls}:{_bucket(d)}")
        feats.append(f"{prefix}l:{cls}")
    for cls, d in right.items():
        feats.append(f"{prefix}r:{cls}:{_bucket(d)}")
        feats.append(f"{prefix}r:{cls}")
    return feats


@dataclass(slots=True)
class Enumeration:
    """Candidates that form one list ("A, B and C"): the first one's context speaks for all."""

    head_first: int  # first token of the list's first member (or of a role before it)
    members: list[int] = field(default_factory=list)


_SEPARATORS = frozenset([",", ";", "and", "or", "as", "well", "plus", "&"])


def enumerations(ctx: SegmentContext, spans: list[NameSpan], lex: Lexicon) -> list[tuple[int, int]]:
    """For each span, (first token of its list, last token of its list); a name alone is its own list.

    Two candidates belong to one list when only separators (", ; and or as well as"), an appositive
    about the first (", head of X,") and a modifier of the second (", its owner") lie between them.
    An office ("X, Director General for Trade at ...") is the first's appositive, not a member.
    """
    low = ctx.low
    t = ctx.toks.text
    heads: list[int] = []
    for k, span in enumerate(spans):
        begin = span.title_first if span.title_first is not None else span.first
        gap = slice(spans[k - 1].last + 1, begin) if k else slice(0, 0)
        if k and low[begin - 1] != "of" and _is_separator_gap(low[gap], t[gap]) and not (
                low[begin - 1] == "," and span.title is None and is_title_phrase(t, span.first, span.last, lex)):
            heads.append(heads[-1])
        else:
            heads.append(begin)
    ends = [0] * len(spans)
    for k in range(len(spans) - 1, -1, -1):
        ends[k] = ends[k + 1] if k + 1 < len(spans) and heads[k + 1] == heads[k] else spans[k].last
    return list(zip(heads, ends))


def _is_separator_gap(gap: list[str], written: list[str]) -> bool:
    """Only list punctuation between two members, possibly with an appositive about the first
    (", head of the directorate,") and a lower-case modifier of the second (", its owner").
    `gap` is in lower case, `written` as written."""
    if not gap or len(gap) > 16:
        return False
    k = len(gap)
    while k > 0 and written[k - 1].isalpha() and written[k - 1].islower() and gap[k - 1] not in _SEPARATORS and not is_verb_like(gap[k - 1]):
        k -= 1  # the second member's modifiers
    core = gap[:k]
    if not core:
        return False
    if ";" in core:
        last_semi = len(core) - 1 - core[::-1].index(";")
        if all(w in _SEPARATORS for w in core[last_semi:]):
            return True  # "A, who ...; B, a ...; and C": a semicolon-separated list
    if all(w in _SEPARATORS for w in core):
        return True
    if core[0] not in (",", ";", "(") or core[-1] not in (",", ";", "and", "or", ")"):
        return False
    middle = core[1:-1]
    return not any(is_verb_like(w) or w in ("who", "which", "whose", "said", "says") for w in middle)


@dataclass(slots=True)
class Relation:
    """What governs a candidate on the left and what follows it on the right (token indexes)."""

    gov: str
    gov_index: int
    right: str
    right_index: int


def name_features(ctx: SegmentContext, span: NameSpan, enum_head: int, enum_end: int, lex: Lexicon) -> tuple[list[str], Relation]:
    """The evidence about one candidate name (see the module docstring), and its relation."""
    t = ctx.toks.text
    low = ctx.low
    n = len(t)
    first, last = span.first, span.last
    words = t[first:last + 1]
    alpha = [w for w in words if w[:1].isalpha()]
    feats: list[str] = [f"seg:{ctx.seg.kind}"]
    if ctx.seg.intro is not None:
        feats.append("seg:has_intro")
        feats.extend(f"intro:{c}" for c in ctx.intro_cues)
    if ctx.continuation:
        c = ctx.continuation
        feats.append("seg:continuation" + ("1" if c == 1 else "2-3" if c <= 3 else "4+"))
        if ctx.continues:
            feats.append("seg:continues")
    clause_cues = {cls for cls, _, _ in ctx.cues_in_clause.get(ctx.clause[first], ())}
    feats.extend(["clause_has:" + c for c in clause_cues])
    feats.extend(["seg_has:" + c for c in ctx.cue_classes - clause_cues])

    # shape
    ntok = len(alpha)
    feats.append(f"shape:ntok{min(ntok, 5)}")
    allcaps = bool(alpha) and all(_is_upper_word(w) or not w.isalpha() for w in alpha) and any(len(w) > 1 for w in alpha)
    if allcaps:
        feats.append("shape:allcaps")
    if any(w[:1].isdigit() for w in words):
        feats.append("shape:digit")
    if words and words[0] in lex.given_names:
        feats.append("shape:given_first")
    if span.surname_first:
        feats.append("shape:surname_first")
    lw = words[-1].lower() if words else ""
    if _SURNAME_SUFFIX_RE.search(lw):
        feats.append("shape:surname_suffix")
    if any(map(word_facts(lex, _legal_form_word).__getitem__, words)):
        feats.append("shape:legal_form")
    if any(map(word_facts(lex, _org_word).__getitem__, words)):
        feats.append("shape:org_word")
    if ntok == 1:
        w = alpha[0] if alpha else words[0]
        if _is_upper_word(w) and len(w) <= 6:
            feats.append("shape:acronym")
        if w in lex.stopwords or w.rstrip("s") in lex.stopwords:
            feats.append("shape:stopword")
        if first == 0:
            feats.append("shape:single_at_start")
    if span.title is None and is_title_phrase(t, first, last, lex):
        feats.append("shape:title_phrase")
    if span.quoted:
        feats.append("shape:quoted")
    if any(w in _INSTRUMENT_WORDS for w in words):
        feats.append("shape:instrument")
    if first == 0 and last >= n - 2:
        feats.append("shape:whole_segment")
    if allcaps and ntok >= 4 and "shape:legal_form" not in feats and "shape:org_word" not in feats:
        feats.append("shape:caps_phrase")  # a heading in capitals, not a name
    if span.title:
        feats.append("title")
        title_low = span.title.lower()
        if any(a in title_low for a in lex.announcer_titles):
            feats.append("title:announcer")
    if lex.rosatom_re.search(" ".join(words)):
        feats.append("shape:rosatom")

    # governor on the left (of the list the name belongs to), context on the right (of the list)
    gov, gk = left_governor(low, enum_head, lex.role_nouns, lex.stopwords, t)
    own_head = span.title_first if span.title_first is not None else first
    if gov == "comma" and gk >= 1:
        # "sanctions on the Speaker of Parliament, Rt. Hon. X": X restates the object before the comma.
        j = gk - 1
        while j >= 0 and gk - j <= 10 and (t[j][:1].isupper() or low[j] in ("of", "the", "its", "his", "her", "their", "a", "an", "for", "and") or low[j] in lex.role_nouns):
            j -= 1
        if j < gk - 1:
            via, vk = left_governor(low, j + 1, lex.role_nouns, lex.stopwords, t)
            feats.append(f"gov_apposition:{via}")
            if via in ("sanction_verb", "sanction_prep", "delist_verb", "list_intro", "copula_after_predicate", "colon", "propose_verb"):
                gov, gk = via, vk  # the name restates the object before the comma: it takes its place
    feats.append(f"gov:{gov}")
    if enum_head != own_head:
        feats.append("enum:member")
        own_gov, _ = left_governor(low, own_head, lex.role_nouns, lex.stopwords, t)
        feats.append(f"own_gov:{own_gov}")
    else:
        feats.append("enum:first")
    if gov in ("sanction_verb", "delist_verb", "sanction_prep", "list_intro", "colon", "copula_after_predicate", "copula", "copula_target_subject", "start", "propose_verb"):
        if clause_cues & {"sanction", "delist"}:
            feats.append(f"gov_cued:{gov}")
    if gov == "colon" and gk >= 0:
        # "... were already under US sanctions: A, B and C": the cues of the clause before the colon
        before = {cls for cls, cs, ce in ctx.cues if ce < gk and ctx.clause[cs] == ctx.clause[gk]}
        feats.extend(f"colon_cue:{c}" for c in before)
        if any(low[j] in TARGET_NOUNS for j in range(gk - 1, max(-1, gk - 6), -1) if ctx.clause[j] == ctx.clause[gk]):
            feats.append("colon_cue:target_noun")  # "The list: ...", "The individuals sanctioned today are:"
        elif not before:
            feats.append("colon_cue:none")
    right, rk = right_context(low, enum_end + 1)
    feats.append(f"right:{right}")
    own_right, _ = right_context(low, last + 1)
    if own_right != right:
        feats.append(f"own_right:{own_right}")
    if gov == "start" and right in ("passive_sanction", "passive_delist", "state_sanction"):
        feats.append("subject_of_sanction")
    elif gov in ("start", "comma") and right in ("speech", "aux_other", "verb_other", "active_predicate", "relative"):
        feats.append(f"subject_acts:{right}")  # "X, the foreign minister, has welcomed the sanctions"
    feats.extend(cue_features(ctx, own_head, last, "cue"))

    # patterns
    p1 = low[own_head - 1] if own_head >= 1 else "<start>"
    p2 = low[own_head - 2] if own_head >= 2 else "<start>"
    n1 = low[last + 1] if last + 1 < n else "<end>"
    feats.append(f"p1:{_shape(p1) if p1 != '<start>' else p1}")
    feats.append(f"n1:{_shape(n1) if n1 != '<end>' else n1}")
    if p1 in lex.victim_words or p2 in lex.victim_words:
        feats.append("victim")
    if p1 in _ADDRESS or p2 in _ADDRESS or p1 == "on" and p2 in _ADDRESS or p1 == "to" and p2 == "letter":
        feats.append("addressee")
    if p1 in ("(", "[") or _inside_parens(low, own_head):
        feats.append("in_parens")
    if _in_alias_region(t, low, own_head):
        feats.append("alias_region")
    if _inside_quotes(ctx, own_head):
        feats.append("in_quotes")
    if _in_relative_clause(low, own_head):
        feats.append("relative_clause")
    if p1 in lex.role_nouns or p1.rstrip("s") in lex.role_nouns:
        feats.append("role_before")
    if n1 == "," and last + 2 < n and (low[last + 2] in ("the", "a", "an", "his", "her", "its") or low[last + 2] in lex.role_nouns):
        feats.append("appositive_after")
    if n1 in lex.role_nouns and last + 2 < n and t[last + 2][:1].isupper():
        feats.append("modifier_of_next_name")  # "Coastal Defence Force chief Muhammad ..."
    e1 = low[enum_head - 1] if enum_head >= 1 else ""
    if p1 in _VESSEL_NOUNS or e1 in _VESSEL_NOUNS or "imo" in low[last + 1:last + 4]:
        feats.append("vessel_context")
    if span.acronym:
        feats.append("acronym_after")
    if ntok == 1:
        if "vessel_context" in feats:
            feats.append("single:vessel")
        if ctx.seg.kind == "item":
            feats.append("single:item")
        if gov in ("colon", "list_intro", "sanction_verb", "sanction_prep", "delist_verb", "copula_after_predicate"):
            feats.append("single:in_list")
    if _after_field_label(t, low, own_head):
        feats.append("entry_field")
    return feats, Relation(gov, gk, right, rk)


def _legal_form_word(lex: Lexicon, w: str) -> bool:
    """A legal form ("LLC", "S.A.", "Ltd,")."""
    return w.upper().replace(".", "").rstrip(",") in lex.legal_forms


def _org_word(lex: Lexicon, w: str) -> bool:
    """A head noun of organisation names ("Bank", "PLANT")."""
    return w in lex.org_words or _is_upper_word(w) and w.rstrip(".,").capitalize() in lex.org_words


# Words that make a capitalised phrase a law, a list or a programme rather than a target.
_INSTRUMENT_WORDS = frozenset(
    "List Lists Act Acts Regulations Regulation Order Orders Regime Convention Resolution Charter Designations"
    " Nationals Programme Program Statute Decree Directive Law Laws Code Treaty Agreement Protocol Sanctions".split()
)
_FIELD_WORDS = frozenset(
    "dob pob nationality nationalities citizen citizenship gender address addresses passport position title"
    " reasons information listed linked type established date birth place registration reg".split()
)


_VERB_FIELD_WORDS = frozenset(("listed", "linked"))  # fields only as "Listed on", "Date listed", "Linked to"


def _verb_field(low: list[str], k: int) -> bool:
    return k + 1 < len(low) and low[k + 1] in ("on", "to") or k > 0 and low[k - 1] == "date"


def _after_field_label(t: list[str], low: list[str], i: int) -> bool:
    """'POB Culiacan, Sinaloa, Mexico', 'Nationality: Somalia', '(Linked To: X)': the value of an
    entry's field (the field runs back to the previous ';' or '(')."""
    for k in range(i - 1, max(-1, i - 12), -1):
        if low[k] in _FIELD_WORDS and not (low[k] in _VERB_FIELD_WORDS and not _verb_field(low, k)):
            return True
        if low[k] in (";", "(", ".") or low[k] in ("and",):
            return False
    return False


def _in_alias_region(t: list[str], low: list[str], i: int) -> bool:
    """After 'a.k.a.', 'alias', 'also known as' with only names and list marks in between
    ("a.k.a: (1) X JOINT STOCK COMPANY (2) Y": Y is an alias too)."""
    for k in range(i - 1, max(-1, i - 25), -1):
        w = low[k]
        if w in ("a.k.a", "a.k.a.", "aka", "alias", "f.k.a", "f.k.a.", "n.k.a", "n.k.a.") or w == "as" and k >= 1 and low[k - 1] == "known":
            return True
        if w in ("(", ")", ";", ",", ":", "\"", "“", "”", "and", "or") or w.isdigit() or not w.isalpha() or t[k][:1].isupper() or w in ("a", "b", "c", "d", "e"):
            continue
        return False
    return False


def _inside_parens(low: list[str], i: int) -> bool:
    depth = 0
    for k in range(i - 1, max(-1, i - 12), -1):
        if low[k] == ")":
            depth += 1
        elif low[k] == "(":
            if depth == 0:
                return True
            depth -= 1
    return False


def _inside_quotes(ctx: SegmentContext, i: int) -> bool:
    """Whether token i lies inside a quotation (quote marks counted once per segment)."""
    if ctx.quote_depth is None:
        depth, plain, out = 0, 0, []
        for w in ctx.toks.text:
            out.append(depth > 0 or plain % 2 == 1)
            if w in ("“", "‘"):
                depth += 1
            elif w == "”":
                depth = max(0, depth - 1)
            elif w == '"':
                plain += 1
        ctx.quote_depth = out
    return ctx.quote_depth[i] if i < len(ctx.quote_depth) else False


def _after_appositive(low: list[str], k: int) -> int:
    """Index of the word after an appositive (", the head of X,"), or k itself."""
    n = len(low)
    if k < n and low[k] == ",":
        for j in range(k + 1, min(n, k + 16)):
            if low[j] == ",":
                return j + 1
            if low[j] in (";", ".", ":"):
                break
    return k


def _passive_after(low: list[str], k: int) -> bool:
    """'X was also sanctioned', 'X have been added', 'X is designated'."""
    n = len(low)
    j = k
    seen_aux = False
    while j < n and j < k + 5 and low[j] in _PASSIVE_AUX:
        seen_aux = seen_aux or low[j] in ("is", "was", "are", "were", "be", "been", "being")
        j += 1
    return seen_aux and j < n and low[j] in _SANCTION_PARTICIPLES


def _in_relative_clause(low: list[str], i: int) -> bool:
    """Inside ", who ..." or ", which ..." before the next comma."""
    for k in range(i - 1, max(-1, i - 10), -1):
        w = low[k]
        if w in ("who", "which", "whose", "whom") and k >= 1 and low[k - 1] == ",":
            return True
        if w in (",", ";", ":", "(", ")"):
            return False
    return False


def group_features(ctx: SegmentContext, g: GroupSpan, first: int, last: int, lex: Lexicon) -> tuple[list[str], Relation]:
    """Evidence about one counted or uncounted group, and its relation."""
    low = ctx.low
    n = len(low)
    feats = [f"seg:{ctx.seg.kind}", f"gkind:{g.kind}"]
    if ctx.seg.intro is not None:
        feats.append("seg:has_intro")
    if ctx.continuation:
        c = ctx.continuation
        feats.append("seg:continuation" + ("1" if c == 1 else "2-3" if c <= 3 else "4+"))
    clause_cues = {cls for cls, cs, ce in ctx.cues if ctx.clause[cs] == ctx.clause[first]}
    feats.extend(f"clause_has:{c}" for c in clause_cues)
    feats.extend(f"seg_has:{c}" for c in ctx.cue_classes - clause_cues)
    if g.count is None:
        feats.append("g:vague")
    elif g.count == 1:
        feats.append("g:one")
    elif g.count >= 100:
        feats.append("g:large")
    if g.has_more:
        feats.append("g:more")
    if g.quantified:
        feats.append("g:quantified")
    gov, gk = left_governor(low, first, lex.role_nouns, lex.stopwords, ctx.toks.text)
    right, rk = right_context(low, last + 1)
    feats.append(f"gov:{gov}")
    feats.append(f"right:{right}")
    if gov in ("sanction_verb", "delist_verb", "sanction_prep", "list_intro", "colon", "copula_after_predicate", "copula", "start") and clause_cues & {"sanction", "delist"}:
        feats.append(f"gov_cued:{gov}")
    n1 = low[last + 1] if last + 1 < n else "<end>"
    n2 = low[last + 2] if last + 2 < n else "<end>"
    p1 = low[first - 1] if first >= 1 else "<start>"
    if n1 == "of" and n2 in ("them", "those", "these", "the", "its", "their"):
        feats.append("g:partitive")
    if p1 in ("the", "these", "those", "both", "all"):
        feats.append("g:definite")
    feats.extend(cue_features(ctx, first, last, "cue"))
    if right in ("speech", "verb_other"):
        feats.append("g:acts")
    return feats, Relation(gov, gk, right, rk)

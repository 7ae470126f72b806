"""Explicit, explainable checks of a statement against its evidence.

Each check says *what* differs: a number, a date, a name, a negation, a hedge
made certain, an antonym, a quotation or who said it.  A detail that the
evidence words differently is a Change with both wordings; a key fact that the
source does not contain anywhere is a Change with ``source_text=None`` (a sign
of invention rather than alteration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .records import Change
from .text import STOPWORDS, normalize, stem, words

# --------------------------------------------------------------------------- numbers

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12}
_WORD_NUM = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "hundreds": 100, "dozens": 12,
    "thousands": 1000, "millions": 1e6, "billions": 1e9,
}
# Fractions are compared with percentages: "nearly a third" ~ 33%.
_FRACTION = {"half": 50.0, "third": 33.3, "thirds": 66.7, "quarter": 25.0, "quarters": 75.0, "fifth": 20.0,
             "tenth": 10.0}
_APPROX = re.compile(r"\b(?:about|around|nearly|almost|approximately|roughly|some|over|more than|less than|"
                     r"fewer than|up to|at least|under|close to|just over|just under|estimated)\s*$", re.I)

_NUM_RE = re.compile(
    r"(?P<cur>(?:[£$€]|us\$|usd)\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<pct>%|per\s?cent\b|percent\b))?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?",
    re.I,
)
_SCORE_RE = re.compile(r"(?<![\d.,])(?<![\d][.,])(\d{1,3})\s?[-–]\s?(\d{1,3})(?!\d|[.,]\d|\s?%)")
_WORDNUM_RE = re.compile(
    r"\b(?P<frac>(?:a|one|two|three)[\s-](?:half|third|thirds|quarter|quarters|fifth|tenth))\b|"
    r"\b(?P<word>" + "|".join(sorted(_WORD_NUM, key=len, reverse=True)) + r")\b"
    r"(?:[\s-](?P<word2>" + "|".join(k for k in _WORD_NUM if _WORD_NUM[k] < 10) + r"))?"
    r"(?:\s(?P<scale>thousand|million|billion))?",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    kind: str  # plain | percent | money | year | score
    approx: bool = False
    pair: tuple[int, int] | None = None  # for scores

    def matches(self, other: "Quantity") -> bool:
        if self.kind == "score" or other.kind == "score":
            return self.kind == other.kind and sorted(self.pair or ()) == sorted(other.pair or ())
        if {self.kind, other.kind} == {"year"} or ("year" in (self.kind, other.kind)):
            return self.value == other.value
        a, b = self.value, other.value
        if self.kind == "percent" and other.kind == "percent":
            tol = 2.0 if self.approx else 0.15  # rounding of fractions and one decimal
            return abs(a - b) <= tol
        if self.kind == "percent" or other.kind == "percent":
            return False
        rel = 0.12 if self.approx or other.approx else 0.006  # "over 350" ~ 352; 1.2m ~ 1,196,000
        return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)


def quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _SCORE_RE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        before = text[max(0, m.start() - 12) : m.start()].lower()
        # A score or result ("7-2", "won 3-1"), not a range of years or an age band.
        if a <= 200 and b <= 200 and not re.search(r"(?:aged|ages|between|from)\s*$", before):
            out.append(Quantity(m.start(), m.end(), m.group(0), float(a), "score", pair=(a, b)))
            taken.append((m.start(), m.end()))
    for m in _NUM_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.start() > 0 and (text[m.start() - 1].isalpha() or text[m.start() - 1] == "."):
            continue  # part of a word or a version ("G20", "v2.1")
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = (m.group("scale") or "").lower()
        if scale in ("m", "b", "k") and not m.group("cur"):
            # "5 m" is five metres; "£5m" is money.
            scale = ""
            end = m.start("scale") - (1 if text[m.start("scale") - 1] == " " else 0) if m.group("scale") else m.end()
        else:
            end = m.end()
        value *= _SCALE.get(scale, 1.0)
        if m.group("pct"):
            kind = "percent"
        elif m.group("cur"):
            kind = "money"
        elif re.fullmatch(r"(1[89]|20)\d\d", raw) and not scale:
            kind = "year"
        else:
            kind = "plain"
        approx = bool(_APPROX.search(text[max(0, m.start() - 20) : m.start()]))
        out.append(Quantity(m.start(), end, text[m.start() : end], value, kind, approx))
        taken.append((m.start(), end))
    for m in _WORDNUM_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        approx = bool(_APPROX.search(text[max(0, m.start() - 20) : m.start()]))
        if m.group("frac"):
            head, tail = re.split(r"[\s-]", m.group("frac").lower(), maxsplit=1)
            mult = {"a": 1, "one": 1, "two": 2, "three": 3}[head]
            base = _FRACTION[tail] if tail in _FRACTION else 0.0
            value = base if tail.endswith("s") else mult * base
            out.append(Quantity(m.start(), m.end(), m.group(0), value, "percent", True))
            continue
        value = float(_WORD_NUM[m.group("word").lower()])
        if m.group("word2"):
            value += _WORD_NUM[m.group("word2").lower()]
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        vague = m.group("word").lower().endswith("s") and m.group("word").lower() not in ("hundreds",) or \
            m.group("word").lower() == "hundreds"
        out.append(Quantity(m.start(), m.end(), m.group(0), value, "plain", approx or vague))
    out.sort(key=lambda q: q.start)
    return out


# --------------------------------------------------------------------------- cue words

# "without" and "nowhere" were left out: in news they mostly scope over a noun
# phrase ("without Manchester United's ...") or an idiom ("nowhere near").
NEGATION = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot",
                      "n't", "denied", "denies", "deny", "refused", "refuses", "failed", "fails"})
# "no more than 44 per cent" is "only 44 per cent"; "no doubt" affirms.
_NOT_A_NEGATION_AFTER_NO = frozenset({"more", "less", "fewer", "longer", "doubt", "sooner", "matter"})
_SKIP_AFTER_CUE = frozenset({"be", "been", "being", "yet", "a", "an", "the", "to", "have", "has", "had", "only",
                             "just", "so", "too", "very", "even", "ever", "all", "at", "is", "are", "was", "were"})
HEDGES = frozenset({"may", "might", "could", "possibly", "possible", "perhaps", "reportedly", "allegedly",
                    "alleged", "likely", "unlikely", "probably", "expected", "considering", "consider",
                    "proposed", "plans", "planned", "potential", "potentially", "suspected", "believed",
                    "some", "sometimes", "often", "occasionally", "appears", "seems", "suggests", "claimed",
                    "claims", "if"})
CERTAINTY = frozenset({"will", "every", "all", "always", "definitely", "certainly", "confirmed", "proved",
                       "proven", "must", "never"})
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"), ("increased", "decreased"), ("rise", "fall"), ("rose", "fell"), ("up", "down"),
    ("win", "lose"), ("won", "lost"), ("winner", "loser"), ("gain", "loss"), ("profit", "loss"),
    ("praised", "criticised"), ("praised", "criticized"), ("praise", "criticism"), ("support", "oppose"),
    ("supported", "opposed"), ("approve", "reject"), ("approved", "rejected"), ("accept", "reject"),
    ("accepted", "rejected"), ("guilty", "innocent"), ("convicted", "acquitted"), ("higher", "lower"),
    ("more", "less"), ("more", "fewer"), ("above", "below"), ("before", "after"), ("first", "last"),
    ("open", "closed"), ("opened", "closed"), ("allow", "ban"), ("allowed", "banned"), ("hired", "fired"),
    ("largest", "smallest"), ("biggest", "smallest"), ("highest", "lowest"), ("best", "worst"),
    ("early", "late"), ("earlier", "later"), ("strong", "weak"), ("stronger", "weaker"), ("north", "south"),
    ("east", "west"), ("husband", "wife"), ("son", "daughter"), ("father", "mother"), ("brother", "sister"),
    ("men", "women"), ("man", "woman"), ("male", "female"), ("home", "away"), ("buy", "sell"),
    ("bought", "sold"), ("import", "export"), ("arrested", "released"), ("joined", "left"),
    ("broke", "missed"), ("beat", "lost"), ("victory", "defeat"), ("ally", "rival"), ("increase", "cut"),
)
_ANTONYM_OF: dict[str, set[str]] = {}
for _a, _b in ANTONYMS:
    _ANTONYM_OF.setdefault(_a, set()).add(_b)
    _ANTONYM_OF.setdefault(_b, set()).add(_a)

SPEECH_VERBS = re.compile(r"\b(?:said|says|say|told|tells|stated|states|added|adds|according to|claimed|claims|"
                          r"argued|argues|insisted|insists|warned|warns|announced|announces|wrote|writes)\b", re.I)
_QUOTE_RE = re.compile(
    r"[\"“”]([^\"“”]{3,}?)[\"“”]"  # "double"
    r"|``\s*(.{3,}?)\s*''"  # ``tokenised double''
    r"|`\s*([^`']{3,}?)\s*'(?!\w)"  # `tokenised single'
    # 'single' / ‘curly’: not an apostrophe ("sturgeon 's answers", "rock 'n' roll")
    r"|(?<!\w)['‘](?!(?:s|re|ve|ll|d|m|t|n)\b)([^'‘’`]{12,}?)['’](?!\w)"
)
# Below this rapidfuzz partial_ratio the best match is no version of the quotation.
_QUOTE_NEAR = 60

_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTHS = ("january february march april may june july august september october november december").split()
_DATE_WORD = re.compile(r"\b(" + "|".join(_WEEKDAYS + [m for m in _MONTHS if m != "may"]) + r")\b", re.I)


def _find_word(text_norm: str, word: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", text_norm) is not None


def _cues(text: str, vocab: frozenset[str]) -> list[str]:
    ws = words(text)
    out = [w for w in ws if w in vocab]
    out += ["n't" for w in ws if w.endswith("n't")]
    return out


# --------------------------------------------------------------------------- entities

ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str


def _entity_tokens(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and w not in ("the",)]


class SourceIndex:
    """Everything about the source that checks look up by string, built once
    per source: normalised text, its words and stems, acronyms, quantities."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = normalize(text)
        self.words = set(re.findall(r"[a-z0-9]+", self.norm))
        self.stems = {stem(w) for w in self.words}
        self.prefixes = {w[:5] for w in self.words if len(w) >= 5}
        caps = re.findall(r"\b(?:[A-Z][\w'&-]*\s+(?:(?:of|the|and|for|de|del)\s+)?){1,6}", text)
        self.acronyms = {"".join(w[0] for w in c.split() if w[0].isupper()).lower() for c in caps}
        self.acronyms |= {w.lower() for w in re.findall(r"\b[A-Z]{2,6}\b", text)}
        self.quantities = quantities(text)
        # How each word is usually written in the source, to restore the case of
        # lower-cased summaries ("rory mcilroy" -> "Rory McIlroy") before NER.
        counts: dict[str, dict[str, int]] = {}
        for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Za-z][a-z]*[A-Z]?[A-Za-z]*)\b", text):
            w = m.group(1)
            counts.setdefault(w.lower(), {}).setdefault(w, 0)
            counts[w.lower()][w] += 1
        self.casing = {low: max(forms, key=forms.get) for low, forms in counts.items()}

    def truecase(self, text: str) -> str:
        """Same length, same characters, the source's capitalisation."""
        def fix(m: re.Match[str]) -> str:
            form = self.casing.get(m.group(0))
            return form if form and len(form) == len(m.group(0)) else m.group(0)
        return re.sub(r"[a-z]+", fix, text)

    def has_word(self, w: str) -> bool:
        return w in self.words or stem(w) in self.stems or (len(w) >= 6 and w[:5] in self.prefixes)

    def has_entity(self, entity_text: str) -> bool:
        norm = normalize(entity_text)
        norm = re.sub(r"^(the|a|an)\s+", "", norm)
        norm = re.sub(r"'s$", "", norm)
        if not norm:
            return True
        if _find_word(self.norm, norm):
            return True
        toks = _entity_tokens(norm)
        if not toks:
            return True
        if len(toks) == 1 and toks[0] in self.acronyms:
            return True
        # Every name part present (surname-only and first-name-only mentions
        # count): "Rory McIlroy" vs "McIlroy".  Adjective/noun forms share a
        # prefix: "Venezuelan" ~ "Venezuela".
        return all(self.has_word(t) for t in toks)


def entity_in(text_norm: str, entity_text: str) -> bool:
    norm = re.sub(r"^(the|a|an)\s+", "", normalize(entity_text))
    norm = re.sub(r"'s$", "", norm)
    if not norm or _find_word(text_norm, norm):
        return True
    toks = _entity_tokens(norm)
    return bool(toks) and any(_find_word(text_norm, t) or (len(t) >= 6 and re.search(r"(?<![a-z])" + re.escape(t[:5]), text_norm))
                              for t in toks if len(t) > 2)


# --------------------------------------------------------------------------- the checks


@dataclass(frozen=True, slots=True)
class Findings:
    changes: tuple[Change, ...]  # altered details (source_text set) and missing facts (source_text None)
    novel_words: tuple[str, ...]  # statement content words found nowhere in the source
    novel_ratio: float
    novel_info: float  # share of the statement's information (word rarity) not in the source
    novel_rare: int  # novel words that are rare in English (names, specific terms)
    window_coverage: float  # share of content words found in the best evidence passage
    elsewhere_ratio: float  # share found in the source but not in that passage
    missing_entities: int
    missing_numbers: int
    entity_swaps: int
    number_swaps: int
    negation_flip: bool
    hedge_change: bool
    antonym: bool
    quote_missing: int
    attribution: bool


def _context(text: str, start: int, end: int, width: int = 40) -> set[str]:
    return {stem(w) for w in words(text[max(0, start - width) : end + width]) if w not in STOPWORDS}


def check_numbers(statement: str, s_base: int, window: str, w_base: int, index: SourceIndex):
    changes: list[Change] = []
    missing = swaps = 0
    s_q = quantities(statement)
    w_q = quantities(window)
    for q in s_q:
        if any(q.matches(p) for p in w_q):
            continue
        if any(q.matches(p) for p in index.quantities):
            continue  # stated elsewhere in the source: not a change of this passage's facts
        same_kind = [p for p in w_q if (p.kind == q.kind or {p.kind, q.kind} <= {"plain", "money"})
                     and not any(p.matches(x) for x in s_q)]
        kind = "date" if q.kind == "year" else "number"
        if same_kind:
            ctx = _context(statement, q.start, q.end)
            best = max(same_kind, key=lambda p: len(ctx & _context(window, p.start, p.end)))
            swaps += 1
            changes.append(Change(kind, q.text, best.text, s_base + q.start, s_base + q.end,
                                  w_base + best.start, w_base + best.end,
                                  f"the source says {best.text!r} where the summary says {q.text!r}"))
        else:
            missing += 1
            changes.append(Change(kind, q.text, None, s_base + q.start, s_base + q.end,
                                  explanation=f"{q.text!r} appears nowhere in the source"))
    return changes, missing, swaps


def check_dates(statement: str, s_base: int, window: str, w_base: int, index: SourceIndex):
    changes: list[Change] = []
    w_norm = normalize(window)
    w_dates = [(m.start(), m.end(), m.group(0)) for m in _DATE_WORD.finditer(window)]
    for m in _DATE_WORD.finditer(statement):
        word = m.group(0).lower()
        if _find_word(w_norm, word) or _find_word(index.norm, word):
            continue
        same = [d for d in w_dates if (d[2].lower() in _WEEKDAYS) == (word in _WEEKDAYS)]
        if same:
            d = same[0]
            changes.append(Change("date", m.group(0), d[2], s_base + m.start(), s_base + m.end(),
                                  w_base + d[0], w_base + d[1], f"the source says {d[2]!r}"))
        else:
            changes.append(Change("date", m.group(0), None, s_base + m.start(), s_base + m.end(),
                                  explanation=f"{m.group(0)!r} appears nowhere in the source"))
    return changes


def check_entities(statement: str, s_base: int, s_ents: list[Entity], window: str, w_base: int,
                   w_ents: list[Entity], index: SourceIndex):
    changes: list[Change] = []
    missing = swaps = 0
    w_norm = normalize(window)
    s_norm = normalize(statement)
    for ent in s_ents:
        if ent.label not in ENTITY_TYPES:
            continue
        in_window = entity_in(w_norm, ent.text)
        if in_window:
            continue
        in_source = index.has_entity(ent.text)
        counterpart = [e for e in w_ents if e.label == ent.label or {e.label, ent.label} <= {"GPE", "LOC", "NORP"}]
        counterpart = [e for e in counterpart if not entity_in(s_norm, e.text)]
        # Same role: the counterpart's neighbouring words overlap the statement entity's
        # ("penalty by captain X" / "penalty by captain Y").  Without this, a summary that
        # fuses two sentences "swapped" every name of the other sentence.
        s_ctx = _context(statement, ent.start, ent.end, 30)
        counterpart = [e for e in counterpart if s_ctx & _context(window, e.start, e.end, 30)]
        if not in_source:
            missing += 1
            changes.append(Change("entity", ent.text, None, s_base + ent.start, s_base + ent.end,
                                  explanation=f"{ent.label} {ent.text!r} appears nowhere in the source"))
        elif counterpart:
            c = counterpart[0]
            swaps += 1
            changes.append(Change("entity", ent.text, c.text, s_base + ent.start, s_base + ent.end,
                                  w_base + c.start, w_base + c.end,
                                  f"the matching source passage names {c.text!r}, not {ent.text!r}"))
    return changes, missing, swaps


def _negated_stems(text: str) -> tuple[set[str], set[str]]:
    """Content stems within a few words after a negation cue (what is negated),
    and all content stems of the text."""
    ws = words(text)
    negated: set[str] = set()
    for i, w in enumerate(ws):
        if not (w in NEGATION or w.endswith("n't")):
            continue
        if w == "no" and i + 1 < len(ws) and ws[i + 1] in _NOT_A_NEGATION_AFTER_NO:
            continue
        # The negated word: the first word after the cue that is not an auxiliary or
        # filler ("were not yet final" -> final; "didn't discipline X" -> discipline).
        following = [x for x in ws[i + 1 : i + 5] if x not in _SKIP_AFTER_CUE and x not in NEGATION]
        if following:
            negated.add(stem(following[0]))
    return negated, {stem(x) for x in ws if x not in STOPWORDS}


def check_negation(statement: str, window: str) -> bool:
    """A negation flip: one side negates a word that the other side states
    without negation.  Only the negated words are compared, so a source
    passage with an unrelated "not" in another clause is no flip (counting
    cues over the whole passage fired on 13% of faithful CNN/DM statements)."""
    s_neg, s_all = _negated_stems(statement)
    w_neg, w_all = _negated_stems(window)
    shared = w_neg & s_neg  # both sides negate the same thing: no flip
    return not shared and bool((w_neg & s_all) or (s_neg & w_all))


def _negation_change(statement: str, s_base: int, window: str, w_base: int) -> Change:
    """Point at the negated phrase on the side that has the cue, and at the
    same place on the other side (the word before the cue anchors it)."""
    cue_re = re.compile(r"\b(?:" + "|".join(sorted(NEGATION - {"n't"}, key=len, reverse=True)) + r")\b|n't", re.I)
    sm, wm = cue_re.search(statement), cue_re.search(window)

    def anchor(text_with: str, m: re.Match[str], other: str) -> re.Match[str] | None:
        before = re.findall(r"\w+", text_with[: m.start()])
        if before:
            return re.search(r"\b" + re.escape(before[-1]) + r"\b", other, re.I)
        return None

    if sm is None and wm is not None:
        sm = anchor(window, wm, statement)
    elif wm is None and sm is not None:
        wm = anchor(statement, sm, window)
    s_start, s_end = (sm.start(), sm.end()) if sm else (0, min(len(statement), 40))
    return Change(
        "negation",
        _phrase(statement, s_start, s_end, 2),
        _phrase(window, wm.start(), wm.end(), 2) if wm else None,
        s_base + s_start, s_base + s_end,
        (w_base + wm.start()) if wm else None, (w_base + wm.end()) if wm else None,
        "one side negates what the other affirms")


def check_hedge(statement: str, s_base: int, window: str, w_base: int) -> list[Change]:
    s_words = words(statement)
    w_words = words(window)
    s_hedges = [w for w in s_words if w in HEDGES]
    w_hedges = [w for w in w_words if w in HEDGES]
    s_cert = [w for w in s_words if w in CERTAINTY and w not in w_words]
    if w_hedges and not s_hedges and s_cert:
        hedge = w_hedges[0]
        cert = s_cert[0]
        sm = re.search(r"\b" + re.escape(cert) + r"\b", statement, re.I)
        wm = re.search(r"\b" + re.escape(hedge) + r"\b", window, re.I)
        # Same claim: a content word right after the hedge ("may close") is also right
        # after the certainty word ("will close"); otherwise the hedge is another clause's.
        near = lambda text, m: {stem(w) for w in words(text[m.end():])[:3] if w not in STOPWORDS}  # noqa: E731
        if sm and wm and near(statement, sm) & near(window, wm):
            return [Change("hedge", _phrase(statement, sm.start(), sm.end()), _phrase(window, wm.start(), wm.end()),
                           s_base + sm.start(), s_base + sm.end(), w_base + wm.start(), w_base + wm.end(),
                           "the source hedges what the summary states as certain")]
    return []


def _phrase(text: str, start: int, end: int, extra_words: int = 3) -> str:
    tail = re.match(r"(?:\s+\S+){0,%d}" % extra_words, text[end:])
    return (text[start:end] + (tail.group(0) if tail else "")).strip(" ,.;")


def check_antonyms(statement: str, s_base: int, window: str, w_base: int) -> list[Change]:
    s_words = set(words(statement))
    w_words = set(words(window))
    out = []
    for w in s_words:
        if w in w_words:
            continue
        for ant in _ANTONYM_OF.get(w, ()):
            if ant in w_words and ant not in s_words:
                sm = re.search(r"\b" + re.escape(w) + r"\b", statement, re.I)
                wm = re.search(r"\b" + re.escape(ant) + r"\b", window, re.I)
                if sm and wm:
                    out.append(Change("antonym", sm.group(0), wm.group(0), s_base + sm.start(), s_base + sm.end(),
                                      w_base + wm.start(), w_base + wm.end(),
                                      f"the source says {wm.group(0)!r}, the opposite of {sm.group(0)!r}"))
                break
    return out


def check_quotes(statement: str, s_base: int, index: SourceIndex) -> list[Change]:
    """Quoted words must be in the source.  Words left out of a quotation are
    tolerated (summaries shorten quotes); a word the source does not have at
    that place is a misquotation, shown next to the source's wording."""
    out = []
    for m in _QUOTE_RE.finditer(statement):
        quote = next(g for g in m.groups() if g)
        qn = normalize(quote).strip(" ,.'\"")
        if len(qn.split()) < 3:
            continue  # a scare-quoted word or two ("welcome") is not a quotation to verify
        if qn in index.norm:
            continue
        align = fuzz.partial_ratio_alignment(qn, index.norm)
        source_text = None
        if align is not None and align.score >= _QUOTE_NEAR:
            # Widen the match to whole words, a little beyond, so omissions still line up.
            a = index.norm.rfind(" ", 0, max(0, align.dest_start - 30)) + 1
            b = index.norm.find(" ", min(len(index.norm), align.dest_end + 30))
            snippet_words = set(index.norm[a : b if b > 0 else len(index.norm)].split())
            snippet_stems = {stem(w.strip(".,;:!?'\"")) for w in snippet_words}
            missing = [w for w in re.findall(r"[a-z0-9']+", qn) if w not in STOPWORDS
                       and stem(w.strip("'")) not in snippet_stems]
            if not missing:
                continue  # the same quotation, perhaps shortened
            # As many words as the quotation, from where the match starts.
            matched = index.norm[align.dest_start :].split()[: len(qn.split())]
            source_text = " ".join(matched).strip(" ,.;:'\"")
        g = next(i for i, grp in enumerate(m.groups(), start=1) if grp)
        out.append(Change("quote", quote, source_text, s_base + m.start(g), s_base + m.end(g), None, None,
                          "these quoted words are not in the source" if source_text is None
                          else "the source's wording of this quotation differs"))
    return out


def check_attribution(statement: str, s_base: int, s_ents: list[Entity], window: str, w_base: int,
                      w_ents: list[Entity]) -> list[Change]:
    if not SPEECH_VERBS.search(statement) or not SPEECH_VERBS.search(window):
        return []
    s_people = [e for e in s_ents if e.label in ("PERSON", "ORG")]
    w_people = [e for e in w_ents if e.label in ("PERSON", "ORG")]
    if not s_people or not w_people:
        return []
    w_norm = normalize(window)
    s_norm = normalize(statement)
    stranger = [e for e in s_people if not entity_in(w_norm, e.text)]
    speakers = [e for e in w_people if not entity_in(s_norm, e.text)]
    if stranger and speakers:
        s, w = stranger[0], speakers[0]
        return [Change("attribution", s.text, w.text, s_base + s.start, s_base + s.end, w_base + w.start,
                       w_base + w.end, f"in the source these words come from {w.text!r}")]
    return []


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """Information of a word: 0 for the commonest words, up to 6 for names and
    specific terms never seen in wordfreq's English lists (Zipf scale 1-8)."""
    from wordfreq import zipf_frequency

    return max(0.0, min(6.0, 7.0 - zipf_frequency(word, "en")))


# A Zipf frequency under 3.5 (rarer than about 3 in a million words): names and
# specific terms; "announced", "officials" and "record" are well above it.
_RARE_ZIPF = 3.5


def novel_content(statement: str, index: SourceIndex) -> list[str]:
    return [w for w in dict.fromkeys(words(statement))
            if w not in STOPWORDS and len(w) > 2 and not w.isdigit() and not index.has_word(w)]


def run_checks(statement: str, s_base: int, s_ents: list[Entity], window: str, w_base: int,
               w_ents: list[Entity], index: SourceIndex) -> Findings:
    changes: list[Change] = []
    num_changes, missing_numbers, number_swaps = check_numbers(statement, s_base, window, w_base, index)
    changes += num_changes
    changes += check_dates(statement, s_base, window, w_base, index)
    ent_changes, missing_entities, entity_swaps = check_entities(statement, s_base, s_ents, window, w_base,
                                                                 w_ents, index)
    changes += ent_changes
    negation = check_negation(statement, window)
    if negation:
        changes.append(_negation_change(statement, s_base, window, w_base))
    hedge = check_hedge(statement, s_base, window, w_base)
    changes += hedge
    antonyms = check_antonyms(statement, s_base, window, w_base)
    changes += antonyms
    quotes = check_quotes(statement, s_base, index)
    changes += quotes
    attribution = [] if quotes else check_attribution(statement, s_base, s_ents, window, w_base, w_ents)
    changes += attribution
    novel = novel_content(statement, index)
    content = list(dict.fromkeys(w for w in words(statement) if w not in STOPWORDS and len(w) > 2 and not w.isdigit()))
    total_info = sum(rarity(w) for w in content) or 1.0
    w_words = set(words(window))
    w_stems = {stem(w) for w in w_words}
    in_window = [w for w in content if w in w_words or stem(w) in w_stems]
    elsewhere = [w for w in content if w not in in_window and w not in novel]
    return Findings(
        changes=tuple(changes),
        novel_words=tuple(novel),
        novel_ratio=len(novel) / max(1, len(content)),
        novel_info=sum(rarity(w) for w in novel) / total_info,
        novel_rare=sum(1 for w in novel if rarity(w) > 7.0 - _RARE_ZIPF),
        window_coverage=len(in_window) / max(1, len(content)),
        elsewhere_ratio=len(elsewhere) / max(1, len(content)),
        missing_entities=missing_entities,
        missing_numbers=missing_numbers,
        entity_swaps=entity_swaps,
        number_swaps=number_swaps,
        negation_flip=negation,
        hedge_change=bool(hedge),
        antonym=bool(antonyms),
        quote_missing=len(quotes),
        attribution=bool(attribution),
    )

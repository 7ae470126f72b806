"""Text -> sentences with character offsets.

nupunkt does the heavy lifting (abbreviations, decimals, quotes).  Two things it
does not do are added here: lines are hard boundaries (titles, list items and
paragraphs of extracted pages never run into each other), and sentences glued
together without a space ("this season.Scotland", "par.McIlroy", as in the BBC
texts of the eval data) are split again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nupunkt

from .records import Sentence

# A full stop, ! or ? (optionally followed by a closing quote) directly followed by
# a capitalised word.  The left side must be a lower-case letter, a digit or a
# closing bracket, so "U.S.", "D.C." and "J.R.R." never match.
_GLUED = re.compile(r"(?<=[a-z0-9)\]%][.!?])(?=[\"“‘']?[A-Z][a-z])|(?<=[a-z0-9)\]][.!?][\"”’'])(?=[A-Z][a-z])")
# Abbreviations that end in a full stop and are followed by a name.
_ABBREV_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Gov|Sen|Rep|Rev|Lt|Col|Sgt|Capt|No|vs|etc|Jr|Sr|Mt|Ft)\.)$")
_WORDISH = re.compile(r"\w")
# Words nupunkt's model takes for abbreviations although, in news, they end sentences
# ("rose by 3 per cent. The bank ...").
_MISSED_END = re.compile(r"(?<=\bper cent\.)\s+(?=[A-Z\"“])|(?<=\bpercent\.)\s+(?=[A-Z\"“])")


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"\n", text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_glued(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    cut = 0
    cuts = sorted([(m.start(), False) for m in _GLUED.finditer(piece)] + [(m.end(), True) for m in _MISSED_END.finditer(piece)])
    for pos, forced in cuts:
        if not forced and _ABBREV_BEFORE.search(piece[:pos]):
            continue
        yield start + cut, start + pos
        cut = pos
    yield start + cut, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _line_spans(text):
        line = text[line_start:line_end]
        if not line.strip():
            continue
        for _, (s, e) in nupunkt.sent_spans_with_text(line):
            for gs, ge in _split_glued(text, line_start + s, line_start + e):
                gs, ge = _strip(text, gs, ge)
                if ge > gs and _WORDISH.search(text[gs:ge]):
                    spans.append((gs, ge))
    return spans


def split_sentences(text: str, base: int = 0) -> tuple[Sentence, ...]:
    """Sentences of ``text``; offsets are shifted by ``base`` so that a part of
    a larger document keeps offsets into the whole."""
    return tuple(
        Sentence(index=i, start=base + s, end=base + e, text=text[s:e])
        for i, (s, e) in enumerate(sentence_spans(text))
    )


# Where a long sentence joins independent claims.  Only split when both halves
# are long enough to be claims on their own (a list "A, B, and C" is not split
# because its tail has no verb of its own; see _looks_like_clause).
_CLAUSE_JOINS = re.compile(r";\s+|,\s+(?:but|while|whereas|and)\s+")
_MIN_CLAUSE_WORDS = 6
_LONG_SENTENCE_WORDS = 22  # shorter sentences are one statement: measured on the samples


def _looks_like_clause(words: list[str]) -> bool:
    """A crude, dependency-free test that a fragment opens a clause of its own:
    a common finite verb among its first words ("sanctions remain", "the
    country continues").  Lists of names ("and former MP Isabel Flores") fail it."""
    head = [w.lower().strip(",.;:\"'“”") for w in words[:5]]
    finite = {
        "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could",
        "may", "might", "must", "should", "did", "does", "do", "remains", "remain", "says", "say",
        "said", "faces", "face", "continues", "continue", "appears", "seems",
    }
    return any(w in finite for w in head)


def split_statements(sentence: Sentence) -> tuple[Sentence, ...]:
    """Split a long sentence that joins independent claims into statements,
    each keeping its own span.  Short sentences are returned whole."""
    text = sentence.text
    if len(text.split()) < _LONG_SENTENCE_WORDS:
        return (sentence,)
    cuts = [0]
    for m in _CLAUSE_JOINS.finditer(text):
        left = text[cuts[-1] : m.start()].split()
        right = text[m.end() :].split()
        if len(left) >= _MIN_CLAUSE_WORDS and len(right) >= _MIN_CLAUSE_WORDS and _looks_like_clause(right):
            cuts.append(m.start())
            cuts.append(m.end())
    if len(cuts) == 1:
        return (sentence,)
    bounds = [0, *cuts[1:], len(text)]
    parts: list[tuple[int, int]] = []
    for a, b in zip(bounds[0::2], bounds[1::2]):
        a, b = _strip(text, a, b)
        if b > a:
            parts.append((a, b))
    return tuple(
        Sentence(index=sentence.index, start=sentence.start + a, end=sentence.start + b, text=text[a:b])
        for a, b in parts
    )

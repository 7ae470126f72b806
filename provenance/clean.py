"""Summary cleaning: separate what a summary claims from its furniture.

Citation lines ("Read the Full ... Article at: [ URL ]", "Source:", "Read more
at", "Originally published at", "via X", "The post X appeared first on Y"),
link lists, publisher labels, headings and disclaimers are not statements: they
are kept in the report as Furniture, and the cited URLs are collected for the
retrieval stage.  Self-declared speculative or machine-written content becomes
a report-level Notice.
"""

from __future__ import annotations

import re

from .records import Document, Furniture, Notice, Sentence, Summary
from .segment import split_sentences, split_statements

URL_RE = re.compile(r"https?://[^\s\]\)>\"'<]+", re.I)

_CITATION = re.compile(
    r"""^\W*(?:
        read\s+(?:the\s+)?(?:full|more|original|complete|entire|whole)\b.*   # Read the Full X Article at:
      | read\s+(?:it|this|the\s+(?:article|story|report))\s+(?:at|on)\b.*
      | (?:original\s+)?sources?\s*:.*                                 # Source: / Sources:
      | originally\s+(?:published|appeared|posted)\b.*
      | (?:first\s+)?published\s+(?:at|on|by)\s+\S+.*\bhttps?://.*
      | via\s+\S.*                                                      # via X
      | the\s+post\s+.+\s+appeared\s+first\s+on\s+.+                      # WordPress syndication
      | (?:article|story)\s+(?:link|url)\s*:.*
    )$""",
    re.I | re.X,
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣🞛]+|\d+[.)])\s+")
_DISCLAIMER_HEAD = re.compile(
    r"^\W*(?:disclaimer|important\s+note|note\s+on\b|editor'?s\s+note|about\s+this\s+(?:summary|article))\b", re.I
)
_META_LINE = re.compile(
    r"\b(?:this\s+(?:publication|article|summary|post|piece|content)\s+(?:is|was|contains|has\s+been)"
    r"|(?:read|see)\s+the\s+disclaimer|disclaimer\s+(?:below|at\s+the\s+end))\b",
    re.I,
)
_LINKS_HEADING = re.compile(r"^\W*(?:links?|resources|references|related|further\s+reading|sources)\b.*:\s*$", re.I)

# Self-declared machine-written or speculative content -> report-level notices.
_NOTICE_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "machine_written",
        "The summary says it was written by an AI system.",
        re.compile(r"\bas an ai\b|\bai[- ](?:generated|written)\b|\b(?:large\s+)?language\s+model\b"
                   r"|\bi (?:do not|don't|cannot|can't) (?:have )?access\b", re.I),
    ),
    (
        "self_declared_hypothetical",
        "The summary says its content is hypothetical or speculative, not a factual account.",
        re.compile(r"\bhypothetical\b|\bspeculative\b|\bplausible scenario\b|\bnot (?:be )?(?:taken|meant|intended) as "
                   r"(?:a )?fact|\bimagin(?:ed|ing|ary)\b|\bfabricated\b", re.I),
    ),
    (
        "fictional_names",
        "The summary says some of its names are fictional.",
        re.compile(r"\bnames?\s*\(fictional\)|\bfictional\s+(?:names?|characters?|people|persons?)\b"
                   r"|\bnames?\s+(?:are|were|is)\s+(?:fictional|invented|made up)\b", re.I),
    ),
)

_HEADING_MAX_WORDS = 20


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_url_only(line: str) -> bool:
    return bool(URL_RE.search(line)) and not re.sub(URL_RE, "", line).strip(" []()<>:-–—*•\t")


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if _BULLET.match(stripped):
        return False
    if stripped.endswith((".", "!", "?", '"', "”", "’", "'")):
        return False
    return len(stripped.split()) <= _HEADING_MAX_WORDS


def _classify_lines(text: str) -> tuple[list[Furniture], list[tuple[int, int]]]:
    """Line by line: which lines are furniture, which carry claims."""
    lines = _lines(text)
    furniture: list[Furniture] = []
    claims: list[tuple[int, int]] = []
    multi_line = len(lines) > 1
    in_disclaimer = False
    in_links = False
    pending_citation: int | None = None  # index into furniture of a citation waiting for its URL
    for s, e in lines:
        line = text[s:e]
        url_match = URL_RE.search(line)
        url = url_match.group(0).rstrip(".,;") if url_match else None
        if _CITATION.match(line):
            in_disclaimer = in_links = False
            furniture.append(Furniture("citation", s, e, line, url))
            pending_citation = None if url else len(furniture) - 1
            continue
        if _is_url_only(line):
            if pending_citation is not None:
                prev = furniture[pending_citation]
                furniture[pending_citation] = Furniture("citation", prev.start, e, text[prev.start : e], url)
                pending_citation = None
            else:
                furniture.append(Furniture("link", s, e, line, url))
            continue
        pending_citation = None
        if _DISCLAIMER_HEAD.match(line):
            in_disclaimer, in_links = True, False
        if in_disclaimer:
            furniture.append(Furniture("disclaimer", s, e, line, url))
            continue
        if _LINKS_HEADING.match(line):
            in_links = True
            furniture.append(Furniture("heading", s, e, line))
            continue
        if in_links and _BULLET.match(line):
            furniture.append(Furniture("link", s, e, line, url))
            continue
        in_links = False
        if _BULLET.match(line) and url and len(URL_RE.sub("", line).split()) <= 12:
            furniture.append(Furniture("link", s, e, line, url))
            continue
        if _META_LINE.search(line) and len(line.split()) <= 30:
            furniture.append(Furniture("label", s, e, line))
            continue
        if multi_line and _is_heading(line):
            kind = "title" if not any(f.kind == "title" for f in furniture) and not claims else "heading"
            furniture.append(Furniture(kind, s, e, line))
            continue
        claims.append((s, e))
    return furniture, claims


def _notices(text: str) -> tuple[Notice, ...]:
    found = []
    for code, message, pattern in _NOTICE_PATTERNS:
        m = pattern.search(text)
        if m:
            found.append(Notice(code, message, m.start(), m.end()))
    return tuple(found)


_LEADING_BULLET = re.compile(r"^(?:[-*•·▪◦‣]+|\d+[.)])\s+")


def clean_summary(document: Document, split_long: bool = True) -> Summary:
    text = document.text
    furniture, claim_lines = _classify_lines(text)
    statements: list[Sentence] = []
    for s, e in claim_lines:
        m = _LEADING_BULLET.match(text[s:e])
        if m:
            s += m.end()
        for sent in split_sentences(text[s:e], base=s):
            parts = split_statements(sent) if split_long else (sent,)
            statements.extend(parts)
    statements = [
        Sentence(index=i, start=st.start, end=st.end, text=st.text) for i, st in enumerate(statements)
    ]
    cited = []
    for f in furniture:
        if f.kind == "citation" and f.url and f.url not in cited:
            cited.append(f.url)
    return Summary(
        document=document,
        statements=tuple(statements),
        furniture=tuple(furniture),
        notices=_notices(text),
        cited_urls=tuple(cited),
    )

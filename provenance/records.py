"""Frozen records that flow between the pipeline's stages.

retrieve -> Document; segment -> Summary/Sentence; align -> Alignment/Evidence;
judge -> Verdict/Change; pipeline -> Report.  Offsets are Python string offsets
into the text of the document they belong to: ``doc.text[s.start:s.end] == s.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Label(str, Enum):
    SUPPORTED = "supported"
    ALTERED = "altered"
    INVENTED = "invented"
    UNVERIFIABLE = "unverifiable"

    def __str__(self) -> str:  # so f-strings and JSON show the plain word
        return self.value


@dataclass(frozen=True, slots=True)
class Document:
    """A text we read: the summary or the source, after extraction."""

    text: str
    origin: str = "<text>"  # a path, "-" (stdin) or a URL
    kind: str = "text"  # text | markdown | html
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A span of a document: a source sentence or a summary statement."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Furniture:
    """Part of a summary that is not a claim: citation lines, link lists,
    labels, titles and disclaimers.  Kept in the report, never judged."""

    kind: str  # title | citation | link | label | disclaimer | note | heading
    start: int
    end: int
    text: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A report-level warning (e.g. self-declared hypothetical content)."""

    code: str
    message: str
    start: int | None = None  # offsets into the summary when it points at text
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """The summary after cleaning: what it claims, and what is furniture."""

    document: Document
    statements: tuple[Sentence, ...]
    furniture: tuple[Furniture, ...] = ()
    notices: tuple[Notice, ...] = ()
    cited_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """A source passage (one sentence or adjacent sentences) aligned to a statement."""

    start: int
    end: int
    text: str
    sentence_indices: tuple[int, ...]
    score: float  # combined alignment score in [0, 1]
    semantic: float  # cosine of the sentence embeddings
    lexical: float  # rapidfuzz token-set ratio in [0, 1]


@dataclass(frozen=True, slots=True)
class Alignment:
    statement: Sentence
    evidence: tuple[Evidence, ...]  # best first

    @property
    def best(self) -> Evidence | None:
        return self.evidence[0] if self.evidence else None


@dataclass(frozen=True, slots=True)
class Change:
    """One detail of a statement that differs from its evidence."""

    kind: str  # number | date | entity | negation | hedge | quote | attribution | antonym
    summary_text: str
    source_text: str | None  # None: nothing corresponding in the source
    summary_start: int  # offsets into the summary text
    summary_end: int
    source_start: int | None = None  # offsets into the source text
    source_end: int | None = None
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    statement: Sentence
    label: Label
    confidence: float  # in [0, 1]
    reasons: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    changes: tuple[Change, ...] = ()
    features: tuple[tuple[str, float], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Retrieval:
    """How the source was obtained (filled by the retrieval stage)."""

    requested_url: str | None
    status: str  # ok | not_found | gone | paywalled | not_article | ... | local
    final_url: str | None = None
    http_status: int | None = None
    from_cache: bool = False
    archive_url: str | None = None
    archive_timestamp: str | None = None
    message: str = ""
    candidates: tuple[str, ...] = ()  # other URLs the summary cites, not used (preference order)
    retrieved_at: str | None = None
    found_by: str | None = None  # how requested_url was chosen: "--source", "read_full_line", "jsonld_isBasedOn" ...
    original_status: str | None = None  # with status "archived": what happened to the original (not_found ...)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "archived", "local")


@dataclass(frozen=True, slots=True)
class Report:
    summary: Summary
    source: Document | None
    verdicts: tuple[Verdict, ...]
    notices: tuple[Notice, ...] = ()
    retrieval: Retrieval | None = None
    id: str | None = None
    # When the check ran (ISO 8601, set by whoever makes the Report): renderers
    # show it instead of reading their own clock, so golden reports stay stable.
    checked_at: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = {label.value: 0 for label in Label}
        for v in self.verdicts:
            counts[v.label.value] += 1
        return counts

    @property
    def verdict(self) -> Label:
        """Summary-level verdict: invented if any statement is invented, else
        altered if any is altered, else supported; unverifiable when nothing
        could be checked (the eval README's rule, plus the honest case)."""
        labels = {v.label for v in self.verdicts}
        if Label.INVENTED in labels:
            return Label.INVENTED
        if Label.ALTERED in labels:
            return Label.ALTERED
        if labels and labels <= {Label.UNVERIFIABLE}:
            return Label.UNVERIFIABLE
        return Label.SUPPORTED

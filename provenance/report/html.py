"""The side-by-side HTML report: one self-contained, offline, printable file.

The summary is on one side, each statement coloured by its label (and marked
with an icon and the label's word, so colour is never the only cue); the source
is on the other, cut at the evidence offsets.  Selecting a statement (click,
Enter or Space) scrolls to and emphasises its evidence.

Everything here is layout: labels, scores, evidence and changes come from the
Report as the pipeline decided them.  Text is placed by cutting the documents
at the records' character offsets, never by searching strings again.

Page text is untrusted.  Jinja2 escapes every value; the one inline style and
the one inline script are static files from ``templates/`` allowed by their
SHA-256 hashes in a ``default-src 'none'`` Content-Security-Policy; the script
reads nothing but class names and integers that this module generated; only
http(s) URLs ever become links.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from ..records import Change, Label, Report

TEMPLATES = Path(__file__).with_name("templates")

ICON = {Label.SUPPORTED: "✔", Label.ALTERED: "≠", Label.INVENTED: "✘", Label.UNVERIFIABLE: "?"}
MEANING = {
    Label.SUPPORTED: "the source says this",
    Label.ALTERED: "a detail differs from the source",
    Label.INVENTED: "nothing in the source backs this",
    Label.UNVERIFIABLE: "the source could not be checked",
}
# Evidence of these statements counts as "used by the summary"; the nearest
# passage of an invented statement is shown on request but does not back it.
_USES_SOURCE = (Label.SUPPORTED, Label.ALTERED)


# -- helpers shared with the Markdown report ------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link (http or https with a host), else None.

    Anything else (``javascript:``, ``data:``, relative, or with spaces or
    control characters that browsers would strip) is shown as text only."""
    if not url or len(url) > 4096:
        return None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


@dataclass(frozen=True, slots=True)
class Fact:
    """One header line: a label, its text, and a URL when there is one."""

    label: str
    text: str
    url: str | None = None  # shown as a link only if safe_url() accepts it

    @property
    def href(self) -> str | None:
        return safe_url(self.url)


def header_facts(report: Report) -> list[Fact]:
    """What the reader needs to know about the two documents and the check."""
    facts: list[Fact] = []
    summ = report.summary.document
    facts.append(Fact("Summary", summ.title or summ.origin))
    if summ.url:
        facts.append(Fact("Summary URL", summ.url, summ.url))
    if report.summary.cited_urls:
        for url in report.summary.cited_urls:
            facts.append(Fact("Cited source", url, url))
    src = report.source
    if src is None:
        facts.append(Fact("Source", "not available"))
    else:
        facts.append(Fact("Source", src.title or src.origin))
        if src.url:
            facts.append(Fact("Source URL", src.url, src.url))
        if src.author:
            facts.append(Fact("Author", src.author))
        if src.date:
            facts.append(Fact("Published", src.date))
    r = report.retrieval
    if r is not None:
        status = r.status
        if r.http_status is not None:
            status += f" (HTTP {r.http_status})"
        if r.from_cache:
            status += ", from cache"
        if r.message:
            status += f": {r.message}"
        facts.append(Fact("Retrieval", status))
        if r.requested_url:
            facts.append(Fact("Requested URL", r.requested_url, r.requested_url))
        if r.final_url and r.final_url != r.requested_url:
            facts.append(Fact("Final URL", r.final_url, r.final_url))
        if r.archive_url:
            when = f" ({r.archive_timestamp})" if r.archive_timestamp else ""
            facts.append(Fact("Archive snapshot", r.archive_url + when, r.archive_url))
        if r.retrieved_at:
            facts.append(Fact("Retrieved", r.retrieved_at))
    if report.checked_at:
        facts.append(Fact("Checked", report.checked_at))
    if report.id is not None:
        facts.append(Fact("Report id", report.id))
    return facts


def change_wordings(c: Change) -> tuple[str, str | None]:
    """(summary wording, source wording or None), each on one line."""
    one = lambda s: " ".join(s.split())  # noqa: E731 - statements may wrap over lines
    return one(c.summary_text), None if c.source_text is None else one(c.source_text)


# -- cutting text at offsets ---------------------------------------------------


def _clip(start: int | None, end: int | None, lo: int, hi: int) -> tuple[int, int] | None:
    if start is None or end is None:
        return None
    s, e = max(lo, start), min(hi, end)
    return (s, e) if s < e else None


def cut(lo: int, hi: int, spans: Iterable[tuple[int | None, int | None, object]]) -> list[tuple[int, int, frozenset]]:
    """Partition [lo, hi) at every span boundary; each piece carries the keys
    of the spans covering it.  Overlapping and nested spans are fine."""
    clipped = []
    for s, e, key in spans:
        c = _clip(s, e, lo, hi)
        if c:
            clipped.append((c[0], c[1], key))
    bounds = sorted({lo, hi, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        pieces.append((a, b, frozenset(k for s, e, k in clipped if s <= a and b <= e)))
    return pieces


@dataclass(slots=True)
class Piece:
    """A run of document text with the classes and anchors that lay it out."""

    start: int
    end: int
    text: str
    classes: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # element ids placed just before the text
    refs: list[tuple[int, str]] = field(default_factory=list)  # (statement number, label): best evidence starts here
    title: str = ""
    omit_mark: bool = False  # first piece of a run the summary does not use


@dataclass(slots=True)
class ChangeView:
    kind: str
    summary_text: str
    source_text: str | None
    explanation: str
    anchor: str | None  # id of the source piece showing the source wording


@dataclass(slots=True)
class Block:
    """A top-level part of the summary: a statement, furniture, or plain text."""

    kind: str  # statement | furniture | text
    start: int
    end: int
    pieces: list[Piece]
    number: int = 0  # statements: 1-based position in the report
    label: str = ""
    icon: str = ""
    furniture_kind: str = ""
    changes: list[ChangeView] = field(default_factory=list)


@dataclass(slots=True)
class StatementView:
    number: int
    label: str
    icon: str
    meaning: str
    confidence: float
    text: str
    start: int
    end: int
    reasons: Sequence[str]
    changes: list[ChangeView]
    evidence: list[tuple[str, float, int, int, str]]  # (text, score, start, end, anchor id)


def _summary_blocks(report: Report, change_anchor: dict[tuple[int, int], str | None]) -> list[Block]:
    text = report.summary.document.text
    n = len(text)
    tops: list[tuple[int, int, str, int]] = []  # (start, end, kind, index)
    for vi, v in enumerate(report.verdicts):
        tops.append((v.statement.start, v.statement.end, "statement", vi))
    for fi, f in enumerate(report.summary.furniture):
        tops.append((f.start, f.end, "furniture", fi))
    tops.sort(key=lambda t: (t[0], t[1]))

    notice_spans = [(nt.start, nt.end, ("notice", i)) for i, nt in enumerate(report.notices)
                    if nt.start is not None and nt.end is not None]
    notice_anchored: set[int] = set()

    def pieces(lo: int, hi: int, vi: int | None) -> list[Piece]:
        spans: list = list(notice_spans)
        if vi is not None:
            for ci, c in enumerate(report.verdicts[vi].changes):
                spans.append((c.summary_start, c.summary_end, ("change", ci)))
        out = []
        for a, b, keys in cut(lo, hi, spans):
            p = Piece(a, b, text[a:b])
            if any(k[0] == "change" for k in keys):
                p.classes.append("chg")
                p.title = "changed detail: see the note after this statement"
            for k in sorted(keys):
                if k[0] == "notice":
                    p.classes.append("notice-text")
                    if k[1] not in notice_anchored:
                        notice_anchored.add(k[1])
                        p.anchors.append(f"notice-{k[1]}")
            out.append(p)
        return out

    blocks: list[Block] = []
    pos = 0
    for s, e, kind, idx in tops:
        span = _clip(max(s, pos), e, 0, n)  # a malformed overlap is cut, never duplicated
        if span is None:
            continue
        s, e = span
        if s > pos:
            blocks.append(Block("text", pos, s, pieces(pos, s, None)))
        if kind == "statement":
            v = report.verdicts[idx]
            changes = [ChangeView(c.kind, *change_wordings(c), c.explanation, change_anchor.get((idx, ci)))
                       for ci, c in enumerate(v.changes)]
            blocks.append(Block("statement", s, e, pieces(s, e, idx), number=idx + 1, label=v.label.value,
                                icon=ICON[v.label], changes=changes))
        else:
            blocks.append(Block("furniture", s, e, pieces(s, e, None),
                                furniture_kind=report.summary.furniture[idx].kind))
        pos = e
    if pos < n:
        blocks.append(Block("text", pos, n, pieces(pos, n, None)))
    return blocks


def _source_pieces(report: Report) -> tuple[list[Piece], dict[tuple[int, int], str | None],
                                               dict[tuple[int, int], str], int]:
    """The source cut at every evidence and changed-detail offset.

    Returns the pieces, the anchor id of each change's source wording, the
    anchor id of each evidence passage, and how many runs are unused."""
    src = report.source
    assert src is not None
    text = src.text
    spans: list = []
    for vi, v in enumerate(report.verdicts):
        for ei, e in enumerate(v.evidence):
            spans.append((e.start, e.end, ("ev", vi, ei)))
        for ci, c in enumerate(v.changes):
            spans.append((c.source_start, c.source_end, ("sc", vi, ci)))
    pieces: list[Piece] = []
    change_anchor: dict[tuple[int, int], str | None] = {}
    ev_anchor: dict[tuple[int, int], str] = {}
    unused_runs = 0
    in_unused = False
    for a, b, keys in cut(0, len(text), spans):
        p = Piece(a, b, text[a:b])
        ev_of = sorted({k[1] for k in keys if k[0] == "ev"})
        best_of = sorted({k[1] for k in keys if k[0] == "ev" and k[2] == 0})
        used_by = [vi for vi in best_of if report.verdicts[vi].label in _USES_SOURCE]
        p.classes += [f"evs-{vi}" for vi in ev_of] + [f"evb-{vi}" for vi in best_of]
        for k in sorted(keys):
            if k[0] == "ev" and (k[1], k[2]) not in ev_anchor:
                ev_anchor[(k[1], k[2])] = f"ev-{k[1]}-{k[2]}"
                p.anchors.append(f"ev-{k[1]}-{k[2]}")
                if k[2] == 0:
                    p.refs.append((k[1] + 1, report.verdicts[k[1]].label.value))
            if k[0] == "sc" and (k[1], k[2]) not in change_anchor:
                change_anchor[(k[1], k[2])] = f"sc-{k[1]}-{k[2]}"
                p.anchors.append(f"sc-{k[1]}-{k[2]}")
        if any(k[0] == "sc" for k in keys):
            p.classes.append("src-chg")
        if used_by:
            p.classes.append("used")
            p.title = "used by statement " + ", ".join(str(vi + 1) for vi in used_by)
            in_unused = False
        elif not p.text.strip():
            if "\n" in p.text:  # a new paragraph gets its own "not used" mark
                in_unused = False
        else:
            p.classes.append("unused")
            p.title = "not used by the summary"
            if not in_unused:
                p.omit_mark = True
                unused_runs += 1
            in_unused = True
        pieces.append(p)
    return pieces, change_anchor, ev_anchor, unused_runs


def _statements(report: Report, change_anchor, ev_anchor) -> list[StatementView]:
    out = []
    for vi, v in enumerate(report.verdicts):
        changes = [ChangeView(c.kind, *change_wordings(c), c.explanation, change_anchor.get((vi, ci)))
                   for ci, c in enumerate(v.changes)]
        evidence = [(" ".join(e.text.split()), e.score, e.start, e.end, ev_anchor.get((vi, ei), ""))
                    for ei, e in enumerate(v.evidence)]
        out.append(StatementView(vi + 1, v.label.value, ICON[v.label], MEANING[v.label], v.confidence,
                                 " ".join(v.statement.text.split()), v.statement.start, v.statement.end,
                                 v.reasons, changes, evidence))
    return out


# -- rendering -----------------------------------------------------------------


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """(css, js, Content-Security-Policy).  Nothing may load from anywhere: no
    fonts, images, frames or connections; only our own style and script run."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    csp = "; ".join([
        "default-src 'none'",
        f"style-src {_csp_hash(css)}",
        f"script-src {_csp_hash(js)}",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    return css, js, csp


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every value is page text until proven otherwise
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(report: Report) -> str:
    from markupsafe import Markup

    if report.source is not None:
        source_pieces, change_anchor, ev_anchor, unused_runs = _source_pieces(report)
    else:
        source_pieces, change_anchor, ev_anchor, unused_runs = [], {}, {}, 0
    css, js, csp = _assets()
    counts = report.counts
    return _environment().get_template("report.html.j2").render(
        csp=csp,
        # The static assets are trusted files shipped with the package; their
        # exact text is what the CSP hashes allow, so they must not be escaped.
        css=Markup(css),
        js=Markup(js),
        verdict=report.verdict.value,
        verdict_icon=ICON[report.verdict],
        counts=[(label.value, ICON[label], counts[label.value], MEANING[label]) for label in Label],
        total=len(report.verdicts),
        facts=header_facts(report),
        notices=[(i, n.code, n.message, n.start is not None and n.end is not None)
                 for i, n in enumerate(report.notices)],
        summary_title=report.summary.document.title or report.summary.document.origin,
        blocks=_summary_blocks(report, change_anchor),
        has_source=report.source is not None,
        source_title=(report.source.title or report.source.origin) if report.source is not None else "",
        source_pieces=source_pieces,
        unused_runs=unused_runs,
        retrieval_message=(report.retrieval.message if report.retrieval is not None else ""),
        statements=_statements(report, change_anchor, ev_anchor),
    )

"""The JSON report (documented in README, "JSON format")."""

from __future__ import annotations

import json

from .. import __version__
from ..records import (Change, Document, Evidence, Furniture, Label, Notice, Report, Retrieval, Sentence, Summary,
                       Verdict)

FORMAT_VERSION = "1.0"


def _evidence(e: Evidence) -> dict:
    return {"text": e.text, "start": e.start, "end": e.end, "sentences": list(e.sentence_indices),
            "score": e.score, "semantic": e.semantic, "lexical": e.lexical}


def _change(c: Change) -> dict:
    return {"kind": c.kind, "summary_text": c.summary_text, "source_text": c.source_text,
            "summary_start": c.summary_start, "summary_end": c.summary_end,
            "source_start": c.source_start, "source_end": c.source_end, "explanation": c.explanation}


def _verdict(v: Verdict) -> dict:
    return {"index": v.statement.index, "text": v.statement.text, "start": v.statement.start,
            "end": v.statement.end, "label": v.label.value, "confidence": v.confidence,
            "reasons": list(v.reasons), "evidence": [_evidence(e) for e in v.evidence],
            "changes": [_change(c) for c in v.changes]}


def _furniture(f: Furniture) -> dict:
    return {"kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "url": f.url}


def _notice(n: Notice) -> dict:
    return {"code": n.code, "message": n.message, "start": n.start, "end": n.end}


def _retrieval(r: Retrieval | None, source=None) -> dict | None:
    if r is None:
        return None
    return {"requested_url": r.requested_url, "final_url": r.final_url, "status": r.status,
            "http_status": r.http_status, "from_cache": r.from_cache, "archive_url": r.archive_url,
            "archive_timestamp": r.archive_timestamp, "message": r.message, "candidates": list(r.candidates),
            "retrieved_at": r.retrieved_at, "found_by": r.found_by, "original_status": r.original_status,
            # the original as extracted (also under "source"), so the retrieval section reads on its own
            "title": source.title if source else None, "author": source.author if source else None,
            "date": source.date if source else None}


def to_dict(report: Report) -> dict:
    src = report.source
    summ = report.summary.document
    out = {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "checked_at": report.checked_at,
        "verdict": report.verdict.value,
        "counts": report.counts,
        "notices": [_notice(n) for n in report.notices],
        "summary": {"origin": summ.origin, "kind": summ.kind, "title": summ.title, "url": summ.url,
                    "text": summ.text, "cited_urls": list(report.summary.cited_urls),
                    "furniture": [_furniture(f) for f in report.summary.furniture]},
        "source": None if src is None else {"origin": src.origin, "kind": src.kind, "title": src.title,
                                            "author": src.author, "date": src.date, "url": src.url,
                                            "text": src.text},
        "retrieval": _retrieval(report.retrieval, src),
        "statements": [_verdict(v) for v in report.verdicts],
    }
    if report.id is not None:
        out = {"id": report.id, **out}
    return out


def render(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_line(report: Report) -> str:
    """One compact JSON line (batch output)."""
    return json.dumps(to_dict(report), ensure_ascii=False, separators=(",", ":"))


def from_dict(d: dict) -> Report:
    """The inverse of ``to_dict``: a JSON report back into a Report, to render it again
    (audit's per-item HTML reports, the renderers' frozen test fixtures)."""
    s = d["summary"]
    summary_doc = Document(s["text"], origin=s["origin"], kind=s["kind"], title=s["title"], url=s["url"])
    verdicts = []
    for st in d["statements"]:
        sentence = Sentence(st["index"], st["start"], st["end"], st["text"])
        evidence = tuple(Evidence(e["start"], e["end"], e["text"], tuple(e["sentences"]), e["score"], e["semantic"],
                                  e["lexical"]) for e in st["evidence"])
        changes = tuple(Change(c["kind"], c["summary_text"], c["source_text"], c["summary_start"], c["summary_end"],
                               c["source_start"], c["source_end"], c["explanation"]) for c in st["changes"])
        verdicts.append(Verdict(sentence, Label(st["label"]), st["confidence"], tuple(st["reasons"]), evidence,
                                changes))
    furniture = tuple(Furniture(f["kind"], f["start"], f["end"], f["text"], f["url"]) for f in s["furniture"])
    notices = tuple(Notice(n["code"], n["message"], n["start"], n["end"]) for n in d["notices"])
    # The report's notices already include the summary's own (pipeline.py): keep them once, on the report.
    summary = Summary(summary_doc, tuple(v.statement for v in verdicts), furniture, (), tuple(s["cited_urls"]))
    src = d["source"]
    source = None if src is None else Document(src["text"], origin=src["origin"], kind=src["kind"],
                                               title=src["title"], author=src["author"], date=src["date"],
                                               url=src["url"])
    r = d["retrieval"]
    retrieval = None if r is None else Retrieval(
        requested_url=r["requested_url"], status=r["status"], final_url=r["final_url"], http_status=r["http_status"],
        from_cache=r["from_cache"], archive_url=r["archive_url"], archive_timestamp=r["archive_timestamp"],
        message=r["message"], candidates=tuple(r["candidates"]), retrieved_at=r["retrieved_at"],
        found_by=r["found_by"], original_status=r["original_status"])
    return Report(summary=summary, source=source, verdicts=tuple(verdicts), notices=notices, retrieval=retrieval,
                  id=d.get("id"), checked_at=d.get("checked_at"))

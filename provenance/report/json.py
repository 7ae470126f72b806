"""The JSON report (documented in README, "JSON format")."""

from __future__ import annotations

import json

from .. import __version__
from ..records import Change, Evidence, Furniture, Notice, Report, Retrieval, Verdict

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

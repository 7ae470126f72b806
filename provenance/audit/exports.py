"""Files made from the store at the end of a run: results.jsonl, summary.csv and
the worst items' HTML reports.

They are rewritten whole from the store every run (temporary file, then
rename), so however many times an audit was interrupted and resumed, each item
appears in them exactly once.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..records import (Change, Document, Evidence, Furniture, Label, Notice, Report, Retrieval, Sentence, Summary,
                       Verdict)
from .store import ResultStore

CSV_COLUMNS = ("id", "line", "summary_url", "source_url", "domain", "status", "retrieval_status", "verdict",
               "supported", "altered", "invented", "unverifiable", "error")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Spreadsheets run a cell that starts with one of these as a formula; page text
# and error messages are not ours to run.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def atomic(path: Path, newline: str | None = None) -> Iterator:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_jsonl(store: ResultStore, path: Path) -> int:
    """One line per item: {"id", "line", "status", "error", "summary", "source_url", "report"};
    ``report`` is the `compare --format json` object, or null when there is none."""
    n = 0
    with atomic(path) as fh:
        for r in store.rows():
            head = json.dumps({"id": r.id, "line": r.line, "status": r.status, "error": r.error,
                               "retrieval_status": r.retrieval_status, "summary": r.summary,
                               "source_url": r.source_url}, ensure_ascii=False, separators=(",", ":"))
            # The stored report is already compact JSON: splice it in instead of parsing it again.
            fh.write(head[:-1] + ',"report":' + (r.report or "null") + "}\n")
            n += 1
    return n


def _cell(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


def write_csv(store: ResultStore, path: Path) -> int:
    n = 0
    with atomic(path, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in store.rows(with_report=False):
            summary = r.summary if r.summary.lower().startswith(("http://", "https://")) else "(text)"
            w.writerow([_cell(v) for v in (r.id, r.line, summary, r.source_url, r.domain, r.status,
                                           r.retrieval_status, r.verdict, r.supported, r.altered, r.invented,
                                           r.unverifiable, r.error)])
            n += 1
    return n


def report_file_name(item_id: str) -> str:
    """A file name for an item's HTML report: the id when it is a plain name, else
    a hash of it (ids come from the input and may hold '/', '..' or anything)."""
    if _SAFE_ID.match(item_id) and ".." not in item_id:
        return f"{item_id}.html"
    import hashlib

    return "item-" + hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:16] + ".html"


def report_from_dict(d: dict) -> Report:
    """The JSON report (report/json.py ``to_dict``) back into a Report, to render it again."""
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


def write_item_reports(store: ResultStore, ids: list[str], html_dir: Path) -> dict[str, Path]:
    """The HTML report (report/html.py) of each item in ``ids``; id -> path written."""
    from ..report import html

    written: dict[str, Path] = {}
    for item_id in ids:
        r = store.get(item_id)
        d = r.report_dict() if r is not None else None
        if d is None:
            continue
        path = html_dir / report_file_name(item_id)
        with atomic(path) as fh:
            fh.write(html.render(report_from_dict(d)))
        written[item_id] = path
    return written

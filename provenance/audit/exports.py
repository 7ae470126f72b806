"""Files made from the store at the end of a run: results.jsonl, summary.csv and
the worst items' HTML reports.

They are rewritten whole from the store every run (temporary file, then
rename), so however many times an audit was interrupted and resumed, each item
appears in them exactly once.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from ..report import atomic_file
from ..report.json import from_dict
from .store import ResultStore

CSV_COLUMNS = ("id", "line", "summary_url", "source_url", "domain", "status", "retrieval_status", "verdict",
               "supported", "altered", "invented", "unverifiable", "error")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Spreadsheets run a cell that starts with one of these as a formula; page text
# and error messages are not ours to run.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def write_jsonl(store: ResultStore, path: Path) -> int:
    """One line per item: {"id", "line", "status", "error", "summary", "source_url", "report"};
    ``report`` is the `compare --format json` object, or null when there is none."""
    n = 0
    with atomic_file(path) as fh:
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
    with atomic_file(path, newline="") as fh:
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
        with atomic_file(path) as fh:
            fh.write(html.render(from_dict(d)))
        written[item_id] = path
    return written

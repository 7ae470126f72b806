"""`provenance audit`: many summaries checked against their cited originals,
resumably, with per-source-domain statistics.

    inputs.py     INPUT (URL list, JSONL, CSV, sitemap, RSS/Atom) -> AuditItem records
    store.py      the SQLite results store: one row per finished item
    runner.py     concurrent, polite fetching overlapped with batched comparison
    aggregate.py  per-domain statistics, computed from the store
    exports.py    results.jsonl and summary.csv, written from the store

Renderers for the aggregate live in report/audit_*.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..settings import Settings
    from .aggregate import AuditAggregate
    from .inputs import AuditItem
    from .runner import AuditStats
    from .store import ItemResult

STORE_NAME = "audit.sqlite3"
OUTPUT_NAMES = {"jsonl": "results.jsonl", "csv": "summary.csv", "json": "aggregate.json", "html": "aggregate.html"}


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    aggregate: "AuditAggregate"
    stats: "AuditStats"
    problems: tuple[str, ...]  # malformed input lines, "line N: why"
    store: Path
    outputs: tuple[tuple[str, Path], ...]  # (kind, path): jsonl, csv, json, html, and "report" per worst item


def in_shard(item_id: str, shard: tuple[int, int] | None) -> bool:
    """Shard K of N by a hash of the item id: stable across runs and machines."""
    if shard is None:
        return True
    k, n = shard
    return int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big") % n == k


def load_items(input: str, settings: "Settings", problems: list[str], *, source_column: str | None = None,
               summary_column: str | None = None) -> list["AuditItem"]:
    """INPUT's items: a file, or the URL of a sitemap or feed (fetched like any page)."""
    from ..errors import InputError
    from .inputs import is_url, read_items

    data = None
    if is_url(input):
        from ..retrieve.fetch import Fetcher, FetchError

        fetcher = Fetcher(settings, None)  # a feed changes: never from the page cache
        try:
            page = fetcher.get(input)
        except FetchError as exc:
            raise InputError(f"cannot retrieve the audit input: {exc.message}") from None
        finally:
            fetcher.close()
        if page.http_status != 200:
            raise InputError(f"cannot retrieve the audit input: HTTP {page.http_status} for {input}")
        data = page.body
    return read_items(input, problems, source_column=source_column, summary_column=summary_column, data=data)


def audit(input: str, out_dir: str | Path, settings: "Settings", *, source_column: str | None = None,
          summary_column: str | None = None, concurrency: int = 8, per_host: int = 2, delay: float = 0.0,
          chunk: int = 32, retry_failed: bool = False, html_dir: str | Path | None = None, n_worst: int = 10,
          limit: int | None = None, shard: tuple[int, int] | None = None,
          on_problem: Callable[[str], None] | None = None, on_start: Callable[[int, int], None] | None = None,
          on_item: "Callable[[ItemResult], None] | None" = None) -> AuditOutcome:
    """Audit every item of ``input`` into ``out_dir`` (the store, results.jsonl,
    summary.csv, aggregate.json, aggregate.html, and the worst items' HTML
    reports in ``html_dir``, default ``out_dir/reports``).  Re-running with the same
    ``out_dir`` resumes: finished items are not redone."""
    import os

    from ..errors import InputError
    from ..report import audit_html, audit_json
    from .aggregate import aggregate, worst_items
    from ..report import atomic_file
    from .exports import write_csv, write_item_reports, write_jsonl
    from .runner import run_audit
    from .store import ResultStore

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o must be a directory (the audit's store and reports go there): {out}")
    problems: list[str] = []
    items = load_items(input, settings, problems, source_column=source_column, summary_column=summary_column)
    for p in problems:
        if on_problem:
            on_problem(p)
    if not items:
        raise InputError(f"no usable items in {input} ({len(problems)} malformed)")
    items = [it for it in items if in_shard(it.id, shard)]
    if limit is not None:
        items = items[:limit]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output directory {out}: {exc.strerror or exc}") from None
    store = ResultStore(out / STORE_NAME)
    try:
        stats = run_audit(items, store, settings, concurrency=concurrency, per_host=per_host, delay=delay,
                          chunk=chunk, retry_failed=retry_failed, origin=os.path.basename(input) or input,
                          on_start=on_start, on_item=on_item)
        outputs: list[tuple[str, Path]] = []
        paths = {k: out / name for k, name in OUTPUT_NAMES.items()}
        write_jsonl(store, paths["jsonl"])
        write_csv(store, paths["csv"])
        worst = worst_items(store, n_worst)
        hdir = Path(html_dir) if html_dir else out / "reports"
        written = write_item_reports(store, [w.id for w in worst], hdir)
        from dataclasses import replace

        from urllib.parse import quote

        worst = [replace(w, html=quote(Path(os.path.relpath(written[w.id], paths["html"].parent)).as_posix()))
                 if w.id in written else w for w in worst]
        agg = aggregate(store, worst=worst, run=stats)
        with atomic_file(paths["json"]) as fh:
            fh.write(audit_json.render(agg))
        with atomic_file(paths["html"]) as fh:
            fh.write(audit_html.render(agg))
        outputs += [(k, paths[k]) for k in ("jsonl", "csv", "json", "html")]
        outputs += [("report", p) for p in written.values()]
    finally:
        store.close()
    return AuditOutcome(agg, stats, tuple(problems), out / STORE_NAME, tuple(outputs))

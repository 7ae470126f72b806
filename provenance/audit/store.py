"""The audit's results store: one SQLite row per finished item.

Every item is written in its own transaction the moment it finishes, keyed by
its id: a run killed at any point (``kill -9`` included) keeps every item it
finished and none half-written, and the next run skips them.  WAL with
``synchronous=NORMAL``: a committed item survives a killed process (the WAL is
in the OS's hands once the commit returns); only a power cut can lose the last
commits, never corrupt the file.

Statuses: ``done`` (a report was made; it may say the original could not be
had for good: 404, paywall, nothing cited) and ``failed`` (no report, or the
original was out of reach for a reason that may pass: timeout, unreachable,
server error).  Failed items keep their reason and are retried only with
``--retry-failed``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id               TEXT PRIMARY KEY,
    line             INTEGER NOT NULL,   -- in the INPUT it last came from
    summary          TEXT NOT NULL,      -- the summary's URL, or its text
    source_url       TEXT,               -- the original asked for (given, or found in the summary)
    domain           TEXT,               -- the original's host, lower case, no "www."
    status           TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    retrieval_status TEXT,               -- ok | archived | not_found | paywalled | no_source | ...
    error            TEXT,               -- one line: why it failed, or why the original is unavailable
    verdict          TEXT,
    supported        INTEGER NOT NULL DEFAULT 0,
    altered          INTEGER NOT NULL DEFAULT 0,
    invented         INTEGER NOT NULL DEFAULT 0,
    unverifiable     INTEGER NOT NULL DEFAULT 0,
    report           TEXT,               -- the JSON report (report/json.py), compact; NULL without one
    attempts         INTEGER NOT NULL DEFAULT 1,
    finished_at      TEXT NOT NULL       -- ISO 8601 UTC
);
CREATE INDEX IF NOT EXISTS items_status ON items(status);
CREATE INDEX IF NOT EXISTS items_domain ON items(domain);
"""

COLUMNS = ("id", "line", "summary", "source_url", "domain", "status", "retrieval_status", "error", "verdict",
           "supported", "altered", "invented", "unverifiable", "report", "attempts", "finished_at")


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One finished item, as stored."""

    id: str
    line: int
    summary: str
    source_url: str | None
    domain: str | None
    status: str  # done | failed
    retrieval_status: str | None
    error: str | None
    verdict: str | None
    supported: int = 0
    altered: int = 0
    invented: int = 0
    unverifiable: int = 0
    report: str | None = None  # JSON text
    attempts: int = 1
    finished_at: str = ""

    def report_dict(self) -> dict | None:
        return json.loads(self.report) if self.report else None


class StoreError(InputError):
    """The store file cannot be opened or is not an audit store (a usage problem)."""


class ResultStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._db:
                self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the audit store at {self.path}: {exc}") from None

    def statuses(self) -> dict[str, str]:
        """id -> status of every finished item."""
        with self._lock:
            return dict(self._db.execute("SELECT id, status FROM items"))

    def put(self, r: ItemResult) -> None:
        """One finished item, in one transaction; a retried item replaces its earlier row."""
        values = [getattr(r, c) for c in COLUMNS]
        with self._lock, self._db:
            prior = self._db.execute("SELECT attempts FROM items WHERE id = ?", (r.id,)).fetchone()
            values[COLUMNS.index("attempts")] = (prior[0] + 1) if prior else 1
            self._db.execute(f"INSERT OR REPLACE INTO items ({', '.join(COLUMNS)}) "
                             f"VALUES ({', '.join('?' * len(COLUMNS))})", values)

    def rows(self, with_report: bool = True) -> Iterator[ItemResult]:
        """Every stored item, in input order; streamed, so a huge store is not held in memory."""
        cols = COLUMNS if with_report else tuple(c if c != "report" else "NULL" for c in COLUMNS)
        with self._lock:
            cur = self._db.execute(f"SELECT {', '.join(cols)} FROM items ORDER BY line, id")
            batch = cur.fetchmany(256)
        while batch:
            for row in batch:
                yield ItemResult(*row)
            with self._lock:
                batch = cur.fetchmany(256)

    def get(self, item_id: str) -> ItemResult | None:
        with self._lock:
            row = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM items WHERE id = ?", (item_id,)).fetchone()
        return ItemResult(*row) if row else None

    def count(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT status, COUNT(*) FROM items GROUP BY status"))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

"""The page cache: every page we retrieved (originals, archive copies, robots.txt,
archive API answers), kept in one SQLite file.

SQLite because it is embedded, in the standard library, and its commits are
atomic: a crash or Ctrl-C mid-write leaves the previous state, never half a page.
WAL mode lets a second process read while one writes.  Default location:
$PROVENANCE_CACHE, else $XDG_CACHE_HOME/provenance/pages.sqlite3, else
~/.cache/provenance/pages.sqlite3.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

from ..errors import InputError
from .fetch import Page

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url          TEXT PRIMARY KEY,   -- the URL we were asked for
    final_url    TEXT NOT NULL,      -- after redirects
    http_status  INTEGER NOT NULL,
    headers      TEXT NOT NULL,      -- JSON list of [name, value]
    body         BLOB NOT NULL,
    retrieved_at TEXT NOT NULL,      -- ISO 8601, UTC
    redirects    TEXT NOT NULL DEFAULT '[]'
)
"""


def default_cache_path() -> Path:
    env = os.environ.get("PROVENANCE_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "provenance" / "pages.sqlite3"


class CacheError(InputError):
    """The cache file cannot be opened (a usage problem: wrong path or permissions)."""


class PageCache:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_cache_path()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
            with self._db:
                self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise CacheError(f"cannot open the page cache at {self.path}: {exc}") from None

    def get(self, url: str) -> Page | None:
        with self._lock:
            row = self._db.execute(
                "SELECT url, final_url, http_status, headers, body, retrieved_at, redirects FROM pages WHERE url = ?",
                (url,),
            ).fetchone()
        if row is None:
            return None
        return Page(url=row[0], final_url=row[1], http_status=row[2],
                    headers=tuple((k, v) for k, v in json.loads(row[3])), body=bytes(row[4]),
                    retrieved_at=row[5], from_cache=True, redirects=tuple(json.loads(row[6])))

    def put(self, page: Page) -> None:
        with self._lock, self._db:  # one transaction: all of the page or none of it
            self._db.execute(
                "INSERT OR REPLACE INTO pages (url, final_url, http_status, headers, body, retrieved_at, redirects) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (page.url, page.final_url, page.http_status, json.dumps([list(h) for h in page.headers]),
                 sqlite3.Binary(page.body), page.retrieved_at, json.dumps(list(page.redirects))),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

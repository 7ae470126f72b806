"""Internet Archive fallback: find a snapshot of a URL and fetch its raw HTML.

Availability API first (one small JSON answer with the closest snapshot), then
the CDX index (every 200 capture) when that has nothing, then the raw capture at
``/web/<timestamp>id_/<url>`` (``id_``: the page as archived, without the
Wayback toolbar or rewritten links).  All requests share one rate limit per
process (``archive_interval`` seconds apart; the archive asks for about one
request per 2.5 s) and the first HTTP 429 stops the fallback: ignoring 429s gets
the address blocked for an hour, doubling each time.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from .fetch import Fetcher, FetchError, Page


class ArchiveUnavailable(Exception):
    """No usable snapshot; ``str()`` says why in one line."""

    def __init__(self, message: str, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited


@dataclass(frozen=True, slots=True)
class Snapshot:
    timestamp: str  # YYYYMMDDhhmmss
    original: str
    raw_url: str  # .../web/<timestamp>id_/<original>: what we fetch
    view_url: str  # .../web/<timestamp>/<original>: what a person opens

    @property
    def date(self) -> str:
        t = self.timestamp
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}" if len(t) >= 8 else t


class _RateLimit:
    """One per process, shared by every check in it (batch runs included)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0.0
        self.blocked = False  # set by a 429; stays set for the life of the process

    def wait(self, interval: float) -> None:
        with self._lock:
            pause = self._last + interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last = time.monotonic()


RATE_LIMIT = _RateLimit()

_TIMESTAMP = re.compile(r"^\d{4,14}$")


def to_timestamp(date: str | None) -> str | None:
    """'2026-01-01' / '2026-01-01T10:00:00Z' / '20260101' -> '20260101...' (Wayback's form), else None."""
    if not date:
        return None
    digits = re.sub(r"\D", "", date)[:14]
    if len(digits) < 8:
        return None
    try:
        datetime.strptime(digits[:8], "%Y%m%d")
    except ValueError:
        return None
    return digits


class Archive:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.base = fetcher.settings.archive_base.rstrip("/")

    def _snapshot(self, timestamp: str, original: str) -> Snapshot:
        return Snapshot(timestamp, original, f"{self.base}/web/{timestamp}id_/{original}",
                        f"{self.base}/web/{timestamp}/{original}")

    def _get(self, url: str) -> Page:
        """One archive request: the cache first; on the network, politely."""
        s = self.fetcher.settings
        cached = None if s.refresh or self.fetcher.cache is None else self.fetcher.cache.get(url)
        if cached is not None:
            return cached
        if RATE_LIMIT.blocked:
            raise ArchiveUnavailable("the Internet Archive asked us to slow down (HTTP 429); not asking again "
                                     "in this run", rate_limited=True)
        if not s.offline:
            RATE_LIMIT.wait(s.archive_interval)
        try:
            # The archive's robots.txt is for crawlers of its web pages; its APIs are meant for programs.
            page = self.fetcher.get(url, robots=False)
        except FetchError as exc:
            raise ArchiveUnavailable(f"Internet Archive: {exc.message}") from None
        if page.http_status == 429:
            RATE_LIMIT.blocked = True
            raise ArchiveUnavailable("the Internet Archive asked us to slow down (HTTP 429); stopped",
                                     rate_limited=True)
        return page

    def _json(self, url: str):
        page = self._get(url)
        if page.http_status != 200:
            raise ArchiveUnavailable(f"Internet Archive answered HTTP {page.http_status} for {url}")
        try:
            return json.loads(page.text() or "null")
        except ValueError:
            raise ArchiveUnavailable(f"Internet Archive sent an unreadable answer for {url}") from None

    def available(self, url: str, near: str | None) -> Snapshot | None:
        params = {"url": url}
        if near:
            params["timestamp"] = near
        data = self._json(f"{self.base}/wayback/available?{urlencode(params)}")
        closest = (data or {}).get("archived_snapshots", {}).get("closest") if isinstance(data, dict) else None
        if not closest or not closest.get("available") or str(closest.get("status", "200")) != "200":
            return None
        ts = str(closest.get("timestamp", ""))
        return self._snapshot(ts, url) if _TIMESTAMP.match(ts) else None

    def cdx(self, url: str, near: str | None) -> Snapshot | None:
        query = urlencode({"url": url, "output": "json", "fl": "timestamp,original,statuscode",
                           "filter": "statuscode:200"})
        rows = self._json(f"{self.base}/cdx/search/cdx?{query}")
        if not isinstance(rows, list) or len(rows) < 2:
            return None
        header, captures = rows[0], [r for r in rows[1:] if isinstance(r, list) and len(r) >= 2]
        try:
            ti, oi = header.index("timestamp"), header.index("original")
        except (ValueError, AttributeError):
            ti, oi = 0, 1
        captures = [r for r in captures if _TIMESTAMP.match(str(r[ti]))]
        if not captures:
            return None
        if near:
            # Closest in time to the summary: the version its writer could have read.
            key = int(near.ljust(14, "0"))
            best = min(captures, key=lambda r: abs(int(str(r[ti]).ljust(14, "0")) - key))
        else:
            best = max(captures, key=lambda r: str(r[ti]))  # newest, as the availability API does
        return self._snapshot(str(best[ti]), str(best[oi]) or url)

    def find(self, url: str, near: str | None = None) -> Snapshot:
        snap = self.available(url, near)
        if snap is None:
            snap = self.cdx(url, near)
        if snap is None:
            raise ArchiveUnavailable("the Internet Archive has no copy")
        return snap

    def fetch(self, snap: Snapshot) -> Page:
        page = self._get(snap.raw_url)
        if page.http_status != 200:
            raise ArchiveUnavailable(f"the archived copy of {snap.date} answered HTTP {page.http_status}")
        return page


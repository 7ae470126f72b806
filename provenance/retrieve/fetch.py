"""Fetch one URL safely: http/https only, the connected address checked on every
hop (safety.py), redirects followed by hand up to a cap, a byte cap, one
wall-clock deadline for the whole chain, robots.txt respected, a User-Agent that
names the tool, certificates always verified (no insecure fallback), and the
page cache consulted first.

A completed HTTP exchange (any status) is a ``Page``; everything that stops us
from getting one is a ``FetchError`` whose ``status`` is one of the documented
retrieval statuses.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from .. import __version__
from .safety import GUARDED_POOLS, PrivateAddress, UnsafeURL, check_url

if TYPE_CHECKING:
    from ..settings import Settings
    from .cache import PageCache

USER_AGENT = f"provenance/{__version__} (summary checker; +https://pypi.org/project/provenance/)"
ROBOTS_TOKEN = "provenance"  # the name robots.txt rules address us by
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
# Worth keeping: a page and its definitive absence.  5xx, 429 and the like are
# transient and would poison later runs.
_CACHEABLE = frozenset(range(200, 300)) | {404, 410}
_ORIGIN_DOWN = ("unreachable", "timeout", "refused_private_address")


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # requested
    final_url: str  # after redirects
    http_status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    retrieved_at: str  # ISO 8601 UTC of the network fetch (kept when served from the cache)
    from_cache: bool = False
    redirects: tuple[str, ...] = ()  # the hops after the first URL

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        return decode_body(self.body, self.header("content-type"))


class FetchError(Exception):
    """No HTTP response could be had; ``status`` is a retrieval status word."""

    def __init__(self, status: str, message: str, url: str, final_url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.url = url
        self.final_url = final_url


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def decode_body(body: bytes, content_type: str | None) -> str:
    """Bytes -> text: the declared charset if the bytes really are in it, else a
    guess (charset-normalizer), else UTF-8 with replacement characters.  Pages that
    declare UTF-8 but are Windows-1252 are common enough that we never trust a
    declaration the bytes contradict."""
    declared = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
        if m:
            declared.append(m.group(1))
    m = _META_CHARSET.search(body[:4096])
    if m:
        declared.append(m.group(1).decode("ascii", "replace"))
    for enc in (*declared, "utf-8"):
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best)
    except ImportError:  # pragma: no cover - it comes with requests
        pass
    return body.decode("utf-8", errors="replace")


def _at(url: str, current: str) -> str:
    """Where it failed, when that is not the URL asked for (a redirect hop): the
    report shows the requested URL beside the message already."""
    return "" if current == url else f" (at {current})"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme.lower()}://{p.netloc.lower()}"


def _resolve_within(host: str, seconds: float, url: str, current: str) -> None:
    """Name resolution with a deadline.  getaddrinfo ignores socket timeouts and can
    block for 20 s or more on a machine without network; we wait for it in a daemon
    thread and give up on time.  (The connection resolves again, normally from the
    system's cache; the peer check in safety.py judges whatever it connects to.)"""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return  # a literal address: nothing to resolve
    except ValueError:
        pass
    result: list[BaseException | None] = []
    done = threading.Event()

    def work() -> None:
        try:
            socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            result.append(None)
        except (OSError, UnicodeError) as exc:
            result.append(exc)
        done.set()

    threading.Thread(target=work, name=f"resolve {host}", daemon=True).start()
    if not done.wait(seconds):
        raise FetchError("timeout", f"could not resolve {host} within {seconds:.3g} s{_at(url, current)}", url, current)
    if result and result[0] is not None:
        raise FetchError("unreachable", f"cannot resolve {host} (no network, or no such host){_at(url, current)}",
                         url, current)


class Fetcher:
    """One per check: holds the connection pools, the robots.txt answers and the cache."""

    def __init__(self, settings: "Settings", cache: "PageCache | None" = None) -> None:
        import urllib3

        self.settings = settings
        self.cache = cache
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                   "Accept-Language": "en;q=0.9,*;q=0.5"}
        # No proxy support on purpose: a proxy would connect for us and the peer
        # check would see the proxy, not the target (trafilatura's guard gives up then).
        self._pool = urllib3.PoolManager(num_pools=8, headers=headers, retries=False, cert_reqs="CERT_REQUIRED")
        if not settings.allow_private:
            self._pool.pool_classes_by_scheme = GUARDED_POOLS
        self._robots: dict[str, object] = {}

    # -- public ---------------------------------------------------------------
    def get(self, url: str, *, robots: bool = True) -> Page:
        """The page at ``url`` (from the cache unless --refresh), or FetchError."""
        try:
            check_url(url)
        except UnsafeURL as exc:
            raise FetchError("unsafe_url", str(exc), url) from None
        if self.cache is not None and not self.settings.refresh:
            cached = self.cache.get(url)
            if cached is not None:
                return cached
        if self.settings.offline:
            raise FetchError("not_in_cache", f"--offline and not in the cache: {url}", url)
        page = self._fetch_chain(url, robots=robots and self.settings.respect_robots)
        if self.cache is not None and page.http_status in _CACHEABLE:
            self.cache.put(page)
        return page

    def close(self) -> None:
        self._pool.clear()

    # -- robots.txt -----------------------------------------------------------
    def allowed_by_robots(self, url: str, deadline: float) -> bool:
        """Only an explicit Disallow in a robots.txt we could read blocks us: a
        missing, broken or unreachable robots.txt allows (we fetch one page on a
        person's request; we do not crawl)."""
        origin = _origin(url)
        if origin not in self._robots:
            from protego import Protego

            robots_url = origin + "/robots.txt"
            page = None
            if self.cache is not None and not self.settings.refresh:
                page = self.cache.get(robots_url)
            if page is None and not self.settings.offline:
                try:
                    page = self._fetch_chain(robots_url, robots=False, deadline=deadline)
                    if self.cache is not None and page.http_status in _CACHEABLE:
                        self.cache.put(page)
                except FetchError as exc:
                    if exc.status in _ORIGIN_DOWN:
                        # The page lives on the same host: it would fail the same way, so say
                        # so now instead of waiting out a second timeout.
                        raise FetchError(exc.status, exc.message.replace(robots_url, url), url, url) from None
                    page = None
            rules = None
            if page is not None and page.http_status == 200:
                try:
                    rules = Protego.parse(page.text())
                except Exception:  # noqa: BLE001 - an unparsable robots.txt says nothing
                    rules = None
            self._robots[origin] = rules
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(url, ROBOTS_TOKEN)

    # -- the network ----------------------------------------------------------
    def _fetch_chain(self, url: str, *, robots: bool, deadline: float | None = None) -> Page:
        import urllib3
        from urllib3.exceptions import (ConnectTimeoutError, HTTPError, NameResolutionError, NewConnectionError,
                                        ProtocolError, ReadTimeoutError, SSLError)

        s = self.settings
        if deadline is None:
            deadline = time.monotonic() + s.timeout
        hops: list[str] = []
        current = url
        while True:
            try:
                check_url(current)
            except UnsafeURL as exc:
                raise FetchError("unsafe_url", f"redirected to a refused URL: {exc}", url, current) from None
            if robots and not self.allowed_by_robots(current, deadline):
                raise FetchError("blocked_by_robots",
                                 f"robots.txt of {_origin(current)} disallows fetching {current} "
                                 "(--ignore-robots overrides)", url, current)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError("timeout", f"no answer within {s.timeout:g} s{_at(url, current)}", url, current)
            _resolve_within(urlsplit(current).hostname or "", remaining, url, current)
            remaining = max(deadline - time.monotonic(), 0.1)
            try:
                resp = self._pool.request(
                    "GET", current, redirect=False, preload_content=False, decode_content=True,
                    timeout=urllib3.Timeout(connect=min(remaining, s.timeout), read=min(remaining, s.timeout)),
                )
            except PrivateAddress as exc:
                raise FetchError("refused_private_address",
                                 f"refused: {exc} (--allow-private permits it)", url, current) from None
            except (NameResolutionError, NewConnectionError) as exc:  # before timeouts: urllib3 makes these
                raise self._network_error(exc, url, current) from None  # subclasses of ConnectTimeoutError
            except (ConnectTimeoutError, ReadTimeoutError) as exc:
                raise FetchError("timeout", f"timed out after {s.timeout:g} s{_at(url, current)}", url, current) from exc
            except urllib3.exceptions.MaxRetryError as exc:  # pragma: no cover - retries are off
                raise self._network_error(exc.reason or exc, url, current) from None
            except (SSLError, ProtocolError, HTTPError, OSError) as exc:
                raise self._network_error(exc, url, current) from None

            if resp.status in _REDIRECTS and resp.headers.get("Location"):
                resp.drain_conn()
                resp.release_conn()
                if len(hops) >= s.max_redirects:
                    raise FetchError("too_many_redirects",
                                     f"more than {s.max_redirects} redirects starting at {url}", url, current)
                current = urljoin(current, resp.headers["Location"].strip())
                hops.append(current)
                continue
            body = self._read_body(resp, url, current, deadline)
            return Page(url=url, final_url=current, http_status=resp.status,
                        headers=tuple(resp.headers.items()), body=body, retrieved_at=_now(),
                        from_cache=False, redirects=tuple(hops))

    def _read_body(self, resp, url: str, current: str, deadline: float) -> bytes:
        from urllib3.exceptions import HTTPError, ReadTimeoutError

        cap = self.settings.max_fetch_bytes
        try:
            length = int(resp.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if length > cap:
            resp.release_conn()
            raise FetchError("too_large", f"the page is {length / 1e6:.1f} MB, over the {cap / 1e6:g} MB limit: "
                             f"{_at(url, current)}", url, current)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("timeout", f"the page took longer than {self.settings.timeout:g} s to arrive: "
                                     f"{_at(url, current)}", url, current)
                chunk = resp.read1(_CHUNK)  # read1: returns what has arrived, so slow drips still hit the deadline
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchError("too_large", f"the page is over the {cap / 1e6:g} MB limit{_at(url, current)}",
                                     url, current)
                chunks.append(chunk)
        except ReadTimeoutError as exc:
            raise FetchError("timeout", f"timed out after {self.settings.timeout:g} s{_at(url, current)}", url,
                             current) from exc
        except (HTTPError, OSError) as exc:
            raise self._network_error(exc, url, current) from None
        finally:
            resp.release_conn()
        return b"".join(chunks)

    @staticmethod
    def _network_error(exc: BaseException, url: str, current: str) -> FetchError:
        from urllib3.exceptions import NameResolutionError, SSLError

        host = urlsplit(current).hostname or current
        if isinstance(exc, NameResolutionError):
            why = f"cannot resolve {host} (no network, or no such host)"
        elif isinstance(exc, SSLError):
            why = f"TLS/certificate error with {host}"
        else:
            why = f"cannot connect to {host}"
        return FetchError("unreachable", f"{why}{_at(url, current)}", url, current)

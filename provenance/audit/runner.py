"""Run an audit: fetch concurrently and politely, compare in batches, store each
item the moment it finishes.

Two stages overlap:

- **acquire** (a thread pool, ``concurrency`` threads): the summary (fetched and
  extracted when it is a URL), the original it cites, retrieved with the same
  rules as `check` (safe fetching, archive fallback, the page cache).  At most
  ``per_host`` requests run at once against one host, ``delay`` seconds apart.
  Pages from the cache never wait for a slot.  Items citing the same original
  share one retrieval.
- **compare** (this thread): whatever items are ready, up to ``chunk`` at a time,
  go through ``Engine.compare_many``, so the encoder sees every sentence of the
  batch in one call (deduplicated) and the models load once.  While it encodes,
  the pool keeps fetching and extracting the next items.

Every finished item is one transaction in the store (store.py).  Items the
store already has are skipped: ``done`` always, ``failed`` unless
``retry_failed``.  The run itself needs nothing but the item list and the store,
so a shard of the items can run anywhere that can reach the page cache
(README, "Auditing many summaries").
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ..errors import InputError
from ..pipeline import Engine, Pair
from ..records import Document, Report, Retrieval
from ..retrieve.fetch import Fetcher
from ..settings import Settings
from .inputs import AuditItem
from .store import ItemResult, ResultStore, now

# Unavailable originals whose cause may pass (a slow or failing server, no
# network, an --offline run missing a page): the item is "failed" and retried
# on request.  A 404, 410, paywall, PDF, robots refusal or an uncited original
# will not change by asking again: those items are "done", all unverifiable.
TRANSIENT = frozenset({"timeout", "unreachable", "http_error", "not_in_cache"})


@dataclass(frozen=True, slots=True)
class AuditStats:
    """What one run did and where its time went (seconds)."""

    items: int  # in the input
    skipped: int  # already in the store
    done: int  # finished by this run
    failed: int
    wall_s: float
    fetch_s: float  # thread-seconds in the fetcher (network, cache reads, politeness waits)
    extract_s: float  # thread-seconds extracting pages and finding the cited original
    encode_s: float  # in the sentence encoder
    judge_s: float  # the rest of the comparison: segmenting, aligning, NER, checks, checker, judge
    store_s: float  # rendering JSON and committing items
    wait_s: float  # the compare stage waiting for items to be fetched
    sentences: int  # sentences the comparisons needed encoded (unique per batch)
    encoded: int  # of those, not already in the encoder's memory of recent vectors
    statements: int
    batches: int
    items_per_s: float  # items finished by this run / wall_s
    sentences_per_s: float  # sentences / wall_s


# -- politeness ----------------------------------------------------------------


class HostLimiter:
    """At most ``per_host`` requests in flight per host, starting ``delay`` s apart.

    A thread that already holds a host's slot (a robots.txt lookup inside a page
    fetch) does not take a second one: with ``per_host=1`` it would wait on itself."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = max(1, per_host)
        self.delay = max(0.0, delay)
        self._lock = threading.Lock()
        self._sems: dict[str, threading.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._held = threading.local()

    @contextmanager
    def slot(self, host: str):
        held = self._held.__dict__.setdefault("hosts", set())
        if host in held:
            yield
            return
        with self._lock:
            sem = self._sems.setdefault(host, threading.Semaphore(self.per_host))
        with sem:
            if self.delay:
                with self._lock:
                    start = max(time.monotonic(), self._next.get(host, 0.0))
                    self._next[host] = start + self.delay
                pause = start - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            held.add(host)
            try:
                yield
            finally:
                held.discard(host)


class _Clock:
    """Thread-seconds per stage, summed across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, stage: str, seconds: float, n: int = 0) -> None:
        with self._lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
            self.counts[stage] = self.counts.get(stage, 0) + n

    def get(self, stage: str) -> float:
        return self.seconds.get(stage, 0.0)


class _AuditFetcher(Fetcher):
    """The `check` fetcher, shared by the pool's threads, with the per-host limit
    around network requests (``_fetch_chain``: cache hits never wait) and a clock."""

    def __init__(self, settings: Settings, cache, limiter: HostLimiter, clock: _Clock, connections: int) -> None:
        super().__init__(settings, cache)
        # urllib3 keeps one connection per host by default and logs a warning for
        # every extra one it discards; concurrent fetches to one host need more.
        self._pool.connection_pool_kw["maxsize"] = max(1, connections)
        self._limiter = limiter
        self._clock = clock

    def get(self, url: str, *, robots: bool = True):
        t0 = time.perf_counter()
        try:
            return super().get(url, robots=robots)
        finally:
            self._clock.add("fetch", time.perf_counter() - t0, 1)

    def _fetch_chain(self, url: str, *, robots: bool, deadline: float | None = None):
        with self._limiter.slot((urlsplit(url).hostname or "").lower()):
            return super()._fetch_chain(url, robots=robots, deadline=deadline)


class _TimedEncoder:
    """The engine's encoder, timed, with a bounded memory of recent sentence vectors.

    The engine deduplicates sentences within a batch; across batches, an original
    cited by several summaries (an aggregator's usual case) would be encoded again
    whenever its items land in different batches, and the pool finishes items out of
    order.  In the 500-pair benchmark this memory cut the encoder's work by about a
    third.  Bounded so that a long audit does not grow without end: 50,000 vectors of
    384 floats is about 77 MB."""

    def __init__(self, inner, clock: _Clock, memory: OrderedDict, size: int = 50_000) -> None:
        self._inner = inner
        self._clock = clock
        self._memory = memory
        self._size = size
        self.name = inner.name

    def encode(self, texts):
        import numpy as np

        t0 = time.perf_counter()
        try:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memory))
            if missing:
                for text, vec in zip(missing, self._inner.encode(missing)):
                    self._memory[text] = vec
            rows = []
            for t in texts:
                self._memory.move_to_end(t)
                rows.append(self._memory[t])
            while len(self._memory) > self._size:
                self._memory.popitem(last=False)
            self._clock.add("encoded", 0.0, len(missing))
            return np.stack(rows) if rows else self._inner.encode([])
        finally:
            self._clock.add("encode", time.perf_counter() - t0, len(texts))


class _TimedEngine(Engine):
    """The engine with its encoder timed; the models are the process-wide ones."""

    def __init__(self, settings: Settings, clock: _Clock) -> None:
        super().__init__(settings)
        self._clock = clock
        self._memory: OrderedDict = OrderedDict()

    @property
    def encoder(self):
        return _TimedEncoder(super().encoder, self._clock, self._memory)


# -- acquire -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Acquired:
    item: AuditItem
    pair: Pair | None  # None: the summary itself could not be had
    error: str | None = None


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host or None


class _Acquirer:
    def __init__(self, settings: Settings, fetcher: _AuditFetcher, clock: _Clock, origin: str) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self.origin = origin
        self._lock = threading.Lock()
        # Recent retrievals by (URL, summary date): items citing the same original
        # share one fetch and one extraction.  Bounded: feeds cite the same article
        # close together, and an audit of a million items must not hold every page.
        self._memo: OrderedDict[tuple[str, str | None], Future] = OrderedDict()
        self._memo_size = 256

    def __call__(self, item: AuditItem) -> _Acquired:
        t0 = time.perf_counter()
        try:
            return self._acquire(item)
        except InputError as exc:
            return _Acquired(item, None, str(exc))
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop an audit; the item says why
            return _Acquired(item, None, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            # Extraction is what acquiring costs beyond fetching (trafilatura, citation search).
            self.clock.add("acquire", time.perf_counter() - t0, 1)

    def _acquire(self, item: AuditItem) -> _Acquired:
        from ..retrieve.check import choose_source, load_summary

        if item.summary_is_url:
            summary_doc, html = load_summary(item.summary.strip(), self.fetcher, self.settings)
        else:
            summary_doc, html = Document(item.summary, origin=f"{self.origin}:{item.line}"), None
        url, found_by, candidates = choose_source(summary_doc, html, item.source_url)
        if url is None:
            retrieval = Retrieval(requested_url=None, status="no_source",
                                  message="the summary does not say which original it summarizes; "
                                          "give it in a source column")
            return _Acquired(item, Pair(summary_doc, None, item.id, retrieval))
        source_doc, retrieval = self._retrieve(url, summary_doc.date)
        retrieval = replace(retrieval, found_by=found_by, candidates=candidates)
        return _Acquired(item, Pair(summary_doc, source_doc, item.id, retrieval))

    def _retrieve(self, url: str, summary_date: str | None) -> tuple[Document | None, Retrieval]:
        from ..retrieve.source import retrieve_source

        key = (url, summary_date)
        with self._lock:
            fut = self._memo.get(key)
            owner = fut is None
            if owner:
                fut = Future()
                self._memo[key] = fut
                while len(self._memo) > self._memo_size:
                    self._memo.popitem(last=False)
            else:
                self._memo.move_to_end(key)
        if not owner:
            return fut.result()
        try:
            result = retrieve_source(url, self.fetcher, summary_date=summary_date)
        except BaseException as exc:
            fut.set_exception(exc)
            with self._lock:
                self._memo.pop(key, None)
            raise
        fut.set_result(result)
        return result


# -- the run -------------------------------------------------------------------


def run_audit(items: Iterable[AuditItem], store: ResultStore, settings: Settings, *, concurrency: int = 8,
              per_host: int = 2, delay: float = 0.0, chunk: int = 32, retry_failed: bool = False,
              origin: str = "input", on_start: Callable[[int, int], None] | None = None,
              on_item: Callable[[ItemResult], None] | None = None) -> AuditStats:
    """Audit ``items`` into ``store``.  ``on_start(total, skipped)`` is called once the
    work is known, ``on_item`` after each item is stored (the progress bar)."""
    from ..report.json import render_line
    from ..retrieve.cache import PageCache
    from ..retrieve.check import engine_settings

    items = list(items)
    known = store.statuses()
    todo = [it for it in items if known.get(it.id) is None or (retry_failed and known[it.id] == "failed")]
    skipped = len(items) - len(todo)
    if on_start:
        on_start(len(items), skipped)

    clock = _Clock()
    cache = PageCache(settings.cache_path) if settings.use_cache else None
    if settings.offline and cache is None:
        raise InputError("--offline needs the page cache (it is turned off)")
    fetcher = _AuditFetcher(settings, cache, HostLimiter(per_host, delay), clock, connections=max(per_host, 1))
    engine = _TimedEngine(engine_settings(settings), clock)
    acquire = _Acquirer(settings, fetcher, clock, origin)
    counts = {"done": 0, "failed": 0}
    statements = batches = 0
    t_start = time.perf_counter()

    def finish(result: ItemResult) -> None:
        t0 = time.perf_counter()
        store.put(result)
        clock.add("store", time.perf_counter() - t0)
        counts[result.status] += 1
        if on_item:
            on_item(result)

    def from_report(a: _Acquired, report: Report) -> ItemResult:
        r = report.retrieval
        rstatus = r.status if r is not None else None
        transient = rstatus in TRANSIENT
        c = report.counts
        t0 = time.perf_counter()
        line = render_line(report)
        clock.add("store", time.perf_counter() - t0)
        return ItemResult(
            id=a.item.id, line=a.item.line, summary=a.item.summary,
            source_url=r.requested_url if r is not None else a.item.source_url,
            domain=domain_of(r.requested_url if r is not None else a.item.source_url),
            status="failed" if transient else "done", retrieval_status=rstatus,
            error=(r.message or None) if r is not None and not r.ok else None, verdict=report.verdict.value,
            supported=c["supported"], altered=c["altered"], invented=c["invented"], unverifiable=c["unverifiable"],
            report=line, finished_at=now())

    def failure(a: _Acquired, error: str) -> ItemResult:
        return ItemResult(id=a.item.id, line=a.item.line, summary=a.item.summary, source_url=a.item.source_url,
                          domain=domain_of(a.item.source_url), status="failed", retrieval_status=None,
                          error=error, verdict=None, finished_at=now())

    def compare(batch: list[_Acquired]) -> None:
        nonlocal statements, batches
        t0 = time.perf_counter()
        enc0 = clock.get("encode")
        try:
            reports = engine.compare_many([a.pair for a in batch])
        except Exception:  # noqa: BLE001 - find the one pair that breaks the engine; keep the others
            reports = []
            for a in batch:
                try:
                    reports.append(engine.compare_many([a.pair])[0])
                except Exception as exc:  # noqa: BLE001
                    reports.append(exc)
        clock.add("compare", time.perf_counter() - t0)
        clock.add("judge", (time.perf_counter() - t0) - (clock.get("encode") - enc0))
        batches += 1
        for a, rep in zip(batch, reports):
            if isinstance(rep, Exception):
                finish(failure(a, f"internal error while comparing: {type(rep).__name__}: {rep}"))
            else:
                statements += len(rep.verdicts)
                finish(from_report(a, rep))

    queue = deque(todo)
    in_flight: set[Future] = set()
    ready: list[_Acquired] = []
    # Enough queued work that a full batch is waiting when a comparison ends,
    # without holding more than a few batches of pages in memory.
    max_in_flight = concurrency + 2 * chunk
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="audit-fetch")
    try:
        while queue or in_flight or ready:
            while queue and len(in_flight) < max_in_flight:
                in_flight.add(pool.submit(acquire, queue.popleft()))
            # Gather what is ready; wait a moment for more while the batch is short,
            # but never sit idle when nothing new arrives (a slow host must not stall
            # the comparison of what we already have).
            t0 = time.perf_counter()
            while in_flight and len(ready) < chunk:
                got, in_flight = wait(in_flight, timeout=None if not ready else 0.05, return_when=FIRST_COMPLETED)
                in_flight = set(in_flight)
                if not got:
                    break
                for f in got:
                    a = f.result()
                    if a.pair is None:
                        finish(failure(a, a.error or "unknown failure"))
                    else:
                        ready.append(a)
                if not ready and queue:
                    break  # only failures so far: refill the pool before waiting again
            clock.add("wait", time.perf_counter() - t0)
            if ready:
                batch, ready = ready[:chunk], ready[chunk:]
                compare(batch)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        fetcher.close()
        if cache is not None:
            cache.close()
    wall = time.perf_counter() - t_start
    return AuditStats(
        items_per_s=round((counts["done"] + counts["failed"]) / wall, 3) if wall else 0.0,
        sentences_per_s=round(clock.counts.get("encode", 0) / wall, 1) if wall else 0.0,
        items=len(items), skipped=skipped, done=counts["done"], failed=counts["failed"],
        wall_s=wall, fetch_s=clock.get("fetch"),
        extract_s=max(0.0, clock.get("acquire") - clock.get("fetch")), encode_s=clock.get("encode"),
        judge_s=clock.get("judge"), store_s=clock.get("store"), wait_s=clock.get("wait"),
        sentences=clock.counts.get("encode", 0), encoded=clock.counts.get("encoded", 0), statements=statements, batches=batches)

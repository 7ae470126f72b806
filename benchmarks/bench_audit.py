#!/usr/bin/env python3
"""Audit throughput on recorded pairs served by a local HTTP server.

    python benchmarks/bench_audit.py [--pairs 500] [--encoder minilm|onnx] [--no-checker] [--skip-cold]

Builds the pages itself from ../shared/eval/frank-valid.jsonl (news articles and
their summaries): each source becomes an article page, each summary a page that
cites it ("Read the full article at ..."), all served from a threaded HTTP
server on 127.0.0.1.  Then it runs the audit twice into fresh result stores:
cold (empty page cache) and cached (the same cache), and prints items/s,
sentences/s, the raw encoder's sentences/s on the same sentences, and where the
time went: fetch and extract (summed over the fetching threads), encode and
judge (the comparing thread), and the comparing thread's wait for fetched items.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_site(rows: list[dict], base: str) -> tuple[dict[str, bytes], list[str]]:
    """path -> page, and the summary URLs in input order."""
    pages: dict[str, bytes] = {}
    urls = []
    for i, r in enumerate(rows):
        sid = hashlib.sha1(r["source"].encode()).hexdigest()[:12]
        src_path = f"/news/{sid}.html"
        if src_path not in pages:
            paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in r["source"].split("\n") if p.strip())
            pages[src_path] = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story {sid}</title></head>"
                               f"<body><article><h1>Story {sid}</h1>\n{paras}</article></body></html>").encode()
        sum_path = f"/digest/{i}.html"
        pages[sum_path] = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Digest {i}</title></head><body>"
                           f"<article><h1>Digest {i}</h1><p>{html.escape(r['summary'])}</p>"
                           f"<p>Read the full article at <a href='{base}{src_path}'>{base}{src_path}</a></p>"
                           f"</article></body></html>").encode()
        urls.append(f"{base}{sum_path}")
    return pages, urls


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = pages.get(self.path.split("?", 1)[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def raw_encoder_rate(store_path: Path, encoder) -> tuple[int, float]:
    """The encoder alone on the sentences the audit encoded: the same per-batch
    deduplication (32 items per batch, in input order)."""
    from provenance.audit.store import ResultStore
    from provenance.clean import clean_summary
    from provenance.records import Document
    from provenance.segment import split_sentences

    store = ResultStore(store_path)
    docs = []
    for r in store.rows():
        d = r.report_dict()
        if d and d["source"]:
            docs.append((d["summary"]["text"], d["source"]["text"]))
    store.close()
    sentences: list[str] = []
    for i in range(0, len(docs), 32):
        seen: dict[str, None] = {}
        for summ, src in docs[i:i + 32]:
            for s in (*clean_summary(Document(summ)).statements, *split_sentences(src)):
                seen.setdefault(s.text, None)
        sentences.extend(seen)
    t0 = time.perf_counter()
    for i in range(0, len(sentences), 2048):
        encoder.encode(sentences[i:i + 2048])
    return len(sentences), time.perf_counter() - t0


def report(name: str, st) -> None:
    stages = {"fetch": st.fetch_s, "extract": st.extract_s, "encode": st.encode_s, "judge": st.judge_s}
    total = sum(stages.values()) or 1.0
    n = st.done + st.failed
    print(f"{name}: {n} items in {st.wall_s:.1f} s = {st.items_per_s:.2f} items/s, {st.sentences} sentences = "
          f"{st.sentences_per_s:.0f} sentences/s ({st.encoded} of them encoded, the rest remembered from earlier "
          f"batches), {st.statements} statements, {st.batches} batches, "
          f"{st.failed} failed")
    print("   time: " + ", ".join(f"{k} {v:.1f} s ({100 * v / total:.0f}%)" for k, v in stages.items())
          + f"; comparing thread waited {st.wait_s:.1f} s for fetches, stored for {st.store_s:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "frank-valid.jsonl"))
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--encoder", default="minilm", choices=["minilm", "onnx", "hashing"])
    ap.add_argument("--no-checker", action="store_true")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--chunk", type=int, default=32)
    ap.add_argument("--skip-cold", action="store_true", help="Only the cached run (the cache is still filled first).")
    args = ap.parse_args()

    from provenance.audit import audit
    from provenance.pipeline import get_engine
    from provenance.retrieve.check import _engine_settings
    from provenance.settings import Settings

    rows = [json.loads(line) for line in open(args.data)][: args.pairs]
    if len(rows) < args.pairs:
        print(f"note: only {len(rows)} pairs in {args.data}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    pages: dict[str, bytes] = {}
    server = serve(pages)  # the pages name the server's address, so it starts first and they fill in after
    base = f"http://127.0.0.1:{server.server_address[1]}"
    site, urls = build_site(rows, base)
    pages.update(site)
    (tmp / "urls.txt").write_text("\n".join(urls) + "\n")
    print(f"{len(urls)} summary pages citing {sum(1 for p in pages if p.startswith('/news/'))} source pages, "
          f"served from {base}")

    settings = Settings(encoder=args.encoder, use_checker=not args.no_checker, allow_private=True,
                        respect_robots=False, archive=False, cache_path=str(tmp / "pages.sqlite3"))
    engine = get_engine(_engine_settings(settings))
    t0 = time.perf_counter()
    from provenance.records import Document

    engine.compare(Document("A warm-up sentence about a vote."), Document("The council voted on Monday."))
    if engine.checker is not None:
        engine.checker.predict([("a", "b")])
    print(f"models loaded in {time.perf_counter() - t0:.1f} s (before timing; checker "
          f"{'on' if engine.checker is not None else 'off'}, encoder {args.encoder})")

    kw = dict(concurrency=args.concurrency, per_host=args.concurrency, chunk=args.chunk)
    if args.skip_cold:
        from provenance.retrieve.cache import PageCache
        from provenance.retrieve.fetch import Fetcher

        cache = PageCache(settings.cache_path)
        f = Fetcher(settings, cache)
        for p in pages:
            f.get(base + p)
        f.close()
        cache.close()
    else:
        cold = audit(str(tmp / "urls.txt"), tmp / "cold", settings, **kw)
        report("cold (empty page cache)", cold.stats)
    warm = audit(str(tmp / "urls.txt"), tmp / "cached", settings, **kw)
    report("cached", warm.stats)
    n, secs = raw_encoder_rate(tmp / "cached" / "audit.sqlite3", engine.encoder)
    raw = n / secs
    print(f"raw encoder: {n} sentences in {secs:.1f} s = {raw:.0f} sentences/s; the cached audit reaches "
          f"{100 * warm.stats.sentences_per_s / raw:.0f}% of it")
    server.shutdown()


if __name__ == "__main__":
    main()

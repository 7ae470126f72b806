#!/usr/bin/env python3
"""Batch throughput next to the raw encoder, and a warm single compare.

    python benchmarks/bench_batch.py [--pairs 120] [--no-checker]

Prints, from one process on this machine:
  - the raw encoder's sentences/s on exactly the sentences the batch will encode,
  - batch pairs/s and sentences/s through the whole engine (clean, segment, encode,
    align, NER, checks, checker, judge),
  - a warm single `compare` of a ~1,000-word source (median of 5).
Pairs come from ../shared/eval/frank-valid.jsonl (news articles with their summaries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "frank-valid.jsonl"))
    ap.add_argument("--pairs", type=int, default=120)
    ap.add_argument("--no-checker", action="store_true")
    ap.add_argument("--encoder", default="minilm", choices=["minilm", "onnx"])
    args = ap.parse_args()

    from provenance.clean import clean_summary
    from provenance.pipeline import Pair, get_engine
    from provenance.records import Document
    from provenance.segment import split_sentences
    from provenance.settings import Settings

    rows = [json.loads(line) for line in open(args.data)][: args.pairs]
    pairs = [Pair(Document(r["summary"]), Document(r["source"]), id=r["id"]) for r in rows]
    engine = get_engine(Settings(use_checker=not args.no_checker, encoder=args.encoder))
    engine.compare(pairs[0].summary, pairs[0].source)  # load every model once

    # The raw encoder on the same sentences (deduplicated per chunk of 32 pairs, as the engine does).
    sentences: list[str] = []
    for i in range(0, len(pairs), 32):
        seen: dict[str, None] = {}
        for p in pairs[i : i + 32]:
            for s in (*clean_summary(p.summary).statements, *split_sentences(p.source.text)):
                seen.setdefault(s.text, None)
        sentences.extend(seen)
    t0 = time.perf_counter()
    for i in range(0, len(sentences), 2048):
        engine.encoder.encode(sentences[i : i + 2048])
    enc_s = time.perf_counter() - t0
    print(f"raw encoder: {len(sentences)} sentences in {enc_s:.1f}s = {len(sentences) / enc_s:.0f} sentences/s")

    t0 = time.perf_counter()
    reports = list(engine.stream(pairs, chunk=32))
    batch_s = time.perf_counter() - t0
    n_statements = sum(len(r.verdicts) for r in reports)
    print(f"batch: {len(pairs)} pairs, {n_statements} statements, {len(sentences)} sentences in {batch_s:.1f}s = "
          f"{len(pairs) / batch_s:.2f} pairs/s, {len(sentences) / batch_s:.0f} sentences/s "
          f"({100 * (len(sentences) / batch_s) / (len(sentences) / enc_s):.0f}% of the raw encoder)")

    # Warm single compare of a ~1,000-word source.
    words = 0
    parts = []
    for r in rows:
        for s in split_sentences(r["source"]):
            parts.append(s.text)
            words += len(s.text.split())
            if words >= 1000:
                break
        if words >= 1000:
            break
    source = " ".join(parts)
    summary = rows[0]["summary"]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        engine.compare(Document(summary), Document(source))
        times.append(time.perf_counter() - t0)
    print(f"warm single compare, {len(source.split())}-word source: median {statistics.median(times):.2f}s "
          f"(min {min(times):.2f}s)")
    print(f"encoder: {engine.encoder.name}; checker: {'on' if engine.checker is not None else 'off'}")


if __name__ == "__main__":
    main()

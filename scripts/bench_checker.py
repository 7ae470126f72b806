"""Throughput of the shipped int8 ONNX consistency checker on this machine (2 threads).

Pairs are statement-evidence sized: a ~40-word premise (source evidence) and a ~20-word
hypothesis (summary statement), built from fixed word lists with a seeded RNG so runs are
comparable.  Target (issue 7): >= 40 pairs/s on 2 cores.

  python scripts/bench_checker.py [--pairs 512] [--batch-size 32] [--repeats 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance.checker import ConsistencyChecker  # noqa: E402

WORDS = (
    "the council said police minister club government company report plans new homes year "
    "people million town city officials announced on Tuesday after a meeting with residents "
    "who had raised concerns about traffic and the cost of the project which is expected to "
    "open next spring according to a spokesman for the local authority in the north"
).split()


def make_pairs(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)

    def sentence(k: int) -> str:
        words = [rng.choice(WORDS) for _ in range(k)]
        return " ".join(words).capitalize() + "."

    return [(sentence(rng.randint(36, 44)), sentence(rng.randint(17, 23))) for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=512)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model-dir", help="benchmark an exported model directory instead of the package data")
    args = ap.parse_args()

    t0 = time.perf_counter()
    checker = ConsistencyChecker.from_dir(args.model_dir) if args.model_dir else ConsistencyChecker.from_package()
    print(f"loaded {checker.source} in {time.perf_counter() - t0:.2f} s")
    pairs = make_pairs(args.pairs)
    enc = checker._tok.encode_batch(pairs[:64])
    print(f"{args.pairs} pairs, ~{sum(len(e.ids) for e in enc) / len(enc):.0f} tokens per pair, "
          f"batch {args.batch_size}, {args.repeats} timed runs")
    checker.predict(pairs[:64], batch_size=args.batch_size)  # warm-up
    rates = []
    for r in range(args.repeats):
        t = time.perf_counter()
        checker.predict(pairs, batch_size=args.batch_size)
        rate = len(pairs) / (time.perf_counter() - t)
        rates.append(rate)
        print(f"  run {r + 1}: {rate:.1f} pairs/s")
    best, median = max(rates), statistics.median(rates)
    print(f"median {median:.1f} pairs/s, best {best:.1f} pairs/s (target >= 40): "
          f"{'OK' if median >= 40 else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()

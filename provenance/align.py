"""Summary statements x source sentences -> evidence.

Each statement is scored against every source sentence with two signals: the
cosine of sentence embeddings (meaning) and rapidfuzz's token-set ratio over
normalised text (wording).  Summaries often fuse two neighbouring source
sentences, so pairs of adjacent sentences around the best hits are candidates
too.  The best few non-overlapping passages are kept as evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .records import Alignment, Evidence, Sentence
from .text import normalize

# Weight of the embedding cosine in the combined score; the rest is lexical.
# Chosen on xsumfaith-dev + frank-valid (benchmarks/tune_alignment.py): 0.6 gave the
# best balanced accuracy of the "best score >= t" rule, 0.4-0.8 were within 0.01.
SEMANTIC_WEIGHT = 0.6
# Adjacent-pair candidates are built around this many best single sentences.
_PAIR_SEEDS = 4


def _combined(semantic: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    return SEMANTIC_WEIGHT * np.clip(semantic, 0.0, 1.0) + (1.0 - SEMANTIC_WEIGHT) * lexical


def align(
    statements: Sequence[Sentence],
    statement_vecs: np.ndarray,
    source_sentences: Sequence[Sentence],
    source_vecs: np.ndarray,
    source_text: str,
    top_k: int = 3,
) -> tuple[Alignment, ...]:
    if not statements:
        return ()
    if not source_sentences:
        return tuple(Alignment(statement=s, evidence=()) for s in statements)
    norm_src = [normalize(s.text) for s in source_sentences]
    norm_stm = [normalize(s.text) for s in statements]
    semantic = statement_vecs @ source_vecs.T  # (n_statements, n_source)
    lexical = process.cdist(norm_stm, norm_src, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=1) / 100.0
    combined = _combined(semantic, lexical)

    out = []
    n_src = len(source_sentences)
    for i, statement in enumerate(statements):
        candidates: list[tuple[float, float, float, tuple[int, ...]]] = [
            (float(combined[i, j]), float(semantic[i, j]), float(lexical[i, j]), (j,)) for j in range(n_src)
        ]
        seeds = np.argsort(-combined[i])[:_PAIR_SEEDS]
        pairs = {tuple(sorted((int(j), int(j) + d))) for j in seeds for d in (-1, 1) if 0 <= int(j) + d < n_src}
        for a, b in pairs:
            vec = source_vecs[a] + source_vecs[b]
            norm = float(np.linalg.norm(vec)) or 1.0
            sem = float(statement_vecs[i] @ vec) / norm
            lex = fuzz.token_set_ratio(norm_stm[i], norm_src[a] + " " + norm_src[b]) / 100.0
            score = float(_combined(np.array(sem), np.array(lex)))
            # A pair must beat both its members clearly to be worth showing as one passage.
            if score > max(combined[i, a], combined[i, b]) + 0.02:
                candidates.append((score, sem, lex, (a, b)))
        candidates.sort(key=lambda c: -c[0])
        chosen: list[Evidence] = []
        used: set[int] = set()
        for score, sem, lex, idxs in candidates:
            if used.intersection(idxs):
                continue
            first, last = source_sentences[idxs[0]], source_sentences[idxs[-1]]
            chosen.append(
                Evidence(
                    start=first.start,
                    end=last.end,
                    text=source_text[first.start : last.end],
                    sentence_indices=idxs,
                    score=round(score, 4),
                    semantic=round(sem, 4),
                    lexical=round(lex, 4),
                )
            )
            used.update(idxs)
            if len(chosen) >= top_k:
                break
        out.append(Alignment(statement=statement, evidence=tuple(chosen)))
    return tuple(out)

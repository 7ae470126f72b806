"""Evidence -> label, confidence, reasons and changes.

The explicit checks (checks.py) say *what* differs; this module decides the
label from them and from the alignment scores.  The decision is a small linear
model whose weights live in ``provenance/data/judge.json`` and are refitted by
``benchmarks/fit_judge.py`` on ../shared/eval with document-grouped
cross-validation; the feature list below is the contract between the two.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .checks import Findings
from .records import Alignment, Label, Verdict

FEATURES: tuple[str, ...] = (
    "best_score",
    "best_semantic",
    "best_lexical",
    "second_score",
    "novel_ratio",
    "novel_count",
    "novel_info",
    "novel_rare",
    "window_coverage",
    "elsewhere_ratio",
    "missing_entities",
    "missing_numbers",
    "entity_swaps",
    "number_swaps",
    "negation_flip",
    "hedge_change",
    "antonym",
    "quote_missing",
    "attribution",
    "statement_words",
    "nli_entail",
    "nli_neutral",
    "nli_contradict",
)


def features(alignment: Alignment, findings: Findings, nli: tuple[float, float, float] | None) -> dict[str, float]:
    ev = alignment.evidence
    best = ev[0] if ev else None
    ent, neu, con = nli if nli is not None else (0.0, 0.0, 0.0)
    return {
        "best_score": best.score if best else 0.0,
        "best_semantic": best.semantic if best else 0.0,
        "best_lexical": best.lexical if best else 0.0,
        "second_score": ev[1].score if len(ev) > 1 else 0.0,
        "novel_ratio": findings.novel_ratio,
        "novel_count": float(min(len(findings.novel_words), 6)),
        "novel_info": findings.novel_info,
        "novel_rare": float(min(findings.novel_rare, 4)),
        "window_coverage": findings.window_coverage,
        "elsewhere_ratio": findings.elsewhere_ratio,
        "missing_entities": float(min(findings.missing_entities, 3)),
        "missing_numbers": float(min(findings.missing_numbers, 3)),
        "entity_swaps": float(min(findings.entity_swaps, 3)),
        "number_swaps": float(min(findings.number_swaps, 3)),
        "negation_flip": float(findings.negation_flip),
        "hedge_change": float(findings.hedge_change),
        "antonym": float(findings.antonym),
        "quote_missing": float(min(findings.quote_missing, 2)),
        "attribution": float(findings.attribution),
        "statement_words": float(min(len(alignment.statement.text.split()), 60)) / 60.0,
        "nli_entail": ent,
        "nli_neutral": neu,
        "nli_contradict": con,
    }


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Two logistic regressions: p(faithful) and, for unfaithful statements,
    p(altered rather than invented).  Features are standardised with the
    stored mean and scale."""

    mean: dict[str, float]
    scale: dict[str, float]
    faithful_w: dict[str, float]
    faithful_b: float
    altered_w: dict[str, float]
    altered_b: float
    threshold: float  # p(faithful) below this -> not supported
    meta: dict

    def _z(self, feats: dict[str, float], w: dict[str, float], b: float) -> float:
        z = b
        for name, weight in w.items():
            x = (feats.get(name, 0.0) - self.mean.get(name, 0.0)) / (self.scale.get(name, 1.0) or 1.0)
            z += weight * x
        return z

    def p_faithful(self, feats: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self._z(feats, self.faithful_w, self.faithful_b)))

    def p_altered(self, feats: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self._z(feats, self.altered_w, self.altered_b)))


@lru_cache(maxsize=4)
def load_model(name: str = "judge.json") -> LinearModel:
    data = json.loads(resources.files("provenance.data").joinpath(name).read_text("utf-8"))
    return LinearModel(
        mean=data["mean"], scale=data["scale"],
        faithful_w=data["faithful"]["weights"], faithful_b=data["faithful"]["bias"],
        altered_w=data["altered"]["weights"], altered_b=data["altered"]["bias"],
        threshold=data["threshold"], meta=data.get("meta", {}),
    )


def _reasons(alignment: Alignment, findings: Findings, label: Label, nli) -> list[str]:
    best = alignment.best
    reasons: list[str] = []
    if best is None:
        reasons.append("the source has no sentence to compare with")
    else:
        reasons.append(
            f"best source match {best.score:.2f} (meaning {best.semantic:.2f}, wording {best.lexical:.2f})"
        )
    for change in findings.changes:
        reasons.append(change.explanation or f"{change.kind}: {change.summary_text!r}")
    if findings.novel_words:
        shown = ", ".join(findings.novel_words[:6])
        reasons.append(f"words not found in the source: {shown}")
    if nli is not None:
        ent, _neu, con = nli
        if con >= 0.5:
            reasons.append(f"the consistency checker reads the source as contradicting this ({con:.2f})")
        elif ent >= 0.5:
            reasons.append(f"the consistency checker reads the source as entailing this ({ent:.2f})")
    return reasons


def judge(alignment: Alignment, findings: Findings, nli: tuple[float, float, float] | None = None,
          model: LinearModel | None = None) -> Verdict:
    model = model or load_model()
    feats = features(alignment, findings, nli)
    p_ok = model.p_faithful(feats)
    if p_ok >= model.threshold:
        label = Label.SUPPORTED
        # confidence: how far above the threshold, mapped to [0.5, 1]
        confidence = 0.5 + 0.5 * (p_ok - model.threshold) / max(1e-6, 1.0 - model.threshold)
    else:
        p_alt = model.p_altered(feats)
        has_detail = any(c.source_text is not None for c in findings.changes)
        # An altered label needs a source passage that matches; an explicit changed
        # detail makes it more likely, a statement with nothing near it is invented.
        label = Label.ALTERED if p_alt >= 0.5 else Label.INVENTED
        if label is Label.ALTERED and not has_detail and (alignment.best is None):
            label = Label.INVENTED
        p_bad = 1.0 - p_ok / max(model.threshold, 1e-6)
        confidence = 0.5 + 0.5 * min(1.0, p_bad) * (p_alt if label is Label.ALTERED else 1.0 - p_alt) * 2 / 2
    return Verdict(
        statement=alignment.statement,
        label=label,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        reasons=tuple(_reasons(alignment, findings, label, nli)),
        evidence=alignment.evidence,
        changes=findings.changes,
        features=tuple(sorted(feats.items())),
    )

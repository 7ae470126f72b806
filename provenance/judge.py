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
    "explicit_alterations",
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
        "explicit_alterations": float(min(explicit_alterations(findings), 3)),
        "nli_entail": ent,
        "nli_neutral": neu,
        "nli_contradict": con,
    }


# Change kinds that, found in a well-aligned passage, make a statement altered
# whatever the linear model says: the user can see both wordings and check them.
ALTERING_KINDS = frozenset({"number", "date", "entity", "hedge", "antonym", "attribution", "negation", "quote"})


def explicit_alterations(findings: Findings) -> int:
    """Changes with a source wording (a detail differs from the matched passage)."""
    return sum(1 for c in findings.changes if c.kind in ALTERING_KINDS and
               (c.source_text is not None or c.kind == "negation"))


def decide(p_ok: float, p_alt: float, explicit: float, best_score: float, threshold: float,
           override_align: float) -> Label:
    """The label rule, shared with benchmarks/fit_judge.py so that the
    cross-validated numbers are those of this exact rule."""
    if explicit > 0 and best_score >= override_align:
        return Label.ALTERED
    if p_ok >= threshold:
        return Label.SUPPORTED
    return Label.ALTERED if p_alt >= 0.5 else Label.INVENTED


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
    override_align: float  # explicit change + best alignment at least this -> altered
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
        threshold=data["threshold"], override_align=data.get("override_align", 2.0), meta=data.get("meta", {}),
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
    p_alt = model.p_altered(feats)
    label = decide(p_ok, p_alt, feats["explicit_alterations"], feats["best_score"], model.threshold,
                   model.override_align)
    if label is Label.SUPPORTED:
        # how far above the threshold, mapped to [0.5, 1]
        confidence = 0.5 + 0.5 * (p_ok - model.threshold) / max(1e-6, 1.0 - model.threshold)
    elif p_ok >= model.threshold:  # altered by an explicit change the linear model did not weigh
        confidence = 0.5 + 0.5 * min(1.0, feats["best_score"])
    else:
        below = (model.threshold - p_ok) / max(model.threshold, 1e-6)
        kind = p_alt if label is Label.ALTERED else 1.0 - p_alt
        confidence = 0.5 + 0.25 * below + 0.25 * kind
    changes = findings.changes
    if label is Label.INVENTED:
        # Nothing matches this statement, so "the source says X instead" would compare it with an
        # unrelated passage: keep only the facts that appear nowhere in the source.
        changes = tuple(c for c in changes if c.source_text is None)
    return Verdict(
        statement=alignment.statement,
        label=label,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        reasons=tuple(_reasons(alignment, findings, label, nli)),
        evidence=alignment.evidence,
        changes=changes,
        features=tuple(sorted(feats.items())),
    )

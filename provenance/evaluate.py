"""Measure the engine on labelled data (the format of ../shared/eval).

Metrics follow the eval README exactly:

1. binary balanced accuracy (positive = unfaithful; a missing prediction is wrong),
2. 3-way macro-F1 over supported/altered/invented where rows have ``label``
   (gold altered+invented: correct if predicted altered or invented, then left
   out of the per-class counts; predicted supported counts as a false positive
   of supported),
3. coverage.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .records import Document, Label, Report

CLASSES = ("supported", "altered", "invented")


@dataclass(frozen=True, slots=True)
class EvalItem:
    id: str
    source: str
    summary: str
    faithful: bool
    label: str | None  # 3-way gold when the file has it
    dataset: str  # xsumfaith | cnndm | bbc ...
    spans: tuple[tuple[str, int, int], ...] = ()
    error_fractions: tuple[tuple[str, float], ...] = ()

    @property
    def group(self) -> str:
        """The source article: rows of one article must stay in one fold."""
        return self.id.split("/")[1] if self.id.count("/") >= 2 else self.id


def load_items(path: str | Path) -> list[EvalItem]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"evaluation file not found: {path}")
    items = []
    with open(p, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                label = row.get("label")
                faithful = (label == "supported") if label is not None else bool(row["faithful"])
                items.append(EvalItem(
                    id=row["id"], source=row["source"], summary=row["summary"], faithful=faithful, label=label,
                    dataset=row.get("dataset") or row.get("origin") or p.stem,
                    spans=tuple((s["type"], s["start"], s["end"]) for s in row.get("spans", ())),
                    error_fractions=tuple(sorted((row.get("error_fractions") or {}).items())),
                ))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"{path}: line {lineno}: not an evaluation row ({exc})") from None
    return items


def summary_label(report: Report) -> str:
    """The README's summary-level prediction (unverifiable counts as supported)."""
    v = report.verdict
    return v.value if v in (Label.ALTERED, Label.INVENTED) else "supported"


def balanced_accuracy(items: Sequence[EvalItem], preds: dict[str, str]) -> dict[str, float]:
    tp = fn = tn = fp = 0
    for it in items:
        pred = preds.get(it.id)
        unfaithful_pred = pred in ("altered", "invented") if pred is not None else None
        if not it.faithful:
            tp += unfaithful_pred is True
            fn += unfaithful_pred is not True
        else:
            tn += unfaithful_pred is False
            fp += unfaithful_pred is not False
    tpr = tp / (tp + fn) if tp + fn else 0.0
    tnr = tn / (tn + fp) if tn + fp else 0.0
    return {"bacc": (tpr + tnr) / 2 if (tp + fn and tn + fp) else (tpr or tnr), "tpr": tpr, "tnr": tnr,
            "n": len(items)}


def macro_f1(items: Sequence[EvalItem], preds: dict[str, str]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for it in items:
        if it.label is None:
            continue
        pred = preds.get(it.id)
        gold = it.label
        if gold == "altered+invented":
            if pred in ("altered", "invented"):
                continue
            if pred == "supported":
                fp["supported"] += 1
            continue
        if pred == gold:
            tp[gold] += 1
        else:
            fn[gold] += 1
            if pred is not None:
                fp[pred] += 1
    f1 = {}
    for c in CLASSES:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1[c] = 2 * p * r / (p + r) if p + r else 0.0
    return {"macro_f1": sum(f1.values()) / len(CLASSES), "f1": f1}


def confusion(items: Sequence[EvalItem], preds: dict[str, str]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for it in items:
        gold = it.label or ("supported" if it.faithful else "unfaithful")
        pred = preds.get(it.id, "missing")
        table.setdefault(gold, Counter())[pred] += 1
    return {g: dict(c) for g, c in sorted(table.items())}


def score(items: Sequence[EvalItem], preds: dict[str, str]) -> dict:
    out = {"all": balanced_accuracy(items, preds),
           "coverage": sum(it.id in preds for it in items) / max(1, len(items)),
           "confusion": confusion(items, preds)}
    if any(it.label is not None for it in items):
        out.update(macro_f1(items, preds))
    by_ds: dict[str, list[EvalItem]] = {}
    for it in items:
        by_ds.setdefault(it.dataset, []).append(it)
    if len(by_ds) > 1:
        out["by_dataset"] = {ds: balanced_accuracy(rows, preds) for ds, rows in sorted(by_ds.items())}
    return out


@dataclass(slots=True)
class EvalRun:
    path: str
    items: list[EvalItem]
    reports: dict[str, Report]
    seconds: float
    metrics: dict = field(default_factory=dict)

    @property
    def predictions(self) -> dict[str, str]:
        return {k: summary_label(r) for k, r in self.reports.items()}

    def mistakes(self, n: int = 5) -> list[tuple[EvalItem, Report, str]]:
        """The most confident wrong calls: false alarms first, then misses."""
        wrong = []
        for it in self.items:
            rep = self.reports.get(it.id)
            if rep is None:
                continue
            pred = summary_label(rep)
            if (pred == "supported") != it.faithful:
                kind = "false alarm" if it.faithful else "miss"
                conf = max((v.confidence for v in rep.verdicts), default=0.0)
                wrong.append((kind, conf, it, rep))
        wrong.sort(key=lambda w: (w[0] != "false alarm", -w[1]))
        alarms = [w for w in wrong if w[0] == "false alarm"][:n]
        misses = [w for w in wrong if w[0] == "miss"][:n]
        return [(it, rep, kind) for kind, _c, it, rep in alarms + misses]


def run(path: str | Path, engine, limit: int | None = None, ids: Iterable[str] | None = None,
        progress=None) -> EvalRun:
    from .pipeline import Pair

    items = load_items(path)
    if ids is not None:
        wanted = set(ids)
        items = [it for it in items if it.id in wanted]
    if limit is not None:
        items = items[:limit]
    pairs = [Pair(Document(it.summary, origin=it.id), Document(it.source, origin=it.id), id=it.id) for it in items]
    t0 = time.perf_counter()
    reports = {r.id: r for r in engine.stream(pairs, chunk=32, progress=progress)}
    seconds = time.perf_counter() - t0
    result = EvalRun(str(path), items, reports, seconds)
    result.metrics = score(items, result.predictions)
    result.metrics["throughput"] = {
        "pairs_per_s": len(items) / max(seconds, 1e-9),
        "statements": sum(len(r.verdicts) for r in reports.values()),
        "seconds": seconds,
    }
    return result
